"""`construct`: the recorders' Events, built without validation, are the models pydantic builds
from the same keywords (values, order, fields set, JSON), in a smaller form that copies keep."""

from __future__ import annotations

import sys

import pydantic
import pytest

from kubenb.api.construct import construct
from kubenb.api.core import Event, EventSource, ObjectReference, Pod
from kubenb.api.meta import ObjectMeta
from kubenb.client.events import EventRecorder


def _fields() -> dict:
    return dict(metadata=ObjectMeta(name="web.17", namespace="default"), reason="Started", message="Started container c",
                involved_object=ObjectReference(kind="Pod", namespace="default", name="web", uid="u", field_path=None),
                source=EventSource(component="kubelet", host="node-1"), first_timestamp="2024-01-01T00:00:00Z",
                last_timestamp="2024-01-01T00:00:00Z", count=1, type="Normal", reporting_component="kubelet",
                reporting_instance="node-1")


@pytest.mark.parametrize("cls, fields", [(Event, _fields()), (Event, {"reason": "R"}), (Event, {}),
                                         (ObjectMeta, {"name": "a", "namespace": "b"}),
                                         (ObjectReference, {"kind": "Pod", "field_path": None})])
def test_construct_builds_what_pydantic_builds(cls, fields):
    built, validated = construct(cls, **fields), cls(**fields)
    assert built == validated
    assert built.model_fields_set == validated.model_fields_set == set(fields)
    assert list(built.__dict__) == list(validated.__dict__) == list(cls.model_fields)
    assert built.model_dump_json(by_alias=True) == validated.model_dump_json(by_alias=True)
    assert built.to_dict() == validated.to_dict()


def test_defaults_made_by_a_factory_are_made_anew():
    a, b = construct(Event), construct(Event)
    assert a.metadata == ObjectMeta() and a.metadata is not b.metadata and a.source is not b.source


def test_constructed_models_and_their_copies_hold_less_than_pydantic_ones():
    built, validated = construct(Event, **_fields()), Event(**_fields())
    assert sys.getsizeof(built.__dict__) < sys.getsizeof(validated.__dict__)
    assert sys.getsizeof(built.model_copy().__dict__) < sys.getsizeof(validated.model_copy().__dict__)


def test_an_unknown_field_is_an_error():
    with pytest.raises(TypeError, match="no field"):
        construct(Event, bogus=1)


def test_stored_events_are_compact_and_a_caller_s_wrong_type_is_still_rejected(cluster):
    recorder = EventRecorder(cluster.store, "tester", "node-1")
    pod = Pod(metadata=ObjectMeta(name="web", namespace="default", uid="u1", resource_version="1"))
    recorder.normal(pod, "Started", "Started container c", "spec.containers{c}")
    (stored,) = [e for e in cluster.store.list("Event", "default") if e.source.component == "tester"]
    assert sys.getsizeof(stored.__dict__) < sys.getsizeof(dict(stored.__dict__))
    assert sys.getsizeof(stored.metadata.__dict__) < sys.getsizeof(dict(stored.metadata.__dict__))
    with pytest.raises(pydantic.ValidationError):
        recorder.normal(pod, "Started", 42)  # not a string: pydantic rejects it, as it always did
    assert len([e for e in cluster.store.list("Event", "default") if e.source.component == "tester"]) == 1
