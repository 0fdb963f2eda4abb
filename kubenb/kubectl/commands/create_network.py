"""The network generators of `kubectl create`: `service clusterip|nodeport|loadbalancer|externalname`
and `ingress`.

Ports of `pkg/cmd/create/create_service.go` and `create_ingress.go`. Each builder returns the object
exactly as kubectl builds it client-side (so `--dry-run=client -o yaml` prints the same bytes as the
real kubectl) and kubectl's own validation errors, raised before anything reaches the API server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Optional

from kubenb.api import names
from kubenb.kubectl.context import Context, KubectlError

Built = tuple[dict, Optional[str]]


# ---------------------------------------------------------------------------- services


def service(kind: str) -> Callable[..., Built]:
    """`ServiceOptions` for one Service type: `Validate` then `createService`."""

    def build(ctx: Context, p: Any, args: list[str], command: str) -> Built:
        from kubenb.kubectl.commands.create import _int_flag, _meta, name_from_args  # create imports this module

        node_port = _int_flag(p, "node-port", command) if kind == "NodePort" else 0
        name = name_from_args(p, args, command)
        tcp = [item for text in p["tcp"] for item in text.split(",") if text]  # a pflag StringSlice
        cluster_ip = p["clusterip"] if kind == "ClusterIP" else ""
        external_name = p["external-name"] if kind == "ExternalName" else ""
        if kind == "ExternalName" and not p.was_set("external-name"):
            raise KubectlError('error: required flag(s) "external-name" not set')
        if cluster_ip != "None" and not tcp and kind != "ExternalName":
            raise KubectlError("error: at least one tcp port specifier must be provided")
        if kind == "ExternalName" and names.is_dns1123_subdomain(external_name):
            raise KubectlError(f"error: invalid service external name {external_name}")
        ports = []
        for spec_text in tcp:
            port, target = parse_ports(spec_text)
            entry: dict[str, Any] = {"name": spec_text.replace(":", "-"), "protocol": "TCP", "port": port,
                                     "targetPort": target}
            if node_port:
                entry["nodePort"] = node_port
            ports.append(entry)
        spec: dict[str, Any] = {"selector": {"app": name}, "type": kind}
        if ports:
            spec["ports"] = ports
        if cluster_ip:
            spec["clusterIP"] = cluster_ip
        if external_name:
            spec["externalName"] = external_name
        return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(ctx, name, labels={"app": name}),
                "spec": spec}, f"{kind} service"

    return build


def parse_ports(spec: str) -> tuple[int, Any]:
    """`parsePorts`: `port[:targetPort]`, the target a number or a port name."""
    parts = spec.split(":")
    text = parts[0]
    if not text.isdigit():
        raise KubectlError(f'error: strconv.ParseUint: parsing "{text}": invalid syntax')
    port = int(text)
    if port > 65535:
        raise KubectlError(f'error: strconv.ParseUint: parsing "{text}": value out of range')
    if len(parts) == 1:
        return port, port
    target = parts[1]
    try:
        number = int(target)
    except ValueError:
        errs = names.is_valid_port_name(target)
        if errs:
            raise KubectlError("error: " + ",".join(errs)) from None
        return port, target
    errs = names.is_valid_port_num(number)
    if errs:
        raise KubectlError("error: " + ",".join(errs))
    return port, number


SERVICE_TYPES: dict[str, tuple[tuple[str, ...], Callable[..., Built]]] = {
    "clusterip": (("tcp", "clusterip"), service("ClusterIP")),
    "externalname": (("tcp", "external-name"), service("ExternalName")),
    "loadbalancer": (("tcp",), service("LoadBalancer")),
    "nodeport": (("tcp", "node-port"), service("NodePort")),
}


# ---------------------------------------------------------------------------- ingress

# `ruleRegex`: host (letters, digits, `_`, `*`, `-`, `.`), a path that starts with `/`, `=`, the
# Service name and port, then optionally `,tls` or `,tls=SECRET`. Go's `\w` is ASCII. Up to kubectl
# 1.32 the expression has no `$`: only a prefix of the rule must match, so `a/=s:80,junk` passes
# (and `,junk` then reads as a TLS section without a secret).
_RULE = re.compile(r"(?P<host>[\w*\-.]*)(?P<path>/[^,=\n]*)=(?P<svcname>[\w\-]+):(?P<svcport>[\w\-]+)"
                   r"(,(?P<istls>tls)=?(?P<secretname>[\w\-]+)?)?", re.ASCII)


def ingress(ctx: Context, p: Any, args: list[str], command: str) -> Built:
    """`CreateIngressOptions`: `Validate`, then `createIngress`."""
    from kubenb.kubectl.commands.create import _meta, name_from_args  # create imports this module

    name = name_from_args(p, args, command)
    rules, annotations, default_backend = p["rule"], p["annotation"], p["default-backend"]
    if not default_backend and not rules:
        raise KubectlError("error: not enough information provided: every ingress has to either specify a "
                           "default-backend (which catches all traffic) or a list of rules (which catch specific "
                           "paths)")
    for rule in rules:
        if not _RULE.match(rule):
            raise KubectlError(f"error: rule {rule} is invalid and should be in format "
                               "host/path=svcname:svcport[,tls[=secret]]")
    for annotation in annotations:
        if "=" not in annotation:
            raise KubectlError(f"error: annotation {annotation} is invalid and should be in format key=[value]")
    if default_backend and len(default_backend.split(":")) != 2:
        raise KubectlError("error: default-backend should be in format servicename:serviceport")
    meta = _meta(ctx, name)
    if annotations:
        meta["annotations"] = dict(a.split("=", 1) for a in annotations)
    spec: dict[str, Any] = {}
    if p["class"]:
        spec["ingressClassName"] = p["class"]
    if default_backend:
        spec["defaultBackend"] = _backend(default_backend)
    tls = _tls(rules)
    if tls:
        spec["tls"] = tls
    built = _rules(rules)
    if built:
        spec["rules"] = built
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}, "ingress"


_ATOI = re.compile(r"[+-]?[0-9]+", re.ASCII)  # what Go's `strconv.Atoi` accepts


def _backend(service_port: str) -> dict:
    """`buildIngressBackendSvc`: `name:port`, the port a number if `intstr.Parse` reads one."""
    svc_name, port = service_port.split(":")[:2]
    if not _ATOI.fullmatch(port) or not -(1 << 63) <= int(port) < (1 << 63):
        return {"service": {"name": svc_name, "port": {"name": port}}}
    number = (int(port) + (1 << 31)) % (1 << 32) - (1 << 31)  # `intstr.FromInt` keeps the low 32 bits
    return {"service": {"name": svc_name, "port": {"number": number}}}


def _path(path_service: str) -> dict:
    """`buildHTTPIngressPath`: `Exact`, or `Prefix` when the path ends with `*` (which is dropped)."""
    path, service_port = path_service.split("=")[:2]
    path = "/" + path
    path_type = "Exact"
    if path.endswith("*"):
        path_type, path = "Prefix", path[:-1]
    return {"path": path, "pathType": path_type, "backend": _backend(service_port)}


def _rules(rules: list[str]) -> list[dict]:
    """`buildIngressRules`: one rule per host, in first-seen order, its paths in the order given."""
    out: list[dict] = []
    by_host: dict[str, dict] = {}
    for rule in rules:
        host, _, rest = rule.split(",")[0].partition("/")
        path = _path(rest)
        if host in by_host:
            by_host[host]["http"]["paths"].append(path)
            continue
        entry: dict[str, Any] = {"host": host} if host else {}
        entry["http"] = {"paths": [path]}
        by_host[host] = entry
        out.append(entry)
    return out


def _tls(rules: list[str]) -> list[dict]:
    """`buildTLSRules`: a host joins the entry of its secret (or starts one), each host once."""
    out: list[dict] = []
    seen: set[str] = set()
    for rule in rules:
        parts = rule.split(",")
        if len(parts) != 2:
            continue
        host = rule.split("/", 1)[0]
        secret_parts = parts[1].split("=")
        secret = secret_parts[1] if len(secret_parts) > 1 else ""
        if host in seen:
            continue
        seen.add(host)
        same = next((entry for entry in out if entry.get("secretName", "") == secret), None)
        if same is not None:
            same.setdefault("hosts", []).append(host)
            continue
        entry: dict[str, Any] = {}
        if host:
            entry["hosts"] = [host]
        if secret:
            entry["secretName"] = secret
        if entry:
            out.append(entry)
    return out


INGRESS: tuple[str, tuple[str, ...], Callable[..., Built]] = (
    "create ingress", ("class", "rule", "default-backend", "annotation"), ingress)
