"""The API server's errors (`metav1.Status`), with upstream's reasons, codes and texts.

kubectl prints them as ``Error from server (<Reason>): <message>``; `Invalid` errors carry
field causes that kubectl lays out one per line (see :mod:`kubenb.kubectl.errors`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from kubenb.api.field import FieldError
from kubenb.api.registry import ResourceInfo


@dataclass
class StatusError(Exception):
    """A `metav1.Status` failure as the API server returns it."""

    reason: str
    code: int
    message: str
    kind: str = ""  # details.kind (the resource's kind, or plural for NotFound)
    name: str = ""
    group: str = ""
    causes: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message

    def to_status(self) -> dict[str, Any]:
        details: dict[str, Any] = {}
        if self.name:
            details["name"] = self.name
        if self.group:
            details["group"] = self.group
        if self.kind:
            details["kind"] = self.kind
        if self.causes:
            details["causes"] = [
                {"reason": "Field" + c.type.replace(" value", "Value").replace(" ", ""), "message": c.body(), "field": c.field}
                for c in self.causes
            ]
        out: dict[str, Any] = {
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": self.message, "reason": self.reason,
        }
        if details:
            out["details"] = details
        out["code"] = self.code
        return out


def not_found(info: ResourceInfo, name: str) -> StatusError:
    return StatusError("NotFound", 404, f'{info.group_resource} "{name}" not found', info.plural, name, info.group)


def already_exists(info: ResourceInfo, name: str) -> StatusError:
    return StatusError("AlreadyExists", 409, f'{info.group_resource} "{name}" already exists', info.plural, name, info.group)


def conflict(info: ResourceInfo, name: str, detail: str) -> StatusError:
    msg = f'Operation cannot be fulfilled on {info.group_resource} "{name}": {detail}'
    return StatusError("Conflict", 409, msg, info.plural, name, info.group)


def invalid_object(info: ResourceInfo, name: str, errors: list[FieldError]) -> StatusError:
    agg = str(errors[0]) if len(errors) == 1 else "[" + ", ".join(map(str, errors)) + "]"
    qualified = f"{info.kind}.{info.group}" if info.group else info.kind
    return StatusError("Invalid", 422, f'{qualified} "{name}" is invalid: {agg}', info.kind, name, info.group, errors)


def bad_request(message: str) -> StatusError:
    return StatusError("BadRequest", 400, message)


def forbidden_error(info: Optional[ResourceInfo], name: str, message: str) -> StatusError:
    return StatusError("Forbidden", 403, message, info.plural if info else "", name, info.group if info else "")
