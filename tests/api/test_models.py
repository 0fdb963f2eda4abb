"""The API models read and print objects exactly as Kubernetes does.

Round trips (dict -> model -> ``to_dict()`` == dict) over the real kubectl's client-side output
and over objects as a real cluster prints them (``fixtures/``); Go's zero values and ``null``s;
the JSON names that are not plain camelCase; strict decoding.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from kubenb.api import types as api_types
from kubenb.api.apps import ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet
from kubenb.api.base import KubeObject
from kubenb.api.core import (
    Container,
    ContainerStatus,
    Event,
    Node,
    Pod,
    PodCondition,
    PodSpec,
    ResourceFieldSelector,
    Service,
    ServicePort,
    Volume,
)
from kubenb.api.discovery import EndpointSlice
from kubenb.api.models import ALL_MODELS
from kubenb.api.networking import HTTPIngressPath, IPBlock, NetworkPolicyIngressRule
from kubenb.api.rbac import ClusterRole, PolicyRule
from kubenb.api.registry import model_for

FIXTURES = Path(__file__).parent / "fixtures"
KUBECTL = "/usr/bin/kubectl"

try:
    from kubenb.api.quantity import canonicalize as _real_canonicalize  # noqa: F401

    HAVE_QUANTITY = True
except ImportError:
    HAVE_QUANTITY = False


@pytest.fixture(autouse=True)
def _quantity_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until kubenb.api.quantity exists, Quantity fields keep what they are given (as strings)."""
    if not HAVE_QUANTITY:
        monkeypatch.setattr(api_types, "_canonicalize", lambda v: v if isinstance(v, str) else str(v))


def model_of(obj: dict[str, Any]) -> type[KubeObject]:
    group = obj["apiVersion"].rpartition("/")[0]
    cls = model_for(group, obj["kind"])
    assert cls is not None, f"no model for {obj['apiVersion']} {obj['kind']}"
    return cls


def round_trip(obj: dict[str, Any]) -> dict[str, Any]:
    return model_of(obj).model_validate(obj).to_dict()


# ---------------------------------------------------------------- the real kubectl's output

KUBECTL_COMMANDS = [
    "create deployment x --image=nginx",
    "create deployment d2 --image=nginx --replicas=3 --port=80",
    "run p --image=nginx",
    "run p2 --image=busybox --restart=Never --env=A=b --port=8080 --labels=a=b,c=d -- sleep 3600",
    "create service clusterip c --tcp=80:8080 --tcp=443:https",
    "create service clusterip h --clusterip=None",
    "create service nodeport s --tcp=80:8080 --node-port=30080",
    "create service loadbalancer lb --tcp=80:8080",
    "create service externalname e --external-name=x.example.com",
    "create configmap cm --from-literal=a=b --from-literal=c=d",
    "create secret generic s --from-literal=p=x --type=Opaque",
    "create secret docker-registry d --docker-server=r --docker-username=u --docker-password=p",
    "create job j --image=busybox -- echo hi",
    "create cronjob c --image=busybox '--schedule=*/1 * * * *' --restart=Never",
    "create ingress i --rule=foo.com/bar=svc1:8080,tls=my-cert --class=nginx",
    "create ingress i2 --default-backend=svc:http --rule=/path*=svc2:80",
    "create namespace ns",
    "create serviceaccount sa",
    "create quota q --hard=cpu=1,memory=1Gi,pods=2",
    "create clusterrole agg --aggregation-rule=foo=bar",
    "create rolebinding rb --role=r --user=u --group=g",
    "create clusterrolebinding crb --clusterrole=cr --serviceaccount=default:sa",
]


def kubectl_json(command: str) -> dict[str, Any]:
    if not os.access(KUBECTL, os.X_OK):
        pytest.skip("no kubectl at /usr/bin/kubectl")
    args = shlex.split(command)
    tail = args[args.index("--"):] if "--" in args else []
    argv = [KUBECTL, *args[:len(args) - len(tail)], "--dry-run=client", "-o", "json", *tail]
    env = {**os.environ, "KUBECONFIG": "/nonexistent"}
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
    if proc.returncode != 0:
        # `kubectl run` (and whatever maps resource names) wants discovery from a server
        pytest.skip(f"kubectl {args[0]} needs a server here: {proc.stderr.strip().splitlines()[-1:]}")
    return json.loads(proc.stdout)


@pytest.mark.parametrize("command", KUBECTL_COMMANDS)
def test_kubectl_output_round_trips(command: str) -> None:
    obj = kubectl_json(command)
    assert round_trip(obj) == obj


