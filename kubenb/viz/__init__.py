"""Pictures of the cluster: Plotly figures drawn from the store and the recorder's history.

Each figure is a pure function of (the cluster as it is now, its :class:`kubenb.history.Recorder`)
and returns a ``plotly.graph_objects.Figure``:

========================================  ================================================================
``rollout(cluster, "deploy/x")``          ReplicaSet replica curves over time, surge/unavailable bounds,
                                          ScalingReplicaSet events, revisions with their change-cause
``routes(cluster, "svc/x")``              Sankey: clients / Ingress rules → Service → endpoints → pods →
                                          nodes, weighted with kube-proxy's probabilities
``storage(cluster, "default")``           pods → volumes → PVCs → PVs → StorageClasses → hostPath / NFS …
``nodes(cluster)``                        requests and limits against allocatable, per owner, taints, and
                                          an Unscheduled lane with the scheduler's reason
``graph(cluster, "default", focus)``      the object graph (networkx): owners, selectors, volumes, routes
``timeline(cluster, "app=x")``            a Gantt chart of pod phases / container states
========================================  ================================================================

Live widgets (:mod:`kubenb.viz.live`, :func:`live_view`) redraw in place; :func:`refresh_all` is what the magics
call after each command. From Python, ``for_cluster(cluster)`` gives all of it bound to one cluster.
"""

from __future__ import annotations

from typing import Any

from kubenb.viz.common import VizError
from kubenb.viz.figures.graph import graph, object_graph
from kubenb.viz.figures.nodes import nodes
from kubenb.viz.figures.rollout import rollout
from kubenb.viz.figures.routes import routes
from kubenb.viz.figures.storage import storage
from kubenb.viz.figures.timeline import timeline

__all__ = ["ClusterViz", "VizError", "for_cluster", "graph", "live_view", "nodes", "object_graph", "refresh_all",
           "rollout", "routes", "storage", "timeline"]


def live_view(cluster: Any, view: str, *args: Any, **kwargs: Any) -> Any:
    """A live FigureWidget view (one per cluster, view and arguments; shown again, it is the same widget).

    (Not named ``live``: that is the module :mod:`kubenb.viz.live`.)"""
    from kubenb.viz.live import live as _live

    return _live(cluster, view, *args, **kwargs)


def refresh_all() -> int:
    """Patch every live view whose cluster changed since it last drew (cheap when nothing did)."""
    import sys

    module = sys.modules.get("kubenb.viz.live")
    return module.refresh_all() if module is not None else 0


class ClusterViz:
    """The figures of one cluster: ``for_cluster(c).rollout("deploy/x")``, ``….live("nodes")``."""

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster

    def rollout(self, target: str, namespace: str = "default", **kw: Any) -> Any:
        return rollout(self.cluster, target, namespace, **kw)

    def routes(self, target: Any = None, namespace: str = "default", **kw: Any) -> Any:
        return routes(self.cluster, target, namespace, **kw)

    def storage(self, namespace: str = "default", **kw: Any) -> Any:
        return storage(self.cluster, namespace, **kw)

    def nodes(self, **kw: Any) -> Any:
        return nodes(self.cluster, **kw)

    def graph(self, namespace: str = "default", focus: Any = None, **kw: Any) -> Any:
        return graph(self.cluster, namespace, focus, **kw)

    def timeline(self, selector: Any = None, namespace: Any = "default", **kw: Any) -> Any:
        return timeline(self.cluster, selector, namespace, **kw)

    def live(self, view: str, *args: Any, **kwargs: Any) -> Any:
        return live_view(self.cluster, view, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<kubenb viz of {self.cluster!r}: rollout routes storage nodes graph timeline live>"


def for_cluster(cluster: Any) -> ClusterViz:
    return ClusterViz(cluster)
