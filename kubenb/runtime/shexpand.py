"""Word expansion: what the shell makes of ``$x``, ``"${v:-w}"``, ``$(cmd)``, ``$((1+2))``, ``*.conf``.

POSIX order: tilde, parameter, command substitution and arithmetic, then field splitting of the
unquoted results on IFS, then pathname expansion against the container's filesystem, then quote
removal. Quoted text is never split or globbed; ``"$@"`` keeps each parameter a field of its own.
Command substitution runs a subshell, so ``$(sleep 2; date)`` waits in simulated time.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from kubenb.runtime.fs import FsError
from kubenb.runtime.process import BufferStream, Process
from kubenb.runtime.shcore import IFS, FuncReturn, LoopControl, ShellExit
from kubenb.runtime.shparse import Lexer, ParseError, Part, Word, parse

if TYPE_CHECKING:
    from kubenb.runtime.shell import Interp

Gen = Generator[Any, Any, Any]


class Expander:
    """Expansion, mixed into the interpreter (it needs its state, its subshells, its complaints)."""

    def expand_words(self: Interp, words: list[Word]) -> Gen:
        fields: list[str] = []
        for w in words:
            fields.extend((yield from self.expand(w)))
        return fields

    def expand_string(self: Interp, word: Word) -> Gen:
        """One string, no splitting or globbing (assignments, case subjects, redirections)."""
        segs = yield from self.segments(word)
        return "".join(text for text, _, _ in segs if text is not None)

    def expand_pattern(self: Interp, word: Word) -> Gen:
        """A case pattern: quoted characters match themselves."""
        segs = yield from self.segments(word)
        return "".join((_escape_glob(t) if q else t) for t, q, _ in segs if t is not None)

    def expand(self: Interp, word: Word) -> Gen:
        segs = yield from self.segments(word)
        fields: list[list[tuple[str, bool]]] = []
        cur: list[tuple[str, bool]] = []
        started = False
        for text, quoted, splittable in segs:
            if text is None:  # a field break ("$@")
                fields.append(cur)
                cur, started = [], False
                continue
            if splittable:
                for ch in text:
                    if ch in IFS:
                        if started:
                            fields.append(cur)
                            cur, started = [], False
                    else:
                        cur.append((ch, False))
                        started = True
            else:
                cur.extend((ch, quoted) for ch in text)
                started = True
        if started:
            fields.append(cur)
        out: list[str] = []
        for f in fields:
            text = "".join(ch for ch, _ in f)
            if any(ch in "*?[" and not q for ch, q in f):
                matches = self.glob("".join(ch if not q else _escape_glob(ch) for ch, q in f))
                if matches:
                    out.extend(matches)
                    continue
            out.append(text)
        return out

    def segments(self: Interp, word: Word) -> Gen:
        """(text, quoted, splittable) pieces of a word; text None marks a field break."""
        segs: list[tuple[str | None, bool, bool]] = []
        for i, part in enumerate(word.parts):
            if part.kind == "lit":
                text = part.text
                if i == 0 and not part.quoted and text.startswith("~"):
                    text = self.tilde(text)
                segs.append((text, part.quoted, False))
            elif part.kind == "param":
                segs.extend((yield from self.param_segments(part)))
            elif part.kind == "cmd":
                value = yield from self.command_subst(part.text)
                segs.append((value, part.quoted, not part.quoted))
            else:
                expr = yield from self.expand_string(
                    Word([Part("lit", part.text, True)] if "$" not in part.text else _reparse(part.text))
                )
                segs.append((str(self.arith(expr)), part.quoted, not part.quoted))
        return segs

    def tilde(self: Interp, text: str) -> str:
        head, sep, rest = text.partition("/")
        if head == "~":
            home = self.state.vars.get("HOME", "/")
        else:
            home = next((f[5] for f in _passwd(self.proc) if f[0] == head[1:]), None)
            if home is None:
                return text
        return home + sep + rest

    def param_segments(self: Interp, part: Part) -> Gen:
        name = part.text
        if name in ("@", "*") and not part.op:
            params = self.state.positional
            if part.quoted and name == "@":
                segs: list[tuple[str | None, bool, bool]] = []
                for i, p in enumerate(params):
                    if i:
                        segs.append((None, True, False))
                    segs.append((p, True, False))
                return segs
            joined = " ".join(params)
            return [(joined, part.quoted, not part.quoted)]
        value = yield from self.param_value(part)
        return [(value, part.quoted, not part.quoted)]

    def lookup(self: Interp, name: str) -> str | None:
        st = self.state
        if name == "?":
            return str(st.last)
        if name == "$":
            return str(st.pid)
        if name == "#":
            return str(len(st.positional))
        if name == "0":
            return st.arg0
        if name.isdigit():
            n = int(name)
            return st.positional[n - 1] if n <= len(st.positional) else None
        if name == "!":
            return str(st.last_bg) if st.last_bg is not None else ""
        if name == "-":
            return "".join(sorted(st.options))
        if name in ("@", "*"):
            return " ".join(st.positional)
        return st.vars.get(name)

    def param_value(self: Interp, part: Part) -> Gen:
        value = self.lookup(part.text)
        op = part.op
        if op == "len":
            return str(len(value or ""))
        if op in (":-", "-", ":=", "=", ":+", "+", ":?", "?"):
            unset = value is None or (op.startswith(":") and value == "")
            if op in (":+", "+"):
                return (yield from self.expand_string(Word(part.arg))) if not unset else ""
            if not unset:
                return value
            word = yield from self.expand_string(Word(part.arg))
            if op in (":=", "="):
                self.set_var(part.text, word)
            elif op in (":?", "?"):
                self.error(f"{part.text}: {word or 'parameter not set'}")
                raise ShellExit(1 if self.dialect.kind != "dash" else 2)
            return word
        if op in ("%", "%%", "#", "##"):
            pattern = yield from self.expand_pattern(Word(part.arg))
            return _strip(value or "", pattern, op)
        return value or ""

    def command_subst(self: Interp, src: str) -> Gen:
        try:
            seq = parse(src)
        except ParseError as e:
            self.err(self.dialect.syntax_error(e))
            self.subst_status = 2
            return ""
        sub = self.subshell()
        buf = BufferStream()
        sub.fds[1] = buf
        try:
            status = yield from sub.seq(seq)
        except ShellExit as e:
            status = e.code
        except (LoopControl, FuncReturn):
            status = sub.state.last
        self.state.last = status
        self.subst_status = status
        return buf.text.rstrip("\n")

    def glob(self: Interp, pattern: str) -> list[str]:
        """Pathname expansion against the container's filesystem; [] when nothing matches."""
        absolute = pattern.startswith("/")
        parts = [p for p in pattern.split("/") if p]
        bases = ["/"] if absolute else [""]
        for comp in parts:
            nxt: list[str] = []
            for base in bases:
                real = self.path(base) if base else self.state.cwd
                if not any(c in comp for c in "*?["):
                    name = fnmatch_unescape(comp)
                    candidate = posixpath.join(base, name) if base else name
                    if self.proc.fs.exists(self.path(candidate)):
                        nxt.append(candidate)
                    continue
                try:
                    names = self.proc.fs.listdir(real)
                except FsError:
                    continue
                for n in names:
                    if n.startswith(".") and not comp.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(n, comp):
                        nxt.append(posixpath.join(base, n) if base else n)
            bases = nxt
        return sorted(bases)

    def arith(self: Interp, expr: str) -> int:
        try:
            return _Arith(expr, self.state.vars).value()
        except ZeroDivisionError:
            self.error("division by zero" if self.dialect.kind != "bash" else f"{expr.strip()}: division by 0")
            raise ShellExit(2) from None
        except (ValueError, IndexError):
            self.error(
                "arithmetic syntax error"
                if self.dialect.kind == "ash"
                else f'arithmetic expression: expecting primary: "{expr}"'
            )
            raise ShellExit(2) from None


