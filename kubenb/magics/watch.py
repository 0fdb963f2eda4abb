"""`%%kwatch`: the course's second terminal, where `kubectl get -w` runs while the first changes things.

    %%kwatch get rs -w; get po -w
    %k delete po nginx-deploy-6956c6c485-89c97
    %k get po

Each watch starts before the cell body runs (so its first rows are the list as it was), records
every change while the body's commands run and simulated time passes, and keeps watching until the
cluster has been quiet for a while, like a terminal left open. The body's own output comes first;
then each watch prints, under its prompt, exactly the lines its terminal would have shown.
"""

from __future__ import annotations

import shlex
import sys

from IPython.core.magic import Magics, cell_magic, magics_class

from kubenb import kubectl
from kubenb.magics.session import SESSION

USAGE = "usage: %%kwatch get TYPE [NAME] [flags] [-w] [; get ...]   (the cell runs while the watches record)\n"


def watch_argv(command: str) -> list[str]:
    """`k get po` / `kubectl get po -w` / `get po` -> kubectl's argv with `-w` (raises ValueError)."""
    argv = shlex.split(command)
    if argv and argv[0] in ("k", "kubectl"):
        argv = argv[1:]
    if not argv or argv[0] != "get":
        raise ValueError(command)
    if not {"-w", "--watch", "--watch-only"} & set(argv):
        argv.append("-w")
    return argv


@magics_class
class WatchMagics(Magics):
    @cell_magic
    def kwatch(self, line: str, cell: str) -> None:
        """Watch (`kubectl get -w`) while the cell's commands run: `%%kwatch get po`.

        Several watches, like several terminals: `%%kwatch get rs -w; get po -w`. The cell body
        runs first (its output shows first); then each watch's lines follow under its `$ k get … -w`
        prompt: the list as it was when the watch started, then one row per change.
        """
        commands = [c.strip() for c in line.split(";") if c.strip()]
        try:
            argvs = [watch_argv(c) for c in commands]
        except ValueError:
            sys.stderr.write(USAGE)
            return
        if not argvs:
            sys.stderr.write(USAGE)
            return
        cluster = SESSION.current
        terminals = []
        for argv in argvs:
            jobs: list = []
            cluster.advance(cluster.pace)
            started = kubectl.run(cluster, argv, background=jobs)
            cluster.settle()
            terminals.append((argv, started, jobs))
        try:
            self.shell.run_cell(cell, store_history=False)
        finally:
            for argv, started, jobs in terminals:
                rows = "".join(job.finish() for job in jobs)
                sys.stdout.write(f"\n$ k {shlex.join(argv)}\n{started.stdout}{rows}")
                sys.stdout.flush()
                if started.stderr:
                    sys.stderr.write(started.stderr)
                    sys.stderr.flush()
