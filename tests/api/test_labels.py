"""Label selectors, with upstream's test tables.

Ported from kubernetes ``staging/src/k8s.io/apimachinery/pkg/labels/selector_test.go`` at
86b3ca48ea10 (plus the field-error cases of later versions' ``TestRequirementConstructor`` and
``TestParseOperator``, whose texts come from ``selector.go`` at apimachinery 2a9a9331e475), and
``pkg/apis/meta/v1/helpers_test.go`` (``TestLabelSelectorAsSelector``) at 01aa0f3f6052.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubenb.api.labels import (
    Operator,
    Requirement,
    Selector,
    SelectorError,
    _lex,
    _Token,
    everything,
    format_label_selector,
    format_labels,
    new_requirement,
    nothing,
    parse_selector,
    selector_from_label_selector,
    selector_from_set,
)
from kubenb.api.meta import LabelSelector, LabelSelectorRequirement

LABEL_VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
NAME_PART_ERR = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
EXPECTED_OPERATORS = "in, notin, =, ==, !=, gt, lt"


def req(key: str, operator: str, *values: str) -> Requirement:
    """Upstream's getRequirement: a validated requirement with sets.String-ordered values."""
    return new_requirement(key, operator, sorted(set(values)))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(t, id=repr(t))
        for t in ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"]
    ],
)
def test_selector_parse_good(text: str) -> None:
    """TestSelectorParse: parses, and prints back without the spaces."""
    assert str(parse_selector(text)) == text.replace(" ", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("x=a||y=b", f'unable to parse requirement: values[0][x]: Invalid value: "a||y": {LABEL_VALUE_ERR}',
                     id="x=a||y=b"),
        pytest.param("x==a==b", "found '==', expected: ',' or 'end of string'", id="x==a==b"),
        pytest.param("!x=a", "found '=', expected: ',' or 'end of string'", id="!x=a"),
        pytest.param("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, "
                            "the value must be an integer", id="x<a"),
    ],
)
def test_selector_parse_bad(text: str, message: str) -> None:
    """TestSelectorParse's bad strings, with the texts selector.go produces for them."""
    with pytest.raises(SelectorError) as raised:
        parse_selector(text)
    assert str(raised.value) == message


def test_deterministic_parse() -> None:
    """TestDeterministicParse."""
    assert str(parse_selector("x=a,a=x")) == str(parse_selector("a=x,x=a")) == "a=x,x=a"


def test_everything() -> None:
    """TestEverything."""
    assert everything().matches({"x": "y"})
    assert everything().empty()


def test_nothing() -> None:
    assert selector_from_label_selector(None) == nothing()
    assert not nothing().matches({})
    assert not nothing().empty()
    assert str(nothing()) == ""
    assert nothing().add(Requirement("a", Operator.EXISTS)) == nothing()


LABELSET = {"foo": "bar", "baz": "blah"}


@pytest.mark.parametrize(
    ("selector", "labels", "match"),
    [
        pytest.param("", {"x": "y"}, True, id="empty"),
        pytest.param("x=y", {"x": "y"}, True, id="x=y"),
        pytest.param("x=y,z=w", {"x": "y", "z": "w"}, True, id="x=y,z=w"),
        pytest.param("x!=y,z!=w", {"x": "z", "z": "a"}, True, id="x!=y,z!=w"),
        pytest.param("notin=in", {"notin": "in"}, True, id="in-and-notin-in-exact-match"),
        pytest.param("x", {"x": "z"}, True, id="exists"),
        pytest.param("!x", {"y": "z"}, True, id="does-not-exist"),
        pytest.param("x>1", {"x": "2"}, True, id="x>1"),
        pytest.param("x<1", {"x": "0"}, True, id="x<1"),
        pytest.param("x=z", {}, False, id="x=z-no-labels"),
        pytest.param("x=y", {"x": "z"}, False, id="x=y-other-value"),
        pytest.param("x=y,z=w", {"x": "w", "z": "w"}, False, id="x=y,z=w-one-wrong"),
        pytest.param("x!=y,z!=w", {"x": "z", "z": "w"}, False, id="x!=y,z!=w-one-equal"),
        pytest.param("x", {"y": "z"}, False, id="exists-missing"),
        pytest.param("!x", {"x": "z"}, False, id="does-not-exist-present"),
        pytest.param("x>1", {"x": "0"}, False, id="x>1-0"),
        pytest.param("x<1", {"x": "2"}, False, id="x<1-2"),
        pytest.param("foo=bar", LABELSET, True, id="labelset-foo=bar"),
        pytest.param("baz=blah", LABELSET, True, id="labelset-baz=blah"),
        pytest.param("foo=bar,baz=blah", LABELSET, True, id="labelset-both"),
        pytest.param("foo=blah", LABELSET, False, id="labelset-foo=blah"),
        pytest.param("baz=bar", LABELSET, False, id="labelset-baz=bar"),
        pytest.param("foo=bar,foobar=bar,baz=blah", LABELSET, False, id="labelset-extra-key"),
    ],
)
def test_selector_matches(selector: str, labels: dict[str, str], match: bool) -> None:
    """TestSelectorMatches."""
    assert parse_selector(selector).matches(labels) == match


