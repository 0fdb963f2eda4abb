"""`kubectl rollout status|history|undo|pause|resume|restart`.

Ports of `pkg/cmd/rollout/*.go` and of the polymorphic helpers they call
(`pkg/polymorphichelpers/{rollout_status,history,rollback,objectpauser,objectresumer,objectrestarter}.go`):

* `status` watches the object and prints the status viewer's message for every event the watch
  delivers (the first from the initial list), until the rollout is done, fails, or `--timeout`
  passes. Simulated time advances meanwhile.
* `history` lists revisions (`REVISION  CHANGE-CAUSE`), or prints one revision's pod template
  with `--revision=N`, through kubectl's unbuffered describe writer (literal tabs).
* `undo` restores a ReplicaSet's template (Deployment) or a ControllerRevision (DaemonSet,
  StatefulSet); the controller then reuses the old ReplicaSet as the newest revision.
* `pause`/`resume` flip `spec.paused`; `restart` stamps `kubectl.kubernetes.io/restartedAt` on the
  pod template with the (simulated) time.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from kubenb.api.base import evolve
from kubenb.controllers.deployment import util
from kubenb.kubectl.args import Flag, UsageError
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError
from kubenb.kubectl.tabwriter import describe_writer
from kubenb.sim.clock import format_rfc3339

FLAGS = (
    *common.FILENAME_FLAGS,
    *common.PRINT_FLAGS,
    Flag("watch", "w", kind=bool, default=True),
    Flag("revision", kind=int, default=0),
    Flag("timeout", default="0s"),
    Flag("to-revision", kind=int, default=0),
    Flag("dry-run", default="none", no_value="unchanged"),
    Flag("field-manager", default="kubectl-rollout"),
    Flag("selector", "l", default=""),
)
_FILE = ("filename", "recursive", "kustomize")
_PRINT = ("output", "show-managed-fields", "allow-missing-template-keys", "template")
SUBCOMMAND_FLAGS = {
    "status": _FILE + ("watch", "revision", "timeout", "selector"),
    "history": _FILE + _PRINT + ("revision", "selector"),
    "undo": _FILE + _PRINT + ("to-revision", "dry-run", "selector"),
    "pause": _FILE + _PRINT + ("field-manager", "selector"),
    "resume": _FILE + _PRINT + ("field-manager", "selector"),
    "restart": _FILE + _PRINT + ("field-manager", "selector"),
}

HELP = """Manage the rollout of one or many resources.
        
 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets

Examples:
  # Rollback to the previous deployment
  kubectl rollout undo deployment/abc
  
  # Check the rollout status of a daemonset
  kubectl rollout status daemonset/foo
  
  # Restart a deployment
  kubectl rollout restart deployment/abc
  
  # Restart deployments with the 'app=nginx' label
  kubectl rollout restart deployment --selector=app=nginx

Available Commands:
  history       View rollout history
  pause         Mark the provided resource as paused
  restart       Restart a resource
  resume        Resume a paused resource
  status        Show the status of the rollout
  undo          Undo a previous rollout

Usage:
  kubectl rollout SUBCOMMAND [options]

Use "kubectl rollout <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""  # noqa: W291,W293 - kubectl's help has these trailing blanks

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
CHANGE_CAUSE = "kubernetes.io/change-cause"
# `rollout status` without --timeout waits "forever"; a simulation stops after this long.
FOREVER_SECONDS = 3600.0


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    if not p.args:
        ctx.out.write(HELP)
        return 1
    sub, args = p.args[0], p.args[1:]
    handler = {"status": _status, "history": _history, "undo": _undo, "pause": _pause, "resume": _resume,
               "restart": _restart}.get(sub)
    if handler is None:
        raise KubectlError(f'error: unknown command "{sub}"\nSee \'kubectl rollout -h\' for help and examples')
    allowed = tuple(f for f in FLAGS if f.name in SUBCOMMAND_FLAGS[sub])
    common.only_flags(p, allowed, f"rollout {sub}")
    return handler(ctx, p, args)


def _targets(ctx: Context, p: Any, args: list[str], verb: str) -> tuple[list[common.Target], list[str]]:
    if not args and not p["filename"]:
        raise KubectlError("error: required resource not specified")
    # ResourceTypeOrNameArgs(true, ...): a type alone means every object of it
    return common.find(ctx, p, args, f"rollout {verb}", select_all=not p["selector"], selector=p["selector"])


