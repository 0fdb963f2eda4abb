"""Images and the registry they are pulled from.

An :class:`Image` is what a pull yields: digests, size, the config (entrypoint, cmd, env,
working dir, user, exposed ports, stop signal) and a root filesystem built on first use. The
:class:`Catalogue` plays the registries: a known repository with an unknown tag fails the way
Docker Hub makes it fail (``manifest unknown``), so does an unknown repository on a registry the
catalogue models; any image on another registry (a private one, say) is assumed to exist and runs
a generic long-running program.

:class:`PullError` renders the kubelet's ``Failed to pull image`` text for each runtime:

* containerd: ``rpc error: code = NotFound desc = failed to pull and unpack image
  "docker.io/library/nginx:nope": failed to resolve reference "docker.io/library/nginx:nope":
  docker.io/library/nginx:nope: not found``
* docker (dockershim): ``rpc error: code = Unknown desc = Error response from daemon: manifest
  for nginx:nope not found: manifest unknown: manifest unknown``
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from kubenb.runtime import reference
from kubenb.runtime.fs import Dir
from kubenb.runtime.reference import ImageRef, InvalidImageName

__all__ = ["Catalogue", "Image", "InvalidImageName", "PullError", "synthetic_digest"]


def synthetic_digest(*parts: str) -> str:
    """A stable ``sha256:`` digest for images whose real digest the catalogue does not record."""
    return "sha256:" + hashlib.sha256("\0".join(("kubenb",) + parts).encode()).hexdigest()


@dataclass(eq=False)
class Image:
    """A pulled image. ``rootfs()`` builds the (frozen, shared) filesystem once."""

    ref: ImageRef
    digest: str  # the repository digest a pull resolves to (what imageID shows)
    config_digest: str  # the image ID (``docker images`` / ``crictl images``)
    size: int  # bytes, as the runtime reports it (node status, the kubelet's Pulled event)
    build: Callable[[], Dir] = field(repr=False)
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    working_dir: str = ""
    user: str = ""
    exposed_ports: tuple[str, ...] = ()
    stop_signal: str = "SIGTERM"
    userland: str = "busybox"  # "busybox" | "gnu" | "none": whose tools, whose error messages
    libc: str = "musl"
    meta: Mapping[str, str] = field(default_factory=dict)  # program facts, e.g. {"nginx.version": "1.23.4"}
    _rootfs: Dir | None = field(default=None, repr=False)
    _image_ids: dict[str, str] = field(default_factory=dict, repr=False)  # runtime -> imageID, one string per image

    def rootfs(self) -> Dir:
        if self._rootfs is None:
            self._rootfs = self.build()
        return self._rootfs

    def image_id(self, runtime: str) -> str:
        """``status.containerStatuses[].imageID`` in the runtime's format."""
        found = self._image_ids.get(runtime)
        if found is None:
            if runtime == "docker":
                found = f"docker-pullable://{self.ref.familiar_name}@{self.digest}"
            else:
                found = f"{self.ref.name}@{self.digest}"
            self._image_ids[runtime] = found
        return found

    def node_names(self) -> list[str]:
        """``node.status.images[].names``: digest reference, then the tag reference."""
        names = [f"{self.ref.name}@{self.digest}"]
        if self.ref.tag:
            names.append(f"{self.ref.name}:{self.ref.tag}")
        return names


class PullError(Exception):
    """A pull the registry refused: ``kind`` is ``manifest_unknown`` or ``repository_unknown``."""

    def __init__(self, ref: ImageRef, kind: str) -> None:
        super().__init__(f"{ref.canonical}: {kind}")
        self.ref = ref
        self.kind = kind

    def runtime_message(self, runtime: str) -> str:
        """The CRI error the kubelet puts after ``Failed to pull image "x": ``."""
        ref = self.ref
        if runtime == "docker":
            if self.kind == "manifest_unknown":
                return f"rpc error: code = Unknown desc = Error response from daemon: manifest for {ref.familiar} not found: manifest unknown: manifest unknown"
            return (
                f"rpc error: code = Unknown desc = Error response from daemon: pull access denied for {ref.familiar_name}, "
                "repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
            )
        head = f'failed to pull and unpack image "{ref.canonical}": failed to resolve reference "{ref.canonical}": '
        if self.kind == "manifest_unknown":
            return f"rpc error: code = NotFound desc = {head}{ref.canonical}: not found"
        return (
            f"rpc error: code = Unknown desc = {head}pull access denied, repository does not exist or may require "
            "authorization: server message: insufficient_scope: authorization failed"
        )

    def kubelet_message(self, image: str, runtime: str) -> str:
        """The ``Failed`` event: ``Failed to pull image "nginx:nope": rpc error: ...``."""
        return f'Failed to pull image "{image}": {self.runtime_message(runtime)}'


class Catalogue:
    """The registries: which repositories and tags exist, and what they contain.

    `modelled_registries` are the registries whose content the catalogue claims to know; an
    unknown repository there does not exist. Elsewhere, `generic(ref)` makes a stand-in image.
    """

    def __init__(
        self,
        images: Iterable[Image],
        generic: Callable[[ImageRef], Image],
        modelled_registries: Iterable[str] = ("docker.io", "registry.k8s.io", "k8s.gcr.io"),
    ) -> None:
        self._by_tag: dict[tuple[str, str], Image] = {}
        self._by_digest: dict[tuple[str, str], Image] = {}
        self._repos: set[str] = set()
        for image in images:
            self._by_tag[(image.ref.name, image.ref.tag)] = image
            self._by_digest.setdefault((image.ref.name, image.digest), image)
            self._repos.add(image.ref.name)
        self._generic = generic
        self._generic_cache: dict[str, Image] = {}
        self.modelled = frozenset(modelled_registries)

    def parse(self, image: str) -> ImageRef:
        """Parse as the kubelet does. Raises InvalidImageName."""
        return reference.parse(image)

    def pull(self, image: str) -> Image:
        """What pulling `image` yields. Raises InvalidImageName or PullError."""
        return self.lookup(self.parse(image))

    def lookup(self, ref: ImageRef) -> Image:
        if ref.digest:
            found = self._by_digest.get((ref.name, ref.digest))
        else:
            found = self._by_tag.get((ref.name, ref.effective_tag))
        if found is not None:
            return found
        if ref.name in self._repos:
            raise PullError(ref, "manifest_unknown")
        if ref.domain in self.modelled:
            raise PullError(ref, "repository_unknown")
        key = ref.canonical
        if key not in self._generic_cache:
            self._generic_cache[key] = self._generic(ref)
        return self._generic_cache[key]
