"""Containers: commands, exec, signals and grace periods, logs, exit reasons, cgroups."""

from __future__ import annotations

import pytest

from kubenb.runtime import ContainerNotRunning, ExecFailure, Limits, StartFailure
from kubenb.runtime.container import start_failure_status


def test_exec_of_a_missing_binary_in_each_runtime(node) -> None:
    c = node.start("nginx:alpine")
    with pytest.raises(ExecFailure) as e:
        c.exec(["foo"])
    assert e.value.detail == 'exec: "foo": executable file not found in $PATH'
    assert e.value.kubectl("docker", "x") == (
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "foo": executable file not found '
        "in $PATH: unknown\ncommand terminated with exit code 126\n",
        126,
    )
    text, code = e.value.kubectl("containerd", "8f3a")
    assert code == 1
    assert text == (
        "error: Internal error occurred: error executing command in container: failed to exec in container: "
        'failed to start exec "8f3a": OCI runtime exec failed: exec failed: unable to start container process: '
        'exec: "foo": executable file not found in $PATH: unknown\n'
    )


def test_exec_of_a_missing_path(node) -> None:
    c = node.start("nginx:alpine")
    with pytest.raises(ExecFailure) as e:
        c.exec(["/app/run"])
    assert e.value.detail == 'exec: "/app/run": stat /app/run: no such file or directory'


@pytest.mark.parametrize(
    ("runtime", "reason", "code", "message"),
    [
        ("containerd", "StartError", 128, 'failed to create containerd task: failed to create shim task: OCI runtime create failed: '
         'runc create failed: unable to start container process: exec: "nginxx": executable file not found in $PATH: unknown'),
        ("docker", "ContainerCannotRun", 127, 'OCI runtime create failed: runc create failed: unable to start container process: '
         'exec: "nginxx": executable file not found in $PATH: unknown'),
    ],
)  # fmt: skip
def test_a_command_that_cannot_start(make_node, runtime, reason, code, message) -> None:
    node = make_node(runtime)
    sandbox = node.runtime.run_sandbox("pod", "10.10.1.9")
    c = node.runtime.create(sandbox, "web", node.runtime.pull("nginx:alpine"), command=["nginxx"])
    with pytest.raises(StartFailure) as e:
        c.start()
    assert start_failure_status(e.value, runtime) == (reason, code, message)
    assert (c.state, c.exit_status.reason, c.exit_status.exit_code, c.exit_status.message) == (
        "exited",
        reason,
        code,
        message,
    )


def test_busybox_default_command_exits_at_once(node) -> None:
    """``sh`` with no terminal and no stdin reads EOF and exits 0: the classic CrashLoopBackOff."""
    c = node.start("busybox")
    assert (c.state, c.exit_status.exit_code, c.exit_status.reason) == ("exited", 0, "Completed")


def test_command_and_args_replace_entrypoint_and_cmd(node) -> None:
    c = node.start("busybox", command=["sh", "-c"], args=["echo $0 $1; exit 3", "zero", "one"])
    assert c.log.render() == "zero one\n"
    assert (c.exit_status.exit_code, c.exit_status.reason) == (3, "Error")


def test_hello_world(node) -> None:
    c = node.start("hello-world")
    assert c.log.render().startswith(
        "\nHello from Docker!\nThis message shows that your installation appears to be working correctly.\n"
    )
    assert c.exit_status.reason == "Completed"


def test_sleep_as_pid_1_ignores_sigterm_until_the_grace_period_ends(node) -> None:
    c = node.start("busybox", command=["sleep", "3600"])
    c.stop(30)
    node.advance(29)
    assert c.state == "running"
    node.advance(2)
    assert (c.exit_status.exit_code, c.exit_status.reason, c.exit_status.signal) == (137, "Error", 9)
    assert c.exit_status.finished_at - c.exit_status.started_at == pytest.approx(30)


def test_a_trapped_sigterm_ends_the_loop_after_the_current_sleep(node) -> None:
    c = node.start("busybox", command=["sh", "-c", "trap 'echo bye; exit 0' TERM; while true; do sleep 1; done"])
    node.advance(0.5)
    c.stop(30)
    node.advance(1)
    assert (c.exit_status.exit_code, c.log.render()) == (0, "bye\n")


def test_sigkill_from_exec_kills_a_child_and_the_loop_goes_on(node) -> None:
    c = node.start("busybox", command=["sh", "-c", "while true; do sleep 10; echo woke $?; done"])
    node.advance(1)
    sleep_pid = next(p.pid for p in c.live_processes() if p.argv[:1] == ["sleep"])
    node.exec(c, ["kill", str(sleep_pid)])
    node.advance(0.1)
    assert c.log.render() == "woke 143\n"


def test_exec_into_a_stopped_container(node) -> None:
    c = node.start("busybox")
    with pytest.raises(ContainerNotRunning):
        c.exec(["ls"])


