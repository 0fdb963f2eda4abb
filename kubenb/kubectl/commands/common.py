"""What the mutating verbs (scale, rollout, set, label, annotate, patch, create <kind>, run, wait)
share: finding their objects as kubectl's resource builder does, `--dry-run` and `-o` handling,
kubectl's name printer (`deployment.apps/x scaled (dry run)`), Go-ordered JSON for typed objects,
and writing a changed object back through the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from pydantic import BaseModel, ValidationError

from kubenb.api.base import KubeObject
from kubenb.api.codec import DecodeError, decode, describe_validation_error, drop_nulls, model_class
from kubenb.api.registry import ResourceInfo
from kubenb.kubectl import manifests
from kubenb.kubectl.args import Flag, UsageError
from kubenb.kubectl.context import Context, KubectlError, format_status_error
from kubenb.kubectl.printers import output
from kubenb.kubectl.resolve import parse_resource_args
from kubenb.sim.duration import parse_duration
from kubenb.store import errors
from kubenb.store.errors import StatusError

FILENAME_FLAGS = (
    Flag("filename", "f", kind=list),
    Flag("recursive", "R", kind=bool, default=False),
    Flag("kustomize", "k", default=""),
)
PRINT_FLAGS = (
    Flag("output", "o", default=""),
    Flag("show-managed-fields", kind=bool, default=False),
    Flag("allow-missing-template-keys", kind=bool, default=True),
    Flag("template", default=""),
)

NO_RESOURCES = ("You must provide one or more resources by argument or filename.\n"
                "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                "   '<resource> <name>'\n   '<resource>'")
OUTPUT_FORMATS = ("", "yaml", "json", "name", "wide", "jsonpath", "go-template", "template", "jsonpath-as-json",
                  "custom-columns")


# ---------------------------------------------------------------------------- flags


def dry_run(p: Any) -> str:
    """`cmdutil.GetDryRunStrategy`: "none", "client" or "server"."""
    value = p["dry-run"] if "dry-run" in p.flags else "none"
    if value in ("none", "client", "server"):
        return value
    if value in ("unchanged", "true", "1", "t", "T", "TRUE", "True"):
        return "client"
    if value in ("false", "0", "f", "F", "FALSE", "False"):
        return "none"
    raise KubectlError(f'error: Invalid dry-run value ({value}). Must be "none", "server", or "client".')


def duration_flag(p: Any, name: str, command: str) -> float:
    """A pflag `Duration` flag in seconds, with pflag's error for a bad value."""
    text = p[name]
    try:
        return parse_duration(text)
    except ValueError as e:
        raise UsageError(f'error: invalid argument "{text}" for "--{name}" flag: {e}', command) from None


def require(p: Any, *names: str) -> None:
    """cobra's `MarkFlagRequired`."""
    missing = [n for n in names if not p.was_set(n)]
    if missing:
        raise KubectlError("error: required flag(s) " + ", ".join(f'"{n}"' for n in missing) + " not set")


def check_output_format(fmt: str) -> None:
    if fmt.partition("=")[0] not in OUTPUT_FORMATS:
        raise KubectlError(f'error: unable to match a printer suitable for the output format "{fmt}", '
                           "allowed formats are: json,name,yaml")


def only_flags(p: Any, allowed: tuple[Flag, ...], command: str) -> None:
    """Reject flags that belong to a sibling subcommand (the verb's flag set is their union)."""
    from kubenb.kubectl.args import GLOBAL_FLAGS

    names = {f.name for f in allowed} | {f.name for f in GLOBAL_FLAGS}
    for name in sorted(p.given):
        if name not in names:
            raise UsageError(f"error: unknown flag: --{name}", command)


# ---------------------------------------------------------------------------- printing


def name_of(info: ResourceInfo, name: str) -> str:
    return f"{info.kind_group}/{name}"


