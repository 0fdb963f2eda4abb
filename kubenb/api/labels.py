"""Label selectors: apimachinery ``pkg/labels`` and the ``metav1.LabelSelector`` helpers.

``parse_selector("app=web,tier in (fe,be),!canary")`` is ``labels.Parse``: the same lexer, the
same parser, the same error texts (``kubectl get -l`` prints them after ``error: ``). A
:class:`Selector` is an AND of :class:`Requirement` s kept sorted by key, which is also how
``String()`` prints it. ``selector_from_label_selector`` converts the API's
``matchLabels``/``matchExpressions`` the way controllers and ``kubectl describe`` do.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum, StrEnum, auto
from typing import Any, NamedTuple, Optional

from kubenb.api.intstr import go_atoi
from kubenb.api.names import go_quote, is_qualified_name, is_valid_label_value


class Operator(StrEnum):
    """``selection.Operator``: the spellings a :class:`Requirement` carries."""

    DOES_NOT_EXIST = "!"
    EQUALS = "="
    DOUBLE_EQUALS = "=="
    IN = "in"
    NOT_EQUALS = "!="
    NOT_IN = "notin"
    EXISTS = "exists"
    GREATER_THAN = "gt"
    LESS_THAN = "lt"


# Upstream's order, which its "expected: ..." and "supported values: ..." messages list.
_BINARY_OPERATORS = (Operator.IN, Operator.NOT_IN, Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.NOT_EQUALS,
                     Operator.GREATER_THAN, Operator.LESS_THAN)
_VALID_OPERATORS = _BINARY_OPERATORS + (Operator.EXISTS, Operator.DOES_NOT_EXIST)
_SYMBOLS = {Operator.EQUALS: "=", Operator.DOUBLE_EQUALS: "==", Operator.NOT_EQUALS: "!=",
            Operator.GREATER_THAN: ">", Operator.LESS_THAN: "<"}
# metav1.LabelSelectorOperator -> selection.Operator
_LABEL_SELECTOR_OPERATORS = {"In": Operator.IN, "NotIn": Operator.NOT_IN, "Exists": Operator.EXISTS,
                             "DoesNotExist": Operator.DOES_NOT_EXIST}


class SelectorError(ValueError):
    """A selector upstream rejects; ``str()`` is upstream's error text."""


class Requirement(NamedTuple):
    """One term of a selector: ``key``, an :class:`Operator` and its ``values``.

    Built directly it is not validated (like upstream's struct literal); :func:`new_requirement`
    validates. ``values`` keep their order; :meth:`__str__` sorts them for printing.
    """

    key: str
    operator: str
    values: Sequence[str] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        """``Requirement.Matches``. ``notin`` and ``!=`` also match objects without the key;
        ``gt``/``lt`` need the label and the value to be int64 numerals."""
        op = self.operator
        value = labels.get(self.key)
        if op in (Operator.IN, Operator.EQUALS, Operator.DOUBLE_EQUALS):
            return value is not None and value in self.values
        if op in (Operator.NOT_IN, Operator.NOT_EQUALS):
            return value is None or value not in self.values
        if op == Operator.EXISTS:
            return value is not None
        if op == Operator.DOES_NOT_EXIST:
            return value is None
        if op in (Operator.GREATER_THAN, Operator.LESS_THAN) and value is not None and len(self.values) == 1:
            have, bound = _parse_int64(value), _parse_int64(self.values[0])
            if have is None or bound is None:
                return False
            return have > bound if op == Operator.GREATER_THAN else have < bound
        return False

    def __str__(self) -> str:
        """``Requirement.String``: ``k=v``, ``k in (a,b)``, ``k``, ``!k``, ``k>2`` ..."""
        op = self.operator
        if op == Operator.EXISTS:
            return self.key
        if op == Operator.DOES_NOT_EXIST:
            return "!" + self.key
        values = self.values[0] if len(self.values) == 1 else ",".join(sorted(self.values))
        if op in (Operator.IN, Operator.NOT_IN):
            return f"{self.key} {op} ({values})"
        return f"{self.key}{_SYMBOLS.get(op, '')}{values}"


