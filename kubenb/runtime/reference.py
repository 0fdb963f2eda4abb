"""Image references the way the kubelet parses them: ``[registry/]repo[:tag][@digest]``.

A port of ``github.com/distribution/reference`` (``ParseNormalizedNamed``, the grammar in
``regexp.go``, ``splitDockerDomain``, ``familiarizeName``) and of go-digest's validation, which
the kubelet runs before it asks the runtime for anything. A reference that does not parse makes
the pod's container wait with reason ``InvalidImageName``; :class:`InvalidImageName` renders the
kubelet's event text for a given Kubernetes minor version, because the wording moved twice:

* kubelet < 1.28: ``Failed to apply default image tag "X": couldn't parse image reference "X": <err>``
* kubelet >= 1.28 (kubernetes#116231 routed it through ``parsers.ParseImageName``):
  ``Failed to apply default image tag "X": couldn't parse image name "X": <err>``
* the upper-case error names the repository (``repository name (library/Foo) must be lowercase``)
  since Kubernetes moved to ``github.com/distribution/reference`` (1.29); before, it did not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_PREFIX = "library/"
NAME_TOTAL_LENGTH_MAX = 255

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_NAME = _DOMAIN_COMPONENT + r"(?:\." + _DOMAIN_COMPONENT + r")*"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN_AND_PORT = r"(?:" + _DOMAIN_NAME + "|" + _IPV6 + r")(?::[0-9]+)?"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_PATH_COMPONENT = _ALNUM + r"(?:" + _SEPARATOR + _ALNUM + r")*"
_REMOTE_NAME = _PATH_COMPONENT + r"(?:/" + _PATH_COMPONENT + r")*"
_NAME = r"(?:" + _DOMAIN_AND_PORT + r"/)?" + _REMOTE_NAME

_REFERENCE = re.compile(r"^(" + _NAME + r")(?::(" + _TAG + r"))?(?:@(" + _DIGEST + r"))?$", re.ASCII)
_ANCHORED_NAME = re.compile(r"^(?:(" + _DOMAIN_AND_PORT + r")/)?(" + _REMOTE_NAME + r")$", re.ASCII)
_IDENTIFIER = re.compile(r"^[a-f0-9]{64}$")

# go-digest: the algorithms a kubelet registers, with their hex lengths.
_DIGEST_SIZES = {"sha256": 64, "sha384": 96, "sha512": 128}


@dataclass(frozen=True)
class ImageRef:
    """A parsed reference. ``domain``/``path`` are normalized (``docker.io``, ``library/nginx``)."""

    domain: str
    path: str
    tag: str = ""
    digest: str = ""

    @property
    def name(self) -> str:
        """The canonical repository name: ``docker.io/library/nginx``."""
        return f"{self.domain}/{self.path}"

    @property
    def familiar_name(self) -> str:
        """The name Docker prints: ``nginx``, ``polinux/stress``, ``registry.k8s.io/pause``."""
        if self.domain != DEFAULT_DOMAIN:
            return self.name
        rest = self.path.removeprefix(OFFICIAL_PREFIX)
        return rest if self.path.startswith(OFFICIAL_PREFIX) and "/" not in rest else self.path

    @property
    def effective_tag(self) -> str:
        """The tag a pull uses: the given one, else ``latest`` unless a digest pins the image."""
        return self.tag or ("" if self.digest else "latest")

    @cached_property
    def canonical(self) -> str:
        """What containerd resolves: ``docker.io/library/nginx:latest`` (tag defaulted)."""
        return self.name + self._suffix(self.effective_tag)

    @property
    def familiar(self) -> str:
        """What Docker resolves: ``nginx:latest``, ``registry.k8s.io/pause:3.6``."""
        return self.familiar_name + self._suffix(self.effective_tag)

    def _suffix(self, tag: str) -> str:
        return (f":{tag}" if tag else "") + (f"@{self.digest}" if self.digest else "")


class InvalidImageName(ValueError):
    """A reference the kubelet refuses before pulling (container reason ``InvalidImageName``)."""

    def __init__(self, image: str, error: str, repository: str = "") -> None:
        super().__init__(error)
        self.image = image
        self.error = error  # the distribution/reference (or go-digest) error
        self.repository = repository  # set for the upper-case error, which newer releases name

    def reference_error(self, minor: int) -> str:
        """The parser's own message, as the distribution/reference version of that release words it."""
        if self.repository and minor < 29:
            return "invalid reference format: repository name must be lowercase"
        return self.error

    def kubelet_message(self, minor: int) -> str:
        """The kubelet's event and status message (reason ``InspectFailed`` / ``InvalidImageName``)."""
        noun = "name" if minor >= 28 else "reference"
        return (
            f'Failed to apply default image tag "{self.image}": '
            f'couldn\'t parse image {noun} "{self.image}": {self.reference_error(minor)}'
        )


def parse(image: str) -> ImageRef:
    """``reference.ParseNormalizedNamed``: a familiar or full reference, normalized.

    Raises :class:`InvalidImageName` with the parser's words.
    """
    if _IDENTIFIER.match(image):
        raise InvalidImageName(image, f"invalid repository name ({image}), cannot specify 64-byte hexadecimal strings")
    domain, remainder = _split_docker_domain(image)
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        raise InvalidImageName(image, f"invalid reference format: repository name ({remote}) must be lowercase", remote)
    return _parse(image, f"{domain}/{remainder}")


def _parse(image: str, s: str) -> ImageRef:
    """``reference.Parse`` of the normalized string `s` (errors name the user's `image`)."""
    if not s:
        raise InvalidImageName(image, "repository name must have at least one component")
    m = _REFERENCE.match(s)
    if m is None:
        if s.lower() != s and _REFERENCE.match(s.lower()):
            raise InvalidImageName(image, "repository name must be lowercase")
        raise InvalidImageName(image, "invalid reference format")
    name, tag, digest = m.group(1), m.group(2) or "", m.group(3) or ""
    nm = _ANCHORED_NAME.match(name)
    assert nm is not None  # the reference grammar embeds the name grammar
    domain, path = nm.group(1) or "", nm.group(2)
    if len(path) > NAME_TOTAL_LENGTH_MAX:
        raise InvalidImageName(image, f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters")
    if digest:
        _validate_digest(image, digest)
    return ImageRef(domain, path, tag, digest)


def _validate_digest(image: str, digest: str) -> None:
    """go-digest ``Digest.Validate`` for the algorithms the kubelet links in."""
    algorithm, encoded = digest.split(":", 1)
    size = _DIGEST_SIZES.get(algorithm)
    if size is None:
        raise InvalidImageName(image, "unsupported digest algorithm")
    if len(encoded) != size:
        raise InvalidImageName(image, "invalid checksum digest length")
    if not re.fullmatch(r"[a-f0-9]+", encoded):
        raise InvalidImageName(image, "invalid checksum digest format")


def _split_docker_domain(name: str) -> tuple[str, str]:
    """``splitDockerDomain``: is the first component a registry, or part of a Docker Hub name?"""
    first, sep, rest = name.partition("/")
    if not sep:
        return DEFAULT_DOMAIN, OFFICIAL_PREFIX + name
    if first == "localhost":
        domain, remote = first, rest
    elif first == LEGACY_DEFAULT_DOMAIN:
        domain, remote = DEFAULT_DOMAIN, rest
    elif any(c in first for c in ".:") or first.lower() != first:
        domain, remote = first, rest
    else:
        domain, remote = DEFAULT_DOMAIN, name
    if domain == DEFAULT_DOMAIN and "/" not in remote:
        remote = OFFICIAL_PREFIX + remote
    return domain, remote
