"""`graph(cluster, ns, focus)`: the objects of a namespace and how they refer to each other.

A networkx ``DiGraph`` (:func:`object_graph`) of workloads, pods, Services, Ingresses, claims,
volumes, classes and nodes, with edges of these kinds (``kind`` attribute):

* ``owns`` — ownerReferences (owner → dependent: Deployment → ReplicaSet → Pod, CronJob → Job …);
* ``selects`` — a Service's selector matches a pod;
* ``routes`` — an Ingress rule's backend is a Service;
* ``mounts`` — a pod uses a PVC / ConfigMap / Secret; ``bound`` — PVC → PV; ``class`` — PV/PVC →
  StorageClass;
* ``runs-on`` — pod → node.

With `focus` (``deploy/x``, ``svc/y``) the graph is found by walking from that object through the
store's indexes (owner uid, labels), so its cost is the size of what is connected to it, not of
the namespace; nodes, StorageClasses, ConfigMaps and Secrets are shown but not walked through
(or everything would connect). When more than `max_pods` pods remain, the pods of one owner are
drawn as a single node ``Pod ×N`` (its key: ``Pods/<owner key>``), and nodes are left out when the
pods spread over more than ``MAX_NODES_AGGREGATED`` of them; past ``GL_THRESHOLD`` drawn nodes
the traces are WebGL (``scattergl``).

Node keys are ``Kind/namespace/name`` (``Kind/name`` when cluster-scoped). Traces follow
:mod:`kubenb.viz.layered`'s contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Optional

import networkx as nx
import plotly.graph_objects as go

from kubenb.api import labels as labelsel
from kubenb.history import Recorder, pod_state
from kubenb.viz.common import VizError, base_layout, figure_meta, get_object, make_figure, resolve_target, state_color
from kubenb.viz.layered import Layered, axis_off

COLUMN = {"Ingress": 0, "Service": 1, "CronJob": 1, "Deployment": 2, "StatefulSet": 2, "DaemonSet": 2, "Job": 2,
          "ReplicaSet": 3, "Pod": 4, "Pods": 4, "Node": 5, "ConfigMap": 5, "Secret": 5,
          "PersistentVolumeClaim": 6, "PersistentVolume": 7, "StorageClass": 8}
TITLES = ["Ingress", "Service", "Workload", "ReplicaSet", "Pod", "Node / config", "PVC", "PV", "StorageClass"]
KIND_COLORS = {"Ingress": "#8c564b", "Service": "#1f77b4", "Deployment": "#9467bd", "StatefulSet": "#9467bd",
               "DaemonSet": "#9467bd", "CronJob": "#9467bd", "Job": "#c5b0d5", "ReplicaSet": "#c5b0d5",
               "Node": "#393b79", "ConfigMap": "#dbdb8d", "Secret": "#dbdb8d", "StorageClass": "#9467bd"}
NOT_FOLLOWED = {"Node", "StorageClass", "ConfigMap", "Secret"}
GL_THRESHOLD = 1000
MAX_NODES_AGGREGATED = 30
EDGE_STYLES = {"owns": {"color": "#9467bd"}, "selects": {"color": "#1f77b4", "dash": "dot"},
               "routes": {"color": "#8c564b", "width": 2}, "mounts": {"color": "#bcbd22"},
               "bound": {"color": "#2ca02c", "width": 2}, "class": {"color": "#9467bd", "dash": "dot"},
               "runs-on": {"color": "#ccc"}}
WORKLOADS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob")
NAMESPACED = (*WORKLOADS, "Pod", "Service", "Ingress", "PersistentVolumeClaim")
CLUSTER_SCOPED = {"Node", "PersistentVolume", "StorageClass"}
KINDS = {*NAMESPACED, "Node", "ConfigMap", "Secret", "PersistentVolume", "StorageClass"}


def key_of(obj: Any) -> str:
    ns = obj.metadata.namespace
    return f"{obj.KIND}/{ns}/{obj.metadata.name}" if ns else f"{obj.KIND}/{obj.metadata.name}"


class _Edges:
    """Each edge belongs to one of its ends (the one that names the other); from there it is found
    with the object alone, and from the other end through an index."""

    def __init__(self, cluster: Any, namespace: str) -> None:
        self.store = cluster.store
        self.ns = namespace
        self._services: Optional[list[Any]] = None
        self._ingresses: Optional[list[Any]] = None
        self._claim_users: Optional[dict[str, list[Any]]] = None

    def services(self) -> list[Any]:
        if self._services is None:
            self._services = [s for s in self.store.list("Service", self.ns) if s.spec.selector]
        return self._services

    def ingresses(self) -> list[Any]:
        if self._ingresses is None:
            self._ingresses = self.store.list("Ingress", self.ns)
        return self._ingresses

    def owned(self, obj: Any, with_selects: bool = True) -> Iterator[tuple[Any, Any, str]]:
        """The edges `obj` names: (source, target, kind)."""
        store, ns, kind = self.store, self.ns, obj.KIND
        for ref in obj.metadata.owner_references or ():
            if ref.kind in KINDS:
                owner = store.try_get(ref.kind, "" if ref.kind in CLUSTER_SCOPED else ns, ref.name)
                if owner is not None and owner.metadata.uid == ref.uid:
                    yield owner, obj, "owns"
        if kind == "Service" and obj.spec.selector and with_selects:
            for pod in store.list("Pod", ns, labelsel.selector_from_set(obj.spec.selector)):
                yield obj, pod, "selects"
        elif kind == "Ingress":
            backends = [p.backend for r in obj.spec.rules or () if r.http for p in r.http.paths or ()]
            if obj.spec.default_backend is not None:
                backends.append(obj.spec.default_backend)
            for b in backends:
                svc = store.try_get("Service", ns, b.service.name) if b.service is not None else None
                if svc is not None:
                    yield obj, svc, "routes"
        elif kind == "Pod":
            for target in self.mounted(obj):
                yield obj, target, "mounts"
            node = store.try_get("Node", "", obj.spec.node_name) if obj.spec.node_name else None
            if node is not None:
                yield obj, node, "runs-on"
        elif kind == "PersistentVolumeClaim":
            pv = store.try_get("PersistentVolume", "", obj.spec.volume_name) if obj.spec.volume_name else None
            if pv is not None:
                yield obj, pv, "bound"
            elif obj.spec.storage_class_name:
                sc = store.try_get("StorageClass", "", obj.spec.storage_class_name)
                if sc is not None:
                    yield obj, sc, "class"
        elif kind == "PersistentVolume" and obj.spec.storage_class_name:
            sc = store.try_get("StorageClass", "", obj.spec.storage_class_name)
            if sc is not None:
                yield obj, sc, "class"

    def mounted(self, pod: Any) -> Iterator[Any]:
        """The PVCs, ConfigMaps and Secrets a pod's volumes name (those that exist)."""
        store, ns = self.store, self.ns
        for v in pod.spec.volumes or ():
            target = None
            if v.persistent_volume_claim is not None:
                target = store.try_get("PersistentVolumeClaim", ns, v.persistent_volume_claim.claim_name)
            elif v.config_map is not None:
                target = store.try_get("ConfigMap", ns, v.config_map.name or "")
            elif v.secret is not None:
                target = store.try_get("Secret", ns, v.secret.secret_name or "")
            if target is not None:
                yield target

    def named_by(self, obj: Any) -> Iterator[tuple[Any, Any, str]]:
        """The edges other objects own that point at `obj` (found through indexes)."""
        store, kind = self.store, obj.KIND
        for dep in store.by_owner(obj.metadata.uid or ""):
            if dep.KIND in KINDS and (dep.metadata.namespace or "") == self.ns:
                yield obj, dep, "owns"
        if kind == "Pod":
            labels = obj.metadata.labels or {}
            for svc in self.services():
                if all(labels.get(k) == v for k, v in svc.spec.selector.items()):
                    yield svc, obj, "selects"
        elif kind == "Service":
            for ing in self.ingresses():
                for edge in self.owned(ing):
                    if edge[1] is obj or key_of(edge[1]) == key_of(obj):
                        yield edge
        elif kind == "PersistentVolumeClaim":
            if self._claim_users is None:
                self._claim_users = {}
                for pod in store.list("Pod", self.ns):
                    for v in pod.spec.volumes or ():
                        if v.persistent_volume_claim is not None:
                            self._claim_users.setdefault(v.persistent_volume_claim.claim_name, []).append(pod)
            for pod in self._claim_users.get(obj.metadata.name or "", ()):
                yield pod, obj, "mounts"
        elif kind == "PersistentVolume":
            ref = obj.spec.claim_ref
            pvc = store.try_get("PersistentVolumeClaim", ref.namespace or "", ref.name) if ref is not None else None
            if pvc is not None and (pvc.metadata.namespace or "") == self.ns and pvc.spec.volume_name == obj.metadata.name:
                yield pvc, obj, "bound"


