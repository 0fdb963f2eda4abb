"""The verbs on a resource — list, get, create, update, patch, delete, deletecollection — as the
API server's generic registry answers them, over kubenb's store.

Each function runs with the cluster lock held and returns a :class:`Reply`; failures raise
:class:`~kubenb.store.errors.StatusError`. Nothing is written unless the whole request is valid,
and `dryRun=All` runs admission without storing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from kubenb.api import defaults
from kubenb.api import labels as labelsel
from kubenb.api.codec import model_class
from kubenb.api.meta import ManagedFieldsEntry
from kubenb.api.registry import ResourceInfo
from kubenb.apiserver import bodies, fieldmanager, paging, patches, tables
from kubenb.apiserver.encodings import Encodings, dumps
from kubenb.apiserver.paths import ResourcePath
from kubenb.apiserver.responses import success
from kubenb.kubectl.commands.get import field_filter
from kubenb.store.errors import StatusError, bad_request, not_found

# Kinds whose DELETE answers with the object itself (`ReturnDeletedObject` in their REST storage).
RETURNS_DELETED_OBJECT = {"Pod", "Service", "Namespace", "PersistentVolume", "PersistentVolumeClaim"}


@dataclass
class Reply:
    body: Any  # a dict, text, or bytes of JSON already encoded
    status: int = 200
    warnings: list[str] = field(default_factory=list)
    content_type: str = "application/json"


@dataclass
class Call:
    """One request's parsed form: what it names, its query, its body and media types."""

    path: ResourcePath
    query: Any  # a mapping of query parameters
    accept: str = ""
    content_type: str = ""
    body: bytes = b""
    encodings: Optional[Encodings] = None  # the server's cache of stored objects' encodings
    snapshots: Optional[paging.Snapshots] = None  # the server's last lists, for their next pages
    headers: Any = None  # the request's headers (access reviews read kubectl's `--as` impersonation)

    @property
    def info(self) -> ResourceInfo:
        return self.path.info

    @property
    def dry_run(self) -> bool:
        values = self.query.getall("dryRun", []) if hasattr(self.query, "getall") else [self.query.get("dryRun", "")]
        for value in values:
            if value and value != "All":
                raise bad_request(f'dryRun parameter unsupported: "{value}"')
        return "All" in values


def selection(call: Call) -> tuple[Any, Any]:
    """The label selector and field predicate of `labelSelector` / `fieldSelector`."""
    text = call.query.get("labelSelector", "")
    try:
        selector = labelsel.parse_selector(text) if text else None
    except ValueError as err:
        raise bad_request(f"unable to parse requirement: {err}") from None
    fields = call.query.get("fieldSelector", "")
    predicate = field_filter(call.info, fields) if fields else None
    return selector, predicate


def matcher(selector: Any, predicate: Any) -> Any:
    def matches(obj: Any) -> bool:
        if selector is not None and not selector.matches(obj.metadata.labels or {}):
            return False
        return predicate is None or predicate(obj)

    return matches


# ---------------------------------------------------------------------------- reads


def list_objects(cluster: Any, call: Call) -> Reply:
    """The list, or one page of it (`limit`, `continue`), as one JSON body assembled from cached encodings."""
    selector, predicate = selection(call)

    def make() -> list[Any]:
        objs = cluster.store.list(call.info.kind, call.path.namespace, selector)
        return objs if predicate is None else [o for o in objs if predicate(o)]

    what = (call.info.kind, call.path.namespace, call.query.get("labelSelector", ""), call.query.get("fieldSelector", ""))
    in_namespace = call.path.namespace is not None
    snapshots = call.snapshots if call.snapshots is not None else paging.Snapshots()
    token_rv = paging.token_version(call.query)
    kept = snapshots.continued(what, token_rv) if token_rv is not None else None
    version, objs, positions = kept or snapshots.get(what, cluster.store.resource_version, in_namespace, make)
    rv = str(version)
    encodings = call.encodings if call.encodings is not None else Encodings()
    table = tables.wants_table(call.accept)
    include = tables.include_object(call.query) if table else ""
    page = (call.query.get("continue", ""), call.query.get("limit", ""))
    shape = ("Table", include, cluster.clock.now, cluster.version.minor) if table else ("List",)

    def body() -> bytes:
        items, list_meta = paging.page(objs, positions, call.query, version, in_namespace,
                                       filtered=selector is not None or predicate is not None)
        if table:
            return tables.table(call.info.kind, items, cluster.clock.now, cluster.version.minor, include, rv,
                                encodings, list_meta=list_meta)
        head = dumps({"kind": f"{call.info.kind}List", "apiVersion": call.info.api_version,
                      "metadata": {"resourceVersion": rv, **list_meta}})
        return b"".join((head[:-1], b',"items":[', b",".join([encodings.json(o) for o in items]), b"]}"))

    return Reply(snapshots.body((what, version, page, shape), body))