def _escape_glob(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def fnmatch_unescape(text: str) -> str:
    return re.sub(r"\[([*?\[])\]", r"\1", text)


def _strip(value: str, pattern: str, op: str) -> str:
    """``${v%p}``, ``${v%%p}``, ``${v#p}``, ``${v##p}``: remove a matching suffix or prefix."""
    n = len(value)
    if op in ("#", "##"):
        rng = range(n + 1) if op == "#" else range(n, -1, -1)
        for i in rng:
            if fnmatch.fnmatchcase(value[:i], pattern):
                return value[i:]
        return value
    rng = range(n, -1, -1) if op == "%" else range(n + 1)
    for i in rng:
        if fnmatch.fnmatchcase(value[i:], pattern):
            return value[:i]
    return value


def _reparse(text: str) -> list[Part]:
    lexer = Lexer('"' + text.replace('"', '\\"') + '"')
    return lexer.word().parts


def _passwd(proc: Process) -> list[list[str]]:
    try:
        text = proc.fs.read_text("/etc/passwd")
    except FsError:
        return []
    return [line.split(":") for line in text.splitlines() if line.count(":") >= 6]


class _Arith:
    """``$(( ))``: integers, + - * / % comparisons, && || !, parentheses and variable names."""

    TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|<=|>=|==|!=|&&|\|\||<<|>>|[-+*/%()<>!~&|^])")
    BINARY = [
        ("||",),
        ("&&",),
        ("|",),
        ("^",),
        ("&",),
        ("==", "!="),
        ("<", "<=", ">", ">="),
        ("<<", ">>"),
        ("+", "-"),
        ("*", "/", "%"),
    ]

    def __init__(self, text: str, env: dict[str, str]) -> None:
        self.toks: list[str] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = self.TOKEN.match(text, pos)
            if not m:
                raise ValueError(text)
            self.toks.append(m.group(1))
            pos = m.end()
        self.i = 0
        self.env = env

    def value(self) -> int:
        if not self.toks:
            return 0
        v = self.binary(0)
        if self.i != len(self.toks):
            raise ValueError("trailing")
        return v

    def binary(self, level: int) -> int:
        if level == len(self.BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.i < len(self.toks) and self.toks[self.i] in self.BINARY[level]:
            op = self.toks[self.i]
            self.i += 1
            right = self.binary(level + 1)
            left = _apply(op, left, right)
        return left

    def unary(self) -> int:
        tok = self.toks[self.i]
        if tok in ("-", "+", "!", "~"):
            self.i += 1
            v = self.unary()
            return {"-": -v, "+": v, "!": int(not v), "~": ~v}[tok]
        if tok == "(":
            self.i += 1
            v = self.binary(0)
            if self.toks[self.i] != ")":
                raise ValueError(")")
            self.i += 1
            return v
        self.i += 1
        if tok[0].isdigit():
            return (
                int(tok, 16)
                if tok[:2].lower() == "0x"
                else (int(tok, 8) if len(tok) > 1 and tok[0] == "0" else int(tok))
            )
        raw = self.env.get(tok, "").strip() or "0"
        return _Arith(raw, self.env).value() if not raw.lstrip("-").isdigit() else int(raw)


def _apply(op: str, a: int, b: int) -> int:
    if op in ("/", "%"):
        if b == 0:
            raise ZeroDivisionError
        q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # C division truncates
        return q if op == "/" else a - q * b
    return {
        "+": a + b, "-": a - b, "*": a * b, "<": int(a < b), "<=": int(a <= b), ">": int(a > b), ">=": int(a >= b),
        "==": int(a == b), "!=": int(a != b), "&&": int(bool(a and b)), "||": int(bool(a or b)),
        "&": a & b, "|": a | b, "^": a ^ b, "<<": a << b, ">>": a >> b,
    }[op]  # fmt: skip
