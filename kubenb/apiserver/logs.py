"""`GET …/pods/NAME/log`: a container's log, once or followed, with the kubelet's `PodLogOptions`.

`container`, `previous`, `tailLines`, `timestamps`, `sinceSeconds`/`sinceTime` and `limitBytes`
shape the text as the kubelet does. `follow=true` keeps the response open: the lines there are,
then each new one as simulated time brings it (the server's clock follows the wall clock), until
the container stops or the client leaves — what `kubectl logs -f` shows on a real cluster.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
from dataclasses import dataclass
from typing import Any, Optional

from aiohttp import web

from kubenb.apiserver import rest
from kubenb.apiserver.paths import ResourcePath
from kubenb.apiserver.runtime import log_source
from kubenb.runtime.logs import format_timestamp
from kubenb.store.errors import bad_request

POLL_SECONDS = 0.1  # how often a followed log is looked at (wall clock)


@dataclass
class Options:
    container: str
    previous: bool
    tail: Optional[int]
    timestamps: bool
    since: Optional[float]  # simulated time of the oldest line wanted
    limit_bytes: Optional[int]
    follow: bool


def options(query: Any, pod: Any, now: float) -> Options:
    """`PodLogOptions` from the query, checked as the API server checks them."""
    containers = [c.name for c in pod.spec.containers]
    container = query.get("container", "")
    if not container:
        if len(containers) != 1:
            raise bad_request(f"a container name must be specified for pod {pod.metadata.name}, choose one of: "
                              f"[{' '.join(containers)}]")
        container = containers[0]
    if "sinceSeconds" in query and "sinceTime" in query:
        raise bad_request("at most one of sinceTime or sinceSeconds may be specified")
    since = None
    if "sinceSeconds" in query:
        since = now - _positive(query, "sinceSeconds", "sinceSeconds: Invalid value: must be greater than 0")
    elif "sinceTime" in query:
        try:
            since = datetime.datetime.fromisoformat(query["sinceTime"].replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise bad_request(f'parsing time "{query["sinceTime"]}" as "2006-01-02T15:04:05Z07:00": cannot parse') from None
    tail = _positive(query, "tailLines", "tailLines: Invalid value: must be greater than or equal to 0", zero=True) \
        if "tailLines" in query else None
    limit = _positive(query, "limitBytes", "limitBytes: Invalid value: must be greater than 0") \
        if "limitBytes" in query else None
    return Options(container, _flag(query, "previous"), tail, _flag(query, "timestamps"), since, limit,
                   _flag(query, "follow"))


def _flag(query: Any, name: str) -> bool:
    return query.get(name, "false") in ("true", "1")


def _positive(query: Any, name: str, message: str, zero: bool = False) -> int:
    try:
        value = int(query[name])
    except ValueError:
        raise bad_request(f'strconv.ParseInt: parsing "{query[name]}": invalid syntax') from None
    if value < 0 or (value == 0 and not zero):
        raise bad_request(message)
    return value


def _render(lines: Any, opts: Options) -> str:
    if opts.timestamps:
        return "".join(f"{format_timestamp(ln.time)} {ln.text}\n" for ln in lines)
    return "".join(f"{ln.text}\n" for ln in lines)


async def handle(request: web.Request, cluster: Any, path: ResourcePath) -> web.StreamResponse:
    call = rest.Call(path, request.query)
    with cluster.lock:
        pod = rest.get_object(cluster, call)
        opts = options(request.query, pod, cluster.clock.now)
        source = log_source(cluster, pod, opts.container, opts.previous)
        lines = list(source.log.lines) if source is not None else []
        seen = len(lines)
        running = opts.follow and source is not None and source.state == "running"
    lines = [ln for ln in lines if opts.since is None or ln.time >= opts.since]
    if opts.tail is not None:
        lines = lines[len(lines) - opts.tail:] if opts.tail else []
    budget = opts.limit_bytes
    first = _limited(_render(lines, opts), budget)
    if not running:
        return web.Response(body=first, content_type="text/plain")
    response = web.StreamResponse(headers={"Content-Type": "text/plain"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    try:
        await response.write(first)
        budget = None if budget is None else budget - len(first)
        while budget is None or budget > 0:
            await asyncio.sleep(POLL_SECONDS)
            with cluster.lock:
                new = list(itertools.islice(source.log.lines, seen, None))
                seen += len(new)
                running = source.state == "running"
            chunk = _limited(_render(new, opts), budget)
            if chunk:
                await response.write(chunk)
                budget = None if budget is None else budget - len(chunk)
            if not running:
                break
    except ConnectionResetError:
        pass  # the client stopped following
    return response


def _limited(text: str, budget: Optional[int]) -> bytes:
    data = text.encode()
    return data if budget is None else data[:budget]
