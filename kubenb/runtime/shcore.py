"""The shell's shared vocabulary: its state, its input, its dialects and its control-flow signals.

Kept apart from the interpreter so that the builtins (:mod:`kubenb.runtime.shell_builtins`) can
use it without importing the interpreter that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubenb.runtime.fs import FsError
from kubenb.runtime.shparse import ParseError

IFS = " \t\n"


class ShellExit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class LoopControl(Exception):
    def __init__(self, kind: str, levels: int) -> None:
        super().__init__(kind)
        self.kind = kind
        self.levels = levels


class FuncReturn(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Dialect:
    """Which shell, and how it words its errors. `script` names a script file being run."""

    kind: str  # "ash" | "dash" | "bash"
    script: str = ""
    interactive: bool = False

    @property
    def name(self) -> str:
        return "bash" if self.kind == "bash" else "sh"

    @property
    def redirect_failure(self) -> int:
        """The status of a command whose redirection failed (dash: 2)."""
        return 2 if self.kind == "dash" else 1

    def prefix(self, line: int) -> str:
        if self.kind == "ash":
            return f"{self.script}: line {line}: " if self.script else "sh: "
        if self.kind == "dash":
            return f"{self.script or 'sh'}: {0 if self.interactive else line}: "
        if self.interactive:
            return "bash: "
        return f"{self.script}: line {line}: " if self.script else f"bash: line {line}: "

    def not_found(self, cmd: str, line: int) -> str:
        if self.kind == "bash":
            return f"{self.prefix(line)}{cmd}: command not found\n"
        return f"{self.prefix(line)}{cmd}: not found\n"

    def cannot_create(self, path: str, err: FsError, line: int) -> str:
        if self.kind == "ash":
            reason = "nonexistent directory" if err.code == "ENOENT" else err.strerror("musl")
            return f"{self.prefix(line)}can't create {path}: {reason}\n"
        if self.kind == "dash":
            reason = "Directory nonexistent" if err.code == "ENOENT" else err.strerror()
            return f"{self.prefix(line)}cannot create {path}: {reason}\n"
        return f"{self.prefix(line)}{path}: {err.strerror()}\n"

    def cannot_open(self, path: str, err: FsError, line: int) -> str:
        if self.kind == "ash":
            return f"{self.prefix(line)}can't open '{path}': {err.strerror('musl')}\n"
        if self.kind == "dash":
            return f"{self.prefix(line)}cannot open {path}: No such file\n"
        return f"{self.prefix(line)}{path}: {err.strerror()}\n"

    def syntax_error(self, e: ParseError) -> str:
        line = e.line
        if self.kind == "ash":
            if e.unterminated:
                return f"{self.prefix(line)}syntax error: unterminated quoted string\n"
            what = f'"{e.token}"' if e.token and e.token != "newline" else ("newline" if e.token else "end of file")
            tail = f' (expecting "{e.expecting}")' if e.expecting and not e.token else ""
            return f"{self.prefix(line)}syntax error: unexpected {what}{tail}\n"
        if self.kind == "dash":
            if e.unterminated:
                return f"{self.prefix(line)}Syntax error: Unterminated quoted string\n"
            what = f'"{e.token}"' if e.token and e.token != "newline" else ("newline" if e.token else "end of file")
            tail = f' (expecting "{e.expecting}")' if e.expecting else ""
            return f"{self.prefix(line)}Syntax error: {what} unexpected{tail}\n"
        if e.unterminated or not e.token:
            return f"{self.prefix(line)}syntax error: unexpected end of file\n"
        return f"{self.prefix(line)}syntax error near unexpected token `{e.token}'\n"

    def prompt(self, cwd: str, home: str, hostname: str, root: bool) -> str:
        short = "~" + cwd[len(home) :] if home not in ("", "/") and (cwd == home or cwd.startswith(home + "/")) else cwd
        mark = "#" if root else "$"
        if self.kind == "ash":
            return f"{short} {mark} "
        if self.kind == "dash":
            return f"{mark} "
        return f"{'root' if root else 'user'}@{hostname}:{short}{mark} "


class Reader:
    """A file descriptor's input: the rest of a pipe, a file, or an exec's stdin."""

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.pos = 0

    def read_all(self) -> str:
        data, self.pos = self.text[self.pos :], len(self.text)
        return data

    def read_line(self) -> str | None:
        if self.pos >= len(self.text):
            return None
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end
        line, self.pos = self.text[self.pos : end], end + 1
        return line


@dataclass
class State:
    """What a subshell copies: variables, functions, traps, the directory, positional parameters."""

    vars: dict[str, str]
    exported: set[str]
    cwd: str
    arg0: str
    pid: int  # $$: the shell's PID, which subshells and background jobs keep
    positional: list[str] = field(default_factory=list)
    funcs: dict[str, object] = field(default_factory=dict)
    traps: dict[int, str] = field(default_factory=dict)
    options: set[str] = field(default_factory=set)
    last: int = 0
    last_bg: int | None = None

    def copy(self) -> State:
        return State(dict(self.vars), set(self.exported), self.cwd, self.arg0, self.pid, list(self.positional),
                     dict(self.funcs), {s: a for s, a in self.traps.items() if a == ""}, set(self.options),
                     self.last, self.last_bg)  # fmt: skip
