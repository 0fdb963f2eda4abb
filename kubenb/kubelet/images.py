"""Image pulls: ``imagePullPolicy``, the node's image store, serialized pulls and their back-off.

``EnsureImageExists`` in the kubelet's words: ``already present on machine``; ``Pulling`` /
``Pulled`` (with the time spent, and since 1.28 the time spent waiting behind other pulls, since
1.30 the image size); a registry refusal gives ``Failed`` with the runtime's error then
``Error: ErrImagePull``, and the next attempts within the back-off (10s doubling to 5m) give
``BackOff`` ``Back-off pulling image "x"`` and ``Error: ImagePullBackOff``. A reference that does
not parse is ``InvalidImageName`` before anything is pulled. The kubelet pulls one image at a
time per node (``serializeImagePulls``): a pod waits behind the pulls already queued, and an image
that arrived meanwhile takes only a moment.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Optional

from kubenb.kubelet import texts
from kubenb.kubelet.tasks import Delay
from kubenb.runtime import Image, InvalidImageName, PullError

if TYPE_CHECKING:
    from kubenb.kubelet.containers import ContainerRun
    from kubenb.kubelet.worker import PodWorker

# Seconds: registry round trips and bandwidth (bytes/s), drawn from the node's seeded stream.
MANIFEST_SECONDS = (0.6, 1.6)
BANDWIDTH = (12e6, 30e6)
CACHED_SECONDS = (0.25, 0.6)  # a pull of layers the node already has


def ensure(worker: PodWorker, run: ContainerRun) -> Generator[Any, Any, Optional[Image]]:
    """The image for `run`, pulled if the policy says so; None (with the reason cached) if not."""
    node = worker.node
    spec = run.spec
    image = spec.image or ""
    minor = worker.kubelet.minor
    fp = run.field_path
    try:
        ref = node.parse(image)
    except InvalidImageName as e:
        msg = e.kubelet_message(minor)
        worker.event("Warning", "InspectFailed", msg, fp)
        worker.event("Warning", "Failed", "Error: InvalidImageName", fp)
        run.set_reason("InvalidImageName", msg)
        worker.failed = True
        return None
    policy = spec.image_pull_policy or ("Always" if (ref.effective_tag == "latest" and not ref.digest) else "IfNotPresent")
    present = node.image(ref.canonical)
    if policy == "Never" and present is None:
        msg = texts.never_pull(image)
        worker.event("Warning", "ErrImageNeverPull", msg, fp)
        worker.event("Warning", "Failed", "Error: ErrImageNeverPull", fp)
        run.set_reason("ErrImageNeverPull", msg)
        worker.failed = True
        return None
    if present is not None and policy != "Always":
        worker.event("Normal", "Pulled", texts.already_present(image), fp)
        return present
    key = image
    if worker.image_backoff.in_backoff_since_update(key, worker.now()):
        msg = texts.pull_backoff(image)
        worker.event("Normal", "BackOff", msg, fp)
        worker.event("Warning", "Failed", "Error: ImagePullBackOff", fp)
        run.set_reason("ImagePullBackOff", msg)
        worker.backing_off = True
        return None
    worker.event("Normal", "Pulling", f'Pulling image "{image}"', fp)
    requested = worker.now()
    rng = worker.kubelet.rng.stream(f"pulls/{node.name}")
    try:
        pulled = node.runtime.catalogue.pull(image)
    except PullError as e:
        took = rng.uniform(*MANIFEST_SECONDS)
        start = node.reserve_pull(requested, took)
        yield Delay(start + took - requested)
        if worker.stale():
            return None
        worker.event("Warning", "Failed", e.kubelet_message(image, node.runtime.flavor), fp)
        worker.image_backoff.next(key, worker.now(), worker.now())
        worker.event("Warning", "Failed", "Error: ErrImagePull", fp)
        run.set_reason("ErrImagePull", e.runtime_message(node.runtime.flavor))
        worker.failed = True
        return None
    start = node.earliest_pull(requested)
    cached = node.image(pulled.ref.canonical) is not None or node.arriving(pulled.ref.canonical, start)
    took = rng.uniform(*CACHED_SECONDS) if cached else rng.uniform(*MANIFEST_SECONDS) + pulled.size / rng.uniform(*BANDWIDTH)
    took = round(took, 9 if minor < 28 else 3)
    start = node.reserve_pull(requested, took, pulled.ref.canonical)
    yield Delay(start + took - requested)
    node.runtime.images[image] = pulled
    node.add_image(pulled.ref.canonical, pulled)
    if worker.stale():
        return None
    worker.event("Normal", "Pulled", texts.pulled(minor, image, took, start - requested, pulled.size), fp)
    return pulled
