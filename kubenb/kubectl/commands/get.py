"""`kubectl get`: tables, `-o wide|yaml|json|name|jsonpath|custom-columns`, `-l`, `-A`, `--show-labels`, `-w`."""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands.common import object_dict
from kubenb.kubectl.context import Context, KubectlError
from kubenb.kubectl.printers import output
from kubenb.kubectl.printers.columns import table_for
from kubenb.kubectl.resolve import Request, parse_resource_args
from kubenb.kubectl.tabwriter import get_writer
from kubenb.store import errors
from kubenb.store.errors import StatusError

FLAGS = (
    Flag("output", "o", default=""),
    Flag("selector", "l", default=""),
    Flag("all-namespaces", "A", kind=bool, default=False),
    Flag("show-labels", kind=bool, default=False),
    Flag("label-columns", "L", kind=list),
    Flag("no-headers", kind=bool, default=False),
    Flag("watch", "w", kind=bool, default=False),
    Flag("watch-only", kind=bool, default=False),
    Flag("field-selector", default=""),
    Flag("sort-by", default=""),
    Flag("show-kind", kind=bool, default=False),
    Flag("ignore-not-found", kind=bool, default=False),
    Flag("chunk-size", default="500"),
    Flag("filename", "f", kind=list),
    Flag("recursive", "R", kind=bool, default=False),
    Flag("show-managed-fields", kind=bool, default=False),
)

# How long `get -w` watches when no --request-timeout is given (simulated seconds).
DEFAULT_WATCH_SECONDS = 60.0


def run(ctx: Context, p) -> int:
    requests = parse_resource_args(ctx.cluster.registry, p.args, "get")
    if not requests:
        raise KubectlError(
            'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of '
            'supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a '
            'detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and '
            'examples')
    selector = _selector(p["selector"])
    all_ns = p["all-namespaces"]
    fmt, _, fmt_arg = p["output"].partition("=")
    if fmt not in ("", "wide", "yaml", "json", "name", "jsonpath", "custom-columns", "go-template"):
        raise KubectlError(f'error: unable to match a printer suitable for the output format "{p["output"]}", '
                           "allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,"
                           "jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")
    found: list[tuple[Request, list[Any]]] = []
    missing: list[StatusError] = []
    for req in requests:
        objs, errs = _fetch(ctx, req, selector, all_ns, p["field-selector"])
        found.append((req, objs))
        missing += errs
    if p["sort-by"]:
        found = [(req, _sort(objs, p["sort-by"])) for req, objs in found]
    single = len(requests) == 1 and requests[0].by_name and len(requests[0].names) == 1
    watching = p["watch"] or p["watch-only"]
    writer = get_writer()
    if fmt in ("yaml", "json", "jsonpath", "custom-columns", "name"):
        _print_structured(ctx, fmt, fmt_arg, found, single, p["show-managed-fields"])
    elif not p["watch-only"]:
        _print_tables(ctx, p, found, wide=fmt == "wide", all_ns=all_ns, writer=writer if watching else None)
    for err in missing:
        if p["ignore-not-found"]:
            continue
        ctx.warn(f"Error from server ({err.reason}): {err.message}")
    if watching:
        from kubenb.kubectl.commands.watch import watch

        watch(ctx, p, found, selector, all_ns, writer)
    return 1 if missing and not p["ignore-not-found"] else 0


def _selector(text: str) -> Any:
    if not text:
        return None
    try:
        return labelsel.parse_selector(text)
    except ValueError as e:
        raise KubectlError(f"error: {e}") from None


def _fetch(ctx: Context, req: Request, selector: Any, all_ns: bool, field_selector: str) -> tuple[list, list]:
    info = req.info
    ns: Optional[str] = None if (all_ns or not info.namespaced) else ctx.namespace
    if not info.namespaced:
        ns = ""
    if req.names:
        objs, errs = [], []
        for name in req.names:
            obj = ctx.store.try_get(info.kind, ns or "", name)
            if obj is None or (selector is not None and not selector.matches(obj.metadata.labels or {})):
                errs.append(errors.not_found(info, name))
            else:
                objs.append(obj)
        return objs, errs
    objs = ctx.store.list(info.kind, None if ns is None else ns, selector)
    if field_selector:
        objs = list(filter(field_filter(info, field_selector), objs))
    return objs, []


# Field selectors the API server supports per kind (`GetAttrs` / `AddFieldLabelConversionFunc`s).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
    "Event": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
              "reason", "reportingComponent", "source", "type"),
    "Node": ("spec.unschedulable",),
    "Secret": ("type",),
    "Namespace": ("status.phase",),
    "ReplicaSet": ("status.replicas",),
}


