"""Field ownership through the API: managedFields of Update and Apply, and server-side apply conflicts."""

from __future__ import annotations

import json

import pytest
from served import DEPLOYMENT, needs_kubectl

from kubenb.apiserver import fieldmanager, patches

CONFLICT_HELP = """\
Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
"""


def managed(kubectl, name: str) -> list[dict]:
    out = kubectl(f"get deploy {name} -o json --show-managed-fields").stdout
    return json.loads(out)["metadata"]["managedFields"]


def owners_of(entries: list[dict], *path: str) -> list[tuple[str, str, str]]:
    out = []
    for e in entries:
        node = e["fieldsV1"]
        for element in path:
            node = node.get(element) if isinstance(node, dict) else None
        if node is not None:
            out.append((e["manager"], e["operation"], e.get("subresource", "")))
    return out


@needs_kubectl
def test_client_side_apply_owns_what_it_created_with_defaults(kubectl):
    kubectl("apply -f -", input=DEPLOYMENT)
    [entry] = managed(kubectl, "web")
    assert (entry["manager"], entry["operation"], entry["apiVersion"]) == ("kubectl-client-side-apply", "Update",
                                                                          "apps/v1")
    spec = entry["fieldsV1"]["f:spec"]
    # defaults count as written by the creator; a struct Go embeds by value has no "." of its own
    assert spec["f:strategy"] == {"f:rollingUpdate": {".": {}, "f:maxSurge": {}, "f:maxUnavailable": {}}, "f:type": {}}
    container = spec["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    assert container["f:ports"] == {".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': {
        ".": {}, "f:containerPort": {}, "f:protocol": {}}}
    assert entry["fieldsV1"]["f:metadata"]["f:labels"] == {".": {}, "f:app": {}}


@needs_kubectl
def test_server_side_apply_conflict_then_force_then_scale(kubectl):
    kubectl("apply -f -", input=DEPLOYMENT)
    three = DEPLOYMENT.replace("replicas: 2", "replicas: 3")
    result = kubectl("apply --server-side -f -", input=three, check=False)
    assert result.returncode == 1
    assert result.stderr == ('error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using '
                             "apps/v1: .spec.replicas\n" + CONFLICT_HELP)
    assert kubectl("get deploy web -o jsonpath={.spec.replicas}").stdout == "2"  # nothing changed
    # the same value is shared ownership, not a conflict
    assert kubectl("apply --server-side -f -", input=DEPLOYMENT).stdout == "deployment.apps/web serverside-applied\n"

    kubectl("apply --server-side --force-conflicts -f -", input=three)
    assert owners_of(managed(kubectl, "web"), "f:spec", "f:replicas") == [("kubectl", "Apply", "")]
    kubectl("scale deploy web --replicas=4")
    entries = managed(kubectl, "web")
    assert owners_of(entries, "f:spec", "f:replicas") == [("kubectl", "Update", "scale")]
    assert [(e["manager"], e["operation"]) for e in entries][0] == ("kubectl", "Apply")  # Apply sorts first
    # the applier now conflicts with the scale
    result = kubectl("apply --server-side -f -", input=three, check=False)
    assert result.stderr.startswith('error: Apply failed with 1 conflict: conflict with "kubectl" with subresource '
                                    '"scale" using apps/v1: .spec.replicas\n')


def test_conflicts_with_several_managers_are_listed_by_manager():
    live = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "managedFields": [
        {"manager": "b", "operation": "Update", "apiVersion": "apps/v1", "time": "t",
         "fieldsV1": {"f:spec": {"f:replicas": {}}}},
        {"manager": "a", "operation": "Apply", "apiVersion": "apps/v1", "time": "t",
         "fieldsV1": {"f:spec": {"f:paused": {}, "f:minReadySeconds": {}}}}]},
        "spec": {"replicas": 1, "paused": False, "minReadySeconds": 0}}
    config = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
              "spec": {"replicas": 2, "paused": True, "minReadySeconds": 5}}
    new = {**live, "spec": config["spec"]}
    with pytest.raises(fieldmanager.ApplyConflict) as err:
        fieldmanager.apply(live, config, new, "c", "now", force=False)
    assert err.value.message == ('Apply failed with 3 conflicts: conflicts with "a":\n- .spec.minReadySeconds\n'
                                 '- .spec.paused\nconflicts with "b" using apps/v1:\n- .spec.replicas')
    assert err.value.to_status()["details"]["causes"][0] == {
        "reason": "FieldManagerConflict", "message": 'conflict with "a"', "field": ".spec.minReadySeconds"}
    forced = fieldmanager.apply(live, config, new, "c", "now", force=True)
    assert [e["manager"] for e in forced] == ["c"]  # the others lost everything they had


def test_update_that_removes_a_field_frees_it_for_everyone():
    live = {"metadata": {"name": "d", "labels": {"x": "1", "y": "2"}, "managedFields": [
        {"manager": "a", "operation": "Update", "apiVersion": "v1", "time": "2026-01-01T00:00:00Z",
         "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:x": {}, "f:y": {}}}}}]}}
    new = {"metadata": {"name": "d", "labels": {"x": "1", "z": "3"}}}
    entries = fieldmanager.update(live, new, "b", "v1", "2026-01-02T00:00:00Z")
    assert [(e["manager"], e["fieldsV1"]) for e in entries] == [
        ("a", {"f:metadata": {"f:labels": {".": {}, "f:x": {}}}}),
        ("b", {"f:metadata": {"f:labels": {"f:z": {}}}})]


def test_paths_print_as_fieldpath_does():
    assert fieldmanager.path_string(("f:spec", "f:containers", 'k:{"name":"nginx"}', "f:image")) == \
        '.spec.containers[name="nginx"].image'
    assert fieldmanager.path_string(("f:ports", 'k:{"containerPort":80,"protocol":"TCP"}')) == \
        '.ports[containerPort=80,protocol="TCP"]'


def test_a_field_dropped_from_the_configuration_stays_while_another_manager_owns_it():
    live = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "managedFields": [
        {"manager": "a", "operation": "Apply", "apiVersion": "v1", "time": "t",
         "fieldsV1": {"f:data": {"f:x": {}, "f:y": {}}}},
        {"manager": "b", "operation": "Update", "apiVersion": "v1", "time": "t",
         "fieldsV1": {"f:data": {"f:y": {}}}}]}, "data": {"x": "1", "y": "2"}}
    merged = patches.server_side_apply(live, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                                              "data": {}}, "a")
    assert merged["data"] == {"y": "2"}  # x was a's alone: pruned; y is b's too: kept
