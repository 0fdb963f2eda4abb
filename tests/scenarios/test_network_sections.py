"""The course's Service, Ingress and WordPress sections, and the network's answers to bad input, as
transcripts on the course cluster compared exactly with goldens. Pods run in the kubelet's own
sandboxes: every `curl` goes through CoreDNS, kube-proxy's rules and (for Ingresses) the
controller to the nginx, WordPress or MariaDB process of a real pod.

Besides the goldens, each scenario checks the facts that make the transcript right -- the pod that
answers is an endpoint of the Service, repeated requests spread with kube-proxy's probabilities
(counted over a few hundred requests, inside five standard deviations of the binomial), the chain
names are upstream's hash -- so a changed golden cannot hide a wrong behaviour.
"""

from __future__ import annotations

import re
from collections import Counter
from math import sqrt

from network.net_manifests import (
    MARIA_CM,
    MARIA_DEPLOY,
    MARIA_SVC,
    NGINX_CONF,
    NGINX_DEPLOYMENT,
    NGINX_ING,
    NGINX_ING_CTL,
    NGINX_ING_CTL_SVC,
    NGINX_INGRESS_NS,
    NGINX_SVC,
    NGINX_SVC_NODEPORT,
    WP_CM,
    WP_DEPLOY,
    WP_ING,
    WP_ING_CTL,
    WP_INK,
    WP_SVC,
)

from kubenb import Cluster
from kubenb.network import chains

MASTER, WORKER = "192.168.191.144", "192.168.191.146"


class Transcript:
    def __init__(self) -> None:
        self.c = Cluster("course")
        self.out: list[str] = []

    def apply(self, *manifests: str) -> None:
        self.k("apply -f -", "---\n".join(manifests))

    def k(self, cmd: str, stdin: str | None = None) -> str:
        """`kubectl cmd`, recorded; returns its stdout."""
        r = self.c.kubectl(cmd, stdin)
        self.out.append(f"$ kubectl {cmd}\n{r.stdout}{r.stderr}[exit {r.returncode}]\n")
        return r.stdout

    def sh(self, cmd: str, host: str | None = None) -> str:
        """A shell line on a node (default: the control plane) or the workstation, recorded."""
        r = self.c.sh(cmd, host)
        where = f"[{host}] " if host else ""
        self.out.append(f"{where}$ {cmd}\n{r.stdout}{r.stderr}[exit {r.returncode}]\n")
        return r.stdout

    def note(self, text: str) -> None:
        self.out.append(f"# {text}\n")

    def sleep(self, seconds: float) -> None:
        self.c.advance(seconds)

    def pods(self, namespace: str = "default", prefix: str = "") -> list:
        return sorted((p for p in self.c.store.list("Pod", namespace)
                       if p.metadata.deletion_timestamp is None and p.metadata.name.startswith(prefix)),
                      key=lambda p: p.metadata.name)

    def text(self) -> str:
        """The transcript; HTTP's carriage returns shown as `\\r` (a golden file is read with universal newlines)."""
        return "\n".join(self.out).replace("\r", "\\r")


def within_five_sigma(counts: Counter, n: int, k: int) -> bool:
    """Every one of `k` equally likely outcomes seen n/k times, give or take five binomial sigmas."""
    p = 1 / k
    sigma = sqrt(n * p * (1 - p))
    return len(counts) == k and all(abs(c - n * p) <= 5 * sigma for c in counts.values())


def spread(t: Transcript, make_request, n: int, answered_by) -> Counter:
    """`n` requests, counted by the pod that answered; the tally goes into the transcript."""
    seen: Counter[str] = Counter()
    for _ in range(n):
        seen[answered_by(make_request())] += 1
    t.note(f"{n} requests answered by: " + ", ".join(f"{name} {count}" for name, count in sorted(seen.items())))
    return seen


def nginx_conf_reply_host(body: str) -> str:
    """The pod name in the Service section's nginx reply (`host: <hostname>`)."""
    return body.splitlines()[1].removeprefix("host: ")


# ---------------------------------------------------------------------------- §3 Service


