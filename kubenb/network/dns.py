"""CoreDNS as kubeadm installs it (``kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure }``,
``loadbalance``), and the pod resolver's search path in front of it.

Records in the cluster domain:

* ``<svc>.<ns>.svc.cluster.local``: the cluster IP; for a headless Service, the IPs of its ready
  endpoints (all of them with ``publishNotReadyAddresses``), shuffled by ``loadbalance``;
  ExternalName Services are CNAMEs (outside names do not resolve here: there is no internet).
* ``<host>.<svc>.<ns>.svc.cluster.local``: an endpoint of the Service, named by its ``hostname``
  (StatefulSet pods) or by its dashed IP (``10-10-1-42``). CoreDNS answers these endpoint queries
  for any Service with endpoints, headless or not ("Endpoint query or headless service" in its
  ``findServices``): a StatefulSet's pods resolve through a ClusterIP Service too.
* ``<a-b-c-d>.<ns>.pod.cluster.local``: the IP ``a.b.c.d`` (``pods insecure`` does not check).

Everything else in ``cluster.local`` is NXDOMAIN. The resolver (``options ndots:5``) tries the
search domains first for names with fewer than five dots, then the name as it is.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any, Optional

CLUSTER_DOMAIN = "cluster.local"


class CoreDNS:
    def __init__(self, store: Any, rng: Any, domain: str = CLUSTER_DOMAIN) -> None:
        self.store = store
        self.rng = rng
        self.domain = domain

    # ---------------------------------------------------------------- the resolver

    def resolve(self, name: str, search: Sequence[str], ndots: int = 5) -> tuple[str, list[str]]:
        """(the name that answered, its A records); no records means it did not resolve."""
        name = name.strip()
        if not name:
            return name, []
        if name.endswith("."):
            fqdn = name[:-1].lower()
            return fqdn, self.lookup(fqdn) or []
        candidates = [f"{name}.{d}" for d in search if d]
        if name.count(".") >= ndots:
            candidates.insert(0, name)
        else:
            candidates.append(name)
        for fqdn in candidates:
            found = self.lookup(fqdn.lower())
            if found:
                return fqdn.lower(), found
        return name, []

    # ---------------------------------------------------------------- the kubernetes plugin

    def lookup(self, fqdn: str) -> Optional[list[str]]:
        """A records of `fqdn`, or None for NXDOMAIN."""
        suffix = "." + self.domain
        if not fqdn.endswith(suffix):
            return None
        labels = fqdn[: -len(suffix)].split(".")
        if len(labels) == 3 and labels[2] == "pod":
            return self._pod_record(labels[0], labels[1])
        if len(labels) == 3 and labels[2] == "svc":
            return self._service(labels[1], labels[0])
        if len(labels) == 4 and labels[3] == "svc":
            return self._endpoint(labels[2], labels[1], labels[0])
        return None

    def _pod_record(self, dashed: str, namespace: str) -> Optional[list[str]]:
        if self.store.try_get("Namespace", "", namespace) is None:
            return None
        try:
            return [str(ipaddress.IPv4Address(dashed.replace("-", ".")))]
        except ValueError:
            return None

    def _service(self, namespace: str, name: str) -> Optional[list[str]]:
        svc = self.store.try_get("Service", namespace, name)
        if svc is None:
            return None
        spec = svc.spec
        if spec.type == "ExternalName":
            target = (spec.external_name or "").rstrip(".").lower()
            return self.lookup(target) if target.endswith("." + self.domain) else None
        if spec.cluster_ip and spec.cluster_ip != "None":
            return [spec.cluster_ip]
        ips = [ip for ip, _ in self._endpoint_addresses(svc)]
        if not ips:
            return None
        self.rng.stream("coredns/loadbalance").shuffle(ips)
        return ips

    def _endpoint(self, namespace: str, service: str, host: str) -> Optional[list[str]]:
        svc = self.store.try_get("Service", namespace, service)
        if svc is None or svc.spec.type == "ExternalName":
            return None
        for ip, hostname in self._endpoint_addresses(svc):
            if host == (hostname or ip.replace(".", "-")):
                return [ip]
        return None

    def _endpoint_addresses(self, svc: Any) -> list[tuple[str, Optional[str]]]:
        """(ip, hostname) of the Service's endpoint addresses CoreDNS serves."""
        eps = self.store.try_get("Endpoints", svc.metadata.namespace or "", svc.metadata.name or "")
        out: dict[str, Optional[str]] = {}
        publish = bool(svc.spec.publish_not_ready_addresses)
        for subset in (eps.subsets or ()) if eps is not None else ():
            groups = [subset.addresses or ()] + ([subset.not_ready_addresses or ()] if publish else [])
            for group in groups:
                for a in group:
                    out.setdefault(a.ip, a.hostname)
        return list(out.items())
