"""Go's text/tabwriter test table and liggitt/tabwriter's RememberWidths test, ported.

Sources: golang/go ``src/text/tabwriter/tabwriter_test.go`` (commit f083f655), whose table
liggitt/tabwriter ``tabwriter_test.go`` (commit 008d87d1) repeats before adding
``TestMultiWrite``. Go strings are bytes: ``"\\xff"`` there is the Escape byte, written here as
:data:`tabwriter.ESCAPE` through :func:`go`.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubenb.kubectl.tabwriter import ESCAPE, Flag, TabWriter, describe_writer, get_writer

FILTER_HTML = Flag.FILTER_HTML
STRIP_ESCAPE = Flag.STRIP_ESCAPE
ALIGN_RIGHT = Flag.ALIGN_RIGHT
DISCARD_EMPTY_COLUMNS = Flag.DISCARD_EMPTY_COLUMNS
DEBUG = Flag.DEBUG


def go(text: str) -> str:
    """Spell a Go test string in Python: its lone ``\\xff`` byte is the Escape character."""
    return text.replace("\xff", ESCAPE)


def case(name, minwidth, tabwidth, padding, padchar, flags, src, expected):
    return pytest.param(minwidth, tabwidth, padding, padchar, flags, go(src), go(expected), id=name)


GO_TESTS = [
    case("1a", 8, 0, 1, ".", 0, "", ""),
    case("1a debug", 8, 0, 1, ".", DEBUG, "", ""),
    case("1b esc stripped", 8, 0, 1, ".", STRIP_ESCAPE, "\xff\xff", ""),
    case("1b esc", 8, 0, 1, ".", 0, "\xff\xff", "\xff\xff"),
    case("1c esc stripped", 8, 0, 1, ".", STRIP_ESCAPE, "\xff\t\xff", "\t"),
    case("1c esc", 8, 0, 1, ".", 0, "\xff\t\xff", "\xff\t\xff"),
    case("1d esc stripped", 8, 0, 1, ".", STRIP_ESCAPE, '\xff"foo\t\n\tbar"\xff', '"foo\t\n\tbar"'),
    case("1d esc", 8, 0, 1, ".", 0, '\xff"foo\t\n\tbar"\xff', '\xff"foo\t\n\tbar"\xff'),
    case("1e esc stripped", 8, 0, 1, ".", STRIP_ESCAPE, "abc\xff\tdef", "abc\tdef"),  # unterminated
    case("1e esc", 8, 0, 1, ".", 0, "abc\xff\tdef", "abc\xff\tdef"),  # unterminated escape
    case("2", 8, 0, 1, ".", 0, "\n\n\n", "\n\n\n"),
    case("3", 8, 0, 1, ".", 0, "a\nb\nc", "a\nb\nc"),
    case("4a", 8, 0, 1, ".", 0, "\t", ""),  # '\t' ends an empty cell on the last line
    case("4b", 8, 0, 1, ".", ALIGN_RIGHT, "\t", ""),
    case("5", 8, 0, 1, ".", 0, "*\t*", "*.......*"),
    case("5b", 8, 0, 1, ".", 0, "*\t*\n", "*.......*\n"),
    case("5c", 8, 0, 1, ".", 0, "*\t*\t", "*.......*"),
    case("5c debug", 8, 0, 1, ".", DEBUG, "*\t*\t", "*.......|*"),
    case("5d", 8, 0, 1, ".", ALIGN_RIGHT, "*\t*\t", ".......**"),
    case("6", 8, 0, 1, ".", 0, "\t\n", "........\n"),
    case("7a", 8, 0, 1, ".", 0, "a) foo", "a) foo"),
    case("7b", 8, 0, 1, " ", 0, "b) foo\tbar", "b) foo  bar"),
    case("7c", 8, 0, 1, ".", 0, "c) foo\tbar\t", "c) foo..bar"),
    case("7d", 8, 0, 1, ".", 0, "d) foo\tbar\n", "d) foo..bar\n"),
    case("7e", 8, 0, 1, ".", 0, "e) foo\tbar\t\n", "e) foo..bar.....\n"),
    case(
        "7f", 8, 0, 1, ".", FILTER_HTML,
        "f) f&lt;o\t<b>bar</b>\t\n",
        "f) f&lt;o..<b>bar</b>.....\n",
    ),
    case(
        "7g", 8, 0, 1, ".", FILTER_HTML,
        "g) f&lt;o\t<b>bar</b>\t non-terminated entity &amp",
        "g) f&lt;o..<b>bar</b>..... non-terminated entity &amp",
    ),
    case(
        "7g debug", 8, 0, 1, ".", FILTER_HTML | DEBUG,
        "g) f&lt;o\t<b>bar</b>\t non-terminated entity &amp",
        "g) f&lt;o..|<b>bar</b>.....| non-terminated entity &amp",
    ),
    case("8", 8, 0, 1, "*", 0, "Hello, world!\n", "Hello, world!\n"),
    case(
        "9a", 1, 0, 0, ".", 0,
        "1\t2\t3\t4\n" "11\t222\t3333\t44444\n",
        "1.2..3...4\n" "11222333344444\n",
    ),
    case(
        "9b", 1, 0, 0, ".", FILTER_HTML,
        "1\t2<!---\f--->\t3\t4\n" "11\t222\t3333\t44444\n",  # \f inside HTML is ignored
        "1.2<!---\f--->..3...4\n" "11222333344444\n",
    ),
    case(
        "9c", 1, 0, 0, ".", 0,
        "1\t2\t3\t4\f" "11\t222\t3333\t44444\n",  # \f causes a newline and flush
        "1234\n" "11222333344444\n",
    ),
    case(
        "9c debug", 1, 0, 0, ".", DEBUG,
        "1\t2\t3\t4\f" "11\t222\t3333\t44444\n",
        "1|2|3|4\n" "---\n" "11|222|3333|44444\n",
    ),
    case("10a", 5, 0, 0, ".", 0, "1\t2\t3\t4\n", "1....2....3....4\n"),
    case("10b", 5, 0, 0, ".", 0, "1\t2\t3\t4\t\n", "1....2....3....4....\n"),
    case(
        "11", 8, 0, 1, ".", 0,
        "本\tb\tc\n" "aa\t\u672c\u672c\u672c\tcccc\tddddd\n" "aaa\tbbbb\n",
        "本.......b.......c\n" "aa......本本本.....cccc....ddddd\n" "aaa.....bbbb\n",
    ),
    case(
        "12a", 8, 0, 1, " ", ALIGN_RIGHT,
        "a\tè\tc\t\n" "aa\tèèè\tcccc\tddddd\t\n" "aaa\tèèèè\t\n",
        "       a       è       c\n" "      aa     èèè    cccc   ddddd\n" "     aaa    èèèè\n",
    ),
    case(
        "12b", 2, 0, 0, " ", 0,
        "a\tb\tc\n" "aa\tbbb\tcccc\n" "aaa\tbbbb\n",
        "a  b  c\n" "aa bbbcccc\n" "aaabbbb\n",
    ),
    case(
        "12c", 8, 0, 1, "_", 0,
        "a\tb\tc\n" "aa\tbbb\tcccc\n" "aaa\tbbbb\n",
        "a_______b_______c\n" "aa______bbb_____cccc\n" "aaa_____bbbb\n",
    ),
    case(
        "13a", 4, 0, 1, "-", 0,
        "4444\t日本語\t22\t1\t333\n"
        "999999999\t22\n"
        "7\t22\n"
        "\t\t\t88888888\n"
        "\n"
        "666666\t666666\t666666\t4444\n"
        "1\t1\t999999999\t0000000000\n",
        "4444------日本語-22--1---333\n"
        "999999999-22\n"
        "7---------22\n"
        "------------------88888888\n"
        "\n"
        "666666-666666-666666----4444\n"
        "1------1------999999999-0000000000\n",
    ),
    case(
        "13b", 4, 0, 3, ".", 0,
        "4444\t333\t22\t1\t333\n"
        "999999999\t22\n"
        "7\t22\n"
        "\t\t\t88888888\n"
        "\n"
        "666666\t666666\t666666\t4444\n"
        "1\t1\t999999999\t0000000000\n",
        "4444........333...22...1...333\n"
        "999999999...22\n"
        "7...........22\n"
        "....................88888888\n"
        "\n"
        "666666...666666...666666......4444\n"
        "1........1........999999999...0000000000\n",
    ),
    case(
        "13c", 8, 8, 1, "\t", FILTER_HTML,
        "4444\t333\t22\t1\t333\n"
        "999999999\t22\n"
        "7\t22\n"
        "\t\t\t88888888\n"
        "\n"
        "666666\t666666\t666666\t4444\n"
        "1\t1\t<font color=red attr=日本語>999999999</font>\t0000000000\n",
        "4444\t\t333\t22\t1\t333\n"
        "999999999\t22\n"
        "7\t\t22\n"
        "\t\t\t\t88888888\n"
        "\n"
        "666666\t666666\t666666\t\t4444\n"
        "1\t1\t<font color=red attr=日本語>999999999</font>\t0000000000\n",
    ),
    case(
        "14", 1, 0, 2, " ", ALIGN_RIGHT,
        ".0\t.3\t2.4\t-5.1\t\n"
        "23.0\t12345678.9\t2.4\t-989.4\t\n"
        "5.1\t12.0\t2.4\t-7.0\t\n"
        ".0\t0.0\t332.0\t8908.0\t\n"
        ".0\t-.3\t456.4\t22.1\t\n"
        ".0\t1.2\t44.4\t-13.3\t\t",
        "    .0          .3    2.4    -5.1\n"
        "  23.0  12345678.9    2.4  -989.4\n"
        "   5.1        12.0    2.4    -7.0\n"
        "    .0         0.0  332.0  8908.0\n"
        "    .0         -.3  456.4    22.1\n"
        "    .0         1.2   44.4   -13.3",
    ),
    case(
        "14 debug", 1, 0, 2, " ", ALIGN_RIGHT | DEBUG,
        ".0\t.3\t2.4\t-5.1\t\n"
        "23.0\t12345678.9\t2.4\t-989.4\t\n"
        "5.1\t12.0\t2.4\t-7.0\t\n"
        ".0\t0.0\t332.0\t8908.0\t\n"
        ".0\t-.3\t456.4\t22.1\t\n"
        ".0\t1.2\t44.4\t-13.3\t\t",
        "    .0|          .3|    2.4|    -5.1|\n"
        "  23.0|  12345678.9|    2.4|  -989.4|\n"
        "   5.1|        12.0|    2.4|    -7.0|\n"
        "    .0|         0.0|  332.0|  8908.0|\n"
        "    .0|         -.3|  456.4|    22.1|\n"
        "    .0|         1.2|   44.4|   -13.3|",
    ),
    case("15a", 4, 0, 0, ".", 0, "a\t\tb", "a.......b"),
    case("15b", 4, 0, 0, ".", DISCARD_EMPTY_COLUMNS, "a\t\tb", "a.......b"),  # htabs: kept
    case("15c", 4, 0, 0, ".", DISCARD_EMPTY_COLUMNS, "a\v\vb", "a...b"),
    case("15d", 4, 0, 0, ".", ALIGN_RIGHT | DISCARD_EMPTY_COLUMNS, "a\v\vb", "...ab"),
    case(
        "16a", 100, 100, 0, "\t", 0,
        "a\tb\t\td\n" "a\tb\t\td\te\n" "a\n" "a\tb\tc\td\n" "a\tb\tc\td\te\n",
        "a\tb\t\td\n" "a\tb\t\td\te\n" "a\n" "a\tb\tc\td\n" "a\tb\tc\td\te\n",
    ),
    case(
        "16b", 100, 100, 0, "\t", DISCARD_EMPTY_COLUMNS,
        "a\vb\v\vd\n" "a\vb\v\vd\ve\n" "a\n" "a\vb\vc\vd\n" "a\vb\vc\vd\ve\n",
        "a\tb\td\n" "a\tb\td\te\n" "a\n" "a\tb\tc\td\n" "a\tb\tc\td\te\n",
    ),
    case(
        "16b debug", 100, 100, 0, "\t", DISCARD_EMPTY_COLUMNS | DEBUG,
        "a\vb\v\vd\n" "a\vb\v\vd\ve\n" "a\n" "a\vb\vc\vd\n" "a\vb\vc\vd\ve\n",
        "a\t|b\t||d\n" "a\t|b\t||d\t|e\n" "a\n" "a\t|b\t|c\t|d\n" "a\t|b\t|c\t|d\t|e\n",
    ),
    case(
        "16c", 100, 100, 0, "\t", DISCARD_EMPTY_COLUMNS,
        "a\tb\t\td\n" "a\tb\t\td\te\n" "a\n" "a\tb\tc\td\n" "a\tb\tc\td\te\n",  # hard tabs
        "a\tb\t\td\n" "a\tb\t\td\te\n" "a\n" "a\tb\tc\td\n" "a\tb\tc\td\te\n",
    ),
    case(
        "16c debug", 100, 100, 0, "\t", DISCARD_EMPTY_COLUMNS | DEBUG,
        "a\tb\t\td\n" "a\tb\t\td\te\n" "a\n" "a\tb\tc\td\n" "a\tb\tc\td\te\n",
        "a\t|b\t|\t|d\n" "a\t|b\t|\t|d\t|e\n" "a\n" "a\t|b\t|c\t|d\n" "a\t|b\t|c\t|d\t|e\n",
    ),
]


def fibonacci_slices(src: str) -> list[str]:
    """The slices Go's ``check`` writes: lengths 0, 1, 2, 3, ... until the text runs out."""
    slices, i, d = [], 0, 0
    while i < len(src):
        slices.append(src[i : i + d])
        i, d = i + d, d + 1
        if i + d > len(src):
            d = len(src) - i
    return slices


