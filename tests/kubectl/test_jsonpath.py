"""client-go jsonpath tests, ported, and kubectl's own output over a fixture.

Sources:
* ``staging/src/k8s.io/client-go/util/jsonpath/parser_test.go`` (kubernetes/kubernetes commit
  5385c9f2): every parserTests and TestFailParser case.
* ``util/jsonpath/jsonpath_test.go`` in the index's kubernetes/client-go copy (commit 57e69770),
  which is kubernetes' staging file at 054d429d plus TestRunningPodsJSONPathOutput and
  "nonexistent field 2". Its five ``=~`` regexp cases are not upstream (a fork's addition): the
  real kubectl rejects ``=~`` (see ``KUBECTL`` below), so they are left out.

Go's struct inputs become the dicts kubectl hands the engine (it always gives unstructured data),
so where Go printed struct fields in declaration order, maps print in sorted key order; such
expectations are marked "sorted keys". ``map[string]int`` becomes ``map[string]interface {}``.

``KUBECTL`` holds what kubectl v1.32.4 printed for ``-o jsonpath=...`` on ``FIXTURE`` (through
``kubectl annotate --local -f fixture.json z=1``, which hands it to the engine unstructured).
"""

from __future__ import annotations

import json

import pytest

from kubenb.kubectl.jsonpath import (
    FilterNode,
    JSONPath,
    JSONPathError,
    ListNode,
    UnionNode,
    go_float,
    go_quote,
    parse,
    print_jsonpath,
    sprint,
    to_json,
)

# ============================================================================ parser_test.go


def collect(node) -> list[str]:
    """Go's collectNode: the tree in pre-order, filters' left then right, as node strings."""
    found = [str(node)]
    if isinstance(node, ListNode):
        children = node.nodes
    elif isinstance(node, FilterNode):
        children = [node.left, node.right]
    elif isinstance(node, UnionNode):
        children = node.nodes
    else:
        children = []
    for child in children:
        found.extend(collect(child))
    return found


P = pytest.param
PARSER_TESTS = [
    P("hello jsonpath", ["NodeText: hello jsonpath"], id="plain"),
    P("hello {.jsonpath}", ["NodeText: hello ", "NodeList", "NodeField: jsonpath"], id="variable"),
    P("hello {['jsonpath']}", ["NodeText: hello ", "NodeList", "NodeField: jsonpath"], id="arrayfiled"),
    P('{"{"}', ["NodeList", "NodeText: {"], id="quote"),
    P("{[1:3]}", ["NodeList", "NodeArray: [{1 true false} {3 true false} {0 false false}]"], id="array"),
    P(
        "{.book[*].author}",
        ["NodeList", "NodeField: book", "NodeArray: [{0 false false} {0 false false} {0 false false}]",
         "NodeField: author"],
        id="allarray",
    ),
    P("{.bicycle.*}", ["NodeList", "NodeField: bicycle", "NodeWildcard"], id="wildcard"),
    P(
        "{[?(@.price<3)]}",
        ["NodeList", "NodeFilter: NodeList < NodeList", "NodeList", "NodeField: price", "NodeList", "NodeInt: 3"],
        id="filter",
    ),
    P("{..}", ["NodeList", "NodeRecursive"], id="recursive"),
    P("{..price}", ["NodeList", "NodeRecursive", "NodeField: price"], id="recurField"),
    P("{['book.price']}", ["NodeList", "NodeField: book", "NodeField: price"], id="arraydict"),
    P(
        "{['bicycle.price', 3, 'book.price']}",
        ["NodeList", "NodeUnion", "NodeList", "NodeField: bicycle", "NodeField: price",
         "NodeList", "NodeArray: [{3 true false} {4 true true} {0 false false}]",
         "NodeList", "NodeField: book", "NodeField: price"],
        id="union",
    ),
    P(
        "{range .items}{.name},{end}",
        ["NodeList", "NodeIdentifier: range", "NodeField: items", "NodeList", "NodeField: name",
         "NodeText: ,", "NodeList", "NodeIdentifier: end"],
        id="range",
    ),
    P(
        '{[?(@.status.nodeInfo.osImage == "()")]}',
        ["NodeList", "NodeFilter: NodeList == NodeList", "NodeList", "NodeField: status",
         "NodeField: nodeInfo", "NodeField: osImage", "NodeList", "NodeText: ()"],
        id="paired parentheses in quotes",
    ),
    P(
        r'{[?(@.status.nodeInfo.osImage == "(\"\")")]}',
        ["NodeList", "NodeFilter: NodeList == NodeList", "NodeList", "NodeField: status",
         "NodeField: nodeInfo", "NodeField: osImage", "NodeList", 'NodeText: ("")'],
        id="paired parentheses in double quotes and with double quotes escape",
    ),
    P(
        '{[?(@.test == "())(")]}',
        ["NodeList", "NodeFilter: NodeList == NodeList", "NodeList", "NodeField: test", "NodeList",
         "NodeText: ())("],
        id="unregular parentheses in double quotes",
    ),
    P(
        "{[?(@.status.nodeInfo.osImage == 'Linux')]}",
        ["NodeList", "NodeFilter: NodeList == NodeList", "NodeList", "NodeField: status",
         "NodeField: nodeInfo", "NodeField: osImage", "NodeList", "NodeText: Linux"],
        id="plain text in single quotes",
    ),
    P(
        '{[?(@.status.nodeInfo.osImage == "{[()]}")]}',
        ["NodeList", "NodeFilter: NodeList == NodeList", "NodeList", "NodeField: status",
         "NodeField: nodeInfo", "NodeField: osImage", "NodeList", "NodeText: {[()]}"],
        id="test filter suffix",
    ),
    P(
        """{[?(@.status.nodeInfo.osImage == "''")]}""",
        ["NodeList", "NodeFilter: NodeList == NodeList", "NodeList", "NodeField: status",
         "NodeField: nodeInfo", "NodeField: osImage", "NodeList", "NodeText: ''"],
        id="double inside single",
    ),
    P(
        """{[?(@.status.nodeInfo.osImage == '""')]}""",
        ["NodeList", "NodeFilter: NodeList == NodeList", "NodeList", "NodeField: status",
         "NodeField: nodeInfo", "NodeField: osImage", "NodeList", 'NodeText: ""'],
        id="single inside double",
    ),
    P(
        r"{[?(@.status.nodeInfo.osImage == '\\\'')]}",
        ["NodeList", "NodeFilter: NodeList == NodeList", "NodeList", "NodeField: status",
         "NodeField: nodeInfo", "NodeField: osImage", "NodeList", "NodeText: \\'"],
        id="single containing escaped single",
    ),
    P("{[-5:]}", ["NodeList", "NodeArray: [{-5 true false} {0 false false} {0 false false}]"],
      id="negative index slice, equals a[len-5] to a[len-1]"),
    P("{[-1]}", ["NodeList", "NodeArray: [{-1 true false} {0 true true} {0 false false}]"],
      id="negative index slice, equals a[len-1]"),
    P("{[1:-1]}", ["NodeList", "NodeArray: [{1 true false} {-1 true false} {0 false false}]"],
      id="negative index slice, equals a[1] to a[len-1]"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "nodes"), PARSER_TESTS)