@pytest.mark.parametrize(
    "labels",
    [
        pytest.param({}, id="empty"),
        pytest.param({"foo": "bar"}, id="foo"),
        pytest.param({"baz": "blah"}, id="baz"),
        pytest.param({"foo": "bar", "baz": "blah"}, id="both"),
    ],
)
def test_set_matches(labels: dict[str, str]) -> None:
    """TestSetMatches."""
    assert selector_from_set(labels).matches(LABELSET)


@pytest.mark.parametrize("labels", [pytest.param(None, id="nil"), pytest.param({}, id="empty")])
def test_nil_and_empty_sets_are_everything(labels: dict[str, str] | None) -> None:
    """TestNilMapIsValid, TestSetIsEmpty."""
    assert selector_from_set(labels).empty()
    assert Selector().empty()


@pytest.mark.parametrize(
    ("labels", "text"),
    [
        pytest.param({}, "", id="empty"),
        pytest.param({"app": "foo"}, "app=foo", id="one"),
        pytest.param({"app": "foo", "a": "b"}, "a=b,app=foo", id="sorted"),
    ],
)
def test_set_selector_string(labels: dict[str, str], text: str) -> None:
    """TestSetSelectorString."""
    assert str(selector_from_set(labels)) == text


@pytest.mark.parametrize(
    ("text", "token"),
    [
        pytest.param("", _Token.END, id="end"),
        pytest.param(",", _Token.COMMA, id="comma"),
        pytest.param("notin", _Token.NOT_IN, id="notin"),
        pytest.param("in", _Token.IN, id="in"),
        pytest.param("=", _Token.EQUALS, id="equals"),
        pytest.param("==", _Token.DOUBLE_EQUALS, id="double-equals"),
        pytest.param(">", _Token.GREATER_THAN, id="greater-than"),
        pytest.param("<", _Token.LESS_THAN, id="less-than"),
        # Lex returns the longest valid token found
        pytest.param("!", _Token.DOES_NOT_EXIST, id="not"),
        pytest.param("!=", _Token.NOT_EQUALS, id="not-equals"),
        pytest.param("(", _Token.OPEN_PAR, id="open-par"),
        pytest.param(")", _Token.CLOSED_PAR, id="closed-par"),
        # Non-"special" characters are considered part of an identifier
        pytest.param("~", _Token.IDENTIFIER, id="tilde"),
        pytest.param("||", _Token.IDENTIFIER, id="pipes"),
    ],
)
def test_lexer(text: str, token: _Token) -> None:
    """TestLexer."""
    assert _lex(text)[0] == (token, text)