# What `kubectl run p --image=nginx --dry-run=client -o yaml` prints (it needs a server to run here).
KUBECTL_RUN_OUTPUT = """
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: p
  name: p
spec:
  containers:
  - image: nginx
    name: p
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"""


def test_kubectl_run_output_round_trips() -> None:
    obj = yaml.safe_load(KUBECTL_RUN_OUTPUT)
    assert round_trip(obj) == obj


def test_kubectl_create_deployment_prints_like_kubectl() -> None:
    """Built from Python, the object prints what kubectl prints: `{}`s and `creationTimestamp: null`."""
    from kubenb.api.core import PodTemplateSpec
    from kubenb.api.meta import LabelSelector, ObjectMeta

    d = Deployment(
        metadata=ObjectMeta(name="x", labels={"app": "x"}),
        spec={"replicas": 1, "selector": LabelSelector(match_labels={"app": "x"}),
              "template": PodTemplateSpec(metadata=ObjectMeta(labels={"app": "x"}),
                                          spec=PodSpec(containers=[Container(name="nginx", image="nginx")]))},
    )
    assert d.to_dict() == {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"creationTimestamp": None, "labels": {"app": "x"}, "name": "x"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "x"}}, "strategy": {},
                 "template": {"metadata": {"creationTimestamp": None, "labels": {"app": "x"}},
                              "spec": {"containers": [{"image": "nginx", "name": "nginx", "resources": {}}]}}},
        "status": {},
    }


# ---------------------------------------------------------------- objects as a real cluster prints them


def fixture_docs() -> list[dict[str, Any]]:
    docs = [yaml.safe_load((FIXTURES / "pod-running.yaml").read_text())]
    docs += [d for d in yaml.safe_load_all((FIXTURES / "objects.yaml").read_text()) if d]
    return docs


@pytest.mark.parametrize("obj", fixture_docs(), ids=lambda o: f"{o['kind']}-{o['metadata']['name']}")
def test_cluster_object_round_trips(obj: dict[str, Any]) -> None:
    assert round_trip(obj) == obj


def test_full_pod_fields() -> None:
    pod = Pod.model_validate(yaml.safe_load((FIXTURES / "pod-running.yaml").read_text()))
    assert pod.status.pod_ip == "10.244.1.17" and pod.status.host_ips[0].ip == "172.18.0.3"
    sidecar, nginx = pod.status.container_statuses
    assert sidecar.state.waiting.reason == "CrashLoopBackOff"
    assert sidecar.last_state.terminated.exit_code == 1 and sidecar.restart_count == 4
    assert nginx.state.running.started_at == "2024-05-20T10:15:37Z"
    assert pod.status.init_container_statuses[0].state.terminated.reason == "Completed"
    c = pod.spec.containers[0]
    assert c.liveness_probe.http_get.port == "http" and c.readiness_probe.tcp_socket.port == 80
    assert c.env[3].value_from.resource_field_ref.divisor == "0"
    assert c.resources.limits == {"cpu": "500m", "memory": "128Mi"}
    projected = pod.spec.volumes[-1].projected
    assert projected.sources[2].downward_api.items[0].field_ref.field_path == "metadata.namespace"
    assert pod.spec.service_account == pod.spec.service_account_name == "web"
    assert pod.spec.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution[0].weight == 100


# ---------------------------------------------------------------- Go's zero values and nulls


