"""`kubectl wait --for=condition=NAME[=VALUE] | --for=delete | --for=jsonpath='{...}'[=VALUE]`.

Port of `pkg/cmd/wait/wait.go`: each object found is waited on in turn, all within one
`--timeout` (default 30s; 0 checks once; negative means a week). Simulated time advances while
waiting; a met condition prints `deployment.apps/x condition met`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError

FLAGS = (
    *common.FILENAME_FLAGS,
    *common.PRINT_FLAGS,
    Flag("for", default=""),
    Flag("timeout", default="30s"),
    Flag("selector", "l", default=""),
    Flag("field-selector", default=""),
    Flag("all", kind=bool, default=False),
    Flag("all-namespaces", "A", kind=bool, default=False),
    Flag("local", kind=bool, default=False),
)

WEEK = 168 * 3600.0
# However long `--timeout` says, a simulation does not wait longer than this (simulated seconds).
MAX_WAIT_SECONDS = 3600.0

Check = Callable[[dict], bool]


def condition_check(name: str, value: str) -> Check:
    """`ConditionalWait.checkCondition`: the condition of that type has that status (case-folded),
    unless its observedGeneration (or the status's) lags behind metadata.generation."""
    def check(data: dict) -> bool:
        status = data.get("status") or {}
        for cond in status.get("conditions") or ():
            if not isinstance(cond, dict) or str(cond.get("type", "")).casefold() != name.casefold():
                continue
            if "status" not in cond:
                continue
            generation = (data.get("metadata") or {}).get("generation")
            if generation is not None:
                observed = cond.get("observedGeneration", status.get("observedGeneration"))
                if observed is not None and observed < generation:
                    return False
            return str(cond["status"]).casefold() == value.casefold()
        return False

    return check


def jsonpath_check(expression: str, value: Optional[str]) -> Check:
    from kubenb.kubectl.jsonpath import JSONPath, JSONPathError, relaxed, sprint

    try:
        path = JSONPath(relaxed(expression), allow_missing_keys=True)
        path.parse()
    except JSONPathError as e:
        raise KubectlError(f"error: {e}") from None

    def check(data: dict) -> bool:
        try:
            results = path.find_results(data)
        except JSONPathError as e:
            raise KubectlError(f"error: {e}") from None
        if not results or not results[0]:
            return False
        if len(results) > 1:
            raise KubectlError("error: given jsonpath expression matches more than one list")
        if len(results[0]) > 1:
            raise KubectlError("error: given jsonpath expression matches more than one value")
        if value is None:
            return True
        found = results[0][0]
        if isinstance(found, (dict, list)):
            raise KubectlError("error: jsonpath leads to a nested object or list which is not supported")
        return sprint(found).strip() == value.strip()

    return check


def parse_for(text: str) -> tuple[str, Optional[Check]]:
    if text.lower() == "delete":
        return "delete", None
    if text.startswith("condition="):
        name, _, value = text[len("condition="):].partition("=")
        return "condition", condition_check(name, value or "true")
    if text.startswith("jsonpath="):
        parts = text.split("=")
        if len(parts) > 3:
            raise KubectlError("error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or "
                               "--for=jsonpath='{.status.readyReplicas}'")
        if len(parts) == 3 and parts[2] == "":
            raise KubectlError("error: jsonpath wait value cannot be empty")
        if not parts[1]:
            raise KubectlError("error: jsonpath expression cannot be empty")
        value = parts[2].strip("'\"") if len(parts) == 3 else None
        return "jsonpath", jsonpath_check(parts[1], value)
    raise KubectlError(f'error: unrecognized condition: "{text}"')


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    timeout = common.duration_flag(p, "timeout", "wait")
    mode, check = parse_for(p["for"])
    if timeout < 0:
        timeout = WEEK
    targets, problems = common.find(ctx, p, p.args, "wait", select_all=p["all"], selector=p["selector"],
                                    field_selector=p["field-selector"], all_namespaces=p["all-namespaces"])
    if mode == "delete":
        problems = [x for x in problems if "(NotFound)" not in x]
    deadline = ctx.cluster.clock.now + timeout
    failures: list[str] = list(problems)
    visited = 0
    for target in targets:
        visited += 1
        where = f"{target.info.plural}/{target.name}"
        if mode == "delete":
            ok = _wait_deleted(ctx, target, timeout, deadline)
            if ok:
                common.print_result(ctx, target.info, target.obj, "condition met", p["output"])
            else:
                failures.append(f"timed out waiting for the condition on {where}" if timeout else
                                f"condition not met for {where}")
            continue
        assert check is not None
        try:
            final = _wait_condition(ctx, target, check, timeout, deadline)
        except KubectlError as err:
            failures.append(str(err)[len("error: "):] if str(err).startswith("error: ") else str(err))
            continue
        if final is None:
            failures.append(f"timed out waiting for the condition on {where}" if timeout else
                            f"condition not met for {where}")
            continue
        common.print_result(ctx, target.info, final, "condition met", p["output"])
    common.check_errors(failures)
    if visited == 0 and mode != "delete":
        raise KubectlError("error: no matching resources found")
    return 0


def _current(ctx: Context, target: common.Target) -> Any:
    return ctx.store.try_get(target.info.kind, target.namespace, target.name)


def _wait_condition(ctx: Context, target: common.Target, check: Check, timeout: float, deadline: float) -> Any:
    """The object once `check` holds, or None when the time is up. A vanished object is NotFound."""
    from kubenb.store import errors

    def state() -> Any:
        obj = _current(ctx, target)
        if obj is None:
            raise KubectlError(common.format_status_error(errors.not_found(target.info, target.name)))
        return obj if check(obj.to_dict()) else None

    met = state()
    if met is not None or timeout == 0:
        return met
    found: dict[str, Any] = {}

    def waiting() -> bool:
        found["obj"] = state()
        return found["obj"] is None

    ctx.cluster.loop.run_while(waiting, min(deadline, ctx.cluster.clock.now + MAX_WAIT_SECONDS))
    return found.get("obj")


def _wait_deleted(ctx: Context, target: common.Target, timeout: float, deadline: float) -> bool:
    uid = target.obj.metadata.uid

    def gone() -> bool:
        obj = _current(ctx, target)
        return obj is None or obj.metadata.uid != uid

    if gone():
        return True
    if timeout == 0:
        return False
    return ctx.cluster.loop.run_while(lambda: not gone(), min(deadline, ctx.cluster.clock.now + MAX_WAIT_SECONDS))
