"""Command-line tools: one function per tool, run as BusyBox applets or as GNU binaries.

The same ``ls`` runs in ``nginx:alpine`` and in ``nginx:1.25`` (Debian); what differs is the
wording of its complaints (``ls: /x: No such file or directory`` from BusyBox,
``ls: cannot access '/x': No such file or directory`` from GNU) and a few formats.
:class:`Tool` carries that choice so each tool is written once.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Generator, Iterator
from typing import Any

from kubenb.runtime.fs import FileSystem, FsError
from kubenb.runtime.process import Process
from kubenb.runtime.program import Program

Gen = Generator[Any, Any, Any]
ToolFn = Callable[["Tool", list[str]], "int | Gen"]

TOOLS: dict[str, ToolFn] = {}


def tool(*names: str) -> Callable[[ToolFn], ToolFn]:
    """Register a tool function under one or more names."""

    def register(fn: ToolFn) -> ToolFn:
        for name in names:
            TOOLS[name] = fn
        return fn

    return register


class Tool:
    """What a running tool needs: its process, its name, and whose wording to use."""

    def __init__(self, proc: Process, name: str, gnu: bool) -> None:
        self.proc = proc
        self.name = name
        self.gnu = gnu
        self.libc = "glibc" if gnu else proc.container.image.libc

    @property
    def fs(self) -> FileSystem:
        return self.proc.fs

    def out(self, text: str) -> None:
        self.proc.out(text)

    def fail(self, message: str) -> None:
        """``name: message`` on stderr."""
        self.proc.err(f"{self.name}: {message}\n")

    def strerror(self, e: FsError) -> str:
        return e.strerror(self.libc)

    def path(self, p: str) -> str:
        return posixpath.normpath(self.proc.path(p)) if p else self.proc.cwd

    def read_inputs(self, files: list[str]) -> Iterator[tuple[str, str | None]]:
        """(name, text) of each file operand, or stdin for none/``-``; complaints as ``cat`` words them."""
        if not files:
            files = ["-"]
        for f in files:
            if f == "-":
                yield f, self.proc.stdin
                continue
            try:
                yield f, self.fs.read_text(self.path(f))
            except FsError as e:
                if self.gnu:
                    self.fail(f"{f}: {self.strerror(e)}")
                elif e.code == "EISDIR":
                    self.fail(f"read error: {self.strerror(e)}")
                else:
                    self.fail(f"can't open '{f}': {self.strerror(e)}")
                yield f, None

    def usage(self, text: str) -> int:
        """A usage error: BusyBox prints its help banner, GNU a short hint."""
        if self.gnu:
            self.fail(text)
            self.proc.err(f"Try '{self.name} --help' for more information.\n")
        else:
            version = self.proc.container.image.meta.get("busybox.version", "1.36.1")
            self.proc.err(f"BusyBox v{version} multi-call binary.\n\nUsage: {self.name} {text}\n")
        return 1


class ToolProgram(Program):
    """A process running one tool; BusyBox picks the tool from the name it was called by."""

    memory = 200 << 10

    def __init__(self, gnu: bool, name: str | None = None) -> None:
        self.gnu = gnu
        self.fixed = name

    def main(self, proc: Process) -> Gen:
        argv = proc.argv
        name = self.fixed or posixpath.basename(argv[0])
        args = argv[1:]
        if name == "busybox":
            if not args:
                proc.out("BusyBox v1.36.1 multi-call binary.\n")
                return 0
            name, args = args[0], args[1:]
        fn = TOOLS.get(name)
        if fn is None:
            proc.err(f"{name}: applet not found\n")
            return 127
        result = fn(Tool(proc, name, self.gnu), args)
        if isinstance(result, Generator):
            result = yield from result
        return result


def split_options(args: list[str], flags: str, with_value: str = "") -> tuple[set[str], dict[str, str], list[str]]:
    """Short options (``-la``, ``-n 5``, ``-n5``) up to ``--`` or the first operand."""
    found: set[str] = set()
    values: dict[str, str] = {}
    rest = list(args)
    while rest and rest[0].startswith("-") and rest[0] != "-":
        arg = rest.pop(0)
        if arg == "--":
            break
        i = 1
        while i < len(arg):
            c = arg[i]
            if c in with_value:
                value = arg[i + 1 :] or (rest.pop(0) if rest else "")
                values[c] = value
                break
            if c in flags:
                found.add(c)
            else:
                found.add("?" + c)
            i += 1
    return found, values, rest
