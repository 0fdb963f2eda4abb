"""Stored objects share their equal parts (hash-consing), exactly, and only while something holds them."""

from __future__ import annotations

import sys
from typing import Optional, Union

from course_manifests import NGINX_CM, NGINX_DEPLOY, deploy_v1, deploy_v2
from pydantic import create_model

from kubenb.api.base import KubeModel, KubeObject, deep_copy, evolve
from kubenb.api.codec import decode
from kubenb.api.meta import ObjectMeta
from kubenb.store import compact


class _Part(KubeModel):
    value: Union[bool, int, float, str, None] = None


class _Root(KubeObject):
    metadata: ObjectMeta
    part: _Part
    parts: Optional[list[_Part]] = None


def _root(name: str, part: _Part) -> _Root:
    root = _Root(metadata=ObjectMeta(name=name, uid=name), part=part, parts=[part.model_copy()])
    compact.share(root)
    return root


def _pods(cluster, manifest=NGINX_DEPLOY, replicas=2):
    cluster.apply(manifest.replace("replicas: 2", f"replicas: {replicas}"))
    cluster.advance(30)
    return [p for p in cluster.store.list("Pod", "default") if not p.metadata.deletion_timestamp]


def test_a_replicasets_pods_hold_one_instance_of_each_equal_part(cluster):
    a, b, c = _pods(cluster, replicas=3)
    assert a.metadata.owner_references is b.metadata.owner_references is c.metadata.owner_references
    assert a.metadata.labels is b.metadata.labels
    assert a.spec.tolerations is b.spec.tolerations is c.spec.tolerations
    assert a.spec.security_context is b.spec.security_context
    # parts that differ per pod stay their own, with their own values
    assert a.spec.node_name and a.status.pod_ip != b.status.pod_ip
    assert a.metadata is not b.metadata and a.metadata.uid != b.metadata.uid
    # events about one pod share their involvedObject and source
    events = [e for e in cluster.store.list("Event", "default") if e.involved_object.uid == a.metadata.uid]
    assert len(events) >= 4
    assert len({id(e.involved_object) for e in events}) == len({str(e.involved_object) for e in events}) < len(events)
    assert len({id(e.source) for e in events}) == len({str(e.source) for e in events}) < len(events)


def test_sharing_is_exact_same_types_and_same_fields_set():
    true, one, one_float = _root("a", _Part(value=True)), _root("b", _Part(value=1)), _root("c", _Part(value=1.0))
    assert true.part is not one.part and one.part is not one_float.part
    assert [r.to_dict()["part"] for r in (true, one, one_float)] == [{"value": True}, {"value": 1}, {"value": 1.0}]
    given_none, defaulted = _root("d", _Part(value=None)), _root("e", _Part())
    assert given_none.part is not defaulted.part
    assert given_none.part.model_fields_set == {"value"} and defaulted.part.model_fields_set == set()
    first, again = _root("f", _Part(value="x")), _root("g", _Part(value="x"))
    assert again.part is first.part and again.parts is first.parts
    assert again.metadata is not first.metadata


def test_a_write_shares_what_it_did_not_replace_and_an_edited_copy_leaks_nowhere(cluster):
    a, b = _pods(cluster)
    edited = evolve(a)
    edited.spec.tolerations[0].toleration_seconds = 1
    edited.metadata.labels["extra"] = "x"
    assert b.spec.tolerations[0].toleration_seconds == 300 and "extra" not in b.metadata.labels
    status = evolve(a, deep=("status",))
    status.status.message = "hello"
    stored = cluster.store.update(status, subresource="status")
    assert stored.spec is a.spec and stored.status.conditions is a.status.conditions
    assert stored.status.message == "hello" and a.status.message is None


def test_no_component_edits_a_shared_part_in_place(cluster):
    """Every canonical part still has the content it was entered with, after pods were created,
    scheduled, started, rolled out, scaled and deleted: a copy of it finds it again."""
    cluster.apply(NGINX_CM)
    cluster.apply(deploy_v1())
    cluster.advance(60)
    cluster.apply(deploy_v2())
    cluster.advance(120)
    cluster.kubectl("scale deployment nginx-deploy --replicas=4")
    cluster.advance(30)
    cluster.kubectl("delete deployment nginx-deploy")
    cluster.advance(60)
    assert len(compact._TABLE) > 100
    for canonical in list(compact._TABLE.values()):
        assert compact._canonical(deep_copy(canonical)) is canonical


def _entered(part) -> bool:
    return any(v is part for v in compact._TABLE.values())


def test_a_part_sealed_as_unique_and_what_holds_it_are_never_entered_but_what_they_hold_is_shared():
    first, again = _Part(value="same"), _Part(value="same")
    own = _Part(value="own")
    compact.seal(own)
    a = _Root(metadata=ObjectMeta(name="a", uid="a"), part=first, parts=[own, _Part(value="same")])
    compact.share(a)
    assert a.parts[0] is own and not _entered(own) and not _entered(a.parts)
    assert a.parts[1] is a.part is first and _entered(first)  # held beside a unique part, still shared
    b = _Root(metadata=ObjectMeta(name="b", uid="b"), part=again, parts=[_Part(value="own")])
    compact.share(b)
    assert b.part is first and b.parts[0] is not own  # an unsealed equal part is its own canonical
    assert [r.to_dict()["parts"] for r in (a, b)] == [[{"value": "own"}, {"value": "same"}], [{"value": "own"}]]


