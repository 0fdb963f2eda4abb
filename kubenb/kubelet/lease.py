"""The node lease: each kubelet's heartbeat, a Lease named after its node in ``kube-node-lease``.

A port of ``k8s.io/component-helpers/apimachinery/lease`` as the kubelet runs it
(``nodeLeaseController``): the Lease is created when the kubelet starts (``holderIdentity`` the
node's name, ``leaseDurationSeconds`` 40, an ownerReference to the Node, no ``acquireTime`` --
the node lease controller never sets one) and its ``renewTime`` is renewed every quarter of the
duration, 10 s, with ``wait.JitterUntil``'s 4% jitter. The node lifecycle controller reads it to
decide whether a node is alive; ``kubectl describe node`` prints it.

Renewals are real writes, on the event loop, one timer per node. They are not computed when read:
a ``get leases -w`` (or a watch through the API server) must see one MODIFIED event per renewal and
resourceVersions must advance as on a real cluster. The cost is one small object update per node
every 10 s (500 writes per simulated second at 5,000 nodes). What is not simulated is the
cluster's prehistory: a profile starts days before "now" (nodes joined a week ago), and nothing
can observe the renewals of that quiet week -- so a lease's renewals start at its last 10-s tick
before "now", instead of 60,000 writes per node nobody could have seen.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kubenb.api.codec import decode
from kubenb.sim.loop import PRIORITY_NODE
from kubenb.store.errors import StatusError

if TYPE_CHECKING:
    from kubenb.kubelet.node import NodeAgent

NAMESPACE = "kube-node-lease"
DURATION_SECONDS = 40  # the kubelet's nodeLeaseDurationSeconds
RENEW_FRACTION = 0.25  # renewIntervalFraction: renew every 10 s
JITTER = 0.04  # wait.JitterUntil(c.sync, c.renewInterval, 0.04, true, ...)


def micro_time(t: float) -> str:
    """``metav1.MicroTime`` as JSON: RFC 3339 with six fractional digits."""
    micros = int(round(t * 1_000_000))
    whole, frac = divmod(micros, 1_000_000)
    return f"{_whole_second(whole)}.{frac:06d}Z"


@functools.lru_cache(maxsize=16)
def _whole_second(whole: int) -> str:
    """The date and time of a whole second: a tenth of the nodes renew within the same second, so
    formatting it once per second instead of once per renewal halves a renewal's own cost."""
    return datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")


class NodeLease:
    """One node's lease controller: ensure the Lease exists, then renew it every 10 s."""

    def __init__(self, agent: NodeAgent) -> None:
        self.agent = agent
        kubelet = agent.kubelet
        self.store = kubelet.store
        self.loop = kubelet.loop
        self.clock = kubelet.clock
        self.registry = kubelet.cluster.registry
        self.rng = kubelet.rng.stream(f"node-lease/{agent.name}")
        self.interval = DURATION_SECONDS * RENEW_FRACTION
        self.stopped = False
        self.present = kubelet.cluster.profile.epoch("now")  # where the simulation starts for real

    def start(self) -> None:
        self._sync(first=True)

    def stop(self) -> None:
        self.stopped = True

    def _sync(self, first: bool = False) -> None:
        """``controller.sync``: create the Lease if missing, else renew it; then wait the jittered period."""
        if self.stopped:
            return
        try:
            lease = self.store.try_get("Lease", NAMESPACE, self.agent.name)
            if lease is None:
                self.store.create(decode(self.registry, self._new_lease()))
            else:
                self._renew(lease)
        except StatusError:
            pass  # the next period retries, as upstream's sync does after logging the error
        now = self.clock.now
        at = now + self.interval * (1 + JITTER * self.rng.random())
        if first:  # just created: skip the renewals of the profile's quiet prehistory
            at = max(at, self.present - self.interval * self.rng.random())
        self.loop.call_at(at, self._sync, PRIORITY_NODE)

    def _new_lease(self) -> dict[str, Any]:
        name = self.agent.name
        meta: dict[str, Any] = {"name": name, "namespace": NAMESPACE}
        owner = self._owner()
        if owner is not None:
            meta["ownerReferences"] = [owner]
        return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": meta,
                "spec": {"holderIdentity": name, "leaseDurationSeconds": DURATION_SECONDS,
                         "renewTime": micro_time(self.clock.now)}}

    def _owner(self) -> Any:
        """``setNodeOwnerFunc``: the Node owns its Lease (so deleting the Node deletes it)."""
        node = self.store.try_get("Node", "", self.agent.name)
        if node is None:
            return None
        return {"apiVersion": "v1", "kind": "Node", "name": node.metadata.name, "uid": node.metadata.uid}

    def _renew(self, lease: Any) -> None:
        new = lease.model_copy()  # a new spec below; the rest stays shared with the stored Lease
        new.spec = {**lease.spec, "renewTime": micro_time(self.clock.now)}
        if not lease.metadata.owner_references:
            owner = self._owner()
            if owner is not None:
                from kubenb.api.meta import OwnerReference

                new.metadata = lease.metadata.model_copy(update={"owner_references": [OwnerReference(**owner)]})
        self.store.update(new)