def test_zero_values_print_like_go() -> None:
    assert ContainerStatus().to_dict() == {
        "name": "", "state": {}, "lastState": {}, "ready": False, "restartCount": 0, "image": "", "imageID": ""}
    assert PodCondition(type="Ready", status="True").to_dict() == {
        "type": "Ready", "status": "True", "lastProbeTime": None, "lastTransitionTime": None}
    assert ResourceFieldSelector(resource="limits.cpu").to_dict() == {"resource": "limits.cpu", "divisor": "0"}
    assert Service().to_dict()["status"] == {"loadBalancer": {}}
    assert Node().to_dict()["status"]["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 0}}
    assert Node().to_dict()["status"]["nodeInfo"]["kubeletVersion"] == ""
    assert Deployment().to_dict()["spec"] == {
        "selector": None, "template": {"metadata": {"creationTimestamp": None}, "spec": {"containers": []}},
        "strategy": {}}
    assert ReplicaSet().to_dict()["status"] == {"replicas": 0}
    assert StatefulSet().to_dict()["status"] == {"replicas": 0, "availableReplicas": 0}
    assert StatefulSet().to_dict()["spec"]["serviceName"] == ""
    assert DaemonSet().to_dict()["status"] == {
        "currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0}
    assert ControllerRevision().to_dict()["data"] is None
    assert ClusterRole().to_dict()["rules"] is None
    assert EndpointSlice().to_dict() == {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"creationTimestamp": None},
        "addressType": "", "endpoints": None, "ports": None}
    assert HTTPIngressPath(path="/").to_dict() == {"path": "/", "pathType": None, "backend": {}}
    ev = Event(reason="Pulled").to_dict()
    assert ev["eventTime"] is None and ev["firstTimestamp"] is None and ev["lastTimestamp"] is None
    assert ev["source"] == {} and ev["involvedObject"] == {}
    assert ev["reportingComponent"] == "" and ev["reportingInstance"] == ""


def test_go_nulls_keep_go_field_order() -> None:
    d = PodCondition(type="Ready", status="True", last_transition_time="2024-01-01T00:00:00Z", reason="r").to_dict()
    assert list(d) == ["type", "status", "lastProbeTime", "lastTransitionTime", "reason"]


def test_go_nulls_only_when_omitting_none() -> None:
    assert PodCondition(type="Ready").model_dump()["last_probe_time"] is None
    assert PodCondition(type="Ready").model_dump(exclude_none=True) == {
        "type": "Ready", "status": "", "last_probe_time": None, "last_transition_time": None}
    assert PodCondition(type="Ready").model_dump(exclude_unset=True) == {"type": "Ready"}


def test_field_order_follows_go() -> None:
    for cls in ALL_MODELS:
        assert list(cls.model_fields)[:3] == ["api_version", "kind", "metadata"], cls
    assert list(Pod.model_fields) == ["api_version", "kind", "metadata", "spec", "status"]
    assert list(Volume.model_fields)[:3] == ["name", "host_path", "empty_dir"]
    assert list(Container.model_fields)[:3] == ["name", "image", "command"]
    assert list(ServicePort.model_fields) == ["name", "protocol", "app_protocol", "port", "target_port", "node_port"]


# ---------------------------------------------------------------- JSON names


def test_alias_exceptions() -> None:
    pod = Pod.model_validate({"status": {
        "podIP": "10.0.0.1", "podIPs": [{"ip": "10.0.0.1"}], "hostIP": "172.18.0.2", "hostIPs": [{"ip": "172.18.0.2"}],
        "containerStatuses": [{"name": "c", "imageID": "sha256:1", "containerID": "containerd://1"}]}})
    assert pod.status.pod_ip == "10.0.0.1" and pod.status.host_ip == "172.18.0.2"
    cs = pod.status.container_statuses[0]
    assert (cs.image_id, cs.container_id) == ("sha256:1", "containerd://1")
    status = pod.to_dict()["status"]
    assert {"podIP", "podIPs", "hostIP", "hostIPs", "containerStatuses"} <= set(status)
    assert {"imageID", "containerID"} <= set(status["containerStatuses"][0])

    svc = Service.model_validate({"spec": {"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                                           "externalIPs": ["1.2.3.4"], "loadBalancerIP": "5.6.7.8",
                                           "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 5}}}})
    assert svc.spec.cluster_ip == "10.96.0.10" and svc.spec.cluster_ips == ["10.96.0.10"]
    assert svc.spec.session_affinity_config.client_ip.timeout_seconds == 5
    assert set(svc.to_dict()["spec"]) == {"clusterIP", "clusterIPs", "externalIPs", "loadBalancerIP",
                                          "sessionAffinityConfig"}

    spec = PodSpec.model_validate({"hostPID": True, "hostIPC": True, "setHostnameAsFQDN": True,
                                   "volumes": [{"name": "d", "downwardAPI": {}}]})
    assert spec.host_pid and spec.host_ipc and spec.set_hostname_as_fqdn and spec.volumes[0].downward_api
    assert {"hostPID", "hostIPC", "setHostnameAsFQDN"} <= set(spec.to_dict())
    assert PolicyRule(non_resource_urls=["/healthz"], verbs=["get"]).to_dict() == {
        "verbs": ["get"], "nonResourceURLs": ["/healthz"]}
    assert Node.model_validate({"spec": {"podCIDR": "10.244.0.0/24", "providerID": "kind://x", "externalID": "x"}}
                               ).to_dict()["spec"] == {"podCIDR": "10.244.0.0/24", "providerID": "kind://x",
                                                       "externalID": "x"}
    assert IPBlock(cidr="10.0.0.0/8", except_=["10.1.0.0/16"]).to_dict() == {
        "cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}
    assert NetworkPolicyIngressRule.model_validate({"from": [{"podSelector": {}}]}).from_[0].pod_selector is not None


def test_snake_case_names_are_accepted_too() -> None:
    pod = Pod(spec=PodSpec(node_name="n1", containers=[Container(name="c", image_pull_policy="Always")]))
    assert pod.to_dict()["spec"] == {"containers": [{"name": "c", "resources": {}, "imagePullPolicy": "Always"}],
                                     "nodeName": "n1"}


# ---------------------------------------------------------------- field types


def test_int_or_string_keeps_its_type() -> None:
    assert ServicePort.model_validate({"port": 80, "targetPort": 8080}).target_port == 8080
    assert ServicePort.model_validate({"port": 80, "targetPort": "8080"}).target_port == "8080"
    assert ServicePort.model_validate({"port": 80, "targetPort": "http"}).to_dict()["targetPort"] == "http"
    with pytest.raises(ValidationError):
        ServicePort.model_validate({"targetPort": True})


def test_quantities_are_strings() -> None:
    c = Container.model_validate({"name": "c", "resources": {"limits": {"cpu": 1, "memory": "1Gi"}}})
    assert c.resources.limits == {"cpu": "1", "memory": "1Gi"}
    assert c.to_dict()["resources"] == {"limits": {"cpu": "1", "memory": "1Gi"}}


@pytest.mark.skipif(not HAVE_QUANTITY, reason="kubenb.api.quantity not written yet")
def test_quantities_are_canonical() -> None:
    c = Container.model_validate({"name": "c", "resources": {"requests": {"cpu": 0.5, "memory": "1024Mi"}}})
    assert c.resources.requests == {"cpu": "500m", "memory": "1Gi"}
    with pytest.raises(ValidationError) as err:
        Container.model_validate({"name": "c", "resources": {"requests": {"cpu": "lots"}}})
    assert err.value.errors()[0]["loc"] == ("resources", "requests", "cpu")


def test_secret_data_stays_base64() -> None:
    obj = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"p": "eA=="},
           "type": "Opaque"}
    assert round_trip(obj)["data"] == {"p": "eA=="}


def test_controller_revision_data_is_kept_verbatim() -> None:
    data = {"spec": {"template": {"$patch": "replace", "spec": {"containers": [{"name": "c", "x": [1, 2.5, None]}]}}}}
    assert ControllerRevision(data=data, revision=2).to_dict()["data"] == data


# ---------------------------------------------------------------- strict decoding


def error_locs(cls: type, obj: dict[str, Any]) -> list[tuple]:
    with pytest.raises(ValidationError) as err:
        cls.model_validate(obj)
    return [(e["loc"], e["type"]) for e in err.value.errors()]


def test_unknown_field_is_an_error_at_its_path() -> None:
    assert error_locs(Deployment, {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replica": 3}}) == [
        (("spec", "replica"), "extra_forbidden")]
    assert error_locs(Pod, {"spec": {"containers": [{"name": "c", "imagee": "nginx"}]}}) == [
        (("spec", "containers", 0, "imagee"), "extra_forbidden")]
    assert error_locs(Pod, {"status": {"podIp": "10.0.0.1"}}) == [(("status", "podIp"), "extra_forbidden")]
    assert error_locs(Service, {"spec": {"clusterIp": "None"}}) == [(("spec", "clusterIp"), "extra_forbidden")]
    assert error_locs(Pod, {"spec": {"volumes": [{"name": "v", "downwardApi": {}}]}}) == [
        (("spec", "volumes", 0, "downwardApi"), "extra_forbidden")]
    assert error_locs(ClusterRole, {"rule": []}) == [(("rule",), "extra_forbidden")]


def test_wrong_type_is_an_error() -> None:
    assert error_locs(Deployment, {"spec": {"template": {"spec": {"containers": {"name": "c"}}}}})[0][0] == (
        "spec", "template", "spec", "containers")


# ---------------------------------------------------------------- registry


def test_every_model_is_registered() -> None:
    assert len(ALL_MODELS) == len(set(ALL_MODELS))
    for cls in ALL_MODELS:
        group = cls.API_VERSION.rpartition("/")[0]
        assert model_for(group, cls.KIND) is cls
        assert cls().to_dict()["apiVersion"] == cls.API_VERSION
    kinds = {cls.KIND for cls in ALL_MODELS}
    assert {"Pod", "Node", "Namespace", "ConfigMap", "Secret", "Service", "Endpoints", "Event", "ServiceAccount",
            "PersistentVolume", "PersistentVolumeClaim", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
            "ControllerRevision", "Job", "CronJob", "EndpointSlice", "Ingress", "IngressClass", "NetworkPolicy",
            "StorageClass", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"} <= kinds
