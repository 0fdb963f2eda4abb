"""`kubectl describe`: one describer per kind (see :mod:`kubenb.kubectl.describe`).

As in kubectl, a name that matches no object exactly describes every object whose name starts
with it (`kubectl describe pod nginx`), and several objects are separated by two blank lines.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.client.events import events_for
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands.get import _selector
from kubenb.kubectl.context import Context, KubectlError
from kubenb.kubectl.describe import describe
from kubenb.kubectl.resolve import parse_resource_args
from kubenb.store import errors

FLAGS = (
    Flag("selector", "l", default=""),
    Flag("all-namespaces", "A", kind=bool, default=False),
    Flag("show-events", kind=bool, default=True),
    Flag("filename", "f", kind=list),
    Flag("chunk-size", default="500"),
)


class StoreLookup:
    """What describers may ask of the cluster: related objects, events, the time and version."""

    def __init__(self, ctx: Context, show_events: bool = True) -> None:
        self._store = ctx.store
        self.now = ctx.cluster.clock.now
        self.minor = ctx.minor
        self.show_events = show_events

    def list(self, kind: str, namespace: Optional[str] = None, selector: Any = None) -> list:
        return self._store.list(kind, namespace, selector)

    def try_get(self, kind: str, namespace: str, name: str) -> Any:
        return self._store.try_get(kind, namespace, name)

    def pods_on_node(self, name: str) -> list:
        return self._store.pods_on_node(name)

    def events_for(self, obj: Any) -> list:
        return events_for(self._store, obj) if self.show_events else []


def run(ctx: Context, p) -> int:
    requests = parse_resource_args(ctx.cluster.registry, p.args, "describe")
    if not requests:
        raise KubectlError('You must specify the type of resource to describe. Use "kubectl api-resources" for a '
                           "complete list of supported resources.\n\nerror: Required resource not specified.")
    selector = _selector(p["selector"])
    lookup = StoreLookup(ctx, p["show-events"])
    texts: list[str] = []
    missing: list[str] = []
    for req in requests:
        info = req.info
        ns = None if p["all-namespaces"] and info.namespaced else (ctx.namespace if info.namespaced else "")
        if req.names:
            for name in req.names:
                obj = ctx.store.try_get(info.kind, ns or "", name)
                objs = [obj] if obj is not None else [
                    o for o in ctx.store.list(info.kind, ns) if o.metadata.name.startswith(name)]
                if not objs:
                    err = errors.not_found(info, name)
                    missing.append(f"Error from server ({err.reason}): {err.message}")
                texts += [describe(lookup, o, show_events=p["show-events"]) for o in objs]
        else:
            texts += [describe(lookup, o, show_events=p["show-events"]) for o in ctx.store.list(info.kind, ns, selector)]
    if texts:
        ctx.out.write("\n\n".join(texts))
    elif not missing:
        ctx.warn("No resources found in " + ctx.namespace + " namespace." if requests[0].info.namespaced
                 else "No resources found")
    if missing:
        raise KubectlError("\n".join(missing))
    return 0