def _kind(target: common.Target) -> str:
    group = target.info.group
    return f"{target.info.kind}.{group}" if group else target.info.kind


def _aggregate(errors: list[str]) -> None:
    common.check_errors([e[len("error: "):] if e.startswith("error: ") else e for e in errors])


# ============================================================================ status


def status_message(obj: Any, revision: int = 0) -> tuple[str, bool]:
    """The status viewer's (message, done) for a Deployment, DaemonSet or StatefulSet; KubectlError
    for the viewer's errors."""
    kind, name = obj.KIND, obj.metadata.name
    generation = obj.metadata.generation or 0
    st = obj.status
    if kind == "Deployment":
        if revision > 0:
            current = util.revision(obj)
            if revision != current:
                raise KubectlError(f"error: desired revision ({revision}) is different from the running revision ({current})")
        if generation <= (st.observed_generation or 0):
            cond = next((c for c in st.conditions or () if c.type == "Progressing"), None)
            if cond is not None and cond.reason == "ProgressDeadlineExceeded":
                raise KubectlError(f'error: deployment "{name}" exceeded its progress deadline')
            replicas = obj.spec.replicas
            updated = st.updated_replicas or 0
            if replicas is not None and updated < replicas:
                return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {replicas} new replicas '
                        "have been updated..."), False
            if (st.replicas or 0) > updated:
                return (f'Waiting for deployment "{name}" rollout to finish: {(st.replicas or 0) - updated} old '
                        "replicas are pending termination..."), False
            if (st.available_replicas or 0) < updated:
                return (f'Waiting for deployment "{name}" rollout to finish: {st.available_replicas or 0} of {updated} '
                        "updated replicas are available..."), False
            return f'deployment "{name}" successfully rolled out', True
        return "Waiting for deployment spec update to be observed...", False
    if kind == "DaemonSet":
        if (obj.spec.update_strategy.type or "RollingUpdate") != "RollingUpdate":
            raise KubectlError("error: rollout status is only available for RollingUpdate strategy type")
        if generation <= (st.observed_generation or 0):
            updated, desired = st.updated_number_scheduled or 0, st.desired_number_scheduled or 0
            if updated < desired:
                return (f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {desired} new pods have '
                        "been updated..."), False
            available = st.number_available or 0
            if available < desired:
                return (f'Waiting for daemon set "{name}" rollout to finish: {available} of {desired} updated pods are '
                        "available..."), False
            return f'daemon set "{name}" successfully rolled out', True
        return "Waiting for daemon set spec update to be observed...", False
    if kind == "StatefulSet":
        strategy = obj.spec.update_strategy
        if (strategy.type or "RollingUpdate") != "RollingUpdate":
            raise KubectlError("error: rollout status is only available for RollingUpdate strategy type")
        if not st.observed_generation or generation > st.observed_generation:
            return "Waiting for statefulset spec update to be observed...", False
        replicas = obj.spec.replicas
        if replicas is not None and (st.ready_replicas or 0) < replicas:
            return f"Waiting for {replicas - (st.ready_replicas or 0)} pods to be ready...", False
        if strategy.rolling_update is not None:
            partition = strategy.rolling_update.partition
            if replicas is not None and partition is not None and (st.updated_replicas or 0) < replicas - partition:
                return (f"Waiting for partitioned roll out to finish: {st.updated_replicas or 0} out of "
                        f"{replicas - partition} new pods have been updated..."), False
            return f"partitioned roll out complete: {st.updated_replicas or 0} new pods have been updated...", True
        if st.update_revision != st.current_revision:
            return (f"waiting for statefulset rolling update to complete {st.updated_replicas or 0} pods at revision "
                    f"{st.update_revision}..."), False
        return (f"statefulset rolling update complete {st.current_replicas or 0} pods at revision "
                f"{st.current_revision}..."), True
    raise KubectlError(f"error: no status viewer has been implemented for {obj.KIND}")