def test_environment_order_and_values(node) -> None:
    c = node.start(
        "nginx:alpine", hostname="web-0", env=[("KUBERNETES_SERVICE_HOST", "10.96.0.1"), ("NGINX_VERSION", "mine")]
    )
    lines = node.exec(c, ["env"]).output.text.splitlines()
    assert lines == [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=web-0",
        "KUBERNETES_SERVICE_HOST=10.96.0.1", "NGINX_VERSION=mine", "NJS_VERSION=0.7.11", "PKG_RELEASE=1", "HOME=/root",
    ]  # fmt: skip
    assert node.exec(c, ["printenv", "HOSTNAME"], tty=True).output.text == "web-0\n"


def test_logs_tail_and_timestamps(node) -> None:
    c = node.start("busybox", command=["sh", "-c", "for i in 1 2 3; do echo line $i; sleep 1.5; done"])
    node.advance(10)
    assert c.log.render(tail=2) == "line 2\nline 3\n"
    assert c.log.render(tail=1, timestamps=True) == "2022-06-28T15:04:20.000000000Z line 3\n"
    assert c.log.render(since=1656428658.0) == "line 2\nline 3\n"


def test_stderr_is_kept_apart_unless_there_is_a_terminal(node) -> None:
    c = node.start("busybox", command=["sh", "-c", "echo out; echo err >&2"])
    assert [(ln.stream, ln.text) for ln in c.log.lines] == [("stdout", "out"), ("stderr", "err")]


def test_oom_kill_of_the_main_process(node) -> None:
    """The classic memory lesson: ``stress --vm-bytes 150M`` under a 100Mi limit."""
    c = node.start("polinux/stress", command=["stress"], args=["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"],
                   limits=Limits(memory_bytes=100 << 20))  # fmt: skip
    node.advance(1)
    assert (c.exit_status.exit_code, c.exit_status.reason, c.exit_status.signal) == (137, "OOMKilled", 9)
    assert c.log.render() == "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n"


def test_memory_under_the_limit_is_reported_for_top(node) -> None:
    c = node.start("polinux/stress", command=["stress"], args=["--vm", "1", "--vm-bytes", "50M", "--vm-hang", "1"],
                   limits=Limits(memory_bytes=100 << 20))  # fmt: skip
    node.advance(5)
    assert c.state == "running"
    assert c.usage().memory_bytes == (50 << 20) + (700 << 10)


def test_oom_of_an_exec_process_leaves_the_container_running(node) -> None:
    c = node.start("polinux/stress", command=["sleep", "3600"], limits=Limits(memory_bytes=100 << 20))
    proc = node.exec(c, ["stress", "--vm", "1", "--vm-bytes", "200M", "--vm-hang", "1"])
    assert proc.exit_code == 137
    assert c.state == "running"


def test_cpu_limit_throttles_work_and_top_shows_the_quota(node) -> None:
    c = node.start(
        "polinux/stress", command=["stress"], args=["--cpu", "1", "--timeout", "10s"], limits=Limits(cpu_millicores=200)
    )
    node.advance(0.5)
    assert c.usage().cpu_millicores == 200
    node.advance(20)
    assert c.log.render().splitlines()[-1] == "stress: info: [1] successful run completed in 10s"


def test_unlimited_cpu_uses_what_it_asks_for(node) -> None:
    c = node.start("polinux/stress", command=["stress"], args=["--cpu", "2", "--timeout", "4s"])
    node.advance(0.5)
    assert c.usage().cpu_millicores == 2000


def test_tcp_socket_probe_sees_listening_ports(node) -> None:
    c = node.start("redis:5-alpine")
    assert c.sandbox.is_listening(6379)
    assert not c.sandbox.is_listening(80)


def test_containers_of_a_pod_share_localhost(node) -> None:
    sandbox = node.runtime.run_sandbox("two", "10.10.1.77")
    node.start("nginx:alpine", sandbox=sandbox, name="web")
    side = node.start("busybox", sandbox=sandbox, name="side", command=["sleep", "3600"])
    proc = node.exec(side, ["wget", "-qO-", "localhost"])
    assert proc.output.text.startswith("<!DOCTYPE html>")


def test_a_chatty_container_keeps_only_its_newest_log_lines(node) -> None:
    c = node.start("busybox", command=["sh", "-c", "while true; do echo tick; done"])
    c.log.max_lines = 50
    node.advance(1)
    assert len(c.log.lines) == 50
    assert c.state == "running"


def test_pod_files_are_shared_by_its_containers(node) -> None:
    sandbox = node.runtime.run_sandbox("two", "10.10.1.77")
    a = node.start("busybox", sandbox=sandbox, name="a", command=["sleep", "3600"])
    b = node.start("busybox", sandbox=sandbox, name="b", command=["sleep", "3600"])
    node.sh(a, "echo '10.0.0.9 extra' >> /etc/hosts")
    assert node.exec(b, ["tail", "-n", "1", "/etc/hosts"]).output.text == "10.0.0.9 extra\n"
    assert node.exec(b, ["ping", "-c1", "extra"]).output.text.startswith("PING extra (10.0.0.9)")