def get_object(cluster: Any, call: Call) -> Any:
    info, ns = call.info, call.path.namespace or ""
    obj = cluster.store.try_get(info.kind, ns, call.path.name)
    if obj is None:
        raise not_found(info, call.path.name)
    return obj


def render(cluster: Any, call: Call, obj: Any, status: int = 200, warnings: Optional[list[str]] = None) -> Reply:
    """One object as JSON, or as a one-row Table when the client asked for one."""
    if tables.wants_table(call.accept):
        body = tables.table(call.info.kind, [obj], cluster.clock.now, cluster.version.minor,
                            tables.include_object(call.query), obj.metadata.resource_version or "", Encodings())
        return Reply(body, status, warnings or [])
    return Reply(obj.to_dict(), status, warnings or [])


# ---------------------------------------------------------------------------- writes


def create(cluster: Any, call: Call) -> Reply:
    data = bodies.check_identity(call.info, bodies.parse(call.body, call.content_type), call.path.namespace)
    obj, warnings = bodies.decode(call.info, data, bodies.validation_mode(call.query))
    if not obj.metadata.name and not obj.metadata.generate_name:
        raise StatusError("Invalid", 422, f'{call.info.kind} "" is invalid: metadata.name: Required value: name or '
                          "generateName is required", call.info.kind)
    record_update(cluster, call, None, obj)
    stored = cluster.store.create(obj, dry_run=call.dry_run)
    return render(cluster, call, stored, 201, warnings)


def update(cluster: Any, call: Call, subresource: Optional[str] = None) -> Reply:
    data = bodies.check_identity(call.info, bodies.parse(call.body, call.content_type), call.path.namespace,
                                 call.path.name)
    obj, warnings = bodies.decode(call.info, data, bodies.validation_mode(call.query))
    live = get_object(cluster, call)  # NotFound before anything else
    record_update(cluster, call, live, obj, subresource)
    stored = cluster.store.update(obj, subresource=subresource, dry_run=call.dry_run)
    return render(cluster, call, stored, 200, warnings)


def patch(cluster: Any, call: Call, subresource: Optional[str] = None) -> Reply:
    kind = patches.patch_type(call.content_type)
    body = bodies.parse(call.body, "yaml" if kind == "apply" else "json")
    info = call.info
    current = cluster.store.try_get(info.kind, call.path.namespace or "", call.path.name)
    mode = bodies.validation_mode(call.query)
    if kind == "apply":
        return _apply(cluster, call, current, body, mode)
    if current is None:
        raise not_found(info, call.path.name)
    data = patches.apply_classic(model_class(info), kind, current.to_dict(), body)
    data = bodies.check_identity(info, data, call.path.namespace, call.path.name)
    data["metadata"]["resourceVersion"] = _precondition(body) or current.metadata.resource_version
    obj, warnings = bodies.decode(info, data, mode)
    record_update(cluster, call, current, obj, subresource)
    stored = cluster.store.update(obj, subresource=subresource, dry_run=call.dry_run)
    return render(cluster, call, stored, 200, warnings)


def _precondition(patch_body: Any) -> Optional[str]:
    """A resourceVersion the patch itself sets is a precondition (optimistic concurrency), as upstream."""
    if isinstance(patch_body, dict):
        return ((patch_body.get("metadata") or {}) if isinstance(patch_body.get("metadata"), dict) else {}).get(
            "resourceVersion")
    return None


def _apply(cluster: Any, call: Call, current: Any, body: Any, mode: str) -> Reply:
    manager = call.query.get("fieldManager", "")
    if not manager:
        raise bad_request("PATCH, application/apply-patch+yaml requests require fieldManager to be set")
    force = call.query.get("force", "false")
    if force not in ("true", "false"):
        raise bad_request(f'invalid boolean value for "force": "{force}"')
    applied = bodies.check_identity(call.info, body, call.path.namespace, call.path.name)
    live = current.to_dict() if current is not None else None
    data = patches.server_side_apply(live, applied, manager)
    if current is not None:
        data["metadata"]["resourceVersion"] = current.metadata.resource_version
    obj, warnings = bodies.decode(call.info, data, mode)
    defaults.apply_defaults(obj, cluster.version.minor)
    entries = fieldmanager.apply(live, applied, obj.to_dict(), manager, cluster.clock.rfc3339(), force == "true")
    _set_managed_fields(obj, entries)
    if current is None:
        return render(cluster, call, cluster.store.create(obj, dry_run=call.dry_run), 201, warnings)
    return render(cluster, call, cluster.store.update(obj, dry_run=call.dry_run), 200, warnings)


