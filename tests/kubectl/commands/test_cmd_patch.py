"""`kubenb.kubectl.patch` (strategic merge, RFC 7386, RFC 6902) and `kubectl patch`."""

from __future__ import annotations

import importlib

import pytest
from course_manifests import NGINX_DEPLOY, run

from kubenb import Cluster
from kubenb.api.apps import Deployment
from kubenb.api.core import Pod

p = importlib.import_module("kubenb.kubectl.patch")  # not the attribute: the command table may name a command `patch`

# ---------------------------------------------------------------------------- strategic merge patch

POD = {
    "metadata": {"name": "x", "labels": {"a": "1", "b": "2"}, "finalizers": ["f1", "f2"]},
    "spec": {
        "containers": [
            {"name": "nginx", "image": "nginx:1", "args": ["-a", "-b"],
             "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
             "ports": [{"containerPort": 80}, {"containerPort": 443}]},
            {"name": "sidecar", "image": "busybox"},
        ],
        "tolerations": [{"key": "k1", "operator": "Exists"}],
    },
}


def smp(original: dict, patch: dict, model=Pod) -> dict:
    return p.strategic_merge(original, patch, p.schema_for(model))


@pytest.mark.parametrize(("patch", "check"), [
    pytest.param({"metadata": {"labels": {"b": None, "c": "3"}}},
                 lambda r: r["metadata"]["labels"] == {"a": "1", "c": "3"}, id="maps-merge-null-deletes"),
    pytest.param({"spec": {"containers": [{"name": "nginx", "image": "nginx:2"}]}},
                 lambda r: [(c["name"], c["image"]) for c in r["spec"]["containers"]] == [("nginx", "nginx:2"),
                                                                                         ("sidecar", "busybox")]
                 and r["spec"]["containers"][0]["args"] == ["-a", "-b"], id="merge-by-name-keeps-the-rest"),
    pytest.param({"spec": {"containers": [{"name": "new", "image": "x"}]}},
                 lambda r: [c["name"] for c in r["spec"]["containers"]] == ["new", "nginx", "sidecar"],
                 id="new-item-goes-first"),
    pytest.param({"spec": {"containers": [{"name": "nginx", "args": ["-c"]}]}},
                 lambda r: r["spec"]["containers"][0]["args"] == ["-c"], id="untagged-list-replaced"),
    pytest.param({"spec": {"tolerations": [{"key": "k2", "operator": "Exists"}]}},
                 lambda r: r["spec"]["tolerations"] == [{"key": "k2", "operator": "Exists"}], id="tolerations-atomic"),
    pytest.param({"spec": {"containers": [{"name": "nginx", "env": [{"name": "B", "value": "x"}]}]}},
                 lambda r: r["spec"]["containers"][0]["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "x"}],
                 id="env-by-name-order-kept"),
    pytest.param({"spec": {"containers": [{"name": "nginx", "ports": [{"containerPort": 443, "name": "https"}]}]}},
                 lambda r: r["spec"]["containers"][0]["ports"] == [{"containerPort": 80},
                                                                   {"containerPort": 443, "name": "https"}],
                 id="ports-by-containerPort"),
    pytest.param({"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}},
                 lambda r: [c["name"] for c in r["spec"]["containers"]] == ["nginx"], id="patch-delete-item"),
    pytest.param({"spec": {"containers": [{"name": "only", "image": "x"}, {"$patch": "replace"}]}},
                 lambda r: r["spec"]["containers"] == [{"name": "only", "image": "x"}], id="patch-replace-list"),
    pytest.param({"metadata": {"labels": {"$patch": "replace", "z": "9"}}},
                 lambda r: r["metadata"]["labels"] == {"z": "9"}, id="patch-replace-map"),
    pytest.param({"metadata": {"labels": {"$patch": "delete"}}},
                 lambda r: r["metadata"]["labels"] == {}, id="patch-delete-map"),
    pytest.param({"spec": {"$setElementOrder/containers": [{"name": "sidecar"}, {"name": "nginx"}]}},
                 lambda r: [c["name"] for c in r["spec"]["containers"]] == ["sidecar", "nginx"], id="set-element-order"),
    pytest.param({"metadata": {"finalizers": ["f3", "f1"]}},
                 lambda r: r["metadata"]["finalizers"] == ["f3", "f1", "f2"], id="primitive-merge-list"),
    pytest.param({"metadata": {"$deleteFromPrimitiveList/finalizers": ["f1"]}},
                 lambda r: r["metadata"]["finalizers"] == ["f2"], id="delete-from-primitive-list"),
])
def test_strategic_merge(patch, check):
    result = smp(POD, patch)
    assert check(result), result
    assert POD["spec"]["containers"][1] == {"name": "sidecar", "image": "busybox"}  # arguments never mutated


def test_retain_keys_clears_the_other_strategy_fields():
    original = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}}}}
    patched = smp(original, {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}, Deployment)
    assert patched["spec"]["strategy"] == {"type": "Recreate"}
    with pytest.raises(p.BadRequest, match="invalid patch format of retainKeys"):
        smp(original, {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}}, Deployment)


