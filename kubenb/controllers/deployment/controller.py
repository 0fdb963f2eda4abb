"""Deployment controller: upstream's `deployment_controller.go`, `sync.go`, `rolling.go`,
`recreate.go` and `progress.go`, in that order, in one module.

One sync makes at most one scaling step of the rollout, as upstream does; the next step comes
when the ReplicaSets' status changes wake the Deployment again. That is what produces the
course's event sequence (old to 2, new to 1, old to 1, new to 2, old to 0).
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api.base import evolve
from kubenb.api.intstr import IntOrStringError
from kubenb.controllers.base import Controller, ControllerRefManager, owner_reference
from kubenb.controllers.deployment import util
from kubenb.sim.clock import parse_rfc3339
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

AVAILABLE, PROGRESSING, REPLICA_FAILURE = "Available", "Progressing", "ReplicaFailure"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED, RESUMED = "DeploymentPaused", "DeploymentResumed"
FAILED_RS_CREATE = "ReplicaSetCreateError"

#: `maxRetries`: with the 5 ms·2ⁿ backoff, the 15th retry comes 82 s after the 14th; then the
#: Deployment is dropped from the queue until something about it changes
MAX_RETRIES = 15
#: `maxRevHistoryLengthInChars`: the revision-history annotation keeps about 100 numbers
MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000
#: What a sync "returns" upstream rather than panics on: a refused API call, an unresolvable
#: maxSurge/maxUnavailable (stored before validation was tightened), an unparsable selector.
SYNC_ERRORS = (StatusError, IntOrStringError, labelsel.SelectorError)


class DeploymentController(Controller):
    component = "deployment-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.modern_events = cluster.version.minor >= 28
        self.minor = cluster.version.minor  # the Go layout the pod-template hash dumps
        #: names of the ReplicaSets without a controllerRef, by namespace: the only ones a claim adopts
        self._orphans: dict[str, set[str]] = {}
        #: (Deployment written, when, its ReplicaSets) of rolling syncs whose one write was the status
        self._settled: dict[tuple[str, str], tuple[Any, float, tuple]] = {}
        self._sync_start_rv = 0
        self.watch_own("Deployment")
        self.store.watch(self._on_replica_set, "ReplicaSet")
        # only the deletion of a ReplicaSet's pod can tell a Recreate Deployment anything
        self.store.watch(self._on_pod, "Pod", when=[["DELETED"], ["owner:ReplicaSet"]])

    # ---------------------------------------------------------------- event handlers

    def _on_replica_set(self, ev: WatchEvent) -> None:
        """`addReplicaSet` / `updateReplicaSet` / `deleteReplicaSet`: wake the Deployment that
        controls the ReplicaSet (before and after a controllerRef change), or, for an orphan
        that was added or relabelled, every Deployment whose selector matches it (one may adopt
        it). Nobody cares about an orphan being deleted."""
        rs, old = ev.object, ev.old_object
        namespace = rs.metadata.namespace or ""
        ref = rs.metadata.controller_ref()
        if ev.type != "DELETED" and ref is None:
            self._orphans.setdefault(namespace, set()).add(rs.metadata.name or "")
        elif namespace in self._orphans:
            self._orphans[namespace].discard(rs.metadata.name or "")
        if ev.type == "DELETED" or (ev.type == "ADDED" and rs.metadata.deletion_timestamp is not None):
            self._enqueue_resolved(namespace, ref)
            return
        if ev.type == "ADDED":
            if ref is not None:
                self._enqueue_resolved(namespace, ref)
            else:
                self._enqueue_adopters(rs)
            return
        old_ref = old.metadata.controller_ref()
        ref_changed = ref != old_ref
        if ref_changed and old_ref is not None:
            self._enqueue_resolved(namespace, old_ref)
        if ref is not None:
            self._enqueue_resolved(namespace, ref)
        elif ref_changed or (rs.metadata.labels or {}) != (old.metadata.labels or {}):
            self._enqueue_adopters(rs)

    def _on_pod(self, ev: WatchEvent) -> None:
        """`deletePod`: a Recreate Deployment waits for its old pods to be gone before it creates
        the new ReplicaSet, and the last pod's deletion is what tells it so (a ReplicaSet's
        status already stops counting a pod when its termination begins).

        Finished pods count too, as in the releases kubenb models (upstream stopped counting
        them in 2026, kubernetes/kubernetes#128798)."""
        if ev.type != "DELETED":
            return
        d = self._deployment_for_pod(ev.object)
        if d is None or d.spec.strategy.type != "Recreate":
            return
        try:
            selector = _selector(d)
        except labelsel.SelectorError:
            return
        rss = [rs for rs in self._owned(d) if selector.matches(rs.metadata.labels or {})]
        if not any(self._pod_map(selector, rss).values()):
            self.enqueue(d)

    def _enqueue_resolved(self, namespace: str, ref: Any) -> None:
        d = self.resolve_controller_ref(namespace, ref, "Deployment")
        if d is not None:
            self.enqueue(d)

    def _enqueue_adopters(self, rs: Any) -> None:
        """`getDeploymentsForReplicaSet`: the Deployments whose (non-empty) selector matches `rs`."""
        if not rs.metadata.labels:
            return
        for d in self.store.list("Deployment", rs.metadata.namespace or ""):
            try:
                selector = _selector(d)
            except labelsel.SelectorError:
                continue
            if not selector.empty() and selector.matches(rs.metadata.labels):
                self.enqueue(d)

    def _deployment_for_pod(self, pod: Any) -> Optional[Any]:
        """`getDeploymentForPod`: the pod's ReplicaSet's Deployment, by controllerRefs only."""
        namespace = pod.metadata.namespace or ""
        rs = self.resolve_controller_ref(namespace, pod.metadata.controller_ref(), "ReplicaSet")
        if rs is None:
            return None
        return self.resolve_controller_ref(namespace, rs.metadata.controller_ref(), "Deployment")

    # ---------------------------------------------------------------- sync (syncDeployment)

    def sync(self, namespace: str, name: str) -> Optional[float]:
        """`processNextWorkItem` for one Deployment: `syncDeployment`, then `handleErr`.

        An error is not raised: the Deployment is synced again after the queue's per-key
        backoff, at most `MAX_RETRIES` times in a row, and nothing else happens meanwhile."""
        key = (namespace, name)
        try:
            after = self._sync_deployment(namespace, name)
        except SYNC_ERRORS:
            return self.retry_after_error(key, MAX_RETRIES)
        self.rate_limiter.forget(key)
        return after

    def _sync_deployment(self, namespace: str, name: str) -> Optional[float]:
        d = self.store.try_get("Deployment", namespace, name)
        settled = self._settled.pop((namespace, name), None)
        if d is None:
            return None
        if settled is not None and self._still_settled(d, settled):
            return self._requeue_stuck(d, _condition(d, PROGRESSING))
        self._sync_start_rv = self.store.resource_version
        rss = self._get_replica_sets_for_deployment(d)
        if d.metadata.deletion_timestamp is not None:
            return self._sync_status_only(d, rss)
        d = self._check_paused_conditions(d)
        if d.spec.paused or self._is_scaling_event(d, rss):
            return self._sync_scale(d, rss)
        if d.spec.strategy.type == "Recreate":
            return self._rollout_recreate(d, rss)
        return self._rollout_rolling(d, rss)

    def _settle(self, d: Any) -> None:
        """Remember a rolling sync whose one write was its status (`d`, as written): the sync that
        write brings finds the same Deployment spec, the same ReplicaSets and the status they make,
        so, at the same instant, it writes nothing and only books the deadline check (see
        `_still_settled`). That is half the syncs of a rollout."""
        rv = self.store.resource_version
        if rv == self._sync_start_rv + 1 and d.metadata.resource_version == str(rv):
            self._settled[(d.metadata.namespace or "", d.metadata.name or "")] = (
                d, self.clock.now, tuple(self.store.by_owner(d.metadata.uid or "", "ReplicaSet")))

    def _still_settled(self, d: Any, settled: tuple) -> bool:
        """Whether a sync of `d` now would be the replay of the settled sync's own status write: the
        very Deployment it wrote, at the same instant, with the very same ReplicaSets and no orphan
        one to adopt; a rollout that is not complete (a complete one trims its history) and has not
        timed out (which the status would then say). Every step of that sync then finds what the
        settled one found, writes nothing, and returns `_requeue_stuck`."""
        written, at, owned = settled
        if d is not written or self.clock.now != at or self._orphans.get(d.metadata.namespace or ""):
            return False
        current = self.store.by_owner(d.metadata.uid or "", "ReplicaSet")
        if len(current) != len(owned) or any(a is not b for a, b in zip(current, owned, strict=True)):
            return False
        if _complete(d, d.status):
            return False
        cond = _condition(d, PROGRESSING)
        return not (util.has_progress_deadline(d) and cond is not None and self._timed_out(d, cond))

    def _get_replica_sets_for_deployment(self, d: Any) -> list[Any]:
        """`getReplicaSetsForDeployment`: the ReplicaSets `d` controls once `ClaimReplicaSets` has
        adopted the orphans its selector matches and released those relabelled out of it.

        Upstream offers every ReplicaSet of the namespace to the claim; only those `d` controls
        and the orphans it selects can be affected, so those are the ones read: the orphans from
        the names the ReplicaSet watch keeps (most syncs have none to read)."""
        selector = _selector(d)
        namespace = d.metadata.namespace or ""
        candidates = {rs.metadata.uid: rs for rs in self.store.by_owner(d.metadata.uid or "", "ReplicaSet")}
        if not selector.empty():
            for name in self._orphans.get(namespace, ()):
                rs = self.store.try_get("ReplicaSet", namespace, name)
                if rs is not None and selector.matches(rs.metadata.labels or {}):
                    candidates.setdefault(rs.metadata.uid, rs)
        manager = ControllerRefManager(self.store, d, lambda rs: selector.matches(rs.metadata.labels or {}))
        return manager.claim(sorted(candidates.values(), key=lambda rs: rs.metadata.name or ""))

    def _owned(self, d: Any) -> list[Any]:
        """The ReplicaSets `d` controls, as stored now (re-read after this sync scaled some)."""
        return [rs for rs in self.store.by_owner(d.metadata.uid or "", "ReplicaSet") if _controlled_by(rs, d)]

    def _pod_map(self, selector: Any, rss: list[Any]) -> dict[str, list[Any]]:
        """`getPodMapForDeployment`: the pods the Deployment's `selector` matches, by the uid of the
        ReplicaSet (of `rss`) that controls them, finished pods included."""
        return {rs.metadata.uid: [p for p in self.store.by_owner(rs.metadata.uid or "", "Pod")
                                  if _controlled_by(p, rs) and selector.matches(p.metadata.labels or {})]
                for rs in rss}

    # ---------------------------------------------------------------- new and old ReplicaSets (sync.go)

    def _new_and_old(self, d: Any, rss: list[Any], create: bool) -> tuple[Any, Optional[Any], list[Any]]:
        """`getAllReplicaSetsAndSyncRevision`: (Deployment, new ReplicaSet or None, old ones).

        The new ReplicaSet's annotations and minReadySeconds are brought up to date first; only
        once they are does the Deployment take the new ReplicaSet's revision (a later sync)."""
        existing = util.find_new_replica_set(d, rss)
        old = [rs for rs in rss if existing is None or rs.metadata.uid != existing.metadata.uid]
        new_revision = str(util.max_revision(old) + 1)
        if existing is not None:
            updated = self._sync_new_rs_annotations(d, existing, new_revision)
            if updated is not existing:
                return d, updated, old
            revision = (existing.metadata.annotations or {}).get(util.REVISION, "")
            return self._set_deployment_revision(d, revision, found=existing), existing, old
        if not create:
            return d, None, old
        return self._create_new_rs(d, old, new_revision)

    def _sync_new_rs_annotations(self, d: Any, rs: Any, new_revision: str) -> Any:
        """The existing new ReplicaSet with `SetNewReplicaSetAnnotations` and the Deployment's
        minReadySeconds applied: `rs` itself when nothing changed, else the stored update."""
        annotations = dict(rs.metadata.annotations or {})
        changed = util.set_new_replica_set_annotations(d, annotations, new_revision, True,
                                                       MAX_REV_HISTORY_LENGTH_IN_CHARS)
        if not changed and (rs.spec.min_ready_seconds or 0) == (d.spec.min_ready_seconds or 0):
            return rs
        new = evolve(rs)
        new.metadata.annotations = annotations
        new.spec.min_ready_seconds = d.spec.min_ready_seconds
        return self.store.update(new)

    def _create_new_rs(self, d: Any, old: list[Any], new_revision: str) -> tuple[Any, Any, list[Any]]:
        """The create half of `getNewReplicaSet`: `<deployment>-<hash>`, sized by `NewRSNewReplicas`.

        A ReplicaSet of that name that is not ours with this template is a hash collision:
        `status.collisionCount` goes up so that the retry hashes differently. Any other refusal
        is reported on the Deployment (Progressing=False, `ReplicaSetCreateError`)."""
        from kubenb.api.apps import ReplicaSet, ReplicaSetSpec
        from kubenb.api.meta import LabelSelector, ObjectMeta

        pod_hash = util.compute_hash(d.spec.template, d.status.collision_count, self.minor)
        template = d.spec.template.model_copy(deep=True)
        template.metadata.labels = {**(template.metadata.labels or {}), util.POD_TEMPLATE_HASH: pod_hash}
        selector = d.spec.selector.model_copy(deep=True) if d.spec.selector else LabelSelector()
        selector.match_labels = {**(selector.match_labels or {}), util.POD_TEMPLATE_HASH: pod_hash}
        rs = ReplicaSet(
            metadata=ObjectMeta(name=f"{d.metadata.name}-{pod_hash}", namespace=d.metadata.namespace,
                                labels=template.metadata.labels, owner_references=[owner_reference(d)]),
            spec=ReplicaSetSpec(replicas=0, min_ready_seconds=d.spec.min_ready_seconds, selector=selector,
                                template=template),
        )
        rs.spec.replicas = util.new_rs_new_replicas(d, [*old, rs], rs)
        annotations: dict[str, str] = {}
        util.set_new_replica_set_annotations(d, annotations, new_revision, False, MAX_REV_HISTORY_LENGTH_IN_CHARS)
        rs.metadata.annotations = dict(sorted(annotations.items()))
        try:
            created = self.store.create(rs)
        except StatusError as err:
            if err.reason != "AlreadyExists":
                self._report_create_error(d, rs, err)
                raise
            clash = self.store.get("ReplicaSet", d.metadata.namespace or "", rs.metadata.name or "")
            if not (_controlled_by(clash, d) and util.equal_ignore_hash(clash.spec.template, d.spec.template)):
                new_d = evolve(d, deep=("status",))
                new_d.status.collision_count = (d.status.collision_count or 0) + 1
                self.store.update(new_d, subresource="status")
                raise
            return self._set_deployment_revision(d, new_revision), clash, old
        if created.spec.replicas > 0:  # "from 0 to N" since 1.28, unlike a resize's "to N from M"
            span = f"from 0 to {created.spec.replicas}" if self.modern_events else f"to {created.spec.replicas}"
            self.events.normal(d, "ScalingReplicaSet", f"Scaled up replica set {created.metadata.name} {span}")
        return self._set_deployment_revision(d, new_revision, created=created), created, old

    def _report_create_error(self, d: Any, rs: Any, err: StatusError) -> None:
        message = f'Failed to create new replica set "{rs.metadata.name}": {err}'
        if util.has_progress_deadline(d):
            self._write_condition(d, PROGRESSING, "False", FAILED_RS_CREATE, message)
        self.events.warning(d, FAILED_RS_CREATE, message)

    def _set_deployment_revision(self, d: Any, revision: str, *, found: Any = None, created: Any = None) -> Any:
        """`SetDeploymentRevision`, and the Progressing condition that notes the new ReplicaSet:
        `NewReplicaSetCreated` when this sync created it, `FoundNewReplicaSet` when the Deployment
        had no Progressing condition yet.

        Upstream writes both through the status subresource, whose strategy keeps annotation
        changes; kubenb's keeps them out of status writes, so the annotation goes by an update."""
        if (d.metadata.annotations or {}).get(util.REVISION) != revision:
            new = evolve(d)
            new.metadata.annotations = {**(d.metadata.annotations or {}), util.REVISION: revision}
            d = self.store.update(new)
        if util.has_progress_deadline(d):
            if created is not None:
                d = self._write_condition(d, PROGRESSING, "True", "NewReplicaSetCreated",
                                          f'Created new replica set "{created.metadata.name}"')
            elif found is not None and _condition(d, PROGRESSING) is None:
                d = self._write_condition(d, PROGRESSING, "True", "FoundNewReplicaSet",
                                          f'Found new replica set "{found.metadata.name}"')
        return d

    # ---------------------------------------------------------------- scaling (sync.go)

    def _scale_rs_and_record_event(self, d: Any, rs: Any, replicas: int) -> Any:
        """`scaleReplicaSetAndRecordEvent`: resize `rs` if its size differs (annotations alone are
        left as they are)."""
        if rs.spec.replicas == replicas:
            return rs
        return self._scale_rs(d, rs, replicas)

    def _scale_rs(self, d: Any, rs: Any, replicas: int, operation: Optional[str] = None) -> Any:
        """`scaleReplicaSet`: write the size and the desired/max-replicas annotations when either
        is stale; a size change is announced as scaling `operation` ("up"/"down", by default the
        direction of this change; proportional scaling passes the Deployment's overall one)."""
        annotations = dict(rs.metadata.annotations or {})
        wanted = util.replica_annotations(d)
        size_changed = rs.spec.replicas != replicas
        if not size_changed and all(annotations.get(k) == v for k, v in wanted.items()):
            return rs
        annotations.update(wanted)
        # shallow copies suffice: the store copies what it is given before admitting it
        new = rs.model_copy(update={"spec": rs.spec.model_copy(update={"replicas": replicas}),
                                    "metadata": rs.metadata.model_copy(update={"annotations": annotations})})
        updated = self.store.update(new)
        if size_changed:
            if operation is None:
                operation = "up" if replicas > rs.spec.replicas else "down"
            self._scaled_event(d, operation, rs.metadata.name, rs.spec.replicas, replicas)
        return updated

    def _scaled_event(self, d: Any, operation: str, rs_name: str, before: int, after: int) -> None:
        """`ScalingReplicaSet` for a resize: "to N" before 1.28, "to N from M" since."""
        if self.modern_events:
            message = f"Scaled {operation} replica set {rs_name} to {after} from {before}"
        else:
            message = f"Scaled {operation} replica set {rs_name} to {after}"
        self.events.normal(d, "ScalingReplicaSet", message)

    def _is_scaling_event(self, d: Any, rss: list[Any]) -> bool:
        """`isScalingEvent`: an active ReplicaSet was last sized for another `spec.replicas`."""
        for rs in util.filter_active(rss):
            desired = util.desired_replicas_annotation(rs)
            if desired is not None and desired != d.spec.replicas:
                return True
        return False

    def _sync_scale(self, d: Any, rss: list[Any]) -> Optional[float]:
        """`sync`: a paused Deployment, or one whose size changed, is scaled (proportionally if
        several ReplicaSets are active) without rolling out; a paused one's history is trimmed."""
        d, new_rs, old = self._new_and_old(d, rss, create=False)
        self._scale(d, new_rs, old)
        if d.spec.paused:
            self._cleanup(d, old)
        return self._sync_status(d)

    def _scale(self, d: Any, new_rs: Optional[Any], old: list[Any]) -> None:
        """`scale`: one active ReplicaSet (else the new, else the newest) takes the whole size; a
        saturated new ReplicaSet leaves the old ones nothing; otherwise a rolling Deployment
        spreads the change over its active ReplicaSets in proportion to their sizes."""
        target = util.find_active_or_latest(new_rs, old)
        if target is not None:
            if target.spec.replicas != d.spec.replicas:
                self._scale_rs_and_record_event(d, target, d.spec.replicas)
            return
        if _is_saturated(d, new_rs):
            for rs in util.filter_active(old):
                self._scale_rs_and_record_event(d, rs, 0)
            return
        if not util.is_rolling(d):
            return
        active = util.filter_active([*old, new_rs])
        allowed = d.spec.replicas + util.max_surge(d) if d.spec.replicas > 0 else 0
        to_add = allowed - util.replicas_of(active)
        # scale up the newer ReplicaSets first, and down the older ones first
        if to_add > 0:
            ordered, operation = util.by_size_newer(active), "up"
        elif to_add < 0:
            ordered, operation = util.by_size_older(active), "down"
        else:
            ordered, operation = active, ""
        sizes: dict[str, int] = {}
        added = 0
        for rs in ordered:
            proportion = _proportion(rs, d, to_add, added)
            sizes[rs.metadata.name] = rs.spec.replicas + proportion
            added += proportion
        for i, rs in enumerate(ordered):
            size = sizes[rs.metadata.name]
            if i == 0 and to_add != 0:  # the leftover goes to the largest
                size = max(0, size + to_add - added)
            self._scale_rs(d, rs, size, operation)

    # ---------------------------------------------------------------- rolling update (rolling.go)

    def _rollout_rolling(self, d: Any, rss: list[Any]) -> Optional[float]:
        """`rolloutRolling`: one step, growing the new ReplicaSet or else shrinking old ones; once
        the Deployment's stored status says the rollout is complete, old revisions are trimmed."""
        d, new_rs, old = self._new_and_old(d, rss, create=True)
        all_rss = [*old, new_rs]
        if self._reconcile_new(d, all_rss, new_rs) or \
                self._reconcile_old(d, all_rss, util.filter_active(old), new_rs):
            return self._sync_rollout_status(d)
        if _complete(d, d.status):
            self._cleanup(d, old)
        return self._sync_rollout_status(d, settle=True)

    def _reconcile_new(self, d: Any, all_rss: list[Any], new_rs: Any) -> bool:
        """`reconcileNewReplicaSet`: grow the new ReplicaSet as far as maxSurge allows (or shrink
        it to `spec.replicas`). True if it was resized."""
        if new_rs.spec.replicas == d.spec.replicas:
            return False
        if new_rs.spec.replicas > d.spec.replicas:
            target = d.spec.replicas
        else:
            target = util.new_rs_new_replicas(d, all_rss, new_rs)
        if target == new_rs.spec.replicas:
            return False
        self._scale_rs_and_record_event(d, new_rs, target)
        return True

    def _reconcile_old(self, d: Any, all_rss: list[Any], old: list[Any], new_rs: Any) -> bool:
        """`reconcileOldReplicaSets`: shrink the old ReplicaSets as far as maxUnavailable allows,
        first by their unavailable pods (`cleanupUnhealthyReplicas`), then by available ones
        (`scaleDownOldReplicaSetsForRollingUpdate`). True if any was resized."""
        old_active = util.filter_active(old)
        if util.replicas_of(old_active) == 0:
            return False
        all_pods = util.replicas_of(all_rss)
        min_available = d.spec.replicas - util.max_unavailable(d)
        new_unavailable = new_rs.spec.replicas - (new_rs.status.available_replicas or 0)
        max_scaled_down = all_pods - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        cleaned = 0
        for rs in util.by_creation(old_active):
            if cleaned >= max_scaled_down:
                break
            available = rs.status.available_replicas or 0
            if rs.spec.replicas == 0 or rs.spec.replicas == available:
                continue
            n = min(max_scaled_down - cleaned, rs.spec.replicas - available)
            self._scale_rs_and_record_event(d, rs, rs.spec.replicas - n)
            cleaned += n
        current = {rs.metadata.uid: rs for rs in self._owned(d)}
        old_active = [current[rs.metadata.uid] for rs in old_active if rs.metadata.uid in current]
        scaled = 0
        available = util.available_replicas(current.values())
        if available > min_available:
            budget = available - min_available
            for rs in util.by_creation(old_active):
                if scaled >= budget:
                    break
                if not rs.spec.replicas:
                    continue
                n = min(rs.spec.replicas, budget - scaled)
                self._scale_rs_and_record_event(d, rs, rs.spec.replicas - n)
                scaled += n
        return cleaned + scaled > 0

    # ---------------------------------------------------------------- recreate (recreate.go)

    def _rollout_recreate(self, d: Any, rss: list[Any]) -> Optional[float]:
        """`rolloutRecreate`: scale every old ReplicaSet to 0, wait until none of their pods is
        left (the deletion of the last one wakes the Deployment), then create or grow the new one."""
        d, new_rs, old = self._new_and_old(d, rss, create=False)
        scaled_down = False
        for rs in util.filter_active(old):
            self._scale_rs_and_record_event(d, rs, 0)
            scaled_down = True
        if scaled_down or self._old_pods_running(old):
            return self._sync_rollout_status(d)
        if new_rs is None:
            d, new_rs, old = self._new_and_old(d, rss, create=True)
        self._scale_rs_and_record_event(d, new_rs, d.spec.replicas)
        if _complete(d, d.status):
            self._cleanup(d, old)
        return self._sync_rollout_status(d)

    def _old_pods_running(self, old: list[Any]) -> bool:
        """`oldPodsRunning`: an old ReplicaSet still counts pods, or owns one that has not
        finished (a terminating pod, whose phase is still Running, counts)."""
        if util.actual_replicas(old) > 0:
            return True
        return any(pod.status.phase not in ("Failed", "Succeeded")
                   for rs in old for pod in self.store.by_owner(rs.metadata.uid or "", "Pod") if _controlled_by(pod, rs))

    # ---------------------------------------------------------------- history (sync.go cleanupDeployment)

    def _cleanup(self, d: Any, old: list[Any]) -> None:
        """`cleanupDeployment`: delete the oldest revisions beyond `revisionHistoryLimit`, of those
        with no pods wanted or left and whose spec the ReplicaSet controller has seen."""
        limit = d.spec.revision_history_limit
        if limit is None or limit == util.MAX_INT32:
            return
        cleanable = [rs for rs in old if rs.metadata.deletion_timestamp is None]
        diff = len(cleanable) - limit
        if diff <= 0:
            return
        for rs in util.by_revision(cleanable)[:diff]:
            if (rs.status.replicas or 0) != 0 or (rs.spec.replicas or 0) != 0 or \
                    (rs.metadata.generation or 0) > (rs.status.observed_generation or 0):
                continue
            try:
                self.store.delete("ReplicaSet", rs.metadata.namespace or "", rs.metadata.name or "")
            except StatusError as err:
                if err.reason != "NotFound":
                    raise

    # ---------------------------------------------------------------- status (sync.go, progress.go)

    def _calculate_status(self, d: Any, rss: list[Any], new_rs: Optional[Any]) -> _StatusDraft:
        """`calculateStatus`: counts over the ReplicaSets, the other conditions kept, Available set;
        a draft, made a `DeploymentStatus` only when it is to be written (see `_StatusDraft`)."""
        actual = ready = available = wanted = 0
        for rs in rss:  # `GetActualReplicaCountForReplicaSets` and its siblings, in one pass
            rs_status = rs.status
            actual += rs_status.replicas or 0
            ready += rs_status.ready_replicas or 0
            available += rs_status.available_replicas or 0
            wanted += rs.spec.replicas or 0
        status = _StatusDraft(
            d.metadata.generation,
            actual or None,
            (new_rs.status.replicas if new_rs is not None else 0) or None,
            ready or None,
            available or None,
            max(0, wanted - available) or None,
            # shared, not copied: conditions are replaced, never edited (`_set_condition`)
            list(d.status.conditions or ()) or None,
            d.status.collision_count,
        )
        if available >= d.spec.replicas - util.max_unavailable(d):
            _set_condition(status, self.clock.rfc3339(), AVAILABLE, "True", "MinimumReplicasAvailable",
                           "Deployment has minimum availability.")
        else:
            _set_condition(status, self.clock.rfc3339(), AVAILABLE, "False", "MinimumReplicasUnavailable",
                           "Deployment does not have minimum availability.")
        return status

    def _sync_status_only(self, d: Any, rss: list[Any]) -> Optional[float]:
        """`syncStatusOnly`: a Deployment being deleted only has its status kept up to date."""
        d, _, _ = self._new_and_old(d, rss, create=False)
        return self._sync_status(d)

    def _sync_status(self, d: Any) -> Optional[float]:
        """`syncDeploymentStatus`: the status of the ReplicaSets as they are now; no progress
        estimate (scaling is not progress)."""
        d = self.store.get("Deployment", d.metadata.namespace or "", d.metadata.name or "")
        rss = self._owned(d)
        self._write_status(d, self._calculate_status(d, rss, util.find_new_replica_set(d, rss)).build())
        return None

    def _sync_rollout_status(self, d: Any, settle: bool = False) -> Optional[float]:
        """`syncRolloutStatus`: the status, and the Progressing condition estimated from it.

        Progress is estimated only with a progress deadline (without one, Progressing is
        removed) and not while the last rollout is complete. It is complete once every replica
        is updated and available (`NewReplicaSetAvailable`); progressing while the counts move
        forward (`ReplicaSetUpdated`, lastUpdateTime renewed); timed out once lastUpdateTime is
        `progressDeadlineSeconds` old (`ProgressDeadlineExceeded`). Messages name the new
        ReplicaSet, or the Deployment while there is none (a Recreate rollout before it starts).

        A changed status is written, which wakes the Deployment again; an unchanged one may ask
        for a look at the deadline (`requeueStuckDeployment`)."""
        d = self.store.get("Deployment", d.metadata.namespace or "", d.metadata.name or "")
        rss = self._owned(d)
        new_rs = util.find_new_replica_set(d, rss)
        status = self._calculate_status(d, rss, new_rs)
        has_deadline = util.has_progress_deadline(d)
        if not has_deadline:
            _remove_condition(status, PROGRESSING)
        current = _condition(d, PROGRESSING)
        complete = status.replicas == status.updated_replicas and current is not None and \
            current.reason == NEW_RS_AVAILABLE
        if has_deadline and not complete:
            now = self.clock.rfc3339()
            subject = f'ReplicaSet "{new_rs.metadata.name}"' if new_rs is not None else \
                f'Deployment "{d.metadata.name}"'
            if _complete(d, status):
                _set_condition(status, now, PROGRESSING, "True", NEW_RS_AVAILABLE, f"{subject} has successfully progressed.")
            elif _progressing(d, status):
                kept = current.last_transition_time if current is not None and current.status == "True" else None
                _set_condition(status, now, PROGRESSING, "True", "ReplicaSetUpdated", f"{subject} is progressing.",
                               force=True, transition=kept)
            elif self._timed_out(d, _condition_in(status, PROGRESSING)):
                _set_condition(status, now, PROGRESSING, "False", TIMED_OUT, f"{subject} has timed out progressing.")
        failure = _replica_failure(rss, new_rs)
        if failure is not None:
            _set_condition(status, failure.last_transition_time, REPLICA_FAILURE, failure.status, failure.reason or "",
                           failure.message or "", transition=failure.last_transition_time)
        else:
            _remove_condition(status, REPLICA_FAILURE)
        if status.same_as(d.status):
            return self._requeue_stuck(d, current)
        written = self._write_status(d, status.build())
        if settle:
            self._settle(written)
        return None

    def _timed_out(self, d: Any, cond: Any) -> bool:
        """`DeploymentTimedOut`: no progress for `progressDeadlineSeconds` since the condition's
        lastUpdateTime (strictly past it); never after a completed rollout."""
        if not util.has_progress_deadline(d) or cond is None or cond.reason == NEW_RS_AVAILABLE:
            return False
        if cond.reason == TIMED_OUT:
            return True
        return parse_rfc3339(cond.last_update_time) + d.spec.progress_deadline_seconds < self.clock.now

    def _requeue_stuck(self, d: Any, cond: Any) -> Optional[float]:
        """`requeueStuckDeployment`, for a Deployment whose status this sync left unchanged and
        whose Progressing condition is `cond`: the delay before the sync that will find it timed
        out, one second past the deadline; with less than a second left, a rate-limited "now".
        None when nothing can time out: no deadline or no condition, the rollout complete or
        already timed out.

        Upstream also polls a Deployment whose condition says `NewReplicaSetAvailable` but that
        is not complete (scaled up after its rollout), every 5 ms once its deadline has passed,
        until it is; such a sync never estimates progress, so the poll can change nothing and
        is skipped."""
        if not util.has_progress_deadline(d) or cond is None:
            return None
        if _complete(d, d.status) or cond.reason in (TIMED_OUT, NEW_RS_AVAILABLE):
            return None
        after = parse_rfc3339(cond.last_update_time) + d.spec.progress_deadline_seconds - self.clock.now
        if after < 1:
            return self.rate_limiter.when((d.metadata.namespace or "", d.metadata.name or ""))
        return after + 1

    def _check_paused_conditions(self, d: Any) -> Any:
        """`checkPausedConditions`: Progressing=Unknown while paused and right after a resume, so
        that the time spent paused does not count against the deadline (a timeout stays)."""
        if not util.has_progress_deadline(d):
            return d
        cond = _condition(d, PROGRESSING)
        if cond is not None and cond.reason == TIMED_OUT:
            return d
        paused_now = cond is not None and cond.reason == PAUSED
        if d.spec.paused and not paused_now:
            return self._write_condition(d, PROGRESSING, "Unknown", PAUSED, "Deployment is paused")
        if not d.spec.paused and paused_now:
            return self._write_condition(d, PROGRESSING, "Unknown", RESUMED, "Deployment is resumed")
        return d

    def _write_condition(self, d: Any, type_: str, status: str, reason: str, message: str) -> Any:
        new_status = d.status.model_copy(deep=True)
        _set_condition(new_status, self.clock.rfc3339(), type_, status, reason, message)
        return self._write_status(d, new_status)

    def _write_status(self, d: Any, status: Any) -> Any:
        current = self.store.get("Deployment", d.metadata.namespace or "", d.metadata.name or "")
        if current.status == status:
            return current
        return self.store.update(evolve(current, deep=(), status=status), subresource="status")


# -------------------------------------------------------------------- helpers


class _StatusDraft:
    """A Deployment status being calculated, with the attributes of a `DeploymentStatus`.

    Every Deployment sync calculates its status and about half find it unchanged (the sync that
    the Deployment's own status write brings, for one); building the pydantic model cost as much
    as the rest of the calculation, so the calculation fills this draft, compares it with the
    stored status field by field (what the model's equality compares), and builds the model,
    with the very arguments the calculation used to pass, only to write it."""

    __slots__ = ("observed_generation", "replicas", "updated_replicas", "ready_replicas", "available_replicas",
                 "unavailable_replicas", "conditions", "collision_count")
    terminating_replicas = None  # not calculated (nor, therefore, kept)

    def __init__(self, observed_generation: Optional[int], replicas: Optional[int], updated_replicas: Optional[int],
                 ready_replicas: Optional[int], available_replicas: Optional[int],
                 unavailable_replicas: Optional[int], conditions: Optional[list], collision_count: Optional[int]) -> None:
        self.observed_generation = observed_generation
        self.replicas = replicas
        self.updated_replicas = updated_replicas
        self.ready_replicas = ready_replicas
        self.available_replicas = available_replicas
        self.unavailable_replicas = unavailable_replicas
        self.conditions = conditions
        self.collision_count = collision_count

    def same_as(self, stored: Any) -> bool:
        """`DeploymentStatus(...) == stored`, without building the left side."""
        return stored.__pydantic_extra__ is None and stored.terminating_replicas is None and \
            all(getattr(self, name) == getattr(stored, name) for name in self.__slots__) and \
            len(stored.__dict__) == len(self.__slots__) + 1

    def build(self) -> Any:
        from kubenb.api.apps import DeploymentStatus

        return DeploymentStatus(**{name: getattr(self, name) for name in self.__slots__})



_parsed_selector = util.IdentityMemo(labelsel.selector_from_label_selector)


def _selector(d: Any) -> Any:
    """The Deployment's parsed selector, parsed once per stored selector (every sync reads it)."""
    return _parsed_selector(d.spec.selector)


def _controlled_by(obj: Any, owner: Any) -> bool:
    ref = obj.metadata.controller_ref()
    return ref is not None and ref.uid == owner.metadata.uid


def _is_saturated(d: Any, rs: Optional[Any]) -> bool:
    """`IsSaturated`: the new ReplicaSet has, was sized for and makes available `spec.replicas`."""
    if rs is None:
        return False
    return rs.spec.replicas == d.spec.replicas and util.desired_replicas_annotation(rs) == d.spec.replicas and \
        (rs.status.available_replicas or 0) == d.spec.replicas


def _proportion(rs: Any, d: Any, to_add: int, added: int) -> int:
    """`GetProportion`: this ReplicaSet's share of a scale by `to_add` of which `added` is given
    out: its share of the old size (`getReplicaSetFraction`), within what is left to give."""
    if not rs.spec.replicas or to_add == 0 or to_add == added:
        return 0
    fraction = _replica_set_fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _replica_set_fraction(rs: Any, d: Any) -> int:
    """`getReplicaSetFraction`: how much `rs` grows if it keeps its share of the Deployment's
    size. The old size is the max-replicas annotation (`replicas + maxSurge` when the Deployment
    last scaled it); missing, invalid or 0, `status.replicas` stands in, and with no pods either
    there is nothing to be proportional to."""
    if d.spec.replicas == 0:
        return -rs.spec.replicas
    old_max = util.max_replicas_annotation(rs)
    if not old_max:
        old_max = d.status.replicas or 0
        if old_max == 0:
            return 0
    new_max = d.spec.replicas + util.max_surge(d)
    return util.round_half_away(rs.spec.replicas * new_max / old_max) - rs.spec.replicas


def _replica_failure(rss: list[Any], new_rs: Optional[Any]) -> Optional[Any]:
    """`getReplicaFailures`: a ReplicaSet's ReplicaFailure condition, the new ReplicaSet's first."""
    for rs in ([new_rs] if new_rs is not None else []) + rss:
        for c in rs.status.conditions or ():
            if c.type == REPLICA_FAILURE:
                return c
    return None


def _condition(d: Any, type_: str) -> Optional[Any]:
    return _condition_in(d.status, type_)


def _condition_in(status: Any, type_: str) -> Optional[Any]:
    for c in status.conditions or ():
        if c.type == type_:
            return c
    return None


def _remove_condition(status: Any, type_: str) -> None:
    """`RemoveDeploymentCondition`."""
    status.conditions = [c for c in status.conditions or () if c.type != type_] or None


def _set_condition(status: Any, now: str, type_: str, value: str, reason: str, message: str,
                   force: bool = False, transition: Optional[str] = None) -> None:
    """`SetDeploymentCondition`: replace the condition of that type and append it last."""
    from kubenb.api.apps import DeploymentCondition

    current = _condition_in(status, type_)
    if not force and current is not None and current.status == value and current.reason == reason:
        return
    if transition is None:
        transition = current.last_transition_time if current is not None and current.status == value else now
    cond = DeploymentCondition(type=type_, status=value, last_update_time=now, last_transition_time=transition,
                               reason=reason, message=message)
    status.conditions = [c for c in status.conditions or () if c.type != type_] + [cond]


def _complete(d: Any, status: Any) -> bool:
    """`DeploymentComplete`: every replica updated and available, the latest spec observed."""
    r = d.spec.replicas
    return (status.updated_replicas or 0) == r and (status.replicas or 0) == r and \
        (status.available_replicas or 0) == r and (status.observed_generation or 0) >= (d.metadata.generation or 0)


def _progressing(d: Any, status: Any) -> bool:
    """`DeploymentProgressing`: more updated, ready or available replicas, or fewer old ones."""
    old = d.status
    old_old = (old.replicas or 0) - (old.updated_replicas or 0)
    new_old = (status.replicas or 0) - (status.updated_replicas or 0)
    return (status.updated_replicas or 0) > (old.updated_replicas or 0) or new_old < old_old or \
        (status.ready_replicas or 0) > (old.ready_replicas or 0) or \
        (status.available_replicas or 0) > (old.available_replicas or 0)