@pytest.mark.parametrize(("minwidth", "tabwidth", "padding", "padchar", "flags", "src", "expected"), GO_TESTS)
def test_go_table(minwidth, tabwidth, padding, padchar, flags, src, expected):
    """Like Go's ``check``: one writer, reused for three ways of chunking the same input."""
    w = TabWriter(minwidth, tabwidth, padding, padchar, flags)
    chunkings = {"all at once": [src], "char by char": list(src), "fibonacci": fibonacci_slices(src)}
    for how, chunks in chunkings.items():
        for chunk in chunks:
            w.write(chunk)
        assert w.flush() == expected, how


def test_liggitt_multi_write_remembers_widths():
    """liggitt/tabwriter TestMultiWrite: widths persist across flushes and only grow."""
    w = TabWriter(6, 4, 3, " ", Flag.REMEMBER_WIDTHS)
    out = w.render("First\tMiddle\tLast\n" "a\tbb\tccc\n" "ddd\teeeeeeeeeeeeee\tf\n")
    out += w.render("g\th\ti\n")
    assert out == (
        "First   Middle           Last\n"
        "a       bb               ccc\n"
        "ddd     eeeeeeeeeeeeee   f\n"
        "g       h                i\n"
    )
    out = w.render("j\t\t\n") + w.render("\tk\t\n") + w.render("\t\tl\n")
    assert out == (
        "j                        \n"
        "        k                \n"
        "                         l\n"
    )
    assert w.render("mmmmmmmmmmmmmmm\tnnn\tooo\n") == "mmmmmmmmmmmmmmm   nnn              ooo\n"

    # Remembered widths carry over to a new writer.
    new = TabWriter(6, 4, 3, " ", Flag.REMEMBER_WIDTHS)
    new.remembered_widths = w.remembered_widths
    assert new.render("p\tq\tr\n") == "p                 q                r\n"
    assert new.remembered_widths == [18, 17]

    new.remembered_widths = []  # forget them
    assert new.render("sssss\tt\tu\n") == "sssss   t     u\n"
    assert new.remembered_widths == [8, 6]

    new.remembered_widths = [10, 5, 5]
    assert new.render("v\tw\tx\n") == "v         w     x\n"