def test_a_pods_own_parts_are_not_entered_and_a_status_write_keeps_them(cluster):
    """A pod's token volume is named for it alone: the volume, its mount, the containers and the spec
    holding them are never entered in the table; the parts they hold are shared as ever."""
    a, b = _pods(cluster)
    volume, container = a.spec.volumes[-1], a.spec.containers[0]
    assert volume.name.startswith("kube-api-access-") and volume.name != b.spec.volumes[-1].name
    assert not any(_entered(p) for p in (volume, container.volume_mounts[-1], container, a.spec))
    assert volume.projected is b.spec.volumes[-1].projected and a.spec.tolerations is b.spec.tolerations
    assert container.resources is b.spec.containers[0].resources and container.ports is b.spec.containers[0].ports
    status = evolve(a, deep=("status",))
    status.status.message = "hello"
    stored = cluster.store.update(status, subresource="status")
    assert stored.spec is a.spec
    relabelled = cluster.store.update(evolve(stored, deep=("metadata",)).model_copy(
        update={"metadata": stored.metadata.model_copy(update={"labels": {"app": "x"}})}))
    assert relabelled.spec.to_dict() == a.spec.to_dict()


def test_parts_nothing_holds_any_more_are_swept(cluster):
    def configmap(i):
        return decode(cluster.registry, {"apiVersion": "v1", "kind": "ConfigMap",
                                         "metadata": {"name": f"cm-{i}", "namespace": "default"},
                                         "data": {"key": f"unique-value-{i}"}})

    kept = cluster.store.create(configmap("kept"))
    for i in range(50):
        cluster.store.create(configmap(i))
    compact._sweep()
    before = len(compact._TABLE)
    for i in range(50):
        cluster.store.delete("ConfigMap", "default", f"cm-{i}")
    cluster.settle()
    compact._sweep()
    assert len(compact._TABLE) <= before - 50
    assert compact._canonical({"key": "unique-value-kept"}) is kept.data


def test_an_update_keeps_the_stored_parts_and_copies_the_callers(cluster):
    """The store owns every part it stores: what the writer replaced is copied (its later edits reach
    nothing stored), what it kept of the stored object stays the very same instance."""
    first = cluster.store.create(decode(cluster.registry, {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cm", "namespace": "default", "labels": {"app": "cm"}}, "data": {"a": "1"}}))
    given = {"b": "2"}
    stored = cluster.store.update(first.model_copy(update={"data": given}))
    assert stored.metadata.labels is first.metadata.labels
    assert stored.data == {"b": "2"} and stored.data is not given
    given["c"] = "3"
    assert cluster.store.get("ConfigMap", "default", "cm").data == {"b": "2"}
    again = cluster.store.update(stored.model_copy(update={"binary_data": None}))
    assert again is stored  # nothing changed: nothing written


def test_parts_that_die_young_are_dropped_without_a_sweep(cluster, monkeypatch):
    """Once `_LAG` more parts have been entered, a part only the table holds is dropped; a held one stays."""
    monkeypatch.setattr(compact, "_LAG", 4)

    def configmap(i):
        return decode(cluster.registry, {"apiVersion": "v1", "kind": "ConfigMap",
                                         "metadata": {"name": f"young-{i}", "namespace": "default"},
                                         "data": {"key": f"young-value-{i}"}})

    def entered(value: str) -> bool:
        return any(type(v) is dict and v.get("key") == value for v in compact._TABLE.values())

    held = configmap("held")
    compact.share(held)
    gone = configmap("gone")
    compact.share(gone)
    del gone
    assert entered("young-value-gone")
    for i in range(8):
        compact.share(configmap(i))
    assert not entered("young-value-gone")
    assert entered("young-value-held") and compact._canonical({"key": "young-value-held"}) is held.data


_Wide = create_model("_Wide", __base__=KubeModel, **{f"f{i}": (Optional[str], None) for i in range(20)})


class _WideRoot(KubeObject):
    metadata: ObjectMeta
    wide: _Wide


def test_a_part_pydantic_built_is_kept_in_a_compact_dict_of_the_same_values():
    """A part built by pydantic (20 fields, a plain dict) is kept, once shared, in a shared-key dict:
    the same keys, values and order in fewer bytes, serialised alike."""
    built = _Wide(f3="c", f1="a")
    before, size, dump = list(built.__dict__.items()), sys.getsizeof(built.__dict__), built.model_dump_json()
    root = _WideRoot(metadata=ObjectMeta(name="x", uid="x"), wide=built)
    compact.share(root)
    assert root.wide is built and sys.getsizeof(built.__dict__) < size
    assert list(built.__dict__.items()) == before and built.model_dump_json() == dump
