"""`kubectl patch`: send a strategic merge, JSON merge or JSON patch (`-p`/`--patch-file`, `--type`).

Port of `pkg/cmd/patch/patch.go`; the API server's side of the PATCH (applying the patch, then
decoding, defaulting and validating the result) is :mod:`kubenb.kubectl.patch` plus the store.
An object the patch leaves unchanged prints `patched (no change)`.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import yaml

from kubenb.api.names import go_quote
from kubenb.kubectl import manifests
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError
from kubenb.store.errors import StatusError

FLAGS = (
    *common.FILENAME_FLAGS,
    *common.PRINT_FLAGS,
    Flag("patch", "p", default=""),
    Flag("patch-file", default=""),
    Flag("type", default="strategic"),
    Flag("dry-run", default="none", no_value="unchanged"),
    Flag("local", kind=bool, default=False),
    Flag("field-manager", default="kubectl-patch"),
    Flag("subresource", default=""),
    Flag("record", kind=bool, default=False),
)

PATCH_TYPES = ("json", "merge", "strategic")

# `kubenb.kubectl.patch` by its module path: `kubenb.kubectl.patch` as an attribute of the package may be
# this command module, when kubectl's command table imports it under the name `patch`.
patching = importlib.import_module("kubenb.kubectl.patch")


class BadJSON(ValueError):
    """A patch that looks like JSON (kubectl sends it as it is) but is not: the API server's 400."""


def parse_patch(text: str, shown: str) -> Any:
    """`yaml.ToJSON`: the patch as JSON (YAML accepted); kubectl's error when it is neither. Text
    starting with `{` is taken as JSON and sent unparsed, so its errors come from the server."""
    try:
        return json.loads(text)
    except ValueError as err:
        if text.lstrip().startswith("{"):
            raise BadJSON(go_json_error(text, err)) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise KubectlError(f"error: unable to parse {go_quote(shown)}: {go_yaml_error(err)}") from None


# PyYAML's words for a problem -> go-yaml's (libyaml's C messages, which go-yaml kept)
_YAML_WORDS = {
    "mapping values are not allowed here": "mapping values are not allowed in this context",
    "expected the node content, but found '<stream end>'": "did not find expected node content",
    "found character '\\t' that cannot start any token": "found character that cannot start any token",
}


def go_yaml_error(err: Any) -> str:
    """go-yaml's `yaml: [line N: ]problem`: scanner errors on the first line name no line; parser
    errors name the line after the problem mark (libyaml ends the stream on a new line)."""
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    problem = _YAML_WORDS.get(problem, problem)
    if problem.startswith("expected the node content"):
        problem = "did not find expected node content"
    line = 0
    if mark is not None:
        line = mark.line + 1 if (mark.line or not isinstance(err, yaml.scanner.ScannerError)) else 0
    return f"yaml: line {line}: {problem}" if line else f"yaml: {problem}"


