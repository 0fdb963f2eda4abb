"""What goes back on the wire: JSON bodies, `metav1.Status` failures, and request bodies read safely.

Every failure a client sees is a `Status` in the API server's words (kubectl prints its message as
`Error from server (Reason): message`); nothing from Python's side (a traceback, an exception's
repr) ever reaches the client.
"""

from __future__ import annotations

from typing import Any, Optional

from aiohttp import web

from kubenb.apiserver.encodings import dumps
from kubenb.store.errors import StatusError

JSON = "application/json"
#: the API server's request body limit (`MaxRequestBodyBytes`, k8s.io/apiserver/pkg/server/config.go)
MAX_BODY_BYTES = 3 * 1024 * 1024


def json_response(data: Any, status: int = 200, content_type: str = JSON,
                  warnings: Optional[list[str]] = None) -> web.Response:
    return raw_json_response(dumps(data), status, content_type, warnings)


def raw_json_response(body: bytes, status: int = 200, content_type: str = JSON,
                      warnings: Optional[list[str]] = None) -> web.Response:
    # the header itself, not aiohttp's `content_type`, which cannot carry discovery's `g=…;v=…` parameters
    headers = {"Content-Type": content_type}
    if warnings:
        headers["Warning"] = ", ".join(f'299 - "{_escape(w)}"' for w in warnings)
    return web.Response(body=body, status=status, headers=headers)


CHUNK_BYTES = 256 * 1024


async def send_json(request: web.Request, body: bytes, status: int = 200, content_type: str = JSON,
                    warnings: Optional[list[str]] = None) -> web.StreamResponse:
    """Encoded JSON, a large body (a list of thousands of objects) written a slice at a time: TLS then
    encrypts it slice by slice in small buffers, instead of copying 15 MB through growing ones (a third
    of the CPU time of such a list)."""
    if len(body) <= CHUNK_BYTES:
        return raw_json_response(body, status, content_type, warnings)
    response = raw_json_response(b"", status, content_type, warnings)
    stream = web.StreamResponse(status=status, headers=response.headers)
    stream.content_length = len(body)
    await stream.prepare(request)
    view = memoryview(body)
    for start in range(0, len(body), CHUNK_BYTES):
        await stream.write(view[start:start + CHUNK_BYTES])
    await stream.write_eof()
    return stream


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def status_response(err: StatusError) -> web.Response:
    return json_response(err.to_status(), status=err.code)


def success(kind: str, name: str, group: str, uid: str = "") -> dict[str, Any]:
    """The `Status` a DELETE answers with once the object is gone (kinds that do not return it)."""
    details: dict[str, Any] = {"name": name, "group": group, "kind": kind}
    if uid:
        details["uid"] = uid
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}


def not_found_path() -> StatusError:
    """What the API server answers for a path it does not serve at all."""
    return StatusError("NotFound", 404, "the server could not find the requested resource")


def method_not_allowed(verb: str, what: str) -> StatusError:
    return StatusError("MethodNotAllowed", 405, f"{verb} is not supported on resources of kind \"{what}\"")


def unauthorized() -> StatusError:
    return StatusError("Unauthorized", 401, "Unauthorized")


def internal_error(detail: str) -> StatusError:
    return StatusError("InternalError", 500, f"Internal error occurred: {detail}")


async def read_body(request: web.Request) -> bytes:
    """The request body, or `413 RequestEntityTooLarge` past the API server's limit (read in pieces, so
    an oversize body is refused without being held in memory)."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise too_large()
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(65536):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def too_large() -> StatusError:
    return StatusError("RequestEntityTooLarge", 413, f"Request entity too large: limit is {MAX_BODY_BYTES}")