def test_kubectl_apply_style_patch():
    """The body `kubectl apply` sends for an image change (as measured against the real kubectl)."""
    original = {"spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.25",
                                                                               "imagePullPolicy": "IfNotPresent"}]}}}}
    patch = {"spec": {"replicas": 3, "template": {"spec": {"$setElementOrder/containers": [{"name": "nginx"}],
                                                            "containers": [{"image": "nginx:1.27", "name": "nginx"}]}}}}
    assert smp(original, patch, Deployment) == {"spec": {"replicas": 3, "template": {"spec": {"containers": [
        {"name": "nginx", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent"}]}}}}


def test_strategic_merge_errors():
    with pytest.raises(p.InternalError) as err:
        smp(POD, {"spec": {"containers": [{"image": "nginx:1.25"}]}})
    assert str(err.value) == "map: map[image:nginx:1.25] does not contain declared merge key: name"
    with pytest.raises(p.BadRequest) as err:
        smp(POD, [1, 2])  # type: ignore[arg-type]
    assert str(err.value) == "json: cannot unmarshal array into Go value of type map[string]interface {}"
    with pytest.raises(p.InternalError, match="unknown patch type: foo in map: map"):
        smp(POD, {"metadata": {"labels": {"$patch": "foo"}}})


# ---------------------------------------------------------------------------- RFC 7386 (its appendix A)


@pytest.mark.parametrize(("target", "patch", "result"), [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
])
def test_json_merge_rfc7386(target, patch, result):
    assert p.json_merge(target, patch) == result


# ---------------------------------------------------------------------------- RFC 6902 (its appendix A)


@pytest.mark.parametrize(("doc", "ops", "result"), [
    ({"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux"}], {"baz": "qux", "foo": "bar"}),
    ({"foo": ["bar", "baz"]}, [{"op": "add", "path": "/foo/1", "value": "qux"}], {"foo": ["bar", "qux", "baz"]}),
    ({"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}], {"foo": "bar"}),
    ({"foo": ["bar", "qux", "baz"]}, [{"op": "remove", "path": "/foo/1"}], {"foo": ["bar", "baz"]}),
    ({"baz": "qux", "foo": "bar"}, [{"op": "replace", "path": "/baz", "value": "boo"}], {"baz": "boo", "foo": "bar"}),
    ({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
     [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
     {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
    ({"foo": ["all", "grass", "cows", "eat"]}, [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
     {"foo": ["all", "cows", "eat", "grass"]}),
    ({"baz": "qux", "foo": ["a", 2, "c"]}, [{"op": "test", "path": "/baz", "value": "qux"},
                                             {"op": "test", "path": "/foo/1", "value": 2}],
     {"baz": "qux", "foo": ["a", 2, "c"]}),
    ({"foo": "bar"}, [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
     {"foo": "bar", "child": {"grandchild": {}}}),
    ({"foo": ["bar"]}, [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}], {"foo": ["bar", ["abc", "def"]]}),
    ({"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": 10}, {"op": "copy", "from": "/~1", "path": "/x"}],
     {"/": 9, "~1": 10, "x": 9}),
])
def test_json_patch_rfc6902(doc, ops, result):
    assert p.json_patch(doc, ops) == result


@pytest.mark.parametrize(("doc", "ops"), [
    ({"baz": "qux"}, [{"op": "test", "path": "/baz", "value": "bar"}]),
    ({"foo": "bar"}, [{"op": "add", "path": "/baz/bat", "value": "qux"}]),
    ({"foo": "bar"}, [{"op": "replace", "path": "/nope", "value": 1}]),
    ({"foo": "bar"}, [{"op": "remove", "path": "/nope"}]),
    ({"foo": [1]}, [{"op": "add", "path": "/foo/5", "value": 1}]),
    ({"foo": 1}, [{"op": "frobnicate", "path": "/foo"}]),
])
def test_json_patch_failures_are_unprocessable(doc, ops):
    with pytest.raises(p.Unprocessable):
        p.json_patch(doc, ops)
    assert p.status_error(p.Unprocessable("x")).message == "the server rejected our request due to an error in our request"


# ---------------------------------------------------------------------------- kubectl patch


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster()
    cluster.apply(NGINX_DEPLOY)
    cluster.sleep("30s")
    return cluster


def test_patch_types(c):
    assert run(c, """patch deploy nginx-deploy -p '{"spec":{"replicas":3}}'""") == (
        "deployment.apps/nginx-deploy patched\n", "", 0)
    assert run(c, """patch deploy nginx-deploy -p '{"spec":{"replicas":3}}'""") == (
        "deployment.apps/nginx-deploy patched (no change)\n", "", 0)
    assert run(c, "patch deploy nginx-deploy -p 'spec: {replicas: 4}'")[0] == "deployment.apps/nginx-deploy patched\n"
    assert c.get("deploy", "nginx-deploy").spec.replicas == 4
    assert run(c, """patch deploy nginx-deploy --type merge -p '{"metadata":{"labels":{"x":"y"}}}'""")[2] == 0
    assert c.get("deploy", "nginx-deploy").metadata.labels == {"app": "nginx-deploy", "x": "y"}
    assert run(c, """patch deploy nginx-deploy --type json -p '[{"op":"replace","path":"/spec/replicas","value":2}]'""") \
        == ("deployment.apps/nginx-deploy patched\n", "", 0)
    assert c.get("deploy", "nginx-deploy").spec.replicas == 2
    run(c, """patch deploy nginx-deploy -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}'""")
    d = c.get("deploy", "nginx-deploy")
    assert d.spec.template.spec.containers[0].image == "nginx:1.25" and d.metadata.generation == 5
    # the patch went through defaulting: the container keeps (or regains) its defaults
    assert d.spec.template.spec.containers[0].image_pull_policy == "IfNotPresent"


@pytest.mark.parametrize(("cmdline", "stderr"), [
    pytest.param("""patch deploy nginx-deploy --type json -p '[{"op":"replace","path":"/spec/nope/x","value":4}]'""",
                 "The request is invalid: the server rejected our request due to an error in our request\n",
                 id="json-patch-does-not-apply"),
    pytest.param("""patch deploy nginx-deploy --type json -p '{"op":"replace"}'""",
                 "Error from server (BadRequest): json: cannot unmarshal object into Go value of type jsonpatch.Patch\n",
                 id="json-patch-not-a-list"),
    pytest.param("""patch deploy nginx-deploy -p '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}'""",
                 "Error from server: map: map[image:x] does not contain declared merge key: name\n", id="no-merge-key"),
    pytest.param("""patch deploy nginx-deploy -p '[1,2]'""",
                 "Error from server (BadRequest): json: cannot unmarshal array into Go value of type map[string]interface "
                 "{}\n", id="smp-not-an-object"),
    pytest.param("""patch deploy nginx-deploy -p '{"spec":{"replicas":-1}}'""",
                 'The Deployment "nginx-deploy" is invalid: spec.replicas: Invalid value: -1: must be greater than or '
                 "equal to 0\n", id="invalid-result"),
    pytest.param("""patch deploy nginx-deploy -p '{"spec":'""",
                 "Error from server (BadRequest): unexpected end of JSON input\n", id="bad-json-sent-as-is"),
    pytest.param("patch deploy nginx-deploy -p 'a: b: c'",
                 'error: unable to parse "a: b: c": yaml: mapping values are not allowed in this context\n',
                 id="bad-yaml"),
    pytest.param("patch deploy nginx-deploy -p 'spec: ['",
                 'error: unable to parse "spec: [": yaml: line 1: did not find expected node content\n', id="bad-yaml-2"),
    pytest.param("patch deploy nginx-deploy",
                 "error: must specify --patch or --patch-file containing the contents of the patch\n", id="no-patch"),
    pytest.param("patch deploy nginx-deploy --type foo -p '{}'",
                 'error: --type must be one of [json merge strategic], not "foo"\n', id="bad-type"),
    pytest.param("patch deploy nope -p '{}'", 'Error from server (NotFound): deployments.apps "nope" not found\n',
                 id="not-found"),
    pytest.param("patch deploy -p '{}'", "error: resource(s) were provided, but no name was specified\n",
                 id="type-only"),
])
def test_patch_errors_change_nothing(c, cmdline, stderr):
    rv = c.get("deploy", "nginx-deploy").metadata.resource_version
    assert run(c, cmdline) == ("", stderr, 1)
    assert c.get("deploy", "nginx-deploy").metadata.resource_version == rv


def test_patch_dry_run_prints_no_suffix(c):
    """kubectl patch sets its printer's operation after the dry-run strategy, losing `(dry run)`."""
    assert run(c, """patch deploy nginx-deploy -p '{"spec":{"replicas":5}}' --dry-run=client""") == (
        "deployment.apps/nginx-deploy patched\n", "", 0)
    assert run(c, """patch deploy nginx-deploy -p '{"spec":{"replicas":5}}' --dry-run=server""") == (
        "deployment.apps/nginx-deploy patched\n", "", 0)
    assert c.get("deploy", "nginx-deploy").spec.replicas == 2


def test_patch_unknown_field_warns_and_drops(c):
    out, err, code = run(c, """patch deploy nginx-deploy -p '{"spec":{"replicas":3,"foo":1}}'""")
    assert (out, err, code) == ("deployment.apps/nginx-deploy patched\n", 'Warning: unknown field "spec.foo"\n', 0)
    assert c.get("deploy", "nginx-deploy").spec.replicas == 3
