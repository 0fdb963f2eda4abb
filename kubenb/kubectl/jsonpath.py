"""A port of client-go ``util/jsonpath`` (parser.go, jsonpath.go, node.go) and of kubectl's printer.

Templates mix text with ``{actions}``: fields ``{.a.b}``, ``{['a.b']}``, wildcards ``{.a.*}``,
recursive descent ``{..name}``, slices ``{[1:-1:2]}``, unions ``{[0,2]}``, filters
``{[?(@.x=="y")]}`` (``== != < > <= >=`` or a bare path for "exists"; there is no ``&&``, ``||``
or ``=~``), literals ``{"\\n"}`` ``{'\\t'}`` ``{1}`` ``{true}``, and ``{range ...}...{end}``.

Data is plain JSON as ``kubectl get`` decodes it (unstructured): ``dict``, ``list``, ``str``,
``int`` (Go int64), ``float`` (float64), ``bool`` and ``None`` (a JSON null). Results print as Go
prints them: several results of one action are joined by one space, maps and lists as compact
JSON, ``null`` for a JSON null, floats in Go's shortest form (``1e+06``).

Faithful to a fault, because learners type these templates and compare with a real cluster:

* Go's ``reflect`` distinguishes a JSON null (a nil interface, skipped by fields and indexes)
  from *no value at all* (what a ``range`` body sees for a null element, or what an empty range's
  body runs on once). The latter prints ``<no value>``; here it is the ``_NO_VALUE`` sentinel.
* Go returns partial values alongside errors, and an "exists" filter looks at them while ignoring
  the error: ``[?(@.c[1])]`` keeps items whose ``c`` has one element (index out of bounds
  returns ``c`` itself). :class:`_EvalError` carries that partial value.
* Go iterates maps in random order (``{.metadata.*}``, ``{..name}``); this port uses sorted key
  order, which is one of Go's possible orders and keeps output deterministic.
* A string's wildcard children are its UTF-8 bytes: ``{.metadata.name.*}`` of ``web`` is ``119 101 98``.

:func:`print_jsonpath` is cli-runtime's ``JSONPathPrinter`` with kubectl's defaults (missing keys
allowed) and error texts; :func:`relaxed` is the ``{.a.b}`` normaliser that
``-o custom-columns``, ``--sort-by`` and ``wait --for=jsonpath`` apply.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# ============================================================================ errors and values


class JSONPathError(Exception):
    """A parse or execution error, worded as client-go words it."""


class _EvalError(JSONPathError):
    """An execution error and the value Go returns with it (``return input, err``)."""

    def __init__(self, message: str, partial: list[Any]) -> None:
        super().__init__(message)
        self.partial = partial


class _NoValue:
    """Go's zero ``reflect.Value``: no value at all, as opposed to a JSON null."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<no value>"


_NO_VALUE = _NoValue()

# ============================================================================ Go formatting


def _shortest_digits(x: float) -> tuple[str, int]:
    """The shortest digits that round-trip ``abs(x)`` (non-zero) and where the point goes."""
    _, digits, exponent = Decimal(repr(abs(x))).normalize().as_tuple()
    text = "".join(map(str, digits))
    return text, len(text) + int(exponent)