def short_kind(cluster: Any, kind: str) -> str:
    """kubectl's short name of a kind (``deploy``, ``rs``, ``po``, ``svc``, ``pvc``…), else its lower-case name."""
    info = cluster.registry.resolve(kind.lower())
    return info.short_names[0] if info is not None and info.short_names else kind.lower()


def _state(obj: Any) -> Optional[str]:
    if obj.KIND == "Pod":
        return pod_state(obj)[0]
    if obj.KIND in ("PersistentVolumeClaim", "PersistentVolume"):
        return obj.status.phase
    return None


def _add(g: nx.DiGraph, obj: Any) -> str:
    k = key_of(obj)
    if k not in g:
        g.add_node(k, kind=obj.KIND, name=obj.metadata.name, namespace=obj.metadata.namespace, state=_state(obj),
                   owner=_owner_key(obj))
    return k


def _owner_key(obj: Any) -> Optional[str]:
    ref = obj.metadata.controller_ref()
    if ref is None:
        return None
    ns = obj.metadata.namespace
    return f"{ref.kind}/{ns}/{ref.name}" if ns else f"{ref.kind}/{ref.name}"


def object_graph(cluster: Any, namespace: str, focus: Optional[Any] = None) -> nx.DiGraph:
    """Objects of `namespace` (and the cluster-scoped ones they use) with typed edges; with `focus`
    (a stored object), only what is connected to it."""
    edges = _Edges(cluster, namespace)
    g = nx.DiGraph()
    if focus is None:
        for kind in NAMESPACED:
            for obj in cluster.store.list(kind, namespace):
                _add(g, obj)
                for src, dst, kind_ in edges.owned(obj):
                    g.add_edge(_add(g, src), _add(g, dst), kind=kind_)
        for pv in cluster.store.list("PersistentVolume"):
            ref = pv.spec.claim_ref
            if ref is not None and (ref.namespace or "") == namespace and key_of(pv) in g:
                for src, dst, kind_ in edges.owned(pv):
                    g.add_edge(_add(g, src), _add(g, dst), kind=kind_)
        return g
    start = _add(g, focus)
    frontier = [focus]
    expanded = {start}
    while frontier:
        obj = frontier.pop()
        for src, dst, kind_ in (*edges.owned(obj), *edges.named_by(obj)):
            g.add_edge(_add(g, src), _add(g, dst), kind=kind_)
            for other in (src, dst):
                k = key_of(other)
                if k not in expanded and other.KIND not in NOT_FOLLOWED:
                    expanded.add(k)
                    frontier.append(other)
    return g


