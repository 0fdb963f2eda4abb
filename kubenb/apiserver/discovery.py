"""Discovery documents built from the one resource table (:mod:`kubenb.api.resources`).

Two shapes, chosen by the `Accept` header as the API server does:

* aggregated discovery (`apidiscovery.k8s.io` `v2`, or `v2beta1` for kubectl ≤1.29, which asks for
  nothing newer) — one request for `/api` and one for `/apis` give every resource;
* the legacy documents: `APIVersions` / `APIGroupList`, then an `APIResourceList` per group-version.

kubectl decides which shape it received from the response's Content-Type, so the media-type
parameters must echo the one that was accepted. Short names and categories are what make `po`,
`deploy` and `get all` work: kubectl ≥1.32 has no built-in fallback for them.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from kubenb.api.registry import Registry, ResourceInfo

AGGREGATED = "apidiscovery.k8s.io"

# subresource -> (responseKind as (group, version, kind) — None for the parent's kind —, verbs)
SUBRESOURCES: dict[str, tuple[Optional[tuple[str, str, str]], tuple[str, ...]]] = {
    "status": (None, ("get", "patch", "update")),
    "scale": (("autoscaling", "v1", "Scale"), ("get", "patch", "update")),
    "log": (("", "v1", "Pod"), ("get",)),
    "exec": (("", "v1", "PodExecOptions"), ("create", "get")),
    "attach": (("", "v1", "PodAttachOptions"), ("create", "get")),
    "portforward": (("", "v1", "PodPortForwardOptions"), ("create", "get")),
    "proxy": (("", "v1", "PodProxyOptions"), ("create", "delete", "get", "patch", "update")),
    "binding": (("", "v1", "Binding"), ("create",)),
    "eviction": (("policy", "v1", "Eviction"), ("create",)),
    "ephemeralcontainers": (("", "v1", "Pod"), ("get", "patch", "update")),
    "resize": (("", "v1", "Pod"), ("get", "patch", "update")),
    "token": (("authentication.k8s.io", "v1", "TokenRequest"), ("create",)),
    "approval": (None, ("get", "patch", "update")),
    "finalize": (None, ("update",)),
}


def negotiate(accept: str) -> Optional[str]:
    """The aggregated-discovery version the client accepts (`v2`, else `v2beta1`), or None for legacy."""
    offered = [part.strip() for part in accept.split(",")]
    for version in ("v2", "v2beta1"):
        for media in offered:
            params = dict(p.strip().partition("=")[::2] for p in media.split(";")[1:])
            if params.get("g") == AGGREGATED and params.get("v") == version and params.get("as") == "APIGroupDiscoveryList":
                return version
    return None


def aggregated_content_type(version: str) -> str:
    return f"application/json;g={AGGREGATED};v={version};as=APIGroupDiscoveryList"


def version_priority(version: str) -> tuple:
    """Kubernetes' version order (`version.CompareKubeAwareVersionStrings`): GA, then beta, then alpha,
    higher numbers first."""
    m = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not m:
        return (3, 0, 0, version)
    stage = {None: 0, "beta": 1, "alpha": 2}[m.group(2)]
    return (stage, -int(m.group(1)), -int(m.group(3) or 0), version)


def groups(registry: Registry) -> dict[str, dict[str, list[ResourceInfo]]]:
    """group -> version (preferred first) -> resources, groups in the order the table lists them."""
    out: dict[str, dict[str, list[ResourceInfo]]] = {}
    for info in registry.resources:
        out.setdefault(info.group, {}).setdefault(info.version, []).append(info)
    return {g: dict(sorted(vs.items(), key=lambda kv: version_priority(kv[0]))) for g, vs in out.items()}


# ---------------------------------------------------------------------------- aggregated


def aggregated(registry: Registry, core: bool, version: str) -> dict[str, Any]:
    """`APIGroupDiscoveryList` for `/api` (core) or `/apis` (named groups)."""
    items = []
    for group, versions in groups(registry).items():
        if (group == "") != core:
            continue
        items.append({
            "metadata": {"name": group} if group else {},
            "versions": [{"version": v, "resources": [_aggregated_resource(i) for i in infos],
                          "freshness": "Current"} for v, infos in versions.items()],
        })
    return {"kind": "APIGroupDiscoveryList", "apiVersion": f"{AGGREGATED}/{version}", "metadata": {}, "items": items}


def _aggregated_resource(info: ResourceInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resource": info.plural,
        "responseKind": {"group": info.group, "version": info.version, "kind": info.kind},
        "scope": "Namespaced" if info.namespaced else "Cluster",
        "singularResource": info.singular,
        "verbs": sorted(info.verbs),
    }
    if info.short_names:
        out["shortNames"] = list(info.short_names)
    if info.categories:
        out["categories"] = list(info.categories)
    subs = []
    for sub in info.subresources:
        kind, verbs = _subresource(info, sub)
        subs.append({"subresource": sub, "responseKind": {"group": kind[0], "version": kind[1], "kind": kind[2]},
                     "verbs": list(verbs)})
    if subs:
        out["subresources"] = subs
    return out


def _subresource(info: ResourceInfo, sub: str) -> tuple[tuple[str, str, str], tuple[str, ...]]:
    kind, verbs = SUBRESOURCES.get(sub, (None, ("get",)))
    return kind or (info.group, info.version, info.kind), verbs


# ---------------------------------------------------------------------------- legacy


def api_versions(host: str) -> dict[str, Any]:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}]}


def api_group_list(registry: Registry) -> dict[str, Any]:
    return {"kind": "APIGroupList", "apiVersion": "v1",
            "groups": [_api_group(g, vs) for g, vs in groups(registry).items() if g]}


def api_group(registry: Registry, group: str) -> Optional[dict[str, Any]]:
    versions = groups(registry).get(group)
    if not versions or not group:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_api_group(group, versions)}


def _api_group(group: str, versions: dict[str, list[ResourceInfo]]) -> dict[str, Any]:
    listed = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {"name": group, "versions": listed, "preferredVersion": listed[0]}


def api_resource_list(registry: Registry, group: str, version: str) -> Optional[dict[str, Any]]:
    infos = groups(registry).get(group, {}).get(version)
    if not infos:
        return None
    resources = []
    for info in infos:
        entry: dict[str, Any] = {"name": info.plural, "singularName": info.singular, "namespaced": info.namespaced,
                                 "kind": info.kind, "verbs": sorted(info.verbs)}
        if info.short_names:
            entry["shortNames"] = list(info.short_names)
        if info.categories:
            entry["categories"] = list(info.categories)
        resources.append(entry)
        for sub in info.subresources:
            (g, v, kind), verbs = _subresource(info, sub)
            sub_entry: dict[str, Any] = {"name": f"{info.plural}/{sub}", "singularName": "",
                                         "namespaced": info.namespaced, "kind": kind, "verbs": list(verbs)}
            if (g, v) != (info.group, info.version):
                sub_entry.update(group=g, version=v)
            resources.append(sub_entry)
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{group}/{version}" if group else version,
            "resources": resources}