T = _Token
LEXER_SEQUENCES = [
    ("key in ( value )", [T.IDENTIFIER, T.IN, T.OPEN_PAR, T.IDENTIFIER, T.CLOSED_PAR]),
    ("key notin ( value )", [T.IDENTIFIER, T.NOT_IN, T.OPEN_PAR, T.IDENTIFIER, T.CLOSED_PAR]),
    ("key in ( value1, value2 )", [T.IDENTIFIER, T.IN, T.OPEN_PAR, T.IDENTIFIER, T.COMMA, T.IDENTIFIER, T.CLOSED_PAR]),
    ("key", [T.IDENTIFIER]),
    ("!key", [T.DOES_NOT_EXIST, T.IDENTIFIER]),
    ("()", [T.OPEN_PAR, T.CLOSED_PAR]),
    ("x in (),y", [T.IDENTIFIER, T.IN, T.OPEN_PAR, T.CLOSED_PAR, T.COMMA, T.IDENTIFIER]),
    ("== != (), = notin", [T.DOUBLE_EQUALS, T.NOT_EQUALS, T.OPEN_PAR, T.CLOSED_PAR, T.COMMA, T.EQUALS, T.NOT_IN]),
    ("key>2", [T.IDENTIFIER, T.GREATER_THAN, T.IDENTIFIER]),
    ("key<1", [T.IDENTIFIER, T.LESS_THAN, T.IDENTIFIER]),
]


@pytest.mark.parametrize(("text", "tokens"), [pytest.param(s, t, id=s) for s, t in LEXER_SEQUENCES])
def test_lexer_sequence(text: str, tokens: list[_Token]) -> None:
    """TestLexerSequence."""
    assert [token for token, _ in _lex(text)] == tokens + [T.END]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [pytest.param(s, t + [T.END], id=s) for s, t in LEXER_SEQUENCES] + [pytest.param("", [T.END], id="empty")],
)
def test_parser_lookahead(text: str, tokens: list[_Token]) -> None:
    """TestParserLookahead: the parser sees every token, ending with END."""
    assert [token for token, _ in _lex(text)] == tokens


@pytest.mark.parametrize(
    ("text", "items"),
    [
        pytest.param("a\x00,b", [(T.IDENTIFIER, "a"), (T.COMMA, ","), (T.IDENTIFIER, "b"), (T.END, "")],
                     id="nul-after-token-is-swallowed"),
        pytest.param("a, \x00b", [(T.IDENTIFIER, "a"), (T.COMMA, ","), (T.END, "")], id="nul-at-token-start-ends"),
        pytest.param("a!==b", [(T.IDENTIFIER, "a"), (T.NOT_EQUALS, "!="), (T.EQUALS, "="), (T.IDENTIFIER, "b"),
                               (T.END, "")], id="longest-operator-then-rest"),
    ],
)
def test_lexer_go_byte_semantics(text: str, items: list[tuple[_Token, str]]) -> None:
    """Not upstream tables: read off Lexer.read/scanIDOrKeyword, where a NUL byte reads as 0."""
    assert _lex(text) == items


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("x in (a)", None, id="in"),
        pytest.param("x = a", None, id="="),
        pytest.param("x == a", None, id="=="),
        pytest.param("x > 1", None, id=">"),
        pytest.param("x < 1", None, id="<"),
        pytest.param("x notin (a)", None, id="notin"),
        pytest.param("x != a", None, id="!="),
        pytest.param("x ! a", f"unable to parse requirement: found '!', expected: {EXPECTED_OPERATORS}", id="!"),
        pytest.param("x exists a", f"unable to parse requirement: found 'exists', expected: {EXPECTED_OPERATORS}",
                     id="exists"),
        pytest.param("x ( a", f"unable to parse requirement: found '(', expected: {EXPECTED_OPERATORS}", id="("),
    ],
)
def test_parse_operator(text: str, error: str | None) -> None:
    """TestParseOperator (through Parse, which wraps its error)."""
    if error is None:
        parse_selector(text)
        return
    with pytest.raises(SelectorError) as raised:
        parse_selector(text)
    assert str(raised.value) == error


