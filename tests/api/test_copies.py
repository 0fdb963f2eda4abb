"""`shallow_copy` is pydantic's `model_copy(update=...)` made directly: the store's writes copy with it,
so it must give the same fields, the same fields set and the same serialisation, and share nothing
it may later edit (its fields set) with the model it copied."""

from __future__ import annotations

import sys

from kubenb.api.base import Unstructured, deep_copy, shallow_copy
from kubenb.api.core import Container, Pod, PodSpec, VolumeMount
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


def test_copies_of_a_model_of_many_fields_hold_them_in_fewer_bytes() -> None:
    """A Container (25 fields) built by pydantic holds a plain dict; its copies (what the store keeps)
    hold the same keys, values and order in a shared-key dict, and serialise alike."""
    container = Container(name="nginx", image="nginx", args=["-g", "daemon off;"])
    for copied in (shallow_copy(container), deep_copy(container), shallow_copy(container, tty=True)):
        assert sys.getsizeof(copied.__dict__) < sys.getsizeof(container.__dict__)
        assert list(copied.__dict__) == list(container.__dict__) == list(Container.model_fields)
        assert copied.model_dump_json() == container.model_copy(update={"tty": copied.tty}).model_dump_json()
    assert deep_copy(container) == container and deep_copy(container).args is not container.args


def test_a_copy_of_fields_out_of_order_keeps_their_order() -> None:
    """A dict not in declaration order is copied as it is: a copy never reorders what it serialises."""
    container = Container(name="nginx", image="nginx")
    values = dict(reversed(list(container.__dict__.items())))
    odd = Container.model_construct()
    object.__setattr__(odd, "__dict__", values)
    assert list(shallow_copy(odd).__dict__) == list(values)
    assert shallow_copy(odd).model_dump_json() == odd.model_dump_json()


def test_a_model_of_few_fields_keeps_a_plain_dict() -> None:
    """A VolumeMount's 7 fields fit a plain dict in fewer bytes than a shared-key one."""
    mount = VolumeMount(name="data", mount_path="/data")
    assert sys.getsizeof(shallow_copy(mount).__dict__) <= sys.getsizeof(mount.__dict__)