def _status(ctx: Context, p: Any, args: list[str]) -> int:
    timeout = common.duration_flag(p, "timeout", "rollout status")
    if not args and not p["filename"]:
        raise KubectlError("error: required resource not specified")
    if p["revision"] < 0:
        raise KubectlError(f"error: revision must be a positive integer: {p['revision']}")
    targets, problems = _targets(ctx, p, args, "status")
    if ctx.minor < 24:  # one object only, before kubectl 1.24
        common.fail_if(problems)
        if len({t.info.kind for t in targets}) > 1:
            raise KubectlError("error: you must provide resources of a single resource type")
        if len(targets) != 1:
            raise KubectlError("error: rollout status is only supported on individual resources and resource "
                               f"collections - {len(targets)} resources were found")
        target = targets[0]
        if target.info.kind not in ("Deployment", "DaemonSet", "StatefulSet"):
            raise KubectlError(f"error: no status viewer has been implemented for {_kind(target)}")
        return watch_rollout(ctx, target, p["revision"], p["watch"], timeout)
    # since 1.24 every object found is watched in turn, each with its own --timeout
    failures: list[str] = []
    for target in targets:
        if target.info.kind not in ("Deployment", "DaemonSet", "StatefulSet"):
            failures.append(f"no status viewer has been implemented for {_kind(target)}")
            continue
        try:
            watch_rollout(ctx, target, p["revision"], p["watch"], timeout)
        except KubectlError as err:
            failures.append(str(err))
    _aggregate(failures + list(problems))
    if not targets and not problems and ctx.minor >= 28:
        ctx.warn(f"No resources found in {ctx.namespace} namespace.")
    return 0


def watch_rollout(ctx: Context, target: common.Target, revision: int = 0, watch: bool = True,
                  timeout: float = 0.0) -> int:
    """Print a status line for the current object, then one per watch event, until done."""
    store, loop = ctx.store, ctx.cluster.loop
    kind, ns, name = target.info.kind, target.namespace, target.name
    state: dict[str, Any] = {"done": False, "error": None}

    def consider(obj: Any) -> None:
        if state["done"]:
            return
        try:
            message, done = status_message(obj, revision)
        except KubectlError as err:
            state["done"], state["error"] = True, err
            return
        ctx.print(message)
        if done or not watch:
            state["done"] = True

    current = store.try_get(kind, ns, name)
    if current is None:
        raise KubectlError("error: object has been deleted")
    consider(current)

    def on_event(event: Any) -> None:
        obj = event.object
        if state["done"] or obj.metadata.name != name or (obj.metadata.namespace or "") != ns:
            return
        if event.type == "DELETED":
            state["done"], state["error"] = True, KubectlError("error: object has been deleted")
            return
        consider(obj)

    if not state["done"]:
        unsubscribe = store.watch(on_event, kind)
        try:
            limit = timeout if timeout > 0 else FOREVER_SECONDS
            finished = loop.run_while(lambda: not state["done"], ctx.cluster.clock.now + limit)
        finally:
            unsubscribe()
        if not finished and not state["done"]:
            raise KubectlError("error: timed out waiting for the condition")
    if state["error"] is not None:
        raise state["error"]
    return 0


# ============================================================================ history


class RawPrefixWriter:
    """describe's `NewPrefixWriter` over a plain buffer (no tabwriter): tabs stay literal tabs."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.parts.append(_escape("  " * level + text))

    def write_line(self, *parts: Any) -> None:
        self.parts.append(_escape(" ".join(str(x) for x in parts) + "\n"))

    def flush(self) -> None:
        pass

    def text(self) -> str:
        return "".join(self.parts)


def _escape(text: str) -> str:
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def print_template(ctx: Context, template: Any) -> str:
    """`printTemplate`: `describe.DescribePodTemplate` into an unbuffered prefix writer."""
    from kubenb.kubectl.describe.containers import describe_pod_template

    w = RawPrefixWriter()
    describe_pod_template(template, w, ctx.minor)
    return w.text()


def _tabbed(lines: list[str]) -> str:
    """`tabbedString`: Go's tabwriter (minwidth 0, tabwidth 8, padding 2)."""
    w = describe_writer()
    w.write("".join(lines))
    return w.flush()


def owned_replica_sets(ctx: Context, d: Any) -> list[Any]:
    """`deploymentutil.GetAllReplicaSets`: the ReplicaSets the Deployment controls."""
    out = []
    for rs in ctx.store.by_owner(d.metadata.uid or "", "ReplicaSet"):
        ref = rs.metadata.controller_ref()
        if ref is not None and ref.uid == d.metadata.uid:
            out.append(rs)
    return out


