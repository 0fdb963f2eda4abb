"""`kubectl auth reconcile -f`: make RBAC objects grant at least what the manifests say.

kubectl's ``pkg/cmd/auth/reconcile.go`` over the API server's ``registry/rbac/reconciliation``:
a missing Role or ClusterRole is created (with its namespace, if that is missing too); an
existing one keeps its labels and annotations, gains the expected ones it lacks, and gains the
expected rules its own rules do not cover, broken down to one verb each (or, with
`--remove-extra-permissions`, takes exactly the expected rules). A binding gains missing
subjects (or, with `--remove-extra-subjects`, takes exactly the expected ones); one whose
roleRef differs is deleted and created anew. An object annotated
`rbac.authorization.kubernetes.io/autoupdate: "false"` is reported but left alone.

Each object prints `KIND/NAME reconciled` on stdout; what had to change goes to stderr, tab
indented, with rules and subjects in Go's `%+v` form. Other kinds in the manifests are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from kubenb.api.base import evolve
from kubenb.api.codec import DecodeError, decode
from kubenb.api.rbac import PolicyRule
from kubenb.kubectl import manifests, rbacrules
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError, format_status_error
from kubenb.store.errors import StatusError

GROUP = "rbac.authorization.k8s.io"
ROLE_KINDS = ("Role", "ClusterRole")
BINDING_KINDS = ("RoleBinding", "ClusterRoleBinding")
PROTECTED = ", but object opted out (rbac.authorization.kubernetes.io/autoupdate: false)"


@dataclass
class Result:
    obj: Any
    operation: str = "none"  # create, update, recreate or none
    protected: bool = False
    missing: list[str] = field(default_factory=list)  # `%+v` of missing rules or subjects
    extra: list[str] = field(default_factory=list)


def run(ctx: Context, p: Any, args: list[str]) -> int:
    if not p["filename"]:
        raise KubectlError("error: must specify one of -f and -k")
    if args:
        raise KubectlError("error: no arguments are allowed")
    dry = common.dry_run(p)
    if dry == "server":
        raise KubectlError("error: --dry-run=server for command reconcile is not supported yet")
    confirm = dry == "none"
    errors: list[str] = []
    for doc in manifests.load(p["filename"], ctx.stdin, p["recursive"]):
        api_version, kind = doc.data.get("apiVersion", ""), doc.data.get("kind", "")
        if kind not in ROLE_KINDS + BINDING_KINDS or not api_version.startswith(GROUP + "/"):
            continue  # kubectl skips every other kind
        if api_version != f"{GROUP}/v1":
            errors.append(f"error: only {GROUP}/v1 is supported: not *{api_version.split('/')[1]}.{kind}")
            continue
        try:
            expected = decode(ctx.cluster.registry, _with_namespace(ctx, doc.data, kind))
            result = (_reconcile_role if kind in ROLE_KINDS else _reconcile_binding)(ctx, expected, p, confirm)
        except DecodeError as err:
            errors.append(f"error: {err}")
            continue
        except StatusError as err:
            errors.append(format_status_error(err))
            continue
        _print(ctx, result, kind, dry, p["output"], p["remove-extra-permissions" if kind in ROLE_KINDS else
                                                         "remove-extra-subjects"])
    if errors:
        raise KubectlError("\n".join(errors))
    return 0


def _with_namespace(ctx: Context, data: dict, kind: str) -> dict:
    if kind in ("Role", "RoleBinding"):
        meta = data.get("metadata") or {}
        return {**data, "metadata": {**meta, "namespace": meta.get("namespace") or ctx.namespace}}
    return data


def _print(ctx: Context, result: Result, kind: str, dry: str, fmt: str, removing: bool) -> None:
    common.print_result(ctx, ctx.cluster.registry.by_kind(f"{GROUP}/v1", kind), result.obj, "reconciled", fmt, dry)
    if result.operation == "none":
        return
    ctx.err.write(f"\treconciliation required {result.operation}{PROTECTED if result.protected else ''}\n")
    what = "rules" if kind in ROLE_KINDS else "subjects"
    if result.missing:
        ctx.err.write(f"\tmissing {what} added:\n" + "".join(f"\t\t{m}\n" for m in result.missing))
    if removing and result.extra:
        ctx.err.write(f"\textra {what} removed:\n" + "".join(f"\t\t{m}\n" for m in result.extra))


def _merged_meta(existing: Any, expected: Any) -> tuple[Any, bool]:
    """A copy of `existing` whose labels and annotations gain the expected ones it lacks; changed?"""
    new = evolve(existing, deep=("metadata",))
    meta, want = new.metadata, expected.metadata
    labels = _merge(want.labels, meta.labels)
    annotations = _merge(want.annotations, meta.annotations)
    changed = labels != meta.labels or annotations != meta.annotations
    meta.labels, meta.annotations = labels, annotations
    return new, changed


def _merge(expected: Optional[dict], existing: Optional[dict]) -> Optional[dict]:
    """Go's `merge(expected, existing)`: the existing values win; nil when both are nil."""
    if expected is None and existing is None:
        return None
    return {**(expected or {}), **(existing or {})}


def _protected(obj: Any) -> bool:
    return (obj.metadata.annotations or {}).get("rbac.authorization.kubernetes.io/autoupdate") == "false"


# ---------------------------------------------------------------------------- roles

def _go_rule(r: dict) -> str:
    go = rbacrules.go_list
    return (f"{{Verbs:{go(r['verbs'])} APIGroups:{go(r['apiGroups'])} Resources:{go(r['resources'])} "
            f"ResourceNames:{go(r['resourceNames'])} NonResourceURLs:{go(r['nonResourceURLs'])}}}")


