"""`kubectl expose` and `kubectl port-forward`, as the course uses them.

The commands are registered here the way the composition root will register them.
"""

from __future__ import annotations

import pytest
from net_manifests import NGINX_CONF, NGINX_DEPLOYMENT, NGINX_ING_CTL, NGINX_INGRESS_NS, NGINX_SVC

from kubenb import kubectl
from kubenb.kubectl import Command
from kubenb.kubectl.commands import expose, port_forward
from kubenb.network import run_host_shell

NGINX_DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deploy
  labels:
    app: nginx-deploy

spec:
  replicas: 2
  selector:
    matchLabels:
      app: nginx-deploy
  template:
    metadata:
      labels:
        app: nginx-deploy
    spec:
      containers:
      - name: nginx
        image: nginx:alpine
"""


@pytest.fixture(autouse=True)
def commands(monkeypatch):
    monkeypatch.setitem(kubectl.COMMANDS, "expose", Command(
        "expose", expose.run, expose.FLAGS,
        "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service"))
    monkeypatch.setitem(kubectl.COMMANDS, "port-forward", Command(
        "port-forward", port_forward.run, port_forward.FLAGS, "Forward one or more local ports to a pod"))


def test_expose_with_ports_copies_labels_and_selector(course) -> None:
    course.apply(NGINX_DEPLOY)
    result = course.kubectl("expose deployment nginx-deploy --port=80 --target-port=80 --dry-run=client -oyaml")
    assert result.returncode == 0, result.stderr
    assert result.stdout == """\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: nginx-deploy
  name: nginx-deploy
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: nginx-deploy
status:
  loadBalancer: {}
"""
    assert course.store.try_get("Service", "default", "nginx-deploy") is None


def test_expose_takes_the_port_from_the_container(course) -> None:
    course.apply(NGINX_DEPLOYMENT)
    result = course.kubectl("expose deployment nginx-deployment --dry-run=client -oyaml")
    assert result.stdout == """\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  name: nginx-deployment
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: nginx-deployment
status:
  loadBalancer: {}
"""
    node_port = course.kubectl("expose deployment nginx-deployment --type=NodePort --dry-run=client -oyaml").stdout
    assert node_port.endswith("  selector:\n    app: nginx-deployment\n  type: NodePort\nstatus:\n  loadBalancer: {}\n")


def test_expose_in_a_namespace_prints_it(course) -> None:
    course.apply(NGINX_INGRESS_NS)
    course.apply(NGINX_ING_CTL)
    result = course.kubectl("expose deployment -n nginx-ingress nginx-ing-ctl --type=NodePort --port=80 "
                            "--dry-run=client -oyaml")
    assert result.stdout == """\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  name: nginx-ing-ctl
  namespace: nginx-ingress
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: nginx-ing-ctl
  type: NodePort
status:
  loadBalancer: {}
"""


def test_expose_creates_the_service(course) -> None:
    course.apply(NGINX_DEPLOYMENT)
    assert course.kubectl("expose deploy nginx-deployment --name=web --port=8080 --target-port=80").stdout == \
        "service/web exposed\n"
    svc = course.get("svc", "web")
    assert (svc.spec.ports[0].port, svc.spec.ports[0].target_port, svc.spec.selector) == \
        (8080, 80, {"app": "nginx-deployment"})
    again = course.kubectl("expose deploy nginx-deployment --name=web --port=8080")
    assert (again.returncode, again.stderr) == (1, 'Error from server (AlreadyExists): services "web" already exists\n')


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param("expose ds redis-ds --port=6379",
                 "error: cannot expose a DaemonSet.apps\n", id="daemonset"),
    pytest.param("expose deployment nope --port=80",
                 'Error from server (NotFound): deployments.apps "nope" not found\n', id="missing"),
    pytest.param("expose deployment redis-nc",
                 "error: couldn't find port via --port flag or introspection\n"
                 "See 'kubectl expose -h' for help and examples\n", id="no-port"),
    pytest.param("expose deployment redis-nc --port=abc",
                 'error: strconv.Atoi: parsing "abc": invalid syntax\n', id="bad-port"),
    pytest.param("expose deployment redis-nc --port=80 --session-affinity=Sticky",
                 "error: unknown session affinity: Sticky\n", id="bad-affinity"),
])
def test_expose_errors(course, argv: str, message: str) -> None:
    course.apply("""\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: redis-ds
spec:
  selector:
    matchLabels:
      name: redis-ds
  template:
    metadata:
      labels:
        name: redis-ds
    spec:
      containers:
      - name: redis
        image: redis:5-alpine
        ports:
        - containerPort: 6379