@pytest.mark.parametrize(
    ("key", "operator", "values", "error"),
    [
        pytest.param("x1", Operator.IN, [], "values: Invalid value: []: for 'in', 'notin' operators, values set can't "
                                            "be empty", id="in-without-values"),
        pytest.param("x2", Operator.NOT_IN, [], "values: Invalid value: []: for 'in', 'notin' operators, values set "
                                                "can't be empty", id="notin-without-values"),
        pytest.param("x3", Operator.IN, ["foo"], None, id="in"),
        pytest.param("x4", Operator.NOT_IN, ["foo"], None, id="notin"),
        pytest.param("x5", Operator.EQUALS, ["bar", "foo"], 'values: Invalid value: ["bar","foo"]: exact-match '
                                                            "compatibility requires one single value", id="equals-two"),
        pytest.param("x6", Operator.EXISTS, [], None, id="exists"),
        pytest.param("x7", Operator.DOES_NOT_EXIST, [], None, id="does-not-exist"),
        pytest.param("x8", Operator.EXISTS, ["foo"], 'values: Invalid value: ["foo"]: values set must be empty for '
                                                     "exists and does not exist", id="exists-with-value"),
        pytest.param("x9", Operator.IN, ["bar"], None, id="in-bar"),
        pytest.param("x10", Operator.IN, ["bar"], None, id="in-bar-again"),
        pytest.param("x11", Operator.GREATER_THAN, ["1"], None, id="gt"),
        pytest.param("x12", Operator.LESS_THAN, ["6"], None, id="lt"),
        pytest.param("x13", Operator.GREATER_THAN, [], "values: Invalid value: []: for 'Gt', 'Lt' operators, exactly "
                                                       "one value is required", id="gt-without-value"),
        pytest.param("x14", Operator.GREATER_THAN, ["bar"], "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' "
                                                            "operators, the value must be an integer", id="gt-bar"),
        pytest.param("x15", Operator.LESS_THAN, ["bar"], "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' "
                                                         "operators, the value must be an integer", id="lt-bar"),
        pytest.param("a" * 254, Operator.EXISTS, [], f'key: Invalid value: "{"a" * 254}": name part must be no more '
                                                     "than 63 characters", id="key-too-long"),
        pytest.param("x16", Operator.EQUALS, ["a" * 254], f'values[0][x16]: Invalid value: "{"a" * 254}": must be no '
                                                          "more than 63 characters", id="value-too-long"),
        pytest.param("x17", Operator.EQUALS, ["a b"], f'values[0][x17]: Invalid value: "a b": {LABEL_VALUE_ERR}',
                     id="value-with-space"),
        pytest.param("x18", "unsupportedOp", [], 'operator: Unsupported value: "unsupportedOp": supported values: '
                                                 '"in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
                     id="unsupported-operator"),
        # older upstream rows
        pytest.param("1foo", Operator.IN, ["bar"], None, id="key-starting-with-digit"),
        pytest.param("1234", Operator.IN, ["bar"], None, id="numeric-key"),
    ],
)
def test_requirement_constructor(key: str, operator: str, values: list[str], error: str | None) -> None:
    """TestRequirementConstructor, with the field errors' texts."""
    if error is None:
        assert new_requirement(key, operator, values) == Requirement(key, operator, tuple(values))
        return
    with pytest.raises(SelectorError) as raised:
        new_requirement(key, operator, values)
    assert str(raised.value) == error


def test_requirement_constructor_reports_every_problem() -> None:
    """NewRequirement aggregates: several field errors print as ``[e1, e2]``."""
    with pytest.raises(SelectorError) as raised:
        new_requirement("-k", Operator.GREATER_THAN, ["x"])
    assert str(raised.value) == (
        f'[key: Invalid value: "-k": {NAME_PART_ERR}, values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, '
        "the value must be an integer]"
    )


@pytest.mark.parametrize(
    ("requirements", "text"),
    [
        pytest.param([req("x", Operator.IN, "abc", "def"), req("y", Operator.NOT_IN, "jkl"), req("z", Operator.EXISTS)],
                     "x in (abc,def),y notin (jkl),z", id="in-notin-exists"),
        pytest.param([req("x", Operator.NOT_IN, "abc", "def"), req("y", Operator.NOT_EQUALS, "jkl"),
                      req("z", Operator.DOES_NOT_EXIST)], "x notin (abc,def),y!=jkl,!z", id="notin-neq-not"),
        pytest.param([req("x", Operator.IN, "abc", "def"), Requirement("", "")], "x in (abc,def),",
                     id="empty-requirement-trailing-comma"),
        pytest.param([req("x", Operator.NOT_IN, "abc"), req("y", Operator.IN, "jkl", "mno"),
                      req("z", Operator.NOT_IN, "")], "x notin (abc),y in (jkl,mno),z notin ()", id="empty-value"),
        pytest.param([req("x", Operator.EQUALS, "abc"), req("y", Operator.DOUBLE_EQUALS, "jkl"),
                      req("z", Operator.NOT_EQUALS, "a"), req("z", Operator.EXISTS)], "x=abc,y==jkl,z!=a,z",
                     id="equals-forms"),
        pytest.param([req("x", Operator.GREATER_THAN, "2"), req("y", Operator.LESS_THAN, "8"),
                      req("z", Operator.EXISTS)], "x>2,y<8,z", id="gt-lt"),
    ],
)
def test_to_string(requirements: list[Requirement], text: str) -> None:
    """TestToString. (Requirements are kept in the given order here: sorted input, stable sort.)"""
    assert ",".join(str(r) for r in requirements) == text
    if all(r.key for r in requirements):
        assert str(Selector(requirements)) == text