def test_without_remember_widths_each_flush_starts_over():
    w = TabWriter(6, 4, 3, " ", 0)
    assert w.render("NAME\tAGE\n" "a-long-name\t1s\n") == "NAME          AGE\n" "a-long-name   1s\n"
    assert w.render("b\t2s\n") == "b     2s\n"


def test_get_writer_watch_rows_stay_aligned_with_header_and_grow():
    """``kubectl get -w`` flushes per event: later rows keep earlier widths, and may widen them."""
    w = get_writer()
    assert w.render("NAME\tREADY\tSTATUS\tRESTARTS\tAGE\n" "nginx\t0/1\tPending\t0\t0s\n") == (
        "NAME    READY   STATUS    RESTARTS   AGE\n"
        "nginx   0/1     Pending   0          0s\n"
    )
    assert w.render("nginx\t0/1\tContainerCreating\t0\t1s\n") == (
        "nginx   0/1     ContainerCreating   0          1s\n"
    )
    assert w.render("nginx\t1/1\tRunning\t0\t2s\n") == "nginx   1/1     Running             0          2s\n"


def test_get_writer_pod_table():
    """The column rule of reference §12: max(6, longest cell + 3), last column unpadded."""
    table = "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\n" "nginx\t1/1\tRunning\t0\t57s\n"
    assert get_writer().render(table) == (
        "NAME    READY   STATUS    RESTARTS   AGE\n"
        "nginx   1/1     Running   0          57s\n"
    )