def _fixed(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return f"{digits[:point]}.{digits[point:]}"


def _mantissa(digits: str) -> str:
    return digits[0] + ("." + digits[1:] if len(digits) > 1 else "")


def go_float(x: float) -> str:
    """Go ``fmt`` ``%v`` of a float64 (``strconv.FormatFloat(x, 'g', -1, 64)``): ``1.5``, ``1e+06``."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    if x == 0:
        return sign + "0"
    digits, point = _shortest_digits(x)
    exponent = point - 1
    if exponent < -4 or exponent >= 6:  # Go's %g switches to %e at these exponents
        return f"{sign}{_mantissa(digits)}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    return sign + _fixed(digits, point)


def _json_float(x: float) -> str:
    """``encoding/json``: plain decimals, exponents only below 1e-6 or from 1e21, ``e-7`` not ``e-07``."""
    if not math.isfinite(x):
        raise JSONPathError(f"json: unsupported value: {go_float(x)}")
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    if x == 0:
        return sign + "0"
    digits, point = _shortest_digits(x)
    if 1e-6 <= abs(x) < 1e21:
        return sign + _fixed(digits, point)
    exponent = point - 1
    tail = f"-{-exponent}" if exponent < 0 else f"+{exponent:02d}"
    return f"{sign}{_mantissa(digits)}e{tail}"


_JSON_SPECIAL = re.compile('[\x00-\x1f"\\\\<>&\u2028\u2029\ud800-\udfff]')
_JSON_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _JSON_SHORT_ESCAPES:
        return _JSON_SHORT_ESCAPES[ch]
    if "\ud800" <= ch <= "\udfff":
        return "\\ufffd"  # invalid UTF-8
    return f"\\u{ord(ch):04x}"  # control characters, and <, >, & escaped for HTML safety


def _json_string(s: str) -> str:
    return '"' + _JSON_SPECIAL.sub(_json_escape, s) + '"'


def to_json(value: Any, indent: str | None = None) -> str:
    """Go ``json.Marshal`` of JSON data, or ``json.MarshalIndent(value, "", indent)`` given an indent."""
    return _encode(value, indent, 0)


def _encode(value: Any, indent: str | None, depth: int) -> str:
    if value is None or value is _NO_VALUE:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _json_float(value)
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, dict):
        separator = ":" if indent is None else ": "
        items = [f"{_json_string(k)}{separator}{_encode(value[k], indent, depth + 1)}" for k in sorted(value)]
        return _json_container("{", items, "}", indent, depth)
    if isinstance(value, list):
        items = [_encode(v, indent, depth + 1) for v in value]
        return _json_container("[", items, "]", indent, depth)
    raise TypeError(f"not JSON data: {value!r}")


def _json_container(open_: str, items: list[str], close: str, indent: str | None, depth: int) -> str:
    if not items:
        return open_ + close
    if indent is None:
        return open_ + ",".join(items) + close
    inner = "\n" + indent * (depth + 1)
    return open_ + inner + ("," + inner).join(items) + "\n" + indent * depth + close


_C_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(s: str) -> str:
    """Go ``strconv.Quote`` (``%q``): printable text kept, the rest escaped Go-style."""
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0xDC80 <= code <= 0xDCFF:  # a raw byte held by surrogateescape
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable():  # the same classes as Go's unicode.IsPrint
            out.append(ch)
        elif ch in _C_ESCAPES:
            out.append(_C_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def sprint(value: Any) -> str:
    """Go ``fmt.Sprint`` of a JSON value: ``map[a:1 b:[x y]]``, ``<nil>``, ``1e+06``."""
    if value is None:
        return "<nil>"
    if value is _NO_VALUE:
        return "<invalid reflect.Value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{sprint(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(sprint(v) for v in value) + "]"
    return str(value)


def _go_syntax(value: Any) -> str:
    """Go ``%#v`` of unstructured data, as kubectl dumps it when a template fails."""
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, dict):
        items = ", ".join(f"{go_quote(k)}:{_go_syntax(value[k])}" for k in sorted(value))
        return "map[string]interface {}{" + items + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_syntax(v) for v in value) + "}"
    if isinstance(value, str):
        return go_quote(value)
    return sprint(value)


_GO_TYPES = [(bool, "bool"), (int, "int64"), (float, "float64"), (str, "string"),
             (dict, "map[string]interface {}"), (list, "[]interface {}")]  # fmt: skip


def _go_type(value: Any) -> str:
    """The Go type of an unstructured value, as ``reflect.Value.Type()`` names it."""
    if value is _NO_VALUE:
        # Go panics here (kubectl crashes): the closest we can do is say why.
        raise JSONPathError("reflect: call of reflect.Value.Type on zero Value")
    for python_type, go_type in _GO_TYPES:
        if isinstance(value, python_type):
            return go_type
    return type(value).__name__


# ============================================================================ parse tree (node.go)


@dataclass(eq=False)
class ListNode:
    nodes: list[Node] = field(default_factory=list)

    def __str__(self) -> str:
        return "NodeList"


@dataclass(eq=False)
class TextNode:
    text: str

    def __str__(self) -> str:
        return f"NodeText: {self.text}"


