"""``perl``: enough of Perl 5 for the one-liners Kubernetes' Job examples run.

The Job docs compute pi with ``perl -Mbignum=bpi -wle 'print bpi(2000)'``: this program prints
the real digits (Machin's formula on Python integers, rounded like ``Math::BigFloat``) after the
CPU time ``Math::BigFloat`` needs for them. Besides that it understands the switches ``-e``,
``-E``, ``-l``, ``-w``, ``-M``/``-m``, ``-v`` and a script file, and statements made of ``print``
(to ``STDOUT`` or ``STDERR``), ``say``, ``warn``, ``die``, ``exit``, ``sleep``, scalar
assignment and simple expressions (numbers, quoted strings with ``$var``/``$ENV{NAME}``
interpolation, ``. x + - * / % **``). What it does not understand it refuses in perl's own words:
``syntax error at -e line 1, near "..."`` or ``Undefined subroutine &main::name called``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubenb.runtime.fs import FsError
from kubenb.runtime.process import Process
from kubenb.runtime.program import Program, Sleep, Work
from kubenb.runtime.programs.applet import Gen

VERSION = "5.34.0"
INC = ("/usr/local/lib/perl5/site_perl/{v}/x86_64-linux-gnu /usr/local/lib/perl5/site_perl/{v} "
       "/usr/local/lib/perl5/vendor_perl/{v}/x86_64-linux-gnu /usr/local/lib/perl5/vendor_perl/{v} "
       "/usr/local/lib/perl5/{v}/x86_64-linux-gnu /usr/local/lib/perl5/{v}")  # fmt: skip
MODULES = {"strict", "warnings", "utf8", "feature", "bignum", "bigint", "bigrat", "Math::BigInt", "Math::BigFloat",
           "POSIX", "List::Util", "Scalar::Util", "Data::Dumper", "Time::HiRes"}  # fmt: skip
BIG_EXPORTS = {"bpi", "bexp", "inf", "NaN", "PI", "e", "hex", "oct"}
STARTUP_CPU = 0.004  # perl's own start, in CPU seconds
BIGNUM_LOAD_CPU = 0.045  # compiling bignum, Math::BigInt, Math::BigFloat and Math::BigInt::Calc
BPI_CPU_2000 = 0.75  # Math::BigFloat->bpi(2000) with the pure-Perl Calc library; grows with digits squared


def pi_digits(n: int) -> str:
    """Pi to `n` significant digits, rounded to nearest, as ``Math::BigFloat->bpi(n)`` prints it."""
    n = max(n, 1)
    guard = 10
    scale = 10 ** (n + guard)

    def arctan_inv(x: int) -> int:  # arctan(1/x) * scale, by its Taylor series
        total = term = scale // x
        x2, k, sign = x * x, 1, 1
        while term:
            term //= x2
            k += 2
            sign = -sign
            total += sign * (term // k)
        return total

    pi = 16 * arctan_inv(5) - 4 * arctan_inv(239)  # Machin: pi/4 = 4 atan(1/5) - atan(1/239)
    digits = str((pi + 10 ** (guard + 1) // 2) // 10 ** (guard + 1))  # n digits ("3" then n-1 decimals)
    return digits if n == 1 else f"{digits[0]}.{digits[1:]}"


def bpi_cpu(n: int) -> float:
    return BPI_CPU_2000 * (max(n, 1) / 2000) ** 2


# ---------------------------------------------------------------------------- the language


class PerlDie(Exception):
    """``die``: the message perl prints and exits 255 with."""


class PerlExit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class PerlSyntaxError(Exception):
    def __init__(self, line: int, near: str) -> None:
        super().__init__(near)
        self.line = line
        self.near = near


TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+|\#[^\n]*) | (?P<newline>\n)
  | (?P<num>\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+)
  | (?P<dq>"(?:[^"\\]|\\.)*") | (?P<sq>'(?:[^'\\]|\\.)*')
  | (?P<env>\$ENV\{\s*(?:\w+|"[^"]*"|'[^']*')\s*\})
  | (?P<var>\$\w+) | (?P<word>[A-Za-z_][\w:]*)
  | (?P<op>\*\*|[-+*/%.,;()=x])
""", re.VERBOSE | re.DOTALL)  # fmt: skip


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str
    line: int
    pos: int


def tokenize(code: str) -> list[Tok]:
    out: list[Tok] = []
    pos, line = 0, 1
    while pos < len(code):
        m = TOKEN.match(code, pos)
        if m is None:
            raise PerlSyntaxError(line, code[pos:].split("\n", 1)[0])
        kind = m.lastgroup or ""
        if kind == "newline":
            line += 1
        elif kind != "space":
            out.append(Tok(kind, m.group(), line, pos))
        pos = m.end()
    return out


