"""The Deployment controller's memos of what it derives from a spec: one computation per live
object however many there are, and nothing kept once the object is gone."""

from __future__ import annotations

import gc

import pytest

from kubenb.api.labels import SelectorError
from kubenb.api.meta import LabelSelector
from kubenb.controllers.deployment import util


def test_every_live_object_is_computed_once_past_a_thousand():
    calls = []
    memo = util.IdentityMemo(lambda obj: calls.append(obj) or len(calls))
    objs = [LabelSelector(match_labels={"app": str(i)}) for i in range(3000)]
    first = [memo(o) for o in objs]
    again = [memo(o) for o in objs]
    assert again == first and len(calls) == 3000


def test_an_entry_goes_with_its_object():
    memo = util.IdentityMemo(lambda obj: dict(obj.match_labels))
    objs = [LabelSelector(match_labels={"app": str(i)}) for i in range(10)]
    for o in objs:
        memo(o)
    assert len(memo) == 10
    del objs[:4]
    gc.collect()
    assert len(memo) == 6


def test_a_successor_at_the_same_address_is_computed_afresh():
    memo = util.IdentityMemo(lambda obj: obj.match_labels["app"])
    seen = set()
    for i in range(50):  # freed at once: CPython often hands the next one the same id
        o = LabelSelector(match_labels={"app": str(i)})
        seen.add(id(o))
        assert memo(o) == str(i)
    assert len(memo) <= 1


def test_errors_are_raised_again_and_unreferable_objects_computed_each_time():
    calls = []

    def parse(obj):
        calls.append(obj)
        raise SelectorError(f"bad {len(calls)}")

    memo = util.IdentityMemo(parse)
    o = LabelSelector(match_labels={"app": "x"})
    for _ in range(2):
        with pytest.raises(SelectorError, match="bad 1"):
            memo(o)
    counted = util.IdentityMemo(lambda obj: calls.append(obj) or len(calls))
    assert counted(None) != counted(None) and len(counted) == 0


def test_template_pairs_are_compared_once_and_forgotten_with_either():
    from kubenb.api.core import PodTemplateSpec

    a = PodTemplateSpec.model_validate({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": []}})
    b = a.model_copy(deep=True)
    memo = util._PairMemo()
    assert memo(a, b) and memo(a, b) and len(memo) == 1
    del b
    gc.collect()
    assert len(memo) == 0
