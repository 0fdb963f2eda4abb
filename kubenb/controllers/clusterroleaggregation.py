"""The ClusterRole aggregation controller (``pkg/controller/clusterroleaggregation``).

A ClusterRole with an `aggregationRule` owns no rules of its own: this controller writes into it
the rules of every ClusterRole its selectors pick, so `admin`, `edit` and `view` show (and grant)
what the `system:aggregate-to-*` roles and any role a learner labels `aggregate-to-edit` hold.
The authorizer then reads stored rules only, as upstream's does.

As upstream, any ClusterRole event requeues every aggregated ClusterRole: the dependency graph is
not known (`admin` takes `edit`, which takes `view`), and the aggregated roles are few. A sync
lists the roles each selector picks (by name, itself skipped), keeps the first copy of every rule,
and writes the result only when it differs from the stored rules, so chains settle in a few
passes and a settled cluster writes nothing.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api.base import evolve
from kubenb.api.labels import selector_from_label_selector
from kubenb.controllers.base import Controller
from kubenb.store.errors import StatusError


class ClusterRoleAggregationController(Controller):
    component = "clusterrole-aggregation-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.store.watch(lambda ev: self._enqueue_aggregated(), "ClusterRole")

    def _enqueue_aggregated(self) -> None:
        for role in self.store.list("ClusterRole"):
            if role.aggregation_rule is not None:
                self.queue.add(("", role.metadata.name or ""))

    def sync(self, namespace: str, name: str) -> Optional[float]:
        role = self.store.try_get("ClusterRole", "", name)
        if role is None or role.aggregation_rule is None:
            return None
        rules: list[Any] = []
        for label_selector in role.aggregation_rule.cluster_role_selectors or ():
            selector = selector_from_label_selector(label_selector)
            for other in self.store.list("ClusterRole", selector=selector):  # listed by name
                if other.metadata.name == name:
                    continue
                rules += [rule for rule in other.rules or () if rule not in rules]
        if rules == list(role.rules or ()):  # Semantic.DeepEqual: an empty list equals null
            return None
        new = evolve(role, deep=("metadata",), rules=[evolve(rule) for rule in rules])
        new.metadata.resource_version = None  # server-side apply with force: no precondition
        try:
            self.store.update(new)
        except StatusError:
            return self.retry_after_error((namespace, name))
        self.rate_limiter.forget((namespace, name))
        return None
