"""kubectl custom-columns tests, ported, and kubectl's own output.

Source: ``staging/src/k8s.io/kubectl/pkg/cmd/get/customcolumn_test.go`` (kubernetes/kubernetes
commit 04791b49): TestMassageJSONPath, TestNewColumnPrinterFromSpec,
TestNewColumnPrinterFromTemplate, TestColumnPrint, TestIndividualPrintObjOnExistingTabWriter and
TestSliceColumnPrint. Typed Go objects become the unstructured dicts ``kubectl get`` prints.

``KUBECTL`` holds what kubectl v1.32.4 printed for ``kubectl get cm [web] -o custom-columns=...``
against a throwaway fake API server serving ``WEB`` and ``LONG``. ``kubectl get`` of several
objects re-marshals them into one List, so an integral float such as ``1e6`` reaches the printer as
the int ``1000000``; ``WEB`` holds it that way.
"""

from __future__ import annotations

import pytest

from kubenb.kubectl.customcolumns import (
    Column,
    CustomColumnsError,
    CustomColumnsPrinter,
    parse_custom_columns,
    parse_custom_columns_file,
    render_custom_columns,
)
from kubenb.kubectl.jsonpath import JSONPathError, relaxed

P = pytest.param

# ============================================================================ customcolumn_test.go


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("foo.bar", "{.foo.bar}"),
        ("{foo.bar}", "{.foo.bar}"),
        (".foo.bar", "{.foo.bar}"),
        ("{.foo.bar}", "{.foo.bar}"),
        ("", ""),
        ("{foo.bar", None),
        ("foo.bar}", None),
        ("{foo.bar}}", None),
        ("{{foo.bar}", None),
    ],
)
def test_massage_jsonpath(path, expected):
    if expected is None:
        with pytest.raises(JSONPathError, match="^unexpected path string, expected a 'name1.name2' or"):
            relaxed(path)
    else:
        assert relaxed(path) == expected


@pytest.mark.parametrize(
    "spec",
    [P("", id="empty"), P("invalid", id="invalid1"), P("invalid=foobar", id="invalid2"),
     P("invalid,foobar:blah", id="invalid3")],
)  # fmt: skip
def test_new_column_printer_from_spec_errors(spec):
    with pytest.raises(CustomColumnsError):
        parse_custom_columns(spec)


def test_new_column_printer_from_spec_ok():
    assert parse_custom_columns("NAME:metadata.name,API_VERSION:apiVersion") == [
        Column("NAME", "{.metadata.name}"),
        Column("API_VERSION", "{.apiVersion}"),
    ]


def test_new_column_printer_from_spec_no_headers():
    out = render_custom_columns(parse_custom_columns("API_VERSION:apiVersion"), [{}], no_headers=True)
    assert "API_VERSION" not in out.split()


EXAMPLE_TEMPLATE_ONE = "NAME               API_VERSION\n{metadata.name}    {apiVersion}"
EXAMPLE_TEMPLATE_TWO = "NAME               \t\tAPI_VERSION\n\t\t\t\t\t\t\t{metadata.name}    {apiVersion}"


@pytest.mark.parametrize(
    "text",
    [P("", id="empty"), P("invalid", id="invalid1"), P("invalid=foobar", id="invalid2"),
     P("invalid,foobar:blah", id="invalid3")],
)  # fmt: skip
def test_new_column_printer_from_template_errors(text):
    with pytest.raises(CustomColumnsError):
        parse_custom_columns_file(text)


@pytest.mark.parametrize("text", [P(EXAMPLE_TEMPLATE_ONE, id="ok"), P(EXAMPLE_TEMPLATE_TWO, id="ok-2")])
def test_new_column_printer_from_template(text):
    expected = [Column("NAME", "{.metadata.name}"), Column("API_VERSION", "{.apiVersion}")]
    assert parse_custom_columns_file(text) == expected


NAME = Column("NAME", "{.metadata.name}")
API_VERSION = Column("API_VERSION", "{.apiVersion}")


@pytest.mark.parametrize(
    ("columns", "objects", "expected"),
    [
        P([NAME], [{"metadata": {"name": "foo"}}], "NAME\nfoo\n", id="one pod"),
        P([NAME], [{"metadata": {"name": "foo"}}, {"metadata": {"name": "bar"}}], "NAME\nfoo\nbar\n", id="pod list"),
        P([NAME, API_VERSION], [{"metadata": {"name": "foo"}, "apiVersion": "baz"}],
          "NAME   API_VERSION\nfoo    baz\n", id="two columns"),
        P([NAME, API_VERSION, Column("NOT_FOUND", "{.notFound}")], [{"metadata": {"name": "foo"}, "apiVersion": "baz"}],
          "NAME   API_VERSION   NOT_FOUND\nfoo    baz           <none>\n", id="not found"),
    ],
)  # fmt: skip
def test_column_print(columns, objects, expected):
    assert render_custom_columns(columns, objects) == expected


