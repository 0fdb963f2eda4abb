"""`kubectl auth can-i`: ask the authorizer what the user (or whom `--as` impersonates) may do.

Follows kubectl's ``pkg/cmd/auth/cani.go``: the resource argument resolves through discovery
(an unknown one is sent as typed, after a warning), `yes`/`no` go to stdout with exit code 0/1,
and `--list` prints the rules review broken down to one verb per rule, compacted back per
resource and sorted by the rule's Go ``String()``, as ``kubectl/pkg/util/rbac`` does.
"""

from __future__ import annotations

from typing import Any

from kubenb.kubectl.args import Flag
from kubenb.kubectl.context import Context, KubectlError
from kubenb.kubectl.tabwriter import get_writer
from kubenb.store.authorizer import Attributes, Authorizer, parse_user

FLAGS = (Flag("all-namespaces", "A", kind=bool, default=False), Flag("quiet", "q", kind=bool, default=False),
         Flag("subresource", default=""), Flag("list", kind=bool, default=False),
         Flag("no-headers", kind=bool, default=False))

RESOURCE_VERBS = {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind",
                  "impersonate", "*", "approve", "sign", "escalate", "attest"}
NON_RESOURCE_VERBS = {"get", "put", "post", "head", "options", "delete", "patch", "*"}
# served by the API server for impersonation but never listed in discovery
NON_STANDARD_RESOURCES = {"users", "groups"}

HELP = """Inspect authorization

Available Commands:
  can-i         Check whether an action is allowed
  reconcile     Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects
  whoami        Experimental: Check self subject attributes

Usage:
  kubectl auth [flags] [options]

Use "kubectl <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""


def run(ctx: Context, p: Any) -> int:
    if not p.args or p.args[0] != "can-i":
        ctx.out.write(HELP)
        return 0
    return _can_i(ctx, p, p.args[1:])


def _can_i(ctx: Context, p: Any, args: list[str]) -> int:
    user = parse_user(p["as"], p["as-group"])
    authorizer = Authorizer(ctx.store)
    namespace = "" if p["all-namespaces"] else ctx.namespace
    if p["list"]:
        if args:
            raise KubectlError("error: list option must be specified with no arguments")
        if p["quiet"] or p["all-namespaces"] or p["subresource"]:
            raise KubectlError("error: list option can't be specified with neither quiet, all-namespaces "
                               "nor subresource options")
        review = authorizer.rules_for(user, namespace)
        _print_rules(ctx, review.resource_rules, review.non_resource_rules, p["no-headers"])
        return 0
    if len(args) != 2:
        raise KubectlError("error: you must specify two arguments: verb resource or verb resource/resourceName.\n"
                           "See 'kubectl auth can-i -h' for help and examples.")
    verb, target = args
    if target.startswith("/"):
        if p["subresource"]:
            raise KubectlError("error: --subresource can not be used with NonResourceURL")
        if verb not in NON_RESOURCE_VERBS:
            _warn(ctx, f"verb '{verb}' is not a known verb")
        attrs = Attributes(verb=verb, path=target)
    else:
        type_text, _, name = target.partition("/")
        group, resource, namespaced = _resource_for(ctx, type_text)
        if not p["all-namespaces"] and namespaced is False:
            _warn(ctx, f"resource '{resource}' is not namespace scoped" + (f" in group '{group}'" if group else ""))
        if verb not in RESOURCE_VERBS:
            _warn(ctx, f"verb '{verb}' is not a known verb")
        attrs = Attributes(verb=verb, namespace=namespace, group=group, resource=resource,
                           subresource=p["subresource"], name=name)
    if p["no-headers"]:
        raise KubectlError("error: --no-headers cannot be set without --list specified")
    decision = authorizer.authorize(user, attrs)
    if not p["quiet"]:
        ctx.print("yes" if decision.allowed else "no" + (f" - {decision.reason}" if decision.reason else ""))
    return 0 if decision.allowed else 1


def _warn(ctx: Context, message: str) -> None:
    """kubectl's WarningPrinter appends a newline to messages that already end in one: a blank line follows."""
    ctx.warn(f"Warning: {message}\n")