def go_json_error(text: str, err: Any) -> str:
    """encoding/json's message for the first problem in `text` (the two common cases)."""
    pos = getattr(err, "pos", len(text))
    if pos >= len(text.rstrip()):
        return "unexpected end of JSON input"
    return f"invalid character '{text[pos]}' looking for beginning of value"


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    common.warn_record(ctx, p)
    dry = common.dry_run(p)
    common.check_output_format(p["output"])
    if p["patch"] and p["patch-file"]:
        raise KubectlError("error: cannot specify --patch and --patch-file together")
    if not p["patch"] and not p["patch-file"]:
        raise KubectlError("error: must specify --patch or --patch-file containing the contents of the patch")
    if p["local"] and p.args:
        raise KubectlError("error: cannot specify --local and server resources")
    if p["local"] and dry == "server":
        raise KubectlError("error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    patch_type = p["type"].lower()
    if patch_type not in PATCH_TYPES:
        raise KubectlError(f'error: --type must be one of [json merge strategic], not "{p["type"]}"')
    if p["patch-file"]:
        try:
            with open(p["patch-file"], encoding="utf-8") as fh:
                text = fh.read()
        except OSError as err:
            raise KubectlError(f"error: unable to read patch file: open {p['patch-file']}: "
                               f"{(err.strerror or '').lower()}") from None
    else:
        text = p["patch"]
    try:
        body = parse_patch(text, p["patch"])
    except BadJSON as err:
        body = err
    if p["local"]:
        if isinstance(body, BadJSON):
            raise KubectlError(f"error: {body}")
        return _run_local(ctx, p, patch_type, body)
    targets, failures = common.find(ctx, p, p.args, "patch")
    cause = common.change_cause("patch", p.args, p, FLAGS)
    count = 0
    for target in targets:
        count += 1
        if p["subresource"]:
            try:
                _patch_subresource(ctx, p, target, patch_type, body, dry)
            except StatusError as err:
                failures.append(common.status_text(err))
            except patching.PatchError as err:
                failures.append(common.status_text(patching.status_error(err)))
            continue
        if isinstance(body, BadJSON):
            failures.append(common.status_text(StatusError("BadRequest", 400, str(body))))
            continue
        try:
            data = patching.apply_patch(patch_type, target.obj.to_dict(), body, type(target.obj))
        except patching.PatchError as err:
            failures.append(common.status_text(patching.status_error(err)))
            continue
        if not isinstance(data, dict):
            failures.append(common.status_text(StatusError("BadRequest", 400, "couldn't get version/kind; json parse "
                                                           "error: json: cannot unmarshal "
                                                           f"{patching._json_kind(data)} into Go value of type struct "
                                                           '{ APIVersion string "json:\\"apiVersion,omitempty\\""; Kind '
                                                           'string "json:\\"kind,omitempty\\"" }')))
            continue
        if dry == "client":
            obj = common.decode_patched(ctx, target.info, data)
            common.print_result(ctx, target.info, obj, "patched" if obj != target.obj else "patched (no change)",
                                p["output"])
            continue
        try:
            result = common.write(ctx, target.info, target.obj, data, dry)
            if cause is not None and dry == "none":
                result = _record(ctx, target, result, cause)
        except StatusError as err:
            failures.append(common.status_text(err))
            continue
        changed = result is not target.obj and result != target.obj
        # no `(dry run)` suffix: patch sets its printer's operation after the dry-run strategy did
        common.print_result(ctx, target.info, result, "patched" if changed else "patched (no change)", p["output"])
    common.check_errors(failures)
    if count == 0:
        raise KubectlError("error: no objects passed to patch")
    return 0


def _patch_subresource(ctx: Context, p: Any, target: common.Target, patch_type: str, body: Any, dry: str) -> None:
    """`--subresource=status|scale`: patch the status (spec untouched) or the autoscaling/v1 Scale."""
    from kubenb.api.base import evolve

    if isinstance(body, BadJSON):
        raise StatusError("BadRequest", 400, str(body))
    sub = p["subresource"]
    obj = target.obj
    if sub == "status" and "status" in target.info.subresources:
        data = patching.apply_patch(patch_type, obj.to_dict(), body, type(obj))
        data.setdefault("metadata", {})["resourceVersion"] = obj.metadata.resource_version
        new = common.decode_patched(ctx, target.info, data)
        result = ctx.store.update(new, subresource="status", dry_run=dry == "server")
        changed = result is not obj and result != obj
        common.print_result(ctx, target.info, result, "patched" if changed else "patched (no change)", p["output"])
        return
    if sub != "scale" or "scale" not in target.info.subresources:
        raise StatusError("NotFound", 404, "the server could not find the requested resource")
    from kubenb.api.labels import format_label_selector

    scale = {"kind": "Scale", "apiVersion": "autoscaling/v1",
             "metadata": {"name": obj.metadata.name, "namespace": obj.metadata.namespace, "uid": obj.metadata.uid,
                          "resourceVersion": obj.metadata.resource_version,
                          "creationTimestamp": obj.metadata.creation_timestamp},
             "spec": {"replicas": obj.spec.replicas or 0},
             "status": {"replicas": obj.status.replicas or 0,
                        "selector": format_label_selector(obj.spec.selector) if obj.spec.selector else ""}}
    patched = patching.apply_patch("merge" if patch_type == "strategic" else patch_type, scale, body)
    replicas = (patched.get("spec") or {}).get("replicas", 0) if isinstance(patched, dict) else 0
    if not isinstance(replicas, int) or isinstance(replicas, bool):
        raise StatusError("BadRequest", 400, "json: cannot unmarshal into Go struct field ScaleSpec.spec.replicas of "
                          "type int32")
    new = evolve(obj)
    new.spec.replicas = replicas
    result = ctx.store.update(new, dry_run=dry == "server")
    scale["spec"]["replicas"] = result.spec.replicas
    scale["metadata"]["resourceVersion"] = result.metadata.resource_version
    from kubenb.api.registry import ResourceInfo

    scale_info = ResourceInfo("autoscaling", "v1", "Scale", "scale", "scale", True)
    operation = "patched" if result is not obj and result != obj else "patched (no change)"
    fmt = p["output"].partition("=")[0]
    if fmt in ("yaml", "json"):
        from kubenb.kubectl.printers import output

        ctx.out.write(output.to_yaml(scale) if fmt == "yaml" else output.to_json(scale))
    elif fmt == "name":
        ctx.print(common.name_of(scale_info, obj.metadata.name))
    else:
        ctx.print(f"{common.name_of(scale_info, obj.metadata.name)} {operation}")


def _record(ctx: Context, target: common.Target, result: Any, cause: str) -> Any:
    data = result.to_dict()
    annotations = data["metadata"].setdefault("annotations", {})
    if annotations.get(common.CHANGE_CAUSE) == cause:
        return result
    annotations[common.CHANGE_CAUSE] = cause
    return common.write(ctx, target.info, result, data)


def _run_local(ctx: Context, p: Any, patch_type: str, body: Any) -> int:
    """`--local`: patch the objects of `-f` and print them; nothing is sent."""
    from kubenb.kubectl.commands.apply import _map

    if not p["filename"]:
        raise KubectlError("error: " + common.NO_RESOURCES)
    count = 0
    for doc in manifests.load(p["filename"], ctx.stdin, p["recursive"]):
        info = _map(ctx, doc)
        original = common.build(ctx, doc.data)
        model = type(original) if patch_type == "strategic" else None
        try:
            data = patching.apply_patch(patch_type, doc.data, body, model)
        except patching.PatchError as err:
            raise KubectlError(f"error: {err}") from None
        obj = common.build(ctx, {**data, "apiVersion": info.api_version, "kind": info.kind})
        count += 1
        common.print_result(ctx, info, obj, "patched" if data != doc.data else "patched (no change)", p["output"])
    if count == 0:
        raise KubectlError("error: no objects passed to patch")
    return 0