""")
    course.kubectl("create deployment redis-nc --image=redis:5-alpine")
    result = course.kubectl(argv)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message)


def test_expose_a_pod_uses_its_labels_and_ports(course) -> None:
    course.kubectl("run web --image=nginx:alpine --port=80")
    out = course.kubectl("expose pod web --dry-run=client -o yaml").stdout
    assert "  labels:\n    run: web\n  name: web\n" in out and "  selector:\n    run: web\n" in out
    course.apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\nspec:\n  containers:\n  - name: web\n"
                 "    image: nginx:alpine\n")
    bare = course.kubectl("expose pod bare --port=80")
    assert bare.stderr == ("error: couldn't retrieve selectors via --selector flag or introspection: the pod has no "
                           "labels and cannot be exposed\nSee 'kubectl expose -h' for help and examples\n")


def test_expose_several_container_ports(course) -> None:
    course.apply(NGINX_DEPLOYMENT.replace("        - containerPort: 80\n",
                                          "        - containerPort: 80\n        - containerPort: 53\n"
                                          "          protocol: UDP\n"))
    out = course.kubectl("expose deployment nginx-deployment --dry-run=client -o yaml").stdout
    assert "  ports:\n  - name: port-1\n    port: 80\n    protocol: TCP\n    targetPort: 80\n" \
           "  - name: port-2\n    port: 53\n    protocol: UDP\n    targetPort: 53\n" in out


# ---------------------------------------------------------------------------- port-forward


@pytest.fixture
def served(course_net):
    cluster, boxes = course_net
    for m in (NGINX_CONF, NGINX_DEPLOYMENT, NGINX_SVC):
        cluster.apply(m)
    cluster.advance(60)
    return cluster, boxes


def test_port_forward_a_pod(served) -> None:
    cluster, _ = served
    pod = cluster.store.list("Pod", "default")[0]
    result = cluster.kubectl(f"port-forward {pod.metadata.name} 8080:80")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n"
    got = run_host_shell(cluster, "curl -s 127.0.0.1:8080")
    assert got.returncode == 0
    assert got.stdout.startswith("Handling connection for 8080\nsrv : 127.0.0.1:80\n")
    assert f"\nhost: {pod.metadata.name}\nuri : GET 127.0.0.1 /\n" in got.stdout  # nginx's $host has no port
    elsewhere = run_host_shell(cluster, "curl -sS 127.0.0.1:8080", host="mac-worker")
    assert elsewhere.returncode == 7  # the listener is on the host kubectl runs on
    busy = cluster.kubectl(f"port-forward pod/{pod.metadata.name} 8080:80")
    assert busy.returncode == 1
    assert busy.stderr.endswith("error: unable to listen on any of the requested ports: [{8080 80}]\n")


def test_port_forward_a_service_translates_the_port(served) -> None:
    cluster, _ = served
    cluster.apply(NGINX_SVC.replace("  - port: 80\n", "  - port: 8000\n").replace("nginx-svc", "alt-svc"))
    result = cluster.kubectl("port-forward svc/alt-svc 9090:8000")
    assert result.stdout == "Forwarding from 127.0.0.1:9090 -> 80\nForwarding from [::1]:9090 -> 80\n"
    assert "uri : GET localhost /" in run_host_shell(cluster, "curl -s localhost:9090").stdout


def test_port_forward_stops_with_the_pod(served) -> None:
    cluster, _ = served
    pod = cluster.store.list("Pod", "default")[0].metadata.name
    cluster.kubectl(f"port-forward pod/{pod} 8080:80 --address 0.0.0.0")
    assert run_host_shell(cluster, "curl -s 192.168.191.144:8080", host="workstation").returncode == 0
    cluster.kubectl(f"delete pod {pod}")
    cluster.advance(30)
    assert run_host_shell(cluster, "curl -s 127.0.0.1:8080").returncode == 7


def test_port_forward_errors(served) -> None:
    cluster, _ = served
    assert cluster.kubectl("port-forward").stderr == ("error: TYPE/NAME and list of ports are required for "
                                                      "port-forward\nSee 'kubectl port-forward -h' for help and "
                                                      "examples\n")
    assert cluster.kubectl("port-forward pod/nope 80").stderr == 'Error from server (NotFound): pods "nope" not found\n'
    pod = cluster.store.list("Pod", "default")[0].metadata.name
    assert cluster.kubectl(f"port-forward {pod} 80:0").stderr == "error: remote port must be > 0\n"
    cluster.apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: late\nspec:\n  nodeSelector:\n    disk: ssd\n"
                  "  containers:\n  - name: web\n    image: nginx:alpine\n")
    late = cluster.kubectl("port-forward late 8081:80")
    assert late.stderr == "error: unable to forward port because pod is not running. Current status=Pending\n"