def suffix(dry: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(dry, "")


def print_result(ctx: Context, info: ResourceInfo, obj: Any, operation: str, fmt: str = "", dry: str = "none",
                 typed: bool = False) -> None:
    """kubectl's `PrintFlags` printer: the name printer (`deployment.apps/x scaled`) unless `-o` asks
    for yaml, json or name. Typed objects print their JSON in Go field order, unstructured ones sorted."""
    kind_fmt, _, arg = fmt.partition("=")
    if kind_fmt == "name":
        ctx.print(name_of(info, obj.metadata.name))
    elif kind_fmt == "yaml":
        ctx.out.write(output.to_yaml(object_dict(obj)))
    elif kind_fmt == "json":
        ctx.out.write(go_json(obj) if typed else output.to_json(object_dict(obj)))
    elif kind_fmt == "jsonpath":
        from kubenb.kubectl.jsonpath import JSONPathError, print_jsonpath

        try:
            ctx.out.write(print_jsonpath(arg, object_dict(obj)))
        except JSONPathError as e:
            raise KubectlError(f"error: {e}") from None
    else:
        op = f" {operation}" if operation else ""
        ctx.print(f"{name_of(info, obj.metadata.name)}{op}{suffix(dry)}")


def object_dict(obj: Any, show_managed_fields: bool = False) -> dict:
    """The object as kubectl prints it: without `metadata.managedFields` unless `--show-managed-fields`
    (kubectl's `OmitManagedFieldsPrinter`)."""
    data = obj.to_dict() if isinstance(obj, BaseModel) else obj
    if not show_managed_fields and isinstance(data.get("metadata"), dict) and "managedFields" in data["metadata"]:
        data = {**data, "metadata": {k: v for k, v in data["metadata"].items() if k != "managedFields"}}
    return data


def go_json(obj: KubeObject) -> str:
    """`json.MarshalIndent` of a typed Go object: fields in struct order (`kind` before `apiVersion`),
    map keys sorted, four-space indent, `<`, `>` and `&` escaped."""
    data = _go_order(obj, object_dict(obj))
    head = {k: data.pop(k) for k in ("kind", "apiVersion") if k in data}
    text = json.dumps({**head, **data}, indent=4, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def _go_order(model: Any, data: Any) -> Any:
    if isinstance(model, BaseModel) and isinstance(data, dict):
        fields = {(f.alias or n): n for n, f in type(model).model_fields.items()}
        out = {}
        for key, value in data.items():
            name = fields.get(key)
            out[key] = _go_order(getattr(model, name), value) if name is not None else _sorted(value)
        return out
    if isinstance(model, list) and isinstance(data, list):
        return [_go_order(m, d) for m, d in zip(model, data, strict=False)]
    return _sorted(data)


def _sorted(value: Any) -> Any:
    """A Go map (or a value inside one): keys sorted."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


# ---------------------------------------------------------------------------- finding objects


class Problem(str):
    """A lookup error in kubectl's words; `.raw` is the API error's own message (`pods "x" not found`)."""

    raw: str = ""


def problem(err: StatusError) -> Problem:
    out = Problem(format_status_error(err))
    out.raw = err.message
    return out


@dataclass
class Target:
    info: ResourceInfo
    obj: Any  # the stored object, as GET returned it

    @property
    def name(self) -> str:
        return self.obj.metadata.name

    @property
    def namespace(self) -> str:
        return self.obj.metadata.namespace or ""


def selector_of(text: str) -> Any:
    if not text:
        return None
    from kubenb.api import labels as labelsel

    try:
        return labelsel.parse_selector(text)
    except ValueError as e:
        raise KubectlError(f"error: {e}") from None


def find(ctx: Context, p: Any, args: list[str], verb: str, *, select_all: bool = False, selector: str = "",
         field_selector: str = "", all_namespaces: bool = False,
         single_type: bool = False) -> tuple[list[Target], list[Problem]]:
    """kubectl's resource builder with `ContinueOnError`: the objects named by `args` (`TYPE NAME...`,
    `TYPE/NAME...`), by `-f`, or selected with `-l`/`--all` among a type's objects. Returns the
    objects found and the errors (kubectl's text) of those that were not."""
    registry = ctx.cluster.registry
    filenames = p["filename"] if "filename" in p.flags else []
    if not args and not filenames:
        raise KubectlError("error: " + NO_RESOURCES)
    found: list[Target] = []
    problems: list[Problem] = []
    if filenames:
        from kubenb.kubectl.commands.apply import _map

        for doc in manifests.load(filenames, ctx.stdin, p["recursive"] if "recursive" in p.flags else False):
            info = _map(ctx, doc)
            meta = doc.data.get("metadata") or {}
            ns = (meta.get("namespace") or ctx.namespace) if info.namespaced else ""
            obj = ctx.store.try_get(info.kind, ns, meta.get("name", ""))
            if obj is None:
                problems.append(problem(errors.not_found(info, meta.get("name", ""))))
            else:
                found.append(Target(info, obj))
    # the builder's mixed-form error always suggests `kubectl get resource/<resource_name>`
    requests = parse_resource_args(registry, args, "get") if args else []
    if single_type and len({r.info.kind for r in requests}) > 1:
        raise KubectlError("error: you must provide resources of a single resource type")
    sel = selector_of(selector)
    for req in requests:
        info = req.info
        ns = ctx.namespace if info.namespaced else ""
        if req.names:
            if sel is not None:
                raise KubectlError("error: name cannot be provided when a selector is specified")
            for name in req.names:
                obj = ctx.store.try_get(info.kind, ns, name)
                if obj is None:
                    problems.append(problem(errors.not_found(info, name)))
                else:
                    found.append(Target(info, obj))
        elif select_all or sel is not None or field_selector:
            scope: Optional[str] = None if (all_namespaces and info.namespaced) else ns
            objs = ctx.store.list(info.kind, scope, sel)
            if field_selector:
                from kubenb.kubectl.commands.get import field_filter

                objs = list(filter(field_filter(info, field_selector), objs))
            found += [Target(info, o) for o in objs]
        else:
            raise KubectlError("error: resource(s) were provided, but no name was specified")
    return found, problems


def fail_if(problems: list[str]) -> None:
    """End the command with the builder's errors (each already in kubectl's words)."""
    check_errors(problems)


def check_errors(messages: list[str]) -> None:
    """`CheckErr(utilerrors.NewAggregate(errs))`: a single error gets kubectl's `error: ` prefix (unless
    it is an API error or already has it); several print one per line, as they are."""
    if not messages:
        return
    if len(messages) == 1:
        msg = messages[0]
        if not msg.startswith(("error: ", "Error from server", "The ")):
            msg = "error: " + msg
        raise KubectlError(msg)
    raise KubectlError("\n".join(messages))


# ---------------------------------------------------------------------------- writing


def decode_patched(ctx: Context, info: ResourceInfo, data: dict) -> KubeObject:
    """The typed object from a patched JSON form. Unknown fields are dropped (with the API server's
    `Warning: unknown field` since fieldValidation defaults to Warn, v1.25+); type errors fail the
    request as the API server's decoder does."""
    data = drop_nulls(data)
    cls = model_class(info)
    for _ in range(50):
        try:
            obj = cls.model_validate(data)
        except ValidationError as err:
            unknown = [e for e in err.errors() if e["type"] == "extra_forbidden"]
            if not unknown:
                raise errors.StatusError("BadRequest", 400, str(DecodeError(info.kind, info.version,
                                                                             describe_validation_error(err)))) from None
            for e in unknown:
                if ctx.minor >= 25:
                    ctx.warn(f'Warning: unknown field "{_dotted(e["loc"])}"')
                _delete_path(data, e["loc"])
            continue
        obj.api_version, obj.kind = info.api_version, info.kind
        return obj
    raise errors.StatusError("BadRequest", 400, "too many unknown fields")


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _delete_path(data: Any, loc: tuple) -> None:
    node = data
    for part in loc[:-1]:
        node = node[part]
    if isinstance(node, dict):
        node.pop(loc[-1], None)


def write(ctx: Context, info: ResourceInfo, current: KubeObject, data: dict, dry: str = "none") -> KubeObject:
    """PUT the edited JSON form `data` of `current` (a patch the server applied): the stored result,
    `current` itself when nothing changed, or the would-be object for `--dry-run=server`."""
    data.setdefault("metadata", {})["resourceVersion"] = current.metadata.resource_version
    try:
        obj = decode_patched(ctx, info, data)
    except DecodeError as err:
        raise StatusError("BadRequest", 400, str(err)) from None
    return ctx.store.update(obj, dry_run=dry == "server")


def build(ctx: Context, data: dict) -> KubeObject:
    """A typed object from the JSON a kubectl generator builds (trusted: no strict errors expected)."""
    return decode(ctx.cluster.registry, data)


def kubectl_errors(fn: Any) -> Any:
    """Run a verb so that an API error ends it as kubectl's `CheckErr` does: its text, exit code 1
    (the dispatcher would otherwise pass the HTTP code on as the exit code)."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx: Context, p: Any) -> int:
        try:
            return fn(ctx, p)
        except StatusError as err:
            raise KubectlError(format_status_error(err)) from None

    return wrapper


# ---------------------------------------------------------------------------- --record


CHANGE_CAUSE = "kubernetes.io/change-cause"
RECORD_DEPRECATED = "Flag --record has been deprecated, --record will be removed in the future"


def change_cause(command_path: str, args: list[str], p: Any, flags: tuple[Flag, ...]) -> Optional[str]:
    """`RecordFlags`: with `--record`, the command line to store as `kubernetes.io/change-cause`
    (`kubectl set image deployment/x nginx=nginx:1.9.1 --record=true`); None without it."""
    if "record" not in p.flags or not p["record"]:
        return None
    from kubenb.kubectl.args import GLOBAL_FLAGS

    kinds = {f.name: f.kind for f in (*flags, *GLOBAL_FLAGS)}
    shown = []
    for name in sorted(p.given):  # pflag's Visit: lexicographical order
        value = p[name]
        kind = kinds.get(name, str)
        if kind is bool:
            text = "true" if value else "false"
        elif kind is list:
            text = "[" + ",".join(value) + "]"
        else:
            text = str(value)
        shown.append(f" --{name}={text}")
    return " ".join(["kubectl", command_path, *args]) + "".join(shown)


def warn_record(ctx: Context, p: Any) -> None:
    if "record" in p.flags and p.was_set("record"):
        ctx.warn(RECORD_DEPRECATED)


def status_text(err: StatusError) -> str:
    """`CheckErr` of an API error: like :func:`format_status_error`, plus `The request is invalid` for
    an Invalid status that names no object (what a JSON patch that does not apply gets), and no
    parenthesised reason when the API server gave none (an error it did not classify)."""
    if err.reason == "Invalid" and not err.causes and not err.kind and not err.name:
        return f"The request is invalid: {err.message}"
    if not err.reason:
        return f"Error from server: {err.message}"
    return format_status_error(err)