def manager_of(call: Call) -> str:
    """`fieldManager`, or the client's User-Agent up to its first "/" (upstream's `managerOrUserAgent`)."""
    manager = call.query.get("fieldManager", "")
    if manager:
        return manager
    agent = (call.headers or {}).get("User-Agent", "") if call.headers is not None else ""
    return agent.split("/")[0][:128]


def record_update(cluster: Any, call: Call, live: Any, obj: Any, subresource: Optional[str] = None) -> None:
    """Set `obj`'s managedFields for an Update by this request's manager (`obj` as decoded, defaulted here
    so its defaults count as written by the manager, as upstream's decoder defaults before the field manager)."""
    defaults.apply_defaults(obj, cluster.version.minor)
    entries = fieldmanager.update(live.to_dict() if live is not None else None, obj.to_dict(), manager_of(call),
                                  call.info.api_version, cluster.clock.rfc3339(), subresource or "")
    _set_managed_fields(obj, entries)


def _set_managed_fields(obj: Any, entries: list[dict[str, Any]]) -> None:
    managed = [ManagedFieldsEntry.model_validate(e) for e in entries] or None
    obj.metadata = obj.metadata.model_copy(update={"managed_fields": managed})


def delete(cluster: Any, call: Call) -> Reply:
    options = _delete_options(call)
    info = call.info
    obj = cluster.store.delete(info.kind, call.path.namespace or "", call.path.name,
                               grace_period_seconds=options.get("gracePeriodSeconds"),
                               propagation=options.get("propagationPolicy"), dry_run=call.dry_run or options["dryRun"])
    still_there = cluster.store.try_get(info.kind, call.path.namespace or "", call.path.name) is not None
    if still_there or info.kind in RETURNS_DELETED_OBJECT:
        return Reply(obj.to_dict())
    return Reply(success(info.plural, call.path.name, info.group, obj.metadata.uid or ""))


def delete_collection(cluster: Any, call: Call) -> Reply:
    options = _delete_options(call)
    selector, predicate = selection(call)
    objs = [o for o in cluster.store.list(call.info.kind, call.path.namespace, selector) if predicate is None or predicate(o)]
    gone = []
    for obj in objs:
        gone.append(cluster.store.delete(call.info.kind, obj.metadata.namespace or "", obj.metadata.name,
                                         grace_period_seconds=options.get("gracePeriodSeconds"),
                                         propagation=options.get("propagationPolicy"),
                                         dry_run=call.dry_run or options["dryRun"]))
    return Reply({"kind": f"{call.info.kind}List", "apiVersion": call.info.api_version,
                  "metadata": {"resourceVersion": str(cluster.store.resource_version)},
                  "items": [o.to_dict() for o in gone]})


def _delete_options(call: Call) -> dict[str, Any]:
    """`DeleteOptions` from the body (kubectl) merged with the query (the Python client can use either)."""
    options: dict[str, Any] = {}
    if call.body.strip():
        parsed = bodies.parse(call.body, call.content_type)
        if not isinstance(parsed, dict):
            raise bad_request("the body of the request was not a DeleteOptions object")
        options.update(parsed)
    for key in ("gracePeriodSeconds", "propagationPolicy"):
        if key in call.query:
            options[key] = call.query[key]
    if options.get("gracePeriodSeconds") is not None:
        try:
            options["gracePeriodSeconds"] = int(options["gracePeriodSeconds"])
        except (TypeError, ValueError):
            raise bad_request("gracePeriodSeconds must be an integer") from None
    policy = options.get("propagationPolicy")
    if policy is not None and policy not in ("Orphan", "Background", "Foreground"):
        raise bad_request(f'propagationPolicy: Unsupported value: "{policy}": supported values: "Foreground", '
                          '"Background", "Orphan"')
    if options.get("orphanDependents") is True and policy is None:
        options["propagationPolicy"] = "Orphan"
    options["dryRun"] = "All" in (options.get("dryRun") or [])
    return options