def test_parser(text, nodes):
    assert collect(parse(text))[1:] == nodes


def test_parser_malformed_input():
    with pytest.raises(JSONPathError):
        parse(r"{\\\}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        P("{.hello", "unclosed action", id="unclosed action"),
        P("{*}", "unrecognized character in action: U+002A '*'", id="unrecognized character"),
        P("{+12.3.0}", "cannot parse number +12.3.0", id="invalid number"),
        P("{[1}", "unterminated array", id="unterminated array"),
        P("{[?(.price]}", "unterminated filter", id="unterminated filter"),
    ],
)
def test_fail_parser(text, message):
    with pytest.raises(JSONPathError) as excinfo:
        parse(text)
    assert str(excinfo.value) == message


def test_parser_handles_templates_longer_than_the_recursion_limit():
    template = "".join(f"{{.items[{i}].name}}," for i in range(2000))
    items = [{"name": str(i)} for i in range(2000)]
    assert JSONPath(template).execute({"items": items}) == "".join(f"{i}," for i in range(2000))


# ============================================================================ jsonpath_test.go


def run(template, data, allow_missing_keys=False):
    return JSONPath(template, allow_missing_keys=allow_missing_keys).execute(data)


TYPES = {
    "bools": [True, False, True, False],
    "integers": [1, 2, 3, 4],
    "floats": [1.0, 2.2, 3.3, 4.0],
    "strings": ["one", "two", "three", "four"],
    "interfaces": [True, "one", 1, 1.1],
    "maps": [
        {"name": "one", "value": 1},
        {"name": "two", "value": 2.02},
        {"name": "three", "value": 3.03},
        {"name": "four", "value": 4.04},
    ],
    "structs": [
        {"name": "one", "value": 1, "type": "integer"},
        {"name": "two", "value": 2.002, "type": "float"},
        {"name": "three", "value": 3, "type": "integer"},
        {"name": "four", "value": 4.004, "type": "float"},
    ],
}