LISTOPS = {"print", "warn", "die"}
UNOPS = {"exit", "sleep"}


class Parser:
    """Statements to small tuples: ("call", name, fh, args, line), ("assign", var, expr, line)."""

    def __init__(self, code: str, say: bool = False) -> None:
        self.code = code
        self.listops = LISTOPS | UNOPS | ({"say"} if say else set())  # ``say`` needs -E (or ``use feature``)
        self.toks = tokenize(code)
        self.i = 0

    def peek(self, k: int = 0) -> Tok | None:
        return self.toks[self.i + k] if self.i + k < len(self.toks) else None

    def take(self) -> Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def error(self) -> PerlSyntaxError:
        tok = self.peek()
        if tok is None:
            last = self.toks[-1] if self.toks else Tok("", "", 1, 0)
            return PerlSyntaxError(last.line, self.code[last.pos:].split("\n", 1)[0])
        return PerlSyntaxError(tok.line, self.code[tok.pos:].split("\n", 1)[0].split(";", 1)[0])

    def program(self) -> list[tuple]:
        stmts = []
        while self.peek() is not None:
            if self.peek().text == ";":  # type: ignore[union-attr]
                self.take()
                continue
            stmts.append(self.statement())
            tok = self.peek()
            if tok is not None:
                if tok.text != ";":
                    raise self.error()
                self.take()
        return stmts

    def statement(self) -> tuple:
        tok = self.peek()
        assert tok is not None
        if tok.kind == "word" and tok.text == "my":
            self.take()
            tok = self.peek()
            if tok is None or tok.kind != "var":
                raise self.error()
        if tok.kind == "var" and (nxt := self.peek(1)) is not None and nxt.text == "=":
            self.take(), self.take()
            return ("assign", tok.text[1:], self.expr(), tok.line)
        if tok.kind == "word" and tok.text in self.listops:
            self.take()
            paren = self.peek() is not None and self.peek().text == "("  # type: ignore[union-attr]
            if paren:
                self.take()
            fh = None
            nxt = self.peek()
            if tok.text in ("print", "say") and nxt is not None and nxt.text in ("STDOUT", "STDERR"):
                fh = self.take().text
            args = self.list_until(")" if paren else ";")
            if paren:
                if self.peek() is None or self.peek().text != ")":  # type: ignore[union-attr]
                    raise self.error()
                self.take()
            return ("call", tok.text, fh, args, tok.line)
        return ("expr", self.expr(), tok.line)

    def list_until(self, end: str) -> list[Any]:
        items: list[Any] = []
        while self.peek() is not None and self.peek().text != end:  # type: ignore[union-attr]
            items.append(self.expr())
            if self.peek() is not None and self.peek().text == ",":  # type: ignore[union-attr]
                self.take()
            else:
                break
        return items

    BINARY = {"+": 1, "-": 1, ".": 1, "*": 2, "/": 2, "%": 2, "x": 2, "**": 4}

    def expr(self, min_prec: int = 1) -> Any:
        left = self.unary()
        while (tok := self.peek()) is not None and tok.text in self.BINARY and self.BINARY[tok.text] >= min_prec:
            op = self.take().text
            right = self.expr(self.BINARY[op] + (0 if op == "**" else 1))
            left = ("bin", op, left, right)
        return left

    def unary(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise self.error()
        if tok.text == "-":
            self.take()
            return ("bin", "-", ("num", 0), self.expr(3))
        if tok.text == "(":
            self.take()
            inner = self.expr()
            if self.peek() is None or self.peek().text != ")":  # type: ignore[union-attr]
                raise self.error()
            self.take()
            return inner
        self.take()
        if tok.kind == "num":
            text = tok.text.replace("_", "")
            return ("num", int(text) if re.fullmatch(r"\d+", text) else float(text))
        if tok.kind == "sq":
            return ("str", re.sub(r"\\([\\'])", r"\1", tok.text[1:-1]))
        if tok.kind == "dq":
            return ("interp", tok.text[1:-1], tok.line)
        if tok.kind == "env":
            return ("env", tok.text[5:-1].strip().strip("\"'"))
        if tok.kind == "var":
            return ("var", tok.text[1:])
        if tok.kind == "word":
            args: list[Any] = []
            if self.peek() is not None and self.peek().text == "(":  # type: ignore[union-attr]
                self.take()
                args = self.list_until(")")
                if self.peek() is None or self.peek().text != ")":  # type: ignore[union-attr]
                    raise self.error()
                self.take()
            return ("func", tok.text, args, tok.line)
        self.i -= 1
        raise self.error()


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "e": "\x1b", "\\": "\\", '"': '"', "$": "$", "@": "@"}


