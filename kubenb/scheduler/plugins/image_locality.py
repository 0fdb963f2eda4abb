"""ImageLocality: favour nodes that already hold the pod's images (`imagelocality/image_locality.go`).

Each container image found in the node's `status.images` adds its size scaled by the share of
all nodes holding it (so an image everywhere does not pull every pod to one node); the sum is
clamped to 23 MB .. 1000 MB per container and mapped to 0..100. Image names are matched as
upstream does: the pod's reference with `:latest` added when it has no tag, compared with the
names the node reports (so a short `nginx:alpine` does not match containerd's
`docker.io/library/nginx:alpine`). From v1.29 init containers count too.

The plugin keeps its own index of which nodes hold which image names, updated from node events,
so a score never scans every node.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

import numpy as np

from kubenb.scheduler.plugins.base import SCALAR, NodeInfo
from kubenb.scheduler.plugins.scoring import MAX_NODE_SCORE

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB
INIT_CONTAINERS_MINOR = 29


def normalized_image_name(name: str) -> str:
    """`normalizedImageName`: add the default tag when the reference has none."""
    return name + ":latest" if name.rfind(":") <= name.rfind("/") else name


def calculate_priority(sum_scores: int, containers: int) -> int:
    """`calculatePriority`."""
    high = MAX_CONTAINER_THRESHOLD * containers
    sum_scores = min(max(sum_scores, MIN_THRESHOLD), high)
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (high - MIN_THRESHOLD)


class ImageLocality:
    def __init__(self, minor: int) -> None:
        self.minor = minor
        self.nodes: dict[str, dict[str, int]] = {}  # node -> image name -> size
        self.holders: dict[str, int] = {}  # image name -> nodes holding it
        #: the last pod's image names (containers, init containers) with the index's version, and
        #: its container count and `_spread`
        self._last: tuple[Any, Any] = (None, None)
        self._version = 0  # bumped by every node event

    def on_node(self, node: Any, deleted: bool) -> None:
        """Re-index one node's `status.images` (`ImageStateSummary.NumNodes` and sizes)."""
        name = node.metadata.name
        self._version += 1
        for image in self.nodes.pop(name, {}):
            self.holders[image] -= 1
        if deleted:
            return
        images = {n: img.size_bytes or 0 for img in node.status.images or () for n in img.names or ()}
        self.nodes[name] = images
        for image in images:
            self.holders[image] = self.holders.get(image, 0) + 1

    def _spread(self, pod: Any) -> tuple[list[Any], list[tuple[str, float]]]:
        """The pod's containers, and each of their images some node holds with the share of nodes
        holding it (the same for every node of the cycle)."""
        containers = list(pod.spec.containers)
        if self.minor >= INIT_CONTAINERS_MINOR:
            containers += list(pod.spec.init_containers or ())
        total = len(self.nodes) or 1
        return containers, [(n, self.holders[n] / total) for n in
                            (normalized_image_name(c.image or "") for c in containers) if self.holders.get(n)]

    def vector(self, pod: Any, columns: Any, slots: np.ndarray) -> Any:
        """The vector form where no node holds any of the pod's images (every node scores the
        same); otherwise the scalar one, whose look-ups are per node holding an image. The spread
        depends only on the pod's images, so it is remembered for the last pod's image names (a
        ReplicaSet's pods share them; their container lists differ by the per-pod token mount)
        until a node event changes the index."""
        spec = pod.spec
        images = (tuple(c.image for c in spec.containers),
                  tuple(c.image for c in spec.init_containers or ()), self._version)
        last = self._last
        if last[0] == images:
            count, spread = last[1]
        else:
            containers, spread = self._spread(pod)
            count = len(containers)
            self._last = (images, (count, spread))
        if spread:
            return SCALAR
        return calculate_priority(0, count)  # the same for every slot

    def __call__(self, pod: Any, infos: Sequence[NodeInfo]) -> Optional[list[int]]:
        containers, spread = self._spread(pod)
        nothing = calculate_priority(0, len(containers))
        out = []
        for info in infos:
            on_node = self.nodes.get(info.node.metadata.name)
            if not on_node or not spread:
                out.append(nothing)
                continue
            out.append(calculate_priority(sum(int(on_node[n] * share) for n, share in spread if n in on_node),
                                          len(containers)))
        return out