def test_individual_print_obj_on_existing_tab_writer():
    """Each object printed separately through one writer: one header, aligned rows."""
    printer = CustomColumnsPrinter(
        [NAME, Column("LONG COLUMN NAME", "{.metadata.labels.label1}"), Column("LABEL 2", "{.metadata.labels.label2}")]
    )
    out = printer.print_objects([{"metadata": {"name": "foo", "labels": {"label1": "foo", "label2": "foo"}}}])
    out += printer.print_objects([{"metadata": {"name": "bar", "labels": {"label1": "bar", "label2": "bar"}}}])
    assert out == "NAME   LONG COLUMN NAME   LABEL 2\nfoo    foo                foo\nbar    bar                bar\n"


SLICE_POD = {
    "metadata": {"name": "fake-name", "namespace": "fake-namespace"},
    "spec": {"containers": [{"name": "fake0"}, {"name": "fake1"}, {"name": "fake2"}, {"name": "fake3"}]},
}

SLICE_COLUMN_PRINT = [
    P("CONTAINER:.spec.containers[0].name", "CONTAINER\nfake0\n", id="containers[0]"),
    P("CONTAINER:.spec.containers[3].name", "CONTAINER\nfake3\n", id="containers[3]"),
    P("CONTAINER:.spec.containers[5].name", None, id="containers[5], illegal expression because it is out of bounds"),
    P("CONTAINER:.spec.containers[-1].name", "CONTAINER\nfake3\n", id="containers[-1], it equals containers[3]"),
    P("CONTAINER:.spec.containers[-2].name", "CONTAINER\nfake2\n", id="containers[-2], it equals containers[2]"),
    P("CONTAINER:.spec.containers[-4].name", "CONTAINER\nfake0\n", id="containers[-4], it equals containers[0]"),
    P("CONTAINER:.spec.containers[-5].name", None, id="containers[-5], illegal expression because it is out of bounds"),
    P("CONTAINER:.spec.containers[0:0].name", "CONTAINER\n<none>\n", id="containers[0:0], it equals empty set"),
    P("CONTAINER:.spec.containers[0:3].name", "CONTAINER\nfake0,fake1,fake2\n", id="containers[0:3]"),
    P("CONTAINER:.spec.containers[1:].name", "CONTAINER\nfake1,fake2,fake3\n", id="containers[1:]"),
    P("CONTAINER:.spec.containers[3:1].name", None,
      id="containers[3:1], illegal expression because start index is greater than end index"),
    P("CONTAINER:.spec.containers[0:-1].name", "CONTAINER\nfake0,fake1,fake2\n",
      id="containers[0:-1], it equals containers[0:3]"),
    P("CONTAINER:.spec.containers[-1:].name", "CONTAINER\nfake3\n", id="containers[-1:], it equals containers[3:]"),
    P("CONTAINER:.spec.containers[-4:].name", "CONTAINER\nfake0,fake1,fake2,fake3\n",
      id="containers[-4:], it equals containers[0:]"),
    P("CONTAINER:.spec.containers[-3:-1].name", "CONTAINER\nfake1,fake2\n",
      id="containers[-3:-1], it equasl containers[1:3]"),
    P("CONTAINER:.spec.containers[-2:-3].name", None,
      id="containers[-2:-3], it equals containers[2:1], "
         "illegal expression because start index is greater than end index"),
    P("CONTAINER:.spec.containers[4:4].name", "CONTAINER\n<none>\n", id="containers[4:4], it equals empty set"),
    P("CONTAINER:.spec.containers[-5:-5].name", "CONTAINER\n<none>\n", id="containers[-5:-5], it equals empty set"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "expected"), SLICE_COLUMN_PRINT)
def test_slice_column_print(spec, expected):
    columns = parse_custom_columns(spec)
    if expected is None:
        with pytest.raises(CustomColumnsError):
            render_custom_columns(columns, [SLICE_POD])
    else:
        assert render_custom_columns(columns, [SLICE_POD]) == expected


# ============================================================================ the real kubectl

