"""`%%kapply`, `%kget`, `%k` / `%kubectl`, `%ksleep`, `%kcluster`: kubectl in a notebook.

Each magic runs one kubectl command line against the session's current cluster and shows what
the real kubectl would print: stdout as text (tables also as HTML), stderr as the notebook's red
error stream. A failed command is one line in kubectl's words, never a traceback.
"""

from __future__ import annotations

import shlex
import sys
from typing import Optional

from IPython.core.magic import Magics, cell_magic, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from kubenb.journal import RecipeError
from kubenb.magics.display import KubectlOutput
from kubenb.magics.session import SESSION
from kubenb.magics.viz import after_command


def run_kubectl(cmdline: list[str] | str, stdin: Optional[str] = None) -> int:
    """Run a command on the current cluster and show its output the way a notebook should."""
    tables: list = []
    result = SESSION.current.kubectl(cmdline, stdin, displays=tables)
    after_command()  # live figures redraw in place
    if result.stdout:
        if tables:
            display(KubectlOutput(result.stdout, tables))
        else:
            sys.stdout.write(result.stdout)
            sys.stdout.flush()
    if result.stderr:
        sys.stderr.write(result.stderr)
        sys.stderr.flush()
    return result.returncode


def _argv(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError as e:
        sys.stderr.write(f"error: {e}\n")
        return []


def _limits(pairs: list[str]) -> Optional[dict[str, int]]:
    """`--limit replicas=20000 --limit pods=300000` as the mapping `Cluster(limits=...)` takes."""
    if not pairs:
        return None
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not value.strip().isdigit():
            raise ValueError(f"--limit takes NAME=N (a whole number), not {pair!r}")
        out[name.strip()] = int(value)
    return out


@magics_class
class KubeMagics(Magics):
    @cell_magic
    def kapply(self, line: str, cell: str) -> None:
        """Apply the YAML in this cell, like `kubectl apply -f -`.

        Usage: %%kapply [kubectl apply flags, e.g. -n NAMESPACE, --dry-run=client, -o yaml]
        The cell may hold several documents (separated by `---`) or a `kind: List`.
        """
        run_kubectl(["apply", "-f", "-", *_argv(line)], stdin=cell)

    @line_magic
    def kget(self, line: str) -> None:
        """`kubectl get ...`: e.g. `%kget pods -o wide`, `%kget deploy,rs -l app=nginx`."""
        run_kubectl(["get", *_argv(line)])

    @line_cell_magic
    def k(self, line: str, cell: Optional[str] = None) -> None:
        """Any kubectl command line: `%k describe pod nginx`, `%k delete deploy nginx`.

        As a cell magic the cell body is the command's standard input: `%%k apply -f -`.
        """
        run_kubectl(_argv(line), stdin=cell)

    @line_cell_magic
    def kubectl(self, line: str, cell: Optional[str] = None) -> None:
        """Same as `%k`: any kubectl command line against the notebook's cluster."""
        run_kubectl(_argv(line), stdin=cell)

    @line_magic
    def ksleep(self, line: str) -> None:
        """Let simulated time pass: `%ksleep 30s`, `%ksleep 2m`, `%ksleep 90`."""
        try:
            SESSION.current.sleep(line.strip() or "0s")
        except ValueError as e:
            sys.stderr.write(f"error: {e}\n")
        after_command()

    @magic_arguments()
    @argument("action", choices=["new", "reset", "use", "list", "info", "save", "load"], help="what to do")
    @argument("name", nargs="?", default=None, help="cluster name (new, use), or FILE (save, load)")
    @argument("--profile", default="kubeadm", help="cluster profile: kubeadm (v1.32) or course (v1.23)")
    @argument("--seed", type=int, default=0, help="random seed (same seed, same names and timings)")
    @argument("--pace", type=float, default=None, help="simulated seconds each command lets pass first")
    @argument("--nodes", type=int, default=None, help="number of nodes (control plane included)")
    @argument("--limit", action="append", default=[], metavar="NAME=N",
              help="raise or lower a simulator limit: replicas (per workload) or pods (per cluster)")
    @line_magic
    def kcluster(self, line: str) -> None:
        """Manage the notebook's simulated clusters: `%kcluster new --profile course`, `reset`, `use NAME`, `list`,
        `save FILE` (the current cluster's recipe: how it was made and every command since) and
        `load FILE` (rebuild a saved cluster by replaying its recipe, and use it)."""
        args = parse_argstring(self.kcluster, line)
        if args.action == "new":
            kwargs: dict = {} if args.pace is None else {"pace": args.pace}
            try:
                limits = _limits(args.limit)
                c = SESSION.new(args.name or args.profile, args.profile, args.seed, nodes=args.nodes,
                                limits=limits, **kwargs)
            except ValueError as e:
                sys.stderr.write(f"error: {e}\n")
                return
            print(f"cluster {c.name!r}: {c.profile.name} profile, Kubernetes {c.version.git_version}, "
                  f"{len(c.profile.nodes)} nodes")
        elif args.action == "reset":
            c = SESSION.reset()
            print(f"cluster {c.name!r} reset")
        elif args.action == "use":
            try:
                c = SESSION.use(args.name or "")
            except KeyError:
                sys.stderr.write(f"error: no cluster named {args.name!r}\n")
                return
            print(f"using cluster {c.name!r}")
        elif args.action in ("save", "load"):
            if not args.name:
                sys.stderr.write(f"error: %kcluster {args.action} needs a FILE\n")
                return
            try:
                if args.action == "save":
                    SESSION.current.save(args.name)
                    print(f"cluster {SESSION.current.name!r} saved to {args.name}")
                else:
                    c = SESSION.load(args.name)
                    print(f"cluster {c.name!r} loaded from {args.name}: {c.profile.name} profile, "
                          f"Kubernetes {c.version.git_version}, at {c.clock.rfc3339()}")
            except RecipeError as e:
                sys.stderr.write(f"error: {e}\n")
        elif args.action in ("list", "info"):
            for name, c in SESSION.clusters.items():
                mark = "*" if name == SESSION.current_name else " "
                print(f"{mark} {name}  {c.profile.name}  {c.version.git_version}  {c.clock.rfc3339()}")