def _group(g: nx.DiGraph, owner: Optional[str]) -> str:
    key = f"Pods/{owner or '(no owner)'}"
    if key not in g:
        g.add_node(key, kind="Pods", name=owner or "(no owner)", namespace=None, state=None, owner=owner,
                   count=0, states={}, nodes=set())
    return key


def _count(d: dict, state: Optional[str], node: Optional[str]) -> None:
    d["count"] += 1
    d["states"][state] = d["states"].get(state, 0) + 1
    if node:
        d["nodes"].add(node)


def aggregate(g: nx.DiGraph) -> nx.DiGraph:
    """`g` with the pods of each owner merged into one vertex of kind ``Pods`` (key ``Pods/<owner key>``,
    attributes ``count``, ``states`` (state -> pods) and ``nodes``)."""
    out = nx.DiGraph()
    alias: dict[str, str] = {}
    for k, d in g.nodes(data=True):
        if d["kind"] == "Pod":
            owner = d["owner"] if d["owner"] in g else None
            alias[k] = _group(out, owner)
            node = next((v for v in g.successors(k) if g.edges[k, v]["kind"] == "runs-on"), None)
            _count(out.nodes[alias[k]], d["state"], g.nodes[node]["name"] if node else None)
        else:
            out.add_node(k, **d)
    for u, v, d in g.edges(data=True):
        out.add_edge(alias.get(u, u), alias.get(v, v), **d)
    return out


def aggregated_graph(cluster: Any, namespace: str) -> nx.DiGraph:
    """What ``aggregate(object_graph(cluster, namespace))`` gives, in one pass over the pods (a few
    microseconds each) instead of a vertex and edges per pod."""
    store = cluster.store
    edges = _Edges(cluster, namespace)
    g = nx.DiGraph()
    for kind in NAMESPACED:
        if kind == "Pod":
            continue
        for obj in store.list(kind, namespace):
            _add(g, obj)
            for src, dst, kind_ in edges.owned(obj, with_selects=False):
                g.add_edge(_add(g, src), _add(g, dst), kind=kind_)
    group_of: dict[str, str] = {}
    for pod in store.list("Pod", namespace):
        owner = _owner_key(pod)
        key = _group(g, owner if owner in g else None)
        _count(g.nodes[key], pod_state(pod)[0], pod.spec.node_name)
        group_of[pod.metadata.name or ""] = key
        if owner in g and not g.has_edge(owner, key):
            g.add_edge(owner, key, kind="owns")
        for target in edges.mounted(pod):
            g.add_edge(key, _add(g, target), kind="mounts")
        if pod.spec.node_name:
            node_key = f"Node/{pod.spec.node_name}"
            if node_key not in g:
                node = store.try_get("Node", "", pod.spec.node_name)
                if node is None:
                    continue
                _add(g, node)
            g.add_edge(key, node_key, kind="runs-on")
    for svc in edges.services():
        for pod in store.list("Pod", namespace, labelsel.selector_from_set(svc.spec.selector)):
            g.add_edge(key_of(svc), group_of[pod.metadata.name or ""], kind="selects")
    for pv in store.list("PersistentVolume"):
        if key_of(pv) in g:
            for src, dst, kind_ in edges.owned(pv):
                g.add_edge(_add(g, src), _add(g, dst), kind=kind_)
    return g