WEB = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web", "tier": "front"}},
    "spec": {
        "replicas": 3, "paused": False, "ratio": 0.25, "big": 1000000, "none": None,
        "containers": [
            {"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80, "protocol": "TCP"}]},
            {"name": "sidecar", "image": "busybox", "args": ["sleep", "3600"]},
        ],
        "items": [{"n": "one", "c": [1]}, {"n": "two", "c": [1, 2]}, {"n": "none"}, {"n": "null", "c": None}],
        "empty": [], "nulls": [None, {"k": None}], "text": "a\x1b[31mred\rx\ty",
    },
}  # fmt: skip
LONG = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "a-much-longer-name", "namespace": "default"},
    "spec": {"replicas": 1, "containers": [{"name": "c", "image": "i"}]},
}
BOTH = [WEB, LONG]

KUBECTL = [
    P("NAME:.metadata.name,LABELS:.metadata.labels,C:.spec.containers[*].name,NONE:.spec.none,MISSING:.nope,"
      "BIG:.spec.big,NULLS:.spec.nulls[*]", BOTH,
      "NAME                 LABELS                    C               NONE     MISSING   BIG       NULLS\n"
      "web                  map[app:web tier:front]   nginx,sidecar   <nil>    <none>    1000000   <nil>,map[k:<nil>]\n"
      "a-much-longer-name   <none>                    c               <none>   <none>    <none>    <none>\n",
      id="values, null, missing"),
    P("NAME:metadata.name,X:{.kind},Y:{kind},Z:.spec.containers[0:0]", BOTH,
      "NAME                 X           Y           Z\n"
      "web                  ConfigMap   ConfigMap   <none>\n"
      "a-much-longer-name   ConfigMap   ConfigMap   <none>\n",
      id="relaxed paths"),
    P("A:.metadata.name,D:", BOTH, "A                    D\nweb                  <none>\na-much-longer-name   <none>\n",
      id="empty path"),
    P("A:.metadata.name,A:.kind,VERYLONGHEADER:.apiVersion", BOTH,
      "A                    A           VERYLONGHEADER\n"
      "web                  ConfigMap   v1\n"
      "a-much-longer-name   ConfigMap   v1\n",
      id="headers"),
    P("a b:.kind,:.metadata.name", BOTH, "a b         \nConfigMap   web\nConfigMap   a-much-longer-name\n",
      id="blank header"),
    P("A:range .x", BOTH, "A\n<none>\n<none>\n", id="no identifiers in a field"),
    P("A:.spec.containers[1].name", [WEB], "A\nsidecar\n", id="index"),
    # Terminal escapes are neutralised; the tab is not, and shifts the later cells.
    P("A:.spec.containers[*].ports,B:.spec.items[*],C:.spec.text,D:.spec.paused,E:.spec.ratio", [WEB],
      "A                                      B                                                                     "
      "C               D     E\n"
      "[map[containerPort:80 protocol:TCP]]   map[c:[1] n:one],map[c:[1 2] n:two],map[n:none],map[c:<nil> n:null]   "
      "a^[[31mred\\rx   y     false   0.25\n",
      id="fmt values and escapes"),
    P("A:.spec.items[?(@.c[1])].n,B:.spec.items[*].c", [WEB], "A         B\none,two   [1],[1 2],<nil>\n",
      id="filters"),
    P('A:.spec.containers[?(@.name=="nginx")].image', [WEB], "A\nnginx:1.25\n", id="filter equals"),
    P("A:.metadata.name:x", [WEB], "A\n<none>\n", id="colon in path"),
    P("A:.spec.containers[0]", [WEB],
      "A\nmap[image:nginx:1.25 name:nginx ports:[map[containerPort:80 protocol:TCP]]]\n", id="map value"),
    P("A:.spec.nope[0]", [WEB], "A\n<none>\n", id="index of missing"),
    P("A:.spec.none[0]", [WEB], "A\n<none>\n", id="index of null"),
    P("B:.spec.big,R:.spec.ratio", [{**WEB, "spec": {**WEB["spec"], "big": 1e6}}], "B       R\n1e+06   0.25\n",
      id="one object keeps its float"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "objects", "stdout"), KUBECTL)
def test_kubectl_output(spec, objects, stdout):
    assert render_custom_columns(parse_custom_columns(spec), objects) == stdout


def test_kubectl_no_headers():
    assert render_custom_columns(parse_custom_columns("NAME:.metadata.name"), BOTH, no_headers=True) == (
        "web\na-much-longer-name\n"
    )


def test_kubectl_empty_list_prints_the_header():
    assert render_custom_columns(parse_custom_columns("NAME:.metadata.name"), []) == "NAME\n"


