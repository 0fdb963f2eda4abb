"""`shallow_copy` is pydantic's `model_copy(update=...)` made directly: the store's writes copy with it,
so it must give the same fields, the same fields set and the same serialisation, and share nothing
it may later edit (its fields set) with the model it copied."""

from __future__ import annotations

from kubenb.api.base import Unstructured, shallow_copy
from kubenb.api.core import Container, Pod, PodSpec
from kubenb.api.meta import ObjectMeta


def _pod() -> Pod:
    return Pod(metadata=ObjectMeta(name="web", labels={"app": "web"}),
               spec=PodSpec(containers=[Container(name="nginx", image="nginx")]))


def test_a_copy_equals_pydantics_and_keeps_the_parts() -> None:
    pod = _pod()
    ours, theirs = shallow_copy(pod), pod.model_copy()
    assert ours == theirs and ours.__dict__ == theirs.__dict__
    assert ours.__pydantic_fields_set__ == theirs.__pydantic_fields_set__
    assert ours.__pydantic_fields_set__ is not pod.__pydantic_fields_set__
    assert ours.__dict__ is not pod.__dict__ and ours.spec is pod.spec
    assert ours.to_dict() == pod.to_dict()


def test_changes_are_set_as_model_copy_sets_them() -> None:
    spec = PodSpec(containers=[Container(name="nginx", image="nginx")])
    ours, theirs = shallow_copy(spec, node_name="node-1"), spec.model_copy(update={"node_name": "node-1"})
    assert ours.node_name == "node-1" and spec.node_name is None
    assert ours.__pydantic_fields_set__ == theirs.__pydantic_fields_set__ == {"containers", "node_name"}
    assert ours.to_dict() == theirs.to_dict()


def test_a_model_with_extra_fields_is_copied_by_pydantic() -> None:
    loose = Unstructured(anything={"a": 1})
    copied = shallow_copy(loose, more=2)
    assert copied.__pydantic_extra__ == {"anything": {"a": 1}, "more": 2}
    assert loose.__pydantic_extra__ == {"anything": {"a": 1}}
