"""The Deployment controller's status draft: equal to a stored status exactly when the
`DeploymentStatus` it builds is, and building what the calculation used to build."""

from __future__ import annotations

import pytest

from kubenb.api.apps import DeploymentCondition, DeploymentStatus
from kubenb.controllers.deployment.controller import _StatusDraft

AVAILABLE = DeploymentCondition(type="Available", status="True", last_update_time="2022-06-17T15:12:59Z",
                                last_transition_time="2022-06-17T15:12:59Z", reason="MinimumReplicasAvailable",
                                message="Deployment has minimum availability.")
FIELDS = dict(observed_generation=2, replicas=3, updated_replicas=3, ready_replicas=3, available_replicas=3,
              unavailable_replicas=None, conditions=[AVAILABLE], collision_count=None)


@pytest.mark.parametrize("stored", [
    pytest.param(DeploymentStatus(**FIELDS), id="same"),
    pytest.param(DeploymentStatus(**{**FIELDS, "ready_replicas": 2}), id="a count differs"),
    pytest.param(DeploymentStatus(**{**FIELDS, "conditions": None}), id="no conditions"),
    pytest.param(DeploymentStatus(**{**FIELDS, "conditions": [AVAILABLE.model_copy(update={"reason": "x"})]}),
                 id="a condition differs"),
    pytest.param(DeploymentStatus(**{**FIELDS, "terminating_replicas": 1}), id="terminating counted"),
    pytest.param(DeploymentStatus(**{**FIELDS, "collision_count": 1}), id="a collision"),
    pytest.param(DeploymentStatus(), id="empty"),
])
def test_same_as_is_the_models_equality(stored):
    draft = _StatusDraft(**FIELDS)
    assert draft.same_as(stored) is (draft.build() == stored) is (DeploymentStatus(**FIELDS) == stored)


def test_build_makes_what_the_calculation_made():
    built = _StatusDraft(**FIELDS).build()
    made = DeploymentStatus(**FIELDS)
    assert built == made and built.model_fields_set == made.model_fields_set
    assert built.conditions[0] is AVAILABLE