@dataclass(eq=False)
class FieldNode:
    value: str

    def __str__(self) -> str:
        return f"NodeField: {self.value}"


@dataclass(eq=False)
class IdentifierNode:
    name: str  # "range" or "end"

    def __str__(self) -> str:
        return f"NodeIdentifier: {self.name}"


@dataclass(frozen=True)
class ParamsEntry:
    value: int = 0
    known: bool = False  # given in the template (or derived), rather than defaulted at run time
    derived: bool = False  # the end of a plain index [i], computed as i+1

    def __str__(self) -> str:
        return f"{{{self.value} {str(self.known).lower()} {str(self.derived).lower()}}}"


@dataclass(eq=False)
class ArrayNode:
    params: tuple[ParamsEntry, ParamsEntry, ParamsEntry]  # start, end, step

    def __str__(self) -> str:
        return f"NodeArray: [{' '.join(map(str, self.params))}]"


@dataclass(eq=False)
class FilterNode:
    left: ListNode
    right: ListNode
    operator: str  # == != < > <= >=, or "exists"

    def __str__(self) -> str:
        return f"NodeFilter: {self.left} {self.operator} {self.right}"


@dataclass(eq=False)
class IntNode:
    value: int

    def __str__(self) -> str:
        return f"NodeInt: {self.value}"


@dataclass(eq=False)
class FloatNode:
    value: float

    def __str__(self) -> str:
        return f"NodeFloat: {self.value:f}"


@dataclass(eq=False)
class WildcardNode:
    def __str__(self) -> str:
        return "NodeWildcard"


@dataclass(eq=False)
class RecursiveNode:
    def __str__(self) -> str:
        return "NodeRecursive"


@dataclass(eq=False)
class UnionNode:
    nodes: list[ListNode]

    def __str__(self) -> str:
        return "NodeUnion"


@dataclass(eq=False)
class BoolNode:
    value: bool

    def __str__(self) -> str:
        return f"NodeBool: {str(self.value).lower()}"


Node = (
    ListNode | TextNode | FieldNode | IdentifierNode | ArrayNode | FilterNode
    | IntNode | FloatNode | WildcardNode | RecursiveNode | UnionNode | BoolNode
)  # fmt: skip

# ============================================================================ parser (parser.go)

_DICT_KEY = re.compile(r"'([^']*)'")
_SLICE = re.compile(r"(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?")
_FILTER = re.compile(r"([^!<>=]+)([!<>=]+)(.+?)")
_GO_INT = re.compile(r"[+-]?[0-9]+")
_GO_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_TERMINATORS = frozenset(" \t\r\n.,[]$@{}")
_INT64 = range(-(1 << 63), 1 << 63)

_Step = Callable[[], "_Step | None"]


def parse(template: str) -> ListNode:
    """Parse a template into client-go's tree: a root list of text nodes and one list per action."""
    return _Parser(template).parse()


def _parse_action(text: str) -> ListNode:
    """Parse ``text`` as the inside of one action (unions, filters and ``['a.b']`` keys do this)."""
    return parse("{" + text + "}").nodes[0]  # type: ignore[return-value]


def _is_digit(r: str | None) -> bool:
    return r is not None and r.isdecimal()  # Go unicode.IsDigit: category Nd


def _is_alphanumeric(r: str | None) -> bool:
    return r is not None and (r == "_" or r.isalpha() or r.isdecimal())


def _is_terminator(r: str | None) -> bool:
    return r is None or r in _TERMINATORS


def _go_unicode(r: str) -> str:
    """Go ``%#U``: ``U+002A '*'``, without the quoted character when it is not printable."""
    return f"U+{ord(r):04X}" + (f" '{r}'" if r.isprintable() else "")


