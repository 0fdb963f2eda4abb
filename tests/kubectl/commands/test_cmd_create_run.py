"""`kubectl create <generator>` and `kubectl run`: `--dry-run=client` output byte for byte.

Each case is compared with the machine's real kubectl when there is one (no server is needed for
these); a few goldens below are kept inline so that the tests also bite without it.
"""

from __future__ import annotations

import pytest
from course_manifests import REAL_KUBECTL, real_kubectl, run

from kubenb import Cluster

# §1.2 of the course: `k create deployment nginx-deploy --image=nginx:alpine --dry-run=client -oyaml` (v1.23)
COURSE_SKELETON = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: nginx-deploy
  name: nginx-deploy
spec:
  replicas: 1
  selector:
    matchLabels:
      app: nginx-deploy
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: nginx-deploy
    spec:
      containers:
      - image: nginx:alpine
        name: nginx
        resources: {}
status: {}
"""

# kubectl 1.32's typed JSON: Go field order (kind before apiVersion), four-space indent.
DEPLOYMENT_JSON = """\
{
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {
        "name": "x",
        "creationTimestamp": null,
        "labels": {
            "app": "x"
        }
    },
    "spec": {
        "replicas": 1,
        "selector": {
            "matchLabels": {
                "app": "x"
            }
        },
        "template": {
            "metadata": {
                "creationTimestamp": null,
                "labels": {
                    "app": "x"
                }
            },
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "nginx",
                        "resources": {}
                    }
                ]
            }
        },
        "strategy": {}
    },
    "status": {}
}
"""

SERVICE_YAML = """\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: svc
  name: svc
spec:
  ports:
  - name: 80-8080
    nodePort: 30080
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: svc
  type: NodePort
status:
  loadBalancer: {}
"""

RUN_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    app: web
    tier: fe
  name: x
spec:
  containers:
  - args:
    - sh
    - -c
    - echo hi
    env:
    - name: A
      value: "1"
    image: nginx
    name: x
    ports:
    - containerPort: 80
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Never
status: {}
"""


def test_course_skeleton():
    c = Cluster("course")
    assert run(c, "create deployment nginx-deploy --image=nginx:alpine --dry-run=client -oyaml") == (
        COURSE_SKELETON, "", 0)
    assert c.store.try_get("Deployment", "default", "nginx-deploy") is None


@pytest.mark.parametrize(("cmdline", "stdout"), [
    ("create deployment x --image=nginx --dry-run=client -o json", DEPLOYMENT_JSON),
    ("create service nodeport svc --tcp=80:8080 --node-port=30080 --dry-run=client -o yaml", SERVICE_YAML),
    ("create secret generic s --from-literal=user=admin --dry-run=client -o yaml",
     "apiVersion: v1\ndata:\n  user: YWRtaW4=\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: s\n"),
    ("create ns ns1 --dry-run=client -o yaml",
     "apiVersion: v1\nkind: Namespace\nmetadata:\n  creationTimestamp: null\n  name: ns1\nspec: {}\nstatus: {}\n"),
    ("run x --image=nginx --port=80 --labels=app=web,tier=fe --env=A=1 --restart=Never --dry-run=client -o yaml "
     "-- sh -c 'echo hi'", RUN_YAML),
])
def test_inline_goldens(cluster, cmdline, stdout):
    assert run(cluster, cmdline) == (stdout, "", 0)


DRY_RUN_CASES = [
    "create deployment x --image=nginx --image=busybox --replicas=3 --port=80 -n foo --dry-run=client -o yaml",
    "create deployment x --image=nginx --replicas=3 --port=80 --dry-run=client -o yaml -- sleep 10",
    "create deployment x --image=registry.k8s.io/nginx:1.25@sha256:0123 --dry-run=client -o yaml",
    "create deployment x --image=nginx:1.25 --dry-run=client",
    "create deployment x --image=nginx --dry-run=client -o name",
    "create deployment x --image=nginx --dry-run=client --save-config -o yaml",
    "create job j --image=busybox --dry-run=client -o yaml -- echo hi",
    "create job j --image=busybox --dry-run=client -o json",
    "create cronjob cj --image=busybox '--schedule=*/1 * * * *' --dry-run=client -o yaml -- date",
    "create cronjob cj --image=busybox '--schedule=0 * * * *' --restart=Never -n x --dry-run=client -o json",
    "create namespace ns1 --dry-run=client -o json",
    "create configmap cm --from-literal=a=1 --from-literal=b=hello --dry-run=client -o yaml",
    "create cm cm --from-literal=a=b=c --dry-run=client -o json",
    "create secret generic s --from-literal=user=admin --from-literal=pw=x --type=kubernetes.io/basic-auth "
    "--dry-run=client -o yaml",
    "create secret generic s --dry-run=client -o json",
    "create service clusterip svc --tcp=80:8080 --dry-run=client -o yaml",
    "create service clusterip svc --clusterip=None --dry-run=client -o yaml",
    "create service nodeport svc --tcp=80 --tcp=443:https --dry-run=client -o json",
    "create svc clusterip s --tcp=80 --dry-run=client",
    "create serviceaccount sa1 --dry-run=client -o yaml",
    "create sa sa1 --dry-run=client -o json",
    # errors kubectl finds before talking to a server
    "create deployment x y --image=nginx --dry-run=client",
    "create deployment x --image=nginx --replicas=abc",
    "create deployment x --image=nginx --image=b --dry-run=client -- sleep 1",
    "create deployment x --image=nginx --dry-run=client --tcp=80",
    "create deployment x --image=nginx --dry-run=foo",
    "create job j --dry-run=client",
    "create job j --image=b --restart=Never --dry-run=client",
    "create configmap c --from-literal=a --dry-run=client",
    "create configmap c --from-literal=a=1 --from-literal=a=2 --dry-run=client",
    "create service clusterip svc --tcp=abc --dry-run=client",
    "create service clusterip svc --dry-run=client",
    "create service",
    "create secret",
    "create foo",
    "create",
    "create namespace",
    "create service clusterip",
]


