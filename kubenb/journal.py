"""What a cluster was asked to do, so that `%kcluster save FILE` / `load FILE` can rebuild it.

The simulation is deterministic: the same profile, seed and pace, then the same kubectl and shell
command lines at the same simulated instants, give the same cluster to the last uid, IP and
resourceVersion. So a saved cluster is its recipe, not a dump of its objects, processes and
timers: creating a cluster from the recipe and replaying its steps rebuilds all of it, including
what no object shows (container filesystems, nginx's files, the NFS exports, pending timers).

What the recipe cannot hold is a change made from outside its entry points -- through the HTTP
API server, or by writing `cluster.store` directly from Python. The journal notices the first such
write (a store write while no entry point and no simulated event is running), and saving then
refuses rather than writing a recipe that would rebuild a different cluster.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

FORMAT = "kubenb.io/cluster-recipe/v1"


class RecipeError(ValueError):
    """A recipe that cannot be written or read; `str()` says why, for the learner."""


class Journal:
    """The outermost calls of a cluster's entry points (nested ones -- `kubectl` letting `pace`
    seconds pass -- are part of the call that made them), each with the instant it began."""

    def __init__(self, cluster: Any, created: dict[str, Any]) -> None:
        self.cluster = cluster
        self.created = created
        self.steps: list[dict[str, Any]] = []
        self.depth = 0
        #: the first change made from outside the entry points, if any (then the recipe is incomplete)
        self.outside: Optional[str] = None
        cluster.store.watch(self._on_write)

    @contextmanager
    def step(self, op: str, **args: Any) -> Iterator[None]:
        if self.depth == 0:
            self.steps.append({"op": op, "at": self.cluster.clock.now, **args})
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def _on_write(self, event: Any) -> None:
        if self.outside is None and self.depth == 0 and not self.cluster.loop.running:
            meta = event.object.metadata
            self.outside = f"{event.object.KIND} {meta.namespace + '/' if meta.namespace else ''}{meta.name}"

    def recipe(self) -> dict[str, Any]:
        if self.outside is not None:
            raise RecipeError(
                f"this cluster was changed outside kubectl, the node shells and the passing of time "
                f"({self.outside}, through the API server or the store directly), so replaying its commands "
                f"would not rebuild it; it cannot be saved")
        if self.created.get("profile") is None:
            raise RecipeError("a cluster made from a Profile object cannot be saved: make it from a profile name")
        return {"format": FORMAT, "kubenb": _version(), "cluster": self.created,
                "steps": self.steps, "now": self.cluster.clock.now}


def _version() -> str:
    """kubenb's version, kept in a recipe for whoever wonders why a replay diverged."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kubenb")
    except PackageNotFoundError:
        return "unknown"


def save(cluster: Any, path: str | Path) -> None:
    """Write `cluster`'s recipe to `path` (JSON)."""
    text = json.dumps(cluster.journal.recipe(), indent=1, ensure_ascii=False)
    Path(path).write_text(text + "\n", encoding="utf-8")


def load(path: str | Path, cluster_class: Any) -> Any:
    """A new cluster rebuilt from the recipe at `path`: made as it was, then every step replayed at
    its instant, then run to the instant it was saved."""
    try:
        recipe = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise RecipeError(f"cannot read a cluster recipe from {path}: {err}") from None
    if not isinstance(recipe, dict) or recipe.get("format") != FORMAT:
        raise RecipeError(f"{path} is not a kubenb cluster recipe (format {FORMAT})")
    cluster = cluster_class(**recipe["cluster"])
    for step in recipe["steps"]:
        args = dict(step)
        op, at = args.pop("op"), args.pop("at")
        cluster.loop.run_until(max(at, cluster.clock.now))  # time that passed between the steps
        if op == "kubectl":
            cluster.kubectl(args["cmdline"], input=args.get("input"))
        elif op == "sh":
            cluster.sh(args["cmdline"], host=args.get("host"))
        elif op == "advance":
            cluster.advance(args["seconds"])
        elif op == "settle":
            cluster.settle()
        else:
            raise RecipeError(f"{path}: unknown step {op!r}")
    cluster.loop.run_until(max(recipe["now"], cluster.clock.now))
    return cluster
