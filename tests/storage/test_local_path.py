"""The kubeadm profile's default class: rancher's local-path provisioner, as kind ships it."""

from __future__ import annotations

from kubenb import Cluster

CLAIM_AND_DEPLOYMENT = """apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:alpine
        volumeMounts: [{name: data, mountPath: /data}]
      volumes:
      - name: data
        persistentVolumeClaim: {claimName: data}
"""


def second_pod(node: str) -> str:
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: other
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - {{key: kubernetes.io/hostname, operator: In, values: [{node}]}}
  containers:
  - name: busybox
    image: busybox
    command: [sleep, "3600"]
    volumeMounts: [{{name: data, mountPath: /data}}]
  volumes:
  - name: data
    persistentVolumeClaim: {{claimName: data}}
"""


def test_default_class_only_on_kubeadm_profile() -> None:
    out = Cluster().kubectl("get storageclass").stdout.splitlines()
    assert out[1].split()[:5] == ["standard", "(default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer"]
    assert Cluster(profile="course").kubectl("get storageclass").stderr == "No resources found\n"


def test_claim_binds_on_the_selected_node_and_data_lands_in_its_directory() -> None:
    c = Cluster()
    c.apply(CLAIM_AND_DEPLOYMENT)
    c.sleep(30)
    claim = c.get("PersistentVolumeClaim", "data")
    assert claim.status.phase == "Bound"
    pod = next(p for p in c.store.list("Pod", "default") if p.metadata.name.startswith("web-"))
    node = pod.spec.node_name
    assert claim.metadata.annotations["volume.kubernetes.io/selected-node"] == node
    pv = c.get("PersistentVolume", claim.spec.volume_name, namespace="")
    directory = f"/opt/local-path-provisioner/{pv.metadata.name}_default_data"
    assert pv.spec.host_path.path == directory and pv.spec.host_path.type == "DirectoryOrCreate"
    assert pv.spec.node_affinity.required.node_selector_terms[0].match_expressions[0].values == [node]
    assert c.kubectl("exec deploy/web -- sh -c 'echo hello > /data/greeting'").returncode == 0
    assert c.sh(f"cat {directory}/greeting", host=node).stdout == "hello\n"
    assert c.sh(f"ls -ld {directory}", host=node).stdout.startswith("drwxrwxrwx ")
    assert c.sh("ls -ld /opt/local-path-provisioner", host=node).stdout.startswith("drwxr-xr-x ")
    events = c.kubectl("get events --field-selector involvedObject.name=data -o custom-columns=R:.reason --no-headers").stdout
    assert "Provisioning\n" in events and "ProvisioningSucceeded\n" in events

    # a pod on another node cannot use the node-local volume
    other = next(n.metadata.name for n in c.store.list("Node")
                 if n.metadata.name != node and not n.spec.taints)
    c.apply(second_pod(other))
    c.sleep(5)
    assert c.get("Pod", "other").status.phase == "Pending"
    described = c.kubectl("describe pod other").stdout
    assert "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, " \
        "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, " \
        "1 node(s) had volume node affinity conflict." in described, described

    # Delete: the directory goes with the claim
    c.kubectl("delete pod other")
    c.kubectl("delete deployment web")
    c.sleep(40)
    c.kubectl("delete pvc data")
    c.sleep(10)
    assert c.store.try_get("PersistentVolume", "", pv.metadata.name) is None
    assert c.sh(f"ls {directory}", host=node).returncode != 0
    assert c.sh("ls /opt/local-path-provisioner", host=node).stdout == ""


def test_immediate_local_path_class_cannot_provision() -> None:
    c = Cluster()
    c.apply("""apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local-now}
provisioner: rancher.io/local-path
volumeBindingMode: Immediate
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: now}
spec:
  storageClassName: local-now
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
""")
    c.sleep(5)
    assert c.get("PersistentVolumeClaim", "now").status.phase == "Pending"
    assert 'failed to provision volume with StorageClass "local-now": configuration error, no node was specified' \
        in c.kubectl("describe pvc now").stdout
