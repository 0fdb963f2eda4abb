"""EndpointSlices of at most 100 endpoints, reconciled incrementally as upstream's reconciler does,
and Endpoints truncated at 1,000 addresses with the over-capacity annotation."""

from __future__ import annotations

import pytest

from kubenb import Cluster
from kubenb.controllers import endpoints as endpoints_module
from kubenb.controllers.endpoints import EndpointsController, _truncate

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: c, image: "nginx:alpine", ports: [{{containerPort: 80}}],
                    resources: {{requests: {{cpu: 1m, memory: 1Mi}}}}}}]
---
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec:
  selector: {{app: web}}
  ports: [{{port: 80}}]
"""


def _cluster(replicas: int) -> Cluster:
    c = Cluster(profile="kubeadm", nodes=4, pace=0)
    c.apply(APP.format(replicas=replicas))
    c.sleep(60)
    return c


def _slices(c: Cluster) -> list:
    return sorted(c.store.list("EndpointSlice", "default", None), key=lambda s: s.metadata.name)


def _web_slices(c: Cluster) -> list:
    return [s for s in _slices(c) if (s.metadata.labels or {}).get("kubernetes.io/service-name") == "web"]


def _served(c: Cluster) -> set[tuple[str, str]]:
    return {(p.status.pod_ip, p.metadata.name) for p in c.store.list("Pod", "default")
            if p.status.pod_ip and p.metadata.deletion_timestamp is None}


def _in_slices(slices: list) -> list[tuple[str, str]]:
    return [(ep.addresses[0], ep.target_ref.name) for s in slices for ep in s.endpoints or ()]


def _controller(c: Cluster) -> EndpointsController:
    return next(x for x in c.components if isinstance(x, EndpointsController))


@pytest.fixture(scope="module")
def big() -> Cluster:
    return _cluster(130)


def test_a_service_over_100_endpoints_gets_slices_of_at_most_100(big) -> None:
    slices = _web_slices(big)
    assert sorted(len(s.endpoints) for s in slices) == [30, 100]
    listed = _in_slices(slices)
    assert len(listed) == len(set(listed)) == 130
    assert set(listed) == _served(big)
    for s in slices:  # each slice lists its endpoints by IP, then uid
        keys = [(ep.addresses[0], ep.target_ref.uid) for ep in s.endpoints]
        assert keys == sorted(keys)


def test_a_replaced_pod_touches_only_the_slice_that_had_it_and_refills_it(big) -> None:
    before = {s.metadata.name: s for s in _web_slices(big)}
    full = next(s for s in before.values() if len(s.endpoints) == 100)
    other = next(s for s in before.values() if s is not full)
    big.kubectl(f"delete pod {full.endpoints[0].target_ref.name} --wait=false")
    big.sleep(60)
    after = {s.metadata.name: s for s in _web_slices(big)}
    assert after.keys() == before.keys()  # no slice created or deleted
    assert after[other.metadata.name].metadata.resource_version == other.metadata.resource_version
    assert len(after[full.metadata.name].endpoints) == 100  # the replacement went back where there was room
    assert set(_in_slices(after.values())) == _served(big)


def test_a_fresh_controller_finds_the_slices_and_endpoints_as_it_would_write_them(big) -> None:
    controller = _controller(big)
    rv = big.store.resource_version
    controller._states.clear()
    controller.sync("default", "web")
    assert big.store.resource_version == rv


def test_scaling_down_deletes_the_slices_left_empty_and_keeps_the_rest_full_enough() -> None:
    c = _cluster(230)
    assert sorted(len(s.endpoints) for s in _web_slices(c)) == [30, 100, 100]
    c.kubectl("scale deployment/web --replicas=20")
    c.sleep(90)
    slices = _web_slices(c)
    assert set(_in_slices(slices)) == _served(c) and len(_served(c)) == 20
    assert all(s.endpoints for s in slices)
    c.kubectl("scale deployment/web --replicas=0")
    c.sleep(90)
    slices = _web_slices(c)  # no pod: one placeholder slice, without endpoints or ports
    assert [(s.endpoints, s.ports) for s in slices] == [(None, None)]


def test_endpoints_over_capacity_are_truncated_and_annotated(monkeypatch) -> None:
    monkeypatch.setattr(endpoints_module, "MAX_CAPACITY", 5)
    c = _cluster(8)
    ep = c.store.get("Endpoints", "default", "web")
    assert ep.metadata.annotations["endpoints.kubernetes.io/over-capacity"] == "truncated"
    addresses = ep.subsets[0].addresses
    ips = sorted((p.status.pod_ip, p.metadata.uid) for p in c.store.list("Pod", "default"))
    assert [(a.ip, a.target_ref.uid) for a in addresses] == ips[:5]  # the first five, as sorted
    assert len(_in_slices(_web_slices(c))) == 8  # slices are not truncated
    c.kubectl("scale deployment/web --replicas=4")
    c.sleep(60)
    ep = c.store.get("Endpoints", "default", "web")
    assert "endpoints.kubernetes.io/over-capacity" not in ep.metadata.annotations
    assert len(ep.subsets[0].addresses) == 4


@pytest.mark.parametrize(("lists", "cap", "want"), [
    pytest.param([[10, 0]], 20, [[10, 0]], id="under-capacity"),
    pytest.param([[4, 5], [2, 1]], 8, [[4, 2], [2, 0]], id="not-ready-truncated-by-proportion"),
    pytest.param([[6, 2], [4, 2]], 8, [[5, 0], [3, 0]], id="ready-over-capacity-drops-not-ready"),
    pytest.param([[1, 1], [1, 1], [9, 0]], 10, [[1, 0], [1, 0], [8, 0]], id="rounded-up-the-last-gets-less"),
])
def test_truncate_as_upstream(monkeypatch, lists, cap, want) -> None:
    """`truncateEndpoints`: each subset keeps its proportion of the room, rounded up; the room
    left bounds the last ones."""
    monkeypatch.setattr(endpoints_module, "MAX_CAPACITY", cap)
    pairs = [[list(range(r)), list(range(n))] for r, n in lists]
    assert _truncate(pairs) == (want != lists)
    assert [[len(r), len(n)] for r, n in pairs] == want