class _Parser:
    """A direct port of parser.go's scanner.

    Go's parse functions tail-call each other once per token; here each returns the next step
    instead, so long templates do not exhaust Python's recursion limit.
    """

    def __init__(self, text: str) -> None:
        self._input = text
        self._pos = 0
        self._start = 0
        self._width = 0
        self._root = ListNode()
        self._cur = self._root

    def parse(self) -> ListNode:
        step: _Step | None = self._parse_text
        while step is not None:
            step = step()
        return self._root

    # --- scanning

    def _next(self) -> str | None:
        if self._pos >= len(self._input):
            self._width = 0
            return None
        self._width = 1
        self._pos += 1
        return self._input[self._pos - 1]

    def _peek(self) -> str | None:
        r = self._next()
        self._backup()
        return r

    def _backup(self) -> None:
        self._pos -= self._width

    def _consume(self) -> str:
        value = self._input[self._start : self._pos]
        self._start = self._pos
        return value

    def _escaped(self) -> bool:
        """Whether the character just read follows a backslash."""
        return self._input[self._pos - 2] == "\\"

    # --- states

    def _parse_text(self) -> _Step | None:
        brace = self._input.find("{", self._pos)
        self._pos = len(self._input) if brace < 0 else brace
        if self._pos > self._start:
            self._root.nodes.append(TextNode(self._consume()))
        return None if brace < 0 else self._parse_left_delim

    def _parse_left_delim(self) -> _Step:
        self._pos += 1
        self._consume()
        self._cur = ListNode()
        self._root.nodes.append(self._cur)
        return self._parse_inside_action

    def _parse_inside_action(self) -> _Step:
        if self._input.startswith("}", self._pos):
            return self._parse_right_delim
        if self._input.startswith("[?(", self._pos):
            return self._parse_filter
        if self._input.startswith("..", self._pos):
            return self._parse_recursive
        r = self._next()
        if r is None or r in "\r\n":
            raise JSONPathError("unclosed action")
        if r in " @$":  # spaces, and the current object, which is where we already are
            self._consume()
            return self._parse_inside_action
        if r == "[":
            return self._parse_array
        if r in "\"'":
            return lambda: self._parse_quote(r)
        if r == ".":
            return self._parse_field
        if r in "+-" or _is_digit(r):
            self._backup()
            return self._parse_number
        if _is_alphanumeric(r):
            self._backup()
            return self._parse_identifier
        raise JSONPathError(f"unrecognized character in action: {_go_unicode(r)}")

    def _parse_right_delim(self) -> _Step:
        self._pos += 1
        self._consume()
        return self._parse_text

    def _parse_identifier(self) -> _Step:
        while not _is_terminator(self._next()):
            pass
        self._backup()
        value = self._consume()
        self._cur.nodes.append(BoolNode(value == "true") if value in ("true", "false") else IdentifierNode(value))
        return self._parse_inside_action

    def _parse_recursive(self) -> _Step:
        nodes = self._cur.nodes
        if nodes and isinstance(nodes[-1], RecursiveNode):
            raise JSONPathError("invalid multiple recursive descent")
        self._pos += 2
        self._consume()
        nodes.append(RecursiveNode())
        return self._parse_field if _is_alphanumeric(self._peek()) else self._parse_inside_action

    def _parse_number(self) -> _Step:
        if self._peek() in ("+", "-"):
            self._next()
        while (r := self._next()) == "." or _is_digit(r):
            pass
        self._backup()
        self._cur.nodes.append(_number_node(self._consume()))
        return self._parse_inside_action

    def _parse_array(self) -> _Step:
        while (r := self._next()) != "]":
            if r is None or r == "\n":
                raise JSONPathError("unterminated array")
        text = self._consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            self._cur.nodes.append(UnionNode([_parse_action(f"[{part.strip(' ')}]") for part in parts]))
        elif key := _DICT_KEY.fullmatch(text):
            self._cur.nodes.extend(_parse_action("." + key[1]).nodes)
        elif indexes := _SLICE.fullmatch(text):
            self._cur.nodes.append(ArrayNode(_slice_params([g or "" for g in indexes.groups()])))
        else:
            raise JSONPathError(f"invalid array index {text}")
        return self._parse_inside_action

    def _parse_filter(self) -> _Step:
        self._pos += len("[?(")
        self._consume()
        # The filter ends at the first ')' outside a quoted string (one string at most).
        begin = end = False
        pair = ""
        while True:
            r = self._next()
            if r is None or r == "\n":
                raise JSONPathError("unterminated filter")
            if r in ('"', "'"):
                if not begin:
                    begin, pair = True, r
                elif r == pair and not self._escaped():
                    end = True
            elif r == ")" and begin == end:
                break
        if self._next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self._consume()[: -len(")]")]
        if comparison := _FILTER.fullmatch(text):
            left, operator, right = comparison.groups()
            node = FilterNode(_parse_action(left), _parse_action(right), operator)
        else:
            node = FilterNode(_parse_action(text), ListNode(), "exists")
        self._cur.nodes.append(node)
        return self._parse_inside_action

    def _parse_quote(self, end: str) -> _Step:
        while (r := self._next()) != end or self._escaped():
            if r is None or r == "\n":
                raise JSONPathError("unterminated quoted string")
        value = self._consume()
        try:
            text = _unquote_extend(value)
        except ValueError:
            raise JSONPathError(f"unquote string {value} error invalid syntax") from None
        self._cur.nodes.append(TextNode(text))
        return self._parse_inside_action

    def _parse_field(self) -> _Step:
        self._consume()  # the '.'
        while self._advance():
            pass
        value = self._consume()
        self._cur.nodes.append(WildcardNode() if value == "*" else FieldNode(value.replace("\\", "")))
        return self._parse_inside_action

    def _advance(self) -> bool:
        """Step over one character of a field name; a backslash escapes the next (``a\\.b``)."""
        r = self._next()
        if r == "\\":
            self._next()
        elif _is_terminator(r):
            self._backup()
            return False
        return True


