"""Which simulated program an executable runs: the ``exe`` names image files carry.

BusyBox is one binary with many names: ``/bin/sh`` and ``/bin/ls`` both link to
``/bin/busybox``, which looks at the name it was started by, so its program is chosen at start.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from kubenb.runtime.process import Process
from kubenb.runtime.program import Program
from kubenb.runtime.programs import fileutils, nettools, sysutils  # noqa: F401  (they register their tools)
from kubenb.runtime.programs.applet import TOOLS, Gen, ToolProgram
from kubenb.runtime.programs.ingress import IngressController
from kubenb.runtime.programs.mariadb import MariaDB, MariaDBEntrypoint
from kubenb.runtime.programs.mariadbclient import MariaDBClient
from kubenb.runtime.programs.misc import DumbInit, Hello, Server, Stress
from kubenb.runtime.programs.nginx import Nginx, NginxEntrypoint
from kubenb.runtime.programs.perl import Perl
from kubenb.runtime.programs.redis import RedisCli, RedisEntrypoint, RedisServer
from kubenb.runtime.programs.wordpress import Apache, WordPressEntrypoint
from kubenb.runtime.shell import Shell

SHELLS = {"sh": "ash", "ash": "ash", "dash": "dash", "bash": "bash"}


class BusyBox(Program):
    """``/bin/busybox``: the shell when called as sh/ash, otherwise the applet of that name."""

    memory = 300 << 10

    def main(self, proc: Process) -> Gen:
        name = posixpath.basename(proc.argv[0])
        if name == "busybox" and len(proc.argv) > 1 and proc.argv[1] in ("sh", "ash"):
            name = proc.argv[1]
            proc.argv = proc.argv[1:]
        program: Program = Shell("ash") if name in ("sh", "ash") else ToolProgram(gnu=False)
        proc.program = program  # signals go to the applet actually running
        return (yield from program.main(proc))


PROGRAMS: dict[str, Callable[[], Program]] = {
    "busybox": BusyBox,
    "dash": lambda: Shell("dash"),
    "bash": lambda: Shell("bash"),
    "nginx": Nginx,
    "nginx-entrypoint": NginxEntrypoint,
    "curl": lambda: ToolProgram(gnu=True, name="curl"),
    "redis-server": RedisServer,
    "redis-cli": RedisCli,
    "redis-entrypoint": RedisEntrypoint,
    "mariadbd": MariaDB,
    "mariadb-entrypoint": MariaDBEntrypoint,
    "mariadb": MariaDBClient,
    "wordpress-entrypoint": WordPressEntrypoint,
    "apache2-foreground": Apache,
    "nginx-ingress": IngressController,
    "dumb-init": DumbInit,
    "stress": Stress,
    "perl": Perl,
    "hello": Hello,
    "server": Server,
}


def program_for(exe: str) -> Program:
    """A fresh instance of the program `exe` names (GNU tools by their own names)."""
    factory = PROGRAMS.get(exe)
    if factory is not None:
        return factory()
    if exe in TOOLS:
        return ToolProgram(gnu=True, name=exe)
    return Server()