def graph(cluster: Any, namespace: str = "default", focus: Optional[str] = None,
          recorder: Optional[Recorder] = None, max_pods: int = 60, nodes: bool = True) -> go.Figure:
    """The object graph of `namespace`, optionally only what is connected to `focus`."""
    focus_obj = None
    if focus:
        info, name = resolve_target(cluster, focus, "deployment")
        focus_obj = get_object(cluster, info, namespace, name)
        if info.kind not in KINDS:
            raise VizError(f"error: {info.kind.lower()}/{name} is not part of the object graph")
    if focus_obj is None and len(cluster.store.indexes.namespace_keys("Pod", namespace)) > max_pods:
        g = aggregated_graph(cluster, namespace)
    else:
        g = object_graph(cluster, namespace, focus_obj)
        if sum(1 for _, d in g.nodes(data=True) if d["kind"] == "Pod") > max_pods:
            g = aggregate(g)
    aggregated = any(d["kind"] == "Pods" for _, d in g.nodes(data=True))
    layer = Layered()
    node_vertices = [k for k, d in g.nodes(data=True) if d["kind"] == "Node"]
    skip_nodes = not nodes or (aggregated and len(node_vertices) > MAX_NODES_AGGREGATED)
    for k, d in g.nodes(data=True):
        kind = d["kind"]
        if skip_nodes and kind == "Node":
            continue
        if kind == "Pods":
            states = d["states"]
            main = max(states.items(), key=lambda kv: (kv[1], kv[0] or ""))[0]
            summary = ", ".join(f"{n} {s}" for s, n in sorted(states.items(), key=lambda kv: kv[0] or ""))
            layer.add(k, f"po ×{d['count']}", COLUMN["Pods"], "Pod", state_color(main),
                      f"{d['count']} pods of {d['name']}<br>{summary}<br>on {len(d['nodes'])} nodes",
                      size=14 + min(26, d["count"] ** 0.5 * 2))
            continue
        c = state_color(d.get("state")) if kind in ("Pod", "PersistentVolumeClaim", "PersistentVolume") \
            else KIND_COLORS.get(kind, "#7f7f7f")
        state = f": {d['state']}" if d.get("state") else ""
        layer.add(k, f"{short_kind(cluster, kind)}/{d['name']}", COLUMN.get(kind, 5), kind, c,
                  f"{kind} {d['name']}{state}")
    for u, v, d in g.edges(data=True):
        layer.edge(u, v, d["kind"])
    gl = len(layer.nodes) > GL_THRESHOLD
    traces = layer.traces(gl=gl, edge_styles=EDGE_STYLES, show_text=len(layer.nodes) <= 150)
    counts: dict[str, int] = {}
    for _, d in g.nodes(data=True):
        if d["kind"] == "Pods":
            counts["Pod"] = counts.get("Pod", 0) + d["count"]
        else:
            counts[d["kind"]] = counts.get(d["kind"], 0) + 1
    rows = [[kind, n] for kind, n in sorted(counts.items())]
    columns_used = sorted({n.column for n in layer.nodes.values()})
    height = max(420, min(1600, 80 + 30 * max((sum(1 for n in layer.nodes.values() if n.column == c)
                                                for c in columns_used), default=1)))
    title = f"Objects of namespace {namespace}" + (f" connected to {focus}" if focus else "")
    if skip_nodes and node_vertices and nodes:
        title += f" (pods on {len(node_vertices)} nodes; nodes not drawn)"
    layout = base_layout(title, **axis_off(layer.titles(TITLES), layer.tallest()), height=height,
                         meta=figure_meta("graph", cluster, target=focus, namespace=namespace, columns=["KIND", "COUNT"],
                                          rows=rows, aggregated=aggregated, webgl=gl,
                                          nodes=g.number_of_nodes(), edges=g.number_of_edges()))
    return make_figure(traces, layout)