def _number_node(text: str) -> IntNode | FloatNode:
    """``strconv.Atoi``, else ``strconv.ParseFloat``, as parseNumber tries them."""
    if _GO_INT.fullmatch(text) and int(text) in _INT64:
        return IntNode(int(text))
    if _GO_FLOAT.fullmatch(text) and math.isfinite(number := float(text)):
        return FloatNode(number)
    raise JSONPathError(f"cannot parse number {text}")


def _slice_params(groups: list[str]) -> tuple[ParamsEntry, ParamsEntry, ParamsEntry]:
    """``[start:end:step]``; a plain index ``[i]`` gets the derived end ``i+1``."""
    params: list[ParamsEntry] = []
    for i, group in enumerate(groups):
        number = group[1:] if i > 0 else group  # drop the ':'
        if group and number:
            if not _GO_INT.fullmatch(number) or int(number) not in _INT64:
                raise JSONPathError(f"array index {number} is not a number")
            params.append(ParamsEntry(int(number), known=True))
        elif not group and i == 1:
            params.append(ParamsEntry(params[0].value + 1, known=True, derived=True))
        else:
            params.append(ParamsEntry())
    return params[0], params[1], params[2]


_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}


def _unquote_extend(quoted: str) -> str:
    """client-go ``UnquoteExtend``: Go's ``strconv.Unquote`` for ``"..."`` and ``'...'`` strings.

    ``\\x`` and octal escapes produce raw bytes, so the result is assembled as bytes; bytes that
    are not UTF-8 survive as ``surrogateescape`` characters, as they survive in a Go string.
    """
    if len(quoted) < 2 or quoted[0] != quoted[-1] or quoted[0] not in "\"'":
        raise ValueError("invalid syntax")
    quote, body = quoted[0], quoted[1:-1]
    if "\\" not in body and quote not in body:
        return body
    out = bytearray()
    i = 0
    while i < len(body):
        i = _unquote_char(body, i, quote, out)
    return out.decode("utf-8", "surrogateescape")


def _unquote_char(s: str, i: int, quote: str, out: bytearray) -> int:
    """Go ``strconv.UnquoteChar``: decode the character at ``s[i]`` into ``out``; return the next index."""
    c = s[i]
    if c == quote:
        raise ValueError("invalid syntax")
    if c != "\\":
        out += c.encode("utf-8", "surrogateescape")
        return i + 1
    if i + 1 >= len(s):
        raise ValueError("invalid syntax")
    c, i = s[i + 1], i + 2
    if c in _SIMPLE_ESCAPES:
        out.append(_SIMPLE_ESCAPES[c])
        return i
    if c in _HEX_DIGITS:
        digits = s[i : i + _HEX_DIGITS[c]]
        if len(digits) < _HEX_DIGITS[c] or any(d not in "0123456789abcdefABCDEF" for d in digits):
            raise ValueError("invalid syntax")
        value = int(digits, 16)
        if c == "x":
            out.append(value)  # a single byte, possibly not UTF-8
        elif value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise ValueError("invalid syntax")
        else:
            out += chr(value).encode()
        return i + len(digits)
    if c in "01234567":
        digits = c + s[i : i + 2]
        if len(digits) < 3 or any(d not in "01234567" for d in digits) or int(digits, 8) > 255:
            raise ValueError("invalid syntax")
        out.append(int(digits, 8))
        return i + 2
    if c == quote:
        out.append(ord(c))
        return i
    raise ValueError("invalid syntax")


