"""The real kubectl drives a served cluster: each command succeeds and prints what a real cluster's would.

Where kubenb's own kubectl implements the command, the two outputs are compared byte for byte;
otherwise the expected text is written out.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from served import DEPLOYMENT, KUBECTL, SERVICE, needs_kubectl

pytestmark = needs_kubectl


@pytest.fixture(scope="module", autouse=True)
def web(cluster, kubectl):
    """`web`: a Deployment of two nginx pods and its Service, applied through the façade, rolled out."""
    out = kubectl("apply -f -", input=DEPLOYMENT + "---\n" + SERVICE).stdout
    assert out == "deployment.apps/web created\nservice/web created\n"
    cluster.advance(30)


def test_version(kubectl):
    out = kubectl("version").stdout
    assert out.splitlines()[-1] == "Server Version: v1.32.4"


def test_api_resources_match_ours(cluster, kubectl):
    assert kubectl("api-resources").stdout == cluster.kubectl("api-resources").stdout


@pytest.mark.parametrize("cmdline", [
    "get pods", "get pods -o wide", "get deploy,rs,svc -o wide", "get po -A", "get pods --show-labels",
    "get pods -A --sort-by=.metadata.name", "get pods -l app=web -o name", "get nodes -o wide",
    "get all", "get deploy web -o jsonpath={.spec.replicas}",
    "get deploy web -o yaml", "get deploy web -o json --show-managed-fields",  # managedFields hidden by default
])
def test_get_matches_ours(cluster, kubectl, cmdline):
    assert kubectl(cmdline).stdout == cluster.kubectl(cmdline).stdout


def test_get_yaml_is_the_stored_object(cluster, kubectl):
    served = json.loads(kubectl("get deploy web -o json --show-managed-fields").stdout)
    assert served == cluster.get("deploy", "web").to_dict()
    assert served["metadata"]["managedFields"]  # written through the API: owned by kubectl's field manager


def test_apply_unchanged_then_configured(kubectl):
    assert kubectl("apply -f -", input=DEPLOYMENT).stdout == "deployment.apps/web unchanged\n"
    bigger = DEPLOYMENT.replace("replicas: 2", "replicas: 3")
    assert kubectl("apply -f -", input=bigger).stdout == "deployment.apps/web configured\n"
    assert kubectl("get deploy web -o jsonpath={.spec.replicas}").stdout == "3"
    kubectl("apply -f -", input=DEPLOYMENT)


def test_apply_strict_validation_rejects_unknown_fields(kubectl):
    bad = DEPLOYMENT.replace("name: web\n", "name: typo\n", 1).replace("replicas:", "replica:")
    result = kubectl("apply -f -", input=bad, check=False)
    assert result.returncode == 1
    assert result.stderr == ('Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" '
                             'cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"\n')
    assert kubectl("get deploy typo", check=False).stderr == 'Error from server (NotFound): deployments.apps "typo" not found\n'


def test_server_side_apply_creates_and_records_its_manager(kubectl):
    manifest = DEPLOYMENT.replace("name: web\n", "name: ssa\n", 1)
    assert kubectl("apply --server-side -f -", input=manifest).stdout == "deployment.apps/ssa serverside-applied\n"
    managers = kubectl("get deploy ssa -o jsonpath={.metadata.managedFields[*].manager} --show-managed-fields").stdout
    assert managers == "kubectl"
    # dropping a field this manager applied removes it; fields it never applied stay
    without_ports = manifest.replace("        ports: [{containerPort: 80}]\n", "")
    kubectl("apply --server-side -f -", input=without_ports)
    assert kubectl("get deploy ssa -o jsonpath={.spec.template.spec.containers[0].ports}").stdout == ""
    assert kubectl("get deploy ssa -o jsonpath={.spec.strategy.type}").stdout == "RollingUpdate"
    assert kubectl("delete deploy ssa").stdout == 'deployment.apps "ssa" deleted\n'


def test_create_replace_delete(kubectl):
    manifest = DEPLOYMENT.replace("name: web\n", "name: made\n", 1).replace("replicas: 2", "replicas: 1")
    assert kubectl("create -f -", input=manifest).stdout == "deployment.apps/made created\n"
    created = kubectl("get deploy made -o yaml").stdout
    replaced = created.replace("replicas: 1", "replicas: 2")
    assert kubectl("replace -f -", input=replaced).stdout == "deployment.apps/made replaced\n"
    assert kubectl("delete deploy made").stdout == 'deployment.apps "made" deleted\n'
    result = kubectl("delete deploy made", check=False)
    assert (result.returncode, result.stderr) == (1, 'Error from server (NotFound): deployments.apps "made" not found\n')


def test_typed_generators_send_protobuf(kubectl):
    """`kubectl create configmap NAME` builds the object itself and sends it in protobuf (test_protobuf.py has more)."""
    assert kubectl("create configmap cm --from-literal=a=b").stdout == "configmap/cm created\n"
    assert kubectl("get cm cm -o jsonpath={.data.a}").stdout == "b"
    assert kubectl("run solo --image=nginx:1.27").stdout == "pod/solo created\n"
    assert kubectl("delete pod solo --wait=false").stdout == 'pod "solo" deleted\n'


def test_scale_label_annotate(kubectl):
    assert kubectl("scale deploy web --replicas=3").stdout == "deployment.apps/web scaled\n"
    assert kubectl("scale deploy web --current-replicas=3 --replicas=2").stdout == "deployment.apps/web scaled\n"
    assert kubectl("label deploy web tier=front").stdout == "deployment.apps/web labeled\n"
    assert kubectl("annotate deploy web note=hi").stdout == "deployment.apps/web annotated\n"
    assert kubectl("get deploy web -o jsonpath={.metadata.labels.tier}/{.metadata.annotations.note}").stdout == "front/hi"


def test_patch_three_types(kubectl):
    assert kubectl("""patch deploy web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":3}]'""").stdout \
        == "deployment.apps/web patched\n"
    assert kubectl("""patch deploy web --type=merge -p '{"spec":{"replicas":2}}'""").stdout == "deployment.apps/web patched\n"
    smp = """patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"A","value":"1"}]}]}}}}'"""
    assert kubectl(smp).stdout == "deployment.apps/web patched\n"
    assert kubectl("get deploy web -o jsonpath={.spec.template.spec.containers[0].image}").stdout == "nginx:1.27"
    assert kubectl(smp).stdout == "deployment.apps/web patched (no change)\n"
    bad = kubectl("""patch deploy web --type=json -p '[{"op":"remove","path":"/spec/nope"}]'""", check=False)
    assert (bad.returncode, bad.stderr) == (1, "The request is invalid: the server rejected our request due to an "
                                               "error in our request\n")


