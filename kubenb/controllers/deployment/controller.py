"""Deployment controller: `sync.go`, `rolling.go`, `recreate.go` and `progress.go` in one reconcile.

One sync makes at most one scaling step of the rollout, as upstream does; the next step comes
when the ReplicaSets' status changes wake the Deployment again. That is what produces the
course's event sequence (old to 2, new to 1, old to 1, new to 2, old to 0).
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api.base import evolve
from kubenb.controllers.base import Controller, owner_reference
from kubenb.controllers.deployment import util
from kubenb.sim.clock import parse_rfc3339
from kubenb.store.errors import StatusError

AVAILABLE, PROGRESSING = "Available", "Progressing"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED, RESUMED = "DeploymentPaused", "DeploymentResumed"


class DeploymentController(Controller):
    component = "deployment-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.modern_events = cluster.version.minor >= 28
        self.watch_own("Deployment")
        self.watch_owned("ReplicaSet", "Deployment")

    # ---------------------------------------------------------------- entry point

    def sync(self, namespace: str, name: str) -> Optional[float]:
        d = self.store.try_get("Deployment", namespace, name)
        if d is None:
            return None
        rss = [rs for rs in self.store.by_owner(d.metadata.uid, "ReplicaSet") if _controlled_by(rs, d)]
        if d.metadata.deletion_timestamp is not None:
            return self._sync_status(d, rss)
        d = self._check_paused_conditions(d)
        if d.spec.paused or self._is_scaling_event(d, rss):
            return self._sync_scale(d, rss)
        if d.spec.strategy.type == "Recreate":
            return self._rollout_recreate(d, rss)
        return self._rollout_rolling(d, rss)

    # ---------------------------------------------------------------- replica sets

    def _new_and_old(self, d: Any, rss: list[Any], create: bool) -> tuple[Any, Optional[Any], list[Any]]:
        """`getAllReplicaSetsAndSyncRevision`: (deployment, new RS or None, old RSs)."""
        existing = util.find_new_replica_set(d, rss)
        old = [rs for rs in rss if existing is None or rs.metadata.uid != existing.metadata.uid]
        new_revision = str(util.max_revision(old) + 1)
        if existing is not None:
            rs = self._sync_new_rs_annotations(d, existing, new_revision)
            d = self._set_deployment_revision(d, util.revision(rs), found=rs)
            return d, rs, old
        if not create:
            return d, None, old
        return self._create_new_rs(d, old, new_revision)

    def _sync_new_rs_annotations(self, d: Any, rs: Any, new_revision: str) -> Any:
        annotations = dict(rs.metadata.annotations or {})
        changed = _copy_annotations(d, annotations)
        old_revision = annotations.get(util.REVISION, "")
        if util.revision(rs) < int(new_revision):
            annotations[util.REVISION] = new_revision
            changed = True
            if old_revision:  # an old ReplicaSet brought back (rollback): remember its former number
                history = annotations.get(util.REVISION_HISTORY)
                annotations[util.REVISION_HISTORY] = f"{history},{old_revision}" if history else old_revision
        min_ready_changed = (rs.spec.min_ready_seconds or 0) != (d.spec.min_ready_seconds or 0)
        if not changed and not min_ready_changed:
            return rs
        new = evolve(rs)
        new.metadata.annotations = annotations
        new.spec.min_ready_seconds = d.spec.min_ready_seconds
        return self.store.update(new)

    def _create_new_rs(self, d: Any, old: list[Any], new_revision: str) -> tuple[Any, Any, list[Any]]:
        from kubenb.api.apps import ReplicaSet, ReplicaSetSpec
        from kubenb.api.meta import LabelSelector, ObjectMeta

        pod_hash = util.compute_hash(d.spec.template, d.status.collision_count)
        template = d.spec.template.model_copy(deep=True)
        template.metadata.labels = {**(template.metadata.labels or {}), util.POD_TEMPLATE_HASH: pod_hash}
        selector = d.spec.selector.model_copy(deep=True) if d.spec.selector else LabelSelector()
        selector.match_labels = {**(selector.match_labels or {}), util.POD_TEMPLATE_HASH: pod_hash}
        annotations = util.copied_annotations(d)
        annotations[util.REVISION] = new_revision
        annotations.update(util.replica_annotations(d))
        rs = ReplicaSet(
            metadata=ObjectMeta(
                name=f"{d.metadata.name}-{pod_hash}", namespace=d.metadata.namespace,
                labels=template.metadata.labels, annotations=dict(sorted(annotations.items())),
                owner_references=[owner_reference(d)]),
            spec=ReplicaSetSpec(replicas=0, min_ready_seconds=d.spec.min_ready_seconds, selector=selector,
                                template=template),
        )
        rs.spec.replicas = util.new_rs_new_replicas(d, [*old, rs], rs)
        try:
            created = self.store.create(rs)
        except StatusError as err:
            if err.reason != "AlreadyExists":
                raise
            clash = self.store.get("ReplicaSet", d.metadata.namespace, rs.metadata.name)
            if _controlled_by(clash, d) and util.equal_ignore_hash(clash.spec.template, d.spec.template):
                return d, clash, old
            # a hash collision: bump collisionCount so the next sync hashes differently
            new_d = evolve(d, deep=("status",))
            new_d.status.collision_count = (d.status.collision_count or 0) + 1
            return self.store.update(new_d, subresource="status"), None, old
        if created.spec.replicas > 0:
            self._scaled_event(d, "up", created.metadata.name, 0, created.spec.replicas)
        d = self._set_deployment_revision(d, int(new_revision), created=created)
        return d, created, old

    def _set_deployment_revision(self, d: Any, revision: int, *, found: Any = None, created: Any = None) -> Any:
        """Mirror the new RS's revision on the Deployment and note the RS in the Progressing condition."""
        annotations = dict(d.metadata.annotations or {})
        changed = False
        if util.revision(d) != revision and revision:
            annotations[util.REVISION] = str(revision)
            changed = True
        if changed:
            new = evolve(d)
            new.metadata.annotations = annotations
            d = self.store.update(new)
        if d.spec.progress_deadline_seconds is not None:
            cond = _condition(d, PROGRESSING)
            if created is not None:
                d = self._write_condition(d, PROGRESSING, "True", "NewReplicaSetCreated",
                                          f'Created new replica set "{created.metadata.name}"')
            elif found is not None and cond is None:
                d = self._write_condition(d, PROGRESSING, "True", "FoundNewReplicaSet",
                                          f'Found new replica set "{found.metadata.name}"')
        return d

    def _scale_rs(self, d: Any, rs: Any, replicas: int) -> Any:
        """`scaleReplicaSetAndRecordEvent`: resize and refresh the desired/max annotations."""
        annotations = dict(rs.metadata.annotations or {})
        wanted = util.replica_annotations(d)
        size_changed = rs.spec.replicas != replicas
        if not size_changed and all(annotations.get(k) == v for k, v in wanted.items()):
            return rs
        new = evolve(rs)
        new.spec.replicas = replicas
        annotations.update(wanted)
        new.metadata.annotations = annotations
        updated = self.store.update(new)
        if size_changed:
            self._scaled_event(d, "up" if replicas > rs.spec.replicas else "down", rs.metadata.name,
                               rs.spec.replicas, replicas)
        return updated

    def _scaled_event(self, d: Any, direction: str, rs_name: str, before: int, after: int) -> None:
        if self.modern_events:
            msg = f"Scaled {direction} replica set {rs_name} from {before} to {after}"
        else:
            msg = f"Scaled {direction} replica set {rs_name} to {after}"
        self.events.normal(d, "ScalingReplicaSet", msg)

    # ---------------------------------------------------------------- scaling (sync.go)

    def _is_scaling_event(self, d: Any, rss: list[Any]) -> bool:
        for rs in rss:
            if (rs.spec.replicas or 0) > 0:
                desired = (rs.metadata.annotations or {}).get(util.DESIRED_REPLICAS)
                if desired is not None and desired != str(d.spec.replicas):
                    return True
        return False

    def _sync_scale(self, d: Any, rss: list[Any]) -> Optional[float]:
        d, new_rs, old = self._new_and_old(d, rss, create=False)
        self._scale(d, new_rs, old)
        rss = [rs for rs in self.store.by_owner(d.metadata.uid, "ReplicaSet") if _controlled_by(rs, d)]
        if d.spec.paused:
            self._cleanup(d, [rs for rs in rss if new_rs is None or rs.metadata.uid != new_rs.metadata.uid])
        return self._sync_status(d, rss)

    def _scale(self, d: Any, new_rs: Optional[Any], old: list[Any]) -> None:
        active = [rs for rs in ([new_rs] if new_rs else []) + old if (rs.spec.replicas or 0) > 0]
        if len(active) <= 1:
            target = active[0] if active else (new_rs or (max(old, key=lambda r: r.metadata.creation_timestamp or "") if old else None))
            if target is not None:
                self._scale_rs(d, target, d.spec.replicas)
            return
        if new_rs is not None and _is_saturated(d, new_rs):
            for rs in old:
                if rs.spec.replicas:
                    self._scale_rs(d, rs, 0)
            return
        if not util.is_rolling(d):
            return
        allowed = d.spec.replicas + util.max_surge(d) if d.spec.replicas > 0 else 0
        to_add = allowed - util.replicas_of(active)
        if to_add > 0:
            ordered = sorted(active, key=lambda rs: (-rs.spec.replicas, _neg_time(rs)))
        else:
            ordered = sorted(active, key=lambda rs: (-rs.spec.replicas, rs.metadata.creation_timestamp or "", rs.metadata.name))
        sizes: dict[str, int] = {}
        added = 0
        for rs in ordered:
            proportion = _proportion(rs, d, to_add, added)
            sizes[rs.metadata.name] = rs.spec.replicas + proportion
            added += proportion
        for i, rs in enumerate(ordered):
            size = sizes[rs.metadata.name]
            if i == 0 and to_add != 0:
                size = max(0, size + to_add - added)
            self._scale_rs(d, rs, size)

    # ---------------------------------------------------------------- rolling update (rolling.go)

    def _rollout_rolling(self, d: Any, rss: list[Any]) -> Optional[float]:
        d, new_rs, old = self._new_and_old(d, rss, create=True)
        if new_rs is None:  # collision: retry with the new collision count
            return 0.0
        all_rss = [*old, new_rs]
        if self._reconcile_new(d, all_rss, new_rs) or self._reconcile_old(d, all_rss, old, new_rs):
            return self._sync_rollout_status(d)
        current = self._owned(d)
        status = self._calculate_status(d, current, new_rs.metadata.uid)
        if _complete(d, status):
            self._cleanup(d, old)
        return self._sync_rollout_status(d)

    def _reconcile_new(self, d: Any, all_rss: list[Any], new_rs: Any) -> bool:
        if new_rs.spec.replicas == d.spec.replicas:
            return False
        if new_rs.spec.replicas > d.spec.replicas:
            self._scale_rs(d, new_rs, d.spec.replicas)
            return True
        target = util.new_rs_new_replicas(d, all_rss, new_rs)
        if target == new_rs.spec.replicas:
            return False
        self._scale_rs(d, new_rs, target)
        return True

    def _reconcile_old(self, d: Any, all_rss: list[Any], old: list[Any], new_rs: Any) -> bool:
        old_active = [rs for rs in old if (rs.spec.replicas or 0) > 0]
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
            self._scale_rs(d, rs, rs.spec.replicas - n)
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
                self._scale_rs(d, rs, rs.spec.replicas - n)
                scaled += n
        return cleaned + scaled > 0

    # ---------------------------------------------------------------- recreate (recreate.go)

    def _rollout_recreate(self, d: Any, rss: list[Any]) -> Optional[float]:
        d, new_rs, old = self._new_and_old(d, rss, create=False)
        scaled_down = False
        for rs in old:
            if rs.spec.replicas:
                self._scale_rs(d, rs, 0)
                scaled_down = True
        if scaled_down or self._old_pods_running(old):
            return self._sync_rollout_status(d)
        if new_rs is None:
            d, new_rs, old = self._new_and_old(d, self._owned(d), create=True)
            if new_rs is None:
                return 0.0
        self._scale_rs(d, new_rs, d.spec.replicas)
        status = self._calculate_status(d, self._owned(d), new_rs.metadata.uid)
        if _complete(d, status):
            self._cleanup(d, old)
        return self._sync_rollout_status(d)

    def _old_pods_running(self, old: list[Any]) -> bool:
        for rs in old:
            if (rs.status.replicas or 0) > 0:
                return True
            for pod in self.store.by_owner(rs.metadata.uid, "Pod"):
                if pod.status.phase not in ("Failed", "Succeeded"):
                    return True
        return False

    # ---------------------------------------------------------------- history (sync.go cleanupDeployment)

    def _cleanup(self, d: Any, old: list[Any]) -> None:
        limit = d.spec.revision_history_limit
        if limit is None:
            return
        cleanable = [rs for rs in old if rs.metadata.deletion_timestamp is None]
        diff = len(cleanable) - limit
        if diff <= 0:
            return
        for rs in sorted(cleanable, key=lambda r: (util.revision(r), r.metadata.creation_timestamp or ""))[:diff]:
            if (rs.status.replicas or 0) != 0 or (rs.spec.replicas or 0) != 0 or \
                    (rs.metadata.generation or 0) > (rs.status.observed_generation or 0):
                continue
            self.store.delete("ReplicaSet", rs.metadata.namespace, rs.metadata.name)

    # ---------------------------------------------------------------- status (sync.go, progress.go)

    def _owned(self, d: Any) -> list[Any]:
        return [rs for rs in self.store.by_owner(d.metadata.uid, "ReplicaSet") if _controlled_by(rs, d)]

    def _calculate_status(self, d: Any, rss: list[Any], new_uid: Optional[str]) -> Any:
        from kubenb.api.apps import DeploymentStatus

        new_rss = [rs for rs in rss if rs.metadata.uid == new_uid]
        available = util.available_replicas(rss)
        status = DeploymentStatus(
            observed_generation=d.metadata.generation,
            replicas=util.actual_replicas(rss) or None,
            updated_replicas=util.actual_replicas(new_rss) or None,
            ready_replicas=util.ready_replicas(rss) or None,
            available_replicas=available or None,
            unavailable_replicas=max(0, util.replicas_of(rss) - available) or None,
            conditions=[c.model_copy() for c in d.status.conditions or ()] or None,
            collision_count=d.status.collision_count,
        )
        if available >= d.spec.replicas - util.max_unavailable(d):
            _set_condition(status, self.clock.rfc3339(), AVAILABLE, "True", "MinimumReplicasAvailable",
                           "Deployment has minimum availability.")
        else:
            _set_condition(status, self.clock.rfc3339(), AVAILABLE, "False", "MinimumReplicasUnavailable",
                           "Deployment does not have minimum availability.")
        return status

    def _sync_status(self, d: Any, rss: list[Any]) -> Optional[float]:
        new_rs = util.find_new_replica_set(d, rss)
        status = self._calculate_status(d, rss, new_rs.metadata.uid if new_rs else None)
        self._write_status(d, status)
        return None

    def _sync_rollout_status(self, d: Any) -> Optional[float]:
        d = self.store.get("Deployment", d.metadata.namespace, d.metadata.name)
        rss = self._owned(d)
        new_rs = util.find_new_replica_set(d, rss)
        status = self._calculate_status(d, rss, new_rs.metadata.uid if new_rs else None)
        now = self.clock.rfc3339()
        if d.spec.progress_deadline_seconds is not None and new_rs is not None:
            current = _condition_in(status, PROGRESSING)
            complete = status.replicas == status.updated_replicas and current is not None and \
                current.reason == NEW_RS_AVAILABLE
            name = new_rs.metadata.name
            if not complete:
                if _complete(d, status):
                    _set_condition(status, now, PROGRESSING, "True", NEW_RS_AVAILABLE,
                                   f'ReplicaSet "{name}" has successfully progressed.')
                elif _progressing(d, status):
                    kept = current.last_transition_time if current is not None and current.status == "True" else None
                    _set_condition(status, now, PROGRESSING, "True", "ReplicaSetUpdated",
                                   f'ReplicaSet "{name}" is progressing.', force=True, transition=kept)
                elif self._timed_out(d, current):
                    _set_condition(status, now, PROGRESSING, "False", TIMED_OUT,
                                   f'ReplicaSet "{name}" has timed out progressing.')
        self._write_status(d, status)
        return self._requeue_stuck(d, _condition_in(status, PROGRESSING))

    def _timed_out(self, d: Any, cond: Any) -> bool:
        if cond is None or cond.reason == NEW_RS_AVAILABLE:
            return False
        if cond.reason == TIMED_OUT:
            return True
        return parse_rfc3339(cond.last_update_time) + d.spec.progress_deadline_seconds < self.clock.now

    def _requeue_stuck(self, d: Any, cond: Any) -> Optional[float]:
        if d.spec.progress_deadline_seconds is None or cond is None or cond.reason in (NEW_RS_AVAILABLE, TIMED_OUT):
            return None
        remaining = parse_rfc3339(cond.last_update_time) + d.spec.progress_deadline_seconds - self.clock.now
        return max(remaining, 0) + 1

    def _check_paused_conditions(self, d: Any) -> Any:
        if d.spec.progress_deadline_seconds is None:
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
        current = self.store.get("Deployment", d.metadata.namespace, d.metadata.name)
        if current.status == status:
            return current
        return self.store.update(evolve(current, deep=(), status=status), subresource="status")


