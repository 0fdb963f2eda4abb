"""`meta.k8s.io/v1` Table responses, from the same column specs and cells as kubenb's own `get`.

kubectl asks for a Table whenever it will print one (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`)
and prints the cells as they come, so `kubectl get` through the façade and `cluster.kubectl("get …")`
share one printer. Each row carries its object — `PartialObjectMetadata` by default, the whole object
with `includeObject=Object` — without which kubectl leaves `-A`'s NAMESPACE, `--show-labels` and `-L`
blank and `--sort-by` panics.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.apiserver.encodings import Encodings, dumps
from kubenb.kubectl.printers.columns import table_for
from kubenb.store.errors import bad_request

TABLE_CONTENT_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"
INCLUDE = ("None", "Metadata", "Object")


def wants_table(accept: str) -> bool:
    """True when the client asked for a Table first (kubectl adds plain JSON as its fallback)."""
    for media in accept.split(","):
        params = {p.strip() for p in media.split(";")[1:]}
        if "as=Table" in params and "g=meta.k8s.io" in params:
            return True
    return False


def include_object(query: Any) -> str:
    value = query.get("includeObject", "Metadata")
    value = {"PartialObjectMetadata": "Metadata"}.get(value, value)
    if value not in INCLUDE:
        raise bad_request(f'includeObject must be one of None, Object, or Metadata, not "{value}"')
    return value


def table(kind: str, objects: list[Any], now: float, minor: int, include: str, resource_version: str,
          encodings: Encodings, headers: bool = True, list_meta: Optional[dict[str, Any]] = None) -> bytes:
    """The Table of `objects`, encoded; `headers=False` leaves out the column definitions (watch events
    after the first). Rows are assembled from each object's cached encodings."""
    columns = table_for(kind, (), now, minor).columns
    rows = encodings.rows(objects, (kind, now, minor),
                          lambda objs: [r.cells for r in table_for(kind, objs, now, minor).rows], include)
    meta = {"resourceVersion": resource_version, **(list_meta or {})}
    head = dumps({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
                  "columnDefinitions": [_column(c) for c in columns] if headers else None})
    return b"".join((head[:-1], b',"rows":[', b",".join(rows), b"]}"))


def _column(column: Any) -> dict[str, Any]:
    return {"name": column.name, "type": "string", "format": "name" if column.name == "Name" else "",
            "description": "", "priority": column.priority}
