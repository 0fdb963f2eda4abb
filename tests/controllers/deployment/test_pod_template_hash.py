"""The pod-template-hash is the real one: ReplicaSet names as the course's v1.23.3 cluster printed.

Each case applies a course manifest to a `course` (v1.23) cluster and checks the name of the
ReplicaSet the Deployment controller creates against the name in the course notes.
"""

from __future__ import annotations

import pytest

from kubenb.api import gospew
from kubenb.api.core import PodTemplateSpec
from kubenb.controllers.deployment.util import compute_hash, fnv32a, safe_encode
from tests.course_manifests import NGINX_DEPLOY, deploy_v1, deploy_v2


def _deployment(name: str, spec: str, namespace: str = "", labels: str = "") -> str:
    ns = f"  namespace: {namespace}\n" if namespace else ""
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n{ns}spec:\n  replicas: 1\n"
            f"  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n"
            f"        app: {name}\n    spec:\n{spec}")


NGINX_DEPLOYMENT = _deployment("nginx-deployment", """\
      volumes:
      - name: nginx-conf-vol
        configMap:
          name: nginx-conf
      containers:
      - name: nginx
        image: nginx:alpine
        ports:
        - containerPort: 80
        volumeMounts:
        - mountPath: /etc/nginx/conf.d
          name: nginx-conf-vol
""")
MARIA = _deployment("maria-deploy", """\
      containers:
      - name: maria
        image: mariadb:10
        ports:
        - containerPort: 3306
        envFrom:
        - prefix: 'MARIADB_'
          configMapRef:
            name: maria-cm
""")
WP = _deployment("wp-deploy", """\
      containers:
      - name: wp
        image: wordpress:5
        ports:
        - containerPort: 80
        envFrom:
        - prefix: 'WORDPRESS_DB_'
          configMapRef:
            name: wp-cm
""")
NGINX_ING_CTL = _deployment("nginx-ing-ctl", """\
      containers:
      - name: app
        image: nginx/nginx-ingress:2.2-alpine
        args:
        - -ingress-class=nginx-inc
""", namespace="nginx-ingress")
WP_ING_CTL = _deployment("wp-ing-ctl", """\
      serviceAccountName: nginx-ingress
      hostNetwork: true
      containers:
      - name: ctl
        image: nginx/nginx-ingress:2.2-alpine
        args:
        - -ingress-class=wp-ink
""", namespace="nginx-ingress")
NFS_PROVISIONER = _deployment("nfs-client-provisioner", """\
      serviceAccountName: nfs-client-provisioner
      containers:
        - name: nfs-client-provisioner
          image: registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:v4.0.2
          volumeMounts:
            - name: nfs-client-root
              mountPath: /persistentvolumes
          env:
            - name: PROVISIONER_NAME
              value: k8s-sigs.io/nfs-subdir-external-provisioner
            - name: NFS_SERVER
              value: 192.168.191.146
            - name: NFS_PATH
              value: /tmp/nfs
      volumes:
        - name: nfs-client-root
          nfs:
            server: 192.168.191.146
            path: /tmp/nfs
""", namespace="kube-system")

# (manifest, namespace, the ReplicaSet the course notes show)
REAL = [
    pytest.param(NGINX_DEPLOY, "default", "nginx-deploy-5db48f768c", id="deployment-nginx-alpine"),
    pytest.param(NGINX_DEPLOYMENT, "default", "nginx-deployment-756d6b7586", id="service-configmap-volume"),
    pytest.param(deploy_v1(), "default", "nginx-deploy-96dd47d99", id="rollout-v1"),
    pytest.param(deploy_v2(), "default", "nginx-deploy-5b545d7468", id="rollout-v2"),
    pytest.param(MARIA, "default", "maria-deploy-c789dc655", id="maria-envfrom"),
    pytest.param(WP, "default", "wp-deploy-6bdb6f69bf", id="wordpress-envfrom"),
    pytest.param(NGINX_ING_CTL, "nginx-ingress", "nginx-ing-ctl-5dd8dc657c", id="ingress-controller-args"),
    pytest.param(WP_ING_CTL, "nginx-ingress", "wp-ing-ctl-56cf95f74", id="ingress-controller-hostnetwork-sa"),
    pytest.param(NFS_PROVISIONER, "kube-system", "nfs-client-provisioner-5bf9b668b7", id="nfs-provisioner-env-nfs"),
]


@pytest.mark.parametrize(("manifest", "namespace", "replica_set"), REAL)
def test_replica_set_name_is_the_real_clusters(course, manifest, namespace, replica_set):
    if namespace not in ("default", "kube-system"):
        course.kubectl(["create", "namespace", namespace])
    course.apply(manifest)
    names = [rs.metadata.name for rs in course.store.list("ReplicaSet", namespace)]
    assert replica_set in names


def _template(spec: dict, labels: dict | None = None) -> PodTemplateSpec:
    return PodTemplateSpec.model_validate({"metadata": {"labels": labels or {"app": "x"}}, "spec": spec})


def test_collision_count_changes_the_hash_as_upstream():
    """The count is hashed as 8 bytes, the low 4 little-endian (`binary.LittleEndian.PutUint32`)."""
    t = _template({"containers": [{"name": "c", "image": "nginx"}]})
    dump = gospew.layout(23).dump("v1.PodTemplateSpec", t.to_dict()).encode()
    assert compute_hash(t, None, 23) == safe_encode(str(fnv32a(dump)))
    assert compute_hash(t, 1, 23) == safe_encode(str(fnv32a(dump + b"\1\0\0\0\0\0\0\0")))
    assert compute_hash(t, 1, 23) != compute_hash(t, 2, 23)


def test_layout_follows_the_cluster_version():
    """v1.32 has fields v1.23 lacks (HostUsers, ResizePolicy, …) and lost ObjectMeta.ClusterName."""
    t = _template({"containers": [{"name": "c", "image": "nginx"}]})
    old = gospew.layout(23).dump("v1.PodTemplateSpec", t.to_dict())
    new = gospew.layout(32).dump("v1.PodTemplateSpec", t.to_dict())
    assert "ClusterName:(string)" in old and "ClusterName" not in new
    assert "HostUsers:(*bool)<nil>" in new and "HostUsers" not in old
    assert compute_hash(t, None, 23) != compute_hash(t, None, 32)


def test_a_template_go_cannot_represent_exactly_still_hashes_stably():
    """A set creationTimestamp has no machine-independent dump: the fallback hash is still
    deterministic and still changes with the template."""
    a = _template({"containers": [{"name": "c", "image": "nginx"}]})
    a.metadata.creation_timestamp = "2022-10-25T00:00:00Z"
    b = _template({"containers": [{"name": "c", "image": "nginx:1.22"}]})
    b.metadata.creation_timestamp = "2022-10-25T00:00:00Z"
    with pytest.raises(gospew.NotDumpable):
        gospew.layout(23).dump("v1.PodTemplateSpec", a.to_dict())
    assert compute_hash(a, None, 23) == compute_hash(a.model_copy(deep=True), None, 23)
    assert compute_hash(a, None, 23) != compute_hash(b, None, 23)
