"""What the pod-to-pod plugins share: affinity terms and finding the bound pods a selector picks.

Bound pods are found through the store's label index (`Store.list` with a selector), never by
walking every node's pods, so InterPodAffinity and PodTopologySpread cost what the matching pods
cost, not what the cluster holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Optional

from kubenb.api import labels as labelsel


def bound(pod: Any) -> bool:
    """In the scheduler's cache: bound to a node and not finished (its informer drops those)."""
    return bool(pod.spec.node_name) and pod.status.phase not in ("Succeeded", "Failed")


def matching_pods(store: Any, namespaces: Optional[Iterable[str]], selector: labelsel.Selector) -> list[Any]:
    """Bound pods in `namespaces` (None: every namespace) whose labels `selector` matches."""
    if selector == labelsel.nothing():
        return []
    if namespaces is None:
        return [p for p in store.list("Pod", None, selector) if bound(p)]
    return [p for ns in sorted(namespaces) for p in store.list("Pod", ns, selector) if bound(p)]


@dataclass(frozen=True)
class Term:
    """A parsed `PodAffinityTerm` (`framework.AffinityTerm`): namespaces None means all of them."""

    namespaces: Optional[frozenset[str]]
    selector: labelsel.Selector
    topology_key: str
    weight: int = 1

    def matches(self, pod: Any) -> bool:
        """`AffinityTerm.Matches`: the pod's namespace is one of the term's, and its labels match."""
        return (self.namespaces is None or (pod.metadata.namespace or "") in self.namespaces) and \
            self.selector.matches(pod.metadata.labels or {})

    def pods(self, store: Any) -> list[Any]:
        return matching_pods(store, self.namespaces, self.selector)


def term_of(store: Any, owner: Any, term: Any, weight: int = 1) -> Term:
    """`newAffinityTerm`: no namespaces and no namespaceSelector means the owner pod's namespace;
    an empty namespaceSelector (`{}`) means every namespace, another one adds the namespaces whose
    labels it matches."""
    namespaces = set(term.namespaces or ())
    if not namespaces and term.namespace_selector is None:
        namespaces.add(owner.metadata.namespace or "")
    if term.namespace_selector is not None:
        ns_selector = labelsel.selector_from_label_selector(term.namespace_selector)
        if ns_selector.empty():
            return Term(None, labelsel.selector_from_label_selector(term.label_selector), term.topology_key, weight)
        namespaces |= {ns.metadata.name for ns in store.list("Namespace", None, ns_selector)}
    return Term(frozenset(namespaces), labelsel.selector_from_label_selector(term.label_selector),
                term.topology_key, weight)


def required_terms(store: Any, pod: Any, anti: bool) -> list[Term]:
    affinity = pod.spec.affinity and (pod.spec.affinity.pod_anti_affinity if anti else pod.spec.affinity.pod_affinity)
    return [term_of(store, pod, t) for t in (affinity and affinity.required_during_scheduling_ignored_during_execution)
            or ()]


def preferred_terms(store: Any, pod: Any, anti: bool) -> list[Term]:
    affinity = pod.spec.affinity and (pod.spec.affinity.pod_anti_affinity if anti else pod.spec.affinity.pod_affinity)
    return [term_of(store, pod, t.pod_affinity_term, t.weight)
            for t in (affinity and affinity.preferred_during_scheduling_ignored_during_execution) or ()]
