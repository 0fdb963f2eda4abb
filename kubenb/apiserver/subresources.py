"""Subresources served over plain HTTP: `status`, `scale`, `binding` and `eviction`.

`log` may stream (:mod:`kubenb.apiserver.logs`); `exec` and `attach` are streams
(:mod:`kubenb.apiserver.streams`), `portforward` a SPDY session (:mod:`kubenb.apiserver.portforward`).
"""

from __future__ import annotations

from typing import Any

from kubenb.api.base import evolve
from kubenb.api.labels import format_label_selector
from kubenb.apiserver import bodies, patches, rest
from kubenb.apiserver.rest import Call, Reply
from kubenb.store.errors import StatusError, bad_request


def handle(cluster: Any, call: Call, method: str) -> Reply:
    sub = call.path.subresource
    if sub == "status":
        if method == "GET":
            return rest.render(cluster, call, rest.get_object(cluster, call))
        if method == "PUT":
            return rest.update(cluster, call, subresource="status")
        if method == "PATCH":
            return rest.patch(cluster, call, subresource="status")
    elif sub == "scale":
        return _scale(cluster, call, method)
    elif sub == "binding" and method == "POST":
        return _binding(cluster, call)
    elif sub == "eviction" and method == "POST":
        return _eviction(cluster, call)
    raise StatusError("MethodNotAllowed", 405,
                      f'{method} is not supported on resources of kind "{call.info.plural}/{sub}"')


# ---------------------------------------------------------------------------- scale


def scale_of(obj: Any) -> dict[str, Any]:
    """The `autoscaling/v1` Scale of a Deployment, ReplicaSet or StatefulSet."""
    meta = obj.metadata
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {"name": meta.name, "namespace": meta.namespace, "uid": meta.uid,
                         "resourceVersion": meta.resource_version, "creationTimestamp": meta.creation_timestamp},
            "spec": {"replicas": obj.spec.replicas or 0},
            "status": {"replicas": obj.status.replicas or 0,
                       "selector": format_label_selector(obj.spec.selector) if obj.spec.selector else ""}}


def _scale(cluster: Any, call: Call, method: str) -> Reply:
    obj = rest.get_object(cluster, call)
    current = scale_of(obj)
    if method == "GET":
        return Reply(current)
    if method == "PUT":
        wanted = bodies.parse(call.body, call.content_type)
    elif method == "PATCH":
        kind = patches.patch_type(call.content_type)
        if kind == "apply":
            raise StatusError("UnsupportedMediaType", 415, "apply patches are not supported on the scale subresource")
        # a Scale has no strategic-merge schema beyond its maps: strategic merges as a JSON merge
        wanted = patches.apply_classic(None, "merge" if kind == "strategic" else kind, current, _body(call))
    else:
        raise StatusError("MethodNotAllowed", 405, f'{method} is not supported on resources of kind "{call.info.plural}/scale"')
    replicas = ((wanted or {}).get("spec") or {}).get("replicas", 0) if isinstance(wanted, dict) else None
    if not isinstance(replicas, int) or isinstance(replicas, bool):
        raise bad_request("Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal into Go "
                          "struct field ScaleSpec.spec.replicas of type int32")
    rv = ((wanted.get("metadata") or {}).get("resourceVersion")) if method == "PUT" else None
    if rv and rv != obj.metadata.resource_version:
        raise StatusError("Conflict", 409, f'Operation cannot be fulfilled on {call.info.group_resource} '
                          f'"{obj.metadata.name}": the object has been modified; please apply your changes to the '
                          "latest version and try again", call.info.plural, obj.metadata.name, call.info.group)
    if replicas < 0:
        raise StatusError("Invalid", 422, f'Scale.autoscaling "{obj.metadata.name}" is invalid: spec.replicas: '
                          f"Invalid value: {replicas}: must be greater than or equal to 0", "Scale", obj.metadata.name,
                          "autoscaling")
    new = evolve(obj, deep=("spec",))
    new.spec.replicas = replicas
    rest.record_update(cluster, call, obj, new, "scale")
    stored = cluster.store.update(new, dry_run=call.dry_run)
    return Reply(scale_of(stored))


def _body(call: Call) -> Any:
    return bodies.parse(call.body, call.content_type)  # JSON, or protobuf from a typed client


# ---------------------------------------------------------------------------- pods


def _binding(cluster: Any, call: Call) -> Reply:
    data = _body(call)
    target = (data.get("target") or {}) if isinstance(data, dict) else {}
    if not target.get("name"):
        raise StatusError("Invalid", 422, f'Binding "{call.path.name}" is invalid: target.name: Required value',
                          "Binding", call.path.name)
    pod = rest.get_object(cluster, call)
    bound = pod.model_copy(update={"spec": pod.spec.model_copy(update={"node_name": target["name"]})})
    if not call.dry_run:
        cluster.store.bind(bound)
    return Reply({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201)


def _eviction(cluster: Any, call: Call) -> Reply:
    data = _body(call)
    options = (data.get("deleteOptions") or {}) if isinstance(data, dict) else {}
    rest.get_object(cluster, call)
    if not call.dry_run:
        cluster.store.delete("Pod", call.path.namespace or "", call.path.name,
                             grace_period_seconds=options.get("gracePeriodSeconds"))
    return Reply({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201)