# -------------------------------------------------------------------- helpers


def _controlled_by(obj: Any, owner: Any) -> bool:
    ref = obj.metadata.controller_ref()
    return ref is not None and ref.uid == owner.metadata.uid


def _copy_annotations(d: Any, annotations: dict[str, str]) -> bool:
    changed = False
    for k, v in util.copied_annotations(d).items():
        if annotations.get(k) != v:
            annotations[k] = v
            changed = True
    return changed


def _neg_time(rs: Any) -> tuple:
    """Newer first (for sorting ascending)."""
    t = parse_rfc3339(rs.metadata.creation_timestamp) if rs.metadata.creation_timestamp else 0.0
    return (-t, rs.metadata.name)


def _is_saturated(d: Any, rs: Any) -> bool:
    desired = (rs.metadata.annotations or {}).get(util.DESIRED_REPLICAS)
    return rs.spec.replicas == d.spec.replicas and desired == str(d.spec.replicas) and \
        (rs.status.available_replicas or 0) == d.spec.replicas


def _proportion(rs: Any, d: Any, to_add: int, added: int) -> int:
    """`GetProportion`: this ReplicaSet's share of a scale, by its share of the old max-replicas."""
    if not rs.spec.replicas or to_add == 0 or to_add == added:
        return 0
    if d.spec.replicas == 0:
        fraction = -rs.spec.replicas
    else:
        annotated = (rs.metadata.annotations or {}).get(util.MAX_REPLICAS)
        old_max = int(annotated) if annotated and annotated.isdigit() else (d.status.replicas or 0)
        if old_max == 0:
            return 0
        exact = rs.spec.replicas * (d.spec.replicas + util.max_surge(d)) / old_max
        fraction = int(exact + 0.5) if exact >= 0 else -int(-exact + 0.5)
        fraction -= rs.spec.replicas
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _condition(d: Any, type_: str) -> Optional[Any]:
    return _condition_in(d.status, type_)


def _condition_in(status: Any, type_: str) -> Optional[Any]:
    for c in status.conditions or ():
        if c.type == type_:
            return c
    return None


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
    r = d.spec.replicas
    return (status.updated_replicas or 0) == r and (status.replicas or 0) == r and \
        (status.available_replicas or 0) == r and (status.observed_generation or 0) >= (d.metadata.generation or 0)


def _progressing(d: Any, status: Any) -> bool:
    old = d.status
    old_old = (old.replicas or 0) - (old.updated_replicas or 0)
    new_old = (status.replicas or 0) - (status.updated_replicas or 0)
    return (status.updated_replicas or 0) > (old.updated_replicas or 0) or new_old < old_old or \
        (status.ready_replicas or 0) > (old.ready_replicas or 0) or \
        (status.available_replicas or 0) > (old.available_replicas or 0)
