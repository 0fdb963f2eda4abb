"""The API server's authorizer: privileged groups, then RBAC (``plugin/pkg/auth/authorizer/rbac``).

`kubectl auth can-i` and the API server's access reviews both ask this module, so the two give
the same answers. It reads the stored Roles, ClusterRoles and their bindings the way upstream's
listers do: every ClusterRoleBinding, then the RoleBindings of the request's namespace (the
store's namespace index), so the cost follows the number of bindings, never of pods. An
aggregated ClusterRole grants the rules the aggregation controller stored in it, nothing more.

A user is a name plus groups; `system:authenticated` is added as the authenticator would, and a
service account's name (`system:serviceaccount:NS:NAME`) brings `system:serviceaccounts` and
`system:serviceaccounts:NS`. Members of `system:masters` are allowed everything before RBAC is
asked (the apiserver's privileged-groups authorizer), as for kubeadm's administrator.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from kubenb.store.store import Store

PRIVILEGED_GROUP = "system:masters"
AUTHENTICATED = "system:authenticated"
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
#: the kubeconfig's user on a kubeadm cluster
ADMIN = ("kubernetes-admin", (PRIVILEGED_GROUP,))


@dataclass(frozen=True)
class User:
    name: str
    groups: tuple[str, ...] = ()

    @classmethod
    def authenticated(cls, name: str, groups: Sequence[str] = ()) -> User:
        """The user as impersonation hands it on: a service account without explicit groups gets its
        own, and anyone but the anonymous user (or a member of `system:unauthenticated`) is authenticated."""
        out = list(groups)
        if not out and name.startswith(SERVICE_ACCOUNT_PREFIX) and name.count(":") == 3:
            out = ["system:serviceaccounts", f"system:serviceaccounts:{name.split(':')[2]}"]
        if name != "system:anonymous" and "system:unauthenticated" not in out:
            out.append(AUTHENTICATED)
        return cls(name, tuple(dict.fromkeys(out)))

    def info(self) -> dict[str, Any]:
        """`authentication/v1.UserInfo` as a SelfSubjectReview returns it (`kubectl auth whoami`)."""
        return {"username": self.name, "groups": list(self.groups)} if self.groups else {"username": self.name}


@dataclass(frozen=True)
class Attributes:
    """What a request does: a resource request (`resource` set) or a non-resource URL (`path`)."""
    verb: str
    namespace: str = ""
    group: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    path: str = ""

    @property
    def is_resource_request(self) -> bool:
        return not self.path


@dataclass
class Decision:
    allowed: bool
    reason: str = ""


@dataclass
class RulesReview:
    """What `SelfSubjectRulesReview` answers: the rules that apply in a namespace."""
    resource_rules: list[dict[str, Any]] = field(default_factory=list)
    non_resource_rules: list[dict[str, Any]] = field(default_factory=list)
    incomplete: bool = False
    evaluation_error: str = ""


# ---------------------------------------------------------------------------- rule matching (rbac/v1 helpers)

def verb_matches(rule: Any, verb: str) -> bool:
    return any(v == "*" or v == verb for v in rule.verbs or ())


def api_group_matches(rule: Any, group: str) -> bool:
    return any(g == "*" or g == group for g in rule.api_groups or ())


def resource_matches(rule: Any, combined: str, subresource: str) -> bool:
    """`*`, the exact `resource[/subresource]`, or `*/subresource`."""
    for r in rule.resources or ():
        if r == "*" or r == combined:
            return True
        if subresource and r == "*/" + subresource:
            return True
    return False


def resource_name_matches(rule: Any, name: str) -> bool:
    return not rule.resource_names or name in rule.resource_names


def non_resource_url_matches(rule: Any, path: str) -> bool:
    """`*`, the exact path, or a prefix ending in `*`."""
    for url in rule.non_resource_urls or ():
        if url == "*" or url == path or (url.endswith("*") and path.startswith(url.rstrip("*"))):
            return True
    return False


def rule_allows(attrs: Attributes, rule: Any) -> bool:
    if attrs.is_resource_request:
        combined = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
        return (verb_matches(rule, attrs.verb) and api_group_matches(rule, attrs.group)
                and resource_matches(rule, combined, attrs.subresource) and resource_name_matches(rule, attrs.name))
    return verb_matches(rule, attrs.verb) and non_resource_url_matches(rule, attrs.path)


# ---------------------------------------------------------------------------- subjects and role references

def applies_to(user: User, subject: Any, namespace: str) -> bool:
    if subject.kind == "User":
        return user.name == subject.name
    if subject.kind == "Group":
        return subject.name in user.groups
    if subject.kind == "ServiceAccount":
        ns = subject.namespace or namespace
        return bool(ns) and user.name == f"{SERVICE_ACCOUNT_PREFIX}{ns}:{subject.name}"
    return False


class Authorizer:
    """Answers `may USER do ATTRIBUTES` and `what may USER do in NAMESPACE` from the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def authorize(self, user: User, attrs: Attributes) -> Decision:
        if PRIVILEGED_GROUP in user.groups:
            return Decision(True)
        errors: list[str] = []
        for describe, rule, error in self._visit(user, attrs.namespace):
            if error:
                errors.append(error)
            elif rule_allows(attrs, rule):
                return Decision(True, f"RBAC: allowed by {describe()}")
        # several errors print as Go's aggregate: `[a, b]`
        reason = ""
        if errors:
            reason = "RBAC: " + (errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")
        return Decision(False, reason)

    def rules_for(self, user: User, namespace: str) -> RulesReview:
        out = RulesReview()
        errors: list[str] = []
        for _, rule, error in self._visit(user, namespace):
            if error:
                errors.append(error)
                continue
            if rule.resources:
                out.resource_rules.append({"verbs": list(rule.verbs or []), "apiGroups": list(rule.api_groups or []),
                                           "resources": list(rule.resources),
                                           "resourceNames": list(rule.resource_names or [])})
            if rule.non_resource_urls:
                out.non_resource_rules.append({"verbs": list(rule.verbs or []),
                                               "nonResourceURLs": list(rule.non_resource_urls)})
        if errors:  # RBAC's RulesFor reports errors without marking the list incomplete
            out.evaluation_error = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
        return out

    def _visit(self, user: User, namespace: str) -> Iterator[tuple[Any, Any, str]]:
        """(describer, rule, error) for every rule bound to `user`, cluster bindings first."""
        for binding in self.store.list("ClusterRoleBinding"):
            yield from self._binding_rules(user, binding, "")
        if namespace:
            for binding in self.store.list("RoleBinding", namespace):
                yield from self._binding_rules(user, binding, namespace)

    def _binding_rules(self, user: User, binding: Any, namespace: str) -> Iterator[tuple[Any, Any, str]]:
        subject = next((s for s in binding.subjects or () if applies_to(user, s, namespace)), None)
        if subject is None:
            return
        rules, error = self._role_rules(binding.role_ref, namespace)
        if error:
            yield None, None, error
            return

        def describe() -> str:
            who = f"{subject.name}/{subject.namespace or namespace}" if subject.kind == "ServiceAccount" else subject.name
            where = f'RoleBinding "{binding.metadata.name}/{namespace}"' if namespace else \
                f'ClusterRoleBinding "{binding.metadata.name}"'
            return f'{where} of {binding.role_ref.kind} "{binding.role_ref.name}" to {subject.kind} "{who}"'
        for rule in rules:
            yield describe, rule, ""

    def _role_rules(self, ref: Any, namespace: str) -> tuple[list[Any], str]:
        """The stored rules of the Role (in the binding's namespace) or ClusterRole a binding names."""
        if ref.kind not in ("Role", "ClusterRole"):
            return [], f'unsupported role reference kind: "{ref.kind}"'
        role = self.store.try_get(ref.kind, namespace if ref.kind == "Role" else "", ref.name)
        if role is None:
            return [], f'{ref.kind.lower()}.rbac.authorization.k8s.io "{ref.name}" not found'
        return list(role.rules or []), ""


def parse_user(name: Optional[str], groups: Sequence[str] = ()) -> User:
    """The user a request runs as: the kubeconfig's administrator, or whom `--as`/`--as-group` impersonate."""
    if not name and not groups:
        return User.authenticated(*ADMIN)
    return User.authenticated(name or "", groups)
