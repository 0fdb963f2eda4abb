"""The simulator's capacity limits: a runaway request is refused as Forbidden, and changes nothing."""

from __future__ import annotations

import pytest

from kubenb import Cluster
from kubenb.store import SimulationLimits, StatusError

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec: {{containers: [{{name: c, image: nginx:alpine}}]}}
"""

REPLICAS_HINT = ("(a limit of the simulator, not of Kubernetes; raise it with Cluster(limits={'replicas': N}) "
                 "or %kcluster new --limit replicas=N)")


def test_scaling_past_the_limit_is_forbidden_and_changes_nothing(cluster):
    cluster.kubectl("create deployment web --image=nginx:alpine --replicas=2")
    before = cluster.store.get("Deployment", "default", "web")
    result = cluster.kubectl("scale deploy web --replicas=10000000")
    assert result.returncode == 1
    assert result.stderr == (
        'Error from server (Forbidden): deployments.apps "web" is forbidden: spec.replicas: 10000000 is over this '
        f"simulated cluster's limit of 10000 pods per workload {REPLICAS_HINT}\n")
    assert cluster.store.get("Deployment", "default", "web") is before


def test_a_manifest_past_the_limit_is_refused_by_apply(cluster):
    result = cluster.kubectl("apply -f -", input=DEPLOYMENT.format(replicas=10_000_000))
    assert result.returncode == 1
    assert 'deployments.apps "web" is forbidden: spec.replicas: 10000000 is over' in result.stderr
    assert cluster.store.try_get("Deployment", "default", "web") is None


@pytest.mark.parametrize("kind,manifest,field", [
    pytest.param("ReplicaSet", "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: x}\nspec:\n  replicas: 11\n"
                 "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
                 "    spec: {containers: [{name: c, image: nginx}]}\n", "spec.replicas", id="replicaset"),
    pytest.param("StatefulSet", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\nspec:\n  replicas: 11\n"
                 "  serviceName: x\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
                 "    spec: {containers: [{name: c, image: nginx}]}\n", "spec.replicas", id="statefulset"),
    pytest.param("Job", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\nspec:\n  parallelism: 11\n"
                 "  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n",
                 "spec.parallelism", id="job"),
])
def test_every_workload_kind_is_held_to_the_replicas_limit(kind, manifest, field):
    cluster = Cluster(limits={"replicas": 10})
    result = cluster.kubectl("apply -f -", input=manifest)
    assert f'"x" is forbidden: {field}: 11 is over this simulated cluster\'s limit of 10 pods per workload' in result.stderr
    assert cluster.store.try_get(kind, "default", "x") is None
    assert cluster.kubectl("apply -f -", input=manifest.replace(" 11\n", " 10\n")).returncode == 0


def test_scaling_down_is_always_allowed_even_above_the_limit(cluster):
    cluster.kubectl("create deployment web --image=nginx:alpine --replicas=3")
    cluster.store.admission.limits = SimulationLimits(replicas=2)  # the limit lowered under an existing workload
    assert cluster.kubectl("scale deploy web --replicas=5").returncode == 1
    assert cluster.kubectl("scale deploy web --replicas=3").returncode == 0  # unchanged: admitted
    assert cluster.kubectl("scale deploy web --replicas=1").stdout == "deployment.apps/web scaled\n"


def test_the_pod_limit_stops_creation_and_the_controller_reports_it():
    cluster = Cluster(limits={"pods": 20})
    existing = cluster.store.count("Pod")
    assert existing < 20
    cluster.kubectl("create deployment web --image=nginx:alpine --replicas=30")
    cluster.advance(30)
    assert cluster.store.count("Pod") == 20
    from kubenb.api.core import Pod

    with pytest.raises(StatusError) as err:
        cluster.store.create(Pod.model_validate({"metadata": {"name": "one-more", "namespace": "default"},
                                                 "spec": {"containers": [{"name": "c", "image": "nginx"}]}}))
    assert err.value.reason == "Forbidden" and err.value.code == 403
    assert err.value.to_status()["details"] == {"name": "one-more", "kind": "pods"}
    assert str(err.value) == (
        'pods "one-more" is forbidden: this simulated cluster already holds 20 pods, its limit (a limit of the '
        "simulator, not of Kubernetes; raise it with Cluster(limits={'pods': N}) or %kcluster new --limit pods=N)")
    events = cluster.kubectl("get events --field-selector reason=FailedCreate").stdout
    assert "already holds 20 pods" in events


def test_limits_are_named_and_unknown_names_are_refused():
    assert SimulationLimits.of({"pods": 5}) == SimulationLimits(pods=5)
    assert SimulationLimits.of(None) == SimulationLimits()
    with pytest.raises(ValueError, match="unknown simulation limit 'nodes'"):
        SimulationLimits.of({"nodes": 5})


def test_a_saved_cluster_keeps_its_limits(tmp_path):
    cluster = Cluster(limits={"replicas": 3})
    cluster.save(tmp_path / "c.json")
    again = Cluster.load(tmp_path / "c.json")
    assert again.limits == SimulationLimits(replicas=3)
    assert again.kubectl("create deployment web --image=nginx --replicas=4").returncode == 1
