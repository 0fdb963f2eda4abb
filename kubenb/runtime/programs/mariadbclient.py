"""``mariadb`` (also ``mysql`` in the 10.x images): MariaDB's command-line client, for ``-e``.

It logs in to a running ``mariadbd`` -- through the local socket without ``-h`` (the server sees
``'user'@'localhost'``), else over TCP to ``-h``'s address, resolved through the pod's DNS -- with
the server's own :meth:`~kubenb.runtime.programs.mariadb.MariaDB.check_login`, then runs the
statements of ``-e`` (or of its standard input). Output follows the client: a boxed table on a
terminal or with ``-t``, tab-separated with a header line otherwise (``kubectl exec`` without
``-t``). Statements it does not model fail with MariaDB's syntax error rather than pretend.
"""

from __future__ import annotations

import re

from kubenb.runtime.process import Process
from kubenb.runtime.program import Program
from kubenb.runtime.programs.applet import Gen
from kubenb.runtime.sandbox import ConnectError

SOCKET = "/run/mysqld/mysqld.sock"


def _options(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """mysql's short options take their value glued (``-uroot``) or next (``-u root``); ``-p`` only glued."""
    long_names = {"user": "u", "password": "p", "host": "h", "port": "P", "execute": "e", "database": "D"}
    opts: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--") and a[2:].split("=", 1)[0] in long_names:
            name, _, value = a[2:].partition("=")
            opts[long_names[name]] = value
        elif a in ("-t", "--table"):
            opts["t"] = ""
        elif a in ("-B", "--batch"):
            opts["B"] = ""
        elif a.startswith("-") and len(a) >= 2 and a[1] in "uphPeD":
            value = a[2:]
            if not value and a[1] != "p" and i + 1 < len(argv):
                i += 1
                value = argv[i]
            opts[a[1]] = value
        else:
            rest.append(a)
        i += 1
    return opts, rest


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+\n"

    def line(cells: list[str]) -> str:
        return "|" + "|".join(f" {c:<{w}} " for c, w in zip(cells, widths, strict=True)) + "|\n"

    return rule + line(header) + rule + "".join(line(r) for r in rows) + rule


class MariaDBClient(Program):
    memory = 4 << 20

    def main(self, proc: Process) -> Gen:
        return self.run(proc)
        yield  # pragma: no cover  (a generator, like every program)

    def run(self, proc: Process) -> int:
        opts, rest = _options(proc.argv[1:])
        user = opts.get("u", "root")
        password = opts.get("p", "")
        host = opts.get("h", "localhost")
        port = int(opts.get("P", "3306") or 3306)
        database = opts.get("D") or (rest[0] if rest else "")
        sandbox = proc.container.sandbox
        if host == "localhost":
            client_ip, target = "localhost", "127.0.0.1"
        else:
            addresses = sandbox.resolve(host)[1]
            if not addresses:
                proc.err(f"ERROR 2005 (HY000): Unknown server host '{host}' (-2)\n")
                return 1
            target = addresses[0]
        try:
            endpoint = sandbox.connect(target, port)
        except ConnectError:
            endpoint = None
        check = getattr(endpoint.program if endpoint is not None else None, "check_login", None)
        if endpoint is None or check is None:
            where = f"local server through socket '{SOCKET}' (2)" if host == "localhost" else f"server on '{host}' (115)"
            proc.err(f"ERROR 2002 (HY000): Can't connect to {where}\n")
            return 1
        if host != "localhost":
            client_ip = endpoint.client_ip
        failed = check(user, password, database, client_ip)
        if failed is not None:
            proc.err(f"ERROR {failed[0]} ({failed[1]}): {failed[2]}\n")
            return 1
        script = opts["e"] if "e" in opts else proc.stdin
        boxed = "t" in opts or (proc.tty and "B" not in opts)
        for n, statement in enumerate(s.strip() for s in script.split(";")):
            if not statement:
                continue
            if re.fullmatch(r"(?i)show\s+(databases|schemas)", statement):
                names = endpoint.program.databases(user, client_ip)  # type: ignore[attr-defined]
                header, rows = ["Database"], [[name] for name in names]
            else:
                word = statement.split()[0]
                proc.err(f"ERROR 1064 (42000) at line {n + 1}: You have an error in your SQL syntax; check the "
                         "manual that corresponds to your MariaDB server version for the right syntax to use near "
                         f"'{statement[len(word):].strip()}' at line 1\n")
                return 1
            if boxed:
                proc.out(table(header, rows))
            else:
                proc.out("\t".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in rows))
        return 0
