"""The POSIX shell language, parsed: tokens to an AST that :mod:`kubenb.runtime.shell` runs.

Covered: words with quoting (``'...'``, ``"..."``, ``\\``), parameter expansion (``$v``,
``${v}``, ``${v:-w}`` and friends, ``$?``, ``$$``, ``$@``), command substitution (``$(...)`` and
backquotes), arithmetic (``$((...))``), redirections (``>``, ``>>``, ``<``, ``2>&1``), pipelines,
``&&``/``||``, ``;``/``&``/newlines, ``{ }``, ``( )``, ``if``, ``while``/``until``, ``for``,
``case`` and functions. Not covered: here-documents.

Words keep their structure (:class:`Part` list) so that expansion can tell quoted text, which is
never split or globbed, from the results of unquoted expansions, which are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RESERVED = {
    "if",
    "then",
    "elif",
    "else",
    "fi",
    "do",
    "done",
    "while",
    "until",
    "for",
    "in",
    "case",
    "esac",
    "{",
    "}",
    "!",
}
OPERATORS = ("&&", "||", ";;", ">>", ">&", "<&", ">|", "<>", ";", "&", "|", "(", ")", "<", ">")


class ParseError(Exception):
    """``token`` is what was unexpected (None: end of input); ``expecting`` what the parser wanted."""

    def __init__(
        self, token: str | None, expecting: str | None = None, line: int = 1, unterminated: bool = False
    ) -> None:
        super().__init__(token)
        self.token = token
        self.expecting = expecting
        self.line = line
        self.unterminated = unterminated


# ---------------------------------------------------------------------------- words


@dataclass
class Part:
    """A piece of a word: ``lit`` text, ``param`` ``$name``/``${...}``, ``cmd`` ``$(...)``, ``arith``."""

    kind: str
    text: str
    quoted: bool = False
    op: str = ""  # for params: "", ":-", "-", ":=", "=", ":+", "+", ":?", "?", "#", "%", "%%", "##", "len"
    arg: list[Part] = field(default_factory=list)  # the word after op, for params


@dataclass
class Word:
    parts: list[Part]
    line: int = 1

    @property
    def literal(self) -> str | None:
        """The text of a word made only of unquoted literals (keywords, names), else None."""
        if all(p.kind == "lit" and not p.quoted for p in self.parts):
            return "".join(p.text for p in self.parts)
        return None

    def source(self) -> str:
        return "".join(p.text if p.kind == "lit" else "$" + p.text for p in self.parts)


# ---------------------------------------------------------------------------- AST


@dataclass
class Redirect:
    fd: int
    op: str  # ">", ">>", "<", ">&", "<&"
    target: Word


@dataclass
class Simple:
    assigns: list[tuple[str, Word]]
    words: list[Word]
    redirects: list[Redirect]
    line: int = 1


@dataclass
class Pipeline:
    commands: list[object]
    negate: bool = False


@dataclass
class AndOr:
    first: Pipeline
    rest: list[tuple[str, Pipeline]]


@dataclass
class Seq:
    items: list[tuple[AndOr, bool]]  # (command, run in background)


@dataclass
class If:
    clauses: list[tuple[Seq, Seq]]
    otherwise: Seq | None
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Loop:
    cond: Seq
    body: Seq
    until: bool
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class For:
    var: str
    words: list[Word] | None
    body: Seq
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Case:
    word: Word
    items: list[tuple[list[Word], Seq]]
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Group:
    body: Seq
    subshell: bool
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class FuncDef:
    name: str
    body: object


# ---------------------------------------------------------------------------- lexer


@dataclass
class Token:
    kind: str  # "word", "op", "newline", "eof", "io" (a redirection's fd number)
    value: str
    word: Word | None = None
    line: int = 1


class Lexer:
    def __init__(self, src: str) -> None:
        self.src = src
        self.i = 0
        self.line = 1

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        while True:
            tok = self._next()
            out.append(tok)
            if tok.kind == "eof":
                return out

    def _next(self) -> Token:
        src = self.src
        while self.i < len(src):
            c = src[self.i]
            if c in " \t":
                self.i += 1
            elif c == "\\" and src[self.i + 1 : self.i + 2] == "\n":
                self.i += 2
                self.line += 1
            elif c == "#":
                while self.i < len(src) and src[self.i] != "\n":
                    self.i += 1
            else:
                break
        if self.i >= len(src):
            return Token("eof", "", line=self.line)
        c = src[self.i]
        if c == "\n":
            self.i += 1
            self.line += 1
            return Token("newline", "\n", line=self.line - 1)
        for op in OPERATORS:
            if src.startswith(op, self.i):
                self.i += len(op)
                return Token("op", op, line=self.line)
        start_line = self.line
        word = self.word()
        text = word.literal
        if text is not None and text.isdigit() and self.i < len(src) and src[self.i] in "<>":
            return Token("io", text, line=start_line)
        return Token("word", word.source(), word, start_line)

    def word(self) -> Word:
        parts: list[Part] = []
        src = self.src
        buf: list[str] = []

        def flush(quoted: bool = False) -> None:
            if buf:
                parts.append(Part("lit", "".join(buf), quoted))
                buf.clear()

        while self.i < len(src):
            c = src[self.i]
            if c in " \t\n" or any(src.startswith(op, self.i) for op in OPERATORS):
                break
            if c == "\\":
                flush()
                nxt = src[self.i + 1 : self.i + 2]
                self.i += 2
                if nxt == "\n":
                    self.line += 1
                elif nxt:
                    parts.append(Part("lit", nxt, True))
            elif c == "'":
                flush()
                end = src.find("'", self.i + 1)
                if end < 0:
                    raise ParseError(None, line=self.line, unterminated=True)
                text = src[self.i + 1 : end]
                self.line += text.count("\n")
                parts.append(Part("lit", text, True))
                self.i = end + 1
            elif c == '"':
                flush()
                self.i += 1
                parts.extend(self._double_quoted())
            elif c == "$" or c == "`":
                flush()
                parts.append(self._dollar(quoted=False))
            else:
                buf.append(c)
                self.i += 1
        flush()
        return Word(parts or [Part("lit", "", True)], self.line)

    def _double_quoted(self) -> list[Part]:
        parts: list[Part] = []
        buf: list[str] = []
        src = self.src
        while True:
            if self.i >= len(src):
                raise ParseError(None, line=self.line, unterminated=True)
            c = src[self.i]
            if c == '"':
                self.i += 1
                break
            if c == "\\" and src[self.i + 1 : self.i + 2] in ('"', "\\", "$", "`", "\n"):
                nxt = src[self.i + 1]
                if nxt != "\n":
                    buf.append(nxt)
                self.i += 2
            elif c in "$`":
                if buf:
                    parts.append(Part("lit", "".join(buf), True))
                    buf.clear()
                parts.append(self._dollar(quoted=True))
            else:
                if c == "\n":
                    self.line += 1
                buf.append(c)
                self.i += 1
        if buf or not parts:
            parts.append(Part("lit", "".join(buf), True))
        return parts

    def _dollar(self, quoted: bool) -> Part:
        src = self.src
        if src[self.i] == "`":
            end = self.i + 1
            body: list[str] = []
            while end < len(src) and src[end] != "`":
                if src[end] == "\\" and end + 1 < len(src) and src[end + 1] in "`\\$":
                    end += 1
                body.append(src[end])
                end += 1
            if end >= len(src):
                raise ParseError(None, line=self.line, unterminated=True)
            self.i = end + 1
            return Part("cmd", "".join(body), quoted)
        self.i += 1  # the '$'
        if src.startswith("((", self.i):
            end = _matching(src, self.i + 1, "(", ")")
            if end >= 0 and src[end + 1 : end + 2] == ")":
                text = src[self.i + 2 : end]
                self.i = end + 2
                return Part("arith", text, quoted)
        if src.startswith("(", self.i):
            end = _matching(src, self.i, "(", ")")
            if end < 0:
                raise ParseError(None, expecting=")", line=self.line)
            text = src[self.i + 1 : end]
            self.i = end + 1
            return Part("cmd", text, quoted)
        if src.startswith("{", self.i):
            end = _matching(src, self.i, "{", "}")
            if end < 0:
                raise ParseError(None, expecting="}", line=self.line)
            inner = src[self.i + 1 : end]
            self.i = end + 1
            return _braced(inner, quoted, self.line)
        c = src[self.i : self.i + 1]
        if c and (c in "?$#@*!-" or c.isdigit()):
            self.i += 1
            return Part("param", c, quoted)
        j = self.i
        while j < len(src) and (src[j].isalnum() or src[j] == "_"):
            j += 1
        if j == self.i or src[self.i].isdigit():
            return Part("lit", "$", quoted or True)
        name = src[self.i : j]
        self.i = j
        return Part("param", name, quoted)


def _matching(src: str, i: int, open_: str, close: str) -> int:
    """Index of the bracket closing the one at `i`, skipping quotes; -1 if none."""
    depth = 0
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            end = src.find("'", i + 1)
            if end < 0:
                return -1
            i = end + 1
            continue
        if c == '"':
            i += 1
            while i < len(src) and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
            i += 1
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _braced(inner: str, quoted: bool, line: int) -> Part:
    """``${...}``: a name and an optional operator with its word."""
    if inner.startswith("#") and len(inner) > 1:
        return Part("param", inner[1:], quoted, op="len")
    j = 0
    if inner[:1] in ("?", "$", "#", "@", "*", "!", "-") or inner[:1].isdigit():
        j = 1
    else:
        while j < len(inner) and (inner[j].isalnum() or inner[j] == "_"):
            j += 1
    name, rest = inner[:j], inner[j:]
    if not name:
        raise ParseError(None, line=line)
    for op in (":-", ":=", ":+", ":?", "%%", "##", "-", "=", "+", "?", "%", "#"):
        if rest.startswith(op):
            arg_src = rest[len(op) :]
            lexer = Lexer(arg_src)
            word = lexer.word() if arg_src else Word([Part("lit", "", True)])
            return Part("param", name, quoted, op=op, arg=word.parts)
    if rest:
        raise ParseError(f"${{{inner}}}", line=line)
    return Part("param", name, quoted)


# ---------------------------------------------------------------------------- parser


class Parser:
    def __init__(self, src: str) -> None:
        self.toks = Lexer(src).tokens()
        self.pos = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.pos]

    def _advance(self) -> Token:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def _is_kw(self, *names: str) -> bool:
        tok = self.tok
        return tok.kind == "word" and tok.word is not None and tok.word.literal in names

    def _is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.value in ops

    def _skip_newlines(self) -> None:
        while self.tok.kind == "newline":
            self._advance()

    def _unexpected(self, expecting: str | None = None) -> ParseError:
        tok = self.tok
        value = None if tok.kind == "eof" else ("newline" if tok.kind == "newline" else tok.value)
        return ParseError(value, expecting, tok.line)

    def _expect_kw(self, name: str) -> None:
        self._skip_newlines()
        if not self._is_kw(name):
            raise self._unexpected(name)
        self._advance()

    def parse(self) -> Seq:
        self._skip_newlines()
        seq = self._seq(top=True)
        self._skip_newlines()
        if self.tok.kind != "eof":
            raise self._unexpected()
        return seq

    def _seq(self, top: bool = False) -> Seq:
        items: list[tuple[AndOr, bool]] = []
        while True:
            self._skip_newlines()
            if self._at_seq_end():
                break
            node = self._and_or()
            background = False
            if self._is_op("&"):
                self._advance()
                background = True
            elif self._is_op(";"):
                self._advance()
            elif self.tok.kind != "newline" and not self._at_seq_end():
                raise self._unexpected()
            items.append((node, background))
        if not items and not top:
            raise self._unexpected()
        return Seq(items)

    def _at_seq_end(self) -> bool:
        return (
            self.tok.kind == "eof"
            or self._is_op(")", ";;")
            or self._is_kw("then", "elif", "else", "fi", "do", "done", "esac", "}")
        )

    def _and_or(self) -> AndOr:
        first = self._pipeline()
        rest: list[tuple[str, Pipeline]] = []
        while self._is_op("&&", "||"):
            op = self._advance().value
            self._skip_newlines()
            rest.append((op, self._pipeline()))
        return AndOr(first, rest)

    def _pipeline(self) -> Pipeline:
        negate = False
        if self._is_kw("!"):
            self._advance()
            negate = True
        commands = [self._command()]
        while self._is_op("|"):
            self._advance()
            self._skip_newlines()
            commands.append(self._command())
        return Pipeline(commands, negate)

    def _command(self) -> object:
        tok = self.tok
        if tok.kind == "op" and tok.value == "(":
            self._advance()
            body = self._seq()
            if not self._is_op(")"):
                raise self._unexpected(")")
            self._advance()
            return Group(body, True, self._redirects())
        if tok.kind == "word" and tok.word is not None:
            kw = tok.word.literal
            if kw == "{":
                self._advance()
                body = self._seq()
                self._expect_kw("}")
                return Group(body, False, self._redirects())
            if kw == "if":
                return self._if()
            if kw in ("while", "until"):
                self._advance()
                cond = self._seq()
                self._expect_kw("do")
                body = self._seq()
                self._expect_kw("done")
                return Loop(cond, body, kw == "until", self._redirects())
            if kw == "for":
                return self._for()
            if kw == "case":
                return self._case()
            if kw in ("then", "elif", "else", "fi", "do", "done", "esac", "}", "in"):
                raise self._unexpected()
        if tok.kind not in ("word", "io") and not self._is_op("<", ">", ">>", ">&", "<&"):
            raise self._unexpected()
        return self._simple()

    def _if(self) -> If:
        self._advance()
        clauses: list[tuple[Seq, Seq]] = []
        cond = self._seq()
        self._expect_kw("then")
        clauses.append((cond, self._seq()))
        otherwise = None
        while True:
            self._skip_newlines()
            if self._is_kw("elif"):
                self._advance()
                cond = self._seq()
                self._expect_kw("then")
                clauses.append((cond, self._seq()))
            elif self._is_kw("else"):
                self._advance()
                otherwise = self._seq()
            else:
                break
        self._expect_kw("fi")
        return If(clauses, otherwise, self._redirects())

    def _for(self) -> For:
        self._advance()
        name_tok = self._advance()
        if name_tok.kind != "word" or name_tok.word is None or not (name_tok.word.literal or "").isidentifier():
            self.pos -= 1
            raise self._unexpected()
        words: list[Word] | None = None
        self._skip_newlines()
        if self._is_kw("in"):
            self._advance()
            words = []
            while self.tok.kind == "word":
                assert self.tok.word is not None
                words.append(self._advance().word)  # type: ignore[arg-type]
            if self._is_op(";"):
                self._advance()
        elif self._is_op(";"):
            self._advance()
        self._expect_kw("do")
        body = self._seq()
        self._expect_kw("done")
        return For(name_tok.word.literal or "", words, body, self._redirects())

    def _case(self) -> Case:
        self._advance()
        word_tok = self._advance()
        if word_tok.word is None:
            raise self._unexpected()
        self._expect_kw("in")
        items: list[tuple[list[Word], Seq]] = []
        while True:
            self._skip_newlines()
            if self._is_kw("esac"):
                self._advance()
                break
            if self._is_op("("):
                self._advance()
            patterns: list[Word] = []
            while True:
                if self.tok.kind != "word" or self.tok.word is None:
                    raise self._unexpected()
                patterns.append(self._advance().word)  # type: ignore[arg-type]
                if self._is_op("|"):
                    self._advance()
                    continue
                break
            if not self._is_op(")"):
                raise self._unexpected(")")
            self._advance()
            self._skip_newlines()
            body = Seq([]) if self._is_op(";;") or self._is_kw("esac") else self._seq()
            items.append((patterns, body))
            if self._is_op(";;"):
                self._advance()
        return Case(word_tok.word, items, self._redirects())

    def _redirects(self) -> list[Redirect]:
        out: list[Redirect] = []
        while True:
            r = self._redirect()
            if r is None:
                return out
            out.append(r)

    def _redirect(self) -> Redirect | None:
        fd: int | None = None
        if self.tok.kind == "io":
            fd = int(self._advance().value)
        if not self._is_op(">", ">>", "<", ">&", "<&", ">|"):
            if fd is not None:
                self.pos -= 1
            return None
        op = self._advance().value
        op = ">" if op == ">|" else op
        if self.tok.kind != "word" or self.tok.word is None:
            raise self._unexpected()
        target = self._advance().word
        assert target is not None
        return Redirect(fd if fd is not None else (0 if op in ("<", "<&") else 1), op, target)

    def _simple(self) -> object:
        line = self.tok.line
        assigns: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while True:
            r = self._redirect()
            if r is not None:
                redirects.append(r)
                continue
            tok = self.tok
            if tok.kind != "word" or tok.word is None:
                break
            if not words and _assignment(tok.word) is not None:
                assigns.append(_assignment(tok.word))  # type: ignore[arg-type]
                self._advance()
                continue
            if words == [] and self.toks[self.pos + 1].kind == "op" and self.toks[self.pos + 1].value == "(" \
                    and self.toks[self.pos + 2].kind == "op" and self.toks[self.pos + 2].value == ")":  # fmt: skip
                name = tok.word.literal or ""
                self.pos += 3
                self._skip_newlines()
                return FuncDef(name, self._command())
            words.append(tok.word)
            self._advance()
        if not (assigns or words or redirects):
            raise self._unexpected()
        return Simple(assigns, words, redirects, line)


def _assignment(word: Word) -> tuple[str, Word] | None:
    """``NAME=value``: split a word whose unquoted start is an identifier and an ``=``."""
    first = word.parts[0]
    if first.kind != "lit" or first.quoted or "=" not in first.text:
        return None
    name, _, rest = first.text.partition("=")
    if not name.isidentifier():
        return None
    parts = ([Part("lit", rest, False)] if rest else []) + word.parts[1:]
    return name, Word(parts or [Part("lit", "", True)], word.line)


def parse(src: str) -> Seq:
    """Parse a whole script. Raises ParseError."""
    return Parser(src).parse()