@pytest.mark.parametrize(
    ("labels", "requirements", "match"),
    [
        pytest.param({"x": "foo", "y": "baz"}, [Requirement("", "")], False, id="zero-requirement"),
        pytest.param({"x": "foo", "y": "baz"}, [req("x", Operator.IN, "foo"), req("y", Operator.NOT_IN, "alpha")],
                     True, id="in-and-notin"),
        pytest.param({"x": "foo", "y": "baz"}, [req("x", Operator.IN, "foo"), req("y", Operator.IN, "alpha")],
                     False, id="in-and-in-other"),
        pytest.param({"y": ""}, [req("x", Operator.NOT_IN, ""), req("y", Operator.EXISTS)], True,
                     id="notin-missing-key"),
        pytest.param({"y": ""}, [req("x", Operator.DOES_NOT_EXIST), req("y", Operator.EXISTS)], True,
                     id="does-not-exist-and-exists"),
        pytest.param({"y": ""}, [req("x", Operator.NOT_IN, ""), req("y", Operator.DOES_NOT_EXIST)], False,
                     id="does-not-exist-present"),
        pytest.param({"y": "baz"}, [req("x", Operator.IN, "")], False, id="in-empty-value-missing-key"),
        pytest.param({"z": "2"}, [req("z", Operator.GREATER_THAN, "1")], True, id="gt"),
        pytest.param({"z": "v2"}, [req("z", Operator.GREATER_THAN, "1")], False, id="gt-not-a-number"),
    ],
)
def test_requirement_selector_matching(labels: dict[str, str], requirements: list[Requirement], match: bool) -> None:
    """TestRequirementSelectorMatching."""
    assert Selector(requirements).matches(labels) == match


# TestSetSelectorParser: text -> expected requirements, or the error selector.go gives.
SET_SELECTOR_PARSER_TABLE = [
    ("", [], None),
    ("\rx", [req("x", Operator.EXISTS)], None),
    ("this-is-a-dns.domain.com/key-with-dash", [req("this-is-a-dns.domain.com/key-with-dash", Operator.EXISTS)], None),
    ("this-is-another-dns.domain.com/key-with-dash in (so,what)",
     [req("this-is-another-dns.domain.com/key-with-dash", Operator.IN, "so", "what")], None),
    ("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
     [req("0.1.2.domain/99", Operator.NOT_IN, "10.10.100.1", "tick.tack.clock")], None),
    ("foo  in\t (abc)", [req("foo", Operator.IN, "abc")], None),
    ("x notin\n (abc)", [req("x", Operator.NOT_IN, "abc")], None),
    ("x  notin\t\t\t(abc,def)", [req("x", Operator.NOT_IN, "abc", "def")], None),
    ("x in (abc,def)", [req("x", Operator.IN, "abc", "def")], None),
    ("x in (abc,)", [req("x", Operator.IN, "abc", "")], None),
    ("x in ()", [req("x", Operator.IN, "")], None),
    ("x notin (abc,,def),bar,z in (),w", [req("bar", Operator.EXISTS), req("w", Operator.EXISTS),
                                         req("x", Operator.NOT_IN, "abc", "", "def"), req("z", Operator.IN, "")], None),
    ("x,y in (a)", [req("x", Operator.EXISTS), req("y", Operator.IN, "a")], None),
    ("x=a", [req("x", Operator.EQUALS, "a")], None),
    ("x>1", [req("x", Operator.GREATER_THAN, "1")], None),
    ("x<7", [req("x", Operator.LESS_THAN, "7")], None),
    ("x=a,y!=b", [req("x", Operator.EQUALS, "a"), req("y", Operator.NOT_EQUALS, "b")], None),
    ("x=a,y!=b,z in (h,i,j)", [req("x", Operator.EQUALS, "a"), req("y", Operator.NOT_EQUALS, "b"),
                               req("z", Operator.IN, "h", "i", "j")], None),
    ("x=a||y=b", None, f'unable to parse requirement: values[0][x]: Invalid value: "a||y": {LABEL_VALUE_ERR}'),
    ("x,,y", None, "found ',', expected: identifier after ','"),
    (",x,y", None, "found ',', expected: !, identifier, or 'end of string'"),
    ("x nott in (y)", None, f"unable to parse requirement: found 'nott', expected: {EXPECTED_OPERATORS}"),
    ("x notin ( )", [req("x", Operator.NOT_IN, "")], None),
    ("x notin (, a)", [req("x", Operator.NOT_IN, "", "a")], None),
    ("a in (xyz),", None, "found '', expected: identifier after ','"),
    ("a in (xyz)b notin ()", None, "found 'b', expected: ',' or 'end of string'"),
    ("a ", [req("a", Operator.EXISTS)], None),
    ("a in (x,y,notin, z,in)", [req("a", Operator.IN, "in", "notin", "x", "y", "z")], None),
    ("a in (xyz abc)", None, "unable to parse requirement: found 'abc', expected: ',' or ')'"),
    ("a notin(", None, "unable to parse requirement: found '', expected: ',', ')' or identifier"),
    ("a (", None, f"unable to parse requirement: found '(', expected: {EXPECTED_OPERATORS}"),
    ("(", None, "found '(', expected: !, identifier, or 'end of string'"),
]