# ============================================================================ evaluation (jsonpath.go)


def _children(value: Any) -> list[Any]:
    """What a wildcard or ``..`` steps into: map values (sorted by key), elements, string bytes."""
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return list(value.encode("utf-8", "surrogateescape"))
    return []


def _basic_kind(value: Any) -> str:
    for python_type in (bool, int, float, str):
        if isinstance(value, python_type):
            return python_type.__name__
    raise JSONPathError("invalid type for comparison")


def _kinds(left: Any, right: Any) -> str:
    kind = _basic_kind(left)
    if _basic_kind(right) != kind:
        raise JSONPathError("incompatible types for comparison")
    return kind


def _equal(left: Any, right: Any) -> bool:
    _kinds(left, right)
    return bool(left == right)


def _less(left: Any, right: Any) -> bool:
    if _kinds(left, right) == "bool":
        raise JSONPathError("invalid type for comparison")
    return bool(left < right)


def _less_equal(left: Any, right: Any) -> bool:
    return _less(left, right) or _equal(left, right)


# The forked text/template comparisons, composed exactly as upstream composes them.
_FILTER_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": _less,
    ">": lambda a, b: not _less_equal(a, b),
    "==": _equal,
    "!=": lambda a, b: not _equal(a, b),
    "<=": _less_equal,
    ">=": lambda a, b: not _less(a, b),
}


