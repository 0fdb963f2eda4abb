"""The StatefulSet controller (`pkg/controller/statefulset`): pods with a stable identity.

Pod `N` of StatefulSet `web` is named `web-N`, has `hostname: web-N` and `subdomain: <serviceName>`,
and carries `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` (1.28+) and
`controller-revision-hash=<revision name>`. Each `volumeClaimTemplates[i]` becomes a claim
`<template>-web-N`, created before the pod that mounts it.

One sync (`UpdateStatefulSet`) is upstream's, step by step:

1. revisions: the current template's ControllerRevision is found (equal data) or created
   (:mod:`kubenb.controllers.history`); `status.currentRevision` names the revision the set was
   at before an update, `status.updateRevision` the revision of the template;
2. replicas `start … start+replicas-1` are processed in ordinal order. With `OrderedReady`
   (the default) a missing pod is created and the pass stops; the next pod waits until every
   lower one is Running and Ready (and Available after `minReadySeconds`). With `Parallel` all
   missing pods are created at once. Failed or Succeeded pods are deleted, to be recreated;
3. pods beyond the range are deleted, highest ordinal first, one at a time in `OrderedReady`,
   each waiting for the previous one to be gone;
4. `RollingUpdate`: from the highest ordinal down to `partition`, the first pod not at the
   update revision is deleted (it comes back at the new revision); the pass stops at a pod
   that is not available yet. `OnDelete` leaves pods alone until someone deletes them;
5. status (replicas, ready, available, current, updated, revisions, collisionCount,
   observedGeneration) is written when it changed, and old revisions beyond
   `revisionHistoryLimit` are deleted unless a pod still uses them.

`persistentVolumeClaimRetentionPolicy` (1.27+) is enforced through owner references on the
claims: `whenDeleted: Delete` makes the set own them, `whenScaled: Delete` makes a scaled-down
pod own its claims, so the garbage collector removes them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api import podutil
from kubenb.api.base import deep_copy, evolve
from kubenb.controllers import history
from kubenb.controllers.base import Controller, owner_reference, pod_spec_from_template
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
REVISION_LABEL = history.REVISION_LABEL

POD_INDEX_MINOR = 28        # PodIndexLabel beta
AUTO_DELETE_PVC_MINOR = 27  # StatefulSetAutoDeletePVC beta
RECREATE_PVC_MINOR = 28     # processReplica recreates missing claims of Pending pods

_ORDINAL = re.compile(r"^(.*)-([0-9]+)$")


# ---------------------------------------------------------------- identity (stateful_set_utils.go)


def parent_and_ordinal(pod: Any) -> tuple[str, int]:
    """`getParentNameAndOrdinal`: ("", -1) for a name without a trailing `-<int32>`."""
    return _parse_name(pod.metadata.name or "")


@lru_cache(maxsize=65536)
def _parse_name(name: str) -> tuple[str, int]:
    m = _ORDINAL.match(name)
    if m is None:
        return "", -1
    ordinal = int(m.group(2))
    return m.group(1), ordinal if ordinal < 2**31 else -1


def get_ordinal(pod: Any) -> int:
    return parent_and_ordinal(pod)[1]


def start_ordinal(sts: Any) -> int:
    return sts.spec.ordinals.start if sts.spec.ordinals is not None else 0


def end_ordinal(sts: Any) -> int:
    return start_ordinal(sts) + _replicas(sts) - 1


def _replicas(sts: Any) -> int:
    return sts.spec.replicas if sts.spec.replicas is not None else 1


def in_ordinal_range(pod: Any, sts: Any) -> bool:
    return start_ordinal(sts) <= get_ordinal(pod) <= end_ordinal(sts)


def pod_name(sts: Any, ordinal: int) -> str:
    return f"{sts.metadata.name}-{ordinal}"


def claim_name(sts: Any, template: Any, ordinal: int) -> str:
    """`getPersistentVolumeClaimName`: `<template>-<set>-<ordinal>`."""
    return f"{template.metadata.name}-{sts.metadata.name}-{ordinal}"


def is_member_of(sts: Any, pod: Any) -> bool:
    return parent_and_ordinal(pod)[0] == sts.metadata.name


def identity_matches(sts: Any, pod: Any) -> bool:
    parent, ordinal = parent_and_ordinal(pod)
    return (ordinal >= 0 and parent == sts.metadata.name and pod.metadata.name == pod_name(sts, ordinal)
            and (pod.metadata.namespace or "") == (sts.metadata.namespace or "")
            and (pod.metadata.labels or {}).get(POD_NAME_LABEL) == pod.metadata.name)


def storage_matches(sts: Any, pod: Any) -> bool:
    ordinal = get_ordinal(pod)
    if ordinal < 0:
        return False
    volumes = {v.name: v for v in pod.spec.volumes or ()}
    for template in sts.spec.volume_claim_templates or ():
        v = volumes.get(template.metadata.name)
        if v is None or v.persistent_volume_claim is None or \
                v.persistent_volume_claim.claim_name != claim_name(sts, template, ordinal):
            return False
    return True


def pod_revision(pod: Any) -> str:
    return (pod.metadata.labels or {}).get(REVISION_LABEL, "")


def is_created(pod: Any) -> bool:
    return bool(pod.status.phase)


def is_terminating(pod: Any) -> bool:
    return pod.metadata.deletion_timestamp is not None


def running_and_ready(pod: Any) -> bool:
    return pod.status.phase == "Running" and podutil.is_ready(pod)


def running_and_available(pod: Any, min_ready: int, now: float) -> bool:
    return podutil.is_available(pod, min_ready, now)


def is_unavailable(pod: Any, min_ready: int, now: float) -> bool:
    return not running_and_available(pod, min_ready, now) or is_terminating(pod)


def retention_policy(sts: Any) -> tuple[str, str]:
    """(whenDeleted, whenScaled), Retain when unset."""
    p = sts.spec.persistent_volume_claim_retention_policy
    if p is None:
        return "Retain", "Retain"
    return p.when_deleted or "Retain", p.when_scaled or "Retain"


# ---------------------------------------------------------------- the controller


class StatefulSetController(Controller):
    component = "statefulset-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.minor = cluster.version.minor
        self.watch_own("StatefulSet")
        # acts on the pods a StatefulSet controls (now or before) and on orphans (adoption)
        self.store.watch(self._on_pod, "Pod", when=[["owner:StatefulSet", "orphan"]])

    # ---------------------------------------------------------------- watches

    def _on_pod(self, ev: WatchEvent) -> None:
        pod = ev.object
        refs = [pod.metadata.controller_ref()]
        if ev.old_object is not None:
            refs.append(ev.old_object.metadata.controller_ref())
        owned = False
        for ref in refs:
            if ref is not None and ref.kind == "StatefulSet":
                self.queue.add((pod.metadata.namespace or "", ref.name))
                owned = True
        ref = refs[0]
        if ref is not None and ref.kind == "StatefulSet" and ev.type == "MODIFIED" and \
                not podutil.is_ready(ev.old_object) and podutil.is_ready(pod):
            sts = self.store.try_get("StatefulSet", pod.metadata.namespace or "", ref.name)
            if sts is not None and sts.metadata.uid == ref.uid and (sts.spec.min_ready_seconds or 0) > 0:
                # a pod became ready: look again once it is available (+1s against clock skew)
                self.queue.add_after((pod.metadata.namespace or "", ref.name), sts.spec.min_ready_seconds + 1.0)
        if not owned and ev.type != "DELETED" and refs[0] is None:
            # an orphan: wake the sets that may adopt it (`getStatefulSetsForPod`)
            for sts in self.store.list("StatefulSet", pod.metadata.namespace or ""):
                try:
                    selector = labelsel.selector_from_label_selector(sts.spec.selector)
                except labelsel.SelectorError:
                    continue
                if not selector.empty() and selector.matches(pod.metadata.labels or {}):
                    self.enqueue(sts)

    # ---------------------------------------------------------------- sync

    def sync(self, namespace: str, name: str) -> Optional[float]:
        sts = self.store.try_get("StatefulSet", namespace, name)
        if sts is None:
            return None
        try:
            selector = labelsel.selector_from_label_selector(sts.spec.selector)
        except labelsel.SelectorError:
            return None
        revisions = history.list_revisions(self.store, sts, selector)
        if sts.metadata.deletion_timestamp is None:
            revisions = [history.adopt_revision(self.store, sts, r) if r.metadata.controller_ref() is None else r
                         for r in revisions]
        pods = self._claim_pods(sts, selector)
        status = self._update_statefulset(sts, pods, revisions)
        min_ready = sts.spec.min_ready_seconds or 0
        if min_ready > 0 and status is not None and status.available_replicas != _replicas(sts):
            self.queue.add_after((namespace, name), float(min_ready))  # `enqueueSSAfter`
        return None

    def _claim_pods(self, sts: Any, selector: Any) -> list[Any]:
        """`ClaimPods` with `isMemberOf`: keep owned pods that still match, release those that do
        not, adopt matching orphans (not while the set is being deleted)."""
        uid = sts.metadata.uid
        deleting = sts.metadata.deletion_timestamp is not None
        claimed = []
        for pod in self.store.by_owner(uid or "", "Pod"):
            ref = pod.metadata.controller_ref()
            if ref is None or ref.uid != uid:
                continue
            if selector.matches(pod.metadata.labels or {}) and is_member_of(sts, pod):
                claimed.append(pod)
            elif not deleting:
                self._release(sts, pod)
        if deleting or selector.empty():
            return claimed
        for pod in self.store.list("Pod", sts.metadata.namespace or "", selector):
            if pod.metadata.controller_ref() is not None or pod.metadata.deletion_timestamp is not None:
                continue
            if is_member_of(sts, pod):
                new = evolve(pod, deep=("metadata",))
                new.metadata.owner_references = [*(new.metadata.owner_references or ()), owner_reference(sts)]
                try:
                    claimed.append(self.store.update(new))
                except StatusError:
                    pass
        return sorted(claimed, key=lambda p: p.metadata.name or "")

    def _release(self, sts: Any, pod: Any) -> None:
        new = evolve(pod, deep=("metadata",))
        new.metadata.owner_references = [r for r in new.metadata.owner_references or ()
                                          if r.uid != sts.metadata.uid] or None
        try:
            self.store.update(new)
        except StatusError:
            pass

    # ---------------------------------------------------------------- UpdateStatefulSet

    def _update_statefulset(self, sts: Any, pods: list[Any], revisions: list[Any]) -> Any:
        revisions = history.sort_revisions(revisions)
        current, update, collision_count = self._get_revisions(sts, revisions)
        status = self._update_pods(sts, current, update, collision_count, pods)
        self._write_status(sts, status)
        live = {current.metadata.name or "", update.metadata.name or ""} | {pod_revision(p) for p in pods}
        history.truncate_history(self.store, revisions, live, sts.spec.revision_history_limit)
        return status

    def _get_revisions(self, sts: Any, revisions: list[Any]) -> tuple[Any, Any, int]:
        """`getStatefulSetRevisions`: (current, update, collisionCount)."""
        collision_count = sts.status.collision_count or 0
        data = history.template_patch(sts.spec.template)
        candidate = history.new_revision(sts, sts.spec.template.metadata.labels, data,
                                         history.next_revision(revisions), collision_count,
                                         annotations=sts.metadata.annotations)
        equal = history.find_equal_revisions(revisions, candidate)
        if equal and history.equal_revision(revisions[-1], equal[-1]):
            update = revisions[-1]  # the template has not changed
        elif equal:
            update = history.update_revision(self.store, equal[-1], candidate.revision)  # a rollback
        else:
            update, collision_count = history.create_revision(self.store, sts, candidate, collision_count)
        current = next((r for r in revisions if r.metadata.name == sts.status.current_revision), None) or update
        return current, update, collision_count

    def _update_pods(self, sts: Any, current: Any, update: Any, collision_count: int, pods: list[Any]) -> Any:
        """`updateStatefulSet`: create, delete and update pods; returns the new status."""
        from kubenb.api.apps import StatefulSetStatus

        now = self.clock.now
        min_ready = sts.spec.min_ready_seconds or 0
        current_template = history.template_from_revision(current)
        update_template = history.template_from_revision(update)
        status = StatefulSetStatus(observed_generation=sts.metadata.generation, current_revision=current.metadata.name,
                                   update_revision=update.metadata.name, collision_count=collision_count)
        self._count(status, sts, current, update, pods)

        start, count = start_ordinal(sts), _replicas(sts)
        replicas: list[Any] = [None] * count
        condemned = []
        for pod in pods:
            if in_ordinal_range(pod, sts):
                replicas[get_ordinal(pod) - start] = pod
            elif get_ordinal(pod) >= 0:
                condemned.append(pod)
        for i in range(count):
            if replicas[i] is None:
                replicas[i] = self._versioned_pod(sts, current_template, update_template, current, update, start + i)
        condemned.sort(key=get_ordinal, reverse=True)

        first_unavailable = next((p for p in replicas if is_unavailable(p, min_ready, now)), None)
        if first_unavailable is None:
            first_unavailable = next((p for p in reversed(condemned) if is_unavailable(p, min_ready, now)), None)

        if sts.metadata.deletion_timestamp is not None:
            return status

        monotonic = sts.spec.pod_management_policy != "Parallel"
        update_set = evolve(sts, deep=(), spec=sts.spec.model_copy(update={"template": update_template}))

        def done() -> Any:
            self._count(status, sts, current, update, replicas, condemned)
            return status

        for i in range(count):
            if self._process_replica(sts, update_set, monotonic, replicas, i) and monotonic:
                return done()
        if self.minor >= AUTO_DELETE_PVC_MINOR:
            for pod in condemned:
                if not self._claims_match_retention_policy(update_set, pod):
                    self._update_claims_for_retention_policy(update_set, pod)
        for i in range(len(condemned)):
            if self._process_condemned(sts, first_unavailable, monotonic, condemned, i) and monotonic:
                return done()
        done()

        strategy = sts.spec.update_strategy
        if strategy.type == "OnDelete":
            return status
        update_min = (strategy.rolling_update.partition or 0) if strategy.rolling_update is not None else 0
        # upstream walks replica *indexes* (not ordinals) down to the partition
        for target in range(len(replicas) - 1, update_min - 1, -1):
            pod = replicas[target]
            if pod_revision(pod) != update.metadata.name and not is_terminating(pod):
                self._delete_pod(sts, pod)
                status.current_replicas = (status.current_replicas or 0) - 1 or None
                return status
            if is_unavailable(pod, min_ready, now):
                return status
        return status

    def _count(self, status: Any, sts: Any, current: Any, update: Any, *pod_lists: list[Any]) -> None:
        """`updateStatus`: replicas (created), ready, available, current and updated counts."""
        now = self.clock.now
        min_ready = sts.spec.min_ready_seconds or 0
        replicas = ready = available = at_current = updated = 0
        for pods in pod_lists:
            for pod in pods:
                if is_created(pod):
                    replicas += 1
                if running_and_ready(pod):
                    ready += 1
                    if running_and_available(pod, min_ready, now):
                        available += 1
                if is_created(pod) and not is_terminating(pod):
                    revision = pod_revision(pod)
                    at_current += revision == current.metadata.name
                    updated += revision == update.metadata.name
        status.replicas = replicas
        status.ready_replicas = ready or None
        status.available_replicas = available
        status.current_replicas = at_current or None
        status.updated_replicas = updated or None

    def _process_replica(self, sts: Any, update_set: Any, monotonic: bool, replicas: list[Any], i: int) -> bool:
        """`processReplica`: True when the pass must stop here (in OrderedReady mode)."""
        pod = replicas[i]
        now = self.clock.now
        min_ready = sts.spec.min_ready_seconds or 0
        if pod.status.phase in ("Failed", "Succeeded"):
            if pod.metadata.deletion_timestamp is None:
                self._delete_pod(sts, pod)
            return True  # the replacement is created once this one is gone
        if not is_created(pod):
            if self.minor >= AUTO_DELETE_PVC_MINOR and self._claim_is_stale(sts, pod):
                return True
            if not self._create_pod(sts, pod):
                return True
            if monotonic:
                return True
        if pod.status.phase == "Pending" and self.minor >= RECREATE_PVC_MINOR:
            self._create_claims(sts, pod)
            if self.minor >= AUTO_DELETE_PVC_MINOR:
                self._update_claims_for_retention_policy(sts, pod)
        if is_terminating(pod) and monotonic:
            return True  # waiting for the Pod to terminate
        if not running_and_ready(pod) and monotonic:
            return True  # waiting for the Pod to be Running and Ready
        if not running_and_available(pod, min_ready, now) and monotonic:
            return True  # waiting for the Pod to be Available
        retention_match = True
        if self.minor >= AUTO_DELETE_PVC_MINOR and is_created(pod):
            retention_match = self._claims_match_retention_policy(update_set, pod)
        if identity_matches(sts, pod) and storage_matches(sts, pod) and retention_match:
            return False
        if is_created(pod):
            self._update_pod(update_set, pod)
        return False

    def _process_condemned(self, sts: Any, first_unavailable: Any, monotonic: bool, condemned: list[Any], i: int) -> bool:
        pod = condemned[i]
        now = self.clock.now
        min_ready = sts.spec.min_ready_seconds or 0
        if is_terminating(pod):
            return monotonic  # waiting for the Pod to terminate prior to scale down
        if not running_and_ready(pod) and monotonic and pod is not first_unavailable:
            return True
        if not running_and_available(pod, min_ready, now) and monotonic and pod is not first_unavailable:
            return True
        self._delete_pod(sts, pod)
        return True

    # ---------------------------------------------------------------- pods

    def _versioned_pod(self, sts: Any, current_template: Any, update_template: Any, current: Any, update: Any,
                       ordinal: int) -> Any:
        """`newVersionedStatefulSetPod`: below the partition a new pod is made at the current revision."""
        strategy = sts.spec.update_strategy
        ru = strategy.rolling_update
        start = start_ordinal(sts)
        # Go: `A && B || C` groups as `(A && B) || C`
        at_current = (strategy.type == "RollingUpdate" and ru is None
                      and ordinal < start + (sts.status.current_replicas or 0)) or \
            (ru is not None and ordinal < start + (ru.partition or 0))
        if at_current:
            return self._new_pod(sts, current_template, ordinal, current.metadata.name)
        return self._new_pod(sts, update_template, ordinal, update.metadata.name)

    def _new_pod(self, sts: Any, template: Any, ordinal: int, revision: str) -> Any:
        """`newStatefulSetPod` + `setPodRevision`: a pod object, not yet created (no phase)."""
        from kubenb.api.core import PersistentVolumeClaimVolumeSource, Pod, Volume
        from kubenb.api.meta import ObjectMeta

        name = pod_name(sts, ordinal)
        labels = dict(template.metadata.labels or {})
        labels[POD_NAME_LABEL] = name
        if self.minor >= POD_INDEX_MINOR:
            labels[POD_INDEX_LABEL] = str(ordinal)
        labels[REVISION_LABEL] = revision
        spec = pod_spec_from_template(template.spec)
        spec.hostname = name
        spec.subdomain = sts.spec.service_name or None
        claims = [(t.metadata.name, claim_name(sts, t, ordinal)) for t in sts.spec.volume_claim_templates or ()]
        if claims:
            names = {n for n, _ in claims}
            spec.volumes = [Volume(name=n, persistent_volume_claim=PersistentVolumeClaimVolumeSource(
                claim_name=c, read_only=False)) for n, c in claims] + \
                [v for v in spec.volumes or () if v.name not in names]
        return Pod(
            api_version="v1", kind="Pod",
            metadata=ObjectMeta(name=name, generate_name=f"{sts.metadata.name}-", namespace=sts.metadata.namespace,
                                labels=labels,
                                annotations=dict(template.metadata.annotations or {}) or None,
                                finalizers=list(template.metadata.finalizers or ()) or None,
                                owner_references=[owner_reference(sts)]),
            spec=spec)

    def _create_pod(self, sts: Any, pod: Any) -> bool:
        """`CreateStatefulPod`: the claims first, then the pod. False when something failed."""
        err = self._create_claims(sts, pod)
        if err is not None:
            self._pod_event(sts, pod, "create", err)
            return False
        try:
            self.store.create(pod)
        except StatusError as e:
            if e.reason == "AlreadyExists":
                return False  # sunk: the informer will bring the pod
            self._pod_event(sts, pod, "create", str(e))
            return False
        if self.minor >= AUTO_DELETE_PVC_MINOR:
            self._update_claims_for_retention_policy(sts, pod)
        self._pod_event(sts, pod, "create", None)
        return True

    def _update_pod(self, sts: Any, pod: Any) -> None:
        """`UpdateStatefulPod`: restore identity labels and claim volumes, fix claim ownership."""
        fresh = self.store.try_get("Pod", pod.metadata.namespace or "", pod.metadata.name or "")
        if fresh is None:
            return
        new = evolve(fresh, deep=("metadata", "spec"))
        consistent = True
        if not identity_matches(sts, new):
            labels = dict(new.metadata.labels or {})
            labels[POD_NAME_LABEL] = new.metadata.name
            if self.minor >= POD_INDEX_MINOR:
                labels[POD_INDEX_LABEL] = str(get_ordinal(new))
            new.metadata.labels = labels
            consistent = False
        if not storage_matches(sts, new):
            planned = self._new_pod(sts, sts.spec.template, get_ordinal(new), pod_revision(new))
            claim_volumes = {v.name for v in planned.spec.volumes or () if v.persistent_volume_claim is not None}
            new.spec.volumes = [v for v in planned.spec.volumes or () if v.name in claim_volumes] + \
                [v for v in new.spec.volumes or () if v.name not in claim_volumes]
            consistent = False
            err = self._create_claims(sts, new)
            if err is not None:
                self._pod_event(sts, new, "update", err)
                return
        if self.minor >= AUTO_DELETE_PVC_MINOR and not self._claims_match_retention_policy(sts, new):
            self._update_claims_for_retention_policy(sts, new)
            consistent = False
        if consistent:
            return
        try:
            self.store.update(new)
        except StatusError as e:
            self._pod_event(sts, new, "update", str(e))
            return
        self._pod_event(sts, new, "update", None)

    def _delete_pod(self, sts: Any, pod: Any) -> None:
        try:
            self.store.delete("Pod", pod.metadata.namespace or "", pod.metadata.name or "")
        except StatusError as e:
            if e.reason != "NotFound":
                self._pod_event(sts, pod, "delete", str(e))
            return
        self._pod_event(sts, pod, "delete", None)

    def _pod_event(self, sts: Any, pod: Any, verb: str, err: Optional[str]) -> None:
        """`recordPodEvent`: `SuccessfulCreate` `create Pod web-0 in StatefulSet web successful`."""
        if err is None:
            self.events.normal(sts, f"Successful{verb.title()}",
                               f"{verb} Pod {pod.metadata.name} in StatefulSet {sts.metadata.name} successful")
        else:
            self.events.warning(sts, f"Failed{verb.title()}",
                                f"{verb} Pod {pod.metadata.name} in StatefulSet {sts.metadata.name} failed error: {err}")

    # ---------------------------------------------------------------- claims

    def _claims_for(self, sts: Any, pod: Any) -> list[Any]:
        """`getPersistentVolumeClaims`: one claim per template, labelled with the selector's matchLabels."""
        from kubenb.api.core import PersistentVolumeClaimStatus

        if not sts.spec.volume_claim_templates:
            return []
        ordinal = get_ordinal(pod)
        match_labels = (sts.spec.selector.match_labels if sts.spec.selector is not None else None) or {}
        out = []
        for template in sts.spec.volume_claim_templates or ():
            claim = deep_copy(template)
            claim.api_version, claim.kind = "v1", "PersistentVolumeClaim"
            claim.metadata.name = claim_name(sts, template, ordinal)
            claim.metadata.namespace = sts.metadata.namespace
            claim.metadata.labels = {**(claim.metadata.labels or {}), **match_labels} or None
            claim.status = PersistentVolumeClaimStatus()
            out.append(claim)
        return out

    def _create_claims(self, sts: Any, pod: Any) -> Optional[str]:
        """`createPersistentVolumeClaims`: create the missing claims; the aggregated error text, if any."""
        errors = []
        for claim in self._claims_for(sts, pod):
            existing = self.store.try_get("PersistentVolumeClaim", claim.metadata.namespace or "",
                                          claim.metadata.name or "")
            if existing is None:
                try:
                    self.store.create(claim)
                except StatusError as e:
                    errors.append(f"failed to create PVC {claim.metadata.name}: {e}")
                    if e.reason != "AlreadyExists":
                        self._claim_event(sts, pod, claim, str(e))
                    continue
                self._claim_event(sts, pod, claim, None)
            elif existing.metadata.deletion_timestamp is not None:
                errors.append(f"pvc {claim.metadata.name} is being deleted")
        if not errors:
            return None
        return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"

    def _claim_event(self, sts: Any, pod: Any, claim: Any, err: Optional[str]) -> None:
        """`recordClaimEvent`: `create Claim data-web-0 Pod web-0 in StatefulSet web success`."""
        if err is None:
            self.events.normal(sts, "SuccessfulCreate",
                               f"create Claim {claim.metadata.name} Pod {pod.metadata.name} "
                               f"in StatefulSet {sts.metadata.name} success")
        else:
            self.events.warning(sts, "FailedCreate",
                                f"create Claim {claim.metadata.name} for Pod {pod.metadata.name} "
                                f"in StatefulSet {sts.metadata.name} failed error: {err}")

    def _claim_is_stale(self, sts: Any, pod: Any) -> bool:
        """`PodClaimIsStale`: with `whenScaled: Delete`, a claim still owned by a previous pod of
        that name blocks the new pod until the garbage collector has removed it."""
        if retention_policy(sts)[1] == "Retain":
            return False
        for claim in self._claims_for(sts, pod):
            existing = self.store.try_get("PersistentVolumeClaim", claim.metadata.namespace or "",
                                          claim.metadata.name or "")
            if existing is not None and _has_stale_owner_ref(existing, pod, "v1", "Pod"):
                return True
        return False

    def _claims_match_retention_policy(self, sts: Any, pod: Any) -> bool:
        for claim in self._claims_for(sts, pod):
            existing = self.store.try_get("PersistentVolumeClaim", claim.metadata.namespace or "",
                                          claim.metadata.name or "")
            if existing is not None and not _claim_owner_up_to_date(existing, sts, pod):
                return False
        return True

    def _update_claims_for_retention_policy(self, sts: Any, pod: Any) -> None:
        """`UpdatePodClaimForRetentionPolicy`: set the claims' owner references the policy asks for."""
        for claim in self._claims_for(sts, pod):
            existing = self.store.try_get("PersistentVolumeClaim", claim.metadata.namespace or "",
                                          claim.metadata.name or "")
            if existing is None:
                continue
            if _has_unexpected_controller(existing, sts, pod):
                self.events.warning(sts, "ConflictingController",
                                    f"PersistentVolumeClaim {existing.metadata.name} has a conflicting "
                                    "OwnerReference that acts as a manging controller, the retention policy "
                                    "is ignored for this claim")
            if not _claim_owner_up_to_date(existing, sts, pod):
                new = evolve(existing, deep=("metadata",))
                new.metadata.owner_references = _claim_owner_refs(existing, sts, pod) or None
                try:
                    self.store.update(new)
                except StatusError:
                    pass

    # ---------------------------------------------------------------- status

    def _write_status(self, sts: Any, status: Any) -> None:
        """`updateStatefulSetStatus`: complete a finished rolling update, write only what changed."""
        replicas = _replicas(sts)
        if sts.spec.update_strategy.type == "RollingUpdate" and (status.updated_replicas or 0) == replicas \
                and (status.ready_replicas or 0) == replicas and status.replicas == replicas:
            status.current_replicas = status.updated_replicas
            status.current_revision = status.update_revision
        old = sts.status
        if not ((status.observed_generation or 0) > (old.observed_generation or 0)
                or status.replicas != old.replicas
                or (status.current_replicas or 0) != (old.current_replicas or 0)
                or (status.ready_replicas or 0) != (old.ready_replicas or 0)
                or (status.updated_replicas or 0) != (old.updated_replicas or 0)
                or (status.current_revision or "") != (old.current_revision or "")
                or status.available_replicas != old.available_replicas
                or (status.update_revision or "") != (old.update_revision or "")):
            return
        try:
            self.store.update(evolve(sts, deep=(), status=status), subresource="status")
        except StatusError:
            pass


