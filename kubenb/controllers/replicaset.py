"""The ReplicaSet controller (`pkg/controller/replicaset`): keep `replicas` active pods.

Claims the pods its selector matches (adopting orphans, releasing pods relabelled away),
creates pods from the template with `generateName: <rs>-`, deletes surplus pods in upstream's
rank order, and reports replicas / fullyLabeled / ready / available in status.

Availability is `minReadySeconds` after the pod's Ready transition, and nothing in the API
announces that moment: like upstream, the controller looks again `minReadySeconds + 1` s after it
sees a pod turn Ready (the second absorbs the sub-second part that the stored, second-resolution
`lastTransitionTime` lost) and `minReadySeconds` after a sync that finds every pod ready but not
all available.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api import podutil
from kubenb.api.base import evolve
from kubenb.controllers import replicatally
from kubenb.controllers.base import Controller, ControllerRefManager, owner_reference, pod_spec_from_template
from kubenb.controllers.deployment.util import IdentityMemo
from kubenb.controllers.podviews import PodViews
from kubenb.controllers.replicatally import ReplicaTally
from kubenb.store import WatchEvent
from kubenb.store.compact import intern
from kubenb.store.errors import StatusError

#: parsed once per stored selector and template labels (a ReplicaSet's status writes keep its spec)
_parsed_selector = IdentityMemo(labelsel.selector_from_label_selector)
_label_items = IdentityMemo(replicatally.label_items)
#: a ReplicaSet's pods' ownerReferences: one canonical list per stored ReplicaSet
_owner_references = IdentityMemo(lambda rs: intern([owner_reference(rs)]))

#: `--replicaset-burst-replicas` (kube-controller-manager's default): pods created or deleted per sync
BURST_REPLICAS = 500


class ReplicaSetController(Controller):
    component = "replicaset-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        #: names of the pods without a controllerRef, by namespace: the only pods a claim can adopt
        self._orphans: dict[str, set[str]] = {}
        self._views = PodViews()
        #: each synced ReplicaSet's counts of its pods, by uid, moved along by every pod write
        self._tallies: dict[str, ReplicaTally] = {}
        self.watch_own("ReplicaSet")
        self.store.watch(self._on_replica_set_deleted, "ReplicaSet")
        self.store.watch(self._on_pod, "Pod")

    # ---------------------------------------------------------------- pod events (addPod, updatePod, deletePod)

    def _on_pod(self, ev: WatchEvent) -> None:
        """`addPod` / `updatePod` / `deletePod`: wake the ReplicaSet that controls the pod (and the
        one that did, after a controllerRef change), or, for an orphan that was added or
        relabelled, every ReplicaSet whose selector matches it. A pod turning Ready also books
        its ReplicaSet's availability check."""
        pod, old = ev.object, ev.old_object
        namespace = pod.metadata.namespace or ""
        ref = pod.metadata.controller_ref()
        if ev.type != "DELETED" and ref is None:
            orphans = self._orphans.get(namespace)
            if orphans is None:
                orphans = self._orphans[namespace] = set()
            orphans.add(pod.metadata.name or "")
        else:
            orphans = self._orphans.get(namespace)
            if orphans:
                orphans.discard(pod.metadata.name or "")
        old_view, new_view = self._views.observe(ev.type, pod, ref)
        replicatally.replace(self._tallies, old_view, new_view)
        if ev.type == "DELETED" or (ev.type == "ADDED" and pod.metadata.deletion_timestamp is not None):
            self._enqueue_owner(namespace, ref)  # no controller cares about an orphan being deleted
            return
        if ev.type == "ADDED":
            if ref is not None:
                self._enqueue_owner(namespace, ref)
            else:
                self._enqueue_adopters(pod)
            return
        labels_changed = pod.metadata.labels is not old.metadata.labels and \
            (pod.metadata.labels or {}) != (old.metadata.labels or {})
        # a write that kept the owner references (a binding, a status write) kept the controllerRef
        old_ref = ref if old.metadata.owner_references is pod.metadata.owner_references else \
            old.metadata.controller_ref()
        if pod.metadata.deletion_timestamp is not None:
            # a graceful deletion began: replace the pod now, not once the kubelet removes it
            self._enqueue_owner(namespace, ref)
            if labels_changed:
                self._enqueue_owner(namespace, old_ref)
            return
        ref_changed = ref is not old_ref and ref != old_ref
        if ref_changed and old_ref is not None:
            self._enqueue_owner(namespace, old_ref)
        if ref is not None:
            rs = self.resolve_controller_ref(namespace, ref, "ReplicaSet")
            if rs is None:
                return
            self.enqueue(rs)
            if (rs.spec.min_ready_seconds or 0) > 0 and new_view.ready and not (
                    # the views hold the old version's readiness (one they never saw is asked)
                    old_view.ready if old_view is not None and old_view.pod is old else podutil.is_ready(old)):
                # look again once the pod is available, plus a second against the timestamp's lost fraction
                self.queue.add_after((namespace, rs.metadata.name or ""), rs.spec.min_ready_seconds + 1.0)
            return
        if labels_changed or ref_changed:
            self._enqueue_adopters(pod)

    def _on_replica_set_deleted(self, ev: WatchEvent) -> None:
        if ev.type == "DELETED":
            self._tallies.pop(ev.object.metadata.uid or "", None)

    def _enqueue_owner(self, namespace: str, ref: Any) -> None:
        rs = self.resolve_controller_ref(namespace, ref, "ReplicaSet")
        if rs is not None:
            self.enqueue(rs)

    def _enqueue_adopters(self, pod: Any) -> None:
        """`getPodReplicaSets`: wake every ReplicaSet whose selector matches an orphan pod."""
        if not pod.metadata.labels:
            return
        for rs in self.store.list("ReplicaSet", pod.metadata.namespace or ""):
            try:
                selector = labelsel.selector_from_label_selector(rs.spec.selector)
            except labelsel.SelectorError:
                continue
            if not selector.empty() and selector.matches(pod.metadata.labels):
                self.enqueue(rs)

    # ---------------------------------------------------------------- sync (syncReplicaSet)

    def sync(self, namespace: str, name: str) -> Optional[float]:
        """`processNextWorkItem` for one ReplicaSet: `syncReplicaSet`; a refused API call (a pod
        that could not be created, a claim that could not be written) is retried with backoff."""
        key = (namespace, name)
        try:
            after = self._sync_replica_set(namespace, name)
        except StatusError:
            return self.retry_after_error(key)
        self.rate_limiter.forget(key)
        return after

    def _sync_replica_set(self, namespace: str, name: str) -> Optional[float]:
        rs = self.store.try_get("ReplicaSet", namespace, name)
        if rs is None:
            return None
        try:
            selector = _parsed_selector(rs.spec.selector)
        except labelsel.SelectorError:
            return None  # upstream reports it and waits for an edit: retrying cannot help
        tally = self._claim_pods(rs, selector)
        # the status counts the pods as this sync found them (`calculateStatus(rs, filteredPods)`):
        # those created or deleted just now show at the next sync, which their watch events bring
        # -- hence a `get rs -w` row with CURRENT one short after a pod is deleted and replaced
        status = self._status(rs, tally)
        error: Optional[StatusError] = None
        if rs.metadata.deletion_timestamp is None and len(tally.kept) != rs.spec.replicas:
            error = self._manage_replicas(rs, tally)
        rs = self._update_status(rs, status)
        if error is not None:
            raise error
        replicas = rs.spec.replicas or 0
        if (rs.spec.min_ready_seconds or 0) > 0 and (rs.status.ready_replicas or 0) == replicas and \
                (rs.status.available_replicas or 0) != replicas:
            return float(rs.spec.min_ready_seconds)  # the last line of defence against clock skew
        return None

    def _claim_pods(self, rs: Any, selector: Any) -> ReplicaTally:
        """`claimPods` over the active pods: the tally of ours that still match, after the others
        (ours that no longer match, matching orphans) were offered to the claim.

        Upstream offers every pod of the namespace to the claim; only those `rs` owns and the
        orphans can be affected, so those are the ones read. Ours that still match are all a
        claim keeps untouched; the others are offered in name order, as upstream's sorted list
        offers them. What the claim adopts or releases reaches the tally through the pod watch."""
        namespace = rs.metadata.namespace or ""
        tally = self._tally(rs, selector)
        others = [view.pod for view in tally.unmatched.values()]
        for name in self._orphans.get(namespace, ()):
            pod = self.store.try_get("Pod", namespace, name)
            if pod is not None and self._views.of(pod).active:
                others.append(pod)
        if others:
            manager = ControllerRefManager(self.store, rs, lambda pod: selector.matches(pod.metadata.labels or {}))
            manager.claim(sorted(others, key=lambda p: p.metadata.name or ""))
        return tally

    def _tally(self, rs: Any, selector: Any) -> ReplicaTally:
        """The tally of `rs`'s active pods, rebuilt from its pods when its verdicts are stale."""
        uid = rs.metadata.uid or ""
        stamp = (selector, _label_items(rs.spec.template.metadata))
        tally = self._tallies.get(uid)
        if tally is None or tally.stamp != stamp:
            tally = self._tallies[uid] = ReplicaTally(stamp, selector, dict(stamp[1]), self._views.owned(uid))
        return tally

    def _manage_replicas(self, rs: Any, tally: ReplicaTally) -> Optional[StatusError]:
        """`manageReplicas`: create or delete up to `BURST_REPLICAS` pods; the first failed
        creation stops the rest (upstream's slow start) and is returned for a retry."""
        diff = len(tally.kept) - rs.spec.replicas
        if diff < 0:
            for _ in range(min(-diff, BURST_REPLICAS)):
                try:
                    self._create_pod(rs)
                except StatusError as err:
                    self.events.warning(rs, "FailedCreate", f"Error creating: {err}")
                    return err
        elif diff > 0:
            for pod in tally.ranked_first(min(diff, BURST_REPLICAS), self.clock.now):
                try:
                    self.store.delete("Pod", pod.metadata.namespace or "", pod.metadata.name or "")
                except StatusError as err:
                    if err.reason != "NotFound":
                        return err
                    continue
                self.events.normal(rs, "SuccessfulDelete", f"Deleted pod: {pod.metadata.name}")
        return None

    def _create_pod(self, rs: Any) -> None:
        from kubenb.api.core import Pod
        from kubenb.api.meta import ObjectMeta

        template = rs.spec.template
        metadata = ObjectMeta(generate_name=f"{rs.metadata.name[:58]}-", namespace=rs.metadata.namespace,
                              labels=None, annotations=None, owner_references=None)
        # the stored template's labels and annotations (stored parts are never edited) and one
        # owner reference list per ReplicaSet, set as they are (not validated into copies): the
        # store finds them by identity instead of hashing an equal copy per pod
        metadata.labels = template.metadata.labels or None
        metadata.annotations = template.metadata.annotations or None
        metadata.owner_references = _owner_references(rs)
        pod = Pod(metadata=metadata, spec=pod_spec_from_template(template.spec))
        created = self.store.create(pod)
        self.events.normal(rs, "SuccessfulCreate", f"Created pod: {created.metadata.name}")

    def _status(self, rs: Any, tally: ReplicaTally) -> Any:
        """`calculateStatus` from the tally of the pods this sync found: the stored status itself
        when its counts are already those (most syncs), so that nothing is built or compared."""
        old = rs.status
        replicas, fully_labeled, ready = len(tally.kept), tally.fully_labeled or None, tally.ready or None
        available = tally.available(rs.spec.min_ready_seconds or 0, self.clock.now) or None
        if old.replicas == replicas and old.ready_replicas == ready and old.available_replicas == available and \
                old.fully_labeled_replicas == fully_labeled and \
                old.observed_generation == rs.metadata.generation and old.terminating_replicas is None:
            return old
        from kubenb.api.apps import ReplicaSetStatus

        return ReplicaSetStatus(replicas=replicas, fully_labeled_replicas=fully_labeled, ready_replicas=ready,
                                available_replicas=available, observed_generation=rs.metadata.generation,
                                conditions=old.conditions)

    def _update_status(self, rs: Any, status: Any) -> Any:
        """`updateReplicaSetStatus`: the stored ReplicaSet after the write."""
        if status is rs.status:  # `_status` found the counts unchanged
            return rs
        return self.store.update(evolve(rs, deep=(), status=status), subresource="status")
