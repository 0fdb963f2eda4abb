"""The HTTP routes: authentication, then one dispatcher for the API server's URL space.

    /version /healthz /livez /readyz                       server information
    /api /apis /api/v1 /apis/GROUP[/VERSION]               discovery (aggregated or legacy)
    /openapi/v2, /openapi/v3[/api/v1|/apis/GROUP/VERSION]  schemas
    /api/v1/…, /apis/GROUP/VERSION/…                       resources, their subresources, watches

Handlers touch the cluster only while holding its lock (the simulation is single-threaded), and
only for as long as the work takes: a watch holds it to subscribe and to unsubscribe, never while
it waits for events.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any, Optional

from aiohttp import web

from kubenb.apiserver import (
    discovery,
    logs,
    openapiv2,
    paging,
    portforward,
    rest,
    reviews,
    streams,
    subresources,
    tables,
)
from kubenb.apiserver.encodings import Encodings
from kubenb.apiserver.openapi import Documents
from kubenb.apiserver.paths import ResourcePath, parse
from kubenb.apiserver.responses import (
    dumps,
    internal_error,
    json_response,
    not_found_path,
    read_body,
    send_json,
    status_response,
    unauthorized,
)
from kubenb.apiserver.watch import Broadcaster, Watcher, parse_since
from kubenb.store.errors import StatusError

log = logging.getLogger("kubenb.apiserver")

PUBLIC = {"/healthz", "/livez", "/readyz"}
DEFAULT_WATCH_SECONDS = 1800.0  # the API server keeps a watch 30–60 minutes (`MinRequestTimeout`)
BOOKMARK_SECONDS = 60.0
VERBS = {"GET": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete", "POST": "create"}


@dataclass
class State:
    """What the routes share: the cluster, the credentials, the watch fan-out, the OpenAPI documents."""

    cluster: Any
    token: str
    broadcaster: Broadcaster
    documents: Documents
    encodings: Encodings
    host: str = ""
    snapshots: paging.Snapshots = field(default_factory=paging.Snapshots)


STATE = web.AppKey("state", State)


def make_app(state: State) -> web.Application:
    app = web.Application(middlewares=[_errors, _authenticate], client_max_size=0)
    app[STATE] = state
    app.router.add_route("*", "/{tail:.*}", _dispatch)
    return app


@web.middleware
async def _errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except StatusError as err:
        return status_response(err)
    except web.HTTPException as exc:
        return status_response(StatusError(exc.reason.replace(" ", ""), exc.status, exc.text or exc.reason))
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception as exc:  # a bug: logged here with its traceback, one line of Status to the client
        log.exception("%s %s failed", request.method, request.path_qs)
        return status_response(internal_error(type(exc).__name__))


@web.middleware
async def _authenticate(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.path not in PUBLIC:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip(), request.app[STATE].token):
            raise unauthorized()
    return await handler(request)


async def _dispatch(request: web.Request) -> web.StreamResponse:
    state: State = request.app[STATE]
    path = "/" + request.path.strip("/")
    parts = path.strip("/").split("/") if path != "/" else []
    if path in PUBLIC or path.startswith(("/healthz/", "/livez/", "/readyz/")):
        return web.Response(text="ok", content_type="text/plain")
    if path == "/version":
        return json_response(_version(state.cluster))
    if parts[:1] == ["openapi"]:
        return _openapi(state, parts[1:], request)
    if request.method != "GET" and len(parts) <= 3 and parts[:1] in (["api"], ["apis"]) and \
            not (parts[0] == "api" and len(parts) == 3):
        raise StatusError("MethodNotAllowed", 405, "the server does not allow this method on the requested resource")
    if parts == ["api"] or parts == ["apis"]:
        return _discovery(state, request, core=parts == ["api"])
    if parts[:1] == ["api"] and len(parts) == 2:
        return _found(discovery.api_resource_list(state.cluster.registry, "", parts[1]))
    if parts[:1] == ["apis"] and len(parts) == 2:
        return _found(discovery.api_group(state.cluster.registry, parts[1]))
    if parts[:1] == ["apis"] and len(parts) == 3:
        return _found(discovery.api_resource_list(state.cluster.registry, parts[1], parts[2]))
    if parts[:1] == ["api"] and len(parts) > 2:
        return await _resource(request, state, parse(state.cluster.registry, "", parts[1], parts[2:]))
    if parts[:1] == ["apis"] and len(parts) > 3:
        return await _resource(request, state, parse(state.cluster.registry, parts[1], parts[2], parts[3:]))
    raise not_found_path()


def _found(data: Optional[dict]) -> web.Response:
    if data is None:
        raise not_found_path()
    return json_response(data)


def _version(cluster: Any) -> dict[str, Any]:
    v = cluster.version
    return {"major": str(v.major), "minor": str(v.minor), "gitVersion": v.git_version, "gitCommit": "kubenb",
            "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23.6", "compiler": "gc",
            "platform": "linux/amd64"}


def _discovery(state: State, request: web.Request, core: bool) -> web.Response:
    registry = state.cluster.registry
    version = discovery.negotiate(request.headers.get("Accept", ""))
    if version is not None:
        return json_response(discovery.aggregated(registry, core, version), content_type=discovery.aggregated_content_type(version))
    if core:
        return json_response(discovery.api_versions(state.host))
    return json_response(discovery.api_group_list(registry))


def _openapi(state: State, parts: list[str], request: web.Request) -> web.Response:
    if parts == ["v2"]:
        protobuf = openapiv2.wants_protobuf(request.headers.get("Accept", ""))
        body, tag = state.documents.swagger(protobuf)
        headers = {"ETag": tag, "Vary": "Accept"}
        if tag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers={**headers, "Content-Type": openapiv2.PROTOBUF if protobuf
                                                 else "application/json"})
    if parts == ["v3"]:
        return json_response(state.documents.index())
    if parts[:1] == ["v3"] and len(parts) > 1:
        doc = state.documents.document("/".join(parts[1:]))
        if doc is not None:
            return web.Response(body=doc, content_type="application/json")
    raise not_found_path()


# ---------------------------------------------------------------------------- resources


async def _resource(request: web.Request, state: State, path: ResourcePath) -> web.StreamResponse:
    method = request.method
    if path.subresource == "portforward":
        return await portforward.handle(request, state.cluster, path)
    if path.subresource in streams.STREAMING:
        return await streams.handle(request, state.cluster, path)
    if path.subresource == "log" and method == "GET":
        return await logs.handle(request, state.cluster, path)
    body = await read_body(request) if method in ("POST", "PUT", "PATCH", "DELETE") else b""
    call = rest.Call(path, request.query, request.headers.get("Accept", ""),
                     request.headers.get("Content-Type", ""), body, state.encodings,
                     state.snapshots, request.headers)
    if method == "GET" and not path.name and request.query.get("watch") in ("true", "1"):
        _check_verb(path, "watch")
        return await _watch(request, state, call)
    with state.cluster.lock:
        reply = _serve(state.cluster, call, method)
        if method != "GET":
            state.cluster.settle()  # controllers react to a write at once, as in a real cluster
    if isinstance(reply.body, str):
        return web.Response(text=reply.body, status=reply.status, content_type=reply.content_type)
    if isinstance(reply.body, bytes):  # JSON already encoded: a list, or a Table
        content_type = tables.TABLE_CONTENT_TYPE if reply.body.startswith(b'{"kind":"Table"') else reply.content_type
        return await send_json(request, reply.body, reply.status, content_type, reply.warnings)
    return json_response(reply.body, reply.status, reply.content_type, reply.warnings)


def _check_verb(path: ResourcePath, verb: str) -> None:
    if verb not in path.info.verbs:
        raise StatusError("MethodNotAllowed", 405, "the server does not allow this method on the requested resource")


def _serve(cluster: Any, call: rest.Call, method: str) -> rest.Reply:
    path = call.path
    if path.subresource:
        return subresources.handle(cluster, call, method)
    if not path.name:
        verb = {"GET": "list", "POST": "create", "DELETE": "deletecollection"}.get(method, "")
        _check_verb(path, verb)
        if verb == "list":
            return rest.list_objects(cluster, call)
        if verb == "create":
            return reviews.answer(cluster, call) if path.info.kind in reviews.REVIEW_KINDS else rest.create(cluster, call)
        return rest.delete_collection(cluster, call)
    verb = VERBS.get(method, "")
    _check_verb(path, verb if method != "POST" else "")
    if verb == "get":
        return rest.render(cluster, call, rest.get_object(cluster, call))
    if verb == "update":
        return rest.update(cluster, call)
    if verb == "patch":
        return rest.patch(cluster, call)
    return rest.delete(cluster, call)


async def _watch(request: web.Request, state: State, call: rest.Call) -> web.StreamResponse:
    """A chunked stream of `{"type": …, "object": …}` lines until `timeoutSeconds` or the client leaves."""
    cluster, loop = state.cluster, asyncio.get_running_loop()
    query = request.query
    timeout = _seconds(query.get("timeoutSeconds"), DEFAULT_WATCH_SECONDS)
    bookmarks = query.get("allowWatchBookmarks") == "true"
    as_table = tables.wants_table(call.accept)
    include = tables.include_object(query) if as_table else ""
    with cluster.lock:
        selector, predicate = rest.selection(call)
        watcher = Watcher(call.info.kind, call.path.namespace, rest.matcher(selector, predicate), loop)
        try:
            state.broadcaster.subscribe(watcher, parse_since(query.get("resourceVersion", "")))
            expired = None
        except StatusError as err:
            expired = err
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    try:
        await response.prepare(request)
        if expired is not None:
            await response.write(dumps({"type": "ERROR", "object": expired.to_status()}) + b"\n")
            return response
        deadline = loop.time() + timeout
        first = True
        while (remaining := deadline - loop.time()) > 0:
            try:
                type_, obj = await asyncio.wait_for(watcher.queue.get(), min(remaining, BOOKMARK_SECONDS))
            except TimeoutError:
                if bookmarks:
                    await response.write(dumps({"type": "BOOKMARK", "object": _bookmark(call, cluster)}) + b"\n")
                continue
            with cluster.lock:  # (the clock and the object's encoding; a deleted object is not cached)
                if as_table:
                    data = tables.table(call.info.kind, [obj], cluster.clock.now, cluster.version.minor, include,
                                        obj.metadata.resource_version or "", Encodings(), headers=first)
                else:
                    data = dumps(obj.to_dict())
            first = False
            await response.write(b'{"type":"%s","object":%s}\n' % (type_.encode(), data))
    except ConnectionResetError:
        pass  # the client left; nothing more to send
    finally:
        with cluster.lock:
            state.broadcaster.unsubscribe(watcher)
    return response


def _bookmark(call: rest.Call, cluster: Any) -> dict[str, Any]:
    return {"kind": call.info.kind, "apiVersion": call.info.api_version,
            "metadata": {"resourceVersion": str(cluster.store.resource_version)}}


def _seconds(text: Optional[str], default: float) -> float:
    if text is None:
        return default
    try:
        return max(float(text), 0.0)
    except ValueError:
        raise StatusError("BadRequest", 400, f'invalid value for timeoutSeconds: "{text}"') from None
