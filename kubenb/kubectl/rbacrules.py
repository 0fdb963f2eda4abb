"""kubectl's ``pkg/util/rbac``: rules broken down to one verb each, compacted back per resource.

`kubectl auth can-i --list` and `kubectl describe role|clusterrole` both print rules this way:
every rule split into one per group × resource × verb (× resource name), those that differ only
by verb merged again (verbs appended in order, duplicates kept), sorted by the rule's generated Go
``String()``, and each shown with its resource and group combined (``deployments.apps/scale``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Optional


def rule(verbs: Optional[Iterable[str]], groups: Optional[Iterable[str]], resources: Optional[Iterable[str]],
         names: Optional[Iterable[str]], urls: Optional[Iterable[str]]) -> dict[str, list[str]]:
    return {"verbs": list(verbs or []), "apiGroups": list(groups or []), "resources": list(resources or []),
            "resourceNames": list(names or []), "nonResourceURLs": list(urls or [])}


def from_policy_rule(r: Any) -> dict[str, list[str]]:
    """A stored `PolicyRule` (rbac/v1 model) as the dict the functions here take."""
    return rule(r.verbs, r.api_groups, r.resources, r.resource_names, r.non_resource_urls)


def breakdown(r: dict) -> list[dict]:
    """`BreakdownRule`: one rule per group × resource × verb (× resource name), one per URL × verb."""
    out = []
    for group in r["apiGroups"]:
        for resource in r["resources"]:
            for verb in r["verbs"]:
                for name in r["resourceNames"] or [None]:
                    out.append(rule([verb], [group], [resource], [name] if name is not None else None, None))
    out += [rule([verb], None, None, None, [url]) for url in r["nonResourceURLs"] for verb in r["verbs"]]
    return out


def compact(rules: list[dict]) -> list[dict]:
    """`CompactRules`: rules that differ only by verb merge (verbs appended, duplicates kept); URL
    rules and rules over several groups, resources or names stay as they are, first."""
    complex_rules: list[dict] = []
    simple: dict[tuple, dict] = {}
    for r in rules:
        if r["nonResourceURLs"] or len(r["apiGroups"]) != 1 or len(r["resources"]) != 1 or len(r["resourceNames"]) > 1:
            complex_rules.append(r)
            continue
        key = (r["apiGroups"][0], r["resources"][0], tuple(r["resourceNames"]))
        if key in simple:
            simple[key]["verbs"] += r["verbs"]
        else:
            simple[key] = rule(r["verbs"], r["apiGroups"], r["resources"], r["resourceNames"], None)
    return complex_rules + list(simple.values())


def compacted(rules: Iterable[dict]) -> list[dict]:
    """Broken down, compacted and sorted (`sort.Stable(SortableRuleSlice(...))`), ready to print."""
    return sorted(compact([sub for r in rules for sub in breakdown(r)]), key=go_string)


def go_list(values: list[str]) -> str:
    return "[" + " ".join(values) + "]"


def go_string(r: dict) -> str:
    """The generated ``PolicyRule.String()``, which kubectl sorts by."""
    return (f"&PolicyRule{{Verbs:{go_list(r['verbs'])},APIGroups:{go_list(r['apiGroups'])},"
            f"Resources:{go_list(r['resources'])},ResourceNames:{go_list(r['resourceNames'])},"
            f"NonResourceURLs:{go_list(r['nonResourceURLs'])},}}")


def combine_resource_group(resources: list[str], groups: list[str]) -> str:
    """`pods`, `deployments.apps`, `deployments.apps/scale` (kubectl describe's CombineResourceGroup)."""
    if not resources:
        return ""
    resource, slash, sub = resources[0].partition("/")
    if groups and groups[0]:
        resource += "." + groups[0]
    return resource + (slash + sub if slash else "")


def row(r: dict) -> str:
    """One tab-separated line: resources, non-resource URLs, resource names, verbs."""
    return (f"{combine_resource_group(r['resources'], r['apiGroups'])}\t{go_list(r['nonResourceURLs'])}\t"
            f"{go_list(r['resourceNames'])}\t{go_list(r['verbs'])}\n")


# ---------------------------------------------------------------------------- coverage (rbac/validation)

def covers(owner_rules: list[dict], servant_rules: list[dict]) -> list[dict]:
    """`validation.Covers`: the broken-down servant rules no owner rule covers (empty: all covered)."""
    return [sub for r in servant_rules for sub in breakdown(r)
            if not any(_rule_covers(owner, sub) for owner in owner_rules)]


def _rule_covers(owner: dict, sub: dict) -> bool:
    verbs = "*" in owner["verbs"] or set(sub["verbs"]) <= set(owner["verbs"])
    groups = "*" in owner["apiGroups"] or set(sub["apiGroups"]) <= set(owner["apiGroups"])
    if sub["resourceNames"]:
        names = not owner["resourceNames"] or set(sub["resourceNames"]) <= set(owner["resourceNames"])
    else:
        names = not owner["resourceNames"]
    urls = all(any(_url_covers(o, path) for o in owner["nonResourceURLs"]) for path in sub["nonResourceURLs"])
    return verbs and groups and _resources_cover(owner["resources"], sub["resources"]) and names and urls


def _resources_cover(owned: list[str], wanted: list[str]) -> bool:
    """`*`, an exact match, or `*/subresource` for a subresource."""
    if "*" in owned:
        return True
    return all(path in owned or ("/" in path and "*/" + path.split("/", 1)[1] in owned) for path in wanted)


def _url_covers(owner: str, path: str) -> bool:
    return owner == path or (owner.endswith("*") and path.startswith(owner.rstrip("*")))
