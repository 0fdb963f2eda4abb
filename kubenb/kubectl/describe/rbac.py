"""RoleDescriber and ClusterRoleDescriber: the rules laid out as `kubectl auth can-i --list` does.

An aggregated ClusterRole shows the rules the aggregation controller stored in it; kubectl prints
no aggregation rule, no namespace and no events for either kind.
"""

from __future__ import annotations

from typing import Any

from kubenb.kubectl import rbacrules
from kubenb.kubectl.describe.common import (
    LEVEL_0,
    LEVEL_1,
    print_annotations_multiline,
    print_labels_multiline,
    tabbed_string,
)
from kubenb.kubectl.describe.lookup import Lookup


def describe_role(lookup: Lookup, role: Any, show_events: bool = True) -> str:
    """`describeRole` / `describeClusterRole`, which print the same."""
    rules = rbacrules.compacted(rbacrules.from_policy_rule(r) for r in role.rules or ())

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{role.metadata.name}\n")
        print_labels_multiline(w, "Labels", role.metadata.labels)
        print_annotations_multiline(w, "Annotations", role.metadata.annotations)
        w.write(LEVEL_0, "PolicyRule:\n")
        w.write(LEVEL_1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
        w.write(LEVEL_1, "---------\t-----------------\t--------------\t-----\n")
        for r in rules:
            w.write(LEVEL_1, rbacrules.row(r))

    return tabbed_string(body)
