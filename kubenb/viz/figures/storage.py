"""`storage(cluster, ns)`: from each pod to the place its data really lives.

Columns: pods → their volumes → PVCs (and ConfigMaps / Secrets) → PVs → StorageClasses →
where the bytes are: a hostPath directory on a node, an NFS export ``server:/path``, a local
disk, a CSI driver, an emptyDir on the pod's node, or a provisioner that has yet to make a PV.
Nodes are coloured by phase (pods by their state, claims and volumes by ``status.phase``).

Edge kinds (``meta["kind"]`` of the edge traces, see :mod:`kubenb.viz.layered`): ``mounts`` (pod
→ volume), ``claims`` (volume → PVC), ``config`` (volume → ConfigMap/Secret), ``inline`` (volume →
hostPath/NFS/emptyDir written in the pod), ``bound`` (PVC → the PV named in its
``spec.volumeName``), ``requests`` (an unbound PVC → its StorageClass), ``class`` (PV →
StorageClass), ``provisioner`` (StorageClass → its provisioner), ``backed-by`` (PV → backend).
Node keys: ``pod:ns/name``, ``volume:ns/pod/vol``, ``pvc:ns/name``, ``pv:name``, ``sc:name``,
``configmap:ns/name``, ``secret:ns/name``, ``backend:...``, ``provisioner:...``.
"""

from __future__ import annotations

from typing import Any, Optional

import plotly.graph_objects as go

from kubenb.history import Recorder, pod_state
from kubenb.viz.common import base_layout, figure_meta, make_figure, state_color
from kubenb.viz.layered import Layered, axis_off

# claims and volumes that need a look stand out: waiting (Pending) orange, Released / Failed / Lost red
PHASE_COLORS = {"Pending": "#ff7f0e", "Released": "#d62728", "Failed": "#d62728", "Lost": "#d62728"}


def phase_color(phase: str) -> str:
    return PHASE_COLORS.get(phase) or state_color(phase)


COLUMNS = ["Pods", "Volumes", "Claims / config", "PersistentVolumes", "StorageClasses", "Where the data is"]
EDGE_STYLES = {
    "mounts": {"color": "#888"}, "claims": {"color": "#1f77b4", "width": 2}, "config": {"color": "#bbb"},
    "inline": {"color": "#8c564b", "width": 2}, "bound": {"color": "#2ca02c", "width": 3},
    "requests": {"color": "#ff7f0e", "width": 2, "dash": "dot"}, "class": {"color": "#9467bd"},
    "provisioner": {"color": "#9467bd", "dash": "dot"}, "backed-by": {"color": "#8c564b", "width": 2},
}


def _backend(spec: Any, node: Optional[str]) -> Optional[tuple[str, str]]:
    """(key, label) of where a volume source keeps its data."""
    if spec.host_path is not None:
        where = f" on {node}" if node else ""
        return f"backend:hostPath:{node or '?'}:{spec.host_path.path}", f"hostPath {spec.host_path.path}{where}"
    if spec.nfs is not None:
        return f"backend:nfs:{spec.nfs.server}:{spec.nfs.path}", f"NFS {spec.nfs.server}:{spec.nfs.path}"
    local = getattr(spec, "local", None)
    if local is not None:
        return f"backend:local:{node or '?'}:{local.path}", f"local {local.path}" + (f" on {node}" if node else "")
    csi = getattr(spec, "csi", None)
    if csi is not None:
        driver = getattr(csi, "driver", "") or "csi"
        handle = getattr(csi, "volume_handle", "") or ""
        return f"backend:csi:{driver}:{handle}", f"CSI {driver} {handle}".strip()
    return None


def _pv_node(pv: Any) -> Optional[str]:
    """The node a local/hostPath PV is pinned to by its nodeAffinity, if exactly one."""
    na = pv.spec.node_affinity
    terms = na.required.node_selector_terms if na and na.required else None
    for term in terms or ():
        for req in term.match_expressions or ():
            if req.key == "kubernetes.io/hostname" and req.operator == "In" and len(req.values or ()) == 1:
                return req.values[0]
    return None


