"""Volume expansion: admission, validation and the resizer's conditions and events."""

from __future__ import annotations

from test_local_path import CLAIM_AND_DEPLOYMENT

from kubenb import Cluster

EXPANDABLE = """apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: expandable}
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
"""
GROW = """-p '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'"""


def bound(cls: str) -> Cluster:
    c = Cluster()
    c.apply(EXPANDABLE)
    c.apply(CLAIM_AND_DEPLOYMENT.replace("  accessModes:", f"  storageClassName: {cls}\n  accessModes:", 1))
    c.sleep(30)
    assert c.get("PersistentVolumeClaim", "data").status.phase == "Bound"
    return c


def test_class_without_expansion_is_forbidden() -> None:
    c = bound("standard")
    out = c.kubectl(f"patch pvc data {GROW}")
    assert out.returncode == 1
    assert out.stderr == ('Error from server (Forbidden): persistentvolumeclaims "data" is forbidden: only dynamically '
                          "provisioned pvc can be resized and the storageclass that provisions the pvc must support resize\n")
    assert c.get("PersistentVolumeClaim", "data").spec.resources.requests["storage"] == "1Gi"


def test_shrinking_is_invalid() -> None:
    c = bound("expandable")
    out = c.kubectl("""patch pvc data -p '{"spec":{"resources":{"requests":{"storage":"500Mi"}}}}'""")
    assert out.returncode == 1
    assert out.stderr == ('The PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: '
                          "Forbidden: field can not be less than previous value\n")


def test_expansion_resizes_volume_then_filesystem() -> None:
    c = bound("expandable")
    assert c.kubectl(f"patch pvc data {GROW}").stdout == "persistentvolumeclaim/data patched\n"
    c.sleep(5)
    claim = c.get("PersistentVolumeClaim", "data")
    assert claim.status.capacity["storage"] == "2Gi" and not claim.status.conditions
    assert claim.status.allocated_resources == {"storage": "2Gi"}
    assert c.get("PersistentVolume", claim.spec.volume_name, namespace="").spec.capacity["storage"] == "2Gi"
    reasons = c.kubectl("get events --field-selector involvedObject.name=data --sort-by=.metadata.creationTimestamp "
                        "-o custom-columns=R:.reason,SRC:.source.component --no-headers").stdout.split("\n")
    resize = [r.split() for r in reasons if r.startswith(("Resizing", "FileSystem"))]
    assert [r[0] for r in resize] == ["Resizing", "FileSystemResizeRequired", "FileSystemResizeSuccessful"]
    assert resize[0][1:] == ["external-resizer", "rancher.io/local-path"] and resize[2][1] == "kubelet"
    assert c.kubectl("get pvc data --no-headers").stdout.split()[3] == "2Gi"


def test_without_a_running_pod_the_filesystem_resize_waits() -> None:
    c = bound("expandable")
    c.kubectl("scale deployment web --replicas=0")
    c.sleep(40)
    c.kubectl(f"patch pvc data {GROW}")
    c.sleep(5)
    claim = c.get("PersistentVolumeClaim", "data")
    assert [(x.type, x.message) for x in claim.status.conditions] == [
        ("FileSystemResizePending", "Waiting for user to (re-)start a pod to finish file system resize of volume on node.")]
    assert claim.status.capacity["storage"] == "1Gi"
    c.kubectl("scale deployment web --replicas=1")
    c.sleep(30)
    claim = c.get("PersistentVolumeClaim", "data")
    assert claim.status.capacity["storage"] == "2Gi" and not claim.status.conditions
