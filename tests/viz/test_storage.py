"""`storage`: pods → volumes → PVCs → PVs → classes → backends; the `bound` edges are the bound pairs.

No PV binder exists yet, so the PVs and PVCs are written with their bound status directly."""

from __future__ import annotations

from viz_helpers import new_cluster, traces

from kubenb import viz
from kubenb.api.codec import decode


def create(c, body: dict) -> None:
    c.store.create(decode(c.registry, body), keep_status=True)


def pv(name: str, source: dict, phase: str, claim: str | None = None, sc: str | None = None) -> dict:
    spec = {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], **source}
    if claim:
        spec["claimRef"] = {"kind": "PersistentVolumeClaim", "namespace": "default", "name": claim}
    if sc:
        spec["storageClassName"] = sc
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name}, "spec": spec,
            "status": {"phase": phase}}


def pvc(name: str, phase: str, volume: str | None = None, sc: str | None = "") -> dict:
    spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": sc}
    if volume:
        spec["volumeName"] = volume
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": "default"},
            "spec": spec, "status": {"phase": phase}}


def test_bound_edges_are_the_bound_claim_volume_pairs():
    c = new_cluster()
    create(c, {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "nfs-client"},
               "provisioner": "k8s-sigs.io/nfs-subdir-external-provisioner"})
    create(c, pv("pv-host", {"hostPath": {"path": "/mnt/data"}}, "Bound", claim="data"))
    create(c, pv("pv-nfs", {"nfs": {"server": "192.168.56.1", "path": "/srv/nfs/default-web"}}, "Bound",
                 claim="web", sc="nfs-client"))
    create(c, pv("pv-spare", {"hostPath": {"path": "/mnt/spare"}}, "Available"))
    create(c, pvc("data", "Bound", "pv-host"))
    create(c, pvc("web", "Bound", "pv-nfs", sc="nfs-client"))
    create(c, pvc("later", "Pending", sc="nfs-client"))
    c.apply("""\
apiVersion: v1
kind: Pod
metadata: {name: writer}
spec:
  containers: [{name: c, image: busybox, command: [sleep, "3600"], volumeMounts: [{name: d, mountPath: /data}]}]
  volumes:
  - {name: d, persistentVolumeClaim: {claimName: data}}
  - {name: scratch, emptyDir: {}}
""")
    c.sleep("20s")
    fig = viz.storage(c, "default")
    (bound,) = traces(fig, "edges", kind="bound")
    assert sorted(map(tuple, bound["meta"]["pairs"])) == [("pvc:default/data", "pv:pv-host"), ("pvc:default/web", "pv:pv-nfs")]
    assert fig.layout.meta["kubenb"]["bound"] == bound["meta"]["pairs"]
    # the chain from the pod to the directory that holds its data
    edges = {(s, d, tr["meta"]["kind"]) for tr in traces(fig, "edges") for s, d in tr["meta"]["pairs"]}
    assert ("pod:default/writer", "volume:default/writer/d", "mounts") in edges
    assert ("volume:default/writer/d", "pvc:default/data", "claims") in edges
    assert ("pv:pv-host", "backend:hostPath:?:/mnt/data", "backed-by") in edges
    assert ("pv:pv-nfs", "backend:nfs:192.168.56.1:/srv/nfs/default-web", "backed-by") in edges
    assert ("pv:pv-nfs", "sc:nfs-client", "class") in edges
    assert ("pvc:default/later", "sc:nfs-client", "requests") in edges  # waiting for the provisioner
    assert ("sc:nfs-client", "provisioner:k8s-sigs.io/nfs-subdir-external-provisioner", "provisioner") in edges
    node = c.get("pod", "writer").spec.node_name
    assert any(s == "volume:default/writer/scratch" and d.startswith(f"backend:emptyDir:{node}:") for s, d, _ in edges)
    assert "pv:pv-spare" in {k for tr in traces(fig, "nodes") for k in tr["customdata"]}
    # colours by phase
    (claims,) = traces(fig, "nodes", category="PVC")
    colors = dict(zip(claims["customdata"], claims["marker"]["color"], strict=True))
    assert colors["pvc:default/data"] == "#2ca02c" and colors["pvc:default/later"] != colors["pvc:default/data"]
