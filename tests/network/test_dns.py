"""CoreDNS records and the pod resolver's search path."""

from __future__ import annotations

import pytest
from net_manifests import NGINX_CONF, NGINX_DEPLOYMENT, NGINX_SVC

SEARCH = ("default.svc.cluster.local", "svc.cluster.local", "cluster.local")

HEADLESS = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:alpine
        ports:
        - containerPort: 80
"""


@pytest.fixture
def dns_course(course_net):
    cluster, boxes = course_net
    for m in (NGINX_CONF, NGINX_DEPLOYMENT, NGINX_SVC, HEADLESS):
        cluster.apply(m)
    cluster.advance(90)
    return cluster, boxes


@pytest.mark.parametrize("name", ["nginx-svc", "nginx-svc.default", "nginx-svc.default.svc",
                                  "nginx-svc.default.svc.cluster.local", "nginx-svc.default.svc.cluster.local."])
def test_service_names_with_the_search_path(dns_course, name: str) -> None:
    cluster, _ = dns_course
    vip = cluster.get("svc", "nginx-svc").spec.cluster_ip
    fqdn, ips = cluster.network.dns.resolve(name, SEARCH)
    assert (fqdn, ips) == ("nginx-svc.default.svc.cluster.local", [vip])


@pytest.mark.parametrize("name", ["nginx-svc.kube-system", "nope", "nginx-svc.default.svc.cluster", "google.com",
                                  "default.svc.cluster.local"])
def test_nxdomain(dns_course, name: str) -> None:
    cluster, _ = dns_course
    assert cluster.network.dns.resolve(name, SEARCH)[1] == []


def test_other_namespaces_need_their_name(dns_course) -> None:
    cluster, _ = dns_course
    assert cluster.network.dns.resolve("kube-dns.kube-system", SEARCH)[1] == ["10.96.0.10"]
    assert cluster.network.dns.resolve("kubernetes.default", ("kube-system.svc.cluster.local",) + SEARCH[1:])[1] == \
        ["10.96.0.1"]


def test_headless_service_returns_ready_pods_and_statefulset_hostnames(dns_course) -> None:
    cluster, boxes = dns_course
    pods = {p.metadata.name: p.status.pod_ip for p in cluster.store.list("Pod", "default")
            if p.metadata.name.startswith("web-")}
    assert set(pods) == {"web-0", "web-1"}
    _, ips = cluster.network.dns.resolve("web", SEARCH)
    assert sorted(ips) == sorted(pods.values())
    for name, ip in pods.items():
        assert cluster.network.dns.resolve(f"{name}.web", SEARCH) == (f"{name}.web.default.svc.cluster.local", [ip])
    client = next(iter(p for p in cluster.store.list("Pod", "default") if p.metadata.name.startswith("nginx-")))
    out, _, code = boxes.exec("default", client.metadata.name, ["nslookup", "web-0.web"])
    assert code == 0 and out.endswith(f"Name:\tweb-0.web.default.svc.cluster.local\nAddress: {pods['web-0']}\n\n")
    out, _, code = boxes.exec("default", client.metadata.name, ["nslookup", "nothing-here"])
    assert code == 1 and out.endswith("** server can't find nothing-here: NXDOMAIN\n\n")


def test_pod_a_records(dns_course) -> None:
    cluster, _ = dns_course
    assert cluster.network.dns.resolve("10-10-1-99.default.pod.cluster.local", SEARCH)[1] == ["10.10.1.99"]
    assert cluster.network.dns.resolve("10-10-1-99.nonexistent.pod.cluster.local", SEARCH)[1] == []


def test_no_coredns_no_names(dns_course) -> None:
    cluster, boxes = dns_course
    cluster.kubectl("scale -n kube-system deployment coredns --replicas=0")
    cluster.advance(60)
    client = next(p for p in cluster.store.list("Pod", "default") if p.metadata.name.startswith("nginx-"))
    _, err, code = boxes.exec("default", client.metadata.name, ["curl", "-sS", "nginx-svc"])
    assert code == 6


def test_statefulset_pods_resolve_through_a_clusterip_service_too(course_net) -> None:
    """The course's redis-svc has a cluster IP, yet `redis-sts-0.redis-svc` is the pod: CoreDNS
    answers endpoint queries for any Service whose endpoint addresses carry the pod's hostname."""
    cluster, _ = course_net
    cluster.apply(HEADLESS.replace("clusterIP: None", "type: ClusterIP"))
    cluster.advance(90)
    svc = cluster.get("svc", "web")
    assert svc.spec.cluster_ip not in (None, "None")
    ip = cluster.get("pod", "web-1").status.pod_ip
    assert cluster.network.dns.resolve("web-1.web.default", SEARCH) == ("web-1.web.default.svc.cluster.local", [ip])
    assert cluster.network.dns.resolve("web", SEARCH)[1] == [svc.spec.cluster_ip]
    assert cluster.network.dns.resolve("web-9.web", SEARCH)[1] == []


def test_headless_services_get_ip_families_like_the_api_server(course) -> None:
    """``initIPFamilyFields``: a headless Service with a selector is SingleStack IPv4 (the course's
    `describe svc redis-pv-sts-svc` shows `IP Families: IPv4`); without a selector it defaults to
    RequireDualStack with both families."""
    course.apply(HEADLESS.split("---")[0])
    course.apply("apiVersion: v1\nkind: Service\nmetadata:\n  name: bare\nspec:\n  clusterIP: None\n"
                 "  ports:\n  - port: 80\n")
    web, bare = course.get("svc", "web").spec, course.get("svc", "bare").spec
    assert (web.ip_family_policy, web.ip_families) == ("SingleStack", ["IPv4"])
    assert (bare.ip_family_policy, bare.ip_families) == ("RequireDualStack", ["IPv4", "IPv6"])
    assert "IP Families:       IPv4\nIP:                None\n" in course.kubectl("describe svc web").stdout