def storage(cluster: Any, namespace: str = "default", recorder: Optional[Recorder] = None) -> go.Figure:
    """Pods → volumes → PVCs → PVs → StorageClasses → backends of `namespace`."""
    store = cluster.store
    g = Layered()
    rows: list[list[Any]] = []
    pvcs = {p.metadata.name: p for p in store.list("PersistentVolumeClaim", namespace)}
    pvs = {pv.metadata.name: pv for pv in store.list("PersistentVolume")}
    classes = {sc.metadata.name: sc for sc in store.list("StorageClass")}
    default_class = next((name for name, sc in classes.items()
                          if (sc.metadata.annotations or {}).get("storageclass.kubernetes.io/is-default-class")
                          == "true"), None)

    def sc_node(name: str) -> str:
        sc = classes.get(name)
        if sc is None:
            return g.add(f"sc:{name}", f"{name} (missing)", 4, "StorageClass", "#d62728")
        key = g.add(f"sc:{name}", f"sc/{name}", 4, "StorageClass", "#9467bd",
                    f"StorageClass {name}<br>provisioner {sc.provisioner}<br>reclaim {sc.reclaim_policy or 'Delete'}"
                    f"<br>binding {sc.volume_binding_mode or 'Immediate'}")
        prov = g.add(f"provisioner:{sc.provisioner}", f"provisioner {sc.provisioner}", 5, "backend", "#c5b0d5")
        g.edge(key, prov, "provisioner")
        return key

    def pvc_node(name: str) -> str:
        pvc = pvcs.get(name)
        if pvc is None:
            return g.add(f"pvc:{namespace}/{name}", f"pvc/{name} (missing)", 2, "PVC", "#d62728")
        phase = pvc.status.phase or "Pending"
        size = (pvc.spec.resources.requests or {}).get("storage", "")
        return g.add(f"pvc:{namespace}/{name}", f"pvc/{name}", 2, "PVC", phase_color(phase),
                     f"PVC {name}: {phase}<br>requests {size} {','.join(pvc.spec.access_modes or ())}"
                     f"<br>class {pvc.spec.storage_class_name!r}")

    # ---------------------------------------------------------------- pods and their volumes
    for pod in store.list("Pod", namespace):
        vols = pod.spec.volumes or ()
        interesting = [v for v in vols if not (v.projected is not None and v.name.startswith("kube-api-access"))]
        if not interesting:
            continue
        state, _ = pod_state(pod)
        pk = g.add(f"pod:{namespace}/{pod.metadata.name}", f"pod/{pod.metadata.name}", 0, "Pod", state_color(state),
                   f"pod {pod.metadata.name}: {state}<br>node {pod.spec.node_name or '-'}")
        node = pod.spec.node_name
        for v in interesting:
            vk = f"volume:{namespace}/{pod.metadata.name}/{v.name}"
            kind, target = _volume_target(v)
            g.add(vk, f"{v.name} ({kind})", 1, "volume", "#c7c7c7", f"volume {v.name}: {kind}")
            g.edge(pk, vk, "mounts")
            if v.persistent_volume_claim is not None:
                g.edge(vk, pvc_node(v.persistent_volume_claim.claim_name), "claims")
            elif v.config_map is not None:
                g.edge(vk, g.add(f"configmap:{namespace}/{target}", f"cm/{target}", 2, "config", "#dbdb8d"), "config")
            elif v.secret is not None:
                g.edge(vk, g.add(f"secret:{namespace}/{target}", f"secret/{target}", 2, "config", "#dbdb8d"), "config")
            elif v.empty_dir is not None:
                medium = "memory" if v.empty_dir.medium == "Memory" else "disk"
                bk = g.add(f"backend:emptyDir:{node or '?'}:{pod.metadata.uid}:{v.name}",
                           f"emptyDir ({medium}) on {node or '?'}", 5, "backend", "#e7cb94")
                g.edge(vk, bk, "inline")
            else:
                backend = _backend(v, node)
                if backend is not None:
                    g.edge(vk, g.add(backend[0], backend[1], 5, "backend", "#e7cb94"), "inline")
            rows.append([pod.metadata.name, v.name, kind, target or ""])
    # ---------------------------------------------------------------- claims and volumes
    for name, pvc in pvcs.items():
        ck = pvc_node(name)
        pv_name = pvc.spec.volume_name
        if pv_name:
            pv = pvs.get(pv_name)
            if pv is None:
                g.edge(ck, g.add(f"pv:{pv_name}", f"pv/{pv_name} (missing)", 3, "PV", "#d62728"), "bound")
            else:
                g.edge(ck, _pv(g, pv), "bound")
        else:
            sc = pvc.spec.storage_class_name if pvc.spec.storage_class_name is not None else default_class
            if sc:
                g.edge(ck, sc_node(sc), "requests")
    for pv in pvs.values():
        ref = pv.spec.claim_ref
        if ref is not None and (ref.namespace or "") != namespace:
            continue
        pk = _pv(g, pv)
        if pv.spec.storage_class_name:
            g.edge(pk, sc_node(pv.spec.storage_class_name), "class")
        backend = _backend(pv.spec, _pv_node(pv))
        if backend is not None:
            g.edge(pk, g.add(backend[0], backend[1], 5, "backend", "#e7cb94"), "backed-by")
        claim = f"{ref.namespace}/{ref.name}" if ref is not None else ""
        rows.append(["", "", f"pv/{pv.metadata.name} {pv.status.phase or ''}", claim])
    bound = [[s, d] for (s, d, k) in g.edges if k == "bound"]
    traces = g.traces(edge_styles=EDGE_STYLES)
    layout = base_layout(f"Storage of namespace {namespace}", **axis_off(g.titles(COLUMNS), g.tallest()),
                         height=max(480, 60 + 40 * max((sum(1 for n in g.nodes.values() if n.column == c)
                                                         for c in range(6)), default=1)),
                         meta=figure_meta("storage", cluster, namespace=namespace,
                                          columns=["POD", "VOLUME", "KIND", "SOURCE"], rows=rows, bound=bound))
    return make_figure(traces, layout)


def _pv(g: Layered, pv: Any) -> str:
    phase = pv.status.phase or "Pending"
    cap = (pv.spec.capacity or {}).get("storage", "")
    return g.add(f"pv:{pv.metadata.name}", f"pv/{pv.metadata.name}", 3, "PV", phase_color(phase),
                 f"PV {pv.metadata.name}: {phase}<br>{cap} {','.join(pv.spec.access_modes or ())}"
                 f"<br>reclaim {pv.spec.persistent_volume_reclaim_policy or 'Retain'}")


def _volume_target(v: Any) -> tuple[str, str]:
    if v.persistent_volume_claim is not None:
        return "pvc", v.persistent_volume_claim.claim_name
    if v.config_map is not None:
        return "configMap", v.config_map.name or ""
    if v.secret is not None:
        return "secret", v.secret.secret_name or ""
    if v.host_path is not None:
        return "hostPath", v.host_path.path
    if v.nfs is not None:
        return "nfs", f"{v.nfs.server}:{v.nfs.path}"
    if v.empty_dir is not None:
        return "emptyDir", ""
    for name in ("projected", "downward_api", "csi", "ephemeral", "image"):
        if getattr(v, name, None) is not None:
            return name, ""
    return "other", ""