# ---------------------------------------------------------------- claim ownership (retention policy)


def _matches_ref(ref: Any, obj: Any, api_version: str, kind: str) -> bool:
    return ref.api_version == api_version and ref.kind == kind and ref.name == obj.metadata.name


def _has_owner_ref(target: Any, owner: Any) -> bool:
    uid = owner.metadata.uid
    return any(ref.uid == uid for ref in target.metadata.owner_references or ())


def _has_stale_owner_ref(target: Any, obj: Any, api_version: str, kind: str) -> bool:
    for ref in target.metadata.owner_references or ():
        if _matches_ref(ref, obj, api_version, kind):
            return ref.uid != obj.metadata.uid
    return False


def _has_unexpected_controller(claim: Any, sts: Any, pod: Any) -> bool:
    when_deleted, when_scaled = retention_policy(sts)
    if when_deleted == "Retain" and when_scaled == "Retain":
        return False
    for ref in claim.metadata.owner_references or ():
        if _matches_ref(ref, sts, "apps/v1", "StatefulSet"):
            if ref.uid != sts.metadata.uid:
                return True
            continue
        if _matches_ref(ref, pod, "v1", "Pod"):
            if ref.uid != pod.metadata.uid:
                return True
            continue
        if ref.controller:
            return True
    return False


