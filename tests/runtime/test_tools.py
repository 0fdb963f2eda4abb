"""Command-line tools inside containers: formats and complaints, BusyBox and GNU."""

from __future__ import annotations

import pytest

from kubenb.runtime import Network


def test_busybox_ls_long(node) -> None:
    c = node.start("nginx:alpine")
    assert node.exec(c, ["ls", "-l", "/usr/share/nginx/html"]).output.text == (
        "total 8\n"
        "-rw-r--r--    1 root     root           497 Mar 28  2023 50x.html\n"
        "-rw-r--r--    1 root     root           615 Mar 28  2023 index.html\n"
    )
    assert node.exec(c, ["ls", "-l", "/var/log/nginx/access.log"]).output.text == (
        "lrwxrwxrwx    1 root     root            11 Mar 28  2023 /var/log/nginx/access.log -> /dev/stdout\n"
    )


def test_gnu_ls_long(node) -> None:
    c = node.start("nginx:1.25")
    assert node.exec(c, ["ls", "-l", "/usr/share/nginx/html"]).output.text == (
        "total 8\n"
        "-rw-r--r-- 1 root root 497 Apr 16  2024 50x.html\n"
        "-rw-r--r-- 1 root root 615 Apr 16  2024 index.html\n"
    )


def test_ls_on_a_terminal_uses_columns(node) -> None:
    c = node.start("busybox", command=["sleep", "3600"])
    out = node.exec(c, ["ls", "/"], tty=True).output.text
    assert out.splitlines()[0].startswith("bin")
    assert len(out.splitlines()) < 6


def test_ls_all_and_missing(node) -> None:
    c = node.start("busybox", command=["sleep", "3600"])
    assert node.exec(c, ["ls", "-a", "/root"]).output.text == ".\n..\n"
    missing = node.exec(c, ["ls", "/nope", "/tmp"])
    assert (missing.output.text, missing.exit_code) == ("ls: /nope: No such file or directory\n", 1)


def test_cat_a_directory(node) -> None:
    c = node.start("busybox", command=["sleep", "3600"])
    assert node.exec(c, ["cat", "/etc"]).output.text == "cat: read error: Is a directory\n"


def test_os_release_and_uname(node) -> None:
    c = node.start("nginx:alpine", hostname="web")
    assert node.exec(c, ["cat", "/etc/os-release"]).output.text.splitlines()[:3] == [
        'NAME="Alpine Linux"', "ID=alpine", "VERSION_ID=3.17.3",
    ]  # fmt: skip
    assert node.exec(c, ["uname", "-a"]).output.text == (
        "Linux web 5.15.0-75-generic #82-Ubuntu SMP Tue Jun 6 23:10:23 UTC 2023 x86_64 Linux\n"
    )
    debian = node.start("nginx:1.25", hostname="web2")
    assert node.exec(debian, ["uname", "-a"]).output.text.endswith("x86_64 GNU/Linux\n")
    assert node.exec(debian, ["id"]).output.text == "uid=0(root) gid=0(root) groups=0(root)\n"


def test_hostname_and_etc_files(node) -> None:
    c = node.start("busybox", hostname="redis-sts-0", ip="10.10.1.62", command=["sleep", "3600"])
    assert node.exec(c, ["hostname", "-i"]).output.text == "10.10.1.62\n"
    assert node.exec(c, ["cat", "/etc/hosts"]).output.text.splitlines()[0] == "# Kubernetes-managed hosts file."
    assert node.exec(c, ["cat", "/etc/hosts"]).output.text.splitlines()[-1] == "10.10.1.62\tredis-sts-0"
    assert node.exec(c, ["cat", "/etc/resolv.conf"]).output.text == (
        "nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n"
    )


def test_df_lists_the_overlay_and_the_volumes(node) -> None:
    from kubenb.runtime import FileSystem, MountSpec

    nfs = FileSystem()
    c = node.start(
        "busybox",
        command=["sleep", "3600"],
        mounts=[MountSpec("/tmp", nfs.root, source="192.168.191.144:/tmp/nfs/1g-pv")],
    )
    lines = node.exec(c, ["df"]).output.text.splitlines()
    assert lines[0] == "Filesystem           1K-blocks      Used Available Use% Mounted on"
    assert lines[1].startswith("overlay") and lines[1].endswith("% /")
    assert any(line.startswith("192.168.191.144:/tmp/nfs/1g-pv") and line.endswith(" /tmp") for line in lines)


