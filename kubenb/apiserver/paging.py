"""`limit` and `continue`: a list served a page at a time, as the API server's storage layer does.

kubectl asks for `limit=500` and follows the `continue` token until there is none. The token is
upstream's: base64url (unpadded) of `{"v":"meta.k8s.io/v1","rv":N,"start":"KEY\\u0000"}` where KEY is
the last key served, relative to the listed prefix (`NAME` in a namespace, `NAMESPACE/NAME` across
all); the next page starts after it. `remainingItemCount` is sent when the list is not filtered by a
selector, as upstream (it cannot count what a selector would keep without reading it all). Pages
are cut from the current state, not from a snapshot at `rv`: a list that changes between pages
shows the change, as a real server does once the snapshot is compacted and the client relists.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from typing import Any, Optional

from kubenb.store.errors import bad_request

API_VERSION = "meta.k8s.io/v1"


class Snapshots:
    """The last few lists served, by what was listed and the store's resourceVersion then: the next
    page of a list comes from the same snapshot while nothing was written (or while it is still
    kept), without listing and sorting the whole collection again for every page."""

    KEEP = 8
    KEEP_BODIES = 4  # a body of 10,000 pods is 15 MB

    def __init__(self) -> None:
        self._lists: dict[tuple, tuple[int, list[Any], list[tuple[str, str]]]] = {}
        self._bodies: dict[tuple, bytes] = {}

    def body(self, key: tuple, make: Any) -> bytes:
        """The encoded response `key` names, made by `make()` if not kept. `key` must hold everything the
        body depends on — what was listed, the resourceVersion, the page, the representation (and for a
        Table the instant): then the same list asked again while nothing was written is sent as it was,
        without visiting its objects."""
        found = self._bodies.pop(key, None)
        if found is None:
            found = make()
        self._bodies[key] = found
        while len(self._bodies) > self.KEEP_BODIES:
            self._bodies.pop(next(iter(self._bodies)))
        return found

    def get(self, what: tuple, resource_version: int, in_namespace: bool, make: Any
            ) -> tuple[int, list[Any], list[tuple[str, str]]]:
        """(resourceVersion, objects, their positions) of `what` at `resource_version`, made by `make()` if not kept."""
        kept = self._lists.get(what)
        if kept is not None and kept[0] == resource_version:
            return kept
        objs = make()
        kept = (resource_version, objs, [_position(_key(o, in_namespace), in_namespace) for o in objs])
        self._lists.pop(what, None)
        self._lists[what] = kept
        while len(self._lists) > self.KEEP:
            self._lists.pop(next(iter(self._lists)))
        return kept

    def continued(self, what: tuple, token_rv: int) -> Optional[tuple[int, list[Any], list[tuple[str, str]]]]:
        kept = self._lists.get(what)
        return kept if kept is not None and kept[0] == token_rv else None


def token_version(query: Any) -> Optional[int]:
    """The resourceVersion a `continue` token was issued at, if the query has one."""
    return decode(query["continue"])[0] if query.get("continue") else None


def page(objs: list[Any], positions: list[tuple[str, str]], query: Any, resource_version: int, in_namespace: bool,
         filtered: bool) -> tuple[list[Any], dict[str, Any]]:
    """The page of `objs` (sorted by namespace, then name, at `positions`) the query asks for, and its
    `ListMeta` additions."""
    if query.get("continue"):
        first = bisect.bisect_right(positions, _position(decode(query["continue"])[1], in_namespace))
        objs = objs[first:]
    limit = _limit(query.get("limit"))
    if not limit or len(objs) <= limit:
        return objs, {}
    remaining = len(objs) - limit
    objs = objs[:limit]
    meta: dict[str, Any] = {"continue": encode(resource_version, _key(objs[-1], in_namespace))}
    if not filtered:
        meta["remainingItemCount"] = remaining
    return objs, meta


def _key(obj: Any, in_namespace: bool) -> str:
    meta = obj.metadata
    return meta.name if in_namespace or not meta.namespace else f"{meta.namespace}/{meta.name}"


def _position(key: str, in_namespace: bool) -> tuple[str, str]:
    """A key as the store orders objects, (namespace, name): "a-b/x" sorts after "a/z" there, not before."""
    if in_namespace:
        return "", key
    namespace, _, name = key.rpartition("/")
    return namespace, name


def _limit(text: Optional[str]) -> int:
    if not text:
        return 0
    try:
        return max(int(text), 0)
    except ValueError:
        raise bad_request(f'strconv.ParseInt: parsing "{text}": invalid syntax') from None


def encode(resource_version: int, last_key: str) -> str:
    token = json.dumps({"v": API_VERSION, "rv": resource_version, "start": last_key + "\x00"}, separators=(",", ":"))
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def decode(token: str) -> tuple[int, str]:
    """The resourceVersion and the key a `continue` token says to start after; `400 BadRequest` for anything else."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        raise bad_request("continue key is not valid: illegal base64 data at input byte 0") from None
    if not isinstance(data, dict) or data.get("v") != API_VERSION:
        raise bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
    start = data.get("start")
    if not isinstance(start, str) or not start or not isinstance(data.get("rv"), int) or data["rv"] <= 0:
        raise bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
    return data["rv"], start.rstrip("\x00")
