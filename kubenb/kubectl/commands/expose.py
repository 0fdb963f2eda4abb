"""`kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--target-port=...] [--type=type] [--name=name]`.

Port of `pkg/cmd/expose/expose.go`: only ReplicationControllers, Services, Pods, Deployments
and ReplicaSets can be exposed (``error: cannot expose a DaemonSet.apps``). The selector comes
from the object (a pod's labels, a Service's selector, a workload's ``matchLabels``; match
expressions cannot be converted), the ports from its containers (or Service ports) when
``--port`` is not given (several ports are named ``port-1``, ``port-2``…), each port's protocol
from the container port, ``targetPort`` from ``--target-port`` or else the port itself, and the
labels from the object's own labels. The Service is created in the command's namespace and
printed ``service/NAME exposed``; with ``--dry-run=client -o yaml`` it is printed as built
(``creationTimestamp: null``, ``status: loadBalancer: {}``), with its namespace only when ``-n``
was given.
"""

from __future__ import annotations

from typing import Any

from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError

FLAGS = (
    *common.PRINT_FLAGS,
    *common.FILENAME_FLAGS,
    Flag("port", default=""),
    Flag("target-port", default=""),
    Flag("container-port", default=""),
    Flag("type", default=""),
    Flag("name", default=""),
    Flag("protocol", default=""),
    Flag("selector", default=""),
    Flag("labels", "l", default=""),
    Flag("external-ip", default=""),
    Flag("load-balancer-ip", default=""),
    Flag("session-affinity", default=""),
    Flag("cluster-ip", default=""),
    Flag("dry-run", default="none", no_value="unchanged"),
    Flag("overrides", default=""),
    Flag("override-type", default="merge"),
    Flag("save-config", kind=bool, default=False),
    Flag("record", kind=bool, default=False),
    Flag("field-manager", default="kubectl-expose"),
)

EXPOSABLE = {("", "ReplicationController"), ("", "Service"), ("", "Pod"), ("apps", "Deployment"),
             ("extensions", "Deployment"), ("apps", "ReplicaSet"), ("extensions", "ReplicaSet")}
USAGE_TAIL = "\nSee 'kubectl expose -h' for help and examples"


def _usage(message: str) -> KubectlError:
    return KubectlError(f"error: {message}{USAGE_TAIL}")


def _make_labels(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in labels.items())


def _parse_labels(text: str) -> dict[str, str]:
    """`parseLabels`: `k=v,k2=v2`."""
    out: dict[str, str] = {}
    if not text:
        return out
    for pair in text.split(","):
        k, eq, v = pair.partition("=")
        if not eq or not k:
            raise KubectlError(f"error: invalid label spec: {pair}")
        out[k] = v
    return out


def _selector(obj: Any) -> str:
    """`MapBasedSelectorForObject`."""
    kind = obj.KIND
    if kind == "Pod":
        if not obj.metadata.labels:
            raise ValueError("the pod has no labels and cannot be exposed")
        return _make_labels(obj.metadata.labels)
    if kind == "Service":
        if obj.spec.selector is None:
            raise ValueError("the service has no pod selector set")
        return _make_labels(obj.spec.selector)
    if kind == "ReplicationController":
        return _make_labels(obj.spec.selector or {})
    sel = obj.spec.selector
    if sel is not None and sel.match_expressions:
        shown = " ".join(f"{{Key:{e.key} Operator:{e.operator} Values:[{' '.join(e.values or [])}]}}"
                         for e in sel.match_expressions)
        raise ValueError(f'couldn\'t convert expressions - "[{shown}]" to map-based selector format')
    return _make_labels((sel.match_labels if sel is not None else None) or {})


def _containers(obj: Any) -> list[Any]:
    if obj.KIND == "Pod":
        return list(obj.spec.containers or ())
    template = obj.spec.template
    return list(template.spec.containers or ()) if template is not None and template.spec is not None else []


def _ports(obj: Any) -> list[str]:
    """`PortsForObject`."""
    if obj.KIND == "Service":
        return [str(p.port) for p in obj.spec.ports or ()]
    return [str(cp.container_port) for c in _containers(obj) for cp in c.ports or ()]


