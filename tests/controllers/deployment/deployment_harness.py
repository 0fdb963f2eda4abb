"""Fixtures for porting upstream Deployment-controller test tables to kubenb.

Upstream tests (`pkg/controller/deployment/*_test.go`) hand fake ReplicaSets to a controller
wired to a fake clientset and inspect the client's actions. kubenb's controller reads and writes
the store, so the port stores the same objects in a real `kubenb.Cluster` store (status kept,
owner references set) and calls the controller's methods directly, without running the event
loop: nothing else (ReplicaSet controller, kubelet) reacts, exactly like the fake client.

Writes are observed through a store watch (the equivalent of `fake.Actions()`), and events through
the Events the controller records.
"""

from __future__ import annotations

import copy
from typing import Any, Optional

from kubenb import Cluster
from kubenb.api import codec
from kubenb.api.registry import Registry
from kubenb.api.resources import resources_for
from kubenb.controllers.deployment import DeploymentController
from kubenb.sim.clock import format_rfc3339

REGISTRY = Registry(resources_for(32))
MAX_INT32 = 2**31 - 1
SELECTOR = {"foo": "bar"}


def decode(data: dict) -> Any:
    return codec.decode(REGISTRY, copy.deepcopy(data))


def template_dict(labels: dict, image: str = "foo/bar", container: str = "foo") -> dict:
    return {"metadata": {"labels": dict(labels)}, "spec": {"containers": [{"name": container, "image": image}]}}


def deployment_dict(
    name: str = "foo",
    replicas: Optional[int] = 1,
    *,
    max_surge: Any = 0,
    max_unavailable: Any = 0,
    strategy: str = "RollingUpdate",
    selector: Optional[dict] = None,
    revision_history_limit: Optional[int] = None,
    progress_deadline_seconds: Optional[int] = None,
    min_ready_seconds: Optional[int] = None,
    annotations: Optional[dict] = None,
    image: str = "foo/bar",
    template_labels: Optional[dict] = None,
    status: Optional[dict] = None,
) -> dict:
    """Upstream `newDeployment(name, replicas, revisionHistoryLimit, maxSurge, maxUnavailable, selector)`.

    As upstream's helper: RollingUpdate with maxSurge = maxUnavailable = 0 unless given, one
    container with image `foo/bar`, template labels = selector. (kubenb validation needs a
    container name and a non-empty selector, so `foo` and `foo=bar` are used.)
    """
    selector = dict(selector or SELECTOR)
    spec: dict[str, Any] = {
        "selector": {"matchLabels": selector},
        "template": template_dict(template_labels or selector, image),
        "strategy": {"type": strategy},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    if strategy == "RollingUpdate":
        ru = {}
        if max_surge is not None:
            ru["maxSurge"] = max_surge
        if max_unavailable is not None:
            ru["maxUnavailable"] = max_unavailable
        spec["strategy"]["rollingUpdate"] = ru
    if revision_history_limit is not None:
        spec["revisionHistoryLimit"] = revision_history_limit
    if progress_deadline_seconds is not None:
        spec["progressDeadlineSeconds"] = progress_deadline_seconds
    if min_ready_seconds is not None:
        spec["minReadySeconds"] = min_ready_seconds
    d = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "annotations": dict(annotations or {})},
        "spec": spec,
    }
    if status is not None:
        d["status"] = status
    return d


def new_deployment(*args: Any, **kwargs: Any) -> Any:
    """An unstored Deployment model (for the pure helpers)."""
    return decode(deployment_dict(*args, **kwargs))


def rs_status(replicas: int = 0, available: int = 0, ready: Optional[int] = None,
              observed_generation: int = 1) -> dict:
    return {"replicas": replicas, "availableReplicas": available,
            "readyReplicas": available if ready is None else ready, "observedGeneration": observed_generation}


