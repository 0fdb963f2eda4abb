"""`SchedulingQueue.cycle_hook` wraps every scheduling cycle, failed ones included."""

from __future__ import annotations

from contextlib import contextmanager

from kubenb.api.core import Pod


def _pod(name: str, cpu: str) -> Pod:
    return Pod.model_validate({"metadata": {"name": name, "namespace": "default"},
                               "spec": {"containers": [{"name": "c", "image": "nginx:alpine",
                                                        "resources": {"requests": {"cpu": cpu}}}]}})


def test_every_cycle_runs_inside_the_hook(cluster):
    seen = []

    @contextmanager
    def hook(key):
        before = cluster.store.get("Pod", *key).spec.node_name
        yield
        seen.append((key, before, cluster.store.get("Pod", *key).spec.node_name))

    cluster.scheduler.queue.cycle_hook = hook
    cluster.store.create(_pod("fits", "10m"))
    cluster.store.create(_pod("too-big", "1000"))
    cluster.settle()
    assert [(k, before) for k, before, _ in seen] == [(("default", "fits"), None), (("default", "too-big"), None)]
    assert seen[0][2] and seen[1][2] is None  # bound inside the first cycle; the second failed
    cluster.scheduler.queue.cycle_hook = None
    cluster.store.create(_pod("unobserved", "10m"))
    cluster.settle()
    assert len(seen) == 2 and cluster.store.get("Pod", "default", "unobserved").spec.node_name
