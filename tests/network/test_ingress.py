"""The Ingress section (§4) and the WordPress section's controller (§5), and the routing rules."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from net_manifests import (
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
    WP_CM,
    WP_DEPLOY,
    WP_ING,
    WP_ING_CTL,
    WP_INK,
    WP_SVC,
)

from kubenb.network import run_host_shell
from kubenb.network.ingress import INGRESS_NGINX, NIC, _path_score

WORKER = "192.168.191.146"
NOT_FOUND = ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1>"
             "</center>\r\n<hr><center>nginx/1.21.6</center>\r\n</body>\r\n</html>\r\n")


@pytest.fixture
def ing_course(course_net):
    cluster, boxes = course_net
    for m in (NGINX_CONF, NGINX_DEPLOYMENT, NGINX_SVC, NGINX_ING, NGINX_INGRESS_NS, NGINX_ING_CTL_SVC):
        cluster.apply(m)
    cluster.advance(60)
    return cluster, boxes


def curl(cluster, host: str, node_port: int, path: str = "", node: str = WORKER, flags: str = ""):
    cmd = f"curl {flags} --resolve {host}:{node_port}:{node} http://{host}:{node_port}{path}".replace("  ", " ")
    return run_host_shell(cluster, cmd, host="workstation")


def backends(cluster) -> dict[str, str]:
    return {p.metadata.name: p.status.pod_ip for p in cluster.store.list("Pod", "default")}


def test_an_ingress_alone_does_nothing(ing_course) -> None:
    cluster, _ = ing_course
    assert cluster.kubectl("get ingress").stdout.splitlines()[1].split()[:4] == ["nginx-ing", "nginx-inc",
                                                                                 "nginx.local", "80"]
    node_port = cluster.get("svc", "nginx-ing-ctl-svc", "nginx-ingress").spec.ports[0].node_port
    result = curl(cluster, "nginx.local", node_port)
    assert result.returncode == 7
    assert result.stderr == f"curl: (7) Failed to connect to nginx.local port {node_port} after 0 ms: " \
                            "Connection refused\n"


def test_the_controller_routes_by_host_to_the_backends(ing_course) -> None:
    cluster, boxes = ing_course
    assert cluster.apply(NGINX_ING_CTL) == "deployment.apps/nginx-ing-ctl created\n"
    cluster.advance(60)
    node_port = cluster.get("svc", "nginx-ing-ctl-svc", "nginx-ingress").spec.ports[0].node_port
    pods = backends(cluster)
    seen = set()
    for _ in range(20):
        result = curl(cluster, "nginx.local", node_port)
        assert (result.returncode, result.stderr) == (0, "")
        lines = result.stdout.splitlines()
        host = lines[1].removeprefix("host: ")
        assert lines[0] == f"srv : {pods[host]}:80"
        assert lines[2] == "uri : GET nginx.local /"  # nginx passes $host, without the port
        seen.add(host)
    assert seen == set(pods)
    # inside the controller pod, as the course does it
    ctl = cluster.store.list("Pod", "nginx-ingress")[0].metadata.name
    out, _, code = boxes.exec("nginx-ingress", ctl, ["curl", "-s", "--resolve", "nginx.local:80:127.0.0.1",
                                                     "http://nginx.local"])
    assert code == 0 and out.splitlines()[2] == "uri : GET nginx.local /"


def test_unknown_hosts_and_paths_get_the_controllers_404(ing_course) -> None:
    cluster, _ = ing_course
    cluster.apply(NGINX_ING_CTL)
    cluster.advance(60)
    node_port = cluster.get("svc", "nginx-ing-ctl-svc", "nginx-ingress").spec.ports[0].node_port
    assert curl(cluster, "other.local", node_port).stdout == NOT_FOUND
    result = curl(cluster, "nginx.local", node_port, "/x", flags="-i")  # pathType Exact: only "/"
    assert result.stdout.startswith("HTTP/1.1 404 Not Found\r\nServer: nginx/1.21.6\r\n")
    assert result.stdout.endswith(NOT_FOUND)


def test_a_missing_service_is_a_bad_gateway_and_the_status_stays_empty(ing_course) -> None:
    cluster, _ = ing_course
    cluster.apply(NGINX_ING_CTL)
    cluster.advance(60)
    cluster.kubectl("delete svc nginx-svc")
    node_port = cluster.get("svc", "nginx-ing-ctl-svc", "nginx-ingress").spec.ports[0].node_port
    result = curl(cluster, "nginx.local", node_port, flags="-i")
    assert result.stdout.startswith("HTTP/1.1 502 Bad Gateway\r\n")
    assert "<center><h1>502 Bad Gateway</h1></center>" in result.stdout
    # NGINX Inc's controller reports no status unless told to: ADDRESS stays empty, as in the course
    row = cluster.kubectl("get ingress").stdout.splitlines()[1].split()
    assert row[:4] == ["nginx-ing", "nginx-inc", "nginx.local", "80"]


def test_ingress_nginx_reports_its_nodes_and_answers_503(course_net) -> None:
    cluster, _ = course_net
    cluster.apply(NGINX_INGRESS_NS)
    # any image of the controller's name runs as it: a private mirror of the same build
    cluster.apply(INGRESS_NGINX_APP.replace("image: registry.k8s.io/", "image: registry.example.com/"))

    cluster.advance(90)
    row = cluster.kubectl("get ingress").stdout.splitlines()[1].split()
    assert row[:4] == ["web", "nginx", "web.test", WORKER]
    router = cluster.network.ingress_router
    assert router.flavor_of_class("nginx") == INGRESS_NGINX
    kind, backend = router.match("nginx", "web.test", "/anything")
    assert kind == "backend" and backend is not None and router.endpoints(backend) is None


def test_wordpress_through_a_host_network_controller(course_net) -> None:
    cluster, _ = course_net
    for m in (MARIA_CM, MARIA_DEPLOY, MARIA_SVC, WP_CM, WP_DEPLOY, WP_SVC, WP_INK, WP_ING, NGINX_INGRESS_NS):
        cluster.apply(m)
    cluster.advance(120)
    cluster.apply(WP_ING_CTL)
    cluster.advance(60)
    ctl = cluster.store.list("Pod", "nginx-ingress")[0]
    assert ctl.status.pod_ip == WORKER  # hostNetwork: the pod IP is the node's
    result = run_host_shell(cluster, "curl -v --resolve wp.test:80:192.168.191.146 http://wp.test:80",
                            host="workstation")
    date = result.stderr.split("< Date: ")[1].split("\n")[0]
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.replace("> \n", ">\n").replace("< \n", "<\n") == f"""\
* Added wp.test:80:192.168.191.146 to DNS cache
* Hostname wp.test was found in DNS cache
*   Trying 192.168.191.146:80...
* Connected to wp.test (192.168.191.146) port 80 (#0)
> GET / HTTP/1.1
> Host: wp.test
> User-Agent: curl/7.88.1
> Accept: */*
>
< HTTP/1.1 302 Found
< Server: nginx/1.21.6
< Date: {date}
< Content-Type: text/html; charset=UTF-8
< Content-Length: 0
< Connection: keep-alive
< X-Powered-By: PHP/7.4.29
< Expires: Wed, 11 Jan 1984 05:00:00 GMT
< Cache-Control: no-cache, must-revalidate, max-age=0
< X-Redirect-By: WordPress
< Location: http://wp.test/wp-admin/install.php
<
* Connection #0 to host wp.test left intact
"""
    # the NodePort answers on both nodes, as the course's browser saw it
    for node in ("192.168.191.144", WORKER):
        out = run_host_shell(cluster, f"curl -sI {node}:30088", host="workstation").stdout
        assert out.startswith("HTTP/1.1 302 Found\r\n") and f"Location: http://{node}:30088/wp-admin/install.php" in out
    # and /etc/hosts on the workstation makes the name resolve without --resolve
    run_host_shell(cluster, "echo '192.168.191.146 wp.test' >> /etc/hosts", host="workstation")
    out = run_host_shell(cluster, "curl -sI http://wp.test", host="workstation").stdout
    assert "Location: http://wp.test/wp-admin/install.php" in out


# ---------------------------------------------------------------------------- rules


@pytest.mark.parametrize(("path", "path_type", "request_path", "flavor", "matches"), [
    pytest.param("/", "Exact", "/", NIC, True, id="exact-root"),
    pytest.param("/", "Exact", "/x", NIC, False, id="exact-root-not-deeper"),
    pytest.param("/foo", "Exact", "/foo/", NIC, False, id="exact-no-trailing-slash"),
    pytest.param("/aaa/bbb", "Prefix", "/aaa/bbb/ccc", INGRESS_NGINX, True, id="prefix-deeper"),
    pytest.param("/aaa/bbb", "Prefix", "/aaa/bbb/", INGRESS_NGINX, True, id="prefix-trailing-slash"),
    pytest.param("/aaa/bbb/", "Prefix", "/aaa/bbb", INGRESS_NGINX, True, id="prefix-path-trailing-slash"),
    pytest.param("/aaa/bbb", "Prefix", "/aaa/bbbxyz", INGRESS_NGINX, False, id="prefix-element-wise"),
    pytest.param("/", "Prefix", "/anything", INGRESS_NGINX, True, id="prefix-root"),
    pytest.param("/aaa/bbb", "Prefix", "/aaa/bbbxyz", NIC, True, id="nic-prefix-is-nginx-location"),
    pytest.param("/foo", "ImplementationSpecific", "/foobar", INGRESS_NGINX, True, id="implementation-specific"),
])
def test_path_types(path: str, path_type: str, request_path: str, flavor: str, matches: bool) -> None:
    assert (_path_score(path, path_type, request_path, flavor) is not None) is matches


def _router_with(ingresses: list, controller: str = INGRESS_NGINX):
    from kubenb.network.ingress import IngressRouter

    router = IngressRouter.__new__(IngressRouter)
    router.ingresses_for = lambda cls: ingresses  # type: ignore[method-assign]
    router.flavor_of_class = lambda cls: controller  # type: ignore[method-assign]
    return router


def _ingress(name: str, rules: list, default: str = "", created: str = "2023-06-17T00:00:00Z"):
    def backend(svc: str):
        return SimpleNamespace(service=SimpleNamespace(name=svc, port=SimpleNamespace(number=80, name=None)))

    spec_rules = [SimpleNamespace(host=host, http=SimpleNamespace(paths=[
        SimpleNamespace(path=p, path_type=t, backend=backend(s)) for p, t, s in paths])) for host, paths in rules]
    return SimpleNamespace(
        metadata=SimpleNamespace(namespace="default", name=name, annotations={}, creation_timestamp=created),
        spec=SimpleNamespace(rules=spec_rules, default_backend=backend(default) if default else None))


@pytest.mark.parametrize(("host", "path", "expected"), [
    pytest.param("foo.bar.com", "/", "exact-host", id="exact-host-beats-wildcard"),
    pytest.param("baz.bar.com", "/", "wildcard", id="wildcard"),
    pytest.param("a.baz.bar.com", "/", "wildcard", id="nginx-wildcards-match-deeper-names"),
    pytest.param("bar.com", "/", "catch-all", id="wildcard-needs-a-label"),
    pytest.param("foo.bar.com", "/api", "api-exact", id="exact-beats-prefix-of-same-length"),
    pytest.param("foo.bar.com", "/api/v1", "api-prefix", id="longest-prefix"),
    pytest.param("foo.bar.com", "/static", "default-backend", id="ingress-default-backend"),
    pytest.param("other.com", "/x", "catch-all", id="host-less-rule-catches-all"),
])
def test_rule_precedence(host: str, path: str, expected: str) -> None:
    router = _router_with([
        _ingress("a", [("foo.bar.com", [("/", "Exact", "exact-host"), ("/api", "Prefix", "api-prefix"),
                                        ("/api", "Exact", "api-exact")])], default="default-backend"),
        _ingress("b", [("*.bar.com", [("/", "Prefix", "wildcard")]), ("", [("/", "Prefix", "catch-all")])]),
    ])
    kind, backend = router.match("nginx", host, path)
    assert kind == "backend" and backend.service == expected


def test_nginx_inc_ignores_host_less_rules_and_gives_a_host_to_its_first_ingress() -> None:
    router = _router_with([
        _ingress("first", [("app.test", [("/", "Prefix", "first")])], created="2023-06-17T00:00:00Z"),
        _ingress("second", [("app.test", [("/", "Prefix", "second")]), ("", [("/", "Prefix", "any")])],
                 created="2023-06-17T00:01:00Z"),
    ], controller=NIC)
    assert router.match("nginx", "app.test", "/")[1].service == "first"
    assert router.match("nginx", "other.test", "/") == ("none", None)


def test_the_nic_controller_records_its_configuration_on_its_ingresses_only(ing_course) -> None:
    cluster, _ = ing_course
    cluster.apply(NGINX_ING.replace("name: nginx-ing\n", "name: other-ing\n").replace("nginx-inc", "someone-else"))
    assert "Events:        <none>" in cluster.kubectl("describe ingress nginx-ing").stdout
    cluster.apply(NGINX_ING_CTL)
    cluster.advance(60)
    ips = ",".join(f"{ip}:80" for ip in sorted(backends(cluster).values(), key=lambda i: tuple(map(int, i.split(".")))))
    described = cluster.kubectl("describe ingress nginx-ing").stdout
    # recorded a second after the controller pod turned Ready, early in the minute
    assert described.endswith("""\
Annotations:   <none>
Events:
  Type    Reason          Age   From                      Message
  ----    ------          ----  ----                      -------
  Normal  AddedOrUpdated  60s   nginx-ingress-controller  Configuration for default/nginx-ing was added or updated
""")
    assert f"/   nginx-svc:80 ({ips})" in described
    assert cluster.kubectl("describe ingress other-ing").stdout.endswith("Events:        <none>\n")
    # a change of the Ingress is configured again; the controller's status writes are not
    cluster.kubectl("annotate ingress nginx-ing nginx.org/lb-method=round_robin")
    cluster.advance(5)
    events = [e for e in cluster.store.list("Event", "default") if e.involved_object.name == "nginx-ing"]
    assert [(e.reason, e.count, e.source.component) for e in events] == [
        ("AddedOrUpdated", 2, "nginx-ingress-controller")]


INGRESS_NGINX_APP = """\
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  rules:
  - host: web.test
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: missing
            port:
              number: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ingress-nginx-controller
  namespace: nginx-ingress
spec:
  selector:
    matchLabels:
      app: ingress-nginx
  template:
    metadata:
      labels:
        app: ingress-nginx
    spec:
      containers:
      - name: controller
        image: registry.k8s.io/ingress-nginx/controller:v1.8.1
        args: ["/nginx-ingress-controller", "--ingress-class=nginx"]
"""


def test_the_ingress_nginx_image_answers_503_for_a_missing_service(course_net) -> None:
    cluster, boxes = course_net
    cluster.apply(NGINX_INGRESS_NS)
    cluster.apply(INGRESS_NGINX_APP)
    cluster.advance(90)
    (ctl,) = cluster.store.list("Pod", "nginx-ingress")
    name = ctl.metadata.name
    out, err, code = boxes.exec("nginx-ingress", name, ["curl", "-si", "--resolve", "web.test:80:127.0.0.1",
                                                        "http://web.test/shop"])
    assert code == 0, err
    head, body = out.split("\r\n\r\n", 1)
    assert head.splitlines()[:2] == ["HTTP/1.1 503 Service Temporarily Unavailable", "Server: nginx"]
    assert body == ("<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
                    "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n"
                    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
    # an unknown host gets the default server's 404, its version hidden too
    out, _, _ = boxes.exec("nginx-ingress", name, ["curl", "-s", "--resolve", "other.test:80:127.0.0.1",
                                                   "http://other.test/"])
    assert "<hr><center>nginx</center>" in out and "404 Not Found" in out
    out, _, code = boxes.exec("nginx-ingress", name, ["curl", "-s", "http://127.0.0.1:10254/healthz"])
    assert (out, code) == ("ok", 0)
    # ingress-nginx records "Scheduled for sync" on add and again on its own status write
    events = [e for e in cluster.store.list("Event", "default") if e.involved_object.name == "web"]
    assert [(e.type, e.reason, e.message, e.count, e.source.component) for e in events] == [
        ("Normal", "Sync", "Scheduled for sync", 2, "nginx-ingress-controller")]