def _resource_for(ctx: Context, arg: str) -> tuple[str, str, Any]:
    """(group, resource, namespaced or None when unknown): kubectl's `resourceFor`."""
    if arg == "*":
        return "", "*", True
    info = ctx.cluster.registry.resolve(arg.lower())
    if info is not None:
        return info.group, info.plural, info.namespaced
    resource, _, group = arg.lower().partition(".")
    group_resource = f"{resource}.{group}" if group else resource
    if group_resource not in NON_STANDARD_RESOURCES:
        _warn(ctx, f"the server doesn't have a resource type '{resource}'" + (f" in group '{group}'" if group else ""))
    return "", arg, None


# ---------------------------------------------------------------------------- --list

def _print_rules(ctx: Context, resource_rules: list[dict], non_resource_rules: list[dict], no_headers: bool) -> None:
    rules = [_rule(r.get("verbs"), r.get("apiGroups"), r.get("resources"), r.get("resourceNames"), None)
             for r in resource_rules]
    rules += [_rule(r.get("verbs"), None, None, None, r.get("nonResourceURLs")) for r in non_resource_rules]
    broken = [sub for rule in rules for sub in _breakdown(rule)]
    compacted = sorted(_compact(broken), key=_go_string)
    w = get_writer()
    if not no_headers:
        w.write("Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
    for r in compacted:
        w.write(f"{_combine_resource_group(r['resources'], r['apiGroups'])}\t{_go_list(r['nonResourceURLs'])}\t"
                f"{_go_list(r['resourceNames'])}\t{_go_list(r['verbs'])}\n")
    ctx.out.write(w.flush())


def _rule(verbs, groups, resources, names, urls) -> dict[str, list[str]]:
    return {"verbs": list(verbs or []), "apiGroups": list(groups or []), "resources": list(resources or []),
            "resourceNames": list(names or []), "nonResourceURLs": list(urls or [])}


def _breakdown(rule: dict) -> list[dict]:
    """One rule per group × resource × verb (× resource name), one per URL × verb."""
    out = []
    for group in rule["apiGroups"]:
        for resource in rule["resources"]:
            for verb in rule["verbs"]:
                for name in rule["resourceNames"] or [None]:
                    out.append(_rule([verb], [group], [resource], [name] if name is not None else None, None))
    out += [_rule([verb], None, None, None, [url]) for url in rule["nonResourceURLs"] for verb in rule["verbs"]]
    return out


def _compact(rules: list[dict]) -> list[dict]:
    """Rules that differ only by verb merge (verbs appended, duplicates kept); URL rules stay as they are."""
    complex_rules: list[dict] = []
    simple: dict[tuple, dict] = {}
    for rule in rules:
        if rule["nonResourceURLs"] or len(rule["apiGroups"]) != 1 or len(rule["resources"]) != 1 \
                or len(rule["resourceNames"]) > 1:
            complex_rules.append(rule)
            continue
        key = (rule["apiGroups"][0], rule["resources"][0], tuple(rule["resourceNames"]))
        if key in simple:
            simple[key]["verbs"] += rule["verbs"]
        else:
            simple[key] = _rule(rule["verbs"], rule["apiGroups"], rule["resources"], rule["resourceNames"], None)
    return complex_rules + list(simple.values())


def _go_list(values: list[str]) -> str:
    return "[" + " ".join(values) + "]"


def _go_string(rule: dict) -> str:
    """The generated ``PolicyRule.String()``, which kubectl sorts by."""
    return (f"&PolicyRule{{Verbs:{_go_list(rule['verbs'])},APIGroups:{_go_list(rule['apiGroups'])},"
            f"Resources:{_go_list(rule['resources'])},ResourceNames:{_go_list(rule['resourceNames'])},"
            f"NonResourceURLs:{_go_list(rule['nonResourceURLs'])},}}")


def _combine_resource_group(resources: list[str], groups: list[str]) -> str:
    """`pods`, `deployments.apps`, `deployments.apps/scale` (kubectl describe's CombineResourceGroup)."""
    if not resources:
        return ""
    resource, slash, sub = resources[0].partition("/")
    if groups and groups[0]:
        resource += "." + groups[0]
    return resource + (slash + sub if slash else "")
