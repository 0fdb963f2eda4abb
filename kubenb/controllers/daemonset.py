"""The DaemonSet controller (`pkg/controller/daemon`): one pod on every eligible node.

A node is eligible when the pod template's nodeSelector and required node affinity match it and
every NoSchedule/NoExecute taint is tolerated — counting the tolerations every DaemonSet pod gets
(`not-ready`, `unreachable`, `disk-pressure`, `memory-pressure`, `pid-pressure`,
`unschedulable`). Each pod is pinned to its node with a required `matchFields` node affinity and
then bound by the default scheduler, as upstream does. The template's revision is recorded in a
ControllerRevision (:mod:`kubenb.controllers.history`) whose hash labels the pods
(`controller-revision-hash`).

Rolling updates of the template (maxUnavailable/maxSurge) are not modelled yet: a changed
template gets a new revision, and pods are replaced when they are deleted (OnDelete behaviour).
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api.base import evolve
from kubenb.api.taints import untolerated
from kubenb.controllers import history
from kubenb.controllers.base import Controller, owner_reference, pod_spec_from_template
from kubenb.controllers.deployment.util import compute_hash
from kubenb.controllers.podviews import PodView, PodViews, target_node
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

DEFAULT_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
)
REVISION_HASH = "controller-revision-hash"
TEMPLATE_GENERATION = "pod-template-generation"


#: a node's share of a DaemonSet's status: eligible, scheduled (0/1), misscheduled, ready,
#: available, updated pods, and pods of another revision (which start a rolling update)
Share = tuple[int, int, int, int, int, int, int]
NO_SHARE: Share = (0, 0, 0, 0, 0, 0, 0)


class _Progress:
    """What the controller keeps of one DaemonSet between syncs, so that a sync looks only at the
    nodes an event concerned: the nodes to re-check, and every node's share of the status and
    their sums. Valid for one `stamp` (uid, generation, revision hash); a sync under another
    stamp — a new template, a first sync — visits every node."""

    __slots__ = ("stamp", "dirty", "shares", "totals")

    def __init__(self) -> None:
        self.stamp: Any = None
        self.dirty: dict[str, None] = {}  # insertion-ordered set of node names
        self.shares: dict[str, Share] = {}
        self.totals: list[int] = list(NO_SHARE)

    def set_share(self, node: str, share: Share) -> None:
        old = self.shares.pop(node, NO_SHARE)
        if share != NO_SHARE:
            self.shares[node] = share
        self.totals = [t - o + n for t, o, n in zip(self.totals, old, share, strict=True)]


class DaemonSetController(Controller):
    component = "daemonset-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.minor = cluster.version.minor  # the Go layout the revision hash dumps
        self.watch_own("DaemonSet")
        self.watch_owned("Pod", "DaemonSet")
        self.store.watch(self._on_node, "Node")
        self._eligibility: dict[tuple, bool] = {}
        self._matches: dict[tuple, bool] = {}
        #: what each sync needs of the pods, derived once per stored pod version and indexed by owner
        self._views = PodViews()
        #: the same views by owner uid and target node, and where each pod was last filed
        self._on_nodes: dict[str, dict[str, dict[tuple[str, str], PodView]]] = {}
        self._filed: dict[tuple[str, str], tuple[str, str]] = {}
        self._progress: dict[tuple[str, str], _Progress] = {}
        # a pod neither version of which a DaemonSet controls is in no view and no node file
        self.store.watch(self._on_pod, "Pod", when=[["owner:DaemonSet"]])

    def _eligible(self, ds: Any, node: Any) -> bool:
        """`_should_run`, remembered per (DaemonSet generation, node version): a sync visits every
        node, and most syncs change neither."""
        key = (ds.metadata.uid, ds.metadata.generation, node.metadata.name, node.metadata.resource_version)
        verdict = self._eligibility.get(key)
        if verdict is None:
            if len(self._eligibility) > 200_000:
                self._eligibility.clear()
            verdict = self._eligibility[key] = _should_run(ds, node)
        return verdict

    def _on_node(self, ev: WatchEvent) -> None:
        if ev.type == "MODIFIED" and _heartbeat_only(ev.old_object, ev.object):
            return  # `shouldIgnoreNodeUpdate`: a kubelet's status report every 5 minutes syncs nothing
        node = ev.object.metadata.name or ""
        for ds in self.store.list("DaemonSet"):
            self._touch((ds.metadata.namespace or "", ds.metadata.name or ""), node)
            self.enqueue(ds)

    def _on_pod(self, ev: WatchEvent) -> None:
        """Keep the views and their node index, and mark the nodes a DaemonSet pod left or
        reached for its owner's next sync (`watch_owned` enqueues the owner)."""
        pod, old = ev.object, ev.old_object
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        ref = pod.metadata.controller_ref()
        old_ref = old.metadata.controller_ref() if old is not None else None
        ours = ref is not None and ref.kind == "DaemonSet"
        was_ours = old_ref is not None and old_ref.kind == "DaemonSet"
        if ours or was_ours or self._views.knows(pod):
            # views of DaemonSet pods only (others are never asked about): one that left is forgotten
            self._views.observe(ev.type if ours else "DELETED", pod)
        filed = self._filed.pop(key, None)
        if filed is not None:
            uid, node = filed
            on_node = self._on_nodes[uid][node]
            del on_node[key]
            if not on_node:
                del self._on_nodes[uid][node]
                if not self._on_nodes[uid]:
                    del self._on_nodes[uid]
        if was_ours:
            self._touch((key[0], old_ref.name), target_node(old))
        if ours:
            self._touch((key[0], ref.name), target_node(pod))
        if ev.type != "DELETED" and ours:
            view = self._views.of(pod)
            self._on_nodes.setdefault(ref.uid, {}).setdefault(view.node, {})[view.key] = view
            self._filed[view.key] = (ref.uid, view.node)

    def _touch(self, ds_key: tuple[str, str], node: str) -> None:
        progress = self._progress.get(ds_key)
        if progress is not None:
            progress.dirty[node] = None

    def _running(self, uid: str, node: str) -> list[Any]:
        """The DaemonSet's pods (not being deleted) on `node`, least recently written first."""
        return [v.pod for v in self._on_nodes.get(uid, {}).get(node, {}).values() if not v.deleting]

    def sync(self, namespace: str, name: str) -> Optional[float]:
        """`syncDaemonSet`: upstream visits every node each sync; here a sync re-checks only the
        nodes that pod and node events marked since the last one (all of them under a new
        template), and the status is the sum of the nodes' remembered shares. Either way the
        outcome is the full pass's: a node nothing happened to would be found as it was left."""
        ds = self.store.try_get("DaemonSet", namespace, name)
        if ds is None or ds.metadata.deletion_timestamp is not None:
            self._progress.pop((namespace, name), None)
            return None
        revision = self._revision(ds)
        hash_ = revision.metadata.labels[REVISION_HASH]
        uid = ds.metadata.uid or ""
        progress = self._progress.setdefault((namespace, name), _Progress())
        stamp = (uid, ds.metadata.generation, hash_)
        if progress.stamp != stamp:
            progress.stamp, progress.shares, progress.totals = stamp, {}, list(NO_SHARE)
            progress.dirty = dict.fromkeys([n.metadata.name or "" for n in self.store.list("Node")])
            progress.dirty.update(dict.fromkeys(self._on_nodes.get(uid, {})))
        visit, progress.dirty = sorted(progress.dirty), {}  # the store's (etcd's) node order
        failed: list[str] = []
        for node_name in visit:
            progress.set_share(node_name, self._share(ds, node_name, hash_))
        by_node = None
        if progress.totals[6] and ds.spec.update_strategy.type == "RollingUpdate":  # some pod is outdated
            by_node = {node: self._running(uid, node) for node in self._on_nodes.get(uid, {})}
        for node_name in visit:
            node = self.store.try_get("Node", "", node_name)
            if node is None:
                continue  # pods left on a deleted node are the pod GC's
            eligible = self._eligible(ds, node)
            running = self._running(uid, node_name)
            if eligible and not running:
                try:
                    self._create_pod(ds, node_name, hash_)
                except StatusError as err:  # e.g. a generated name already taken: this node waits for the retry
                    self.events.warning(ds, "FailedCreate", f"Error creating: {err}")
                    failed.append(node_name)
            elif not eligible and not _should_continue_running(ds, node):
                for pod in running:
                    self._delete_pod(ds, pod)
            elif len(running) > 1 and not self._surging(ds, running, hash_):
                for pod in sorted(running, key=lambda p: p.metadata.creation_timestamp or "")[1:]:
                    self._delete_pod(ds, pod)
        if by_node is not None:
            self._rolling_update(ds, [n for n in self.store.list("Node") if self._eligible(ds, n)], by_node, hash_)
        # what this sync did marked its nodes again (for the next sync to re-check); their
        # shares are taken now, so that the status written below is already up to date
        for node_name in list(progress.dirty):
            progress.set_share(node_name, self._share(ds, node_name, hash_))
        self._update_status(ds, progress, hash_)
        if failed:  # upstream's sync returns the creation errors: the key is retried with back-off
            progress.dirty.update(dict.fromkeys(failed))
            return self.retry_after_error((namespace, name))
        return None

    def _share(self, ds: Any, node_name: str, hash_: str) -> Share:
        """One node's part of `updateDaemonSetStatus`'s counts."""
        node = self.store.try_get("Node", "", node_name)
        eligible = node is not None and self._eligible(ds, node)
        views = [v for v in self._on_nodes.get(ds.metadata.uid or "", {}).get(node_name, {}).values()
                 if not v.deleting]
        outdated = sum((v.pod.metadata.labels or {}).get(REVISION_HASH) != hash_ for v in views)
        if not eligible:
            return (0, 0, sum(bool(v.pod.spec.node_name) for v in views), 0, 0, 0, outdated)
        min_ready, now = ds.spec.min_ready_seconds or 0, self.clock.now
        return (1, int(bool(views)), 0, sum(v.ready for v in views),
                sum(v.available(min_ready, now) for v in views),
                sum((v.pod.metadata.labels or {}).get(REVISION_HASH) == hash_ for v in views), outdated)

    # ---------------------------------------------------------------- rolling update (update.go)

    def _surging(self, ds: Any, running: list[Any], hash_: str) -> bool:
        """A node may hold an old and a new pod while a maxSurge rollout replaces it."""
        ru = ds.spec.update_strategy.rolling_update
        return bool(ru and ru.max_surge) and len(running) == 2 and \
            sum((p.metadata.labels or {}).get(REVISION_HASH) == hash_ for p in running) == 1

    def _rolling_update(self, ds: Any, nodes: list[Any], by_node: dict[str, list[Any]], hash_: str) -> None:
        """Replace pods of old revisions, keeping at most maxUnavailable nodes without an available
        pod (maxSurge 0: delete first), or with maxSurge > 0 starting the new pod beside the old."""
        from kubenb.api import podutil
        from kubenb.api.intstr import get_scaled_value_from_int_or_percent, value_or_default

        ru = ds.spec.update_strategy.rolling_update
        desired = len(nodes)
        max_surge = get_scaled_value_from_int_or_percent(value_or_default(ru.max_surge if ru else None, 0), desired, True)
        max_unavailable = get_scaled_value_from_int_or_percent(
            value_or_default(ru.max_unavailable if ru else None, 1), desired, True)
        min_ready, now = ds.spec.min_ready_seconds or 0, self.clock.now

        def available(pod: Any) -> bool:
            return podutil.is_available(pod, min_ready, now)

        unavailable, replace_now, candidates, surge_nodes = 0, [], [], []
        for node in nodes:
            pods = by_node.get(node.metadata.name, [])
            new = [p for p in pods if (p.metadata.labels or {}).get(REVISION_HASH) == hash_]
            old = [p for p in pods if p not in new]
            if not pods or (new and not available(new[0])):
                unavailable += 1
                continue
            if not old:
                continue
            if new:  # surge: the new pod is available, the old one can go
                replace_now += old
            elif not available(old[0]):
                replace_now.append(old[0])
                unavailable += 1
            elif max_surge:
                surge_nodes.append(node.metadata.name)
            else:
                candidates.append(old[0])
        for pod in replace_now:
            self._delete_pod(ds, pod)
        if max_surge:
            in_flight = sum(1 for node in nodes if len(by_node.get(node.metadata.name, [])) > 1)
            for node_name in surge_nodes[:max(max_surge - in_flight, 0)]:
                self._create_pod(ds, node_name, hash_)
            return
        budget = max_unavailable - unavailable
        for pod in candidates[:max(budget, 0)]:
            self._delete_pod(ds, pod)

    # ---------------------------------------------------------------- revisions

    def _revision(self, ds: Any) -> Any:
        """The ControllerRevision of the current template (`constructHistory`): re-used when an
        equal one exists (a rollback renumbers it), created otherwise; old ones beyond
        `revisionHistoryLimit` that no pod runs are removed."""
        selector = labelsel.selector_from_label_selector(ds.spec.selector)
        revisions = [history.adopt_revision(self.store, ds, r) if r.metadata.controller_ref() is None else r
                     for r in history.list_revisions(self.store, ds, selector)]
        current = [r for r in revisions if self._matches_template(ds, r)]
        old = [r for r in revisions if r not in current]
        next_number = history.max_revision(old) + 1
        if current:
            keep = max(current, key=lambda r: r.revision)
            for duplicate in current:
                if duplicate is not keep:
                    history.delete_revision(self.store, duplicate)
            revision = history.update_revision(self.store, keep, next_number) if keep.revision < next_number else keep
        else:
            hash_ = compute_hash(ds.spec.template, ds.status.collision_count, self.minor)  # upstream: controller.ComputeHash
            cr = history.build_revision(
                ds, name=f"{ds.metadata.name}-{hash_}", data=history.template_patch(ds.spec.template),
                revision=next_number, labels={**(ds.spec.template.metadata.labels or {}), REVISION_HASH: hash_},
                annotations=ds.metadata.annotations)
            try:
                revision = self.store.create(cr)
            except StatusError:
                revision = self.store.get("ControllerRevision", ds.metadata.namespace, cr.metadata.name)
        if old:  # only a changed template leaves old revisions; then the live hashes matter
            live = {(v.pod.metadata.labels or {}).get(REVISION_HASH) for v in self._views.owned(ds.metadata.uid or "")}
            history.cleanup_old_history(self.store, old, live, ds.spec.revision_history_limit)
        return revision

    def _matches_template(self, ds: Any, revision: Any) -> bool:
        """`history.matches_template`, remembered per (DaemonSet generation, revision version): every
        sync compares the template with its revisions, and serialising both was most of a sync's
        cost. A stored DaemonSet's template changes only with its generation, a revision's data
        only with its resourceVersion."""
        key = (ds.metadata.uid, ds.metadata.generation, revision.metadata.uid, revision.metadata.resource_version)
        verdict = self._matches.get(key)
        if verdict is None:
            if len(self._matches) > 10_000:
                self._matches.clear()
            verdict = self._matches[key] = history.matches_template(ds.spec.template, revision)
        return verdict

    # ---------------------------------------------------------------- pods

    def _create_pod(self, ds: Any, node: str, hash_: str) -> None:
        created = self.store.create(self._new_pod(ds, node, hash_))
        self.events.normal(ds, "SuccessfulCreate", f"Created pod: {created.metadata.name}")

    def _new_pod(self, ds: Any, node: str, hash_: str) -> Any:
        """The pod for `node` (`CreatePod` after `util.CreatePodTemplate`): the template's labels
        plus the revision hash and template generation, its spec pinned to the node and given the
        DaemonSet tolerations. The spec shares the stored template's parts but for those changed
        here and those admission writes (:func:`pod_spec_from_template`)."""
        from kubenb.api.core import (
            Affinity,
            NodeAffinity,
            NodeSelector,
            NodeSelectorRequirement,
            NodeSelectorTerm,
            Pod,
            Toleration,
        )
        from kubenb.api.meta import ObjectMeta

        template = ds.spec.template
        spec = pod_spec_from_template(template.spec)
        pinned = NodeSelector(node_selector_terms=[NodeSelectorTerm(
            match_fields=[NodeSelectorRequirement(key="metadata.name", operator="In", values=[node])])])
        affinity = spec.affinity.model_copy() if spec.affinity is not None else Affinity()
        affinity.node_affinity = (affinity.node_affinity.model_copy() if affinity.node_affinity is not None
                                  else NodeAffinity())
        affinity.node_affinity.required_during_scheduling_ignored_during_execution = pinned
        spec.affinity = affinity
        tolerations = list(spec.tolerations or ())
        for key, effect in DEFAULT_TOLERATIONS:
            if not any(t.key == key and t.effect == effect for t in tolerations):
                tolerations.append(Toleration(key=key, operator="Exists", effect=effect))
        if spec.host_network and not any(t.key == "node.kubernetes.io/network-unavailable" for t in tolerations):
            tolerations.append(Toleration(key="node.kubernetes.io/network-unavailable", operator="Exists",
                                          effect="NoSchedule"))
        spec.tolerations = tolerations
        meta = template.metadata
        return Pod(api_version="v1", kind="Pod", metadata=ObjectMeta(
            generate_name=f"{ds.metadata.name}-", namespace=ds.metadata.namespace,
            labels={**(meta.labels or {}), REVISION_HASH: hash_, TEMPLATE_GENERATION: str(ds.metadata.generation or 1)},
            annotations=dict(meta.annotations) if meta.annotations else None,
            owner_references=[owner_reference(ds)]), spec=spec)

    def _delete_pod(self, ds: Any, pod: Any) -> None:
        self.store.delete("Pod", pod.metadata.namespace, pod.metadata.name)
        self.events.normal(ds, "SuccessfulDelete", f"Deleted pod: {pod.metadata.name}")

    def _update_status(self, ds: Any, progress: _Progress, hash_: str) -> None:
        eligible, scheduled, misscheduled, ready, available, updated, _ = progress.totals
        if ds.spec.min_ready_seconds:  # availability ripens with time, not only with events
            for node_name, share in progress.shares.items():
                if share[0] and share[3]:
                    progress.set_share(node_name, self._share(ds, node_name, hash_))
            available = progress.totals[4]
        counts = {"desired_number_scheduled": eligible, "current_number_scheduled": scheduled,
                  "number_misscheduled": misscheduled, "number_ready": ready,
                  "updated_number_scheduled": updated or None, "number_available": available or None,
                  "number_unavailable": (eligible - available) or None,
                  "observed_generation": ds.metadata.generation}
        old = ds.status
        if all(getattr(old, field) == value for field, value in counts.items()):
            return  # most syncs: nothing to write, and nothing to copy
        new = evolve(ds, deep=("status",))
        for field, value in counts.items():
            setattr(new.status, field, value)
        self.store.update(new, subresource="status")