def _protocols(obj: Any) -> dict[str, str]:
    """`ProtocolsForObject`: port -> protocol (a later container port wins, as in a Go map)."""
    out: dict[str, str] = {}
    if obj.KIND == "Service":
        for p in obj.spec.ports or ():
            out[str(p.port)] = p.protocol or "TCP"
        return out
    for c in _containers(obj):
        for cp in c.ports or ():
            out[str(cp.container_port)] = cp.protocol or "TCP"
    return out


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    common.warn_record(ctx, p)
    dry = common.dry_run(p)
    common.check_output_format(p["output"])
    if not p.args and not p["filename"]:
        raise _usage(common.NO_RESOURCES)
    targets, problems = common.find(ctx, p, list(p.args), "expose")
    common.fail_if(problems)
    for target in targets:
        _expose(ctx, p, target, dry)
    return 0


def _expose(ctx: Context, p: Any, target: common.Target, dry: str) -> None:
    info, obj = target.info, target.obj
    if (info.group, info.kind) not in EXPOSABLE:
        raise KubectlError(f"error: cannot expose a {info.kind}{'.' + info.group if info.group else ''}")
    default_name = (obj.metadata.name or "")[:63]
    selector_text = p["selector"]
    if not selector_text:
        try:
            selector_text = _selector(obj)
        except ValueError as e:
            raise _usage(f"couldn't retrieve selectors via --selector flag or introspection: {e}") from None
    cluster_ip = p["cluster-ip"]
    ports_text = [p["port"]] if p["port"] else []
    if not ports_text:
        found = _ports(obj)
        if not found and cluster_ip != "None":
            raise _usage("couldn't find port via --port flag or introspection")
        ports_text = found
    protocols = _protocols(obj)
    labels = _parse_labels(p["labels"] or _make_labels(obj.metadata.labels or {}))
    selector = _parse_labels(selector_text)
    name = p["name"] or default_name
    ports: list[dict[str, Any]] = []
    for i, text in enumerate(ports_text):
        text = text.strip()
        try:
            number = int(text)
        except ValueError:
            raise KubectlError(f'error: strconv.Atoi: parsing "{text}": invalid syntax') from None
        protocol = p["protocol"]
        if not protocol:
            protocol = protocols.get(text, "TCP") if protocols else "TCP"
        entry: dict[str, Any] = {"port": number, "protocol": protocol}
        if len(ports_text) > 1:
            entry = {"name": f"port-{i + 1}", **entry}
        ports.append(entry)
    target_text = p["target-port"] or p["container-port"]
    for entry in ports:
        if target_text:
            entry["targetPort"] = int(target_text) if target_text.isdigit() else target_text
        else:
            entry["targetPort"] = entry["port"]
    spec: dict[str, Any] = {"ports": ports, "selector": selector}
    if p["external-ip"]:
        spec["externalIPs"] = [p["external-ip"]]
    if p["type"]:
        spec["type"] = p["type"]
    if p["type"] == "LoadBalancer" and p["load-balancer-ip"]:
        spec["loadBalancerIP"] = p["load-balancer-ip"]
    affinity = p["session-affinity"]
    if affinity:
        if affinity not in ("None", "ClientIP"):
            raise KubectlError(f"error: unknown session affinity: {affinity}")
        spec["sessionAffinity"] = affinity
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    meta: dict[str, Any] = {"name": name}
    if labels:
        meta["labels"] = labels
    if dry == "client" and ctx.namespace_given:
        meta["namespace"] = ctx.namespace
    data = {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}
    if p["overrides"]:
        import json

        try:
            data = _merge_patch(data, json.loads(p["overrides"]))
        except ValueError as e:
            raise KubectlError(f"error: {e}") from None
    service = common.build(ctx, data)
    svc_info = ctx.store.info(service)
    if dry != "client":
        service.metadata.namespace = ctx.namespace
        service = ctx.store.create(service, dry_run=dry == "server")
    common.print_result(ctx, svc_info, service, "exposed", p["output"], dry, typed=True)


def _merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch (``--override-type=merge``, the default)."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = _merge_patch(out.get(k), v)
    return out