def fmt_number(v: Any) -> str:
    """How perl prints a number: integers as they are, others with ``%.15g``."""
    if isinstance(v, bool):
        return "1" if v else ""
    if isinstance(v, int):
        return str(v)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    text = f"{v:.15g}"
    return re.sub(r"e([-+])0?(\d\d)", r"e\1\2", text)


def to_num(v: Any) -> Any:
    if isinstance(v, (int, float)):
        return v
    m = re.match(r"\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)", str(v))
    if not m:
        return 0
    text = m.group(1)
    return int(text) if re.fullmatch(r"[-+]?\d+", text) else float(text)


def to_str(v: Any) -> str:
    return v if isinstance(v, str) else fmt_number(v)


class Interpreter:
    def __init__(self, proc: Process, script: str, bignum: bool) -> None:
        self.proc = proc
        self.script = script
        self.bignum = bignum
        self.vars: dict[str, Any] = {}
        self.cpu = 0.0  # CPU work the current statement costs

    def at(self, line: int) -> str:
        return f" at {self.script} line {line}.\n"

    def interpolate(self, text: str, line: int) -> str:
        out: list[str] = []
        i = 0
        while i < len(text):
            c = text[i]
            if c == "\\" and i + 1 < len(text):
                out.append(ESCAPES.get(text[i + 1], text[i + 1]))
                i += 2
                continue
            if c == "$":
                m = re.match(r"\$ENV\{\s*(\w+)\s*\}|\$(\w+)|\$\{(\w+)\}", text[i:])
                if m:
                    if m.group(1):
                        out.append(self.proc.getenv(m.group(1)))
                    else:
                        name = m.group(2) or m.group(3)
                        out.append(to_str(self.vars.get(name, "")))
                    i += m.end()
                    continue
            out.append(c)
            i += 1
        return "".join(out)

    def eval(self, node: Any) -> Any:
        kind = node[0]
        if kind in ("num", "str"):
            return node[1]
        if kind == "interp":
            return self.interpolate(node[1], node[2])
        if kind == "env":
            return self.proc.getenv(node[1])
        if kind == "var":
            return self.vars.get(node[1], "")
        if kind == "bin":
            return self.binary(node[1], self.eval(node[2]), self.eval(node[3]))
        if kind == "func":
            return self.call(node[1], [self.eval(a) for a in node[2]], node[3])
        raise AssertionError(node)

    def binary(self, op: str, a: Any, b: Any) -> Any:
        if op == ".":
            return to_str(a) + to_str(b)
        if op == "x":
            return to_str(a) * max(int(to_num(b)), 0)
        x, y = to_num(a), to_num(b)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "**":
            return x**y if isinstance(x, int) and isinstance(y, int) and y >= 0 else float(x) ** float(y)
        if op in ("/", "%") and y == 0:
            word = "division" if op == "/" else "modulus"
            raise PerlDie(f"Illegal {word} by zero")
        if op == "/":
            q = x / y
            return int(q) if q == int(q) and isinstance(x, int) and isinstance(y, int) else q
        return int(x) % int(y)

    def call(self, name: str, args: list[Any], line: int) -> Any:
        if name == "bpi" and self.bignum:
            n = int(to_num(args[0])) if args else 40
            self.cpu += bpi_cpu(n)
            return pi_digits(n)
        if name in ("length", "uc", "lc", "int", "abs", "sqrt") and len(args) <= 1:
            v = args[0] if args else self.vars.get("_", "")
            if name == "length":
                return len(to_str(v))
            if name in ("uc", "lc"):
                return to_str(v).upper() if name == "uc" else to_str(v).lower()
            n = to_num(v)
            return int(n) if name == "int" else abs(n) if name == "abs" else float(n) ** 0.5
        if name == "time" and not args:
            return int(self.proc.now())
        raise PerlDie(f"Undefined subroutine &main::{name} called")


# ---------------------------------------------------------------------------- the program


