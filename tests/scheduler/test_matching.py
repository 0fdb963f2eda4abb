"""The kept per-node counts of pods a selector matches follow every pod event as the store would."""

from __future__ import annotations

from collections import Counter

from kubenb.api import labels as labelsel
from kubenb.api.core import Pod
from kubenb.scheduler.matching import counted


def _pod(name: str, labels: dict) -> Pod:
    return Pod.model_validate({"metadata": {"name": name, "namespace": "default", "labels": labels},
                               "spec": {"containers": [{"name": "c", "image": "nginx:alpine"}]}})


def _from_store(cluster, selector) -> dict[int, int]:
    slots = Counter(cluster.scheduler.cache.slot_of(p.spec.node_name)
                    for p in cluster.store.list("Pod", "default", selector) if counted(p))
    return dict(slots)


def test_counts_follow_binds_relabels_and_deletions(cluster):
    selectors = [labelsel.selector_from_set({"app": "web"}), labelsel.parse_selector("app"),
                 labelsel.parse_selector("app in (web,db),tier!=x")]
    matching = cluster.scheduler.matching
    for i in range(6):
        cluster.store.create(_pod(f"p-{i}", {"app": "web" if i % 2 else "db"}))
    cluster.settle()
    first = [dict(matching.counts("default", s)) for s in selectors]
    assert first == [_from_store(cluster, s) for s in selectors]
    assert sum(first[0].values()) == 3 and sum(first[1].values()) == 6
    for i in range(6, 10):
        cluster.store.create(_pod(f"p-{i}", {"app": "web", "tier": "x" if i % 2 else "y"}))
    cluster.settle()
    relabelled = cluster.store.get("Pod", "default", "p-1").model_copy(deep=True)
    relabelled.metadata.labels = {"app": "db"}
    cluster.store.update(relabelled)
    cluster.store.delete("Pod", "default", "p-3")  # terminating at once, gone once its kubelet is done
    assert [dict(matching.counts("default", s)) for s in selectors] == [_from_store(cluster, s) for s in selectors]
    cluster.advance(60)
    after = [dict(matching.counts("default", s)) for s in selectors]
    assert after == [_from_store(cluster, s) for s in selectors]
    assert sum(after[0].values()) == 5 and sum(after[2].values()) == 7  # web: 1, 5, 6..9; not p-3 (gone)