def test_describe_writer_blocks_end_at_lines_without_tabs():
    text = (
        "Name:\tnginx\n"
        "Namespace:\tdefault\n"
        "Containers:\n"
        "  nginx:\n"
        "    Image:\tnginx\n"
        "    Port:\t80/TCP\n"
    )
    assert describe_writer().render(text) == (
        "Name:       nginx\n"
        "Namespace:  default\n"
        "Containers:\n"
        "  nginx:\n"
        "    Image:  nginx\n"
        "    Port:   80/TCP\n"
    )


def test_write_emits_finished_blocks_before_flush_returns_them_once():
    w = describe_writer()
    w.write("a:\tb\nplain line\nc:\t")
    assert w.flush() == "a:  b\nplain line\nc:"  # a last line's trailing tab pads nothing
    assert w.flush() == ""


def test_text_that_looks_like_latin_small_y_diaeresis_is_not_an_escape():
    """Go's Escape is the byte 0xff, never valid UTF-8; 'ÿ' (U+00FF) is ordinary text."""
    assert TabWriter(0, 8, 1, ".", 0).render("ÿ\tx\nyy\tz\n") == "ÿ..x\nyy.z\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param((-1, 0, 0, " "), "negative", id="negative minwidth"),
        pytest.param((0, 0, -1, " "), "negative", id="negative padding"),
        pytest.param((0, 0, 0, "ab"), "one character", id="long padchar"),
    ],
)
def test_invalid_configuration(args, message):
    with pytest.raises(ValueError, match=message):
        TabWriter(*args)


