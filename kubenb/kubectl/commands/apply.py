"""`kubectl apply -f` and `kubectl create -f`: from manifests to stored objects.

Every document is read and mapped to a served kind before anything is written (as kubectl's
builder does), so a syntax error or an unknown kind anywhere changes nothing. Then each object
is sent in turn; the API server may still reject one (strict decoding, validation), and kubectl
reports that object's error and goes on with the others.
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.api.codec import DecodeError, NoKindMatch, decode, resource_for, schema_error
from kubenb.api.registry import ResourceInfo
from kubenb.kubectl import manifests, merge
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError, format_status_error
from kubenb.store import errors
from kubenb.store.errors import StatusError, bad_request

FLAGS = (
    Flag("filename", "f", kind=list),
    Flag("recursive", "R", kind=bool, default=False),
    Flag("dry-run", default="none", no_value="unchanged"),
    Flag("output", "o", default=""),
    Flag("show-managed-fields", kind=bool, default=False),
    Flag("validate", default="strict"),
    Flag("server-side", kind=bool, default=False),
    Flag("force-conflicts", kind=bool, default=False),
    Flag("field-manager", default="kubectl-client-side-apply"),
    Flag("selector", "l", default=""),
    Flag("prune", kind=bool, default=False),
    Flag("overwrite", kind=bool, default=True),
    Flag("record", kind=bool, default=False),
    Flag("save-config", kind=bool, default=False),
    Flag("edit", kind=bool, default=False),
)


def run_apply(ctx: Context, p) -> int:
    return _run(ctx, p, "apply")


def run_create(ctx: Context, p) -> int:
    if not p["filename"]:
        raise KubectlError("error: must specify one of -f and -k")
    return _run(ctx, p, "create")


def _run(ctx: Context, p, verb: str) -> int:
    if not p["filename"]:
        raise KubectlError("error: must specify one of -f and -k")
    strategy = common.dry_run(p)
    dry = None if strategy == "none" else strategy
    docs = manifests.load(p["filename"], ctx.stdin, p["recursive"])
    items = [(doc, _map(ctx, doc)) for doc in docs]
    if ctx.minor < 25 and p["validate"] not in ("false", "ignore"):
        for doc, _ in items:  # kubectl before 1.25 checked every document against the schema first
            problem = schema_error(ctx.cluster.registry, doc.data)
            if problem:
                raise KubectlError(f'error: error validating "{doc.source}": error validating data: {problem}; if you '
                                   "choose to ignore these errors, turn validation off with --validate=false")
    if not items:
        raise KubectlError("error: no objects passed to " + verb)
    failures: list[str] = []
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry or "", "")
    for doc, info in items:
        exists = _exists(ctx, doc, info)
        writing = "patching" if exists and verb == "apply" else "creating"
        try:
            action, obj = _apply_one(ctx, doc, info, verb, dry)
        except StatusError as err:
            failures.append(_server_error(err, writing, doc.source))
            continue
        except DecodeError as err:
            failures.append(_server_error(bad_request(str(err)), writing, doc.source))
            continue
        if p["output"] in ("yaml", "json"):
            from kubenb.kubectl.printers import output

            data = common.object_dict(obj, p["show-managed-fields"])
            text = output.to_yaml(data) if p["output"] == "yaml" else output.to_json(data)
            ctx.out.write(text)
        elif p["output"] == "name":
            ctx.print(f"{info.kind_group}/{obj.metadata.name}")
        else:
            ctx.print(f"{info.kind_group}/{obj.metadata.name} {action}{suffix}")
    if failures:
        raise KubectlError("\n".join(failures))
    return 0


def _exists(ctx: Context, doc: manifests.Manifest, info: ResourceInfo) -> bool:
    meta = doc.data.get("metadata") or {}
    ns = (meta.get("namespace") or ctx.namespace) if info.namespaced else ""
    return bool(meta.get("name")) and ctx.store.try_get(info.kind, ns, meta["name"]) is not None


def _map(ctx: Context, doc: manifests.Manifest) -> ResourceInfo:
    """kubectl's own checks before sending: apiVersion/kind set, kind known to the server."""
    data = doc.data
    for field in ("apiVersion", "kind"):
        if not data.get(field):
            raise KubectlError(
                f'error: error validating "{doc.source}": error validating data: {field} not set; if you choose to '
                "ignore these errors, turn validation off with --validate=false")
    try:
        return resource_for(ctx.cluster.registry, data)
    except NoKindMatch as e:
        if ctx.minor >= 26:
            name = (data.get("metadata") or {}).get("name", "")
            ns = (data.get("metadata") or {}).get("namespace", "")
            raise KubectlError(f'error: resource mapping not found for name: "{name}" namespace: "{ns}" from '
                               f'"{doc.source}": {e}\nensure CRDs are installed first') from None
        raise KubectlError(f'error: unable to recognize "{doc.source}": {e}') from None


def _apply_one(ctx: Context, doc: manifests.Manifest, info: ResourceInfo, verb: str, dry: Any) -> tuple[str, Any]:
    data = json.loads(json.dumps(doc.data))
    meta = data.setdefault("metadata", {})
    if info.namespaced:
        if ctx.namespace_given and meta.get("namespace") and meta["namespace"] != ctx.namespace:
            raise KubectlError(
                f"error: the namespace from the provided object \"{meta['namespace']}\" does not match the namespace "
                f"\"{ctx.namespace}\". You must pass '--namespace={meta['namespace']}' to perform this operation.")
        meta.setdefault("namespace", ctx.namespace)
    else:
        meta.pop("namespace", None)
    name = meta.get("name")
    ns = meta.get("namespace", "") if info.namespaced else ""
    if verb == "apply" and not name:
        raise KubectlError(
            f'error: error when retrieving current configuration of:\nResource: "{_gvr(info)}", GroupVersionKind: '
            f'"{_gvk(info)}"\nName: "", Namespace: "{ns}"\nfrom server for: "{doc.source}": resource name may not be empty')
    current = ctx.store.try_get(info.kind, ns, name) if name else None
    if verb == "create" or current is None:
        if verb == "create" and current is not None:
            raise errors.already_exists(info, name)
        body = merge.with_last_applied(data) if verb == "apply" else data
        obj = decode(ctx.cluster.registry, body)
        if dry == "client":
            return "created", obj
        return "created", ctx.store.create(obj, dry_run=dry == "server")
    original_text = (current.metadata.annotations or {}).get(merge.LAST_APPLIED)
    original = json.loads(original_text) if original_text else None
    modified = merge.with_last_applied(data)
    merged = merge.three_way(original, modified, current.to_dict())
    merged["metadata"]["resourceVersion"] = current.metadata.resource_version
    obj = decode(ctx.cluster.registry, merged)
    if dry == "client":
        return "configured", obj
    updated = ctx.store.update(obj, dry_run=dry == "server")
    if updated is current:
        return "unchanged", current
    return "configured", updated


def _gvr(info: ResourceInfo) -> str:
    return f"{info.api_version}, Resource={info.plural}"


def _gvk(info: ResourceInfo) -> str:
    return f"{info.api_version}, Kind={info.kind}"


def _server_error(err: StatusError, action: str, source: str) -> str:
    if err.reason == "Invalid" and err.causes:
        return format_status_error(err)
    return format_status_error(err, prefix=f'error when {action} "{source}": ')
