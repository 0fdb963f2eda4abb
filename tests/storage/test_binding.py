"""Binding rules, bad input and the invariants of claims and volumes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storage_manifests import EXPORTS_LINE, NFS_POD, NFS_PV, NFS_PVC, PV, PVC

from kubenb import Cluster


def pv(name: str, size: str, modes: str = "ReadWriteOnce", cls: str = "manual", extra: str = "",
       policy: str = "Retain") -> str:
    return f"""apiVersion: v1
kind: PersistentVolume
metadata:
  name: {name}
spec:
  storageClassName: "{cls}"
  persistentVolumeReclaimPolicy: {policy}
  accessModes: [{modes}]
  capacity:
    storage: {size}
  hostPath:
    path: /tmp/{name}
{extra}"""


def pvc(name: str, size: str, modes: str = "ReadWriteOnce", cls: str = "manual", extra: str = "") -> str:
    return f"""apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {name}
spec:
  storageClassName: "{cls}"
  accessModes: [{modes}]
  resources:
    requests:
      storage: {size}
{extra}"""


def pod(name: str, claim: str, node: str = "") -> str:
    pinned = f"  nodeName: {node}\n" if node else ""
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
{pinned}  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: {claim}
  containers:
  - name: c
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - name: data
      mountPath: /data
"""


def events(c: Cluster, name: str) -> list[str]:
    return [e.message for e in c.store.list("Event", "default") if e.involved_object.name == name]


@pytest.fixture
def course() -> Cluster:
    return Cluster("course")


@pytest.mark.parametrize(("claim", "expected"), [
    pytest.param(pvc("c", "5Mi"), "small", id="smallest-that-fits"),
    pytest.param(pvc("c", "50Mi"), "big", id="only-the-big-one-fits"),
    pytest.param(pvc("c", "5Mi", "ReadWriteMany"), "rwx", id="access-modes-must-be-covered"),
    pytest.param(pvc("c", "5Mi", cls=""), "classless", id="empty-class-matches-empty-class"),
    pytest.param(pvc("c", "5Mi", extra="  selector:\n    matchLabels:\n      tier: gold\n"), "big",
                 id="selector"),
    pytest.param(pvc("c", "5Mi", extra="  volumeName: big\n"), "big", id="claim-names-its-volume"),
    pytest.param(pvc("c", "5Mi", extra="  volumeMode: Block\n"), None, id="volume-mode-mismatch"),
])
def test_matching(course, claim, expected) -> None:
    course.apply(pv("small", "10Mi"))
    course.apply(pv("big", "100Mi").replace("name: big", "name: big\n  labels:\n    tier: gold"))
    course.apply(pv("rwx", "1Gi", "ReadWriteOnce, ReadWriteMany"))
    course.apply(pv("classless", "1Gi", cls=""))
    course.apply(claim)
    course.advance(2)
    got = course.get("pvc", "c")
    assert got.spec.volume_name == expected
    assert got.status.phase == ("Bound" if expected else "Pending")
    if expected:
        vol = course.get("pv", expected)
        assert (vol.status.phase, vol.spec.claim_ref.name) == ("Bound", "c")
        assert got.status.capacity == vol.spec.capacity


def test_pre_bound_volume_waits_for_its_claim(course) -> None:
    course.apply(pv("reserved", "1Gi", extra="  claimRef:\n    namespace: default\n    name: mine\n"))
    course.apply(pvc("other", "1Mi"))
    course.advance(2)
    assert course.get("pvc", "other").status.phase == "Pending"
    course.apply(pvc("mine", "1Mi"))
    course.advance(2)
    assert course.get("pvc", "mine").spec.volume_name == "reserved"


def test_claim_with_no_class_and_no_volume(course) -> None:
    course.apply(pvc("c", "1Mi", cls=""))
    course.advance(2)
    assert events(course, "c") == ["no persistent volumes available for this claim and no storage class is set"]


def test_unknown_class_stays_pending_with_the_real_event(course) -> None:
    course.apply(pvc("c", "1Mi", cls="x"))
    course.advance(2)
    assert course.get("pvc", "c").status.phase == "Pending"
    assert events(course, "c") == ['storageclass.storage.k8s.io "x" not found']


