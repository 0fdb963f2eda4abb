"""`pods/exec` over WebSocket, with the channel subprotocols kubectl and the client libraries speak.

Each binary message starts with its channel: 0 stdin, 1 stdout, 2 stderr, 3 error (the final
`metav1.Status`), 4 resize; `v5.channel.k8s.io` adds 255, a client's "I closed this channel"
(kubectl sends it when its stdin ends). The command runs once its input is complete — simulated
processes run to completion in simulated time — and its output is sent, then the Status, then the
close frame. kubectl ≥1.30 tries this before SPDY, which is not served.

`attach` is not served yet: it answers with a Status saying so. `portforward` speaks SPDY
(:mod:`kubenb.apiserver.portforward`).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import WSMsgType, web

from kubenb.apiserver.paths import ResourcePath
from kubenb.apiserver.runtime import exec_in
from kubenb.store.errors import StatusError, bad_request, not_found

STREAMING = ("exec", "attach")
PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255


async def handle(request: web.Request, cluster: Any, path: ResourcePath) -> web.StreamResponse:
    if path.subresource != "exec":
        raise StatusError("BadRequest", 400, f"{path.subresource} is not supported by this server yet; "
                          "use the kubenb notebook magics for it")
    query = request.query
    argv = query.getall("command", [])
    if not argv:
        raise bad_request("you must specify at least 1 command")
    with cluster.lock:
        pod = cluster.store.try_get("Pod", path.namespace or "", path.name)
        if pod is None:
            raise not_found(cluster.store.info("Pod"), path.name)
        container = query.get("container") or pod.spec.containers[0].name
    ws = web.WebSocketResponse(protocols=PROTOCOLS)
    if not ws.can_prepare(request).ok:
        raise bad_request("Upgrade request required")  # SPDY, or a plain GET
    await ws.prepare(request)
    stdin = await _read_stdin(ws) if query.get("stdin") in ("true", "1") else None
    try:
        with cluster.lock:
            result = exec_in(cluster, pod, container, argv, stdin, query.get("tty") in ("true", "1"))
    except StatusError as err:
        await ws.send_bytes(bytes([ERROR]) + json.dumps(err.to_status()).encode())
        await ws.close()
        return ws
    if result.stdout and query.get("stdout", "true") in ("true", "1"):
        await ws.send_bytes(bytes([STDOUT]) + result.stdout.encode())
    if result.stderr and query.get("stderr", "true") in ("true", "1"):
        await ws.send_bytes(bytes([STDERR]) + result.stderr.encode())
    await ws.send_bytes(bytes([ERROR]) + json.dumps(_status(argv, result.exit_code)).encode())
    await ws.close()
    return ws


async def _read_stdin(ws: web.WebSocketResponse) -> str:
    """The client's stdin, up to its close signal (v5) or the end of the connection's input."""
    data = bytearray()
    async for msg in ws:
        if msg.type != WSMsgType.BINARY or not msg.data:
            continue
        channel, payload = msg.data[0], msg.data[1:]
        if channel == STDIN:
            data += payload
        elif channel == CLOSE and payload[:1] == bytes([STDIN]):
            break
    return data.decode("utf-8", errors="replace")


def _status(argv: list[str], code: int) -> dict[str, Any]:
    """The kubelet's final word: success, or `NonZeroExitCode` with the code kubectl exits with."""
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {"metadata": {}, "status": "Failure",
            "message": f"command terminated with non-zero exit code: error executing command [{' '.join(argv)}], "
                       f"exit code {code}",
            "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}
