"""Ingress controllers: how their nginx routes a request, and the status they report.

An Ingress does nothing by itself. Routing happens only inside a running controller pod: its
nginx (``kubenb.runtime.programs.ingress``) asks :meth:`IngressRouter.route` with its
``-ingress-class``, and gets what the chosen backend pod answered -- or None, which the nginx
turns into its default server's 404 page.

Two controllers are modelled, told apart by the IngressClass's ``spec.controller``:

* **NGINX Inc.'s** (``nginx.org/ingress-controller``, image ``nginx/nginx-ingress``, the course's):
  a rule must have a host (NIC rejects host-less rules); the first Ingress to claim a host owns it;
  ``pathType: Exact`` is ``location = /p``, ``Prefix`` and ``ImplementationSpecific`` are nginx's
  string-prefix ``location /p``; upstreams are the Service's ready endpoints, chosen by
  ``nginx.org/lb-method`` (default ``random two least_conn``: random with no concurrent load);
  a Service without endpoints (or missing) is ``server 127.0.0.1:8181`` -- ``502 Bad Gateway``.
  Status is written only with ``-report-ingress-status`` and ``-external-service``.
* **ingress-nginx** (``k8s.io/ingress-nginx``): host-less rules catch every host, Ingresses for
  one host merge, ``Prefix`` matches path elements (``/foo`` matches ``/foo/bar``, not
  ``/foobar``), round-robin upstreams, ``503`` for a missing Service or no endpoints; the status
  gets the controller pods' node addresses (or ``--publish-service``'s) so ``kubectl get ingress``
  shows an ADDRESS.

Hosts follow nginx's ``server_name``: an exact name wins over the longest ``*.suffix`` wildcard
(which, in nginx, also matches deeper names). Within a host, an exact location beats a prefix
and the longest prefix wins; without a match, the Ingress's ``defaultBackend`` serves, else 404.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from kubenb.api.base import evolve
from kubenb.api.networking import IngressLoadBalancerIngress
from kubenb.client.events import EventRecorder
from kubenb.network.proxy import EndpointInfo
from kubenb.runtime.http import HttpRequest, HttpResponse
from kubenb.runtime.programs.ingress import served_version
from kubenb.runtime.programs.nginx import SPECIAL, special_page
from kubenb.runtime.sandbox import ConnectError, Sandbox
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

if TYPE_CHECKING:
    from kubenb.network.network import ClusterNetwork

NIC = "nginx.org/ingress-controller"
INGRESS_NGINX = "k8s.io/ingress-nginx"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
STATUS_DELAY = 1.0


@dataclass(frozen=True)
class Backend:
    namespace: str
    service: str
    port_number: Optional[int]
    port_name: Optional[str]
    lb_method: str

    @property
    def upstream(self) -> str:
        return f"{self.namespace}-{self.service}-{self.port_number or self.port_name}"


@dataclass(frozen=True)
class Controller:
    """A running controller pod, as far as routing and status need it."""

    flavor: str  # NIC | INGRESS_NGINX
    namespace: str
    pod: str
    uid: str
    node: str
    ingress_class: str
    args: tuple[str, ...]

    def arg(self, name: str) -> Optional[str]:
        for a in self.args:
            bare = a.lstrip("-")
            if bare == name:
                return "true"
            if bare.startswith(name + "="):
                return bare.split("=", 1)[1]
        return None


def controller_flavor(image: str) -> Optional[str]:
    if "nginx-ingress" in image and "ingress-nginx" not in image:
        return NIC
    if "ingress-nginx/controller" in image or "nginx-ingress-controller" in image:
        return INGRESS_NGINX
    return None


class IngressRouter:
    def __init__(self, net: ClusterNetwork) -> None:
        self.net = net
        self.store = net.store
        self.cluster = net.cluster
        self._round_robin: dict[str, int] = {}
        self._status_pending = False
        self._recorders: dict[str, EventRecorder] = {}  # controller pod uid -> its recorder
        self._seen: dict[str, set[str]] = {}  # controller pod uid -> uids of the Ingresses it has synced
        self._changed: dict[str, bool] = {}  # Ingress uid -> whether only its status changed since the last sync
        for kind in ("Ingress", "IngressClass", "Pod", "Service"):
            self.store.watch(self._on_change, kind)

    # ---------------------------------------------------------------- which Ingresses

    def flavor_of_class(self, ingress_class: str) -> str:
        ic = self.store.try_get("IngressClass", "", ingress_class)
        controller = ic.spec.controller if ic is not None else None
        return INGRESS_NGINX if controller == INGRESS_NGINX else NIC

    def ingresses_for(self, ingress_class: str) -> list[Any]:
        ic = self.store.try_get("IngressClass", "", ingress_class)
        is_default = ic is not None and (ic.metadata.annotations or {}).get(DEFAULT_CLASS_ANNOTATION) == "true"
        out = []
        for ing in self.store.list("Ingress"):
            cls = ing.spec.ingress_class_name or (ing.metadata.annotations or {}).get(CLASS_ANNOTATION)
            if cls == ingress_class or (cls is None and is_default):
                out.append(ing)
        out.sort(key=lambda i: (i.metadata.creation_timestamp or "", i.metadata.namespace or "", i.metadata.name or ""))
        return out

    # ---------------------------------------------------------------- routing

    def match(self, ingress_class: str, host: str, path: str) -> tuple[str, Optional[Backend]]:
        """("backend", b) for a matched rule or default backend; ("none", None) for the 404."""
        flavor = self.flavor_of_class(ingress_class)
        host = host.lower()
        servers: dict[str, list[tuple[Any, Any]]] = {}  # server name -> [(ingress, rule)]
        owner: dict[str, str] = {}
        catch_all: Optional[Any] = None
        for ing in self.ingresses_for(ingress_class):
            key = f"{ing.metadata.namespace}/{ing.metadata.name}"
            rules = ing.spec.rules or []
            if not rules and ing.spec.default_backend is not None and catch_all is None and flavor == INGRESS_NGINX:
                catch_all = ing
            for rule in rules:
                name = (rule.host or "").lower()
                if not name and flavor == NIC:
                    continue  # NIC: spec.rules[].host: Required value (the Ingress is rejected)
                if flavor == NIC and owner.setdefault(name, key) != key:
                    continue  # "All hosts are taken by other resources"
                servers.setdefault(name, []).append((ing, rule))
        chosen = self._server(servers, host, flavor)
        if chosen is None:
            if catch_all is not None:
                return "backend", self._backend(catch_all, catch_all.spec.default_backend)
            return "none", None
        best: Optional[tuple[tuple[int, int], Any, Any]] = None
        for ing, rule in chosen:
            for p in (rule.http.paths if rule.http is not None else None) or ():
                score = _path_score(p.path or "/", p.path_type or "ImplementationSpecific", path, flavor)
                if score is not None and (best is None or score > best[0]):
                    best = (score, ing, p.backend)
        if best is not None:
            return "backend", self._backend(best[1], best[2])
        for ing, _ in chosen:
            if ing.spec.default_backend is not None:
                return "backend", self._backend(ing, ing.spec.default_backend)
        if catch_all is not None:
            return "backend", self._backend(catch_all, catch_all.spec.default_backend)
        return "none", None

    @staticmethod
    def _server(servers: dict[str, list], host: str, flavor: str) -> Optional[list]:
        if host in servers and host:
            return servers[host]
        wild = [n for n in servers if n.startswith("*.") and host.endswith(n[1:]) and len(host) > len(n) - 1]
        if wild:
            return servers[max(wild, key=len)]
        if "" in servers and flavor == INGRESS_NGINX:
            return servers[""]
        return None

    def _backend(self, ing: Any, backend: Any) -> Optional[Backend]:
        svc = backend.service if backend is not None else None
        if svc is None:
            return None
        annotations = ing.metadata.annotations or {}
        method = annotations.get("nginx.org/lb-method") or annotations.get("nginx.com/lb-method") or ""
        return Backend(ing.metadata.namespace or "default", svc.name, svc.port.number, svc.port.name, method)

    def endpoints(self, b: Backend) -> Optional[list[EndpointInfo]]:
        """The ready endpoints behind a backend; None when the Service (or its port) does not exist."""
        svc = self.store.try_get("Service", b.namespace, b.service)
        if svc is None:
            return None
        port = next((p for p in svc.spec.ports or () if (b.port_number is not None and p.port == b.port_number)
                     or (b.port_name is not None and p.name == b.port_name)), None)
        if port is None:
            return None
        for info in self.net.table.ports:
            if (info.namespace, info.name, info.port_name, info.port) == (b.namespace, b.service, port.name or "",
                                                                           port.port):
                return [e for e in info.endpoints if e.ready]
        return []

    def pick(self, b: Backend, eps: list[EndpointInfo], flavor: str, client: str) -> EndpointInfo:
        method = b.lb_method or ("round_robin" if flavor == INGRESS_NGINX else "random two least_conn")
        if method == "round_robin":
            i = self._round_robin.get(b.upstream, 0)
            self._round_robin[b.upstream] = i + 1
            return eps[i % len(eps)]
        if method == "ip_hash":
            key = ".".join(client.split(".")[:3])
            return eps[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(eps)]
        return self.cluster.rng.stream(f"ingress/{b.upstream}").choice(eps)

    def route(self, ingress_class: str, request: HttpRequest, sandbox: Sandbox) -> Optional[HttpResponse]:
        flavor = self.flavor_of_class(ingress_class)
        version = _nginx_version(sandbox)
        kind, backend = self.match(ingress_class, request.host, request.path)
        if kind == "none":
            return None
        eps = self.endpoints(backend) if backend is not None else None
        if not eps:
            status = 503 if flavor == INGRESS_NGINX else 502
            return _page(status, version)
        assert backend is not None
        ep = self.pick(backend, eps, flavor, request.client_ip)
        origin = self.net.origin(sandbox)
        try:
            reached = self.net.connect_from(origin, ep.ip, ep.port)
        except ConnectError as e:
            return _page(504 if e.kind == "timeout" else 502, version)
        host = request.host
        headers = [("Host", host), ("X-Real-IP", request.client_ip), ("X-Forwarded-For", request.client_ip),
                   ("X-Forwarded-Host", host), ("X-Forwarded-Port", str(request.server_port)),
                   ("X-Forwarded-Proto", "http")]
        headers += [(k, v) for k, v in request.headers if k.lower() not in ("host", "connection")]
        upstream = HttpRequest(request.method, request.target, headers, request.body, "HTTP/1.1",
                               client_ip=reached.client_ip, server_ip=reached.server_ip,
                               server_port=reached.server_port)
        handler = getattr(reached.program, "handle_http", None)
        got = handler(upstream) if handler is not None else None
        if got is None or got.status == 0:
            return _page(502, version)
        return got

    # ---------------------------------------------------------------- status

    def _on_change(self, ev: WatchEvent) -> None:
        if ev.object.KIND == "Ingress" and ev.type == "DELETED":
            for seen in self._seen.values():
                seen.discard(ev.object.metadata.uid or "")
        elif ev.object.KIND == "Ingress":
            old = ev.old_object
            status_only = old is not None and old.spec == ev.object.spec and \
                old.metadata.labels == ev.object.metadata.labels and \
                old.metadata.annotations == ev.object.metadata.annotations
            uid = ev.object.metadata.uid or ""
            self._changed[uid] = self._changed.get(uid, True) and status_only
            if status_only:
                self._schedule()  # our own status write: only ingress-nginx re-syncs on it
                return
        if ev.object.KIND == "Pod" and not _is_controller(ev.object) and not (
                ev.old_object is not None and _is_controller(ev.old_object)):
            return
        self._schedule()

    def _schedule(self) -> None:
        if not self._status_pending:
            self._status_pending = True
            self.cluster.loop.call_later(STATUS_DELAY, self.sync)

    def sync(self) -> None:
        """What the running controllers do after a change: announce it, then report status."""
        self._status_pending = False
        self.record_events()
        self.sync_status()

    def controllers(self) -> list[Controller]:
        out = []
        for pod in self.store.list("Pod"):
            if pod.metadata.deletion_timestamp or pod.status.phase != "Running" or not _ready(pod):
                continue
            for c in pod.spec.containers:
                flavor = controller_flavor(c.image or "")
                if flavor is None:
                    continue
                args = tuple(c.command or ()) + tuple(c.args or ())
                probe = Controller(flavor, pod.metadata.namespace or "", pod.metadata.name or "",
                                   pod.metadata.uid or "", pod.spec.node_name or "", "", args)
                cls = probe.arg("ingress-class") or ("nginx" if flavor == NIC else self._class_for(probe))
                out.append(Controller(flavor, probe.namespace, probe.pod, probe.uid, probe.node, cls, args))
        return out

    def _class_for(self, c: Controller) -> str:
        wanted = c.arg("controller-class") or INGRESS_NGINX
        for ic in self.store.list("IngressClass"):
            if ic.spec.controller == wanted:
                return ic.metadata.name or "nginx"
        return "nginx"

    def record_events(self) -> None:
        """The Events a controller records on the Ingresses of its class as it syncs them.

        NGINX Inc.'s records ``AddedOrUpdated`` once its nginx has the configuration -- for every
        Ingress it finds when it starts and for each later change of one; a status write is not
        a change to it. ingress-nginx records ``Sync`` / ``Scheduled for sync`` from its informer
        for every add and every update, its own status writes included. Both record as component
        ``nginx-ingress-controller`` without a host; each replica records its own Events.
        """
        changed, self._changed = self._changed, {}
        running = self.controllers()
        live = {c.uid for c in running}
        for uid in [u for u in self._seen if u not in live]:
            del self._seen[uid]
            del self._recorders[uid]
        for c in running:
            seen = self._seen.setdefault(c.uid, set())
            recorder = self._recorders.setdefault(c.uid, EventRecorder(self.store, "nginx-ingress-controller"))
            ingresses = self.ingresses_for(c.ingress_class)
            clean = _nic_clean(ingresses) if c.flavor == NIC else None
            for ing in ingresses:
                uid = ing.metadata.uid or ""
                if clean is not None and uid not in clean:
                    continue  # NIC rejects it (a Warning this model does not word)
                first = uid not in seen
                if not first and (uid not in changed or (changed[uid] and c.flavor == NIC)):
                    continue
                seen.add(uid)
                if c.flavor == NIC:
                    key = f"{ing.metadata.namespace}/{ing.metadata.name}"
                    recorder.normal(ing, "AddedOrUpdated", f"Configuration for {key} was added or updated")
                else:
                    recorder.normal(ing, "Sync", "Scheduled for sync")

    def sync_status(self) -> None:
        desired: dict[tuple[str, str], list[str]] = {}
        managed: set[tuple[str, str]] = set()
        for c in self.controllers():
            addresses = self._addresses(c)
            for ing in self.ingresses_for(c.ingress_class):
                key = (ing.metadata.namespace or "", ing.metadata.name or "")
                if addresses is None:
                    continue
                managed.add(key)
                desired.setdefault(key, [])
                desired[key] = sorted(set(desired[key]) | set(addresses), key=_ip_key)
        for key in managed:
            ing = self.store.try_get("Ingress", *key)
            if ing is None:
                continue
            want = [{"ip": ip} for ip in desired.get(key, [])]
            have = [{"ip": i.ip} for i in (ing.status.load_balancer.ingress or ())]
            if want == have:
                continue
            new = evolve(ing, deep=("status",))
            new.status.load_balancer.ingress = [IngressLoadBalancerIngress(ip=w["ip"]) for w in want] or None
            try:
                self.store.update(new, subresource="status")
            except StatusError:
                pass

    def _addresses(self, c: Controller) -> Optional[list[str]]:
        """What the controller reports, or None when it does not report status at all."""
        if c.flavor == NIC:
            if c.arg("report-ingress-status") not in ("true", "True", "1"):
                return None
            name = c.arg("external-service")
            svc = self.store.try_get("Service", c.namespace, name) if name else None
            if svc is None:
                return None
            return _service_addresses(svc)
        if c.arg("update-status") in ("false", "False", "0"):
            return None
        published = c.arg("publish-service")
        if published and "/" in published:
            svc = self.store.try_get("Service", *published.split("/", 1))
            return _service_addresses(svc) if svc is not None else []
        addrs = []
        for ctl in self.controllers():
            if ctl.flavor == c.flavor and ctl.ingress_class == c.ingress_class:
                node = self.store.try_get("Node", "", ctl.node)
                if node is not None:
                    kinds = {a.type: a.address for a in node.status.addresses or ()}
                    addr = kinds.get("ExternalIP") or kinds.get("InternalIP")
                    if addr:
                        addrs.append(addr)
        return addrs


def _nic_clean(ingresses: list[Any]) -> set[str]:
    """The Ingresses NGINX Inc.'s controller takes whole: every rule has a host, none taken earlier."""
    owner: dict[str, str] = {}
    clean = set()
    for ing in ingresses:
        uid = ing.metadata.uid or ""
        hosts = [(r.host or "").lower() for r in ing.spec.rules or ()]
        if all(hosts) and all(owner.setdefault(h, uid) == uid for h in hosts):
            clean.add(uid)
    return clean


