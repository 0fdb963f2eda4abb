"""The notebook surface: %load_ext kubenb, %%kapply, %kget, %k, %ksleep, %kcluster."""

from __future__ import annotations

import pytest

from kubenb.magics.session import SESSION

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx:alpine\n"


@pytest.fixture
def ip(ipython_shell):
    return ipython_shell


@pytest.fixture(autouse=True)
def fresh_cluster(ip):
    SESSION.new("default", "course")


def test_kapply_then_kget(ip, capsys):
    ip.run_cell_magic("kapply", "", POD)
    assert capsys.readouterr().out == "pod/web created\n"
    ip.run_line_magic("ksleep", "30s")
    result = SESSION.current.kubectl("get pods")
    assert result.stdout.splitlines()[1].split()[:3] == ["web", "1/1", "Running"]


def test_tables_show_kubectls_text_and_an_html_view(ip, monkeypatch):
    shown = []
    monkeypatch.setattr("kubenb.magics.magics.display", shown.append)
    ip.run_cell_magic("kapply", "", POD)
    ip.run_line_magic("kget", "pods -o wide")
    bundle = shown[-1]._repr_mimebundle_()
    assert bundle["text/plain"].startswith("NAME   READY   STATUS")
    assert "<th>NOMINATED NODE</th>" in bundle["text/html"]


def test_errors_are_one_line_on_stderr_not_a_traceback(ip, capsys):
    ip.run_line_magic("k", "get pod missing")
    captured = capsys.readouterr()
    assert captured.err == 'Error from server (NotFound): pods "missing" not found\n'
    assert captured.out == ""


def test_cell_body_is_stdin_for_percent_percent_k(ip, capsys):
    ip.run_cell_magic("k", "apply -f -", POD)
    assert capsys.readouterr().out == "pod/web created\n"


def test_kcluster_new_switches_profile(ip, capsys):
    ip.run_line_magic("kcluster", "new --profile kubeadm")
    assert "Kubernetes v1.32.4" in capsys.readouterr().out
    assert SESSION.current.version.minor == 32


def test_magics_have_help(ip):
    for name in ("kapply", "kget", "k", "kubectl", "ksleep", "kcluster"):
        magics = ip.magics_manager.magics
        fn = magics["cell"].get(name) or magics["line"].get(name)
        assert fn.__doc__ and len(fn.__doc__) > 20


def test_completion_offers_types_and_names(ip):
    from kubenb.magics.completion import complete_kubectl_args

    ip.run_cell_magic("kapply", "", POD)
    assert "pods" in complete_kubectl_args(["get", ""]) and "deploy" in complete_kubectl_args(["get", ""])
    assert complete_kubectl_args(["describe", "pod", ""]) == ["web"]
    assert "get" in complete_kubectl_args([""])
    assert complete_kubectl_args(["rollout", ""])[0] == "history"


def test_kcluster_new_takes_simulator_limits(ip, capsys):
    ip.run_line_magic("kcluster", "new small --limit replicas=4 --limit pods=100")
    capsys.readouterr()
    assert (SESSION.current.limits.replicas, SESSION.current.limits.pods) == (4, 100)
    ip.run_line_magic("k", "create deployment web --image=nginx --replicas=5")
    assert "is over this simulated cluster's limit of 4 pods per workload" in capsys.readouterr().err
    ip.run_line_magic("kcluster", "reset")
    assert SESSION.current.limits.replicas == 4  # a reset cluster keeps its limits
    ip.run_line_magic("kcluster", "new other --limit replicas")
    assert capsys.readouterr().err == "error: --limit takes NAME=N (a whole number), not 'replicas'\n"
    ip.run_line_magic("kcluster", "new other --limit nodes=3")
    assert capsys.readouterr().err.startswith("error: unknown simulation limit 'nodes'")