TYPES_INPUT = [
    # boolean slice tests
    P("{ .bools }", "[true,false,true,false]", id="boolSlice"),
    P("{ .bools[0] }", "true", id="boolSliceIndex"),
    P("{ .bools[-1] }", "false", id="boolSliceIndex-1"),
    P("{ .bools[0:2] }", "true false", id="boolSubSlice"),
    P("{ .bools[:2] }", "true false", id="boolSubSliceFirst2"),
    P("{ .bools[:4:2] }", "true true", id="boolSubSliceStep2"),
    # integer slice tests
    P("{ .integers }", "[1,2,3,4]", id="integerSlice"),
    P("{ .integers[0] }", "1", id="integerSliceIndex"),
    P("{ .integers[-2] }", "3", id="integerSliceIndexReverse"),
    P("{ .integers[0:2] }", "1 2", id="integerSubSliceFirst2"),
    P("{ .integers[:2] }", "1 2", id="integerSubSliceFirst2Alt"),
    P("{ .integers[:4:2] }", "1 3", id="integerSubSliceStep2"),
    # float slice tests
    P("{ .floats }", "[1,2.2,3.3,4]", id="floatSlice"),
    P("{ .floats[0] }", "1", id="floatSliceIndex"),
    P("{ .floats[-2] }", "3.3", id="floatSliceIndexReverse"),
    P("{ .floats[0:2] }", "1 2.2", id="floatSubSliceFirst2"),
    P("{ .floats[:2] }", "1 2.2", id="floatSubSliceFirst2Alt"),
    P("{ .floats[:4:2] }", "1 3.3", id="floatSubSliceStep2"),
    # strings slice tests
    P("{ .strings }", '["one","two","three","four"]', id="stringSlice"),
    P("{ .strings[0] }", "one", id="stringSliceIndex"),
    P("{ .strings[-2] }", "three", id="stringSliceIndexReverse"),
    P("{ .strings[0:2] }", "one two", id="stringSubSliceFirst2"),
    P("{ .strings[:2] }", "one two", id="stringSubSliceFirst2Alt"),
    P("{ .strings[:4:2] }", "one three", id="stringSubSliceStep2"),
    # interfaces slice tests
    P("{ .interfaces }", '[true,"one",1,1.1]', id="interfaceSlice"),
    P("{ .interfaces[0] }", "true", id="interfaceSliceIndex"),
    P("{ .interfaces[-2] }", "1", id="interfaceSliceIndexReverse"),
    P("{ .interfaces[0:2] }", "true one", id="interfaceSubSliceFirst2"),
    P("{ .interfaces[:2] }", "true one", id="interfaceSubSliceFirst2Alt"),
    P("{ .interfaces[:4:2] }", "true 1", id="interfaceSubSliceStep2"),
    # maps slice tests
    P("{ .maps }", '[{"name":"one","value":1},{"name":"two","value":2.02},'
      '{"name":"three","value":3.03},{"name":"four","value":4.04}]', id="mapSlice"),
    P("{ .maps[0] }", '{"name":"one","value":1}', id="mapSliceIndex"),
    P("{ .maps[-2] }", '{"name":"three","value":3.03}', id="mapSliceIndexReverse"),
    P("{ .maps[0:2] }", '{"name":"one","value":1} {"name":"two","value":2.02}', id="mapSubSliceFirst2"),
    P("{ .maps[:2] }", '{"name":"one","value":1} {"name":"two","value":2.02}', id="mapSubSliceFirst2Alt"),
    P("{ .maps[::2] }", '{"name":"one","value":1} {"name":"three","value":3.03}', id="mapSubSliceStepOdd"),
    P("{ .maps[1::2] }", '{"name":"two","value":2.02} {"name":"four","value":4.04}', id="mapSubSliceStepEven"),
    # structs slice tests (sorted keys)
    P("{ .structs }", '[{"name":"one","type":"integer","value":1},{"name":"two","type":"float","value":2.002},'
      '{"name":"three","type":"integer","value":3},{"name":"four","type":"float","value":4.004}]', id="structSlice"),
    P("{ .structs[0] }", '{"name":"one","type":"integer","value":1}', id="structSliceIndex"),
    P("{ .structs[-2] }", '{"name":"three","type":"integer","value":3}', id="structSliceIndexReverse"),
    P("{ .structs[0:2] }", '{"name":"one","type":"integer","value":1} {"name":"two","type":"float","value":2.002}',
      id="structSubSliceFirst2"),
    P("{ .structs[:2] }", '{"name":"one","type":"integer","value":1} {"name":"two","type":"float","value":2.002}',
      id="structSubSliceFirst2Alt"),
    P("{ .structs[::2] }", '{"name":"one","type":"integer","value":1} {"name":"three","type":"integer","value":3}',
      id="structSubSliceStepOdd"),
    P("{ .structs[1::2] }", '{"name":"two","type":"float","value":2.002} {"name":"four","type":"float","value":4.004}',
      id="structSubSliceStepEven"),
]  # fmt: skip


@pytest.mark.parametrize(("template", "expect"), TYPES_INPUT)
def test_types_input(template, expect):
    assert run(template, TYPES) == expect


STORE = {
    "Name": "jsonpath",
    "Book": [
        {"Category": "reference", "Author": "Nigel Rees", "Title": "Sayings of the Centurey", "Price": 8.95},
        {"Category": "fiction", "Author": "Evelyn Waugh", "Title": "Sword of Honour", "Price": 12.99},
        {"Category": "fiction", "Author": "Herman Melville", "Title": "Moby Dick", "Price": 8.99},
    ],
    "Bicycle": [
        {"Color": "red", "Price": 19.95, "IsNew": True},
        {"Color": "green", "Price": 20.01, "IsNew": False},
    ],
    "Labels": {"engieer": 10, "web/html": 15, "k8s-app": 20},
    "Employees": {"jason": "manager", "dan": "clerk"},
}

STRUCT_INPUT = [
    P("hello jsonpath", None, "hello jsonpath", id="plain"),
    P("{..}", [1, 2, 3], "[1,2,3]", id="recursive"),
    P("{[?(@<5)]}", [2, 6, 3, 7], "2 3", id="filter"),
    P('{"{"}', None, "{", id="quote"),
    P("{[1,3,4]}", [0, 1, 2, 3, 4], "1 3 4", id="union"),
    P("{[0:2]}", ["Monday", "Tudesday"], "Monday Tudesday", id="array"),
    P("hello {.Name}", STORE, "hello jsonpath", id="variable"),
    P("{$.Labels.web/html}", STORE, "15", id="dict/"),
    P("{$.Employees.jason}", STORE, "manager", id="dict/jason"),
    P("{$.Employees.dan}", STORE, "clerk", id="dict/dan"),
    P("{.Labels.k8s-app}", STORE, "20", id="dict-"),
    P("{.Bicycle[*].Color}", STORE, "red green", id="nest"),
    P("{.Book[*].Author}", STORE, "Nigel Rees Evelyn Waugh Herman Melville", id="allarray"),
    # sorted keys: Color, IsNew, Price
    P('{range .Bicycle[*]}{ "{" }{ @.* }{ "} " }{end}', STORE, "{red true 19.95} {green false 20.01} ",
      id="allfields"),
    # sorted keys: Bicycle before Book
    P("{..Price}", STORE, "19.95 20.01 8.95 12.99 8.99", id="recurfields"),
    P("{...Price}", STORE, "19.95 20.01 8.95 12.99 8.99", id="recurdotfields"),
    P("{.Bicycle}", STORE, '[{"Color":"red","IsNew":true,"Price":19.95},{"Color":"green","IsNew":false,"Price":20.01}]',
      id="allstructsSlice"),
    P('{range .Bicycle[*]}{ @ }{ " " }{end}', STORE,
      '{"Color":"red","IsNew":true,"Price":19.95} {"Color":"green","IsNew":false,"Price":20.01} ', id="allstructs"),
    P("{.Book[-1:]}", STORE, '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}',
      id="lastarray"),
    P("{..Book[2]}", STORE, '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}',
      id="recurarray"),
    P("{.Bicycle[?(@.IsNew==true)]}", STORE, '{"Color":"red","IsNew":true,"Price":19.95}', id="bool"),
]  # fmt: skip