def test_malformed_capacity_is_rejected(course) -> None:
    r = course.kubectl(["apply", "-f", "-"], input=pv("bad", "10Qi"))
    assert r.returncode == 1
    assert "quantities must match the regular expression" in r.stderr
    assert course.store.try_get("PersistentVolume", "", "bad") is None


@pytest.mark.parametrize(("profile", "expected"), [
    ("course", '0/2 nodes are available: 2 persistentvolumeclaim "x" not found.'),
    ("kubeadm", '0/3 nodes are available: persistentvolumeclaim "x" not found. preemption: 0/3 nodes are '
                "available: 3 Preemption is not helpful for scheduling."),
])
def test_pod_with_a_missing_claim_stays_pending(profile, expected) -> None:
    c = Cluster(profile)
    c.apply(pod("p", "x"))
    c.advance(5)
    assert c.get("pod", "p").status.phase == "Pending"
    assert events(c, "p") == [expected]
    c.apply(pv("v", "1Gi"))
    c.apply(pvc("x", "1Mi"))
    c.advance(10)
    assert c.get("pod", "p").spec.node_name  # the claim appeared and bound: the pod is scheduled


def test_unbound_immediate_claim_keeps_the_pod_pending(course) -> None:
    course.apply(pvc("c", "1Mi", cls="x"))
    course.apply(pod("p", "c"))
    course.advance(5)
    assert events(course, "p") == ["0/2 nodes are available: 2 pod has unbound immediate PersistentVolumeClaims."]


def test_claim_in_use_stays_terminating_until_the_pod_goes(course) -> None:
    course.apply(PV)
    course.apply(PVC)
    course.apply(pod("p", "host-5m-pvc"))
    course.advance(20)
    course.kubectl("delete pvc host-5m-pvc --wait=false")
    course.advance(5)
    assert "Terminating" in course.kubectl("get pvc host-5m-pvc").stdout
    course.kubectl("delete pod p")
    course.advance(40)
    assert course.store.try_get("PersistentVolumeClaim", "default", "host-5m-pvc") is None
    assert course.get("pv", "host-10m-pv").status.phase == "Released"  # Retain keeps it and its data


def test_delete_policy_on_a_static_volume_fails(course) -> None:
    course.apply(pv("v", "1Gi", policy="Delete"))
    course.apply(pvc("c", "1Mi"))
    course.advance(2)
    course.kubectl("delete pvc c")
    course.advance(2)
    assert course.get("pv", "v").status.phase == "Failed"


def nfs_server(c: Cluster, exports: str = EXPORTS_LINE) -> None:
    c.sh("sudo apt install nfs-kernel-server && mkdir -p /tmp/nfs/1g-pv", host="mac-worker")
    c.sh(f"echo '{exports}' | sudo tee -a /etc/exports && sudo exportfs -ra", host="mac-worker")


def test_nfs_volume_without_the_client_package(course) -> None:
    """Only the server has nfs-common; a pod pinned to the control plane cannot mount."""
    nfs_server(course)
    course.apply(NFS_PV)
    course.apply(NFS_PVC)
    course.apply(NFS_POD.replace("spec:\n  volumes:", "spec:\n  nodeName: mac-master\n  volumes:"))
    course.advance(30)
    assert "ContainerCreating" in course.kubectl("get pod nfs-pod").stdout
    message = events(course, "nfs-pod")[-1]
    assert message.startswith('MountVolume.SetUp failed for volume "nfs-1g-pv" : mount failed: exit status 32\n'
                              "Mounting command: mount\nMounting arguments: -t nfs 192.168.191.146:/tmp/nfs/1g-pv ")
    assert message.endswith(": bad option; for several filesystems (e.g. nfs, cifs) you might need a "
                            "/sbin/mount.<type> helper program.\n")
    course.sh("sudo apt install nfs-common", host="mac-master")
    course.advance(60)
    assert "Running" in course.kubectl("get pod nfs-pod").stdout


