"""Resource arguments as kubectl reads them: `pods`, `po/x`, `deploy,svc`, `all`, `deployments.apps`.

Type names resolve through the registry (plural, singular, kind, short names, `name.group`);
`all` expands to the `all` category in kubectl's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from kubenb.api.registry import Registry, ResourceInfo
from kubenb.kubectl.context import KubectlError

# `kubectl get all` prints the category in this order (the discovery order of the `all` category).
ALL_ORDER = ("pods", "replicationcontrollers", "services", "daemonsets", "deployments", "replicasets",
             "statefulsets", "horizontalpodautoscalers", "cronjobs", "jobs")


@dataclass
class Request:
    info: ResourceInfo
    names: list[str] = field(default_factory=list)  # empty: every object of the type
    by_name: bool = False  # named explicitly (so a single object prints as an object)


def resolve_type(registry: Registry, name: str) -> ResourceInfo:
    info = registry.resolve(name)
    if info is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{name}"')
    return info


def expand(registry: Registry, type_text: str) -> list[ResourceInfo]:
    out: list[ResourceInfo] = []
    for part in type_text.split(","):
        if not part:
            continue
        if part == "all":
            members = {i.plural: i for i in registry.in_category("all")}
            out += [members[p] for p in ALL_ORDER if p in members]
        else:
            out.append(resolve_type(registry, part))
    return out


def parse_resource_args(registry: Registry, args: list[str], verb: str) -> list[Request]:
    """`TYPE [NAME...]` or `TYPE/NAME...` (kubectl's resource.Builder argument forms)."""
    if not args:
        return []
    if any("/" in a for a in args):
        if not all("/" in a for a in args):
            raise KubectlError(  # cli-runtime's text says `get` whatever the verb
                "error: there is no need to specify a resource type as a separate argument when passing arguments "
                "in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of "
                "'kubectl get resource resource/<resource_name>'")
        requests: list[Request] = []
        for arg in args:
            type_text, _, name = arg.partition("/")
            if not name:
                raise KubectlError("error: arguments in resource/name form must have a single resource and name")
            info = resolve_type(registry, type_text)
            last: Optional[Request] = requests[-1] if requests else None
            if last is not None and last.info == info:
                last.names.append(name)
            else:
                requests.append(Request(info, [name], by_name=True))
        return requests
    types, names = args[0], args[1:]
    infos = expand(registry, types)
    if names and len(infos) > 1 and "all" in types.split(","):
        raise KubectlError("error: you must specify only one resource")
    return [Request(info, list(names), by_name=bool(names)) for info in infos]