def test_kubectl_map_order():
    """kubectl printed ``nginx,sidecar,web``: Go's map order is random, ours is sorted keys."""
    out = render_custom_columns(parse_custom_columns("A:..name"), [WEB])
    assert out.startswith("A\n")
    assert sorted(out.split("\n")[1].split(",")) == ["nginx", "sidecar", "web"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        P("", "custom-columns format specified but no custom columns given", id="empty"),
        P("invalid", "unexpected custom-columns spec: invalid, expected <header>:<json-path-expr>", id="no colon"),
        P("invalid=foobar", "unexpected custom-columns spec: invalid=foobar, expected <header>:<json-path-expr>",
          id="equals"),
        P("invalid,foobar:blah", "unexpected custom-columns spec: invalid, expected <header>:<json-path-expr>",
          id="first bad"),
        P("A:{.a", "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or "
          "'{.name1.name2}'", id="open brace"),
        P("A:{.a}}", "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or "
          "'{.name1.name2}'", id="extra brace"),
        P("A:foo.bar}", "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or "
          "'{.name1.name2}'", id="close brace"),
    ],
)  # fmt: skip
def test_kubectl_spec_errors(spec, message):
    with pytest.raises(CustomColumnsError) as excinfo:
        parse_custom_columns(spec)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("spec", "objects", "stdout", "message"),
    [
        P("A:.a[", BOTH, "A\n", "unterminated array", id="bad path prints the header first"),
        P("A:.spec.containers[5].name", BOTH, "A\n", "array index out of bounds: index 5, length 2", id="index"),
        P("A:.spec.replicas,B:.spec.items[?(@.n>1)].n", [WEB], "A     B\n", "incompatible types for comparison",
          id="comparison"),
        P("A:.metadata.name,B:.spec.containers[1]", [WEB, LONG],
          "A     B\nweb   map[args:[sleep 3600] image:busybox name:sidecar]\n",
          "array index out of bounds: index 1, length 1", id="rows before the failing object are printed"),
    ],
)  # fmt: skip
def test_kubectl_print_errors(spec, objects, stdout, message):
    with pytest.raises(CustomColumnsError) as excinfo:
        render_custom_columns(parse_custom_columns(spec), objects)
    assert str(excinfo.value) == message
    assert excinfo.value.output == stdout


@pytest.mark.parametrize(
    ("text", "stdout"),
    [
        P("NAME               API_VERSION\n{metadata.name}    {apiVersion}\n",
          "NAME                 API_VERSION\nweb                  v1\na-much-longer-name   v1\n", id="example one"),
        P("NAME               \t\tAPI_VERSION\n\t\t\t\t\t\t\t{metadata.name}    {apiVersion}",
          "NAME                 API_VERSION\nweb                  v1\na-much-longer-name   v1\n", id="example two"),
        P("N R\n.metadata.name .spec.replicas\nignored third line\n",
          "N                    R\nweb                  3\na-much-longer-name   1\n", id="later lines ignored"),
        # Go splits words on Unicode spaces such as NO-BREAK SPACE, but not on \x1c; lines lose a final \r.
        P("NAME\xa0R\x1cZ\n.metadata.name\xa0.spec.replicas\x1c.kind\r\n",
          "NAME                 R\x1cZ\nweb                  <none>\na-much-longer-name   <none>\n",
          id="go whitespace"),
    ],
)  # fmt: skip
def test_kubectl_custom_columns_file(text, stdout):
    assert render_custom_columns(parse_custom_columns_file(text), BOTH) == stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        P("", "invalid template, missing header line. Expected format is one line of space separated headers, "
          "one line of space separated column specs.", id="empty"),
        P("NAME\n", "invalid template, missing spec line. Expected format is one line of space separated headers, "
          "one line of space separated column specs.", id="one line"),
        P("NAME X\n.metadata.name\n", "number of headers (2) and field specifications (1) don't match", id="count"),
    ],
)  # fmt: skip
def test_kubectl_custom_columns_file_errors(text, message):
    with pytest.raises(CustomColumnsError) as excinfo:
        parse_custom_columns_file(text)
    assert str(excinfo.value) == message


def test_watch_rows_keep_the_header_alignment():
    """``kubectl get -w -o custom-columns``: one printer, a flush per event, the header once."""
    printer = CustomColumnsPrinter(parse_custom_columns("NAME:.metadata.name,R:.spec.replicas"))
    assert printer.print_objects([WEB]) == "NAME   R\nweb    3\n"
    assert printer.print_objects([LONG]) == "a-much-longer-name   1\n"
    assert printer.print_objects([WEB]) == "web                  3\n"
