"""Ingress validation (`pkg/apis/networking/validation`, `ValidateIngressCreate`/`Update`).

What a learner can get wrong in an Ingress manifest -- a pathType that does not exist, a relative
path, a host that is an IP address, a backend without a port -- is refused with the API server's
field errors, so `kubectl apply` prints `The Ingress "x" is invalid: ...` and stores nothing.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Optional

from kubenb.api import names
from kubenb.api.field import FieldError, GoLiteral, invalid, not_supported, required

Errors = list[FieldError]

SUPPORTED_PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]
_INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_INVALID_PATH_SUFFIXES = ("/..", "/.")

def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _host_errors(host: str, path: str) -> Errors:
    check = names.is_wildcard_dns1123_subdomain if "*" in host else names.is_dns1123_subdomain
    return [invalid(path, host, msg) for msg in check(host)]


def validate_ingress(ing: Any, old: Optional[Any]) -> Errors:
    """`validateIngress`: the spec (the metadata is checked for every kind by the caller)."""
    spec = ing.spec
    errs: Errors = []
    if not spec.rules and spec.default_backend is None:
        errs.append(invalid("spec", GoLiteral("null"), "either `defaultBackend` or `rules` must be specified"))
    if spec.default_backend is not None:
        errs += _backend(spec.default_backend, "spec.defaultBackend")
    for i, rule in enumerate(spec.rules or ()):
        path = f"spec.rules[{i}]"
        if rule.host:
            if _is_ip(rule.host):
                errs.append(invalid(f"{path}.host", rule.host, "must be a DNS name, not an IP address"))
            errs += _host_errors(rule.host, f"{path}.host")
        if rule.http is not None:
            errs += _http(rule.http, f"{path}.http")
    for i, tls in enumerate(spec.tls or ()):
        for j, host in enumerate(tls.hosts or ()):
            errs += _host_errors(host, f"spec.tls[{i}].hosts[{j}]")
        if tls.secret_name:
            errs += [invalid(f"spec.tls[{i}].secretName", tls.secret_name, msg)
                     for msg in names.name_is_dns_subdomain(tls.secret_name, False)]
    if spec.ingress_class_name is not None:
        errs += [invalid("spec.ingressClassName", spec.ingress_class_name, msg)
                 for msg in names.name_is_dns_subdomain(spec.ingress_class_name, False)]
    return errs


def _http(http: Any, path: str) -> Errors:
    errs: Errors = []
    if not http.paths:
        errs.append(required(f"{path}.paths"))
    for i, item in enumerate(http.paths or ()):
        errs += _http_path(item, f"{path}.paths[{i}]")
    return errs


def _http_path(item: Any, path: str) -> Errors:
    """`validateHTTPIngressPath`: the pathType first, then the path it governs, then the backend."""
    if item.path_type is None:
        return [required(f"{path}.pathType", "pathType must be specified")]
    errs: Errors = []
    value = item.path or ""
    if item.path_type in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.append(invalid(f"{path}.path", value, "must be an absolute path"))
        for seq in _INVALID_PATH_SEQUENCES if value else ():
            if seq in value:
                errs.append(invalid(f"{path}.path", value, f"must not contain '{seq}'"))
        for suffix in _INVALID_PATH_SUFFIXES if value else ():
            if value.endswith(suffix):
                errs.append(invalid(f"{path}.path", value, f"cannot end with '{suffix}'"))
    elif item.path_type == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.append(invalid(f"{path}.path", value, "must be an absolute path"))
    else:
        errs.append(not_supported(f"{path}.pathType", item.path_type, SUPPORTED_PATH_TYPES))
    return errs + _backend(item.backend, f"{path}.backend")


def _backend(backend: Any, path: str) -> Errors:
    """`validateIngressBackend`: a Service (name and exactly one of port name or number) or a resource."""
    if backend.resource is not None and backend.service is not None:
        return [invalid(path, "", "cannot set both resource and service backends")]
    if backend.resource is not None:
        return []
    if backend.service is None:
        return [invalid(path, "", "resource or service backend is required")]
    svc = backend.service
    errs: Errors = []
    if not svc.name:
        errs.append(required(f"{path}.service.name"))
    else:
        errs += [invalid(f"{path}.service.name", svc.name, msg) for msg in names.name_is_dns1035_label(svc.name, False)]
    port_name, port_number = svc.port.name or "", svc.port.number or 0
    if port_name and port_number:
        errs.append(invalid(path, "", "cannot set both port name & port number"))
    elif port_name:
        errs += [invalid(f"{path}.service.port.name", port_name, msg) for msg in names.is_valid_port_name(port_name)]
    elif port_number:
        errs += [invalid(f"{path}.service.port.number", port_number, msg)
                 for msg in names.is_valid_port_num(port_number)]
    else:
        errs.append(required(path, "port name or number is required"))
    return errs