@pytest.mark.parametrize(("template", "data", "expect"), STRUCT_INPUT)
def test_struct_input(template, data, expect):
    assert run(template, data) == expect


def test_struct_input_superrecurfields():
    with pytest.raises(JSONPathError):
        run("{............................................................Price}", STORE)


@pytest.mark.parametrize(
    ("template", "expect"),
    [P("{.hello}", "", id="nonexistent field"), P("before-{.hello}after", "before-after", id="nonexistent field 2")],
)
def test_missing_keys_allowed(template, expect):
    assert run(template, STORE, allow_missing_keys=True) == expect


@pytest.mark.parametrize(
    ("template", "message"),
    [
        P("{hello}", "unrecognized identifier hello", id="invalid identifier"),
        P("{.hello}", "hello is not found", id="nonexistent field"),
        P("{.Labels[0]}", "map[string]interface {} is not array or slice", id="invalid array"),
        P("{.Book[?(@.Price<>10)]}", "unrecognized filter operator <>", id="invalid filter operator"),
        P("{range .Labels.*}{@}{end}{end}", "not in range, nothing to end", id="redundant end"),
    ],
)
def test_fail_struct_input(template, message):
    with pytest.raises(JSONPathError) as excinfo:
        run(template, STORE)
    assert str(excinfo.value) == message


POINTS = json.loads("""[
    {"id": "i1", "x":4, "y":-5},
    {"id": "i2", "x":-2, "y":-5, "z":1},
    {"id": "i3", "x":  8, "y":  3 },
    {"id": "i4", "x": -6, "y": -1 },
    {"id": "i5", "x":  0, "y":  2, "z": 1 },
    {"id": "i6", "x":  1, "y":  4 }
]""")


@pytest.mark.parametrize(
    ("template", "expect"),
    [P("{[?(@.z)].id}", "i2 i5", id="exists filter"), P("{[0]['id']}", "i1", id="bracket key")],
)
def test_json_input(template, expect):
    assert run(template, POINTS) == expect


NODES = json.loads("""{
  "kind": "List",
  "items":[
    {
      "kind":"None",
      "metadata":{"name":"127.0.0.1", "labels":{"kubernetes.io/hostname":"127.0.0.1"}},
      "status":{
        "capacity":{"cpu":"4"},
        "ready": true,
        "addresses":[{"type": "LegacyHostIP", "address":"127.0.0.1"}]
      }
    },
    {
      "kind":"None",
      "metadata":{"name":"127.0.0.2", "labels":{"kubernetes.io/hostname":"127.0.0.2"}},
      "status":{
        "capacity":{"cpu":"8"},
        "ready": false,
        "addresses":[
          {"type": "LegacyHostIP", "address":"127.0.0.2"},
          {"type": "another", "address":"127.0.0.3"}
        ]
      }
    }
  ],
  "users":[
    {"name": "myself", "user": {}},
    {"name": "e2e", "user": {"username": "admin", "password": "secret"}}
  ]
}""")

KUBERNETES = [
    P("{range .items[*]}{.metadata.name}, {end}{.kind}", "127.0.0.1, 127.0.0.2, List", id="range item"),
    P('{range .items[*]}{.metadata.name}{"\\t"}{end}', "127.0.0.1\t127.0.0.2\t", id="range item with quote"),
    P("{.items[*].status.addresses[*].address}", "127.0.0.1 127.0.0.2 127.0.0.3", id="range addresss"),
    P("{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", "127.0.0.1, 127.0.0.2, 127.0.0.3, ",
      id="double range"),
    P("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2", id="item name"),
    P("{.items[*]['metadata.name', 'status.capacity']}", '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}',
      id="union nodes capacity"),
    P("{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
      '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] ', id="range nodes capacity"),
    P('{.users[?(@.name=="e2e")].user.password}', "secret", id="user password"),
    P("{.items[0].metadata.labels.kubernetes\\.io/hostname}", "127.0.0.1", id="hostname"),
    P('{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', "None", id="hostname filter"),
    P("{.items[?(@..ready==true)].metadata.name}", "127.0.0.1", id="bool item"),
]  # fmt: skip


@pytest.mark.parametrize(("template", "expect"), KUBERNETES)
def test_kubernetes(template, expect):
    assert run(template, NODES) == expect


def test_kubernetes_recursive_name_in_any_order():
    """Go visits maps in random order, so upstream compares sorted words."""
    assert sorted(run("{..name}", NODES).split()) == sorted("127.0.0.1 127.0.0.2 myself e2e".split())


@pytest.mark.parametrize(
    "template",
    [
        P("{range .items[*]}{.metadata.name}{end}", id="empty range"),
        P('{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
          id="empty nested range"),
    ],
)  # fmt: skip
def test_empty_range(template):
    assert run(template, {"items": []}, allow_missing_keys=True) == ""