def _rules(role: Any) -> list[dict]:
    return [rbacrules.from_policy_rule(r) for r in role.rules or ()]


def _reconcile_role(ctx: Context, expected: Any, p: Any, confirm: bool) -> Result:
    """`ReconcileRoleOptions.Run` with `computeReconciledRole`."""
    ns, name = expected.metadata.namespace or "", expected.metadata.name or ""
    existing = ctx.store.try_get(expected.KIND, ns, name)
    if existing is None:
        result = Result(expected, "create", missing=[_go_rule(r) for r in _rules(expected)])
    else:
        new, changed = _merged_meta(existing, expected)
        result = Result(new, "update" if changed else "none", _protected(existing))
        have, want = _rules(existing), _rules(expected)
        both_aggregated = expected.aggregation_rule is not None and getattr(existing, "aggregation_rule", None)
        extra = [] if both_aggregated else rbacrules.covers(want, have)
        missing = rbacrules.covers(have, want)
        result.missing, result.extra = [_go_rule(r) for r in missing], [_go_rule(r) for r in extra]
        if not p["remove-extra-permissions"] and missing:
            new.rules = [*(existing.rules or ()), *(_policy_rule(r) for r in missing)]
            result.operation = "update"
        elif p["remove-extra-permissions"] and (missing or extra):
            new.rules = expected.rules
            result.operation = "update"
        if expected.KIND == "ClusterRole":
            _reconcile_aggregation(result, existing, expected, p["remove-extra-permissions"])
    return _write(ctx, result, existing, confirm)


def _policy_rule(rule: dict) -> PolicyRule:
    return PolicyRule.model_validate({k: v for k, v in rule.items() if v})


def _reconcile_aggregation(result: Result, existing: Any, expected: Any, remove_extra: bool) -> None:
    """The aggregation rule's selectors: union, or exactly the expected ones with removal."""
    have = list(existing.aggregation_rule.cluster_role_selectors or ()) if existing.aggregation_rule else []
    want = list(expected.aggregation_rule.cluster_role_selectors or ()) if expected.aggregation_rule else []
    missing = [s for s in want if s not in have]
    extra = [s for s in have if s not in want]
    if expected.aggregation_rule is None and existing.aggregation_rule is not None:
        result.obj.aggregation_rule = None
    elif not remove_extra and missing:
        rule = evolve(existing.aggregation_rule or expected.aggregation_rule)
        rule.cluster_role_selectors = [*have, *missing]
        result.obj.aggregation_rule = rule
    elif remove_extra and (missing or extra):
        result.obj.aggregation_rule = expected.aggregation_rule
    else:
        return
    result.operation = "update"


# ---------------------------------------------------------------------------- bindings

def _go_subject(s: Any) -> str:
    return f"{{Kind:{s.kind} APIGroup:{s.api_group or ''} Name:{s.name} Namespace:{s.namespace or ''}}}"


def _subject_key(s: Any) -> tuple:
    return (s.kind, s.api_group or "", s.name, s.namespace or "")


def _reconcile_binding(ctx: Context, expected: Any, p: Any, confirm: bool) -> Result:
    """`ReconcileRoleBindingOptions.Run` with `computeReconciledRoleBinding`."""
    ns, name = expected.metadata.namespace or "", expected.metadata.name or ""
    existing = ctx.store.try_get(expected.KIND, ns, name)
    if existing is None:
        result = Result(expected, "create", missing=[_go_subject(s) for s in expected.subjects or ()])
    elif existing.role_ref != expected.role_ref:
        result = Result(expected, "recreate", _protected(existing))
    else:
        new, changed = _merged_meta(existing, expected)
        result = Result(new, "update" if changed else "none", _protected(existing))
        have, want = list(existing.subjects or ()), list(expected.subjects or ())
        missing = _only_in(want, have)
        extra = _only_in(have, want)
        result.missing, result.extra = [_go_subject(s) for s in missing], [_go_subject(s) for s in extra]
        if not p["remove-extra-subjects"] and missing:
            new.subjects = [*have, *missing]
            result.operation = "update"
        elif p["remove-extra-subjects"] and (missing or extra):
            new.subjects = expected.subjects
            result.operation = "update"
    return _write(ctx, result, existing, confirm)


def _only_in(subjects: list[Any], others: list[Any]) -> list[Any]:
    """`diffSubjectLists`' one side: subjects not in `others`, each once."""
    other_keys = {_subject_key(s) for s in others}
    out: dict[tuple, Any] = {}
    for s in subjects:
        if _subject_key(s) not in other_keys:
            out.setdefault(_subject_key(s), s)
    return list(out.values())


# ---------------------------------------------------------------------------- writing

def _write(ctx: Context, result: Result, existing: Optional[Any], confirm: bool) -> Result:
    """Create, update or recreate unless protected or a dry run; the stored object is what prints."""
    if result.protected or not confirm or result.operation == "none":
        return result
    obj = result.obj
    if result.operation == "create":
        _ensure_namespace(ctx, obj.metadata.namespace)
        result.obj = ctx.store.create(obj)
    elif result.operation == "update":
        result.obj = ctx.store.update(obj)
    else:  # recreate: a binding's roleRef cannot change
        ctx.store.delete(existing.KIND, existing.metadata.namespace or "", existing.metadata.name or "")
        result.obj = ctx.store.create(obj)
    return result


def _ensure_namespace(ctx: Context, namespace: Optional[str]) -> None:
    """`tryEnsureNamespace`: create the namespace of a namespaced object if it is missing."""
    if namespace and ctx.store.try_get("Namespace", "", namespace) is None:
        ctx.store.create(decode(ctx.cluster.registry, {"apiVersion": "v1", "kind": "Namespace",
                                                       "metadata": {"name": namespace}}))
