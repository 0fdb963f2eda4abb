"""The Endpoints/EndpointSlice controller recomputes a Service only when one of its pods changed
in a way its endpoints show (upstream `podEndpointsChanged`): a pod write that changes nothing an
endpoint shows queues no sync, a readiness change or a relabel out of the selector does."""

from __future__ import annotations

import pytest

from kubenb import Cluster
from kubenb.api.base import evolve
from kubenb.controllers.endpoints import EndpointsController

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: "nginx:alpine", ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: other}
spec:
  selector: {app: other}
  ports: [{port: 80}]
"""


@pytest.fixture
def synced(monkeypatch) -> tuple[Cluster, list]:
    c = Cluster(profile="kubeadm", nodes=2, pace=0)
    c.apply(APP)
    c.sleep(30)
    controller = next(x for x in c.components if isinstance(x, EndpointsController))
    calls: list = []
    original = controller.sync
    monkeypatch.setattr(controller, "sync", lambda ns, name: calls.append(name) or original(ns, name))
    return c, calls


def _pod(c: Cluster):
    return next(p for p in c.store.list("Pod", "default") if (p.metadata.labels or {}).get("app") == "web")


def _write_status(c: Cluster, pod, **status) -> None:
    c.store.update(evolve(pod, deep=("status",), status=pod.status.model_copy(update=status)), subresource="status")
    c.advance(0)


def test_a_write_that_changes_no_endpoint_queues_nothing(synced) -> None:
    c, calls = synced
    pod = _pod(c)
    _write_status(c, pod, start_time="2020-01-01T00:00:00Z")
    c.kubectl(f"annotate pod {pod.metadata.name} note=x")
    c.advance(0)
    assert calls == []


def test_readiness_and_membership_changes_queue_the_services_they_concern(synced) -> None:
    c, calls = synced
    pod = _pod(c)
    ready = [cond.model_copy(update={"status": "False"}) if cond.type == "Ready" else cond
             for cond in pod.status.conditions]
    _write_status(c, pod, conditions=ready)
    assert calls == ["web"]
    calls.clear()
    c.kubectl(f"label pod {_pod(c).metadata.name} extra=y")  # stays in web, joins nothing
    c.advance(0)
    assert calls == []
    c.kubectl(f"label pod {pod.metadata.name} app=other --overwrite")  # leaves web, joins other
    c.advance(0)
    assert sorted(set(calls)) == ["other", "web"]
    assert pod.status.pod_ip in str(c.store.get("Endpoints", "default", "other").to_dict())
