"""`kubectl set image`, `kubectl label`, `kubectl annotate` (outputs checked against kubectl 1.32)."""

from __future__ import annotations

import pytest
from course_manifests import NGINX_DEPLOY, run

from kubenb import Cluster


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster()
    cluster.apply(NGINX_DEPLOY)
    cluster.sleep("30s")
    return cluster


def image(c: Cluster) -> str:
    return c.get("deploy", "nginx-deploy").spec.template.spec.containers[0].image


# ---------------------------------------------------------------------------- set image


def test_set_image_starts_a_rollout(c):
    assert run(c, "set image deployment/nginx-deploy nginx=nginx:1.23") == (
        "deployment.apps/nginx-deploy image updated\n", "", 0)
    assert image(c) == "nginx:1.23"
    run(c, "rollout status deployment/nginx-deploy")
    assert len(c.store.list("ReplicaSet", "default")) == 2
    # the same image again: an empty patch, nothing sent and nothing printed
    assert run(c, "set image deployment/nginx-deploy nginx=nginx:1.23") == ("", "", 0)
    assert run(c, "set image deployment/nginx-deploy '*=nginx:1.24'") == (
        "deployment.apps/nginx-deploy image updated\n", "", 0)
    assert image(c) == "nginx:1.24"


def test_set_image_unknown_container(c):
    rv = c.get("deploy", "nginx-deploy").metadata.resource_version
    assert run(c, "set image deployment/nginx-deploy x=nginx:1.23") == (
        "", 'error: unable to find container named "x"\n', 1)
    assert c.get("deploy", "nginx-deploy").metadata.resource_version == rv
    # a known container is still updated; the errors come last
    assert run(c, "set image deployment/nginx-deploy x=a nginx=nginx:1.25 y=b") == (
        "deployment.apps/nginx-deploy image updated\n",
        'error: unable to find container named "x"\nerror: unable to find container named "y"\n', 1)
    assert image(c) == "nginx:1.25"


@pytest.mark.parametrize(("cmdline", "stderr"), [
    pytest.param("set image deployment/nginx-deploy deployment/nope nginx=x",
                 'Error from server (NotFound): deployments.apps "nope" not found\n', id="lookup-fails-first"),
    pytest.param("set image deployment/nginx-deploy", "error: at least one image update is required\n", id="no-image"),
    pytest.param("set image deployment/nginx-deploy '*=a' nginx=b",
                 "error: all containers are already specified by *, but saw more than one container_name="
                 "container_image pairs\n", id="wildcard-and-more"),
    pytest.param("set image svc/kubernetes nginx=x",
                 "error: services/kubernetes the object is not a pod or does not have a pod template: *v1.Service\n",
                 id="no-pod-template"),
    pytest.param("set image nginx=x deployment/nginx-deploy",
                 "error: all resources must be specified before image changes: deployment/nginx-deploy\n",
                 id="pairs-first"),
    pytest.param("set env deployment/nginx-deploy A=1",
                 "error: unknown command \"env\"\nSee 'kubectl set -h' for help and examples\n", id="other-subcommand"),
])
def test_set_image_errors(c, cmdline, stderr):
    rv = c.get("deploy", "nginx-deploy").metadata.resource_version
    assert run(c, cmdline) == ("", stderr, 1)
    assert c.get("deploy", "nginx-deploy").metadata.resource_version == rv


def test_set_image_record_sets_the_change_cause(c):
    out, err, code = run(c, "set image deploy/nginx-deploy nginx=nginx:1.29 --record")
    assert (out, err, code) == ("deployment.apps/nginx-deploy image updated\n",
                                "Flag --record has been deprecated, --record will be removed in the future\n", 0)
    cause = c.get("deploy", "nginx-deploy").metadata.annotations["kubernetes.io/change-cause"]
    assert cause == "kubectl set image deploy/nginx-deploy nginx=nginx:1.29 --record=true"
    run(c, "rollout status deploy/nginx-deploy")
    assert run(c, "rollout history deploy/nginx-deploy")[0].splitlines()[-2] == f"2         {cause}"


def test_set_image_dry_run(c):
    assert run(c, "set image deploy/nginx-deploy nginx=x --dry-run=client") == (
        "deployment.apps/nginx-deploy image updated (dry run)\n", "", 0)
    assert run(c, "set image deploy/nginx-deploy nginx=x --dry-run=server") == (
        "deployment.apps/nginx-deploy image updated (server dry run)\n", "", 0)
    assert image(c) == "nginx:alpine"


# ---------------------------------------------------------------------------- label


def labels(c: Cluster) -> dict:
    return c.get("deploy", "nginx-deploy").metadata.labels or {}


