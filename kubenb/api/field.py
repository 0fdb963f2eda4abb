"""`field.Error`: one validation problem at one path, formatted as apimachinery formats it.

`spec.replicas: Invalid value: -1: must be greater than or equal to 0` — the text kubectl shows
after `The Deployment "x" is invalid: `.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kubenb.api.names import go_quote


@dataclass
class FieldError:
    """`field.Error`: one problem at one path (`spec.replicas: Invalid value: -1: must be ...`)."""

    type: str  # "Invalid value", "Required value", "Unsupported value", "Forbidden", ...
    field: str
    bad_value: Any = None
    detail: str = ""
    show_value: bool = True

    def body(self) -> str:
        if self.type in ("Required value", "Forbidden", "Too long", "Internal error") or not self.show_value:
            s = self.type
        else:
            s = f"{self.type}: {go_value(self.bad_value)}"
        return f"{s}: {self.detail}" if self.detail else s

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


def required(path: str, detail: str = "") -> FieldError:
    return FieldError("Required value", path, detail=detail)


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError("Invalid value", path, value, detail)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError("Forbidden", path, detail=detail)


def not_supported(path: str, value: Any, supported: list[str]) -> FieldError:
    return FieldError("Unsupported value", path, value, "supported values: " + ", ".join(f'"{s}"' for s in supported))


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError("Duplicate value", path, value)


class GoLiteral(str):
    """A value already in Go's `%#v` form (printed verbatim, not quoted), e.g. a struct literal."""


def go_value(value: Any) -> str:
    """How `field.Error` formats a bad value: %q for strings, %v for numbers, %#v for maps, JSON for lists."""
    if isinstance(value, GoLiteral):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{go_quote(k)}:{go_quote(str(v))}" for k, v in sorted(value.items()))
        return "map[string]string{" + inner + "}"
    if value is None:
        return "null"
    return json.dumps(value, separators=(",", ":"))