@pytest.mark.parametrize(("text", "requirements", "error"),
                         [pytest.param(*row, id=repr(row[0])) for row in SET_SELECTOR_PARSER_TABLE])
def test_set_selector_parser(text: str, requirements: list[Requirement] | None, error: str | None) -> None:
    """TestSetSelectorParser."""
    if error is None:
        assert parse_selector(text).requirements == requirements
        return
    with pytest.raises(SelectorError) as raised:
        parse_selector(text)
    assert str(raised.value) == error


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("-a", f'unable to parse requirement: <nil>: Invalid value: "-a": {NAME_PART_ERR}',
                     id="bad-key-nil-path"),
        pytest.param("a=-b", f'unable to parse requirement: values[0][a]: Invalid value: "-b": {LABEL_VALUE_ERR}',
                     id="bad-value"),
        pytest.param("x in ()x", "found 'x', expected: ',' or 'end of string'", id="junk-after-values"),
        pytest.param("a=b\x01", 'unable to parse requirement: values[0][a]: Invalid value: "b\\x01": '
                                f"{LABEL_VALUE_ERR}", id="go-quoting-of-bad-value"),
    ],
)
def test_parse_errors_render_field_errors_like_go(text: str, error: str) -> None:
    """Not upstream tables: field.Error texts for keys and values, read off selector.go and field/."""
    with pytest.raises(SelectorError) as raised:
        parse_selector(text)
    assert str(raised.value) == error


@pytest.mark.parametrize(
    ("selector", "requirement", "expected"),
    [
        pytest.param(Selector(), Requirement("key", Operator.IN, ("value",)),
                     [Requirement("key", Operator.IN, ("value",))], id="keyInOperator"),
        pytest.param(Selector([Requirement("key", Operator.IN, ("value",))]),
                     Requirement("key2", Operator.EQUALS, ("value2",)),
                     [Requirement("key", Operator.IN, ("value",)), Requirement("key2", Operator.EQUALS, ("value2",))],
                     id="keyEqualsOperator"),
    ],
)
def test_add(selector: Selector, requirement: Requirement, expected: list[Requirement]) -> None:
    """TestAdd."""
    assert selector.add(requirement).requirements == expected