class _Evaluator:
    """One execution of a parsed template; holds the range bookkeeping Go keeps on the JSONPath."""

    def __init__(self, root: ListNode, allow_missing_keys: bool) -> None:
        self._nodes = root.nodes
        self._allow_missing_keys = allow_missing_keys
        self._begin_range = 0
        self._in_range = 0
        self._end_range = 0
        self._last_end: int | None = None  # index of the last {end} that closed a range body
        self._walkers: dict[type, Callable[[list[Any], Any], list[Any]]] = {
            ListNode: self._eval_list,
            TextNode: lambda _values, node: [node.text],
            FieldNode: self._eval_field,
            ArrayNode: self._eval_array,
            FilterNode: self._eval_filter,
            IntNode: self._eval_literal,
            FloatNode: self._eval_literal,
            BoolNode: self._eval_literal,
            WildcardNode: self._eval_wildcard,
            RecursiveNode: self._eval_recursive,
            UnionNode: self._eval_union,
            IdentifierNode: self._eval_identifier,
        }

    def find_results(self, data: Any, start: int = 0) -> list[list[Any]]:
        """Evaluate the root's actions from ``start``; a range body recurses once per element."""
        current = [_NO_VALUE if data is None else data]
        full: list[list[Any]] = []
        i = start
        while i < len(self._nodes):
            results = self._walk(current, self._nodes[i])
            if 0 < self._end_range <= self._in_range:  # an {end}: this range body is done
                self._end_range -= 1
                self._last_end = i
                break
            if self._begin_range > 0:  # a {range}: run the body for each result
                self._begin_range -= 1
                self._in_range += 1
                for value in results:
                    full.extend(self.find_results(value, i + 1))
                if not results:
                    self.find_results(None, i + 1)  # still walk the body to find its {end}
                self._in_range -= 1
                if self._last_end is not None and self._last_end > i:
                    i = self._last_end  # resume after the body's {end}
            else:
                full.append(results)
            i += 1
        return full

    def _walk(self, values: list[Any], node: Node) -> list[Any]:
        return self._walkers[type(node)](values, node)

    def _eval_list(self, values: list[Any], node: ListNode) -> list[Any]:
        for child in node.nodes:
            values = self._walk(values, child)
        return values

    def _eval_literal(self, values: list[Any], node: IntNode | FloatNode | BoolNode) -> list[Any]:
        return [node.value for _ in values]

    def _eval_identifier(self, values: list[Any], node: IdentifierNode) -> list[Any]:
        if node.name == "range":
            self._begin_range += 1
            return values
        if node.name == "end":
            if self._in_range == 0:
                raise _EvalError("not in range, nothing to end", [])
            self._end_range += 1
            return []
        raise _EvalError(f"unrecognized identifier {node.name}", values)

    def _eval_field(self, values: list[Any], node: FieldNode) -> list[Any]:
        if not values:
            return []
        results = [v[node.value] for v in values if isinstance(v, dict) and node.value in v]
        if not results and not self._allow_missing_keys:
            raise _EvalError(f"{node.value} is not found", [])
        return results

    def _eval_array(self, values: list[Any], node: ArrayNode) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise _EvalError(f"{_go_type(value)} is not array or slice", values)
            try:
                bounds = _slice_bounds(node.params, len(value))
            except JSONPathError as err:
                raise _EvalError(str(err), values) from None
            if bounds is None:  # an empty slice ends the whole evaluation, as upstream does
                return result
            start, end, step = bounds
            result.extend(value[start:end:step])
        return result

    def _eval_union(self, values: list[Any], node: UnionNode) -> list[Any]:
        result: list[Any] = []
        for branch in node.nodes:
            try:
                result.extend(self._eval_list(values, branch))
            except JSONPathError as err:
                raise _EvalError(str(err), values) from None
        return result

    def _eval_wildcard(self, values: list[Any], _node: WildcardNode) -> list[Any]:
        return [child for value in values if value is not None for child in _children(value)]

    def _eval_recursive(self, values: list[Any], node: RecursiveNode) -> list[Any]:
        """Every value that has children, each followed by its descendants (pre-order)."""
        result: list[Any] = []
        for value in values:
            children = [] if value is None else _children(value)
            if children:
                result.append(value)
                result.extend(self._eval_recursive(children, node))
        return result

    def _eval_filter(self, values: list[Any], node: FilterNode) -> list[Any]:
        results: list[Any] = []
        for value in values:
            if not isinstance(value, list):
                raise _EvalError(f"{sprint(value)} is not array or slice and cannot be filtered", values)
            for item in value:
                if self._filter_accepts(item, node, values, results):
                    results.append(item)
        return results

    def _filter_accepts(self, item: Any, node: FilterNode, values: list[Any], results: list[Any]) -> bool:
        if node.operator == "exists":
            # Errors are ignored here, but the values Go returns with them still count.
            try:
                return bool(self._eval_list([item], node.left))
            except _EvalError as err:
                return bool(err.partial)
        left = self._operand(item, node.left, values)
        if left is _NO_VALUE:
            return False
        right = self._operand(item, node.right, values)
        if right is _NO_VALUE:
            return False
        compare = _FILTER_OPERATORS.get(node.operator)
        if compare is None:
            raise _EvalError(f"unrecognized filter operator {node.operator}", results)
        try:
            return compare(left, right)
        except JSONPathError as err:
            raise _EvalError(str(err), results) from None

    def _operand(self, item: Any, side: ListNode, values: list[Any]) -> Any:
        """One side of a comparison: exactly one value, or ``_NO_VALUE`` to skip the item."""
        try:
            found = self._eval_list([item], side)
        except JSONPathError as err:
            raise _EvalError(str(err), values) from None
        if len(found) > 1:
            raise _EvalError("can only compare one element at a time", values)
        return found[0] if found else _NO_VALUE