def service_section() -> tuple[str, Transcript]:
    t = Transcript()
    c = t.c
    t.apply(NGINX_CONF)
    t.apply(NGINX_DEPLOYMENT)
    t.sleep(45)
    t.k("get po -owide")
    first, second = t.pods()
    for pod in (first, second):  # each pod IP answers with the pod's own address and hostname
        body = t.sh(f"curl {pod.status.pod_ip}")
        assert body.splitlines()[:2] == [f"srv : {pod.status.pod_ip}:80", f"host: {pod.metadata.name}"]
    t.k("expose deployment nginx-deployment --dry-run=client -oyaml")
    t.apply(NGINX_SVC)
    t.sleep(60)
    t.k("get svc")
    t.k("describe service nginx-svc")
    t.k("get endpoints -owide")
    t.k("describe endpoints nginx-svc")
    vip = c.get("svc", "nginx-svc").spec.cluster_ip
    client = first.metadata.name
    ips = {p.metadata.name: p.status.pod_ip for p in t.pods()}
    for _ in range(2):
        t.k(f"exec {client} -- curl -s {vip}")

    def via_vip() -> str:
        r = c.kubectl(["exec", client, "--", "curl", "-s", vip])
        host = nginx_conf_reply_host(r.stdout)
        assert r.stdout.splitlines()[0] == f"srv : {ips[host]}:80"  # DNAT: the pod sees its own address
        return host

    assert within_five_sigma(spread(t, via_vip, 300, lambda host: host), 300, 2)

    t.k(f"delete po {second.metadata.name}")
    t.sleep(25)
    t.k("get po -owide")
    t.k("describe service nginx-svc")
    ips = {p.metadata.name: p.status.pod_ip for p in t.pods()}
    assert second.metadata.name not in ips and len(ips) == 2
    endpoints = ",".join(f"{ip}:80" for ip in sorted(ips.values(), key=lambda ip: int(ip.rsplit(".", 1)[1])))
    assert f"Endpoints:         {endpoints}\n" in t.out[-1]  # the replacement pod, in place of the deleted one
    for _ in range(2):
        t.k(f"exec {client} -- curl -s {vip}")
    t.k(f"exec {client} -- ping -c1 {vip}")

    t.k("get ns")
    for name in ("nginx-svc.default", "nginx-svc", "nginx-svc.default.svc.cluster.local"):
        body = t.k(f"exec {client} -- curl -s {name}")
        assert body.splitlines()[2] == f"uri : GET {name} /"
        assert nginx_conf_reply_host(body) in ips
    t.k(f"exec {client} -- nslookup nginx-svc")

    t.k("expose deployment nginx-deployment --type=NodePort --dry-run=client -oyaml")
    t.apply(NGINX_SVC_NODEPORT)
    t.k("get svc nginx-svc -owide")
    t.k("describe service nginx-svc")
    t.k("get no -owide")
    node_port = c.get("svc", "nginx-svc").spec.ports[0].node_port
    for node_ip in (MASTER, WORKER):  # the NodePort answers on both nodes' InternalIPs
        body = t.sh(f"curl {node_ip}:{node_port}")
        assert body.splitlines()[2] == f"uri : GET {node_ip} /" and nginx_conf_reply_host(body) in ips
    body = t.sh(f"curl -s {MASTER}:{node_port}", host="workstation")
    assert nginx_conf_reply_host(body) in ips

    t.k("scale deployment nginx-deployment --replicas=3")
    t.sleep(40)
    t.k("get endpoints nginx-svc")
    rules = t.sh("sudo iptables-save | grep default/nginx-svc", host="mac-worker")
    svc_chain = chains.service_chain("default/nginx-svc", "tcp")
    probabilities = re.findall(rf"-A {svc_chain} .*--probability (\S+) -j KUBE-SEP-", rules)
    assert probabilities == ["0.33333333349", "0.50000000000"]
    ips = {p.metadata.name: p.status.pod_ip for p in t.pods()}
    assert within_five_sigma(spread(t, via_vip, 450, lambda host: host), 450, 3)
    return t.text(), t


def test_service_section(golden) -> None:
    golden("network-service.txt", service_section()[0])


# ---------------------------------------------------------------------------- §4 Ingress


