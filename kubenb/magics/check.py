"""`%%kcheck`: check the learner's cluster at the end of an exercise, and say so kindly.

    %%kcheck
    get deploy nginx-deploy -o jsonpath={.spec.replicas} == 3        # the Deployment asks for 3 pods
    get deploy nginx-deploy -o jsonpath={.status.readyReplicas} == 3  # and 3 are ready

Each line is a kubectl command, `==` or `!=`, and the text its output should (not) be (surrounding
blanks ignored); an optional `# comment` is what the verdict calls the check. The commands only
read: no simulated time passes, so checking never changes what it checks.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from IPython.core.magic import Magics, cell_magic, magics_class

from kubenb import kubectl
from kubenb.magics.session import SESSION

LINE = re.compile(r"^(?P<cmd>.+?)\s+(?P<op>==|!=)(?:\s+(?P<want>.*))?$")
USAGE = "usage: %%kcheck, then one check a line: KUBECTL ARGS == EXPECTED OUTPUT   [# what it checks]\n"


@dataclass(frozen=True)
class Check:
    command: str
    op: str
    want: str
    label: str

    def run(self) -> tuple[bool, str]:
        """(passed, what was seen): the command's output, or its error."""
        result = kubectl.run(SESSION.current, self.command)
        if result.returncode:
            return False, result.stderr.strip()
        got = result.stdout.strip()
        return (got == self.want) == (self.op == "=="), got


def parse_checks(text: str) -> list[Check]:
    """The cell's checks (blank and `#` lines skipped); raises ValueError on a line that is not one."""
    checks = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        text, _, label = line.partition(" # ")
        m = LINE.match(text.strip())
        if m is None:
            raise ValueError(line)
        cmd = m["cmd"].strip()
        cmd = cmd.split(None, 1)[1] if cmd.split()[0] in ("k", "kubectl") else cmd
        checks.append(Check(cmd, m["op"], (m["want"] or "").strip(), label.strip() or cmd))
    return checks


@magics_class
class CheckMagics(Magics):
    @cell_magic
    def kcheck(self, line: str, cell: str) -> None:
        """Check the cluster: one `KUBECTL ARGS == EXPECTED [# what]` a line; prints a verdict."""
        try:
            checks = parse_checks(cell)
        except ValueError as e:
            sys.stderr.write(f"not a check: {e}\n{USAGE}")
            return
        if not checks:
            sys.stderr.write(USAGE)
            return
        lines, failed = [], 0
        for check in checks:
            ok, got = check.run()
            if ok:
                lines.append(f"✔ {check.label}")
                continue
            failed += 1
            expected = repr(check.want) if check.op == "==" else f"anything but {check.want!r}"
            lines.append(f"✘ {check.label}: expected {expected}, got {got!r}")
        if failed:
            lines.append(f"Not yet: {len(checks) - failed} of {len(checks)} checks pass. Look at the ✘ lines, "
                         "change the cluster and run this cell again.")
        else:
            lines.append(f"Well done: all {len(checks)} checks pass.")
        sys.stdout.write("\n".join(lines) + "\n")  # one write, so the stored stream is the same every run