NESTED = json.loads("""{
  "items": [
    {"metadata": {"name": "pod1"},
     "spec": {"containers": [
       {"name": "foo", "another": [{"name": "value1"}, {"name": "value2"}]},
       {"name": "bar", "another": [{"name": "value1"}, {"name": "value2"}]}]}},
    {"metadata": {"name": "pod2"},
     "spec": {"containers": [
       {"name": "baz", "another": [{"name": "value1"}, {"name": "value2"}]}]}}
  ]
}""")


@pytest.mark.parametrize(
    ("template", "expect"),
    [
        P('{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
          "pod1:foo,bar,+pod2:baz,+", id="nested range with a trailing newline"),
        P('{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}'
          '{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}',
          "pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#",
          id="nested range with a trailing character within another nested range with a trailing newline"),
        P('{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\t"}'
          '{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}',
          "pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n",
          id="two nested ranges at the same level with a trailing newline"),
    ],
)  # fmt: skip
def test_nested_ranges(template, expect):
    assert run(template, NESTED) == expect


ANNOTATED_PODS = {
    "kind": "List",
    "items": [
        {"kind": "Pod", "metadata": {"name": "pod1", "annotations": {"color": "blue"}}},
        {"kind": "Pod", "metadata": {"name": "pod2"}},
        {"kind": "Pod", "metadata": {"name": "pod3", "annotations": {"color": "green"}}},
        {"kind": "Pod", "metadata": {"name": "pod4", "annotations": {"color": "blue"}}},
    ],
}


def test_filter_partial_matches_sometimes_missing_annotations():
    """https://issues.k8s.io/45546"""
    template = '{.items[?(@.metadata.annotations.color=="blue")].metadata.name}'
    assert run(template, ANNOTATED_PODS, allow_missing_keys=True) == "pod1 pod4"
    with pytest.raises(JSONPathError):
        run(template, ANNOTATED_PODS)


def containers(n):
    pod_containers = [{"image": "radial/busyboxplus:curl", "name": f"fake{i}"} for i in range(n)]
    return {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": pod_containers}}


NEGATIVE_INDEX = [
    P("{.spec.containers[0].name}", "fake0", id="test containers[0], it equals containers[0]"),
    P("{.spec.containers[0:0].name}", "", id="test containers[0:0], it equals the empty set"),
    P("{.spec.containers[0:-1].name}", "fake0 fake1 fake2", id="test containers[0:-1], it equals containers[0:3]"),
    P("{.spec.containers[-1:0].name}", None, id="test containers[-1:0], expect error"),
    P("{.spec.containers[-1].name}", "fake3", id="test containers[-1], it equals containers[3]"),
    P("{.spec.containers[-1:].name}", "fake3", id="test containers[-1:], it equals containers[3:]"),
    P("{.spec.containers[-2].name}", "fake2", id="test containers[-2], it equals containers[2]"),
    P("{.spec.containers[-2:].name}", "fake2 fake3", id="test containers[-2:], it equals containers[2:]"),
    P("{.spec.containers[-3].name}", "fake1", id="test containers[-3], it equals containers[1]"),
    P("{.spec.containers[-4].name}", "fake0", id="test containers[-4], it equals containers[0]"),
    P("{.spec.containers[-4:].name}", "fake0 fake1 fake2 fake3", id="test containers[-4:], it equals containers[0:]"),
    P("{.spec.containers[-5].name}", None, id="test containers[-5], expect a error cause it out of bounds"),
    P("{.spec.containers[5:5].name}", "", id="test containers[5:5], expect empty set"),
    P("{.spec.containers[-5:-5].name}", "", id="test containers[-5:-5], expect empty set"),
    P("{.spec.containers[3:1].name}", None,
      id="test containers[3:1], expect a error cause start index is greater than end index"),
    P("{.spec.containers[-1:-2].name}", None,
      id="test containers[-1:-2], it equals containers[3:2], "
         "expect a error cause start index is greater than end index"),
]  # fmt: skip

STEP = [
    P("{.spec.containers[0:].name}", "fake0 fake1 fake2 fake3 fake4 fake5",
      id="test containers[0:], it equals containers[0:6:1]"),
    P("{.spec.containers[0:6:].name}", "fake0 fake1 fake2 fake3 fake4 fake5",
      id="test containers[0:6:], it equals containers[0:6:1]"),
    P("{.spec.containers[0:6:1].name}", "fake0 fake1 fake2 fake3 fake4 fake5", id="test containers[0:6:1]"),
    P("{.spec.containers[0:6:0].name}", None, id="test containers[0:6:0], it errors"),
    P("{.spec.containers[0:6:-1].name}", None, id="test containers[0:6:-1], it errors"),
    P("{.spec.containers[1:4:2].name}", "fake1 fake3", id="test containers[1:4:2]"),
    P("{.spec.containers[1:4:3].name}", "fake1", id="test containers[1:4:3]"),
    P("{.spec.containers[1:4:4].name}", "fake1", id="test containers[1:4:4]"),
    P("{.spec.containers[0:6:2].name}", "fake0 fake2 fake4", id="test containers[0:6:2]"),
    P("{.spec.containers[0:6:3].name}", "fake0 fake3", id="test containers[0:6:3]"),
    P("{.spec.containers[0:6:5].name}", "fake0 fake5", id="test containers[0:6:5]"),
    P("{.spec.containers[0:6:6].name}", "fake0", id="test containers[0:6:6]"),
]  # fmt: skip


@pytest.mark.parametrize(("count", "template", "expect"), [P(4, *c.values, id=c.id) for c in NEGATIVE_INDEX]
                         + [P(6, *c.values, id=c.id) for c in STEP])  # fmt: skip
def test_negative_index_and_step(count, template, expect):
    if expect is None:
        with pytest.raises(JSONPathError):
            run(template, containers(count))
    else:
        assert run(template, containers(count)) == expect


def test_running_pods_jsonpath_output():
    data = {
        "kind": "List",
        "items": [
            {"kind": "Pod", "metadata": {"name": "pod1"}, "status": {"phase": "Running"}},
            {"kind": "Pod", "metadata": {"name": "pod2"}, "status": {"phase": "Running"}},
            {"kind": "Pod", "metadata": {"name": "pod3"}, "status": {"phase": "Running"}},
            {"resourceVersion": ""},
        ],
    }
    template = '{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\\n"}{end}'
    assert run(template, data, allow_missing_keys=True) == "pod1 is Running\npod2 is Running\npod3 is Running\n"


# ============================================================================ the real kubectl

FIXTURE = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"annotations": {"z": "1"}, "labels": {"app": "web", "tier": "front"}, "name": "web"},
    "spec": {
        "replicas": 3, "paused": False, "ratio": 0.25, "big": 1e6, "tiny": 1e-7, "none": None,
        "containers": [
            {"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80, "protocol": "TCP"}]},
            {"name": "sidecar", "image": "busybox", "args": ["sleep", "3600"]},
        ],
        "items": [{"n": "one", "c": [1]}, {"n": "two", "c": [1, 2]}, {"n": "none"}, {"n": "null", "c": None}],
        "empty": [], "nulls": [None, {"k": None}], "text": 'a<b>&"q"\tz é',
    },
}  # fmt: skip