def _service_addresses(svc: Any) -> list[str]:
    ips = [i.ip for i in (svc.status.load_balancer.ingress or ()) if i.ip]
    return ips or list(svc.spec.external_ips or ())


def _ip_key(ip: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in ip.split("."))
    except ValueError:
        return (999,)


def _is_controller(pod: Any) -> bool:
    return any(controller_flavor(c.image or "") for c in pod.spec.containers)


def _ready(pod: Any) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions or ())


def _nginx_version(sandbox: Sandbox) -> str:
    for c in sandbox.containers:
        if c.image.meta.get("nginx.version"):
            return served_version(c.image.meta)
    return "1.21.6"


def _page(status: int, version: str) -> HttpResponse:
    # nginx's own status line for its pages ("503 Service Temporarily Unavailable")
    reason = SPECIAL.get(status, "").partition(" ")[2]
    return HttpResponse(status, [("Content-Type", "text/html")], special_page(status, version), reason)


def _path_score(path: str, path_type: str, request: str, flavor: str) -> Optional[tuple[int, int]]:
    """How well a location matches: (length, exact) to compare, or None."""
    if path_type == "Exact":
        return (len(path), 1) if request == path else None
    if flavor == NIC or path_type == "ImplementationSpecific":
        return (len(path), 0) if request.startswith(path) else None
    base = path.rstrip("/")
    if not base or request == base or request.startswith(base + "/"):
        return (len(base), 0)
    return None