class Harness:
    """A quiet cluster whose store holds the objects of one upstream test case, unvalidated."""

    def __init__(self, profile: str = "kubeadm") -> None:
        self.cluster = Cluster(profile, pace=0)
        self.store = self.cluster.store
        # Upstream's tests run against a fake clientset, which validates nothing: a Deployment with
        # maxSurge 0 and maxUnavailable 0, or maxSurge "oops", is stored and updated as is.
        self.store.admission._validate = lambda *args: None
        self.clock = self.cluster.clock
        self.ctrl: DeploymentController = next(
            c for c in self.cluster.components if isinstance(c, DeploymentController))
        self.rs_writes: list[tuple[str, str, Optional[int]]] = []
        self.store.watch(self._record, "ReplicaSet")

    def _record(self, ev: Any) -> None:
        self.rs_writes.append((ev.type, ev.object.metadata.name, ev.object.spec.replicas))

    # ---------------------------------------------------------------- time

    @property
    def now(self) -> float:
        return self.clock.now

    def tick(self, seconds: float) -> None:
        """Move the clock without running anything (upstream tests set `nowFn`)."""
        self.clock.advance_to(self.clock.now + seconds)

    def rfc3339(self, offset: float = 0) -> str:
        return format_rfc3339(self.clock.now + offset)

    # ---------------------------------------------------------------- objects

    def create_deployment(self, *args: Any, deletion: bool = False, **kwargs: Any) -> Any:
        d = decode(deployment_dict(*args, **kwargs))
        if deletion:
            d.metadata.finalizers = ["test.kubenb.io/hold"]
        created = self.store.create(d, keep_status=True)
        if deletion:
            created = self.store.delete("Deployment", "default", created.metadata.name)
        return created

    def create_rs(self, d: Any, name: str, replicas: int, *, image: Optional[str] = None, container: str = "foo",
                  status: Optional[dict] = None, annotations: Optional[dict] = None, owned: bool = True,
                  pod_hash: Optional[str] = None, extra_labels: Optional[dict] = None,
                  deleted: bool = False) -> Any:
        """A ReplicaSet of `d`: the Deployment's template (so it is *the new* RS) unless `image` or
        `container` differ, labelled with its own pod-template-hash like a real one."""
        selector = dict(d.spec.selector.match_labels or {})
        pod_hash = pod_hash or name.rsplit("-", 1)[-1].lower()
        labels = {**selector, **(extra_labels or {}), "pod-template-hash": pod_hash}
        tpl = d.spec.template.to_dict()
        tpl.setdefault("metadata", {})["labels"] = {**(tpl["metadata"].get("labels") or {}),
                                                    "pod-template-hash": pod_hash}
        if image is not None:
            tpl["spec"]["containers"][0]["image"] = image
        if container != "foo":
            tpl["spec"]["containers"][0]["name"] = container
        meta: dict[str, Any] = {"name": name, "namespace": "default", "labels": labels}
        if annotations is not None:
            meta["annotations"] = dict(annotations)
        if owned:
            meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": d.metadata.name,
                                        "uid": d.metadata.uid, "controller": True, "blockOwnerDeletion": True}]
        if deleted:
            meta["finalizers"] = ["test.kubenb.io/hold"]
        data = {
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta,
            "spec": {"replicas": replicas, "selector": {"matchLabels": {**selector, "pod-template-hash": pod_hash}},
                     "template": tpl},
            "status": status if status is not None else rs_status(),
        }
        created = self.store.create(decode(data), keep_status=True)
        if deleted:
            created = self.store.delete("ReplicaSet", "default", name)
        return created

    def create_pod(self, rs: Any, name: str, phase: Optional[str] = None) -> Any:
        data = {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": dict(rs.spec.template.metadata.labels or {}),
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs.metadata.name,
                                              "uid": rs.metadata.uid, "controller": True,
                                              "blockOwnerDeletion": True}]},
            "spec": {"containers": [{"name": "foo", "image": "foo/bar"}]},
            "status": {"phase": phase} if phase else {},
        }
        return self.store.create(decode(data), keep_status=True)

    def deployment(self, name: str = "foo") -> Any:
        return self.store.get("Deployment", "default", name)

    def rs(self, name: str) -> Any:
        return self.store.try_get("ReplicaSet", "default", name)

    def replicas(self, name: str) -> Optional[int]:
        rs = self.rs(name)
        return None if rs is None else rs.spec.replicas

    def owned(self, d: Any) -> list[Any]:
        return self.ctrl._owned(self.deployment(d.metadata.name))

    # ---------------------------------------------------------------- observations

    def events(self, reason: Optional[str] = "ScalingReplicaSet") -> list[str]:
        evs = [e for e in self.store.list("Event", "default")
               if e.source is not None and e.source.component == "deployment-controller"
               and (reason is None or e.reason == reason)]
        evs.sort(key=lambda e: int(e.metadata.resource_version or 0))
        return [e.message for e in evs]

    def rs_updates(self) -> list[tuple[str, Optional[int]]]:
        return [(name, replicas) for (t, name, replicas) in self.rs_writes if t == "MODIFIED"]

    def rs_deletions(self) -> list[str]:
        return sorted(name for (t, name, _) in self.rs_writes if t == "DELETED")
