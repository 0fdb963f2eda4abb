"""%%kwatch (a second terminal's `get -w` while the cell runs) and %%kcheck (exercise verdicts)."""

from __future__ import annotations

import pytest

from kubenb.magics.check import parse_checks
from kubenb.magics.session import SESSION

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:alpine"}]
"""


@pytest.fixture(autouse=True)
def fresh_cluster(ipython_shell):
    SESSION.new("default", "course")
    ipython_shell.run_cell_magic("kapply", "", DEPLOY)
    ipython_shell.run_line_magic("ksleep", "30s")


def test_kwatch_prints_the_body_then_the_list_as_it_was_then_each_change(ipython_shell, capsys):
    capsys.readouterr()
    ipython_shell.run_cell_magic("kwatch", "get rs -w; get po", "%k scale --replicas=2 deployment web")
    out = capsys.readouterr().out
    body, rs, po = out.split("\n$ k ")
    assert body.strip() == "deployment.apps/web scaled"
    rs_lines = rs.splitlines()
    assert rs_lines[0] == "get rs -w"
    assert [line.split()[1:4] for line in rs_lines[2:]][0] == ["1", "1", "1"]  # the list before the scale
    assert [line.split()[1:4] for line in rs_lines[3:]][-1] == ["2", "2", "2"]  # then the changes, to the end
    po_lines = po.splitlines()
    assert po_lines[0] == "get po -w" and len(po_lines[2:3]) == 1          # one pod listed at the start
    assert [line.split()[2] for line in po_lines[3:]][0] == "Pending"
    assert po_lines[-1].split()[2] == "Running"


def test_kwatch_accepts_only_get(ipython_shell, capsys):
    ipython_shell.run_cell_magic("kwatch", "delete po x", "%k get po")
    captured = capsys.readouterr()
    assert captured.err.startswith("usage: %%kwatch get") and captured.out == ""


def test_kwatch_shows_a_failing_gets_error(ipython_shell, capsys):
    ipython_shell.run_cell_magic("kwatch", "get nosuchkind", "%ksleep 1s")
    assert 'the server doesn\'t have a resource type "nosuchkind"' in capsys.readouterr().err


def test_kcheck_passes_and_fails_kindly_without_letting_time_pass(ipython_shell, capsys):
    before = SESSION.current.clock.now
    capsys.readouterr()
    ipython_shell.run_cell_magic("kcheck", "", "get deploy web -o jsonpath={.spec.replicas} == 1  # one replica\n"
                                               "k get deploy web -o jsonpath={.status.readyReplicas} != 1")
    out = capsys.readouterr().out.splitlines()
    assert out == ["✔ one replica",
                   "✘ get deploy web -o jsonpath={.status.readyReplicas}: expected anything but '1', got '1'",
                   "Not yet: 1 of 2 checks pass. Look at the ✘ lines, change the cluster and run this cell again."]
    assert SESSION.current.clock.now == before


def test_kcheck_reports_a_commands_error_as_what_it_got(ipython_shell, capsys):
    ipython_shell.run_cell_magic("kcheck", "", "get deploy missing -o jsonpath={.spec.replicas} == 1")
    assert 'got \'Error from server (NotFound): deployments.apps "missing" not found\'' in capsys.readouterr().out


def test_kcheck_parses_labels_and_empty_expectations():
    (a, b) = parse_checks("# a comment\nget po x -o name != \t  # some pod\nkubectl get po == a b\n")
    assert (a.command, a.op, a.want, a.label) == ("get po x -o name", "!=", "", "some pod")
    assert (b.command, b.want, b.label) == ("get po", "a b", "get po")
    with pytest.raises(ValueError):
        parse_checks("get po")