def controller_revisions(ctx: Context, obj: Any) -> list[Any]:
    out = []
    for cr in ctx.store.by_owner(obj.metadata.uid or "", "ControllerRevision"):
        ref = cr.metadata.controller_ref()
        if ref is not None and ref.uid == obj.metadata.uid:
            out.append(cr)
    return out


def _template_from_revision(ctx: Context, obj: Any, cr: Any) -> Any:
    """`applyDaemonSetHistory`/`applyStatefulSetHistory`: the object's template with the revision's
    strategic merge patch applied."""
    from kubenb.kubectl.patch import schema_for, strategic_merge

    patched = strategic_merge(obj.to_dict(), cr.data or {}, schema_for(obj))
    return type(obj).model_validate(patched).spec.template


def _history(ctx: Context, p: Any, args: list[str]) -> int:
    if not args and not p["filename"]:
        raise KubectlError("error: required resource not specified")
    revision = p["revision"]
    if revision < 0:
        raise KubectlError(f"error: revision must be a positive integer: {revision}")
    common.check_output_format(p["output"])
    targets, problems = _targets(ctx, p, args, "history")
    failures = list(problems)
    for target in targets:
        if p["output"] and ctx.minor >= 24 and target.info.kind == "Deployment":
            # with -o, the revisions themselves (the ReplicaSets) are printed
            by_revision = {util.revision(rs): rs for rs in owned_replica_sets(ctx, target.obj)}
            if revision > 0 and revision not in by_revision:
                failures.append("error: unable to find the specified revision")
                continue
            chosen = [by_revision[revision]] if revision > 0 else [by_revision[r] for r in sorted(by_revision)]
            rs_info = ctx.store.info("ReplicaSet")
            for rs in chosen:
                common.print_result(ctx, rs_info, rs, "", p["output"])
            continue
        try:
            text = _view_history(ctx, target, revision)
        except KubectlError as err:
            failures.append(str(err))
            continue
        with_revision = f"with revision #{revision}" if revision > 0 else ""
        if p["output"]:
            common.print_result(ctx, target.info, target.obj, "", p["output"])
        else:
            ctx.print(f"{common.name_of(target.info, target.name)} {with_revision}\n{text}")
    _aggregate(failures)
    return 0


def _view_history(ctx: Context, target: common.Target, revision: int) -> str:
    obj = target.obj
    kind = target.info.kind
    if kind == "Deployment":
        history: dict[int, Any] = {}
        for rs in owned_replica_sets(ctx, obj):
            template = rs.spec.template.model_copy(deep=True)
            cause = (rs.metadata.annotations or {}).get(CHANGE_CAUSE)
            if cause:
                template.metadata.annotations = {**(template.metadata.annotations or {}), CHANGE_CAUSE: cause}
            history[util.revision(rs)] = template
        if not history:
            return "No rollout history found."
        if revision > 0:
            if revision not in history:
                raise KubectlError("error: unable to find the specified revision")
            return print_template(ctx, history[revision])
        lines = ["REVISION\tCHANGE-CAUSE\n"]
        for r in sorted(history):
            cause = (history[r].metadata.annotations or {}).get(CHANGE_CAUSE) or "<none>"
            lines.append(f"{r}\t{cause}\n")
        return _tabbed(lines)
    if kind in ("DaemonSet", "StatefulSet"):
        revisions = {cr.revision: cr for cr in controller_revisions(ctx, obj)}
        if not revisions:
            return "No rollout history found."
        if revision > 0:
            if revision not in revisions:
                raise KubectlError("error: unable to find the specified revision")
            return print_template(ctx, _template_from_revision(ctx, obj, revisions[revision]))
        if kind == "StatefulSet":
            return _tabbed(["REVISION\n"] + [f"{r}\n" for r in sorted(revisions)])
        lines = ["REVISION\tCHANGE-CAUSE\n"]
        for r in sorted(revisions):
            cause = (revisions[r].metadata.annotations or {}).get(CHANGE_CAUSE) or "<none>"
            lines.append(f"{r}\t{cause}\n")
        return _tabbed(lines)
    raise KubectlError(f'error: no history viewer has been implemented for "{_kind(target)}"')


# ============================================================================ undo

