"""`kubectl scale`: set `spec.replicas` through the `scale` subresource.

Port of `pkg/cmd/scale/scale.go` and `pkg/scale/scale.go`: objects come from the resource builder
(`TYPE NAME`, `TYPE/NAME`, `-f`, `-l`, `--all`); each is scaled in turn with a merge patch of its
`scale` subresource, or with a GET and a PUT when a precondition (`--current-replicas`,
`--resource-version`) must hold. The first failure stops the command; objects that could not be
found are reported at the end.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.base import evolve
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError
from kubenb.store.errors import StatusError

FLAGS = (
    *common.FILENAME_FLAGS,
    *common.PRINT_FLAGS,
    Flag("replicas", kind=int, default=0),
    Flag("current-replicas", kind=int, default=-1),
    Flag("resource-version", default=""),
    Flag("selector", "l", default=""),
    Flag("all", kind=bool, default=False),
    Flag("timeout", default="0s"),
    Flag("dry-run", default="none", no_value="unchanged"),
    Flag("record", kind=bool, default=False),
)

# How long `--timeout` may wait at most, whatever it says (simulated seconds).
MAX_WAIT_SECONDS = 3600.0


def no_scale_subresource() -> StatusError:
    """What the API server answers for `…/pods/x/scale`: a kind without a scale subresource."""
    return StatusError("NotFound", 404, "the server could not find the requested resource")


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    common.require(p, "replicas")
    dry = common.dry_run(p)
    common.check_output_format(p["output"])
    timeout = common.duration_flag(p, "timeout", "scale")
    if p["replicas"] < 0:
        raise KubectlError("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    if p["current-replicas"] < -1 and ctx.minor >= 26:
        raise KubectlError("error: The --current-replicas must specify an integer of -1 or greater")
    targets, problems = common.find(ctx, p, p.args, "scale", select_all=p["all"], selector=p["selector"])
    if p["resource-version"] and len(targets) > 1:
        raise KubectlError("error: cannot use --resource-version with multiple resources")
    if ctx.minor < 26:
        return _run_before_1_26(ctx, p, targets, problems, dry, timeout)
    if not targets:
        if problems:  # kubectl 1.32 words it `no objects passed to scale <the builder's error>`
            raws = [getattr(x, "raw", x) for x in problems]
            raise KubectlError("error: no objects passed to scale " + (raws[0] if len(raws) == 1 else
                                                                         "[" + ", ".join(raws) + "]"))
        raise KubectlError("error: no objects passed to scale")
    replicas = p["replicas"]
    for target in targets:
        if dry == "client":
            common.print_result(ctx, target.info, target.obj, "scaled", p["output"], dry)
            continue
        scale(ctx, target, replicas, p["current-replicas"], p["resource-version"], dry)
        if timeout and dry == "none":
            _wait_for_replicas(ctx, target, replicas, timeout)
        common.print_result(ctx, target.info, target.obj, "scaled", p["output"], dry)
    common.fail_if(problems)
    return 0


def _run_before_1_26(ctx: Context, p: Any, targets: list[common.Target], problems: list[str], dry: str,
                     timeout: float) -> int:
    """Older kubectl visits every object with ContinueOnError: a failed scale does not stop the
    others, and all errors (lookups included) are reported together at the end."""
    failures: list[str] = []
    for target in targets:
        if dry == "client":
            common.print_result(ctx, target.info, target.obj, "scaled", p["output"], dry)
            continue
        try:
            scale(ctx, target, p["replicas"], p["current-replicas"], p["resource-version"], dry)
            if timeout and dry == "none":
                _wait_for_replicas(ctx, target, p["replicas"], timeout)
        except StatusError as err:
            failures.append(common.format_status_error(err))
            continue
        except KubectlError as err:
            text = str(err)
            failures.append(text[len("error: "):] if text.startswith("error: ") else text)
            continue
        common.print_result(ctx, target.info, target.obj, "scaled", p["output"], dry)
    common.check_errors(failures + list(problems))
    if not targets:
        raise KubectlError("error: no objects passed to scale")
    return 0


def scale(ctx: Context, target: common.Target, replicas: int, current: int = -1, resource_version: str = "",
          dry: str = "none") -> Any:
    """`ScaleSimple`: check the preconditions against the live scale, then write `spec.replicas`."""
    if "scale" not in target.info.subresources:
        raise no_scale_subresource()
    live = ctx.store.get(target.info.kind, target.namespace, target.name)
    if current != -1 and (live.spec.replicas or 0) != current:
        raise KubectlError(f"error: Expected replicas to be {current}, was {live.spec.replicas or 0}")
    if resource_version and live.metadata.resource_version != resource_version:
        raise KubectlError(f"error: Expected resource version to be {resource_version}, "
                           f"was {live.metadata.resource_version}")
    new = evolve(live)
    new.spec.replicas = replicas
    return ctx.store.update(new, dry_run=dry == "server")


def _wait_for_replicas(ctx: Context, target: common.Target, replicas: int, timeout: float) -> None:
    """`WaitForScaleHasDesiredReplicas`: until the status reports the new size."""
    store = ctx.store

    def waiting() -> bool:
        obj = store.try_get(target.info.kind, target.namespace, target.name)
        if obj is None:
            return False
        status = obj.status
        observed = getattr(status, "observed_generation", None)
        return (status.replicas or 0) != replicas or (observed is not None and observed < (obj.metadata.generation or 0))

    if not ctx.cluster.loop.run_while(waiting, ctx.cluster.clock.now + min(timeout, MAX_WAIT_SECONDS)):
        raise KubectlError(f'error: timed out waiting for "{target.name}" to be synced')