_PLAIN = ["a", "bb", "é", " ", "\t", "\t", "\n"]
_SPECIAL = ["\v", "\f", ESCAPE, "<", ">", "&", ";"]


@settings(max_examples=400, deadline=None)
@given(text=(st.lists(st.sampled_from(_PLAIN), max_size=40) | st.lists(st.sampled_from(_PLAIN + _SPECIAL), max_size=40))
       .map("".join), minwidth=st.integers(0, 4), padding=st.integers(0, 3), padchar=st.sampled_from([" ", ".", "\t"]),
       flags=st.sampled_from([0, Flag.REMEMBER_WIDTHS, Flag.FILTER_HTML, Flag.STRIP_ESCAPE, Flag.ALIGN_RIGHT,
                              Flag.DISCARD_EMPTY_COLUMNS, Flag.TAB_INDENT, Flag.DEBUG]))
def test_split_path_and_character_reader_agree(text, minwidth, padding, padchar, flags):
    """The shortcuts for plain text (split on tabs, widths from lengths, ljust) change no byte: a
    writer without them aligns every text the same way, flushes included."""
    fast, reference = (TabWriter(minwidth, 4, padding, padchar, flags) for _ in range(2))
    reference.fast = False
    halves = text[: len(text) // 2], text[len(text) // 2:]
    got, expected = [], []
    for half in halves:
        fast.write(half)
        got.append(fast.flush())
        reference.write(half)
        expected.append(reference.flush())
    assert got == expected