def test_rollout_set_image_history_undo_restart(cluster, kubectl):
    assert kubectl("set image deploy/web nginx=nginx:1.28").stdout == "deployment.apps/web image updated\n"
    cluster.advance(60)
    assert kubectl("rollout status deploy/web").stdout == 'deployment "web" successfully rolled out\n'
    history = kubectl("rollout history deploy/web").stdout
    assert history == cluster.kubectl("rollout history deploy/web").stdout
    replicasets = len(cluster.store.list("ReplicaSet", "default"))
    assert kubectl("rollout undo deploy/web").stdout == "deployment.apps/web rolled back\n"
    cluster.advance(60)
    assert kubectl("get deploy web -o jsonpath={.spec.template.spec.containers[0].image}").stdout == "nginx:1.27"
    assert len(cluster.store.list("ReplicaSet", "default")) == replicasets  # the undo reused the previous ReplicaSet
    assert kubectl("rollout restart deploy/web").stdout == "deployment.apps/web restarted\n"
    cluster.advance(60)
    assert kubectl("wait --for=condition=Available deploy/web --timeout=5s").stdout == \
        "deployment.apps/web condition met\n"


def test_describe_matches_ours(cluster, kubectl):
    assert kubectl("describe svc web").stdout == cluster.kubectl("describe svc web").stdout


def test_events_and_logs(cluster, kubectl):
    events = kubectl("events").stdout
    assert events.splitlines()[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert "ScalingReplicaSet" in events
    pod = cluster.store.list("Pod", "default")[0].metadata.name
    assert kubectl(f"logs {pod}").returncode == 0


def test_exec_reaches_the_kubelet(cluster, kubectl):
    pod = cluster.store.list("Pod", "default")[0].metadata.name
    result = kubectl(f"exec {pod} -- echo hi", check=False)
    if hasattr(cluster.kubelet, "exec"):
        assert (result.returncode, result.stdout) == (0, "hi\n")
    else:  # this kubelet runs no processes: the API server's error, over the WebSocket protocol
        assert result.stderr == ("error: Internal error occurred: error executing command in container: this "
                                 "cluster's kubelet runs no container processes\n")


def test_explain_from_generated_openapi(kubectl):
    out = kubectl("explain deployment.spec.replicas").stdout
    assert out.startswith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: replicas <integer>\n")
    assert "FIELDS:\n  apiVersion\t<string>" in kubectl("explain pods").stdout


def test_auth_can_i(kubectl):
    assert kubectl("auth can-i create pods").stdout == "yes\n"
    assert kubectl("auth can-i delete nodes --all-namespaces").stdout == "yes\n"


def test_get_watch_streams_changes(cluster, kubectl):
    proc = subprocess.Popen([KUBECTL, f"--cache-dir={kubectl.home / 'cache'}", "get", "deploy", "web", "-w",
                             "--request-timeout=3s"], env=kubectl.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(1.0)
    kubectl("scale deploy web --replicas=3")
    out, _ = proc.communicate(timeout=20)
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert len(lines) >= 3 and all(line.startswith("web ") for line in lines[1:])
    kubectl("scale deploy web --replicas=2")