def _has_non_controller_owner(claim: Any, sts: Any, pod: Any) -> bool:
    return any((ref.uid == sts.metadata.uid or ref.uid == pod.metadata.uid) and not ref.controller
               for ref in claim.metadata.owner_references or ())


def _claim_owner_up_to_date(claim: Any, sts: Any, pod: Any) -> bool:
    """`isClaimOwnerUpToDate`."""
    if _has_stale_owner_ref(claim, sts, "apps/v1", "StatefulSet") or _has_stale_owner_ref(claim, pod, "v1", "Pod"):
        return True
    if _has_unexpected_controller(claim, sts, pod):
        return not (_has_owner_ref(claim, sts) or _has_owner_ref(claim, pod))
    if _has_non_controller_owner(claim, sts, pod):
        return False
    when_deleted, when_scaled = retention_policy(sts)
    scaled_down = not in_ordinal_range(pod, sts)
    if when_scaled == "Delete" and when_deleted == "Delete":
        return scaled_down != _has_owner_ref(claim, sts) and scaled_down == _has_owner_ref(claim, pod)
    if when_scaled == "Delete":
        return not _has_owner_ref(claim, sts) and scaled_down == _has_owner_ref(claim, pod)
    if when_deleted == "Delete":
        return _has_owner_ref(claim, sts) and not _has_owner_ref(claim, pod)
    return not (_has_owner_ref(claim, sts) or _has_owner_ref(claim, pod))


def _claim_owner_refs(claim: Any, sts: Any, pod: Any) -> list[Any]:
    """`updateClaimOwnerRefForSetAndPod`: the claim's owner references under the policy."""
    unexpected = _has_unexpected_controller(claim, sts, pod)
    refs = [r for r in claim.metadata.owner_references or ()
            if not (_matches_ref(r, sts, "apps/v1", "StatefulSet") or _matches_ref(r, pod, "v1", "Pod"))]
    if unexpected:
        return refs
    when_deleted, when_scaled = retention_policy(sts)
    scaled_down = not in_ordinal_range(pod, sts)

    def add(owner: Any) -> None:
        if not any(r.uid == owner.metadata.uid for r in refs):
            refs.append(owner_reference(owner))

    if when_scaled == "Delete" and scaled_down:
        add(pod)
    if when_deleted == "Delete" and (when_scaled != "Delete" or not scaled_down):
        add(sts)
    return refs