class Selector:
    """``labels.Selector``: requirements ANDed together, sorted by key (stably, as upstream's sort
    is for the short lists selectors are).

    ``Selector(requirements)`` is ``NewSelector().Add(...)`` without validation; build from text
    with :func:`parse_selector`, from a map with :func:`selector_from_set`.
    """

    __slots__ = ("_requirements", "_matches_nothing")

    def __init__(self, requirements: Iterable[Requirement] = ()) -> None:
        self._requirements = tuple(sorted(
            (Requirement(r.key, r.operator, tuple(r.values)) for r in requirements), key=lambda r: r.key))
        self._matches_nothing = False

    @property
    def requirements(self) -> list[Requirement]:
        return list(self._requirements)

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self._matches_nothing:
            return False
        for requirement in self._requirements:
            if not requirement.matches(labels):
                return False
        return True

    def empty(self) -> bool:
        """True for :func:`everything`: no restriction at all. :func:`nothing` is not empty."""
        return not self._requirements and not self._matches_nothing

    def add(self, *requirements: Requirement) -> Selector:
        """``Add``: a new selector with more requirements, re-sorted by key."""
        if self._matches_nothing:
            return self
        return Selector(self._requirements + requirements)

    def exact_match_pairs(self) -> list[tuple[str, str]]:
        """The ``(key, value)`` pairs every matching object must carry: ``k=v``, ``k==v`` and
        ``k in (v)``.

        For index lookups: intersect the label index's buckets for these pairs and run
        :meth:`matches` on what is left, instead of scanning every object. An empty list means
        the index cannot narrow the search (which includes :func:`nothing`, whose
        :meth:`matches` rejects everything anyway).
        """
        return [(r.key, r.values[0]) for r in self._requirements
                if r.operator in (Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.IN) and len(r.values) == 1]

    def __str__(self) -> str:
        return ",".join(str(r) for r in self._requirements)

    def __repr__(self) -> str:
        return "<Selector nothing>" if self._matches_nothing else f"<Selector {str(self)!r}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selector):
            return NotImplemented
        return self._matches_nothing == other._matches_nothing and self._requirements == other._requirements

    def __hash__(self) -> int:
        return hash((self._matches_nothing, self._requirements))


_EVERYTHING = Selector()
_NOTHING = Selector()
_NOTHING._matches_nothing = True


def everything() -> Selector:
    """``labels.Everything()``: matches every object; prints as ``""``."""
    return _EVERYTHING


def nothing() -> Selector:
    """``labels.Nothing()``: matches no object; also prints as ``""``, but is not :meth:`~Selector.empty`."""
    return _NOTHING


def selector_from_set(labels: Optional[Mapping[str, str]]) -> Selector:
    """``SelectorFromSet``: ``k=v`` for every pair, unvalidated; an empty map is :func:`everything`."""
    if not labels:
        return _EVERYTHING
    return Selector(Requirement(key, Operator.EQUALS, (value,)) for key, value in labels.items())


def parse_selector(text: str) -> Selector:
    """``labels.Parse``: a selector from its text form, or :class:`SelectorError`."""
    requirements = _Parser(text).parse()
    return Selector(requirements) if requirements else _EVERYTHING


def new_requirement(key: str, operator: str, values: Optional[Sequence[str]] = None) -> Requirement:
    """``labels.NewRequirement``: a validated requirement, or every problem in one error.

    ``values=None`` is Go's nil slice, printed as ``null`` in errors; ``[]`` prints as ``[]``.
    """
    errors = []
    if messages := is_qualified_name(key):
        errors.append(_invalid("key", key, "; ".join(messages)))
    count = len(values or ())
    if operator in (Operator.IN, Operator.NOT_IN):
        if count == 0:
            errors.append(_invalid("values", values, "for 'in', 'notin' operators, values set can't be empty"))
    elif operator in (Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.NOT_EQUALS):
        if count != 1:
            errors.append(_invalid("values", values, "exact-match compatibility requires one single value"))
    elif operator in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        if count != 0:
            errors.append(_invalid("values", values, "values set must be empty for exists and does not exist"))
    elif operator in (Operator.GREATER_THAN, Operator.LESS_THAN):
        if count != 1:
            errors.append(_invalid("values", values, "for 'Gt', 'Lt' operators, exactly one value is required"))
        errors.extend(_invalid(f"values[{i}]", v, "for 'Gt', 'Lt' operators, the value must be an integer")
                      for i, v in enumerate(values or ()) if _parse_int64(v) is None)
    else:
        supported = ", ".join(go_quote(op) for op in _VALID_OPERATORS)
        errors.append(f"operator: Unsupported value: {_go_json(operator)}: supported values: {supported}")
    for i, value in enumerate(values or ()):
        if messages := is_valid_label_value(value):
            errors.append(_invalid(f"values[{i}][{key}]", value, "; ".join(messages)))
    if errors:
        raise SelectorError(_aggregate(errors))
    return Requirement(key, operator, tuple(values or ()))