# Annotations of the Deployment kept (not taken from the ReplicaSet) when rolling back.
ANNOTATIONS_TO_SKIP = (util.LAST_APPLIED, util.REVISION, util.REVISION_HISTORY, util.DESIRED_REPLICAS,
                       util.MAX_REPLICAS, util.ROLLBACK_TO)


def _undo(ctx: Context, p: Any, args: list[str]) -> int:
    dry = common.dry_run(p)
    if not args and not p["filename"]:
        raise KubectlError("error: required resource not specified")
    common.check_output_format(p["output"])
    targets, problems = _targets(ctx, p, args, "undo")
    failures = list(problems)
    for target in targets:
        try:
            result = rollback(ctx, target, p["to-revision"], dry)
        except KubectlError as err:
            failures.append(str(err))
            continue
        common.print_result(ctx, target.info, target.obj, result, p["output"], dry, typed=True)
    _aggregate(failures)
    return 0


def _revision_not_found(revision: int) -> KubectlError:
    return KubectlError(f"error: unable to find specified revision {revision} in history")


def rollback(ctx: Context, target: common.Target, to_revision: int, dry: str = "none") -> str:
    """The rollbacker of the target's kind; returns the printer's operation (`rolled back`, ...)."""
    kind = target.info.kind
    if kind == "Deployment":
        return _rollback_deployment(ctx, target, to_revision, dry)
    if kind in ("DaemonSet", "StatefulSet"):
        return _rollback_history(ctx, target, to_revision, dry)
    raise KubectlError(f'error: no rollbacker has been implemented for "{_kind(target)}"')


def _rollback_deployment(ctx: Context, target: common.Target, to_revision: int, dry: str) -> str:
    if to_revision < 0:
        raise _revision_not_found(to_revision)
    d = ctx.store.get("Deployment", target.namespace, target.name)
    rs = _deployment_revision(ctx, d, to_revision)
    if dry == "client":
        return print_template(ctx, rs.spec.template)
    if d.spec.paused:
        raise KubectlError("error: you cannot rollback a paused deployment; resume it first with "
                           "'kubectl rollout resume' and try again")
    if util.equal_ignore_hash(rs.spec.template, d.spec.template):
        return f"skipped rollback (current template already matches revision {to_revision})"
    template = rs.spec.template.to_dict()
    labels = dict(template.get("metadata", {}).get("labels") or {})
    labels.pop(util.POD_TEMPLATE_HASH, None)
    template.setdefault("metadata", {})["labels"] = labels
    current = d.metadata.annotations or {}
    annotations = {k: current[k] for k in ANNOTATIONS_TO_SKIP if k in current}
    annotations.update({k: v for k, v in (rs.metadata.annotations or {}).items() if k not in ANNOTATIONS_TO_SKIP})
    from kubenb.kubectl.patch import PatchError, json_patch, status_error

    ops = [{"op": "replace", "path": "/spec/template", "value": template},
           {"op": "replace", "path": "/metadata/annotations", "value": annotations}]
    try:
        data = json_patch(d.to_dict(), ops)
    except PatchError as err:
        raise KubectlError(f"error: failed restoring revision {to_revision}: {status_error(err).message}") from None
    common.write(ctx, target.info, d, data, dry)
    return "rolled back"


def _deployment_revision(ctx: Context, d: Any, to_revision: int) -> Any:
    latest: Optional[Any] = None
    previous: Optional[Any] = None
    latest_rev = previous_rev = -1
    rss = owned_replica_sets(ctx, d)
    new_rs = util.find_new_replica_set(d, rss)
    ordered = [rs for rs in rss if new_rs is None or rs.metadata.uid != new_rs.metadata.uid]
    if new_rs is not None:
        ordered.append(new_rs)
    for rs in ordered:
        v = util.revision(rs)
        if to_revision == 0:
            if latest_rev < v:
                previous_rev, previous = latest_rev, latest
                latest_rev, latest = v, rs
            elif previous_rev < v:
                previous_rev, previous = v, rs
        elif to_revision == v:
            return rs
    if to_revision > 0:
        raise _revision_not_found(to_revision)
    if previous is None:
        raise KubectlError(f'error: no rollout history found for deployment "{d.metadata.name}"')
    return previous