# The object as kubectl dumped it (Go %#v) in every execution error below.
FIXTURE_DUMP = (
    'map[string]interface {}{"apiVersion":"v1", "kind":"ConfigMap", "metadata":map[string]interface {}{'
    '"annotations":map[string]interface {}{"z":"1"}, "labels":map[string]interface {}{"app":"web", "tier":"front"}, '
    '"name":"web"}, "spec":map[string]interface {}{"big":1e+06, "containers":[]interface {}{map[string]interface {}{'
    '"image":"nginx:1.25", "name":"nginx", "ports":[]interface {}{map[string]interface {}{"containerPort":80, '
    '"protocol":"TCP"}}}, map[string]interface {}{"args":[]interface {}{"sleep", "3600"}, "image":"busybox", '
    '"name":"sidecar"}}, "empty":[]interface {}{}, "items":[]interface {}{map[string]interface {}{"c":[]interface '
    '{}{1}, "n":"one"}, map[string]interface {}{"c":[]interface {}{1, 2}, "n":"two"}, map[string]interface {}{'
    '"n":"none"}, map[string]interface {}{"c":interface {}(nil), "n":"null"}}, "none":interface {}(nil), '
    '"nulls":[]interface {}{interface {}(nil), map[string]interface {}{"k":interface {}(nil)}}, "paused":false, '
    '"ratio":0.25, "replicas":3, "text":"a<b>&\\"q\\"\\tz é", "tiny":1e-07}}'
)

KUBECTL_OUTPUT = [
    ("{.metadata.name}", "web"),
    ("{.metadata.labels}", '{"app":"web","tier":"front"}'),
    ("{.metadata.labels.*}", "web front"),
    ("{.spec.replicas} {.spec.paused} {.spec.ratio} {.spec.big} {.spec.tiny} {.spec.none}",
     "3 false 0.25 1e+06 1e-07 null"),
    ("{.spec.containers[*].name}", "nginx sidecar"),
    ("{.spec.containers[-1].image}", "busybox"),
    ("{.spec.containers[0:1]}",
     '{"image":"nginx:1.25","name":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}]}'),
    ("{.spec.containers[*].ports[*].containerPort}", "80"),
    ("{range .spec.containers[*]}{.name}{'\\t'}{.image}{\"\\n\"}{end}", "nginx\tnginx:1.25\nsidecar\tbusybox\n"),
    ("{range .spec.containers[*]}{.name}:{range .ports[*]}{.containerPort}/{.protocol},{end};{end}",
     "nginx:80/TCP,;sidecar:;"),
    ('{.spec.containers[?(@.name=="sidecar")].args}', '["sleep","3600"]'),
    ('{.spec.containers[?(@.name!="sidecar")].name}', "nginx"),
    ("{.spec.containers[?(@.ports)].name}", "nginx"),
    # An exists-filter keeps "one": c[1] is out of bounds, and Go returns c itself with the error.
    ("{.spec.items[?(@.c[1])].n}", "one two"),
    ("{.spec.items[?(@.c)].n}", "one two null"),
    ("{.spec.items[?(@.c[0]==1)].n}", "one two"),
    ("{.spec.items[*].c}", "[1] [1,2] null"),
    ("{.spec.nulls[*]}", 'null {"k":null}'),
    ("{range .spec.nulls[*]}[{@}]{end}", '[<no value>][{"k":null}]'),
    ("{range .spec.empty[*]}[{.name}]{end}done", "done"),
    ("{.spec.containers[*]['name','image']}", "nginx sidecar nginx:1.25 busybox"),
    ("{.spec.containers[0,1].name}", "nginx sidecar"),
    ("{.spec.text}", 'a<b>&"q"\tz é'),
    ("{.spec.text.*}", "97 60 98 62 38 34 113 34 9 122 32 195 169"),
    ("{.spec}", '{"big":1000000,"containers":[{"image":"nginx:1.25","name":"nginx","ports":[{"containerPort":80,'
     '"protocol":"TCP"}]},{"args":["sleep","3600"],"image":"busybox","name":"sidecar"}],"empty":[],"items":'
     '[{"c":[1],"n":"one"},{"c":[1,2],"n":"two"},{"n":"none"},{"c":null,"n":"null"}],"none":null,"nulls":'
     '[null,{"k":null}],"paused":false,"ratio":0.25,"replicas":3,"text":"a\\u003cb\\u003e\\u0026\\"q\\"\\tz é",'
     '"tiny":1e-7}'),
    ("{.metadata.name.*}", "119 101 98"),
    ("{.missing}", ""),
    ("x{.missing}y", "xy"),
    ('{.metadata.labels.app}{"\\n"}', "web\n"),
    ("{$.kind}", "ConfigMap"),
    ("{@.kind}", "ConfigMap"),
    ("{['metadata.name']}", "web"),
    ("{.spec.containers[5:5]}", ""),
    ("{1}{2.50}{true}{false}{'s'}", "12.5truefalses"),
]  # fmt: skip