def field_filter(info: Any, text: str) -> Any:
    """A predicate for `--field-selector` (`=`, `==`, `!=` terms joined by commas), or a BadRequest."""
    terms = []
    for term in filter(None, text.split(",")):
        negate = "!=" in term
        key, _, value = term.replace("!=", "=", 1).replace("==", "=", 1).partition("=")
        key = key.strip()
        if key not in ("metadata.name", "metadata.namespace") + FIELD_LABELS.get(info.kind, ()):
            raise errors.bad_request(
                f'Unable to find "{info.api_version.rpartition("/")[0]}/{info.version}, Resource={info.plural}" that '
                f'match label selector "", field selector "{text}": field label not supported: {key}')
        terms.append((key.split("."), value.strip(), negate))

    def matches(obj: Any) -> bool:
        data = obj.to_dict()
        for path, value, negate in terms:
            actual: Any = data
            for part in path:
                actual = actual.get(part) if isinstance(actual, dict) else None
            text_value = "" if actual is None else (str(actual).lower() if isinstance(actual, bool) else str(actual))
            if (text_value == value) == negate:
                return False
        return True

    return matches


def _sort(objs: list[Any], expr: str) -> list[Any]:
    from kubenb.kubectl.jsonpath import JSONPath, relaxed

    path = JSONPath(relaxed(expr), allow_missing_keys=True)

    def key(obj: Any) -> Any:
        text = path.execute(obj.to_dict())
        try:
            return (0, float(text), "")
        except ValueError:
            return (1, 0.0, text)

    return sorted(objs, key=key)


def _print_tables(ctx: Context, p, found: list[tuple[Request, list[Any]]], *, wide: bool, all_ns: bool,
                  writer: Any = None) -> None:
    """One table per kind, a blank line between them; `writer` is kept by a watch for its later rows."""
    kinds = {req.info.kind for req, _ in found}
    with_kind = len(kinds) > 1 or p["show-kind"]
    printed_any = False
    for req, objs in found:
        if not objs:
            continue
        table = table_for(req.info.kind, objs, ctx.cluster.clock.now, ctx.minor)
        prefix = f"{req.info.kind_group}/" if with_kind else ""
        if printed_any and not p["no-headers"]:
            ctx.print("")
        text = table.render(wide=wide, show_labels=p["show-labels"], namespace_column=all_ns and req.info.namespaced,
                            no_headers=p["no-headers"], label_columns=tuple(p["label-columns"]), name_prefix=prefix,
                            writer=writer or get_writer())
        ctx.out.write(text)
        if writer is None:
            ctx.displays.append((table, {"wide": wide, "namespace_column": all_ns and req.info.namespaced,
                                         "name_prefix": prefix}))
        printed_any = True
    if not printed_any and not any(req.by_name for req, _ in found):
        namespaced = any(req.info.namespaced for req, _ in found)
        if all_ns or not namespaced:
            ctx.warn("No resources found")
        else:
            ctx.warn(f"No resources found in {ctx.namespace} namespace.")


def _print_structured(ctx: Context, fmt: str, arg: str, found: list[tuple[Request, list[Any]]], single: bool,
                      show_managed_fields: bool = False) -> None:
    objs = [o for _, objs in found for o in objs]
    if fmt == "name":
        for req, items in found:
            for o in items:
                ctx.print(f"{req.info.kind_group}/{o.metadata.name}")
        return
    dicts = [object_dict(o, show_managed_fields) for o in objs]
    if single:
        if not dicts:
            return
        data: Any = dicts[0]
    else:
        data = output.as_list(dicts)
    if fmt == "yaml":
        ctx.out.write(output.to_yaml(data))
    elif fmt == "json":
        ctx.out.write(output.to_json(data))
    elif fmt == "jsonpath":
        from kubenb.kubectl.jsonpath import JSONPathError, print_jsonpath

        try:
            ctx.out.write(print_jsonpath(arg, data))
        except JSONPathError as e:
            raise KubectlError(f"error: {e}") from None
    elif fmt == "custom-columns":
        from kubenb.kubectl.customcolumns import CustomColumnsError, parse_custom_columns, render_custom_columns

        try:
            ctx.out.write(render_custom_columns(parse_custom_columns(arg), dicts))
        except CustomColumnsError as e:
            ctx.out.write(e.output)
            raise KubectlError(f"error: {e}") from None
