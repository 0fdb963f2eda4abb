"""What one kubectl invocation carries: the cluster, the streams, and kubectl's error texts.

Commands write to `out`/`err` and raise :class:`KubectlError` (or let a
:class:`~kubenb.store.errors.StatusError` escape) to fail; :func:`format_error` renders either
exactly as kubectl's `cmdutil.CheckErr` does.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from kubenb.kubectl.args import UsageError
from kubenb.store.errors import StatusError

if TYPE_CHECKING:
    from kubenb.cluster import Cluster


class KubectlError(Exception):
    """A failure kubectl reports itself (message printed verbatim, usually `error: ...`)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Context:
    cluster: Cluster
    stdin: Optional[str] = None
    out: io.StringIO = field(default_factory=io.StringIO)
    err: io.StringIO = field(default_factory=io.StringIO)
    namespace: str = "default"
    namespace_given: bool = False
    #: rich results for the notebook (tables to render as HTML), in output order
    displays: list = field(default_factory=list)
    #: when a list, `get -w` leaves its watch running here instead of waiting (a second terminal)
    background: Optional[list] = None

    @property
    def store(self):
        return self.cluster.store

    @property
    def minor(self) -> int:
        return self.cluster.version.minor

    def print(self, text: str = "", end: str = "\n") -> None:
        self.out.write(text + end)

    def warn(self, text: str, end: str = "\n") -> None:
        self.err.write(text + end)


def format_error(err: BaseException) -> str:
    """kubectl's text for an error (without the trailing newline)."""
    if isinstance(err, UsageError):
        msg = str(err)
        if err.command:
            msg += f"\nSee 'kubectl {err.command} --help' for usage."
        return msg
    if isinstance(err, StatusError):
        return format_status_error(err)
    return str(err)


def format_status_error(err: StatusError, prefix: str = "") -> str:
    """`Error from server (NotFound): pods "x" not found`; `The Pod "x" is invalid: ...` for Invalid."""
    if err.reason == "Invalid" and err.causes:
        head = f'The {err.kind} "{err.name}" is invalid: '
        if len(err.causes) == 1:
            return head + str(err.causes[0])
        return head + "\n" + "\n".join(f"* {c}" for c in err.causes)
    return f"Error from server ({err.reason}): {prefix}{err.message}"
