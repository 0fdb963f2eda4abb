"""The images kubenb knows: the course's and a kubeadm cluster's, with tags that exist.

Versions follow the images' real contents (``nginx:1.21-alpine`` is nginx 1.21.6 on Alpine 3.15,
``nginx:1.22-alpine`` is 1.22.1, ``redis:5-alpine`` is 5.0.14, ``wordpress:5`` is 5.9.3 on
PHP 7.4.29). The floating tags (``latest``, ``alpine``, ``7``, ``10``) are frozen at one snapshot
so notebooks print the same bytes every run. Digests are the real ones where the course printed
them (``nginx:alpine``, ``redis:5-alpine``); the others are stable synthetic digests, and sizes
are close to the registry's.

Kubernetes' own images (``kube-proxy``, ``pause``, ``coredns``, ``etcd``) and the flannel CNI
images exist at any well-formed version tag, since a profile may run any Kubernetes release.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache

from kubenb.runtime import nginx_files, rootfs
from kubenb.runtime.fs import Dir, Node
from kubenb.runtime.images import Catalogue, Image, synthetic_digest
from kubenb.runtime.reference import ImageRef, parse
from kubenb.runtime.rootfs import Tree

ALPINE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _images(
    repo: str, tags: str, size: int, build: Callable[[], Tree], digest: str | None = None,
    created: str = "2023-03-28T15:01:54", **config: object,
) -> list[Image]:  # fmt: skip
    """One image published under several tags (same digest, same filesystem, files dated `created`)."""
    ref0 = parse(repo)
    tag_list = tags.split()
    dgst = digest or synthetic_digest(ref0.name, tag_list[0])
    stamp = datetime.fromisoformat(created).replace(tzinfo=UTC).timestamp()

    def make() -> Dir:
        tree = build()
        _date(tree.root, stamp)
        return tree.build()

    built = cache(make)
    return [
        Image(
            ImageRef(ref0.domain, ref0.path, tag),
            dgst,
            synthetic_digest("config", ref0.name, tag_list[0]),
            size,
            built,
            **config,
        )  # type: ignore[arg-type]
        for tag in tag_list
    ]


def _date(node: Node, t: float) -> None:
    node.mtime = t
    if isinstance(node, Dir):
        for child in node.children.values():
            _date(child, t)


# ---------------------------------------------------------------------------- bases

ALPINE = {"3.15": "3.15.4", "3.16": "3.16.2", "3.17": "3.17.3", "3.18": "3.18.6", "3.19": "3.19.1", "3.20": "3.20.6", "3.21": "3.21.3"}
DEBIAN = {"bullseye": "11", "bookworm": "12"}


def _base(distro: str) -> Tree:
    """``alpine-3.17``, ``debian-bookworm``, ``ubuntu-jammy``."""
    kind, version = distro.split("-", 1)
    if kind == "alpine":
        return rootfs.alpine(ALPINE[version])
    if kind == "debian":
        return rootfs.debian(DEBIAN[version], version)
    return rootfs.ubuntu("22.04.3", "jammy", "Jammy Jellyfish")


def _userland(distro: str) -> dict[str, object]:
    alpine = distro.startswith("alpine")
    return {"userland": "busybox" if alpine else "gnu", "libc": "musl" if alpine else "glibc"}


# ---------------------------------------------------------------------------- nginx

GCC = {
    "alpine-3.15": "gcc 10.3.1 20211027 (Alpine 10.3.1_git20211027) ",
    "alpine-3.17": "gcc 12.2.1 20220924 (Alpine 12.2.1_git20220924-r4) ",
    "alpine-3.19": "gcc 13.2.1 20231014 (Alpine 13.2.1_git20231014) ",
    "alpine-3.20": "gcc 13.2.1 20240309 (Alpine 13.2.1_git20240309) ",
    "alpine-3.21": "gcc 14.2.0 (Alpine 14.2.0) ",
    "debian-bullseye": "gcc 10.2.1 20210110 (Debian 10.2.1-6) ",
    "debian-bookworm": "gcc 12.2.0 (Debian 12.2.0-14) ",
}
CURL = {"alpine-3.15": "7.83.1", "alpine-3.17": "8.0.1", "alpine-3.19": "8.5.0", "alpine-3.20": "8.12.1", "alpine-3.21": "8.12.1",
        "debian-bullseye": "7.74.0", "debian-bookworm": "7.88.1"}  # fmt: skip


def _nginx_tree(distro: str, version: str) -> Tree:
    t = _base(distro)
    alpine = distro.startswith("alpine")
    rootfs.add_user(
        t,
        "nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin"
        if alpine
        else "nginx:x:101:101:nginx user:/nonexistent:/bin/false",
        "nginx:x:101:nginx" if alpine else "nginx:x:101:",
    )
    t.file("/etc/nginx/nginx.conf", nginx_files.NGINX_CONF)
    t.file("/etc/nginx/mime.types", nginx_files.MIME_TYPES)
    t.file("/etc/nginx/conf.d/default.conf", nginx_files.DEFAULT_CONF)
    t.file("/usr/share/nginx/html/index.html", nginx_files.INDEX_HTML)
    t.file("/usr/share/nginx/html/50x.html", nginx_files.FIFTYX_HTML)
    t.dir("/var/cache/nginx")
    t.link("/var/log/nginx/access.log", "/dev/stdout")
    t.link("/var/log/nginx/error.log", "/dev/stderr")
    t.program("/usr/sbin/nginx", "nginx")
    t.program("/usr/bin/curl", "curl")
    t.program("/docker-entrypoint.sh", "nginx-entrypoint")
    scripts = ["10-listen-on-ipv6-by-default.sh", "20-envsubst-on-templates.sh", "30-tune-worker-processes.sh"]
    if tuple(int(x) for x in version.split(".")[:2]) >= (1, 25):
        scripts.insert(1, "15-local-resolvers.envsh")
    for name in scripts:
        t.file(
            f"/docker-entrypoint.d/{name}",
            f"#!/bin/sh\n# {name}: run by the nginx image's entrypoint (simulated by kubenb)\n",
            0o755,
        )
    return t


# When each version's image was built: the mtime of its files (``ls -l``, Last-Modified).
BUILT = {"1.21.6": "2022-01-25T23:10:41", "1.22.1": "2022-10-19T10:49:37", "1.23.4": "2023-03-28T15:01:54",
         "1.24.0": "2023-04-11T17:43:55", "1.25.5": "2024-04-16T14:59:08", "1.26.3": "2025-02-05T15:17:24",
         "1.27.5": "2025-04-16T14:22:31", "1.28.0": "2025-04-23T15:48:41", "5.0.14": "2022-05-27T11:08:22",
         "6.2.14": "2024-01-09T17:55:51", "7.2.4": "2024-01-09T18:03:12"}  # fmt: skip


def _nginx(tags: str, version: str, njs: str, distro: str, size: int, digest: str | None = None) -> list[Image]:
    alpine = distro.startswith("alpine")
    pkg = "1" if alpine else f"1~{distro.split('-')[1]}"
    env = [("PATH", ALPINE_PATH), ("NGINX_VERSION", version), ("NJS_VERSION", njs), ("PKG_RELEASE", pkg)]
    return _images(
        "nginx", tags, size, lambda: _nginx_tree(distro, version), digest, BUILT[version],
        entrypoint=("/docker-entrypoint.sh",), cmd=("nginx", "-g", "daemon off;"), env=tuple(env),
        exposed_ports=("80/tcp",), stop_signal="SIGQUIT",
        meta={"nginx.version": version, "nginx.gcc": GCC[distro], "os": distro, "curl.version": CURL[distro]},
        **_userland(distro),
    )  # fmt: skip


NGINX = [
    *_nginx("alpine mainline-alpine 1.23-alpine 1.23.4-alpine", "1.23.4", "0.7.11", "alpine-3.17", 41_400_000,
            "sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6"),
    *_nginx("latest mainline 1.23 1.23.4", "1.23.4", "0.7.11", "debian-bullseye", 142_300_000),
    *_nginx("1.21-alpine 1.21.6-alpine", "1.21.6", "0.7.2", "alpine-3.15", 23_400_000),
    *_nginx("1.21 1.21.6", "1.21.6", "0.7.2", "debian-bullseye", 141_500_000),
    *_nginx("1.22-alpine 1.22.1-alpine", "1.22.1", "0.7.9", "alpine-3.17", 40_700_000),
    *_nginx("1.22 1.22.1", "1.22.1", "0.7.9", "debian-bullseye", 142_100_000),
    *_nginx("1.24-alpine 1.24.0-alpine", "1.24.0", "0.7.11", "alpine-3.17", 41_100_000),
    *_nginx("1.24 1.24.0", "1.24.0", "0.7.11", "debian-bullseye", 142_100_000),
    *_nginx("1.25-alpine 1.25.5-alpine", "1.25.5", "0.8.4", "alpine-3.19", 43_300_000),
    *_nginx("1.25 1.25.5", "1.25.5", "0.8.4", "debian-bookworm", 187_700_000),
    *_nginx("1.26-alpine 1.26.3-alpine", "1.26.3", "0.8.9", "alpine-3.20", 47_900_000),
    *_nginx("1.26 1.26.3", "1.26.3", "0.8.9", "debian-bookworm", 192_000_000),
    *_nginx("1.27-alpine 1.27.5-alpine", "1.27.5", "0.8.10", "alpine-3.21", 48_300_000),
    *_nginx("1.27 1.27.5", "1.27.5", "0.8.10", "debian-bookworm", 192_500_000),
    *_nginx("stable-alpine 1.28-alpine 1.28.0-alpine", "1.28.0", "0.8.10", "alpine-3.21", 48_300_000),
    *_nginx("stable 1.28 1.28.0", "1.28.0", "0.8.10", "debian-bookworm", 192_600_000),
]  # fmt: skip


# ---------------------------------------------------------------------------- redis


def _redis_tree(distro: str) -> Tree:
    t = _base(distro)
    alpine = distro.startswith("alpine")
    rootfs.add_user(
        t,
        "redis:x:999:1000:Linux User,,,:/home/redis:/sbin/nologin"
        if alpine
        else "redis:x:999:999::/home/redis:/bin/sh",
        "redis:x:1000:redis" if alpine else "redis:x:999:",
    )
    t.dir("/data", 0o755, 999, 1000 if alpine else 999)
    t.program("/usr/local/bin/redis-server", "redis-server")
    t.program("/usr/local/bin/redis-cli", "redis-cli")
    t.program("/usr/local/bin/docker-entrypoint.sh", "redis-entrypoint")
    return t


def _redis(tags: str, version: str, distro: str, size: int, digest: str | None = None) -> list[Image]:
    env = [("PATH", ALPINE_PATH), ("REDIS_VERSION", version),
           ("REDIS_DOWNLOAD_URL", f"http://download.redis.io/releases/redis-{version}.tar.gz")]  # fmt: skip
    return _images(
        "redis", tags, size, lambda: _redis_tree(distro), digest, BUILT[version],
        entrypoint=("docker-entrypoint.sh",), cmd=("redis-server",), env=tuple(env), working_dir="/data",
        exposed_ports=("6379/tcp",), meta={"redis.version": version, "os": distro}, **_userland(distro),
    )  # fmt: skip


REDIS = [
    *_redis("5-alpine 5.0-alpine 5.0.14-alpine", "5.0.14", "alpine-3.16", 30_600_000,
            "sha256:1a3c609295332f1ce603948142a132656c92a08149d7096e203058533c415b8c"),
    *_redis("5 5.0 5.0.14", "5.0.14", "debian-bullseye", 110_300_000),
    *_redis("6-alpine 6.2-alpine 6.2.14-alpine", "6.2.14", "alpine-3.19", 30_700_000),
    *_redis("6 6.2 6.2.14", "6.2.14", "debian-bookworm", 113_200_000),
    *_redis("7-alpine 7.2-alpine 7.2.4-alpine alpine", "7.2.4", "alpine-3.19", 41_200_000),
    *_redis("latest 7 7.2 7.2.4", "7.2.4", "debian-bookworm", 138_400_000),
]  # fmt: skip


# ---------------------------------------------------------------------------- small bases


def _busybox(tags: str, version: str, size: int) -> list[Image]:
    return _images("busybox", tags, size, rootfs.busybox_image, cmd=("sh",),
                   env=(("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),),
                   meta={"busybox.version": version}, userland="busybox", libc="glibc")  # fmt: skip


def _alpine(tags: str, minor: str, size: int) -> list[Image]:
    return _images("alpine", tags, size, lambda: _base(f"alpine-{minor}"), cmd=("/bin/sh",),
                   env=(("PATH", ALPINE_PATH),), meta={"os": f"alpine-{minor}"}, userland="busybox")  # fmt: skip


SMALL = [
    *_busybox("latest 1.36 1.36.1 stable", "1.36.1", 4_261_574),
    *_busybox("1.35 1.35.0", "1.35.0", 4_855_089),
    *_busybox("1.28 1.28.4", "1.28.4", 1_146_369),  # the CronJob docs' example
    *_alpine("latest 3 3.19 3.19.1", "3.19", 7_377_756),
    *_alpine("3.18 3.18.6", "3.18", 7_338_000),
    *_alpine("3.17 3.17.3", "3.17", 7_046_000),
    *_alpine("3.16 3.16.2", "3.16", 5_541_000),
    *_alpine("3.15 3.15.4", "3.15", 5_586_000),
]


def _hello_tree() -> Tree:
    t = rootfs.scratch()
    t.program("/hello", "hello")
    return t


def _stress_tree() -> Tree:
    t = _base("alpine-3.15")
    t.program("/usr/local/bin/stress", "stress")
    return t


SMALL += [
    *_images("hello-world", "latest linux", 13_256, _hello_tree, cmd=("/hello",), userland="none"),
    *_images("polinux/stress", "latest 1.0.4", 9_744_000, _stress_tree, cmd=("stress",),
             env=(("PATH", ALPINE_PATH),), userland="busybox"),
]  # fmt: skip


# ---------------------------------------------------------------------------- perl (the Job docs' pi)


def _perl_tree(distro: str, version: str, slim: bool) -> Tree:
    """The official image: perl built into /usr/local on Debian (buildpack-deps, or -slim)."""
    t = _base(distro)
    t.program("/usr/local/bin/perl", "perl")
    t.link(f"/usr/local/bin/perl{version}", "perl")
    t.dir(f"/usr/local/lib/perl5/{version}")
    t.program("/usr/bin/perl", "perl")  # Debian's perl-base, which dpkg needs
    if not slim:
        t.program("/usr/bin/curl", "curl")
    t.dir("/usr/src/app")
    return t


def _perl(tags: str, version: str, distro: str, size: int, built: str) -> list[Image]:
    slim = "slim" in tags
    return _images("perl", tags, size, lambda: _perl_tree(distro, version, slim), created=built,
                   cmd=(f"perl{version}", "-de0"), env=(("PATH", ALPINE_PATH),),
                   meta={"perl.version": version, "os": distro, "curl.version": CURL[distro]}, **_userland(distro))  # fmt: skip


PERL = [
    *_perl("5.34.0 5.34 5.34.0-bullseye 5.34-bullseye", "5.34.0", "debian-bullseye", 336_374_528, "2021-12-21T04:26:11"),
    *_perl("5.34.0-slim 5.34-slim 5.34.0-slim-bullseye", "5.34.0", "debian-bullseye", 27_913_216, "2021-12-21T04:26:11"),
    *_perl("5.36.0 5.36 5.36.0-bullseye", "5.36.0", "debian-bullseye", 338_723_840, "2022-06-23T02:02:49"),
    *_perl("5.38.2 5.38 5.38.2-bookworm", "5.38.2", "debian-bookworm", 352_468_992, "2023-11-30T01:18:42"),
    *_perl("latest 5 5.40 5.40.0 5.40.0-bookworm", "5.40.0", "debian-bookworm", 354_197_504, "2024-06-10T20:51:03"),
    *_perl("slim 5-slim 5.40-slim 5.40.0-slim", "5.40.0", "debian-bookworm", 29_409_280, "2024-06-10T20:51:03"),
]  # fmt: skip


# ---------------------------------------------------------------------------- mariadb, wordpress


def _mariadb_tree(version: str) -> Tree:
    t = _base("ubuntu-jammy")
    t.program("/usr/bin/mariadb", "mariadb")
    if int(version.split(".")[0]) < 11:  # 11.0 dropped the mysql* names
        t.link("/usr/bin/mysql", "mariadb")
    rootfs.add_user(t, "mysql:x:999:999::/home/mysql:/bin/sh", "mysql:x:999:")
    t.dir("/var/lib/mysql", 0o755, 999, 999)
    t.dir("/run/mysqld", 0o755, 999, 999)
    t.dir("/etc/mysql/conf.d")
    t.program("/usr/sbin/mariadbd", "mariadbd")
    t.link("/usr/sbin/mysqld", "mariadbd")
    t.program("/usr/local/bin/docker-entrypoint.sh", "mariadb-entrypoint")
    return t


def _mariadb(tags: str, version: str, size: int) -> list[Image]:
    pkg = f"1:{version}+maria~ubu2204"
    env = [("PATH", ALPINE_PATH), ("GOSU_VERSION", "1.17"), ("LANG", "C.UTF-8"), ("MARIADB_VERSION", pkg)]
    return _images("mariadb", tags, size, lambda: _mariadb_tree(version), entrypoint=("docker-entrypoint.sh",), cmd=("mariadbd",),
                   env=tuple(env), exposed_ports=("3306/tcp",), meta={"mariadb.version": version, "mariadb.package": pkg},
                   userland="gnu", libc="glibc")  # fmt: skip


def _wordpress_tree(distro: str) -> Tree:
    t = _base(distro)
    t.dir("/var/www/html", 0o777, 33, 33)
    t.dir("/usr/src/wordpress/wp-content")
    t.file(
        "/usr/src/wordpress/index.php",
        "<?php\n/** Front to the WordPress application. */\ndefine( 'WP_USE_THEMES', true );\nrequire __DIR__ . '/wp-blog-header.php';\n",
    )
    t.program("/usr/local/bin/docker-entrypoint.sh", "wordpress-entrypoint")
    t.program("/usr/local/bin/apache2-foreground", "apache2-foreground")
    t.program("/usr/bin/curl", "curl")
    return t


def _wordpress(tags: str, version: str, php: str, apache: str, distro: str, size: int) -> list[Image]:
    env = [("PATH", ALPINE_PATH), ("PHP_INI_DIR", "/usr/local/etc/php"), ("APACHE_CONFDIR", "/etc/apache2"),
           ("APACHE_ENVVARS", "/etc/apache2/envvars"), ("PHP_VERSION", php)]  # fmt: skip
    return _images("wordpress", tags, size, lambda: _wordpress_tree(distro), entrypoint=("docker-entrypoint.sh",),
                   cmd=("apache2-foreground",), env=tuple(env), working_dir="/var/www/html", exposed_ports=("80/tcp",),
                   stop_signal="SIGWINCH", meta={"wordpress.version": version, "php.version": php, "apache.version": apache,
                                                  "os": distro, "curl.version": CURL[distro]}, **_userland(distro))  # fmt: skip


DATA = [
    *_mariadb("10 10.11 10.11.6", "10.11.6", 403_400_000),
    *_mariadb("10.6 10.6.16", "10.6.16", 396_800_000),
    *_mariadb("latest 11 11.2 11.2.2", "11.2.2", 404_700_000),
    *_wordpress("5 5.9 5.9.3", "5.9.3", "7.4.29", "2.4.53", "debian-bullseye", 609_400_000),
    *_wordpress("latest 6 6.4 6.4.3", "6.4.3", "8.2.16", "2.4.57", "debian-bookworm", 739_900_000),
]


# ---------------------------------------------------------------------------- ingress, storage, system


def _nic_tree() -> Tree:
    t = _nginx_tree("alpine-3.15", "1.21.6")
    t.program("/nginx-ingress", "nginx-ingress")
    return t


def _ingress_nginx_tree() -> Tree:
    t = _nginx_tree("alpine-3.15", "1.21.6")
    t.program("/nginx-ingress-controller", "nginx-ingress")
    t.program("/usr/bin/dumb-init", "dumb-init")
    return t


def _single_binary(path: str, exe: str) -> Callable[[], Tree]:
    def build() -> Tree:
        t = rootfs.scratch()
        t.program(path, exe)
        return t

    return build


NIC_LOG = "I{klog}       1 main.go:213] Starting NGINX Ingress Controller Version=2.2.0 GitCommit=a1d8e3b5 Date=2022-04-05T17:20:35Z PlusFlag=false"
NFS_LOG = (
    "I{klog}       1 leaderelection.go:248] attempting to acquire leader lease kube-system/k8s-sigs.io-nfs-subdir-external-provisioner...\n"
    "I{klog}       1 leaderelection.go:258] successfully acquired lease kube-system/k8s-sigs.io-nfs-subdir-external-provisioner\n"
    "I{klog}       1 controller.go:835] Starting provisioner controller k8s-sigs.io/nfs-subdir-external-provisioner_{hostname}!\n"
    "I{klog}       1 controller.go:884] Started provisioner controller k8s-sigs.io/nfs-subdir-external-provisioner_{hostname}!"
)
LOCAL_PATH_LOG = (
    'I{klog}       1 controller.go:824] "Starting provisioner controller" component="rancher.io/local-path_{hostname}"\n'
    'I{klog}       1 controller.go:873] "Started provisioner controller" component="rancher.io/local-path_{hostname}"'
)

SYSTEM = [
    *_images("nginx/nginx-ingress", "2.2-alpine 2.2.0-alpine", 98_600_000, _nic_tree, entrypoint=("/nginx-ingress",),
             env=(("PATH", ALPINE_PATH),), user="101", exposed_ports=("80/tcp", "443/tcp"),
             meta={"nginx.version": "1.21.6", "nginx.gcc": GCC["alpine-3.15"], "os": "alpine-3.15",
                   "curl.version": CURL["alpine-3.15"], "generic.log": NIC_LOG}, userland="busybox"),
    *[img for repo in ("chronolaw/nfs-subdir-external-provisioner", "registry.k8s.io/sig-storage/nfs-subdir-external-provisioner",
                       "k8s.gcr.io/sig-storage/nfs-subdir-external-provisioner")
      for img in _images(repo, "v4.0.2", 17_700_000, _single_binary("/nfs-subdir-external-provisioner", "server"),
                         entrypoint=("/nfs-subdir-external-provisioner",), userland="none",
                         meta={"generic.log": NFS_LOG, "memory": str(9 << 20)})],
    *_images("rancher/local-path-provisioner", "v0.0.31", 22_100_000, _single_binary("/usr/bin/local-path-provisioner", "server"),
             entrypoint=("local-path-provisioner",), env=(("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),),
             userland="none", created="2025-01-14T08:21:40", meta={"generic.log": LOCAL_PATH_LOG, "memory": str(11 << 20)}),
]  # fmt: skip

# registry.k8s.io images at any version a profile may ask for: (path, tag pattern, binary, meta).
_KUBE = {
    "pause": (r"3\.\d+", "/pause", {"memory": str(300 << 10), "generic.stop": "0"}),
    "kube-proxy": (r"v1\.\d+\.\d+", "/usr/local/bin/kube-proxy", {"generic.ports": "TCP:10249,TCP:10256", "memory": str(14 << 20)}),
    "kube-apiserver": (r"v1\.\d+\.\d+", "/usr/local/bin/kube-apiserver", {"generic.ports": "TCP:6443", "memory": str(300 << 20)}),
    "kube-controller-manager": (r"v1\.\d+\.\d+", "/usr/local/bin/kube-controller-manager", {"generic.ports": "TCP:10257", "memory": str(50 << 20)}),
    "kube-scheduler": (r"v1\.\d+\.\d+", "/usr/local/bin/kube-scheduler", {"generic.ports": "TCP:10259", "memory": str(20 << 20)}),
    "etcd": (r"3\.\d+\.\d+-\d+", "/usr/local/bin/etcd", {"generic.ports": "TCP:2379,TCP:2380,TCP:2381", "generic.grpc": "2379",
                                                   "memory": str(40 << 20)}),
    "coredns/coredns": (r"v1\.\d+\.\d+", "/coredns", {"generic.ports": "UDP:53,TCP:53,TCP:8080,TCP:8181,TCP:9153",
                                                        "generic.http": "8080 /health OK|8181 /ready OK", "memory": str(15 << 20)}),
    "coredns": (r"v?1\.\d+\.\d+", "/coredns", {"generic.ports": "UDP:53,TCP:53,TCP:8080,TCP:8181,TCP:9153",
                                               "generic.http": "8080 /health OK|8181 /ready OK", "memory": str(15 << 20)}),
}  # fmt: skip
_FLANNEL = ("rancher/mirrored-flannelcni-flannel", "rancher/mirrored-flannelcni-flannel-cni-plugin",
            "flannel/flannel", "flannel/flannel-cni-plugin")  # fmt: skip


@cache
def _on_demand(ref: ImageRef) -> Image | None:
    """Kubernetes and CNI images at any well-formed version tag."""
    tag = ref.effective_tag
    if ref.domain in ("registry.k8s.io", "k8s.gcr.io") and ref.path in _KUBE:
        pattern, binary, meta = _KUBE[ref.path]
        if re.fullmatch(pattern, tag):
            entry = (binary,) if ref.path != "etcd" else ()
            return _images(ref.name, tag, 30_000_000, _single_binary(binary, "server"), entrypoint=entry,
                           cmd=() if entry else (binary,), meta=meta, userland="none")[0]  # fmt: skip
    if ref.domain in ("registry.k8s.io", "k8s.gcr.io") and ref.path == "ingress-nginx/controller" \
            and re.fullmatch(r"v1\.\d+\.\d+", tag):
        # ingress-nginx: its nginx (1.21.6 through v1.9) hides its version, health on 10254
        return _images(ref.name, tag, 114_000_000, _ingress_nginx_tree, digest=ref.digest or None,
                       entrypoint=("/usr/bin/dumb-init", "--"), cmd=("/nginx-ingress-controller",),
                       env=(("PATH", ALPINE_PATH),), user="101", exposed_ports=("80/tcp", "443/tcp", "8443/tcp"),
                       meta={"nginx.version": "1.21.6", "nginx.server_tokens": "off", "ingress.health": "10254 /healthz ok",
                             "nginx.gcc": GCC["alpine-3.15"], "os": "alpine-3.15", "curl.version": CURL["alpine-3.15"]},
                       userland="busybox")[0]  # fmt: skip
    if ref.domain == "docker.io" and ref.path in _FLANNEL and re.fullmatch(r"v\d+\.\d+\.\d+", tag):
        return _images(ref.name, tag, 60_000_000, _single_binary("/opt/bin/flanneld", "server"),
                       entrypoint=("/opt/bin/flanneld",), userland="none")[0]  # fmt: skip
    return None


def _unknown(ref: ImageRef) -> Image:
    """An image on a registry the catalogue does not model: assumed to exist, runs a server."""
    return _images(ref.name, ref.effective_tag or "latest", 50_000_000, _single_binary("/app", "server"),
                   digest=ref.digest or None, entrypoint=("/app",), userland="none")[0]  # fmt: skip


class DefaultCatalogue(Catalogue):
    """The catalogue above, plus Kubernetes images on demand and stand-ins for unknown registries."""

    def __init__(self) -> None:
        super().__init__([*NGINX, *REDIS, *SMALL, *PERL, *DATA, *SYSTEM], _unknown)

    def lookup(self, ref: ImageRef) -> Image:
        return _on_demand(ref) or super().lookup(ref)