def selector_from_label_selector(label_selector: Any) -> Selector:
    """``metav1.LabelSelectorAsSelector``.

    ``label_selector`` is ``None`` (→ :func:`nothing`), a dict in JSON form
    (``{"matchLabels": ..., "matchExpressions": [{"key", "operator", "values"}]}``) or an object
    with ``match_labels``/``match_expressions`` (:class:`kubenb.api.meta.LabelSelector`). No terms
    at all is :func:`everything`. Operators are the API's ``In``, ``NotIn``, ``Exists``,
    ``DoesNotExist``.

    Controllers convert the same few selectors on every sync and pod event, and validating each
    term is most of the cost; a :class:`Selector` is immutable, so one conversion per distinct
    selector value is kept (:func:`_converted_labels`, :func:`_converted`: bounded) and handed to
    every caller.
    """
    if label_selector is None:
        return _NOTHING
    if isinstance(label_selector, Mapping):
        match_labels = label_selector.get("matchLabels") or {}
        match_expressions = label_selector.get("matchExpressions") or []
    else:
        match_labels = getattr(label_selector, "match_labels", None) or {}
        match_expressions = getattr(label_selector, "match_expressions", None) or []
    if not match_expressions:
        if not match_labels:
            return _EVERYTHING
        try:
            return _converted_labels(tuple(match_labels.items()))
        except (TypeError, AttributeError):  # malformed (unhashable values, not a map): convert uncached, to its error
            return _convert(match_labels, ())
    try:
        key = (tuple(match_labels.items()), tuple(
            (_field(e, "key", "key"), _field(e, "operator", "operator"), tuple(_field(e, "values", "values") or ()))
            for e in match_expressions))
        return _converted(key)
    except (TypeError, AttributeError):  # malformed (a list for a map, a map for a value): convert uncached, to its error
        return _convert(match_labels, match_expressions)


@functools.lru_cache(maxsize=4096)
def _converted_labels(pairs: tuple) -> Selector:
    """The conversion of a selector of ``matchLabels`` alone (what controllers' selectors are), by
    its label pairs. A failed conversion raises and is not kept."""
    return _convert(dict(pairs), ())


@functools.lru_cache(maxsize=4096)
def _converted(key: tuple) -> Selector:
    """The conversion of one selector value, `key`: its label pairs and expression triples."""
    labels, expressions = key
    return _convert(dict(labels), [{"key": k, "operator": op, "values": list(v)} for k, op, v in expressions])


def _convert(match_labels: Mapping[str, str], match_expressions: Sequence[Any]) -> Selector:
    requirements = [new_requirement(key, Operator.EQUALS, [value]) for key, value in match_labels.items()]
    for expression in match_expressions:
        api_operator = _field(expression, "operator", "operator")
        operator = _LABEL_SELECTOR_OPERATORS.get(api_operator)
        if operator is None:
            raise SelectorError(f"{go_quote(api_operator or '')} is not a valid label selector operator")
        # Upstream copies the values with append([]string(nil), ...): none at all is a nil slice.
        values = list(_field(expression, "values", "values") or ()) or None
        requirements.append(new_requirement(_field(expression, "key", "key") or "", operator, values))
    return Selector(requirements)


def format_label_selector(label_selector: Any) -> str:
    """``metav1.FormatLabelSelector``: the selector's text, ``<none>`` if that is empty, ``<error>``
    if it does not convert (what ``kubectl get -o wide`` and ``describe`` print)."""
    try:
        text = str(selector_from_label_selector(label_selector))
    except SelectorError:
        return "<error>"
    return text or "<none>"


def format_labels(labels: Optional[Mapping[str, str]]) -> str:
    """``labels.FormatLabels``: ``k=v`` pairs joined by commas, ``<none>`` for none.

    Upstream sorts the joined ``k=v`` strings, not the keys, so ``a-b=2`` comes before ``a=1``.
    """
    return ",".join(sorted(f"{key}={value}" for key, value in (labels or {}).items())) or "<none>"


