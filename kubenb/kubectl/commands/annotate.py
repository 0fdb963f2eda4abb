"""`kubectl annotate`: add, overwrite (`--overwrite`) or remove (`key-`) annotations.

Port of `pkg/cmd/annotate/annotate.go`: like `label`, a JSON merge patch per object; the printer
always says `annotated`; `kubernetes.io/change-cause` may be overwritten without `--overwrite`.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.base import evolve
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.commands.label import (
    _check,
    _edit_local,
    _list,
    _write,
    check_local,
    run_local,
    single_item_implied,
)
from kubenb.kubectl.commands.set_image import parse_pairs, resources_and_pairs
from kubenb.kubectl.context import Context, KubectlError
from kubenb.store.errors import StatusError

FLAGS = (
    *common.FILENAME_FLAGS,
    *common.PRINT_FLAGS,
    Flag("overwrite", kind=bool, default=False),
    Flag("list", kind=bool, default=False),
    Flag("local", kind=bool, default=False),
    Flag("field-selector", default=""),
    Flag("all", kind=bool, default=False),
    Flag("all-namespaces", "A", kind=bool, default=False),
    Flag("resource-version", default=""),
    Flag("dry-run", default="none", no_value="unchanged"),
    Flag("field-manager", default="kubectl-annotate"),
    Flag("selector", "l", default=""),
    Flag("record", kind=bool, default=False),
)


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    common.warn_record(ctx, p)
    dry = common.dry_run(p)
    common.check_output_format(p["output"])
    if p["list"] and p["output"]:
        raise KubectlError("error: --list and --output may not be specified together")
    resources, pairs = resources_and_pairs(p.args, "annotation")
    new, remove = parse_pairs(pairs, "annotation", True)
    if p["all"] and p["selector"]:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if p["all"] and p["field-selector"]:
        raise KubectlError("error: cannot set --all and --field-selector at the same time")
    check_local(p, resources, dry, "rsrc.yaml", "rsrc.json")
    if not new and not remove and not p["list"]:
        raise KubectlError("error: at least one annotation update is required")
    both = [k for k in remove if k in new]
    if both:
        raise KubectlError("error: can not both modify and remove the following annotation(s) in the same command: "
                           + ", ".join(both))
    if p["local"]:
        return run_local(ctx, p, lambda data: _edit_local(data, "annotations", new, remove), "annotated")
    targets, failures = common.find(ctx, p, resources, "annotate", select_all=p["all"], selector=p["selector"],
                                    field_selector=p["field-selector"], all_namespaces=p["all-namespaces"])
    one = single_item_implied(p, resources)
    if not one and p["resource-version"]:
        raise KubectlError("error: --resource-version may only be used with a single resource")
    cause = common.change_cause("annotate", p.args, p, FLAGS)
    for target in targets:
        current = dict(target.obj.metadata.annotations or {})
        if not p["overwrite"]:
            clashes = [f"'{k}' already has a value ({current[k]})" for k in sorted(new)
                       if k != common.CHANGE_CAUSE and k in current]
            if clashes:
                failures.append("--overwrite is false but found the following declared annotation(s): "
                                + "; ".join(clashes))
                continue
        annotations = dict(current)
        if cause is not None:  # recorded before the update, which may overwrite it
            annotations[common.CHANGE_CAUSE] = cause
        annotations.update(new)
        for key in remove:
            annotations.pop(key, None)
        edited = evolve(target.obj)
        edited.metadata.annotations = annotations or None
        shown = edited
        if dry != "client" and not p["list"]:
            data = edited.to_dict()
            if p["resource-version"]:
                data["metadata"]["resourceVersion"] = p["resource-version"]
            try:
                shown = _write(ctx, target, data, dry)
            except StatusError as err:
                failures.append(common.status_text(err))
                continue
        if p["list"]:
            _list(ctx, target, shown.metadata.annotations, one, "annotations")
            continue
        common.print_result(ctx, target.info, shown, "annotated", p["output"], dry)
    _check(failures)
    return 0