def ingress_section() -> str:
    t = Transcript()
    c = t.c
    t.apply(NGINX_CONF, NGINX_DEPLOYMENT, NGINX_SVC, NGINX_INGRESS_NS)
    t.k("create sa nginx-ingress -n nginx-ingress")
    t.sleep(60)
    t.k("api-resources --api-group=networking.k8s.io")
    t.k('create ingress nginx-ingress --class=nginx-ingressclass --rule="nginx.test/=nginx-svc:80" '
        "--dry-run=client -oyaml")
    assert c.store.list("Ingress") == []  # a client-side dry run creates nothing
    t.apply(NGINX_ING)
    t.sleep(10)
    t.k("get ingress")
    t.k("get ingressclasses")
    t.k("get endpoints nginx-svc -owide")
    t.k("describe ingress nginx-ing")
    t.k("describe ingressclass nginx-inc")
    # no controller yet: the Ingress is only a description, nothing listens on the nodes' port 80
    out = t.sh(f"curl -sS --resolve nginx.local:80:{WORKER} http://nginx.local", host="workstation")
    assert out == "" and "Connection refused" in t.out[-1]

    t.apply(NGINX_ING_CTL)
    t.sleep(60)
    t.k("get deploy -n nginx-ingress")
    t.k("get po -n nginx-ingress")
    (ctl,) = t.pods("nginx-ingress")
    t.k(f"exec -n nginx-ingress {ctl.metadata.name} -- netstat -tunpl")
    backends = {p.metadata.name: p.status.pod_ip for p in t.pods("default", "nginx-deployment")}
    for _ in range(2):
        body = t.k(f"exec -n nginx-ingress {ctl.metadata.name} -- curl -s --resolve nginx.local:80:127.0.0.1 "
                   "http://nginx.local")
        assert nginx_conf_reply_host(body) in backends and body.splitlines()[2] == "uri : GET nginx.local /"
    t.k("expose deployment -n nginx-ingress nginx-ing-ctl --type=NodePort --port=80 --dry-run=client -oyaml")
    t.apply(NGINX_ING_CTL_SVC)
    t.sleep(15)
    t.k("get svc -n nginx-ingress")
    t.k("get no -owide")
    node_port = c.get("svc", "nginx-ing-ctl-svc", "nginx-ingress").spec.ports[0].node_port
    request = f"curl --resolve nginx.local:{node_port}:{WORKER} http://nginx.local:{node_port}"
    for _ in range(2):
        t.sh(request, host="workstation")

    def through_the_controller() -> str:
        body = c.sh(request, host="workstation").stdout
        host = nginx_conf_reply_host(body)
        assert body.splitlines()[0] == f"srv : {backends[host]}:80"
        return host

    # NGINX Inc's default `random two least_conn` with no concurrent load: a uniform pick of an endpoint
    assert within_five_sigma(spread(t, through_the_controller, 200, lambda host: host), 200, 2)
    # a host no rule names, and a path the Exact rule does not match: the controller's own 404 page
    for url in (f"http://other.local:{node_port}", f"http://nginx.local:{node_port}/index.html"):
        host = url.split("//")[1].split(":")[0]
        out = t.sh(f"curl -i --resolve {host}:{node_port}:{WORKER} {url}", host="workstation")
        assert out.startswith("HTTP/1.1 404 Not Found\r\n") and "<center>nginx/1.21.6</center>" in out
    return t.text()


def test_ingress_section(golden) -> None:
    golden("network-ingress.txt", ingress_section())


# ---------------------------------------------------------------------------- §5 WordPress


