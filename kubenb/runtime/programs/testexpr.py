"""``test`` / ``[``: the conditions shell scripts branch on, shared by the builtin and the applet.

POSIX decides by argument count first (so ``[ "$x" = -e ]`` compares strings), and falls back
to ``-a``/``-o``/``!``/parentheses for longer expressions.
"""

from __future__ import annotations

from kubenb.runtime.fs import FileSystem, FsError, join

UNARY_FILE = {"-e", "-f", "-d", "-s", "-r", "-w", "-x", "-L", "-h", "-b", "-c", "-p", "-S"}
UNARY = UNARY_FILE | {"-z", "-n"}
BINARY = {"=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">"}


class TestError(Exception):
    """``kind``: ``number`` (not an integer), ``missing]``, ``operand`` (unknown/unexpected)."""

    def __init__(self, kind: str, operand: str = "") -> None:
        super().__init__(kind, operand)
        self.kind = kind
        self.operand = operand


def evaluate(args: list[str], fs: FileSystem, cwd: str) -> bool:
    """Whether the expression holds. Raises TestError."""
    return _Eval(args, fs, cwd).run()


class _Eval:
    def __init__(self, args: list[str], fs: FileSystem, cwd: str) -> None:
        self.args = args
        self.fs = fs
        self.cwd = cwd
        self.i = 0

    def run(self) -> bool:
        a = self.args
        n = len(a)
        if n == 0:
            return False
        if n == 1:
            return a[0] != ""
        if n == 2:
            if a[0] == "!":
                return a[1] == ""
            if a[0] in UNARY:
                return self.unary(a[0], a[1])
            raise TestError("operand", a[0])
        if n == 3:
            if a[1] in BINARY:
                return self.binary(a[0], a[1], a[2])
            if a[0] == "!":
                return not _Eval(a[1:], self.fs, self.cwd).run()
            if a[0] == "(" and a[2] == ")":
                return a[1] != ""
        if n == 4 and a[0] == "!":
            return not _Eval(a[1:], self.fs, self.cwd).run()
        value = self.or_()
        if self.i != n:
            raise TestError("operand", a[self.i])
        return value

    def peek(self) -> str | None:
        return self.args[self.i] if self.i < len(self.args) else None

    def take(self) -> str:
        if self.i >= len(self.args):
            raise TestError("operand", "")
        tok = self.args[self.i]
        self.i += 1
        return tok

    def or_(self) -> bool:
        value = self.and_()
        while self.peek() == "-o":
            self.i += 1
            right = self.and_()
            value = value or right
        return value

    def and_(self) -> bool:
        value = self.not_()
        while self.peek() == "-a":
            self.i += 1
            right = self.not_()
            value = value and right
        return value

    def not_(self) -> bool:
        if self.peek() == "!":
            self.i += 1
            return not self.not_()
        return self.primary()

    def primary(self) -> bool:
        tok = self.take()
        if tok == "(":
            value = self.or_()
            if self.take() != ")":
                raise TestError("operand", ")")
            return value
        if tok in UNARY and self.peek() is not None:
            return self.unary(tok, self.take())
        op = self.peek()
        if op in BINARY:
            self.i += 1
            return self.binary(tok, op, self.take())
        return tok != ""

    def unary(self, op: str, arg: str) -> bool:
        if op == "-z":
            return arg == ""
        if op == "-n":
            return arg != ""
        path = join(self.cwd, arg)
        try:
            st = self.fs.stat(path, follow=op not in ("-L", "-h"))
        except FsError:
            return False
        if op in ("-L", "-h"):
            return st.kind == "symlink"
        if op == "-f":
            return st.is_file
        if op == "-d":
            return st.is_dir
        if op == "-s":
            return st.size > 0
        if op == "-w":
            return self.fs.is_writable(path)
        if op == "-x":
            return st.is_dir or bool(st.mode & 0o111)
        if op == "-c":
            return st.kind == "device"
        return op in ("-e", "-r")

    def binary(self, left: str, op: str, right: str) -> bool:
        if op in ("=", "=="):
            return left == right
        if op == "!=":
            return left != right
        if op == "<":
            return left < right
        if op == ">":
            return left > right
        a, b = _number(left), _number(right)
        return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b}[op]


def _number(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise TestError("number", text) from None