def _rollback_history(ctx: Context, target: common.Target, to_revision: int, dry: str) -> str:
    if to_revision < 0:
        raise _revision_not_found(to_revision)
    obj = ctx.store.get(target.info.kind, target.namespace, target.name)
    history = sorted(controller_revisions(ctx, obj), key=lambda cr: cr.revision)
    if to_revision == 0 and len(history) <= 1:
        raise KubectlError("error: no last revision to roll back to")
    if to_revision == 0:
        chosen = history[-2]
    else:
        chosen = next((cr for cr in history if cr.revision == to_revision), None)
        if chosen is None:
            raise _revision_not_found(to_revision)
    if dry == "client":
        return print_template(ctx, _template_from_revision(ctx, obj, chosen))
    current = obj.spec.template.to_dict()
    wanted = ((chosen.data or {}).get("spec") or {}).get("template") or {}
    wanted = {k: v for k, v in wanted.items() if k != "$patch"}
    current.get("metadata", {}).pop("creationTimestamp", None)
    wanted.get("metadata", {}).pop("creationTimestamp", None) if isinstance(wanted.get("metadata"), dict) else None
    if json.dumps(current, sort_keys=True) == json.dumps(wanted, sort_keys=True):
        return f"skipped rollback (current template already matches revision {to_revision})"
    from kubenb.kubectl.patch import schema_for, strategic_merge

    data = strategic_merge(obj.to_dict(), chosen.data or {}, schema_for(obj))
    common.write(ctx, target.info, obj, data, dry)
    return "rolled back"


# ============================================================================ pause, resume, restart


def _patch_each(ctx: Context, p: Any, args: list[str], verb: str, edit: Any, operation: str) -> int:
    """`set.CalculatePatches` + PATCH for each target: `edit(target, obj)` changes a private copy
    (or raises KubectlError with the helper's message); an unchanged object prints `already <op>`."""
    if not args and not p["filename"]:
        raise KubectlError("error: required resource not specified")
    common.check_output_format(p["output"])
    targets, problems = _targets(ctx, p, args, verb)
    failures = list(problems)
    for target in targets:
        new = evolve(target.obj)
        try:
            edit(target, new)
        except KubectlError as err:
            failures.append(f'error: {target.info.group_resource} "{target.name}" {err}')
            continue
        if new == target.obj:
            if verb == "restart":
                failures.append(f"failed to create patch for {target.name}: if restart has already been triggered "
                                "within the past second, please wait before attempting to trigger another")
            else:
                common.print_result(ctx, target.info, target.obj, f"already {operation}", p["output"], typed=True)
                continue
        result = ctx.store.update(new)
        common.print_result(ctx, target.info, result, operation, p["output"], typed=True)
    _aggregate(failures)
    return 0


def _pause(ctx: Context, p: Any, args: list[str]) -> int:
    def edit(target: common.Target, obj: Any) -> None:
        if target.info.kind != "Deployment":
            raise KubectlError("pausing is not supported")
        if obj.spec.paused:
            raise KubectlError("is already paused")
        obj.spec.paused = True

    return _patch_each(ctx, p, args, "pause", edit, "paused")


def _resume(ctx: Context, p: Any, args: list[str]) -> int:
    def edit(target: common.Target, obj: Any) -> None:
        if target.info.kind != "Deployment":
            raise KubectlError("resuming is not supported")
        if not obj.spec.paused:
            raise KubectlError("is not paused")
        obj.spec.paused = None  # `paused: false` is omitted: the patch removes the field

    return _patch_each(ctx, p, args, "resume", edit, "resumed")


def _restart(ctx: Context, p: Any, args: list[str]) -> int:
    stamp = format_rfc3339(ctx.cluster.clock.now)

    def edit(target: common.Target, obj: Any) -> None:
        kind = target.info.kind
        if kind == "Deployment":
            if obj.spec.paused:
                raise KubectlError("can't restart paused deployment (run rollout resume first)")
        elif kind not in ("DaemonSet", "StatefulSet"):
            raise KubectlError("restarting is not supported")
        meta = obj.spec.template.metadata
        meta.annotations = {**(meta.annotations or {}), RESTARTED_AT: stamp}

    return _patch_each(ctx, p, args, "restart", edit, "restarted")


__all__ = ["run", "FLAGS", "status_message", "watch_rollout", "rollback", "UsageError"]
