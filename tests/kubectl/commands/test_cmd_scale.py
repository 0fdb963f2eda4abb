"""`kubectl scale`: the course's Deployment section, and kubectl's errors (which change nothing)."""

from __future__ import annotations

import pytest
from course_manifests import NGINX_DEPLOY, run

from kubenb import Cluster


@pytest.fixture
def course_deploy() -> Cluster:
    c = Cluster("course")
    assert c.apply(NGINX_DEPLOY) == "deployment.apps/nginx-deploy created\n"
    c.sleep("60s")
    return c


def test_course_manual_scaling(course_deploy):
    """§1.3 "手动扩容": `k scale --replicas=3 deployment nginx-deploy`."""
    c = course_deploy
    assert run(c, "scale --replicas=3 deployment nginx-deploy") == ("deployment.apps/nginx-deploy scaled\n", "", 0)
    c.sleep("30s")
    out, _, _ = run(c, "get po -l app=nginx-deploy")
    assert len(out.splitlines()) == 4  # header + 3 pods, all of the same ReplicaSet
    assert all(" Running " in line for line in out.splitlines()[1:])
    rs = c.store.list("ReplicaSet", "default")
    assert [r.spec.replicas for r in rs] == [3]
    annotations = rs[0].metadata.annotations
    assert annotations["deployment.kubernetes.io/desired-replicas"] == "3"
    assert annotations["deployment.kubernetes.io/max-replicas"] == "4"
    assert annotations["deployment.kubernetes.io/revision"] == "1"


def test_scale_forms(course_deploy):
    c = course_deploy
    assert run(c, "scale deploy/nginx-deploy --replicas=1 -o name") == ("deployment.apps/nginx-deploy\n", "", 0)
    assert c.get("deploy", "nginx-deploy").spec.replicas == 1
    assert run(c, "scale deploy --all --replicas=2") == ("deployment.apps/nginx-deploy scaled\n", "", 0)
    assert run(c, "scale deploy -l app=nginx-deploy --replicas=3") == ("deployment.apps/nginx-deploy scaled\n", "", 0)
    assert run(c, "scale rs --all --replicas=3 --dry-run=client")[0].endswith(" scaled (dry run)\n")
    assert c.get("deploy", "nginx-deploy").spec.replicas == 3


def test_current_replicas_precondition(course_deploy):
    c = course_deploy
    before = c.get("deploy", "nginx-deploy")
    assert run(c, "scale --current-replicas=3 --replicas=5 deployment/nginx-deploy") == (
        "", "error: Expected replicas to be 3, was 2\n", 1)
    assert c.get("deploy", "nginx-deploy").metadata.resource_version == before.metadata.resource_version
    assert run(c, "scale --current-replicas=2 --replicas=5 deployment/nginx-deploy") == (
        "deployment.apps/nginx-deploy scaled\n", "", 0)


@pytest.mark.parametrize(("cmdline", "stderr"), [
    pytest.param("scale deploy nginx-deploy", 'error: required flag(s) "replicas" not set\n', id="replicas-required"),
    pytest.param("scale deploy nginx-deploy --replicas=-1",
                 "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n",
                 id="negative"),
    pytest.param("scale --replicas=2 svc/kubernetes",
                 "Error from server (NotFound): the server could not find the requested resource\n",
                 id="no-scale-subresource"),
    pytest.param("scale --replicas=2 pod/nope", 'Error from server (NotFound): pods "nope" not found\n',
                 id="all-missing"),
    pytest.param("scale --replicas=2 deploy -l app=none", "error: no objects passed to scale\n", id="none-selected"),
    pytest.param("scale --replicas=2 deploy",
                 "error: resource(s) were provided, but no name was specified\n", id="type-without-name"),
    pytest.param("scale --replicas=2",
                 "error: You must provide one or more resources by argument or filename.\nExample resource "
                 "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n"
                 "   '<resource>'\n", id="nothing"),
    pytest.param("scale --replicas=x deploy nginx-deploy",
                 'error: invalid argument "x" for "--replicas" flag: strconv.ParseInt: parsing "x": invalid syntax\n'
                 "See 'kubectl scale --help' for usage.\n", id="not-a-number"),
])
def test_errors_change_nothing(course_deploy, cmdline, stderr):
    c = course_deploy
    before = c.get("deploy", "nginx-deploy").metadata.resource_version
    out, err, code = run(c, cmdline)
    assert (out, err, code) == ("", stderr, 1)
    assert c.get("deploy", "nginx-deploy").metadata.resource_version == before


def test_missing_objects_reported_after_the_others(course_deploy):
    c = course_deploy
    assert run(c, "scale --replicas=1 deploy/nope deploy/nginx-deploy") == (
        "deployment.apps/nginx-deploy scaled\n", 'Error from server (NotFound): deployments.apps "nope" not found\n', 1)


def test_timeout_waits_for_the_new_size(course_deploy):
    """`--timeout` waits until the scale's status reports the new size."""
    c = course_deploy
    assert run(c, "scale --replicas=5 deploy/nginx-deploy --timeout=1m")[2] == 0
    assert c.get("deploy", "nginx-deploy").status.replicas == 5


@pytest.mark.parametrize(("cmdline", "stderr"), [
    pytest.param("scale --replicas=2 pod/nope", 'error: no objects passed to scale pods "nope" not found\n',
                 id="all-missing"),
    pytest.param("scale deploy nginx-deploy --replicas=1 --current-replicas=-2",
                 "error: The --current-replicas must specify an integer of -1 or greater\n", id="bad-precondition"),
])
def test_errors_of_kubectl_1_32(cmdline, stderr):
    c = Cluster()
    c.apply(NGINX_DEPLOY)
    before = c.get("deploy", "nginx-deploy").metadata.resource_version
    assert run(c, cmdline) == ("", stderr, 1)
    assert c.get("deploy", "nginx-deploy").metadata.resource_version == before


def test_a_failed_precondition_stops_kubectl_1_32_but_not_1_23():
    new, old = Cluster(), Cluster("course")
    for c in (new, old):
        c.apply(NGINX_DEPLOY)
        run(c, "create deployment other --image=nginx --replicas=3")
    assert run(new, "scale deploy --all --current-replicas=3 --replicas=1") == (
        "", "error: Expected replicas to be 3, was 2\n", 1)
    assert new.get("deploy", "other").spec.replicas == 3
    assert run(old, "scale deploy --all --current-replicas=3 --replicas=1") == (
        "deployment.apps/other scaled\n", "error: Expected replicas to be 3, was 2\n", 1)
    assert old.get("deploy", "other").spec.replicas == 1
