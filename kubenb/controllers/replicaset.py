"""The ReplicaSet controller (`pkg/controller/replicaset`): keep `replicas` active pods.

Creates pods from the template with `generateName: <rs>-`, deletes surplus pods in upstream's
rank order, and reports replicas / fullyLabeled / ready / available in status.
"""

from __future__ import annotations

import math
from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api import podutil
from kubenb.api.base import evolve
from kubenb.controllers.base import Controller, owner_reference
from kubenb.sim.clock import parse_rfc3339

_PHASE_ORDER = {"Pending": 0, "Unknown": 1, "Running": 2}
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"


class ReplicaSetController(Controller):
    component = "replicaset-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.watch_own("ReplicaSet")
        self.watch_owned("Pod", "ReplicaSet")

    def sync(self, namespace: str, name: str) -> Optional[float]:
        rs = self.store.try_get("ReplicaSet", namespace, name)
        if rs is None:
            return None
        pods = [p for p in self.store.by_owner(rs.metadata.uid, "Pod") if _controlled_by(p, rs)]
        active = [p for p in pods if podutil.is_active(p)]
        if rs.metadata.deletion_timestamp is None:
            diff = len(active) - (rs.spec.replicas if rs.spec.replicas is not None else 1)
            if diff < 0:
                for _ in range(-diff):
                    self._create_pod(rs)
            elif diff > 0:
                for pod in self._pods_to_delete(active, diff):
                    self.store.delete("Pod", namespace, pod.metadata.name)
                    self.events.normal(rs, "SuccessfulDelete", f"Deleted pod: {pod.metadata.name}")
            pods = [p for p in self.store.by_owner(rs.metadata.uid, "Pod") if _controlled_by(p, rs)]
        return self._update_status(rs, pods)

    def _create_pod(self, rs: Any) -> None:
        from kubenb.api.core import Pod
        from kubenb.api.meta import ObjectMeta

        template = rs.spec.template
        pod = Pod(
            metadata=ObjectMeta(
                generate_name=f"{rs.metadata.name[:58]}-", namespace=rs.metadata.namespace,
                labels=dict(template.metadata.labels or {}) or None,
                annotations=dict(template.metadata.annotations or {}) or None,
                owner_references=[owner_reference(rs)],
            ),
            spec=template.spec.model_copy(deep=True),
        )
        created = self.store.create(pod)
        self.events.normal(rs, "SuccessfulCreate", f"Created pod: {created.metadata.name}")

    def _pods_to_delete(self, pods: list[Any], diff: int) -> list[Any]:
        """`getPodsToDelete`: the `diff` pods ranked first by `ActivePodsWithRanks`."""
        per_node: dict[str, int] = {}
        for p in pods:
            per_node[p.spec.node_name or ""] = per_node.get(p.spec.node_name or "", 0) + 1
        now = self.clock.now
        return sorted(pods, key=lambda p: _deletion_rank(p, per_node, now))[:diff]

    def _update_status(self, rs: Any, pods: list[Any]) -> Optional[float]:
        from kubenb.api.apps import ReplicaSetStatus

        active = [p for p in pods if podutil.is_active(p)]
        template_labels = labelsel.selector_from_set(rs.spec.template.metadata.labels or {})
        min_ready = rs.spec.min_ready_seconds or 0
        now = self.clock.now
        ready = [p for p in active if podutil.is_ready(p)]
        available = [p for p in ready if podutil.is_available(p, min_ready, now)]
        status = ReplicaSetStatus(
            replicas=len(active),
            fully_labeled_replicas=sum(1 for p in active if template_labels.matches(p.metadata.labels or {})) or None,
            ready_replicas=len(ready) or None,
            available_replicas=len(available) or None,
            observed_generation=rs.metadata.generation,
            conditions=rs.status.conditions,
        )
        if status != rs.status:
            new = evolve(rs, deep=(), status=status)
            self.store.update(new, subresource="status")
        if len(ready) > len(available):
            waits = [podutil.ready_since(p) + min_ready - now for p in ready if p not in available]
            return max(min(waits), 0.001)
        return None


def _controlled_by(pod: Any, owner: Any) -> bool:
    ref = pod.metadata.controller_ref()
    return ref is not None and ref.uid == owner.metadata.uid


def _log_bucket(seconds: float) -> int:
    return int(math.floor(math.log2(seconds))) if seconds >= 1 else -1


def _deletion_rank(p: Any, per_node: dict[str, int], now: float) -> tuple:
    """Sort key implementing `ActivePodsWithRanks.Less` (smaller = deleted first)."""
    ready = podutil.is_ready(p)
    ready_at = podutil.ready_since(p) if ready else None
    created = parse_rfc3339(p.metadata.creation_timestamp) if p.metadata.creation_timestamp else None
    restarts = max((cs.restart_count for cs in p.status.container_statuses or ()), default=0)
    cost = int((p.metadata.annotations or {}).get(DELETION_COST, "0"))
    return (
        bool(p.spec.node_name),
        _PHASE_ORDER.get(p.status.phase or "Pending", 0),
        ready,
        cost,
        -per_node.get(p.spec.node_name or "", 0),
        # more recently ready (smaller age bucket) first; zero time first
        (_log_bucket(now - ready_at) if ready_at is not None else -2) if ready else 0,
        -restarts,
        _log_bucket(now - created) if created is not None else -2,
        p.metadata.uid or "",
    )
