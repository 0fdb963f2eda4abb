"""`kubectl create ingress` and `kubectl create service clusterip|nodeport|loadbalancer|externalname`.

Client-side outputs are compared byte for byte with the machine's real kubectl when it is installed
(it needs no server for `--dry-run=client`), and always with a golden transcript recorded from it,
so the comparison still runs where no kubectl is installed. The course's two `create ingress`
commands are checked against the course notes' text on both profiles; the rest of the file creates
for real and checks what the API server stored.
"""

from __future__ import annotations

import pytest
from course_manifests import REAL_KUBECTL, real_kubectl, run

from kubenb import Cluster

CASES = [
    # the upstream command's examples
    "create ingress simple --rule=foo.com/bar=svc1:8080,tls=my-cert --dry-run=client -o yaml",
    "create ingress catch-all --class=otheringress --rule=/path=svc:port --dry-run=client -o yaml",
    "create ingress annotated --class=default --rule=foo.com/bar=svc:port --annotation ingress.annotation1=foo "
    "--annotation ingress.annotation2=bla --dry-run=client -o yaml",
    "create ingress multipath --class=default --rule=foo.com/=svc:port --rule=foo.com/admin/=svcadmin:portadmin "
    "--dry-run=client -o yaml",
    "create ingress ingress1 --class=default --rule=foo.com/path*=svc:8080 --rule=bar.com/admin*=svc2:http "
    "--dry-run=client -o yaml",
    "create ingress ingtls --class=default --rule=foo.com/=svc:https,tls --rule=foo.com/path/subpath*=othersvc:8080 "
    "--dry-run=client -o yaml",
    "create ingress ingsecret --class=default --rule=foo.com/*=svc:8080,tls=secret1 --dry-run=client -o yaml",
    "create ingress ingdefault --class=default --default-backend=defaultsvc:http "
    "--rule=foo.com/*=svc:8080,tls=secret1 --dry-run=client -o yaml",
    # TLS entries shared by secret, hosts once, a host-less rule, a namespace, JSON, the name printer
    "create ingress t -n web --rule=a.com/*=s:80,tls=one --rule=b.com/=s:80,tls=one --rule=a.com/x=s:81,tls=two "
    "--rule=c.com/=s:80,tls --rule=d.com/=s:80,tls= --rule=/any=s:80,tls --dry-run=client -o yaml",
    "create ing wild --rule=*.example.com/=s:80 --rule=/*=s:8080 --dry-run=client -o json",
    "create ingress x --default-backend=svc:080 --annotation=a= --annotation=b=c=d --dry-run=client -o yaml",
    "create ingress x --rule=foo.com/=svc:80 --dry-run=client",
    "create ingress x --rule=foo.com/=svc:80 --dry-run=client -o name",
    "create ingress x --rule=foo.com/=svc:80 --dry-run=client --save-config -o yaml",
    # kubectl's own errors
    "create ingress x --dry-run=client",
    "create ingress --rule=foo.com/=svc:80 --dry-run=client",
    "create ingress x y --rule=foo.com/=svc:80 --dry-run=client",
    "create ingress x --rule=foo.com=svc:80 --dry-run=client",
    "create ingress x --rule=foo.com/=svc:80,tls=a,b --dry-run=client -o yaml",
    "create ingress x --rule='foo.com/=svc:80,junk' --rule='bar.com/=svc:80 x:y' --dry-run=client -o yaml",
    "create ingress x --rule=f+o/=svc:80 --dry-run=client",
    "create ingress x --rule=foo.com/=svc:80 --annotation=noeq --dry-run=client",
    "create ingress x --default-backend=svc --dry-run=client",
    "create ingress x --rule=foo.com/=svc:80 --tcp=80 --dry-run=client",
    # services
    "create service loadbalancer my-lbs --tcp=5678:8080 --dry-run=client -o yaml",
    "create service loadbalancer lb --dry-run=client",
    "create service externalname my-ns --external-name bar.com --dry-run=client -o yaml",
    "create service externalname my-ns --external-name bar.com --tcp=80,443:https --dry-run=client -o json",
    "create service externalname my-ns --external-name bar_com --dry-run=client",
    "create service clusterip headless --clusterip=None --dry-run=client -o yaml",
    "create service clusterip two --tcp=80,443:https --dry-run=client -o yaml",
    "create service nodeport np --tcp=5678:8080 --node-port=30001 --dry-run=client -o yaml",
    "create service loadbalancer lb --tcp=80 --node-port=30001 --dry-run=client",
    "create service clusterip c --tcp=80 --external-name=x --dry-run=client",
]


def transcript(cluster: Cluster) -> str:
    out = []
    for cmd in CASES:
        stdout, stderr, code = run(cluster, cmd)
        out.append(f"$ kubectl {cmd}\n{stdout}{stderr}[exit {code}]\n")
    return "\n".join(out)