class _Token(Enum):
    END = auto()
    CLOSED_PAR = auto()
    COMMA = auto()
    DOES_NOT_EXIST = auto()
    DOUBLE_EQUALS = auto()
    EQUALS = auto()
    GREATER_THAN = auto()
    IDENTIFIER = auto()
    IN = auto()
    LESS_THAN = auto()
    NOT_EQUALS = auto()
    NOT_IN = auto()
    OPEN_PAR = auto()


_LITERAL_TOKENS = {
    ")": _Token.CLOSED_PAR, ",": _Token.COMMA, "!": _Token.DOES_NOT_EXIST, "==": _Token.DOUBLE_EQUALS,
    "=": _Token.EQUALS, ">": _Token.GREATER_THAN, "in": _Token.IN, "<": _Token.LESS_THAN, "!=": _Token.NOT_EQUALS,
    "notin": _Token.NOT_IN, "(": _Token.OPEN_PAR,
}
_TOKEN_OPERATORS = {
    _Token.IN: Operator.IN, _Token.EQUALS: Operator.EQUALS, _Token.DOUBLE_EQUALS: Operator.DOUBLE_EQUALS,
    _Token.GREATER_THAN: Operator.GREATER_THAN, _Token.LESS_THAN: Operator.LESS_THAN, _Token.NOT_IN: Operator.NOT_IN,
    _Token.NOT_EQUALS: Operator.NOT_EQUALS,
}
_WHITESPACE = " \t\r\n"
_SPECIAL = "=!(),><"


def _lex(text: str) -> list[tuple[_Token, str]]:
    """Upstream's ``Lexer``, run to the end: (token, literal) pairs, ending with END.

    A run of special characters yields the longest operator (``!=``, ``==``), anything else up to
    whitespace or a special character is an identifier unless it is ``in``/``notin``. Go's lexer
    reads a NUL byte as end of input: at the start of a token it ends the selector, right after a
    token it is swallowed.
    """
    items = []
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in _WHITESPACE:
            pos += 1
        if pos >= end or text[pos] == "\x00":
            items.append((_Token.END, ""))
            return items
        if text[pos] in _SPECIAL:
            literal = text[pos:pos + 2] if text[pos:pos + 2] in ("!=", "==") else text[pos]
            pos += len(literal)
            token = _LITERAL_TOKENS[literal]
        else:
            start = pos
            while pos < end and text[pos] not in _SPECIAL and text[pos] not in _WHITESPACE and text[pos] != "\x00":
                pos += 1
            literal = text[start:pos]
            token = _LITERAL_TOKENS.get(literal, _Token.IDENTIFIER)
        if pos < end and text[pos] == "\x00":
            pos += 1
        items.append((token, literal))