@pytest.mark.parametrize(
    ("argv", "stderr", "code"),
    [
        (["wget", "-qO-", "nginx-svc"], "wget: bad address 'nginx-svc'\n", 1),
        (["wget", "-qO-", "127.0.0.1:8080"], "wget: can't connect to remote host (127.0.0.1): Connection refused\n", 1),
        (["nslookup", "nginx-svc"], "", 1),
        (["ping", "-c", "1", "nginx-svc"], "ping: bad address 'nginx-svc'\n", 1),
    ],
)
def test_without_a_cluster_network_names_do_not_resolve(node, argv, stderr, code) -> None:
    c = node.start("busybox", command=["sleep", "3600"])
    proc = node.exec(c, argv)
    assert (proc.stderr_buffer.text, proc.exit_code) == (stderr, code)


def test_curl_errors_and_progress_meter(node) -> None:
    c = node.start("nginx:1.25")
    assert node.exec(c, ["curl", "nginx-svc"]).stderr_buffer.text == "curl: (6) Could not resolve host: nginx-svc\n"
    assert node.exec(c, ["curl", "-s", "nginx-svc"]).exit_code == 6
    refused = node.exec(c, ["curl", "127.0.0.1:81"])
    assert (refused.stderr_buffer.text, refused.exit_code) == (
        "curl: (7) Failed to connect to 127.0.0.1 port 81 after 0 ms: Connection refused\n",
        7,
    )  # curl 7.88 on bookworm
    plain = node.exec(c, ["curl", "localhost"])
    assert plain.stdout_buffer.text.startswith("<!DOCTYPE html>")
    assert (
        plain.stderr_buffer.text.splitlines()[0]
        == "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current"
    )
    head = node.exec(c, ["curl", "-sI", "localhost"]).output.text
    assert head.startswith("HTTP/1.1 200 OK\r\nServer: nginx/1.25.5\r\n")


def test_wget_saves_a_file(node) -> None:
    c = node.start("nginx:alpine")
    proc = node.exec(c, ["wget", "localhost"])
    assert proc.stderr_buffer.text == (
        "Connecting to localhost (127.0.0.1:80)\nsaving to 'index.html'\n"
        "index.html           100% |********************************|   615  0:00:00 ETA\n'index.html' saved\n"
    )
    assert node.exec(c, ["wc", "-c", "index.html"]).output.text == "615 index.html\n"


class Dns(Network):
    def resolve(self, name, sandbox):
        if name.startswith("redis-sts-0.redis-svc"):
            return "redis-sts-0.redis-svc.default.svc.cluster.local", ["10.10.1.62"]
        return name, []

    def ping(self, ip, sandbox):
        return 0.041 if ip == "10.10.1.62" else None


def test_ping_and_nslookup_through_the_network(node) -> None:
    sandbox = node.runtime.run_sandbox("redis-sts-1", "10.10.1.63", network=Dns())
    c = node.start("redis:5-alpine", sandbox=sandbox)
    ping = node.exec(c, ["ping", "redis-sts-0.redis-svc.default", "-c1"])
    assert ping.output.text == (
        "PING redis-sts-0.redis-svc.default (10.10.1.62): 56 data bytes\n"
        "64 bytes from 10.10.1.62: seq=0 ttl=64 time=0.041 ms\n\n"
        "--- redis-sts-0.redis-svc.default ping statistics ---\n"
        "1 packets transmitted, 1 packets received, 0% packet loss\n"
        "round-trip min/avg/max = 0.041/0.041/0.041 ms\n"
    )
    lookup = node.exec(c, ["nslookup", "redis-sts-0.redis-svc"])
    assert lookup.output.text == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
        "Name:\tredis-sts-0.redis-svc.default.svc.cluster.local\nAddress: 10.10.1.62\n\n"
    )


def test_ping_to_an_unanswering_address_loses_packets_over_time(node) -> None:
    c = node.start("busybox", command=["sleep", "3600"])
    start = node.clock.now
    proc = node.exec(c, ["ping", "-c1", "10.101.182.177"])
    assert proc.output.text == (
        "PING 10.101.182.177 (10.101.182.177): 56 data bytes\n\n--- 10.101.182.177 ping statistics ---\n"
        "1 packets transmitted, 0 packets received, 100% packet loss\n"
    )
    assert (proc.exit_code, node.clock.now - start) == (1, pytest.approx(1.0))


def test_ps_shows_exec_and_child_processes(node) -> None:
    c = node.start("busybox", command=["sh", "-c", "while true; do sleep 5; done"])
    out = node.exec(c, ["ps"]).output.text.splitlines()
    assert out == [
        "PID   USER     TIME  COMMAND",
        "    1 root      0:00 sh -c while true; do sleep 5; done",
        "    2 root      0:00 sleep 5",
        "    3 root      0:00 ps",
    ]


def test_which_and_type(node) -> None:
    c = node.start("busybox", command=["sleep", "3600"])
    assert node.exec(c, ["which", "wget"]).output.text == "/usr/bin/wget\n"
    assert node.sh(c, "type echo; command -v ls").output.text == "echo is a shell builtin\n/bin/ls\n"