def wordpress_section() -> str:
    t = Transcript()
    t.apply(NGINX_INGRESS_NS)
    t.k("create sa nginx-ingress -n nginx-ingress")
    t.apply(MARIA_CM)
    t.apply(MARIA_DEPLOY)
    t.sleep(60)
    t.k("get po")
    t.apply(MARIA_SVC)
    t.apply(WP_CM)
    t.apply(WP_DEPLOY)
    t.sleep(60)
    t.k("get deployment")
    t.k("get po -owide")
    t.apply(WP_SVC)
    t.sleep(30)
    t.k("get svc -owide")
    wp = t.pods("default", "wp-deploy")[0].metadata.name
    env = t.k(f"exec {wp} -- env")  # envFrom with a prefix: the database is found by the Service's name
    assert "WORDPRESS_DB_HOST=maria-svc\n" in env
    t.apply(WP_INK)
    t.k("create ingress wp-ing --class='wp-ink' --rule='wp.test/=wp-svc:80' --dry-run=client -oyaml")
    t.apply(WP_ING)
    t.sleep(15)
    t.k("get ingress")
    t.apply(WP_ING_CTL)
    t.sleep(25)
    t.k("get po -n nginx-ingress -owide")
    (ctl,) = t.pods("nginx-ingress")
    assert ctl.status.pod_ip == WORKER  # hostNetwork: the controller's IP is the node's
    out = t.sh(f"curl -v --resolve wp.test:80:{WORKER} http://wp.test:80", host="workstation")
    assert "< HTTP/1.1 302 Found" in t.out[-1] and "< Location: http://wp.test/wp-admin/install.php" in t.out[-1]
    assert out == ""
    install = t.sh(f"curl -sL --resolve wp.test:80:{WORKER} http://wp.test", host="workstation")
    assert "<title>WordPress &rsaquo; Installation</title>" in install
    for node in (MASTER, WORKER):
        t.sh(f"curl -sI {node}:30088", host="workstation")

    # without its database WordPress answers with the database-connection error page
    t.k("scale deployment maria-deploy --replicas=0")
    t.sleep(40)
    t.k("get endpoints maria-svc")
    error = t.sh(f"curl -si --resolve wp.test:80:{WORKER} http://wp.test", host="workstation")
    assert error.startswith("HTTP/1.1 500 Internal Server Error\r\n")
    assert "<h1>Error establishing a database connection</h1>" in error
    t.k("scale deployment maria-deploy --replicas=1")
    t.sleep(60)
    t.k("get po")
    again = t.sh(f"curl -sI --resolve wp.test:80:{WORKER} http://wp.test", host="workstation")
    assert again.startswith("HTTP/1.1 302 Found\r\n")
    return t.text()


def test_wordpress_section(golden) -> None:
    golden("network-wordpress.txt", wordpress_section())


# ---------------------------------------------------------------------------- bad input

TO_MISSING = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx-inc
  rules:
  - host: web.test
    http:
      paths:
      - path: /
        pathType: {path_type}
        backend:
          service:
            name: missing
            port:
              number: 80
"""


def bad_input() -> str:
    t = Transcript()
    c = t.c
    nginx_inc = NGINX_ING.split("---\n")[1]
    t.apply(NGINX_CONF, NGINX_DEPLOYMENT, NGINX_SVC, NGINX_INGRESS_NS, nginx_inc, NGINX_ING_CTL, NGINX_ING_CTL_SVC)
    t.sleep(60)
    client = t.pods("default", "nginx-deployment")[0].metadata.name
    # a selector that matches nothing: no endpoints, kube-proxy rejects the connection
    t.apply(NGINX_SVC.replace("app: nginx-deployment\n", "app: nobody\n").replace("nginx-svc", "nobody-svc"))
    # a targetPort name that no container port has: no endpoint for that port either
    t.apply(NGINX_SVC.replace("targetPort: 80", "targetPort: http").replace("nginx-svc", "named-svc"))
    t.sleep(10)
    t.k("get endpoints")
    t.k("describe service named-svc")
    for svc in ("nobody-svc", "named-svc"):
        t.k(f"exec {client} -- curl -sS {svc}")
        assert "Failed to connect to" in t.out[-1] and "[exit 7]" in t.out[-1]
    vip = c.get("svc", "nobody-svc").spec.cluster_ip
    t.sh(f"sudo iptables-save -t filter | grep {vip}")
    # an invalid pathType, an invalid rule: refused by the API server and by kubectl, nothing is stored
    stored = [(o.KIND, o.metadata.name, o.metadata.resource_version) for o in c.store.list("Ingress")]
    t.k("apply -f -", TO_MISSING.format(path_type="Foo"))
    t.k("create ingress web --class=nginx-inc --rule=web.test/=missing:80 --rule=bad")
    t.k("get ingress")
    assert stored == [] and c.store.list("Ingress") == []
    # an Ingress to a Service that does not exist: the controller has no upstream server for it.
    # NGINX Inc's controller points such an upstream at its 502 server (ingress-nginx would answer 503).
    t.k("apply -f -", TO_MISSING.format(path_type="Prefix"))
    t.sleep(30)
    node_port = c.get("svc", "nginx-ing-ctl-svc", "nginx-ingress").spec.ports[0].node_port
    out = t.sh(f"curl -si --resolve web.test:{node_port}:{WORKER} http://web.test:{node_port}/", host="workstation")
    assert out.startswith("HTTP/1.1 502 Bad Gateway\r\n")
    return t.text()


def test_bad_input(golden) -> None:
    golden("network-bad-input.txt", bad_input())
