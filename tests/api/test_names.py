"""Name and value validation, with upstream's test tables.

Ported from kubernetes ``staging/src/k8s.io/apimachinery/pkg/util/validation/validation_test.go``
and ``pkg/api/validate/content/identifier_test.go`` at 008b3652959c, and
``pkg/api/validation/generic_test.go`` (``TestMaskTrailingDash``) at 9b1230e88478.
Upstream's tables only assert valid/invalid; the message tests below pin the exact texts.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubenb.api.names import (
    go_quote,
    is_c_identifier,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
)

DNS1123_SUBDOMAIN_ERR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
DNS1123_LABEL_ERR = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1035_LABEL_ERR = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation "
    "is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
NAME_PART_ERR = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)


def _cases(values: list[str]) -> list:
    return [pytest.param(v, id=repr(v) if len(v) < 20 else f"{v[:8]}...x{len(v)}") for v in values]


DNS1123_LABEL_GOOD = ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2",
                      "a" * 63]
DNS1123_LABEL_BAD = ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b",
                     "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1",
                     "1 2", "a" * 64]


@pytest.mark.parametrize("value", _cases(DNS1123_LABEL_GOOD))
def test_dns1123_label_good(value: str) -> None:
    """TestIsDNS1123Label."""
    assert is_dns1123_label(value) == []


@pytest.mark.parametrize("value", _cases(DNS1123_LABEL_BAD))
def test_dns1123_label_bad(value: str) -> None:
    """TestIsDNS1123Label."""
    assert is_dns1123_label(value)


DNS1123_SUBDOMAIN_GOOD = [
    "a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2",
    "a.a", "ab.a", "abc.a", "a1.a", "a-1.a", "a--1--2--b.a", "a.1", "ab.1", "abc.1", "a1.1", "a-1.1", "a--1--2--b.1",
    "0.a", "01.a", "012.a", "1a.a", "1-a.a", "1--a--b--2", "0.1", "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1",
    "a.b.c.d.e", "aa.bb.cc.dd.ee", "1.2.3.4.5", "11.22.33.44.55", "a" * 253,
]
DNS1123_SUBDOMAIN_BAD = [
    "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
    ".", "a.", ".a", "a..b", "1.", ".1", "1..2", " ", "a ", " a", "a b", "1 ", " 1", "1 2",
    "A.a", "aB.a", "ab.A", "A1.a", "a1.A", "A.1", "aB.1", "A1.1", "1A.1", "0.A", "01.A", "012.A", "1A.a", "1a.A",
    "A.B.C.D.E", "AA.BB.CC.DD.EE", "a.B.c.d.e", "aa.bB.cc.dd.ee", "a@b", "a,b", "a_b", "a;b", "a:b", "a%b", "a?b",
    "a$b", "a" * 254,
]


@pytest.mark.parametrize("value", _cases(DNS1123_SUBDOMAIN_GOOD))
def test_dns1123_subdomain_good(value: str) -> None:
    """TestIsDNS1123Subdomain."""
    assert is_dns1123_subdomain(value) == []


@pytest.mark.parametrize("value", _cases(DNS1123_SUBDOMAIN_BAD))
def test_dns1123_subdomain_bad(value: str) -> None:
    """TestIsDNS1123Subdomain."""
    assert is_dns1123_subdomain(value)


DNS1035_LABEL_GOOD = ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "a" * 63]
DNS1035_LABEL_BAD = ["0", "01", "012", "1a", "1-a", "1--a--b--2", "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-",
                     "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1",
                     "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", "a" * 64]


@pytest.mark.parametrize("value", _cases(DNS1035_LABEL_GOOD))
def test_dns1035_label_good(value: str) -> None:
    """TestIsDNS1035Label."""
    assert is_dns1035_label(value) == []


@pytest.mark.parametrize("value", _cases(DNS1035_LABEL_BAD))
def test_dns1035_label_bad(value: str) -> None:
    """TestIsDNS1035Label."""
    assert is_dns1035_label(value)


@pytest.mark.parametrize(
    ("port", "valid"),
    [pytest.param(p, True, id=str(p)) for p in (1, 2, 1000, 16384, 32768, 65535)]
    + [pytest.param(p, False, id=str(p)) for p in (0, -1, 65536, 100000)],
)
def test_valid_port_num(port: int, valid: bool) -> None:
    """TestIsValidPortNum."""
    assert is_valid_port_num(port) == ([] if valid else ["must be between 1 and 65535, inclusive"])


PORT_NAME_GOOD = ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"]
PORT_NAME_BAD = ["longerthan15characters", "", "a" * 16, "12345", "1-2-3-4", "-begin", "end-", "two--hyphens",
                 "whois++"]


@pytest.mark.parametrize("value", _cases(PORT_NAME_GOOD))
def test_valid_port_name_good(value: str) -> None:
    """TestIsValidPortName."""
    assert is_valid_port_name(value) == []


@pytest.mark.parametrize("value", _cases(PORT_NAME_BAD))
def test_valid_port_name_bad(value: str) -> None:
    """TestIsValidPortName."""
    assert is_valid_port_name(value)


QUALIFIED_NAME_GOOD = ["simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple",
                       "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple",
                       "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678",
                       "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo", "a" * 63,
                       "a" * 253 + "/" + "b" * 63]
QUALIFIED_NAME_BAD = ["nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash",
                      "Example.com/abc", "example_com/abc", "example.com/", "/simple", "a" * 64, "a" * 254 + "/abc"]


@pytest.mark.parametrize("value", _cases(QUALIFIED_NAME_GOOD))
def test_qualified_name_good(value: str) -> None:
    """TestIsQualifiedName."""
    assert is_qualified_name(value) == []


@pytest.mark.parametrize("value", _cases(QUALIFIED_NAME_BAD))
def test_qualified_name_bad(value: str) -> None:
    """TestIsQualifiedName."""
    assert is_qualified_name(value)


LABEL_VALUE_GOOD = ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", "a" * 63, ""]
LABEL_VALUE_BAD = ["nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes\\are\\bad", "-starts-with-dash",
                   "ends-with-dash-", ".starts.with.dot", "ends.with.dot.", "a" * 64]


@pytest.mark.parametrize("value", _cases(LABEL_VALUE_GOOD))
def test_valid_label_value_good(value: str) -> None:
    """TestIsValidLabelValue."""
    assert is_valid_label_value(value) == []


@pytest.mark.parametrize("value", _cases(LABEL_VALUE_BAD))
def test_valid_label_value_bad(value: str) -> None:
    """TestIsValidLabelValue."""
    assert is_valid_label_value(value)


C_IDENTIFIER_GOOD = ["a", "ab", "abc", "a1", "_a", "a_", "a_b", "a_1", "a__1__2__b", "__abc_123",
                     "A", "AB", "AbC", "A1", "_A", "A_", "A_B", "A_1", "A__1__2__B", "__123_ABC"]
C_IDENTIFIER_BAD = ["", "1", "123", "1a", "-", "a-", "-a", "1-", "-1", "1_", "1_2", ".", "a.", ".a", "a.b", "1.", ".1",
                    "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", "#a#"]


@pytest.mark.parametrize("value", _cases(C_IDENTIFIER_GOOD))
def test_c_identifier_good(value: str) -> None:
    """content.TestIsCIdentifier."""
    assert is_c_identifier(value) == []


@pytest.mark.parametrize("value", _cases(C_IDENTIFIER_BAD))
def test_c_identifier_bad(value: str) -> None:
    """content.TestIsCIdentifier."""
    assert is_c_identifier(value)


@pytest.mark.parametrize(
    ("name", "masked_valid"),
    [
        pytest.param("", False, id="empty string"),  # stays "": invalid
        pytest.param("-", False, id="only a single dash"),  # stays "-"
        pytest.param("-foo", False, id="has leading dash"),  # stays "-foo"
        pytest.param("-foo-", False, id="has both leading and trailing dashes"),  # "-foa"
        pytest.param("b-", True, id="has trailing dash"),  # "a"
        pytest.param("ab", True, id="has neither leading nor trailing dashes"),  # "ab"
    ],
)
def test_mask_trailing_dash(name: str, masked_valid: bool) -> None:
    """generic_test.go TestMaskTrailingDash, seen through the prefix (generateName) validators."""
    for validate in (name_is_dns_subdomain, name_is_dns_label, name_is_dns1035_label):
        assert (validate(name, True) == []) == masked_valid


def test_generate_name_allows_a_trailing_dash_only_as_prefix() -> None:
    assert name_is_dns_subdomain("web-", True) == []
    assert name_is_dns_subdomain("web-", False) == [DNS1123_SUBDOMAIN_ERR]
    assert name_is_dns_label("Web-", True) == [DNS1123_LABEL_ERR]  # the masked "Wa" is still upper case


@pytest.mark.parametrize(
    ("check", "value", "messages"),
    [
        pytest.param(is_dns1123_subdomain, "Foo", [DNS1123_SUBDOMAIN_ERR], id="subdomain-upper-case"),
        pytest.param(is_dns1123_subdomain, "a" * 254, ["must be no more than 253 characters"], id="subdomain-too-long"),
        pytest.param(is_dns1123_subdomain, "é" * 127, ["must be no more than 253 characters", DNS1123_SUBDOMAIN_ERR],
                     id="length-counts-utf8-bytes"),
        pytest.param(is_dns1123_subdomain, "a\n", [DNS1123_SUBDOMAIN_ERR], id="no-dollar-before-newline"),
        pytest.param(is_dns1123_label, "a.b", ["must not contain dots"], id="label-with-dots"),
        pytest.param(is_dns1123_label, "A", [DNS1123_LABEL_ERR], id="label-upper-case"),
        pytest.param(is_dns1035_label, "1a", [DNS1035_LABEL_ERR], id="dns1035-leading-digit"),
        pytest.param(is_qualified_name, "", ["name part must be non-empty", NAME_PART_ERR], id="qualified-empty"),
        pytest.param(is_qualified_name, "a" * 64, ["name part must be no more than 63 characters"],
                     id="qualified-name-too-long"),
        pytest.param(is_qualified_name, "/a", ["prefix part must be non-empty"], id="qualified-empty-prefix"),
        pytest.param(is_qualified_name, "Example.com/a", ["prefix part " + DNS1123_SUBDOMAIN_ERR],
                     id="qualified-bad-prefix"),
        pytest.param(is_qualified_name, "a/b/c", [
            "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
            "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
            "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. "
            "'example.com/MyName')"], id="qualified-two-slashes"),
        pytest.param(is_c_identifier, "1a", [
            "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric "
            "characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is "
            "'[A-Za-z_][A-Za-z0-9_]*')"], id="c-identifier"),
        pytest.param(is_valid_port_name, "-A--", [
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "must contain at least one letter (a-z)", "must not contain consecutive hyphens",
            "must not begin or end with a hyphen"], id="port-name-every-rule"),
    ],
)
def test_messages(check, value: str, messages: list[str]) -> None:
    """Upstream's exact texts, in upstream's order."""
    assert check(value) == messages


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        pytest.param("plain", '"plain"', id="plain"),
        pytest.param('say "hi"\\', '"say \\"hi\\"\\\\"', id="quote-and-backslash"),
        pytest.param("tab\tnl\n", '"tab\\tnl\\n"', id="short-escapes"),
        pytest.param("\x01\x7f", '"\\x01\\x7f"', id="ascii-controls"),
        pytest.param("Māori é", '"Māori é"', id="printable-unicode-kept"),
        pytest.param("nb\u00a0sp\u200b", '"nb\\u00a0sp\\u200b"', id="unicode-spaces-and-format-escaped"),
        pytest.param("\U000e0001", '"\\U000e0001"', id="astral-non-printable"),
    ],
)
def test_go_quote(value: str, quoted: str) -> None:
    assert go_quote(value) == quoted


_LABELS = st.lists(st.from_regex(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", fullmatch=True), min_size=1, max_size=6)


@given(_LABELS)
def test_property_dot_joined_labels_are_a_subdomain_up_to_253_bytes(labels: list[str]) -> None:
    assert all(is_dns1123_label(label) == [] for label in labels)
    name = ".".join(labels)
    assert (is_dns1123_subdomain(name) == []) == (len(name) <= 253)
    assert (is_dns1123_label(name) == ["must not contain dots"]) == (len(labels) > 1 and len(name) <= 63)
