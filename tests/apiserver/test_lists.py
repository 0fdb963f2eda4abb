"""Lists served fast and in pages: `limit`/`continue` as upstream, and encodings cached per stored object
that never outlive it (a write shows in the next list; AGE follows the clock)."""

from __future__ import annotations

import base64
import json

import pytest
import requests
from served import needs_kubectl

from kubenb.api.codec import decode
from kubenb.apiserver.encodings import dumps, encode_object
from kubenb.apiserver.responses import CHUNK_BYTES

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


@pytest.fixture(scope="module")
def pods(cluster):
    """Seven stored pods in `paged`, and two in `paged-b` (whose name sorts before `paged/…` as text)."""
    cluster.kubectl("create namespace paged")
    cluster.kubectl("create namespace paged-b")
    for ns, count in (("paged", 7), ("paged-b", 2)):
        for i in range(count):
            cluster.store.create(decode(cluster.registry, {
                "apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "namespace": ns, "labels": {"i": str(i)}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}))
    return [f"p{i}" for i in range(7)]


@pytest.fixture(scope="module")
def get(server, ca_file):
    def call(path: str, accept: str = "application/json", **query):
        response = requests.get(server.url + path, params=query, headers={"Authorization": f"Bearer {server.token}",
                                                                          "Accept": accept}, verify=ca_file, timeout=10)
        return response.status_code, response.json()

    return call


def _names(body) -> list[str]:
    return [i["metadata"]["name"] for i in body["items"]]


def test_limit_and_continue_page_through_everything(pods, get):
    code, first = get("/api/v1/namespaces/paged/pods", limit=3)
    assert (code, _names(first), first["metadata"]["remainingItemCount"]) == (200, pods[:3], 4)
    token = first["metadata"]["continue"]
    decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert decoded == {"v": "meta.k8s.io/v1", "rv": int(first["metadata"]["resourceVersion"]), "start": "p2\x00"}
    _, second = get("/api/v1/namespaces/paged/pods", limit=3, **{"continue": token})
    _, last = get("/api/v1/namespaces/paged/pods", limit=3, **{"continue": second["metadata"]["continue"]})
    assert (_names(second), _names(last)) == (pods[3:6], pods[6:])
    assert "continue" not in last["metadata"] and "remainingItemCount" not in last["metadata"]
    # a selector hides the count it cannot know without reading everything
    _, selected = get("/api/v1/namespaces/paged/pods", limit=1, labelSelector="i in (1,2)")
    assert _names(selected) == ["p1"] and "remainingItemCount" not in selected["metadata"]


def test_pages_across_namespaces_follow_the_stores_order(pods, get):
    _, whole = get("/api/v1/pods", labelSelector="i")
    names, token = [], None
    while True:
        _, page = get("/api/v1/pods", labelSelector="i", limit=2, **({"continue": token} if token else {}))
        names += [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in page["items"]]
        token = page["metadata"].get("continue")
        if not token:
            break
    assert names == [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in whole["items"]]
    assert len(names) == 9


def test_bad_continue_token(get):
    code, body = get("/api/v1/pods", limit=1, **{"continue": "!!"})
    assert (code, body["reason"], body["message"]) == (400, "BadRequest", "continue key is not valid: illegal base64 "
                                                                          "data at input byte 0")


@needs_kubectl
def test_kubectl_chunked_get_equals_the_whole(pods, kubectl):
    assert kubectl("get pods -n paged --chunk-size=2").stdout == kubectl("get pods -n paged --chunk-size=0").stdout


def test_a_write_shows_in_the_next_list_and_age_follows_the_clock(cluster, pods, get, server):
    _, before = get("/api/v1/namespaces/paged/pods", TABLE)
    assert server.encodings is not None and len(server.encodings) >= 7  # the rows are cached ...
    cluster.kubectl("label pod p0 -n paged fresh=yes")
    _, after = get("/api/v1/namespaces/paged/pods")
    assert after["items"][0]["metadata"]["labels"] == {"i": "0", "fresh": "yes"}  # ... yet never stale
    ages = [row["cells"][4] for row in before["rows"]]
    cluster.advance(600)
    _, later = get("/api/v1/namespaces/paged/pods", TABLE)
    assert [row["cells"][4] for row in later["rows"]] != ages
    cluster.kubectl("delete pod p6 -n paged --wait=false")
    cluster.advance(60)
    _, gone = get("/api/v1/namespaces/paged/pods")
    assert "p6" not in _names(gone)


def test_objects_are_encoded_as_to_dict_would(cluster, pods):
    """The fast encoder (pydantic writes the JSON) gives the very bytes of `dumps(obj.to_dict())`, for every kind."""
    checked = set()
    for kind in list(cluster.store.kinds()):
        for obj in cluster.store.list(kind):
            assert encode_object(obj) == dumps(obj.to_dict()), kind
            checked.add(kind)
    assert {"Pod", "Deployment", "ReplicaSet", "Node", "Service", "Lease", "Event"} <= checked


def test_a_large_list_arrives_whole_in_slices(cluster, server, ca_file):
    cluster.kubectl("create namespace large")
    for i in range(500):
        cluster.store.create(decode(cluster.registry, {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"big-{i:03d}", "namespace": "large"},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}))
    response = requests.get(server.url + "/api/v1/namespaces/large/pods", verify=ca_file, timeout=30,
                            headers={"Authorization": f"Bearer {server.token}"})
    assert len(response.content) > 2 * CHUNK_BYTES
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert [i["metadata"]["name"] for i in response.json()["items"]] == [f"big-{i:03d}" for i in range(500)]
