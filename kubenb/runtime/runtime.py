"""A node's container runtime: what the kubelet calls, in the CRI's terms.

``pull`` (ImageService.PullImage) checks the reference and the registry and remembers the image
on the node; ``run_sandbox`` (RunPodSandbox) makes the pod's shared namespaces; ``create``
(CreateContainer) builds a container from a pulled image; the container itself starts, stops,
execs and reports. ``flavor`` is ``docker`` or ``containerd``: it changes the words of errors
(pull failures, exec failures, start failures) and the format of image IDs, as on a real node.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubenb.runtime.catalog import DefaultCatalogue
from kubenb.runtime.container import Container, ContainerSpec, MountSpec
from kubenb.runtime.images import Catalogue, Image
from kubenb.runtime.process import Scheduler
from kubenb.runtime.registry import program_for
from kubenb.runtime.resources import Limits
from kubenb.runtime.sandbox import HostInfo, Network, Sandbox


class Runtime:
    def __init__(
        self,
        scheduler: Scheduler,
        flavor: str = "containerd",
        host: HostInfo | None = None,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.scheduler = scheduler
        self.flavor = flavor
        self.host = host or HostInfo()
        self.catalogue = catalogue or DefaultCatalogue()
        self.images: dict[str, Image] = {}  # pulled, by the reference the pod spec used

    def pull(self, image: str) -> Image:
        """Pull `image` onto this node. Raises InvalidImageName or PullError."""
        pulled = self.catalogue.pull(image)
        self.images[image] = pulled
        return pulled

    def has_image(self, image: str) -> bool:
        """IfNotPresent's question: is this reference already on the node?"""
        return image in self.images

    def image(self, image: str) -> Image | None:
        return self.images.get(image)

    def run_sandbox(self, hostname: str, ip: str = "", network: Network | None = None, **dns: object) -> Sandbox:
        """A pod's sandbox: hostname, IP, network, DNS settings (``dns_servers``, ``dns_search``, ``fqdn``)."""
        return Sandbox(hostname, ip, self.host, network, created_at=self.scheduler.now(), **dns)  # type: ignore[arg-type]

    def create(
        self,
        sandbox: Sandbox,
        name: str,
        image: Image,
        command: Sequence[str] | None = None,
        args: Sequence[str] | None = None,
        env: Sequence[tuple[str, str]] = (),
        mounts: Sequence[MountSpec] = (),
        limits: Limits | None = None,
        working_dir: str | None = None,
        tty: bool = False,
        stdin: str | None = None,
    ) -> Container:
        """CreateContainer: the container exists (its filesystem too) but has not started."""
        spec = ContainerSpec(name, image, command, args, env, working_dir, mounts, limits or Limits(), tty, stdin)
        return Container(sandbox, spec, self.scheduler, program_for, self.flavor)
