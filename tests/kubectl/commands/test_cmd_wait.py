"""`kubectl wait`: conditions, jsonpath and deletion, in simulated time."""

from __future__ import annotations

import pytest
from course_manifests import run

from kubenb import Cluster


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster()
    run(cluster, "create deployment web --image=nginx:1.25 --replicas=3")
    return cluster


def test_condition_met_after_time_passes(c):
    assert c.get("deploy", "web").status.available_replicas is None  # just created
    t0 = c.clock.now
    assert run(c, "wait --for=condition=Available deployment/web --timeout=60s") == (
        "deployment.apps/web condition met\n", "", 0)
    assert c.clock.now > t0 + 2  # the simulated cluster ran until the pods were ready
    assert c.get("deploy", "web").status.available_replicas == 3


def test_each_selected_object(c):
    out, err, code = run(c, "wait --for=condition=Ready pod -l app=web --timeout=2m")
    assert (err, code) == ("", 0)
    assert len(out.splitlines()) == 3
    assert all(line.startswith("pod/web-") and line.endswith(" condition met") for line in out.splitlines())


def test_timeouts(c):
    assert run(c, "wait --for=condition=Available deploy/web --timeout=0") == (
        "", "error: condition not met for deployments/web\n", 1)
    t0 = c.clock.now
    assert run(c, "wait --for=condition=Available=false deploy/web --timeout=30s") == ("deployment.apps/web condition met\n", "", 0)
    run(c, "wait --for=condition=Available deploy/web")
    assert run(c, "wait --for=condition=Available=false deploy/web --timeout=5s") == (
        "", "error: timed out waiting for the condition on deployments/web\n", 1)
    assert c.clock.now >= t0 + 5


def test_jsonpath(c):
    assert run(c, "wait --for=jsonpath={.status.readyReplicas}=3 deploy/web --timeout=1m") == (
        "deployment.apps/web condition met\n", "", 0)
    assert run(c, "wait --for=jsonpath='{.spec.replicas}' deploy/web") == ("deployment.apps/web condition met\n", "", 0)


def test_delete(c):
    run(c, "run bb --image=busybox -- sleep 3600")
    run(c, "wait --for=condition=Ready pod/bb")
    c.pace = 0  # no time between the commands: the pod is still terminating when `wait` starts
    run(c, "delete pod bb --wait=false")
    assert c.store.get("Pod", "default", "bb").metadata.deletion_timestamp  # terminating: 30s of grace
    assert run(c, "wait --for=delete pod/bb --timeout=60s") == ("pod/bb condition met\n", "", 0)
    assert c.store.try_get("Pod", "default", "bb") is None
    assert run(c, "wait --for=delete pod/bb") == ("", "", 0)  # already gone: NotFound is not an error


@pytest.mark.parametrize(("cmdline", "stderr"), [
    ("wait deploy/web", 'error: unrecognized condition: ""\n'),
    ("wait --for=foo deploy/web", 'error: unrecognized condition: "foo"\n'),
    ("wait --for=condition=Ready pod/nope", 'Error from server (NotFound): pods "nope" not found\n'),
    ("wait --for=condition=Ready pod -l app=none", "error: no matching resources found\n"),
    ("wait --for=condition=Available deploy", "error: resource(s) were provided, but no name was specified\n"),
    ("wait --for=condition=Available deploy/web --timeout=x",
     'error: invalid argument "x" for "--timeout" flag: time: invalid duration "x"\n'
     "See 'kubectl wait --help' for usage.\n"),
])
def test_errors(c, cmdline, stderr):
    assert run(c, cmdline) == ("", stderr, 1)