def test_the_transcript(net_golden) -> None:
    net_golden("kubectl-create-network.txt", transcript(Cluster()))


@pytest.mark.skipif(REAL_KUBECTL is None, reason="no kubectl on this machine")
@pytest.mark.parametrize("cmdline", CASES)
def test_same_bytes_as_kubectl(cluster, cmdline) -> None:
    real = real_kubectl(cmdline)
    assert run(cluster, cmdline) == (real.stdout, real.stderr, real.returncode)


COURSE_NGINX = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  creationTimestamp: null
  name: nginx-ingress
spec:
  ingressClassName: nginx-ingressclass
  rules:
  - host: nginx.test
    http:
      paths:
      - backend:
          service:
            name: nginx-svc
            port:
              number: 80
        path: /
        pathType: Exact
status:
  loadBalancer: {}
"""


@pytest.mark.parametrize("profile", ["course", "kubeadm"])
def test_the_courses_create_ingress_commands(profile: str) -> None:
    """§4 and §5 of the course notes: printed, and nothing created."""
    cluster = Cluster(profile)
    assert run(cluster, 'create ingress nginx-ingress --class=nginx-ingressclass --rule="nginx.test/=nginx-svc:80" '
                        "--dry-run=client -oyaml") == (COURSE_NGINX, "", 0)
    wp = (COURSE_NGINX.replace("nginx-ingressclass", "wp-ink").replace("nginx-ingress", "wp-ing")
          .replace("nginx.test", "wp.test").replace("nginx-svc", "wp-svc"))
    assert run(cluster, "create ingress wp-ing --class='wp-ink' --rule='wp.test/=wp-svc:80' --dry-run=client -oyaml") \
        == (wp, "", 0)
    assert cluster.store.list("Ingress") == []


def test_create_ingress_for_real(course) -> None:
    c = course
    assert run(c, "create ingress web --class=nginx --rule=web.local/*=web:80,tls=web-cert "
                  "--annotation=nginx.org/lb-method=round_robin") == ("ingress.networking.k8s.io/web created\n", "", 0)
    ing = c.store.get("Ingress", "default", "web")
    assert ing.spec.ingress_class_name == "nginx"
    assert ing.metadata.annotations == {"nginx.org/lb-method": "round_robin"}
    path = ing.spec.rules[0].http.paths[0]
    assert (ing.spec.rules[0].host, path.path, path.path_type, path.backend.service.name,
            path.backend.service.port.number) == ("web.local", "/", "Prefix", "web", 80)
    assert [(t.hosts, t.secret_name) for t in ing.spec.tls] == [(["web.local"], "web-cert")]
    assert run(c, "get ing web") [0].splitlines()[1].split()[:5] == ["web", "nginx", "web.local", "80,", "443"]
    assert run(c, "create ingress web --rule=web.local/=web:80") == (
        "", 'error: failed to create ingress: ingresses.networking.k8s.io "web" already exists\n', 1)


def test_the_api_server_rejects_what_kubectl_lets_through(course) -> None:
    """The rule grammar allows a `*` anywhere in the host; validation then refuses it, and nothing is stored."""
    stdout, stderr, code = run(course, "create ingress bad --rule=a*b.com/=s:80")
    assert (stdout, code) == ("", 1)
    assert stderr.startswith('error: failed to create ingress: Ingress.networking.k8s.io "bad" is invalid: '
                             'spec.rules[0].host: Invalid value: "a*b.com"'), stderr
    assert course.store.try_get("Ingress", "default", "bad") is None


def test_create_services_for_real(course) -> None:
    c = course
    assert run(c, "create service clusterip headless --clusterip=None") == ("service/headless created\n", "", 0)
    svc = c.store.get("Service", "default", "headless")
    assert (svc.spec.cluster_ip, svc.spec.ports) == ("None", None)
    assert run(c, "create service loadbalancer lb --tcp=80:8080") == ("service/lb created\n", "", 0)
    lb = c.store.get("Service", "default", "lb")
    assert lb.spec.type == "LoadBalancer" and 30000 <= lb.spec.ports[0].node_port <= 32767
    assert run(c, "get svc lb")[0].splitlines()[1].split()[1:5] == [
        "LoadBalancer", lb.spec.cluster_ip, "<pending>", f"80:{lb.spec.ports[0].node_port}/TCP"]
    assert run(c, "create service externalname db --external-name=db.example.com") == (
        "service/db created\n", "", 0)
    ext = c.store.get("Service", "default", "db")
    assert (ext.spec.type, ext.spec.external_name, ext.spec.cluster_ip) == ("ExternalName", "db.example.com", None)
    assert run(c, "create service nodeport lb --tcp=80") == (
        "", 'error: failed to create NodePort service: services "lb" already exists\n', 1)