@pytest.mark.parametrize(("template", "stdout"), [P(t, o, id=t) for t, o in KUBECTL_OUTPUT])
def test_kubectl_output(template, stdout):
    assert print_jsonpath(template, FIXTURE) == stdout


def test_kubectl_output_in_map_order():
    """kubectl printed ``nginx sidecar web``: Go's map order is random, ours is sorted keys."""
    assert sorted(print_jsonpath("{..name}", FIXTURE).split()) == ["nginx", "sidecar", "web"]


def kubectl_stderr(err: JSONPathError) -> str:
    """What kubectl's error handler writes: ``error: `` and the message, ending in a newline."""
    message = f"error: {err}"
    return message if message.endswith("\n") else message + "\n"


KUBECTL_EXECUTION_ERRORS = [
    ("{.spec.containers[::-1]}", True, "step must be > 0"),
    ("{.spec.replicas[?(@>1)]}", True, "3 is not array or slice and cannot be filtered"),
    ("{.missing}", False, "missing is not found"),
    ("{.spec.containers[5]}", True, "array index out of bounds: index 5, length 2"),
    ("{.spec.items[?(@.n>1)].n}", True, "incompatible types for comparison"),
    ("{.metadata[?(@.x)]}", True,
     "map[annotations:map[z:1] labels:map[app:web tier:front] name:web] is not array or slice and cannot be filtered"),
    ("{.spec.containers[?(@.name<>1)]}", True, "unrecognized filter operator <>"),
    ("{end}", True, "not in range, nothing to end"),
    ("{range .spec.containers[*]}{.name}{end}{end}", True, "not in range, nothing to end"),
    ("{hello}", True, "unrecognized identifier hello"),
]  # fmt: skip


@pytest.mark.parametrize(("template", "allow", "error"), [P(*c, id=c[0]) for c in KUBECTL_EXECUTION_ERRORS])
def test_kubectl_execution_errors(template, allow, error):
    with pytest.raises(JSONPathError) as excinfo:
        print_jsonpath(template, FIXTURE, allow_missing_keys=allow)
    assert kubectl_stderr(excinfo.value) == (
        f"error: error executing jsonpath {go_quote(template)}: Error executing template: {error}. "
        "Printing more information for debugging the template:\n"
        f"\ttemplate was:\n\t\t{template}\n"
        f"\tobject given to jsonpath engine was:\n\t\t{FIXTURE_DUMP}\n\n\n"
    )


def test_kubectl_missing_key_error_verbatim():
    """``kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{.missing}'
    --allow-missing-template-keys=false`` wrote exactly this to stderr."""
    deployment = {
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": "x", "creationTimestamp": None, "labels": {"app": "x"}},
        "spec": {
            "replicas": 1, "selector": {"matchLabels": {"app": "x"}},
            "template": {
                "metadata": {"creationTimestamp": None, "labels": {"app": "x"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {}}]},
            },
            "strategy": {},
        },
        "status": {},
    }  # fmt: skip
    with pytest.raises(JSONPathError) as excinfo:
        print_jsonpath("{.missing}", deployment, allow_missing_keys=False)
    assert kubectl_stderr(excinfo.value) == (
        'error: error executing jsonpath "{.missing}": Error executing template: missing is not found. '
        "Printing more information for debugging the template:\n"
        "\ttemplate was:\n"
        "\t\t{.missing}\n"
        "\tobject given to jsonpath engine was:\n"
        '\t\tmap[string]interface {}{"apiVersion":"apps/v1", "kind":"Deployment", "metadata":map[string]interface {}'
        '{"creationTimestamp":interface {}(nil), "labels":map[string]interface {}{"app":"x"}, "name":"x"}, '
        '"spec":map[string]interface {}{"replicas":1, "selector":map[string]interface {}{"matchLabels":'
        'map[string]interface {}{"app":"x"}}, "strategy":map[string]interface {}{}, "template":map[string]interface {}'
        '{"metadata":map[string]interface {}{"creationTimestamp":interface {}(nil), "labels":map[string]interface {}'
        '{"app":"x"}}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}'
        '{"image":"nginx", "name":"nginx", "resources":map[string]interface {}{}}}}}}, '
        '"status":map[string]interface {}{}}'
        "\n\n\n"
    )