@pytest.mark.parametrize(
    ("values", "text"),
    [
        pytest.param((), "x in ()", id="nil strings"),
        pytest.param(("bar", "foo"), "x in (bar,foo)", id="ordered strings"),
        pytest.param(("foo", "bar"), "x in (bar,foo)", id="unordered strings"),
        pytest.param(("foo", "bar", "foo", "bar"), "x in (bar,bar,foo,foo)", id="duplicated strings"),
    ],
)
def test_safe_sort(values: tuple[str, ...], text: str) -> None:
    """TestSafeSort: printing sorts the values without touching the requirement."""
    requirement = Requirement("x", Operator.IN, values)
    assert str(requirement) == text
    assert requirement.values == values


@pytest.mark.parametrize(
    ("requirements", "label", "value"),
    [
        pytest.param([Requirement("key", Operator.IN, ("value",))], "key", "value", id="keyInOperatorExactMatch"),
        pytest.param([Requirement("key", Operator.IN, ("value", "value2"))], "key", None,
                     id="keyInOperatorNotExactMatch"),
        pytest.param([Requirement("key", Operator.IN, ("value", "value1")),
                      Requirement("key2", Operator.IN, ("value2",))], "key2", "value2",
                     id="keyInOperatorNotExactMatch-other-key"),
        pytest.param([Requirement("key", Operator.EQUALS, ("value",))], "key", "value",
                     id="keyEqualOperatorExactMatch"),
        pytest.param([Requirement("key", Operator.DOUBLE_EQUALS, ("value",))], "key", "value",
                     id="keyDoubleEqualOperatorExactMatch"),
        pytest.param([Requirement("key", Operator.NOT_EQUALS, ("value",))], "key", None,
                     id="keyNotEqualOperatorExactMatch"),
        pytest.param([Requirement("key", Operator.IN, ("value",)), Requirement("key2", Operator.IN, ("value2",))],
                     "key", "value", id="keyEqualOperatorExactMatchFirst"),
    ],
)
def test_requires_exact_match(requirements: list[Requirement], label: str, value: str | None) -> None:
    """TestRequiresExactMatch, through exact_match_pairs (what index lookups use)."""
    assert dict(Selector(requirements).exact_match_pairs()).get(label) == value


MATCH_LABELS = {"foo": "bar"}
MATCH_EXPRESSIONS = [{"key": "baz", "operator": "In", "values": ["qux", "norf"]}]


@pytest.mark.parametrize(
    ("label_selector", "text", "error"),
    [
        pytest.param(None, "", None, id="nil-is-nothing"),
        pytest.param({}, "", None, id="empty-is-everything"),
        pytest.param({"matchLabels": MATCH_LABELS}, "foo=bar", None, id="matchLabels"),
        pytest.param({"matchExpressions": MATCH_EXPRESSIONS}, "baz in (norf,qux)", None, id="matchExpressions"),
        pytest.param({"matchLabels": MATCH_LABELS, "matchExpressions": MATCH_EXPRESSIONS},
                     "baz in (norf,qux),foo=bar", None, id="both"),
        pytest.param({"matchExpressions": [{"key": "baz", "operator": "Exists", "values": ["qux", "norf"]}]}, None,
                     'values: Invalid value: ["qux","norf"]: values set must be empty for exists and does not exist',
                     id="exists-with-values"),
    ],
)
def test_label_selector_as_selector(label_selector: dict | None, text: str | None, error: str | None) -> None:
    """helpers_test.go TestLabelSelectorAsSelector, for the JSON form and the pydantic model."""
    forms = [label_selector]
    if label_selector is not None:
        forms.append(LabelSelector.model_validate(label_selector))
    for form in forms:
        if error is None:
            assert str(selector_from_label_selector(form)) == text
            continue
        with pytest.raises(SelectorError) as raised:
            selector_from_label_selector(form)
        assert str(raised.value) == error


@pytest.mark.parametrize(
    ("label_selector", "error"),
    [
        pytest.param({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]},
                     '"Gt" is not a valid label selector operator', id="gt-is-not-a-label-selector-operator"),
        pytest.param({"matchExpressions": [{"key": "a", "operator": "In"}]},
                     "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
                     id="in-without-values-is-nil"),
        pytest.param({"matchLabels": {"a": "b c"}}, f'values[0][a]: Invalid value: "b c": {LABEL_VALUE_ERR}',
                     id="bad-match-label-value"),
        pytest.param({"matchLabels": {"-a": "b"}}, f'key: Invalid value: "-a": {NAME_PART_ERR}', id="bad-key"),
    ],
)
def test_label_selector_as_selector_errors(label_selector: dict, error: str) -> None:
    with pytest.raises(SelectorError) as raised:
        selector_from_label_selector(label_selector)
    assert str(raised.value) == error


