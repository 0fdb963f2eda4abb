"""Image references, the catalogue, and pull errors in each runtime's words."""

from __future__ import annotations

import pytest

from kubenb.runtime import InvalidImageName, PullError
from kubenb.runtime.catalog import DefaultCatalogue
from kubenb.runtime.reference import parse

CATALOGUE = DefaultCatalogue()


@pytest.mark.parametrize(
    ("image", "name", "tag", "familiar"),
    [
        pytest.param("nginx", "docker.io/library/nginx", "", "nginx:latest", id="official"),
        pytest.param("nginx:alpine", "docker.io/library/nginx", "alpine", "nginx:alpine", id="tag"),
        pytest.param("polinux/stress", "docker.io/polinux/stress", "", "polinux/stress:latest", id="user-repo"),
        pytest.param(
            "docker.io/nginx:1.21-alpine",
            "docker.io/library/nginx",
            "1.21-alpine",
            "nginx:1.21-alpine",
            id="explicit-hub",
        ),
        pytest.param("index.docker.io/library/redis", "docker.io/library/redis", "", "redis:latest", id="legacy-hub"),
        pytest.param(
            "registry.k8s.io/pause:3.6",
            "registry.k8s.io/pause",
            "3.6",
            "registry.k8s.io/pause:3.6",
            id="other-registry",
        ),
        pytest.param("localhost:5000/app:v1", "localhost:5000/app", "v1", "localhost:5000/app:v1", id="port"),
    ],
)
def test_references_normalize_like_distribution(image, name, tag, familiar) -> None:
    ref = parse(image)
    assert (ref.name, ref.tag, ref.familiar) == (name, tag, familiar)


@pytest.mark.parametrize(
    ("image", "error"),
    [
        pytest.param("nginx:", "invalid reference format", id="empty-tag"),
        pytest.param("nginx::1", "invalid reference format", id="double-colon"),
        pytest.param("-nginx", "invalid reference format", id="leading-dash"),
        pytest.param("nginx@sha256:abc", "invalid reference format", id="short-digest"),
        pytest.param("nginx@md5:" + "a" * 32, "unsupported digest algorithm", id="unknown-algorithm"),
        pytest.param("nginx@sha256:" + "a" * 63 + "A", "invalid checksum digest format", id="uppercase-digest"),
        pytest.param(
            "Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase", id="uppercase"
        ),
        pytest.param(
            "a" * 64, f"invalid repository name ({'a' * 64}), cannot specify 64-byte hexadecimal strings", id="hex-id"
        ),
    ],
)
def test_invalid_references(image, error) -> None:
    with pytest.raises(InvalidImageName) as e:
        CATALOGUE.pull(image)
    assert e.value.error == error


def test_kubelet_wording_by_release() -> None:
    with pytest.raises(InvalidImageName) as e:
        CATALOGUE.pull("nginx:")
    assert (
        e.value.kubelet_message(30)
        == 'Failed to apply default image tag "nginx:": couldn\'t parse image name "nginx:": invalid reference format'
    )
    assert (
        e.value.kubelet_message(23)
        == 'Failed to apply default image tag "nginx:": couldn\'t parse image reference "nginx:": invalid reference format'
    )
    with pytest.raises(InvalidImageName) as e:
        CATALOGUE.pull("busyBOX")
    assert e.value.kubelet_message(23).endswith("invalid reference format: repository name must be lowercase")
    assert e.value.kubelet_message(29).endswith("repository name (library/busyBOX) must be lowercase")


def test_unknown_tag_of_a_known_repository_fails_like_the_registry() -> None:
    with pytest.raises(PullError) as e:
        CATALOGUE.pull("nginx:nope")
    assert e.value.kubelet_message("nginx:nope", "containerd") == (
        'Failed to pull image "nginx:nope": rpc error: code = NotFound desc = failed to pull and unpack image '
        '"docker.io/library/nginx:nope": failed to resolve reference "docker.io/library/nginx:nope": '
        "docker.io/library/nginx:nope: not found"
    )
    assert e.value.kubelet_message("nginx:nope", "docker") == (
        'Failed to pull image "nginx:nope": rpc error: code = Unknown desc = Error response from daemon: '
        "manifest for nginx:nope not found: manifest unknown: manifest unknown"
    )


def test_unknown_repository_on_docker_hub_is_access_denied() -> None:
    with pytest.raises(PullError) as e:
        CATALOGUE.pull("nosuchuser/nosuchimage")
    assert e.value.runtime_message("docker") == (
        "rpc error: code = Unknown desc = Error response from daemon: pull access denied for nosuchuser/nosuchimage, "
        "repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
    )
    assert e.value.runtime_message("containerd").endswith(
        "pull access denied, repository does not exist or may require authorization: server message: "
        "insufficient_scope: authorization failed"
    )


def test_images_on_unmodelled_registries_run_a_generic_server() -> None:
    image = CATALOGUE.pull("registry.example.com:5000/team/app:v7")
    assert image.entrypoint == ("/app",)
    assert image is CATALOGUE.pull("registry.example.com:5000/team/app:v7")


@pytest.mark.parametrize(
    ("image", "version"),
    [
        ("nginx:alpine", "1.23.4"),
        ("nginx:1.21-alpine", "1.21.6"),
        ("nginx:1.22-alpine", "1.22.1"),
        ("nginx:1.27", "1.27.5"),
    ],
)
def test_nginx_tags_carry_their_versions(image, version) -> None:
    assert dict(CATALOGUE.pull(image).env)["NGINX_VERSION"] == version


def test_known_digests_and_image_ids() -> None:
    nginx = CATALOGUE.pull("nginx:alpine")
    assert (
        nginx.image_id("docker")
        == "docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6"
    )
    assert nginx.image_id("containerd").startswith("docker.io/library/nginx@sha256:2d19")
    assert CATALOGUE.pull(f"nginx@{nginx.digest}").digest == nginx.digest
    redis = CATALOGUE.pull("redis:5-alpine")
    assert redis.digest == "sha256:1a3c609295332f1ce603948142a132656c92a08149d7096e203058533c415b8c"


def test_kubernetes_images_exist_at_any_version() -> None:
    assert CATALOGUE.pull("registry.k8s.io/kube-proxy:v1.31.2").ref.tag == "v1.31.2"
    assert CATALOGUE.pull("k8s.gcr.io/pause:3.6").entrypoint == ("/pause",)
    with pytest.raises(PullError):
        CATALOGUE.pull("registry.k8s.io/kube-proxy:latest")


def test_course_images_exist() -> None:
    for image in ("mariadb:10", "wordpress:5", "nginx/nginx-ingress:2.2-alpine", "busybox", "alpine:3.17",
                  "chronolaw/nfs-subdir-external-provisioner:v4.0.2",
                  "registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:v4.0.2", "polinux/stress"):  # fmt: skip
        assert CATALOGUE.pull(image).size > 0


def test_a_node_remembers_what_it_pulled(node) -> None:
    assert not node.runtime.has_image("nginx:alpine")
    image = node.runtime.pull("nginx:alpine")
    assert node.runtime.has_image("nginx:alpine")
    assert image.node_names() == [
        "docker.io/library/nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6",
        "docker.io/library/nginx:alpine",
    ]
