"""`kubectl delete`: by name, `-f`, `-l` or `--all`; waits for the objects to go, as kubectl does."""

from __future__ import annotations

from typing import Any

from kubenb.kubectl import manifests
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.commands.get import _selector
from kubenb.kubectl.context import Context, KubectlError
from kubenb.kubectl.resolve import Request, parse_resource_args, resolve_type
from kubenb.store import errors
from kubenb.store.errors import StatusError

FLAGS = (
    Flag("filename", "f", kind=list),
    Flag("recursive", "R", kind=bool, default=False),
    Flag("selector", "l", default=""),
    Flag("all", kind=bool, default=False),
    Flag("all-namespaces", "A", kind=bool, default=False),
    Flag("grace-period", kind=int, default=-1),
    Flag("force", kind=bool, default=False),
    Flag("now", kind=bool, default=False),
    Flag("wait", kind=bool, default=True),
    Flag("timeout", default="0s"),
    Flag("cascade", default="background"),
    Flag("ignore-not-found", kind=bool, default=False),
    Flag("dry-run", default="none", no_value="unchanged"),
    Flag("output", "o", default=""),
    Flag("field-selector", default=""),
)

# How long `delete --wait` waits by default, in simulated seconds (kubectl: a week; a learner: less).
WAIT_LIMIT_SECONDS = 3600.0


def run(ctx: Context, p) -> int:
    targets = _targets(ctx, p)
    grace = p["grace-period"]
    if p["now"]:
        grace = 1
    if p["force"]:
        if grace < 0:
            grace = 0
        ctx.warn("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                 "terminated. The resource may continue to run on the cluster indefinitely.")
    cascade = p["cascade"]
    propagation = {"background": "Background", "true": "Background", "foreground": "Foreground",
                   "orphan": "Orphan", "false": "Orphan"}.get(cascade)
    if propagation is None:
        raise KubectlError(f'error: Invalid cascade value ({cascade}). Must be "background", "foreground", or "orphan".')
    deleted: list[tuple[Any, Any]] = []
    failed: list[str] = []
    for info, ns, name in targets:
        try:
            obj = ctx.store.delete(info.kind, ns, name, grace_period_seconds=None if grace < 0 else grace,
                                   propagation=propagation, dry_run=common.dry_run(p) != "none")
        except StatusError as err:
            if err.reason == "NotFound" and p["ignore-not-found"]:
                continue
            failed.append(f"Error from server ({err.reason}): {err.message}")
            continue
        ctx.print(f'{info.kind.lower() if not info.group else info.kind.lower() + "." + info.group} "{name}" deleted')
        deleted.append((info, obj))
    if p["wait"] and deleted and not p["force"]:
        _wait_gone(ctx, deleted)
    if failed:
        raise KubectlError("\n".join(failed))
    return 0


def _targets(ctx: Context, p) -> list[tuple[Any, str, str]]:
    if p["filename"]:
        from kubenb.kubectl.commands.apply import _map

        out = []
        for doc in manifests.load(p["filename"], ctx.stdin, p["recursive"]):
            info = _map(ctx, doc)
            meta = doc.data.get("metadata") or {}
            out.append((info, (meta.get("namespace") or ctx.namespace) if info.namespaced else "", meta.get("name", "")))
        return out
    requests = parse_resource_args(ctx.cluster.registry, p.args, "delete")
    if not requests:
        raise KubectlError("error: " + common.NO_RESOURCES)
    selector = _selector(p["selector"])
    out = []
    for req in requests:
        info = req.info
        ns = "" if not info.namespaced else ctx.namespace
        if req.names:
            out += [(info, ns, n) for n in req.names]
        elif p["all"] or selector is not None or p["field-selector"]:
            objs = ctx.store.list(info.kind, None if p["all-namespaces"] and info.namespaced else ns, selector)
            out += [(info, o.metadata.namespace or "", o.metadata.name) for o in objs]
            if not objs:
                ctx.warn("No resources found" if p["all-namespaces"] or not info.namespaced
                         else f"No resources found in {ns} namespace.")
        else:
            raise KubectlError("error: resource(s) were provided, but no name was specified")
    return out


def _wait_gone(ctx: Context, deleted: list[tuple[Any, Any]]) -> None:
    """`delete --wait`: let simulated time pass until every deleted object has left the store."""
    store = ctx.store
    keys = [(info.kind, obj.metadata.namespace or "", obj.metadata.name, obj.metadata.uid) for info, obj in deleted]

    def still_there() -> bool:
        for kind, ns, name, uid in keys:
            cur = store.try_get(kind, ns, name)
            if cur is not None and cur.metadata.uid == uid:
                return True
        return False

    ctx.cluster.loop.run_while(still_there, ctx.cluster.clock.now + WAIT_LIMIT_SECONDS)


__all__ = ["run", "FLAGS", "Request", "resolve_type", "errors"]