KUBECTL_PARSE_ERRORS = [
    ("{.a", "error: error parsing jsonpath {.a, unclosed action\n"),
    ("{*}", "error: error parsing jsonpath {*}, unrecognized character in action: U+002A '*'\n"),
    ("{\t.x}", "error: error parsing jsonpath {\t.x}, unrecognized character in action: U+0009\n"),
    ("{+12.3.0}", "error: error parsing jsonpath {+12.3.0}, cannot parse number +12.3.0\n"),
    ("{[1}", "error: error parsing jsonpath {[1}, unterminated array\n"),
    ("{[?(.price]}", "error: error parsing jsonpath {[?(.price]}, unterminated filter\n"),
    ("{.x[a]}", "error: error parsing jsonpath {.x[a]}, invalid array index a\n"),
    ("{.x[-]}", "error: error parsing jsonpath {.x[-]}, array index - is not a number\n"),
    ('{"\\q"}', 'error: error parsing jsonpath {"\\q"}, unquote string "\\q" error invalid syntax\n'),
    ("{....x}", "error: error parsing jsonpath {....x}, invalid multiple recursive descent\n"),
    # No regexp operator: the ')' after @.name closes the filter.
    ("{.spec.containers[?(@.name)=~'x']}",
     "error: error parsing jsonpath {.spec.containers[?(@.name)=~'x']}, unclosed array expect ]\n"),
    ('{.spec.containers[?(@.name=~"ng.*")].name}',
     "error: error parsing jsonpath {.spec.containers[?(@.name=~\"ng.*\")].name}, "
     "unrecognized character in action: U+007E '~'\n"),
    ("", "error: template format specified but no template given\n"),
]  # fmt: skip


@pytest.mark.parametrize(("template", "stderr"), [P(t, e, id=t) for t, e in KUBECTL_PARSE_ERRORS])
def test_kubectl_parse_errors(template, stderr):
    with pytest.raises(JSONPathError) as excinfo:
        print_jsonpath(template, FIXTURE)
    assert kubectl_stderr(excinfo.value) == stderr


KUBECTL_AS_JSON = [
    ("{.metadata.name}", '[\n    "web"\n]\n'),
    ("{.spec.containers[*].name}", '[\n    "nginx",\n    "sidecar"\n]\n'),
    ("{.nope}", "[]\n"),
    ("x{range .spec.containers[*]}{.name}{end}", '[\n    "x"\n]\n[\n    "nginx"\n]\n[\n    "sidecar"\n]\n'),
    ("{.spec.items[3]}", '[\n    {\n        "c": null,\n        "n": "null"\n    }\n]\n'),
]


@pytest.mark.parametrize(("template", "stdout"), [P(t, o, id=t) for t, o in KUBECTL_AS_JSON])
def test_kubectl_jsonpath_as_json(template, stdout):
    assert print_jsonpath(template, FIXTURE, as_json=True) == stdout


def test_kubectl_jsonpath_as_json_nested():
    out = print_jsonpath("{.spec.containers[1]}", FIXTURE, as_json=True)
    assert out == (
        "[\n    {\n        \"args\": [\n            \"sleep\",\n            \"3600\"\n        ],\n"
        "        \"image\": \"busybox\",\n        \"name\": \"sidecar\"\n    }\n]\n"
    )


def test_empty_range_with_an_index_is_the_zero_value_panic_kubectl_crashes_on():
    with pytest.raises(JSONPathError, match="zero Value"):
        print_jsonpath("{range .spec.empty[*]}{[0]}{end}", FIXTURE)


# ============================================================================ Go formatting


@pytest.mark.parametrize(
    ("value", "text", "json_text"),
    [
        (1.0, "1", "1"),
        (2.5, "2.5", "2.5"),
        (1e6, "1e+06", "1000000"),
        (1e21, "1e+21", "1e+21"),
        (1e-6, "1e-06", "0.000001"),
        (1e-7, "1e-07", "1e-7"),
        (123456789.0, "1.23456789e+08", "123456789"),
        (-0.0, "-0", "-0"),
        (1.5e300, "1.5e+300", "1.5e+300"),
        (-2.5e-8, "-2.5e-08", "-2.5e-8"),
        (100000.0, "100000", "100000"),
        (0.0001, "0.0001", "0.0001"),
    ],
)
def test_floats_print_as_kubectl_prints_them(value, text, json_text):
    """``fmt.Sprint`` and ``json.Marshal`` of float64s, as kubectl printed them in jsonpath output."""
    assert go_float(value) == text
    assert to_json(value) == json_text


def test_strings_quote_and_escape_as_go_does():
    """kubectl printed these for the string ``a\\tb\\x01ÿ\\u2028😀"\\`` and ``a\\bb\\fc\\x7fd\\xade\\n``."""
    assert go_quote('a\tb\x01ÿ\u2028😀"\\') == '"a\\tb\\x01ÿ\\u2028😀\\"\\\\"'
    assert to_json('a\tb\x01ÿ\u2028😀"\\') == '"a\\tb\\u0001ÿ\\u2028😀\\"\\\\"'
    assert to_json("a\bb\fc\x7fd\xade\n") == '"a\\bb\\fc\x7fd\xade\\n"'


def test_sprint_is_go_fmt_v():
    assert sprint({"e": "", "l": [1, "q", []], "m": {"a": 1}, "s": "hé"}) == "map[e: l:[1 q []] m:map[a:1] s:hé]"
    assert sprint(None) == "<nil>"
    assert sprint([True, 1.5, None]) == "[true 1.5 <nil>]"


def test_execute_is_repeatable():
    """Go mutates its parser while ranging; executing the same template twice must not care."""
    jsonpath = JSONPath("{range .items[*]}{.n},{end}").parse()
    data = {"items": [{"n": 1}, {"n": 2}]}
    assert jsonpath.execute(data) == jsonpath.execute(data) == "1,2,"