class _Parser:
    """Upstream's recursive-descent ``Parser`` over the lexed items.

    In a *values* context ``in`` and ``notin`` are plain identifiers, so ``a in (in,notin)`` and
    ``notin=in`` parse; only where an operator is expected are they operators.
    """

    def __init__(self, text: str) -> None:
        self._items = _lex(text)
        self._position = 0

    def parse(self) -> list[Requirement]:
        requirements = []
        while True:
            token, literal = self._lookahead(values=True)
            if token == _Token.END:
                return requirements
            if token not in (_Token.IDENTIFIER, _Token.DOES_NOT_EXIST):
                raise SelectorError(f"found '{literal}', expected: !, identifier, or 'end of string'")
            try:
                requirements.append(self._parse_requirement())
            except SelectorError as e:
                raise SelectorError(f"unable to parse requirement: {e}") from None
            token, literal = self._consume(values=True)
            if token == _Token.END:
                return requirements
            if token != _Token.COMMA:
                raise SelectorError(f"found '{literal}', expected: ',' or 'end of string'")
            token, literal = self._lookahead(values=True)
            if token not in (_Token.IDENTIFIER, _Token.DOES_NOT_EXIST):
                raise SelectorError(f"found '{literal}', expected: identifier after ','")

    def _lookahead(self, values: bool) -> tuple[_Token, str]:
        token, literal = self._items[self._position]
        if values and token in (_Token.IN, _Token.NOT_IN):
            token = _Token.IDENTIFIER
        return token, literal

    def _consume(self, values: bool) -> tuple[_Token, str]:
        item = self._lookahead(values)
        self._position += 1
        return item

    def _parse_requirement(self) -> Requirement:
        key, operator = self._parse_key_and_infer_operator()
        if operator is not None:
            return new_requirement(key, operator, [])
        operator = self._parse_operator()
        if operator in (Operator.IN, Operator.NOT_IN):
            values = self._parse_values()
        else:
            values = self._parse_exact_value()
        return new_requirement(key, operator, sorted(values))

    def _parse_key_and_infer_operator(self) -> tuple[str, Optional[Operator]]:
        """The key, and ``exists``/``!`` when no binary operator follows it (``k``, ``!k``)."""
        operator = None
        token, literal = self._consume(values=True)
        if token == _Token.DOES_NOT_EXIST:
            operator = Operator.DOES_NOT_EXIST
            token, literal = self._consume(values=True)
        if token != _Token.IDENTIFIER:
            raise SelectorError(f"found '{literal}', expected: identifier")
        if messages := is_qualified_name(literal):
            raise SelectorError(_invalid(None, literal, "; ".join(messages)))
        if operator is None and self._lookahead(values=True)[0] in (_Token.END, _Token.COMMA):
            operator = Operator.EXISTS
        return literal, operator

    def _parse_operator(self) -> Operator:
        token, literal = self._consume(values=False)
        if token not in _TOKEN_OPERATORS:
            raise SelectorError(f"found '{literal}', expected: {', '.join(_BINARY_OPERATORS)}")
        return _TOKEN_OPERATORS[token]

    def _parse_values(self) -> set[str]:
        """``(a,b)``; empty entries are the empty string, so ``()`` is ``{""}``."""
        token, literal = self._consume(values=True)
        if token != _Token.OPEN_PAR:
            raise SelectorError(f"found '{literal}' expected: '('")
        token, literal = self._lookahead(values=True)
        if token == _Token.CLOSED_PAR:
            self._consume(values=True)
            return {""}
        if token not in (_Token.IDENTIFIER, _Token.COMMA):
            raise SelectorError(f"found '{literal}', expected: ',', ')' or identifier")
        values = self._parse_identifiers_list()
        self._consume(values=True)  # the list only ends in front of ')'
        return values

    def _parse_identifiers_list(self) -> set[str]:
        values: set[str] = set()
        while True:
            token, literal = self._consume(values=True)
            if token == _Token.IDENTIFIER:
                values.add(literal)
                after, after_literal = self._lookahead(values=True)
                if after == _Token.CLOSED_PAR:
                    return values
                if after != _Token.COMMA:
                    raise SelectorError(f"found '{after_literal}', expected: ',' or ')'")
            elif token == _Token.COMMA:
                if not values:
                    values.add("")  # "(,"
                after = self._lookahead(values=True)[0]
                if after == _Token.CLOSED_PAR:
                    values.add("")  # ",)"
                    return values
                if after == _Token.COMMA:
                    self._consume(values=True)
                    values.add("")  # ",,"
            else:
                raise SelectorError(f"found '{literal}', expected: ',', or identifier")

    def _parse_exact_value(self) -> set[str]:
        """The value after ``=``, ``==``, ``!=``, ``>``, ``<``: nothing before ``,`` or the end is ``""``."""
        if self._lookahead(values=True)[0] in (_Token.END, _Token.COMMA):
            return {""}
        token, literal = self._consume(values=True)
        if token != _Token.IDENTIFIER:
            raise SelectorError(f"found '{literal}', expected: identifier")
        return {literal}


def _invalid(path: Optional[str], value: Any, detail: str) -> str:
    """``field.Invalid(...).Error()``. A nil path prints as ``<nil>``; string values are %q-quoted,
    lists (and a nil list, ``null``) JSON-encoded, as ``field.Error.ErrorBody`` does."""
    shown = go_quote(value) if isinstance(value, str) else _go_json(value)
    return f"{'<nil>' if path is None else path}: Invalid value: {shown}: {detail}"


_GO_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                  "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _go_json(value: Any) -> str:
    """``json.Marshal`` of a string or string list: compact, non-ASCII kept, HTML characters escaped."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_GO_JSON_ESCAPES)


def _aggregate(messages: list[str]) -> str:
    """``utilerrors.Aggregate.Error()``: one message alone, several deduplicated inside ``[...]``."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def _parse_int64(text: str) -> Optional[int]:
    """``strconv.ParseInt(text, 10, 64)``, None where Go reports an error."""
    try:
        return go_atoi(text)
    except ValueError:
        return None


def _field(obj: Any, json_name: str, attribute: str) -> Any:
    """A field of an API object given either as a JSON-shaped dict or as a model."""
    if isinstance(obj, Mapping):
        return obj.get(json_name)
    return getattr(obj, attribute, None)