class Perl(Program):
    """``/usr/local/bin/perl``."""

    memory = 5 << 20

    def main(self, proc: Process) -> Gen:
        args = proc.argv[1:]
        code: list[str] = []
        modules: list[tuple[str, str]] = []
        newline = say = False
        version = proc.container.image.meta.get("perl.version", VERSION)
        while args and args[0].startswith("-") and args[0] != "-":
            arg = args.pop(0)
            if arg == "--":
                break
            if arg in ("-v", "--version"):
                proc.out(version_text(version))
                return 0
            i = 1
            while i < len(arg):
                c = arg[i]
                if c in "eE":
                    rest = arg[i + 1 :]
                    if not rest and not args:
                        proc.err(f"No code specified for -{c}.\n")
                        return 29
                    code.append(rest or args.pop(0))
                    say = say or c == "E"
                    break
                if c in "Mm":
                    spec = arg[i + 1 :] or (args.pop(0) if args else "")
                    if not spec:
                        proc.err(f'Missing argument to -{c}\n')
                        return 29
                    name, _, imports = spec.partition("=")
                    modules.append((name.lstrip("-"), imports))
                    break
                if c == "l":
                    newline = True
                elif c == "d":
                    return 0  # the image's CMD (the debugger) reads commands from an empty stdin
                elif c not in "wsTtWXnpaic0123456789":
                    proc.err(f'Unrecognized switch: -{arg[i:]}  (-h will show valid options).\n')
                    return 29
                i += 1
        script = "-e"
        if code:
            source = "\n".join(code)
        elif args and args[0] != "-":
            script = args.pop(0)
            try:
                source = proc.fs.read_text(proc.path(script))
            except FsError as e:
                proc.err(f'Can\'t open perl script "{script}": {e.strerror("glibc")}\n')
                return 2
        else:
            script, source = "-", proc.stdin
        yield Work(STARTUP_CPU)
        bignum = False
        for name, imports in modules:
            if name not in MODULES:
                path = name.replace("::", "/") + ".pm"
                proc.err(f"Can't locate {path} in @INC (you may need to install the {name} module) "
                         f"(@INC contains: {INC.format(v=version)}).\nBEGIN failed--compilation aborted.\n")  # fmt: skip
                return 2
            if name in ("bignum", "bigint", "bigrat"):
                bad = [w for w in imports.split(",") if w and w not in BIG_EXPORTS]
                if bad:
                    proc.err(f'"{bad[0]}" is not exported by the {name} module\nCan\'t continue after import errors'
                             f" at -e line 0.\nBEGIN failed--compilation aborted.\n")  # fmt: skip
                    return 255
                bignum = bignum or "bpi" in imports.split(",")
                yield Work(BIGNUM_LOAD_CPU)
        try:
            statements = Parser(source, say).program()
        except PerlSyntaxError as e:
            proc.err(f'syntax error at {script} line {e.line}, near "{e.near}"\n'
                     f"Execution of {script} aborted due to compilation errors.\n")  # fmt: skip
            return 255
        perl = Interpreter(proc, script, bignum)
        if newline:
            perl.vars["\\"] = "\n"
        try:
            for stmt in statements:
                yield from self.run(perl, stmt)
        except PerlExit as e:
            return e.code
        return 0

    def run(self, perl: Interpreter, stmt: tuple) -> Iterator[Any]:
        proc = perl.proc
        line = stmt[-1]
        perl.cpu = 0.0
        try:
            if stmt[0] == "assign":
                perl.vars[stmt[1]] = perl.eval(stmt[2])
            elif stmt[0] == "expr":
                perl.eval(stmt[1])
            else:
                _, name, fh, arg_nodes, _ = stmt
                values = [perl.eval(a) for a in arg_nodes]
                if perl.cpu:
                    yield Work(perl.cpu)
                    perl.cpu = 0.0
                self.builtin(perl, name, fh, values, line)
                if name == "sleep":
                    seconds = int(to_num(values[0])) if values else 0
                    yield Sleep(float(seconds))
                return
        except PerlDie as e:
            if perl.cpu:
                yield Work(perl.cpu)
            text = str(e)
            proc.err(text if text.endswith("\n") else text + perl.at(line))
            raise PerlExit(255) from None
        if perl.cpu:
            yield Work(perl.cpu)

    def builtin(self, perl: Interpreter, name: str, fh: str | None, values: list[Any], line: int) -> None:
        proc = perl.proc
        text = "".join(to_str(v) for v in values)
        if name in ("print", "say"):
            end = "\n" if name == "say" else perl.vars.get("\\", "")
            (proc.err if fh == "STDERR" else proc.out)(text + end)
        elif name == "warn":
            text = text or "Warning: something's wrong"
            proc.err(text if text.endswith("\n") else text + perl.at(line))
        elif name == "die":
            raise PerlDie(text or "Died")
        elif name == "exit":
            raise PerlExit(int(to_num(values[0])) & 0xFF if values else 0)


def version_text(version: str) -> str:
    major, minor, patch = version.split(".")
    return (f"\nThis is perl {major}, version {minor}, subversion {patch} (v{version}) built for x86_64-linux-gnu\n\n"
            f"Copyright 1987-{2021 + (int(minor) - 34) // 2}, Larry Wall\n\n"
            "Perl may be copied only under the terms of either the Artistic License or the\n"
            "GNU General Public License, which may be found in the Perl 5 source kit.\n\n"
            "Complete documentation for Perl, including FAQ lists, should be found on\n"
            'this system using "man perl" or "perldoc perl".  If you have access to the\n'
            "Internet, point your browser at http://www.perl.org/, the Perl Home Page.\n\n")  # fmt: skip
