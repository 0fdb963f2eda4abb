"""ImageLocality remembers a pod's image spread by its image names: a ReplicaSet's pods carry equal
images in different container lists (each has its own service-account token mount), and the spread
changes only with the images or with a node event."""

from __future__ import annotations

import numpy as np

from kubenb.api.core import Container, Node, NodeStatus, Pod, PodSpec, VolumeMount
from kubenb.api.meta import ObjectMeta
from kubenb.scheduler.plugins.base import SCALAR
from kubenb.scheduler.plugins.image_locality import ImageLocality


def _pod(name: str, image: str) -> Pod:
    mount = VolumeMount(name=f"kube-api-access-{name}", mount_path="/var/run/secrets/kubernetes.io/serviceaccount")
    return Pod(metadata=ObjectMeta(name=name), spec=PodSpec(containers=[Container(name="c", image=image, volume_mounts=[mount])]))


def _node(name: str, images: list[str]) -> Node:
    return Node(metadata=ObjectMeta(name=name),
                status=NodeStatus.model_validate({"images": [{"names": images, "sizeBytes": 10_000_000}]}))


def test_spread_is_computed_once_per_image_set_and_again_after_a_node_event(monkeypatch):
    plugin = ImageLocality(minor=32)
    plugin.on_node(_node("n1", ["docker.io/library/other:1"]), deleted=False)
    calls = []
    spread = plugin._spread
    monkeypatch.setattr(plugin, "_spread", lambda pod: calls.append(pod.metadata.name) or spread(pod))
    slots = np.arange(1)
    first = plugin.vector(_pod("a", "nginx:alpine"), None, slots)
    second = plugin.vector(_pod("b", "nginx:alpine"), None, slots)  # other container list, same image
    assert calls == ["a"] and np.array_equal(first, second)
    plugin.vector(_pod("c", "nginx:1.27-alpine"), None, slots)  # another image
    assert calls == ["a", "c"]
    plugin.on_node(_node("n2", ["nginx:1.27-alpine"]), deleted=False)
    assert plugin.vector(_pod("d", "nginx:1.27-alpine"), None, slots) is SCALAR  # a node now holds it
    assert calls == ["a", "c", "d"]
