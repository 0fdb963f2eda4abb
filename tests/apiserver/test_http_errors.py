"""What the façade answers to bad requests: a Kubernetes `Status` in the API server's words, and nothing changed.

Also: no credentials, no service; a dropped watch frees what it held.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import threading
import time

import pytest
import requests

from kubenb.apiserver.responses import MAX_BODY_BYTES


@pytest.fixture(scope="module")
def http(server, ca_file):
    def call(method: str, path: str, body=None, token: str | None = server.token, **headers):
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        return requests.request(method, server.url + path, data=data, headers=headers, verify=ca_file, timeout=10)

    return call


def status(response) -> tuple[int, str, str]:
    body = response.json()
    assert body["kind"] == "Status" and body["apiVersion"] == "v1" and body["status"] == "Failure"
    assert body["code"] == response.status_code
    return response.status_code, body["reason"], body["message"]


def test_no_token_no_service(http):
    assert status(http("GET", "/api/v1/pods", token=None)) == (401, "Unauthorized", "Unauthorized")
    assert status(http("GET", "/version", token="wrong")) == (401, "Unauthorized", "Unauthorized")
    assert http("GET", "/healthz", token=None).text == "ok"


def test_refuses_a_non_loopback_address(cluster):
    from kubenb.apiserver import serve

    with pytest.raises(ValueError, match="not a loopback address"):
        serve(cluster, host="0.0.0.0")


@pytest.mark.parametrize(("method", "path", "body", "content_type", "expected"), [
    pytest.param("POST", "/api/v1/namespaces/default/pods", b"{not json", "application/json",
                 (400, "BadRequest", "couldn't get version/kind; json parse error: invalid character 'n' looking for "
                                     "beginning of value"), id="malformed"),
    pytest.param("POST", "/api/v1/namespaces/default/pods", {"apiVersion": "apps/v1", "kind": "Pod"}, "application/json",
                 (400, "BadRequest", "the API version in the data (apps/v1) does not match the expected API version (v1)"),
                 id="wrong-group"),
    pytest.param("POST", "/api/v1/namespaces/default/pods?fieldValidation=Strict",
                 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containerz": []}},
                 "application/json", (400, "BadRequest", 'Pod in version "v1" cannot be handled as a Pod: strict '
                                                        'decoding error: unknown field "spec.containerz"'), id="strict"),
    pytest.param("GET", "/apis/apps/v1/namespaces/default/deploymentz", None, "",
                 (404, "NotFound", "the server could not find the requested resource"), id="unknown-kind"),
    pytest.param("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", [{"op": "remove", "path": "/spec/x"}],
                 "application/json-patch+json", (422, "Invalid", "the server rejected our request due to an error in "
                                                                 "our request"), id="json-patch-does-not-apply"),
    pytest.param("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", {"spec": {"replicas": "three"}},
                 "application/merge-patch+json",
                 (400, "BadRequest", 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot '
                                     "unmarshal string into Go struct field .spec.replicas of type int32"), id="type"),
    pytest.param("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", {}, "text/plain",
                 (415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media "
                                               "types include: application/strategic-merge-patch+json, "
                                               "application/merge-patch+json, application/json-patch+json, "
                                               "application/apply-patch+yaml"), id="patch-type"),
    pytest.param("POST", "/api/v1/namespaces/default/pods", b"x" * (MAX_BODY_BYTES + 1), "application/json",
                 (413, "RequestEntityTooLarge", f"Request entity too large: limit is {MAX_BODY_BYTES}"), id="oversize"),
])
def test_bad_requests_change_nothing(http, cluster, method, path, body, content_type, expected):
    http("POST", "/apis/apps/v1/namespaces/default/deployments", _deployment(), **{"Content-Type": "application/json"})
    before = cluster.store.resource_version
    assert status(http(method, path, body, **{"Content-Type": content_type})) == expected
    assert cluster.store.resource_version == before


def _deployment() -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}


def test_dry_run_stores_nothing(http, cluster):
    before = cluster.store.resource_version
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "dry"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    response = http("POST", "/api/v1/namespaces/default/pods?dryRun=All", pod, **{"Content-Type": "application/json"})
    assert response.status_code == 201 and response.json()["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    assert cluster.store.try_get("Pod", "default", "dry") is None and cluster.store.resource_version == before


def test_discovery_negotiates_the_version_kubectl_accepts(http):
    v2beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
    response = http("GET", "/apis", Accept=v2beta1)
    assert response.headers["Content-Type"] == "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
    assert response.json()["apiVersion"] == "apidiscovery.k8s.io/v2beta1"
    legacy = http("GET", "/apis").json()
    assert legacy["kind"] == "APIGroupList"
    resources = http("GET", "/apis/apps/v1").json()["resources"]
    assert {"name": "deployments/scale", "singularName": "", "namespaced": True, "group": "autoscaling",
            "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]} in resources


def test_watch_resumes_from_a_list_and_expires_when_too_old(server, http, cluster):
    listed = http("GET", "/api/v1/namespaces/default/configmaps").json()["metadata"]["resourceVersion"]
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w"}, "data": {"a": "1"}}
    http("POST", "/api/v1/namespaces/default/configmaps", cm, **{"Content-Type": "application/json"})
    response = http("GET", f"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={listed}&timeoutSeconds=1")
    events = [json.loads(line) for line in response.text.splitlines()]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "w")]
    expired = http("GET", "/api/v1/configmaps?watch=true&resourceVersion=1&timeoutSeconds=1")
    assert json.loads(expired.text)["object"]["reason"] == "Expired"


def test_a_thousand_dropped_watches_leak_nothing(server, http):
    """Open a watch, read its headers, hang up — a thousand times. Every watcher and task must go."""
    context = ssl.create_default_context(cadata=server.identity.certificate_pem.decode())
    request = (f"GET /api/v1/namespaces/default/pods?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Authorization: Bearer {server.token}\r\n\r\n").encode()
    threads_before = threading.active_count()
    tasks_before = asyncio.run_coroutine_threadsafe(_task_count(), server._loop).result(5)

    def open_and_drop(count: int) -> None:
        for _ in range(count):
            with socket.create_connection(("127.0.0.1", server.port)) as raw, \
                    context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                tls.sendall(request)
                assert tls.recv(64).startswith(b"HTTP/1.1 200")

    workers = [threading.Thread(target=open_and_drop, args=(125,)) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and server.broadcaster.open_watches():
        time.sleep(0.05)
    assert server.broadcaster.open_watches() == 0
    tasks = asyncio.run_coroutine_threadsafe(_task_count(), server._loop).result(5)
    assert tasks == tasks_before
    assert threading.active_count() == threads_before


async def _task_count() -> int:
    await asyncio.sleep(0.2)
    return len(asyncio.all_tasks())
