"""What the describers need from the cluster: the clock, the version, and related objects.

``kubectl describe`` fetches more than the object it names: the events about it, the pods a
controller owns, a Deployment's ReplicaSets, a Service's Endpoints or EndpointSlices, the pods on
a Node and the Node's Lease. The describers ask for them through this small interface, which the
simulator's store is adapted to.
"""

from __future__ import annotations

from typing import Any, Optional, Protocol, runtime_checkable


@runtime_checkable
class Lookup(Protocol):
    """The describers' window on the cluster.

    * ``now`` -- the simulated time (seconds since the epoch) that ages are measured from.
    * ``minor`` -- the Kubernetes minor version of the cluster (and so of its kubectl), e.g. 23
      or 32. Describers pick version-dependent wording by it.
    * ``list(kind, namespace, selector)`` -- objects of a kind, optionally in one namespace
      (``None``: all namespaces) and matching a parsed label selector, in API list order
      (namespace, then name), like ``kubenb.store.Store.list``.
    * ``try_get(kind, namespace, name)`` -- one object or ``None`` (``namespace`` is ``""`` for
      cluster-scoped kinds).
    * ``pods_on_node(name)`` -- the Pods whose ``spec.nodeName`` is ``name``, in API list order
      (kubectl lists them with that field selector; an index answers it without a scan).
    * ``events_for(obj)`` -- the core/v1 Events whose ``involvedObject.uid`` is the object's uid
      (for a Node, also those whose uid is the node's *name*: the kubelet reports them that way
      and ``kubectl describe node`` merges both searches). Any order: the describers sort them
      as kubectl does.
    """

    now: float
    minor: int

    def list(self, kind: str, namespace: Optional[str] = None, selector: Any = None) -> list: ...

    def try_get(self, kind: str, namespace: str, name: str) -> Optional[Any]: ...

    def pods_on_node(self, name: str) -> list: ...

    def events_for(self, obj: Any) -> list: ...