def _heartbeat_only(old: Any, new: Any) -> bool:
    """`shouldIgnoreNodeUpdate`: the same node but for its resourceVersion and its conditions'
    heartbeats (`nodeInSameCondition` compares the set of conditions that are True)."""
    if old is None:
        return False
    true = lambda n: {c.type for c in n.status.conditions or () if c.status == "True"}  # noqa: E731
    return (old.spec == new.spec and old.metadata.labels == new.metadata.labels
            and old.metadata.annotations == new.metadata.annotations and true(old) == true(new)
            and old.status.model_copy(update={"conditions": None}) == new.status.model_copy(update={"conditions": None}))


def _pin_to(affinity: dict, node: str) -> dict:
    """`util.ReplaceDaemonSetPodNodeNameNodeAffinity`: require `metadata.name In [node]`."""
    node_affinity = dict(affinity.get("nodeAffinity") or {})
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}
    return {**affinity, "nodeAffinity": node_affinity}


def _should_run(ds: Any, node: Any) -> bool:
    return _fits_selector(ds, node) and untolerated(ds.spec.template.spec.tolerations, _taints(node)) is None


def _should_continue_running(ds: Any, node: Any) -> bool:
    """`NodeShouldRunDaemonPod`'s second answer: a pod already on a node that no longer fits only
    because of a NoSchedule taint keeps running; only an untolerated NoExecute taint evicts it."""
    return _fits_selector(ds, node) and untolerated(
        ds.spec.template.spec.tolerations, _taints(node), effects=("NoExecute",)) is None


def _fits_selector(ds: Any, node: Any) -> bool:
    labels = node.metadata.labels or {}
    return all(labels.get(k) == v for k, v in (ds.spec.template.spec.node_selector or {}).items())


def _taints(node: Any) -> list[Any]:
    return [t for t in node.spec.taints or () if (t.key, t.effect) not in DEFAULT_TOLERATIONS]
