"""The scenario table: `@scenario(...)` registers a function under the name the command line takes.

A new scenario is a module in `benchmarks/scenarios/` with one decorated function, imported by
`benchmarks/scenarios/__init__.py`; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[..., None]  # (nodes, pods, **flags)
    nodes: int  # the sizes the scale issue asks for, used when --nodes / --pods are not given
    pods: int
    summary: str
    flags: dict[str, str]  # boolean options: name (a keyword argument of `run`, `--name` on the command line) -> help


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, *, nodes: int, pods: int, flags: dict[str, str] | None = None,
             ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(fn: Callable[..., None]) -> Callable[..., None]:
        SCENARIOS[name] = Scenario(name, fn, nodes, pods, (fn.__doc__ or "").strip().splitlines()[0], flags or {})
        return fn
    return register