def test_label_overwrite_and_remove(c):
    assert run(c, "label deploy nginx-deploy tier=fe") == ("deployment.apps/nginx-deploy labeled\n", "", 0)
    assert run(c, "label deploy nginx-deploy app=x") == (
        "", "error: 'app' already has a value (nginx-deploy), and --overwrite is false\n", 1)
    assert labels(c) == {"app": "nginx-deploy", "tier": "fe"}
    assert run(c, "label deploy nginx-deploy tier=be --overwrite") == ("deployment.apps/nginx-deploy labeled\n", "", 0)
    assert run(c, "label deploy nginx-deploy tier=be --overwrite") == (
        "deployment.apps/nginx-deploy not labeled\n", "", 0)
    assert run(c, "label deploy nginx-deploy tier- foo-") == (
        'label "foo" not found.\ndeployment.apps/nginx-deploy unlabeled\n', "", 0)
    assert labels(c) == {"app": "nginx-deploy"}
    assert run(c, "label deploy nginx-deploy a=1 b=2") == ("deployment.apps/nginx-deploy labeled\n", "", 0)
    # two clashes: an aggregate of two errors, printed without `error: `
    assert run(c, "label deploy nginx-deploy a=3 b=4") == (
        "", "'a' already has a value (1), and --overwrite is false\n"
            "'b' already has a value (2), and --overwrite is false\n", 1)


def test_label_selectors(c):
    out, err, code = run(c, "label pods -l app=nginx-deploy color=blue")
    assert (err, code) == ("", 0) and len(out.splitlines()) == 2
    assert all(line.startswith("pod/nginx-deploy-") and line.endswith(" labeled") for line in out.splitlines())
    assert run(c, "get pods -l color=blue -o name")[0] == "".join(f"{line.split()[0]}\n" for line in out.splitlines())
    assert run(c, "label deploy --all color=red")[0] == "deployment.apps/nginx-deploy labeled\n"
    assert run(c, "label deploy/nginx-deploy deploy/nope c=5") == (
        "deployment.apps/nginx-deploy labeled\n", 'Error from server (NotFound): deployments.apps "nope" not found\n', 1)
    assert run(c, "label deploy nginx-deploy --list")[0] == "app=nginx-deploy\nc=5\ncolor=red\n"


@pytest.mark.parametrize(("cmdline", "stderr"), [
    pytest.param("label deploy nginx-deploy", "error: at least one label update is required\n", id="nothing"),
    pytest.param("label", "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n",
                 id="no-resource"),
    pytest.param("label deploy nginx-deploy x=1=2", "error: invalid label spec: x=1=2\n", id="two-equals"),
    pytest.param("label deploy nginx-deploy x=1 x-", "error: can not both modify and remove a label in the same command\n",
                 id="both"),
    pytest.param("label deploy nginx-deploy 'x=a b'",
                 "error: invalid label value: \"x=a b\": a valid label must be an empty string or consist of alphanumeric "
                 "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
                 "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
                 id="bad-value"),
    pytest.param("label deploy nginx-deploy 'Bad Key=1'",
                 "The Deployment \"nginx-deploy\" is invalid: metadata.labels: Invalid value: \"Bad Key\": name part must "
                 "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                 "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                 "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n", id="bad-key-from-server"),
    pytest.param("label deploy --all -l app=x a=b", "error: cannot set --all and --selector at the same time\n",
                 id="all-and-selector"),
])
def test_label_errors(c, cmdline, stderr):
    rv = c.get("deploy", "nginx-deploy").metadata.resource_version
    assert run(c, cmdline) == ("", stderr, 1)
    assert c.get("deploy", "nginx-deploy").metadata.resource_version == rv


def test_label_dry_run(c):
    assert run(c, "label deploy nginx-deploy q=1 --dry-run=client") == (
        "deployment.apps/nginx-deploy labeled (dry run)\n", "", 0)
    assert run(c, "label deploy nginx-deploy q=1 --dry-run=server") == (
        "deployment.apps/nginx-deploy labeled (server dry run)\n", "", 0)
    assert "q" not in labels(c)


# ---------------------------------------------------------------------------- annotate


def annotations(c: Cluster) -> dict:
    return c.get("deploy", "nginx-deploy").metadata.annotations or {}


def test_annotate(c):
    assert run(c, "annotate deploy nginx-deploy note=hello") == ("deployment.apps/nginx-deploy annotated\n", "", 0)
    assert run(c, "annotate deploy nginx-deploy note=again") == (
        "", "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value "
            "(hello)\n", 1)
    assert run(c, "annotate deploy nginx-deploy note=again --overwrite") == (
        "deployment.apps/nginx-deploy annotated\n", "", 0)
    assert annotations(c)["note"] == "again"
    # the change cause may always be overwritten
    run(c, "annotate deploy nginx-deploy kubernetes.io/change-cause=first")
    assert run(c, "annotate deploy nginx-deploy kubernetes.io/change-cause=second note-") == (
        "deployment.apps/nginx-deploy annotated\n", "", 0)
    assert annotations(c)["kubernetes.io/change-cause"] == "second" and "note" not in annotations(c)
    assert run(c, "annotate deploy nginx-deploy a=1 a-") == (
        "", "error: can not both modify and remove the following annotation(s) in the same command: a\n", 1)
    assert run(c, "annotate deploy nginx-deploy") == ("", "error: at least one annotation update is required\n", 1)
