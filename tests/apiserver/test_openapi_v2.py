"""`/openapi/v2` in JSON and gnostic protobuf, and the kubectl 1.27 that needs it (apply, explain, get)."""

from __future__ import annotations

import os
import subprocess

import pytest
import requests
from served import DEPLOYMENT

from kubenb.apiserver.protowire import fields

PROTOBUF_ACCEPT = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
KUBECTL_127 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27"  # the dispatcher's 1.27: what a 1.27 server gets


@pytest.fixture(scope="module")
def get(server, ca_file):
    def call(path: str, **headers):
        headers["Authorization"] = f"Bearer {server.token}"
        return requests.get(server.url + path, headers=headers, verify=ca_file, timeout=30)

    return call


@pytest.fixture(scope="module")
def kubectl127(server, tmp_path_factory):
    if not os.path.exists(KUBECTL_127):
        pytest.skip("kubectl 1.27 is not installed")
    home = tmp_path_factory.mktemp("home127")
    env = {**os.environ, "HOME": str(home), "KUBECONFIG": server.kubeconfig}

    def run(cmdline: str, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([KUBECTL_127, f"--cache-dir={home / 'cache'}", *cmdline.split()], env=env, input=input,
                              capture_output=True, text=True, timeout=60)

    return run


def by_number(data: bytes) -> dict[int, list]:
    out: dict[int, list] = {}
    for number, _, value in fields(data):
        out.setdefault(number, []).append(value)
    return out


def test_json_document_names_kinds_and_patch_parameters(get):
    doc = get("/openapi/v2").json()
    assert doc["swagger"] == "2.0"
    deployment = doc["definitions"]["io.k8s.api.apps.v1.Deployment"]
    assert deployment["x-kubernetes-group-version-kind"] == [{"group": "apps", "version": "v1", "kind": "Deployment"}]
    assert deployment["properties"]["spec"]["$ref"] == "#/definitions/io.k8s.api.apps.v1.DeploymentSpec"
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert "fieldValidation" in [p["name"] for p in patch["parameters"]]
    containers = doc["definitions"]["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert (containers["x-kubernetes-patch-merge-key"], containers["items"]["$ref"]) == (
        "name", "#/definitions/io.k8s.api.core.v1.Container")


def test_protobuf_is_gnostic_document(get):
    response = get("/openapi/v2", Accept=PROTOBUF_ACCEPT)
    assert response.headers["Content-Type"] == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    doc = by_number(response.content)
    assert doc[1] == [b"2.0"]
    paths = {by_number(p)[1][0].decode(): by_number(p)[2][0] for p in by_number(doc[8][0])[2]}
    item = by_number(paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"])
    patch = by_number(item[8][0])  # PathItem.patch
    extensions = {by_number(e)[1][0].decode(): by_number(by_number(e)[2][0])[2][0] for e in patch[13]}
    assert extensions["x-kubernetes-group-version-kind"] == b'{"group":"apps","version":"v1","kind":"Deployment"}'
    query_names = []
    for item_bytes in patch[8]:  # ParametersItem → Parameter → NonBodyParameter → QueryParameterSubSchema
        parameter = by_number(by_number(item_bytes)[1][0])
        if 2 in parameter:
            query_names.append(by_number(by_number(parameter[2][0])[3][0])[4][0].decode())
    assert "fieldValidation" in query_names


def test_etag_revalidates_with_304(get):
    for accept in ("application/json", PROTOBUF_ACCEPT):
        first = get("/openapi/v2", Accept=accept)
        tag = first.headers["ETag"]
        again = get("/openapi/v2", Accept=accept, **{"If-None-Match": tag})
        assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", tag)
    json_tag = get("/openapi/v2").headers["ETag"]
    assert get("/openapi/v2", Accept=PROTOBUF_ACCEPT, **{"If-None-Match": json_tag}).status_code == 200


def test_kubectl_127_applies_with_strict_validation(kubectl127):
    bad = DEPLOYMENT.replace("name: web\n", "name: old\n", 1).replace("replicas:", "replica:")
    result = kubectl127("apply -f -", input=bad)
    assert (result.returncode, result.stderr) == (1, 'Error from server (BadRequest): error when creating "STDIN": '
                                                     'Deployment in version "v1" cannot be handled as a Deployment: '
                                                     'strict decoding error: unknown field "spec.replica"\n')
    good = DEPLOYMENT.replace("name: web\n", "name: old\n", 1)
    assert kubectl127("apply -f -", input=good).stdout == "deployment.apps/old created\n"
    assert kubectl127("apply -f -", input=good.replace("replicas: 2", "replicas: 1")).stdout == \
        "deployment.apps/old configured\n"
    assert kubectl127("get deploy old -o jsonpath={.spec.replicas}").stdout == "1"


def test_kubectl_127_explains_from_v2(kubectl127):
    result = kubectl127("explain deployment.spec.strategy --output=plaintext-openapiv2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["KIND:     Deployment", "VERSION:  apps/v1"]
    assert "   rollingUpdate\t<Object>" in lines and "   type\t<string>" in lines
