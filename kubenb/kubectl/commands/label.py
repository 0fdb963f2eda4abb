"""`kubectl label`: add, overwrite (`--overwrite`) or remove (`key-`) labels, by name, `-f`, `-l` or `--all`.

Port of `pkg/cmd/label/label.go`: each object is changed locally, the difference is sent as a
JSON merge patch, and the printer says `labeled`, `unlabeled` or `not labeled`. An object whose
label would be overwritten without `--overwrite` is an error; the other objects are still labeled.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import names
from kubenb.api.base import evolve
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.commands.set_image import resources_and_pairs
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
    Flag("field-manager", default="kubectl-label"),
    Flag("selector", "l", default=""),
    Flag("record", kind=bool, default=False),
)


def parse_labels(specs: list[str]) -> tuple[dict[str, str], list[str]]:
    """`parseLabels`: `key=value` (value validated here, key by the API server) and `key-`."""
    labels: dict[str, str] = {}
    remove: list[str] = []
    for spec in specs:
        if "=" in spec:
            parts = spec.split("=")
            if len(parts) != 2:
                raise KubectlError(f"error: invalid label spec: {spec}")
            errs = names.is_valid_label_value(parts[1])
            if errs:
                raise KubectlError(f"error: invalid label value: {names.go_quote(spec)}: {';'.join(errs)}")
            labels[parts[0]] = parts[1]
        elif spec.endswith("-"):
            remove.append(spec[:-1])
        else:
            raise KubectlError(f"error: unknown label spec: {spec}")
    for key in remove:
        if key in labels:
            raise KubectlError("error: can not both modify and remove a label in the same command")
    return labels, remove


def single_item_implied(p: Any, resources: list[str]) -> bool:
    """`IntoSingleItemImplied`: one object named explicitly (`TYPE NAME` or `TYPE/NAME`)."""
    if p["filename"] or p["selector"] or p["all"]:
        return False
    if len(resources) == 1 and "/" in resources[0]:
        return True
    return len(resources) == 2 and "/" not in resources[0] and "," not in resources[0]


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    common.warn_record(ctx, p)
    dry = common.dry_run(p)
    common.check_output_format(p["output"])
    resources, pairs = resources_and_pairs(p.args, "label")
    new, remove = parse_labels(pairs)
    if p["list"] and p["output"]:
        raise KubectlError("error: --list and --output may not be specified together")
    if p["all"] and p["selector"]:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if p["all"] and p["field-selector"]:
        raise KubectlError("error: cannot set --all and --field-selector at the same time")
    check_local(p, resources, dry, "pod.yaml", "pod.json")
    if not new and not remove and not p["list"]:
        raise KubectlError("error: at least one label update is required")
    if p["local"]:
        return run_local(ctx, p, lambda data: _edit_local(data, "labels", new, remove), "labeled")
    targets, failures = common.find(ctx, p, resources, "label", select_all=p["all"], selector=p["selector"],
                                    field_selector=p["field-selector"], all_namespaces=p["all-namespaces"])
    one = single_item_implied(p, resources)
    if not one and p["resource-version"]:
        raise KubectlError("error: --resource-version may only be used with a single resource")
    cause = common.change_cause("label", p.args, p, FLAGS)
    for target in targets:
        current = dict(target.obj.metadata.labels or {})
        if not p["overwrite"]:
            clashes = [f"'{k}' already has a value ({current[k]}), and --overwrite is false" for k in sorted(new)
                       if k in current]
            if clashes:
                failures.append("\n".join(clashes))
                continue
        if dry == "none" and not p["list"]:
            for key in remove:
                if key not in current:
                    ctx.print(f'label "{key}" not found.')
        labels = {**current, **new}
        for key in remove:
            labels.pop(key, None)
        edited = evolve(target.obj)
        edited.metadata.labels = labels or None
        if cause is not None:
            edited.metadata.annotations = {**(edited.metadata.annotations or {}), common.CHANGE_CAUSE: cause}
        message = change_message(target.obj, edited, p["overwrite"], "labeled", "unlabeled", "not labeled")
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
            _list(ctx, target, shown.metadata.labels, one, "labels")
            continue
        common.print_result(ctx, target.info, edited, message, p["output"], dry)
    _check(failures)
    return 0


def check_local(p: Any, resources: list[str], dry: str, yaml_name: str, json_name: str) -> None:
    """The checks of `--local` (objects from `-f`, nothing sent), or of the resources otherwise."""
    if p["local"]:
        if dry == "server":
            raise KubectlError("error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
        if resources:
            raise KubectlError(f"error: can only use local files by -f {yaml_name} or --filename={json_name} when "
                               "--local=true is set")
        if not p["filename"]:
            raise KubectlError(f"error: one or more files must be specified as -f {yaml_name} or --filename={json_name}")
    elif not resources and not p["filename"]:
        raise KubectlError("error: one or more resources must be specified as <resource> <name> or <resource>/<name>")


def _edit_local(data: dict, field: str, new: dict[str, str], remove: list[str]) -> None:
    meta = data.setdefault("metadata", {})
    values = {**(meta.get(field) or {}), **new}
    for key in remove:
        values.pop(key, None)
    meta[field] = values


def run_local(ctx: Context, p: Any, edit: Any, operation: str) -> int:
    """`--local`: change the objects read from `-f` and print them (as read: no defaults added)."""
    from kubenb.kubectl import manifests
    from kubenb.kubectl.commands.apply import _map
    from kubenb.kubectl.printers import output

    fmt = p["output"].partition("=")[0]
    for doc in manifests.load(p["filename"], ctx.stdin, p["recursive"]):
        info = _map(ctx, doc)
        data = doc.data
        edit(data)
        name = (data.get("metadata") or {}).get("name", "")
        if fmt == "yaml":
            ctx.out.write(output.to_yaml(data))
        elif fmt == "json":
            ctx.out.write(output.to_json(data))
        elif fmt == "name":
            ctx.print(common.name_of(info, name))
        else:
            ctx.print(f"{common.name_of(info, name)} {operation}")
    return 0


def _write(ctx: Context, target: common.Target, data: dict, dry: str) -> Any:
    """PATCH (merge) with an optional resourceVersion precondition."""
    wanted = data["metadata"].get("resourceVersion")
    if wanted and wanted != target.obj.metadata.resource_version:
        from kubenb.store import errors

        raise errors.conflict(target.info, target.name, "the object has been modified; please apply your changes to "
                              "the latest version and try again")
    return common.write(ctx, target.info, target.obj, data, dry)


def change_message(old: Any, new: Any, overwrite: bool, changed: str, removed: str, unchanged: str) -> str:
    """`updateDataChangeMsg`: compares the JSON of the object before and after."""
    import json

    before = json.dumps(old.to_dict(), separators=(",", ":"))
    after = json.dumps(new.to_dict(), separators=(",", ":"))
    if before == after:
        return unchanged
    if not overwrite and len(after) < len(before):
        return removed
    return changed


def _list(ctx: Context, target: common.Target, values: Any, one: bool, what: str) -> None:
    indent = ""
    if not one:
        indent = " "
        ctx.print(f"Listing {what} for {target.info.kind}.{target.info.group}/{target.name}:")
    for key in sorted(values or {}):
        ctx.print(f"{indent}{key}={values[key]}")


def _check(failures: list[str]) -> None:
    """Errors of the visit, in `CheckErr`'s words (an overwrite clash is an aggregate of one per key)."""
    if not failures:
        return
    if len(failures) == 1 and "\n" not in failures[0]:
        common.check_errors(failures)
    raise KubectlError("\n".join(failures))
