"""`kubectl auth can-i`, `whoami` and `reconcile` (the latter in :mod:`.auth_reconcile`).

`can-i` asks the authorizer what the user (or whom `--as` impersonates) may do.

Follows kubectl's ``pkg/cmd/auth/cani.go``: the resource argument resolves through discovery
(an unknown one is sent as typed, after a warning), `yes`/`no` go to stdout with exit code 0/1,
and `--list` prints the rules review as ``kubectl/pkg/util/rbac`` lays rules out
(:mod:`kubenb.kubectl.rbacrules`). `whoami` prints the SelfSubjectReview the API server would
return (kubectl 1.27 on; before, `whoami` is an unknown subcommand).
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.kubectl import rbacrules
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import auth_reconcile, common
from kubenb.kubectl.context import Context, KubectlError
from kubenb.kubectl.tabwriter import get_writer
from kubenb.store.authorizer import Attributes, Authorizer, parse_user

CAN_I_FLAGS = (Flag("all-namespaces", "A", kind=bool, default=False), Flag("quiet", "q", kind=bool, default=False),
               Flag("subresource", default=""), Flag("list", kind=bool, default=False),
               Flag("no-headers", kind=bool, default=False))
PRINT_FLAGS = (Flag("output", "o", default=""), Flag("allow-missing-template-keys", kind=bool, default=True),
               Flag("show-managed-fields", kind=bool, default=False), Flag("template", default=""))
WHOAMI_FLAGS = PRINT_FLAGS
RECONCILE_FLAGS = (*PRINT_FLAGS, Flag("filename", "f", kind=list), Flag("recursive", "R", kind=bool, default=False),
                   Flag("kustomize", "k", default=""), Flag("dry-run", default="none", no_value="unchanged"),
                   Flag("remove-extra-permissions", kind=bool, default=False),
                   Flag("remove-extra-subjects", kind=bool, default=False))
FLAGS = (*CAN_I_FLAGS, *RECONCILE_FLAGS)

RESOURCE_VERBS = {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind",
                  "impersonate", "*", "approve", "sign", "escalate", "attest"}
NON_RESOURCE_VERBS = {"get", "put", "post", "head", "options", "delete", "patch", "*"}
# served by the API server for impersonation but never listed in discovery
NON_STANDARD_RESOURCES = {"users", "groups"}

HELP = """Inspect authorization

Available Commands:
  can-i         Check whether an action is allowed
  reconcile     Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects

Usage:
  kubectl auth [flags] [options]

Use "kubectl <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""
# kubectl 1.27 brought `auth whoami` (1.26 had it as `kubectl alpha auth whoami`)
HELP_WHOAMI = """Inspect authorization.

Available Commands:
  can-i         Check whether an action is allowed
  reconcile     Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects
  whoami        Experimental: Check self subject attributes

Usage:
  kubectl auth [flags] [options]

Use "kubectl auth <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""
WHOAMI_SINCE = 27
NOT_ENABLED = ("error: the selfsubjectreviews API is not enabled in the cluster\n"
               "enable APISelfSubjectReview feature gate and authentication.k8s.io/v1alpha1 or "
               "authentication.k8s.io/v1beta1 API")
FORBIDDEN = "error: the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it"


def run(ctx: Context, p: Any) -> int:
    """`kubectl auth SUBCOMMAND`; bare `kubectl auth` prints its help on stderr and fails, as
    cobra's `DefaultSubCommandRun` does, and an unknown subcommand is a usage error."""
    sub, args = (p.args[0], p.args[1:]) if p.args else ("", [])
    if sub == "can-i":
        common.only_flags(p, CAN_I_FLAGS, "kubectl auth can-i")
        return _can_i(ctx, p, args)
    if sub == "reconcile":
        common.only_flags(p, RECONCILE_FLAGS, "kubectl auth reconcile")
        return auth_reconcile.run(ctx, p, args)
    if sub == "whoami" and ctx.minor >= WHOAMI_SINCE:
        common.only_flags(p, WHOAMI_FLAGS, "kubectl auth whoami")
        return _whoami(ctx, p, args)
    if p.args:
        raise KubectlError(f'error: unknown command "{" ".join(p.args)}"\nSee \'kubectl auth -h\' for help and examples')
    ctx.err.write(HELP_WHOAMI if ctx.minor >= WHOAMI_SINCE else HELP)
    return 1


def _whoami(ctx: Context, p: Any, args: list[str]) -> int:
    """`kubectl auth whoami`: the SelfSubjectReview the API server answers, as a two-column table."""
    if args:
        raise KubectlError(f'error: unknown command "{" ".join(args)}" for "kubectl auth whoami"')
    user = parse_user(p["as"], p["as-group"])
    info = ctx.cluster.registry.resolve("selfsubjectreviews.authentication.k8s.io")
    if info is None:
        raise KubectlError(NOT_ENABLED)
    attrs = Attributes(verb="create", group="authentication.k8s.io", resource="selfsubjectreviews")
    if not Authorizer(ctx.store).authorize(user, attrs).allowed:
        raise KubectlError(FORBIDDEN)
    review = {"kind": "SelfSubjectReview", "apiVersion": info.api_version, "metadata": {"creationTimestamp": None},
              "status": {"userInfo": user.info()}}
    if p["output"]:
        common.check_output_format(p["output"])
        if p["output"] == "json":  # json.MarshalIndent of the typed review: struct order
            ctx.out.write(json.dumps(review, indent=4) + "\n")
        else:
            common.print_result(ctx, info, review, "", p["output"])
        return 0
    w = get_writer()
    w.write("ATTRIBUTE\tVALUE\n")
    w.write(f"Username\t{user.name}\n")
    if user.groups:
        w.write(f"Groups\t{rbacrules.go_list(list(user.groups))}\n")
    ctx.out.write(w.flush())
    return 0


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
    rules = [rbacrules.rule(r.get("verbs"), r.get("apiGroups"), r.get("resources"), r.get("resourceNames"), None)
             for r in resource_rules]
    rules += [rbacrules.rule(r.get("verbs"), None, None, None, r.get("nonResourceURLs")) for r in non_resource_rules]
    w = get_writer()
    if not no_headers:
        w.write("Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
    for r in rbacrules.compacted(rules):
        w.write(rbacrules.row(r))
    ctx.out.write(w.flush())