def test_export_to_another_network_is_denied(course) -> None:
    nfs_server(course, "/tmp/nfs 10.0.0.0/8(rw,sync,no_subtree_check)")
    course.sh("sudo apt install nfs-common && mkdir -p /tmp/test", host="mac-master")
    r = course.sh("sudo mount -t nfs 192.168.191.146:/tmp/nfs /tmp/test", host="mac-master")
    assert (r.returncode, r.stderr) == (32, "mount.nfs: access denied by server while mounting "
                                            "192.168.191.146:/tmp/nfs\n")
    course.apply(NFS_PV)
    course.apply(NFS_PVC)
    course.apply(NFS_POD)
    course.advance(20)
    assert events(course, "nfs-pod")[-1].endswith(
        "Output: mount.nfs: access denied by server while mounting 192.168.191.146:/tmp/nfs/1g-pv\n")


def test_unmount_hides_the_share_again(course) -> None:
    nfs_server(course)
    course.sh("sudo apt install nfs-common && mkdir -p /tmp/test", host="mac-master")
    course.sh("sudo mount -t nfs 192.168.191.146:/tmp/nfs /tmp/test", host="mac-master")
    assert course.sh("ls /tmp/test", host="mac-master").stdout == "1g-pv\n"
    course.sh("sudo umount /tmp/test", host="mac-master")
    assert course.sh("ls /tmp/test", host="mac-master").stdout == ""


# ---------------------------------------------------------------------------- invariants

OPS = st.lists(st.tuples(st.sampled_from(["pv", "pvc", "pod", "del-pv", "del-pvc", "del-pod", "wait"]),
                         st.integers(0, 2)), min_size=1, max_size=14)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_random_operations_keep_retained_data_and_never_double_bind(ops) -> None:
    c = Cluster("course")
    written: dict[int, str] = {}  # pv index -> what a pod wrote into it
    for op, i in ops:
        if op == "pv":
            c.kubectl(["apply", "-f", "-"], input=pv(f"v{i}", f"{i + 1}0Mi"))
        elif op == "pvc":
            c.kubectl(["apply", "-f", "-"], input=pvc(f"c{i}", "5Mi"))
        elif op == "pod":
            c.kubectl(["apply", "-f", "-"], input=pod(f"p{i}", f"c{i}"))
        elif op == "wait":
            c.advance(30)
            for p in c.store.list("Pod", "default"):
                if p.status.phase == "Running" and not p.metadata.deletion_timestamp:
                    name = p.spec.volumes[0].persistent_volume_claim.claim_name
                    claim = c.store.try_get("PersistentVolumeClaim", "default", name)
                    vol = claim.spec.volume_name if claim is not None else None
                    if vol and c.kubectl(f"exec {p.metadata.name} -- sh -c 'echo {vol} > /data/f'").returncode == 0:
                        written[int(vol[1:])] = vol
        else:
            kind, prefix = {"del-pv": ("pv", "v"), "del-pvc": ("pvc", "c"), "del-pod": ("pod", "p")}[op]
            c.kubectl(f"delete {kind} {prefix}{i} --wait=false")
        c.advance(1)
        owners: dict[str, str] = {}
        for v in c.store.list("PersistentVolume"):
            if v.spec.claim_ref is not None and v.status.phase == "Bound":
                key = f"{v.spec.claim_ref.namespace}/{v.spec.claim_ref.name}/{v.spec.claim_ref.uid}"
                assert key not in owners, f"{v.metadata.name} and {owners[key]} bound to one claim"
                owners[key] = v.metadata.name
        for claim in c.store.list("PersistentVolumeClaim", "default"):
            if claim.spec.volume_name:
                vol = c.store.try_get("PersistentVolume", "", claim.spec.volume_name)
                if vol is not None and vol.spec.claim_ref is not None and claim.status.phase == "Bound":
                    assert vol.spec.claim_ref.uid == claim.metadata.uid
    for index, text in written.items():
        assert c.sh(f"cat /tmp/v{index}/f", host="mac-worker").stdout == text + "\n"
