"""The foundation issue's acceptance scenario: a Pod and a Deployment from the course, on both profiles."""

from __future__ import annotations

import pytest
from course_manifests import NGINX_DEPLOY, NGINX_POD_RESOURCES

from kubenb import Cluster

POD, DEPLOY = NGINX_POD_RESOURCES, NGINX_DEPLOY

COMMANDS = [
    "get pods -o wide",
    "get deploy -o wide",
    "get rs",
    "get rs -o wide",
    "get pod nginx-pod-resources -o yaml",
    "get deploy nginx-deploy -o json",
    "get pods -l app=nginx-deploy -o name",
    "get all",
    "get nodes -o wide",
    "get pods -A",
    "get events",
]


def transcript(profile: str) -> str:
    c = Cluster(profile)
    out = []

    def k(cmd: str, stdin: str | None = None) -> None:
        r = c.kubectl(cmd, stdin)
        out.append(f"$ kubectl {cmd}\n{r.stdout}{r.stderr}[exit {r.returncode}]\n")

    k("apply -f -", POD)
    k("apply -f -", DEPLOY)
    c.sleep("30s")
    for cmd in COMMANDS:
        k(cmd)
    k("apply -f -", DEPLOY)
    return "\n".join(out)


@pytest.mark.parametrize("profile", ["kubeadm", "course"])
def test_pod_and_deployment_reach_running(profile, golden):
    golden(f"foundation-{profile}.txt", transcript(profile))


@pytest.mark.parametrize("profile", ["kubeadm", "course"])
def test_every_pod_runs_with_an_ip_from_its_node(profile):
    c = Cluster(profile)
    c.apply(POD)
    c.apply(DEPLOY)
    c.sleep("30s")
    pods = c.store.list("Pod", "default")
    assert len(pods) == 3
    for pod in pods:
        assert pod.status.phase == "Running"
        node = c.store.get("Node", "", pod.spec.node_name)
        assert "control-plane" not in "".join(node.metadata.labels)  # the tainted control plane is avoided
        import ipaddress
        assert ipaddress.ip_address(pod.status.pod_ip) in ipaddress.ip_network(node.spec.pod_cidr)


def test_same_commands_same_bytes():
    assert transcript("course") == transcript("course")


def test_events_of_a_started_pod(course):
    course.apply(POD)
    course.sleep("10s")
    reasons = [e.reason for e in course.store.list("Event", "default")
               if e.involved_object.name == "nginx-pod-resources"]
    assert reasons == ["Scheduled", "Pulled", "Created", "Started"]


def test_the_api_server_stores_canonical_quantities(cluster):
    cluster.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  containers:\n  - name: c\n"
                  "    image: nginx:1.25\n    resources:\n      requests: {cpu: 0.5, memory: 1.5Gi}\n"
                  "      limits: {cpu: 1000m, memory: 2048Mi}\n")
    text = cluster.kubectl("get pod q -o yaml").stdout
    assert "      limits:\n        cpu: \"1\"\n        memory: 2Gi\n      requests:\n        cpu: 500m\n" \
           "        memory: 1536Mi\n" in text
    assert "imagePullPolicy: IfNotPresent" in text and "qosClass: Burstable" in text


def test_latest_or_untagged_images_are_always_pulled(cluster):
    cluster.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: u}\nspec:\n  containers: [{name: c, image: nginx}]\n")
    assert "imagePullPolicy: Always" in cluster.kubectl("get pod u -o yaml").stdout