def _slice_bounds(params: tuple[ParamsEntry, ParamsEntry, ParamsEntry], length: int) -> tuple[int, int, int] | None:
    """Resolve ``[start:end:step]`` against a list; ``None`` when it selects nothing."""
    first, last, step = params
    start = first.value if first.known else 0
    if start < 0:
        start += length
    end = last.value if last.known else length
    if end < 0 or (end == 0 and last.derived):
        end += length
    if start == end:
        return None
    if not 0 <= start < length:
        raise JSONPathError(f"array index out of bounds: index {start}, length {length}")
    if not 0 <= end <= length:
        raise JSONPathError(f"array index out of bounds: index {end - 1}, length {length}")
    if start > end:
        raise JSONPathError(f"starting index {start} is greater than ending index {end}")
    if step.known and step.value <= 0:
        raise JSONPathError("step must be > 0")
    return start, end, step.value if step.known else 1


def _text(value: Any) -> str:
    """How PrintResults writes one value: containers as JSON, scalars as ``fmt.Fprint`` does."""
    if value is None:
        return "null"
    if value is _NO_VALUE:
        return "<no value>"
    if isinstance(value, dict | list):
        return to_json(value)
    return sprint(value)


class JSONPath:
    """client-go's ``jsonpath.JSONPath`` over JSON data.

    ``allow_missing_keys`` is client-go's default ``False``; kubectl's printers set it ``True``.
    ``output_json`` is ``EnableJSONOutput`` (``-o jsonpath-as-json``): each result list is printed
    as an indented JSON array instead of space-separated text.
    """

    def __init__(self, template: str, *, allow_missing_keys: bool = False, output_json: bool = False) -> None:
        self.template = template
        self.allow_missing_keys = allow_missing_keys
        self.output_json = output_json
        self._root: ListNode | None = None

    def parse(self) -> JSONPath:
        """Parse the template (raising :class:`JSONPathError` with client-go's message); return self."""
        self._root = parse(self.template)
        return self

    @property
    def root(self) -> ListNode:
        """The parse tree, parsing on first use."""
        if self._root is None:
            self._root = parse(self.template)
        return self._root

    def find_results(self, data: Any) -> list[list[Any]]:
        """One list of values per top-level text or action (per range iteration inside a range)."""
        return _Evaluator(self.root, self.allow_missing_keys).find_results(data)

    def execute(self, data: Any) -> str:
        """The template's output for ``data``."""
        return "".join(self._print_results(results) for results in self.find_results(data))

    def _print_results(self, results: list[Any]) -> str:
        if self.output_json:
            return to_json([None if v is _NO_VALUE else v for v in results], indent="    ") + "\n"
        return " ".join(_text(v) for v in results)


# ============================================================================ kubectl's printer


def print_jsonpath(
    template: str, obj: dict[str, Any], *, allow_missing_keys: bool = True, as_json: bool = False
) -> str:
    """What ``kubectl ... -o jsonpath=TEMPLATE`` prints for ``obj`` (``as_json``: ``jsonpath-as-json``).

    kubectl allows missing keys unless ``--allow-missing-template-keys=false``. Errors carry
    kubectl's text, to which kubectl's error handler prefixes ``error: `` (a parse error ends in
    one newline, an execution error -- which dumps the object Go-style -- in three).
    """
    if not template:
        raise JSONPathError("template format specified but no template given")
    jsonpath = JSONPath(template, allow_missing_keys=allow_missing_keys, output_json=as_json)
    try:
        jsonpath.parse()
    except JSONPathError as err:
        raise JSONPathError(f"error parsing jsonpath {template}, {err}\n") from None
    try:
        return jsonpath.execute(obj)
    except JSONPathError as err:
        raise JSONPathError(
            f"error executing jsonpath {go_quote(template)}: Error executing template: {err}. "
            "Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{template}\n"
            f"\tobject given to jsonpath engine was:\n\t\t{_go_syntax(obj)}\n\n\n"
        ) from None


_RELAXED = re.compile(r"\{\.?([^{}]+)\}|\.?([^{}]+)")


def relaxed(expression: str) -> str:
    """kubectl ``RelaxedJSONPathExpression``: ``a.b``, ``.a.b``, ``{a.b}`` and ``{.a.b}`` all mean ``{.a.b}``.

    Used by ``-o custom-columns``, ``--sort-by`` and ``wait --for=jsonpath``; an empty expression
    stays empty.
    """
    if not expression:
        return expression
    match = _RELAXED.fullmatch(expression)
    if match is None:
        raise JSONPathError(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"
        )
    return "{." + (match[1] or match[2]) + "}"
