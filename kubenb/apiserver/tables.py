"""`meta.k8s.io/v1` Table responses, from the same column specs and cells as kubenb's own `get`.

kubectl asks for a Table whenever it will print one (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`)
and prints the cells as they come, so `kubectl get` through the façade and `cluster.kubectl("get …")`
share one printer. Each row carries its object — `PartialObjectMetadata` by default, the whole object
with `includeObject=Object` — without which kubectl leaves `-A`'s NAMESPACE, `--show-labels` and `-L`
blank and `--sort-by` panics.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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


def table(kind: str, objects: Iterable[Any], now: float, minor: int, include: str, resource_version: str,
          headers: bool = True) -> dict[str, Any]:
    """The Table for `objects`; `headers=False` leaves out the column definitions (watch events after the first)."""
    built = table_for(kind, objects, now, minor)
    out: dict[str, Any] = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": resource_version}}
    out["columnDefinitions"] = [_column(c) for c in built.columns] if headers else None
    out["rows"] = [_row(r.cells, r.object, include) for r in built.rows]
    return out


def _column(column: Any) -> dict[str, Any]:
    return {"name": column.name, "type": "string", "format": "name" if column.name == "Name" else "",
            "description": "", "priority": column.priority}


def _row(cells: list[str], obj: Any, include: str) -> dict[str, Any]:
    row: dict[str, Any] = {"cells": cells}
    if include == "Object":
        row["object"] = obj.to_dict()
    elif include == "Metadata":
        row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                         "metadata": obj.metadata.to_dict()}
    return row
