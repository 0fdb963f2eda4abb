"""`%ksh` / `%%ksh`: a node's or the workstation's shell in a notebook."""

from __future__ import annotations

import pytest

from kubenb.magics.session import SESSION
from kubenb.magics.shell import split_host


@pytest.fixture
def ip(ipython_shell):
    return ipython_shell  # kubenb's extension registers ShellMagics


@pytest.fixture(autouse=True)
def fresh_cluster(ip):
    SESSION.new("default", "course")


@pytest.mark.parametrize(("line", "expected"), [
    pytest.param("hostname", (None, "hostname"), id="default-host"),
    pytest.param("--on mac-worker ip addr", ("mac-worker", "ip addr"), id="on"),
    pytest.param("--on=workstation curl -s 'a b'", ("workstation", "curl -s 'a b'"), id="on-equals-keeps-quotes"),
    pytest.param("--on mac-worker", ("mac-worker", ""), id="host-only"),
])
def test_split_host(line: str, expected: tuple) -> None:
    assert split_host(line) == expected


def test_line_magic_runs_on_the_control_plane(ip, capsys) -> None:
    ip.run_line_magic("ksh", "hostname; cat /var/lib/kubelet/config.yaml | grep staticPodPath")
    assert capsys.readouterr().out == "mac-master\nstaticPodPath: /etc/kubernetes/manifests\n"


def test_line_magic_on_another_host_and_stderr(ip, capsys) -> None:
    ip.run_line_magic("ksh", "--on mac-worker hostname; ls /nope")
    captured = capsys.readouterr()
    assert captured.out == "mac-worker\n"
    assert captured.err == "ls: cannot access '/nope': No such file or directory\n"


def test_cell_magic_runs_the_cell_as_a_script(ip, capsys) -> None:
    ip.run_cell_magic("ksh", "--on workstation", "for i in 1 2; do\n  echo $i\ndone\nhostname\n")
    assert capsys.readouterr().out == "1\n2\nworkstation\n"


def test_usage(ip, capsys) -> None:
    ip.run_line_magic("ksh", "")
    assert capsys.readouterr().err.startswith("usage: %ksh [--on HOST] COMMAND")