@pytest.mark.skipif(REAL_KUBECTL is None, reason="no kubectl on this machine")
@pytest.mark.parametrize("cmdline", DRY_RUN_CASES)
def test_same_bytes_as_kubectl(cluster, cmdline):
    real = real_kubectl(cmdline)
    assert run(cluster, cmdline) == (real.stdout, real.stderr, real.returncode)


@pytest.mark.parametrize(("cmdline", "stderr"), [
    ("create deployment x", 'error: required flag(s) "image" not set\n'),
    ("create cronjob cj --image=busybox", 'error: required flag(s) "schedule" not set\n'),
    ("run x", 'error: required flag(s) "image" not set\n'),
    ("run bb --image=busybox --restart=Foo", "error: invalid restart policy: Foo\nSee 'kubectl run -h' for help and "
                                              "examples\n"),
    ("run bb --image=busybox --env=X", "error: invalid env: X\n"),
    ("run bb --image=busybox --labels=a", "error: unexpected label spec: a\n"),
    ("run bb --image=busybox --port=abc", 'error: strconv.Atoi: parsing "abc": invalid syntax\n'),
    ("run bb --image=busybox -it --rm --dry-run=client",
     "error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\n"
     "See 'kubectl run -h' for help and examples\n"),
    ("run --image=nginx", "error: NAME is required for run\nSee 'kubectl run -h' for help and examples\n"),
    ("run x --image=Nginx:ABC@x", 'error: Invalid image name "Nginx:ABC@x": invalid reference format\n'),
])
def test_errors_before_any_request(cluster, cmdline, stderr):
    assert run(cluster, cmdline) == ("", stderr, 1)


def test_create_for_real(cluster):
    c = cluster
    assert run(c, "create deployment web --image=nginx:1.25 --replicas=2") == ("deployment.apps/web created\n", "", 0)
    assert run(c, "create deployment web --image=nginx:1.25") == (
        "", 'error: failed to create deployment: deployments.apps "web" already exists\n', 1)
    c.sleep("30s")
    assert run(c, "get deploy web")[0].splitlines()[1].split()[1] == "2/2"
    assert run(c, "create ns team") == ("namespace/team created\n", "", 0)
    assert run(c, "create ns team") == ("", 'Error from server (AlreadyExists): namespaces "team" already exists\n', 1)
    assert run(c, "create cm conf --from-literal=a=1 -n team") == ("configmap/conf created\n", "", 0)
    assert c.store.get("ConfigMap", "team", "conf").data == {"a": "1"}
    assert run(c, "create secret generic s --from-literal=pw=x")[0] == "secret/s created\n"
    assert c.store.get("Secret", "default", "s").type == "Opaque"  # defaulted by the API server
    assert run(c, "create service clusterip web --tcp=80:80")[0] == "service/web created\n"
    assert c.store.get("Service", "default", "web").spec.cluster_ip
    assert run(c, "create sa robot")[0] == "serviceaccount/robot created\n"
    assert run(c, "create job once --image=busybox -- echo hi")[0] == "job.batch/once created\n"
    assert run(c, "create cronjob tick --image=busybox --schedule='*/5 * * * *'")[0] == "cronjob.batch/tick created\n"
    assert run(c, "create job manual --from=cronjob/tick")[0] == "job.batch/manual created\n"
    job = c.store.get("Job", "default", "manual")
    assert job.metadata.annotations == {"cronjob.kubernetes.io/instantiate": "manual"}
    assert job.metadata.owner_references[0].kind == "CronJob"
    out = run(c, "create deployment api --image=nginx -o yaml")[0]
    assert "uid: " in out and "imagePullPolicy: Always" in out  # the stored object, with the server's defaults


def test_run_for_real(cluster):
    c = cluster
    assert run(c, "run web --image=nginx --port=80 --labels=app=web") == ("pod/web created\n", "", 0)
    assert run(c, "run web --image=nginx") == ("", 'Error from server (AlreadyExists): pods "web" already exists\n', 1)
    assert run(c, "run api --image=nginx --expose --port=8080") == ("service/api created\npod/api created\n", "", 0)
    svc = c.store.get("Service", "default", "api")
    assert svc.spec.selector == {"run": "api"} and svc.spec.ports[0].target_port == 8080
    c.sleep("30s")
    assert run(c, "get pod web")[0].split()[-3] == "Running"
    assert run(c, "run t --image=nginx --dry-run=server") == ("pod/t created (server dry run)\n", "", 0)
    assert c.store.try_get("Pod", "default", "t") is None


def test_create_from_a_file_still_works(cluster):
    """Without a generator name, `create` is `create -f` as before."""
    from course_manifests import NGINX_DEPLOY

    assert run(cluster, "create -f -", NGINX_DEPLOY) == ("deployment.apps/nginx-deploy created\n", "", 0)
    assert run(cluster, "create -f -", NGINX_DEPLOY) == (
        "", 'Error from server (AlreadyExists): error when creating "STDIN": deployments.apps "nginx-deploy" already '
            "exists\n", 1)
    assert run(cluster, "create -f - --image=x", NGINX_DEPLOY) == (
        "", "error: unknown flag: --image\nSee 'kubectl create --help' for usage.\n", 1)