@pytest.mark.parametrize(
    ("label_selector", "text"),
    [
        pytest.param(None, "<none>", id="nil"),
        pytest.param({}, "<none>", id="empty"),
        pytest.param(LabelSelector(match_labels={"app": "nginx"}, match_expressions=[
            LabelSelectorRequirement(key="tier", operator="In", values=["web"])]), "app=nginx,tier in (web)",
            id="model"),
        pytest.param({"matchExpressions": [{"key": "a", "operator": "Bogus"}]}, "<error>", id="error"),
    ],
)
def test_format_label_selector(label_selector: object, text: str) -> None:
    assert format_label_selector(label_selector) == text


@pytest.mark.parametrize(
    ("labels", "text"),
    [
        pytest.param(None, "<none>", id="nil"),
        pytest.param({}, "<none>", id="empty"),
        pytest.param({"tier": "web", "app": "nginx"}, "app=nginx,tier=web", id="sorted"),
        pytest.param({"a": "1", "a-b": "2"}, "a-b=2,a=1", id="sorted-as-joined-pairs"),
    ],
)
def test_format_labels(labels: dict[str, str] | None, text: str) -> None:
    assert format_labels(labels) == text


# --- properties ---------------------------------------------------------------------------------

_NAME = st.from_regex(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?", fullmatch=True)
_KEY = st.one_of(_NAME, st.builds(lambda p, n: f"{p}/{n}", st.from_regex(r"[a-z0-9]{1,5}(\.[a-z0-9]{1,5}){0,2}",
                                                                          fullmatch=True), _NAME))
_VALUE = st.one_of(st.just(""), _NAME)


@st.composite
def requirements(draw: st.DrawFn) -> Requirement:
    key = draw(_KEY)
    operator = draw(st.sampled_from(list(Operator)))
    if operator in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        values: list[str] = []
    elif operator in (Operator.GREATER_THAN, Operator.LESS_THAN):
        values = [str(draw(st.integers(min_value=0, max_value=10**6)))]
    elif operator in (Operator.IN, Operator.NOT_IN):
        values = sorted(draw(st.sets(_VALUE, min_size=1, max_size=4)))
    else:
        values = [draw(_VALUE)]
    return new_requirement(key, operator, values)


@settings(suppress_health_check=[HealthCheck.too_slow])  # drawing is slow only on a loaded machine
@given(st.lists(requirements(), max_size=6))
def test_property_string_reparses_to_an_equal_selector(terms: list[Requirement]) -> None:
    selector = Selector(terms)
    assert parse_selector(str(selector)) == selector


@given(st.text(alphabet=st.sampled_from(list("ab=!(),<> \t\x00in-/.0")), max_size=20))
def test_property_parse_raises_only_selector_errors(text: str) -> None:
    try:
        parse_selector(text)
    except SelectorError:
        pass


def test_label_selector_conversion_is_kept_per_value() -> None:
    """Equal selectors, as a dict or a model, convert once: callers share the immutable result, and
    a selector edited after a conversion converts again (the cache is keyed by value, not object)."""
    form = {"matchLabels": {"app": "kept"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a"]}]}
    first = selector_from_label_selector(form)
    assert selector_from_label_selector(LabelSelector.model_validate(form)) is first
    form["matchLabels"]["app"] = "edited"
    assert str(selector_from_label_selector(form)) == "app=edited,tier in (a)"


def test_label_selector_failed_conversion_raises_every_time() -> None:
    form = {"matchLabels": {"a": "b c"}}
    for _ in range(2):
        with pytest.raises(SelectorError):
            selector_from_label_selector(form)


def test_label_selector_unhashable_malformed_input_converts_uncached() -> None:
    """A dict no model would hold (a list for the operator) has no cache key: it goes through the
    conversion itself and fails there as it always did (the operator lookup cannot hash it)."""
    with pytest.raises(TypeError, match="unhashable type"):
        selector_from_label_selector({"matchExpressions": [{"key": "a", "operator": ["In"], "values": ["b"]}]})
