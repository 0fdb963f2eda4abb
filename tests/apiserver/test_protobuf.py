"""Protobuf request bodies: kubectl's typed commands send nothing else, and get the objects our kubectl makes."""

from __future__ import annotations

import struct

import pytest
from served import needs_kubectl

from kubenb import Cluster
from kubenb.apiserver import protobuf
from kubenb.apiserver.cli import at_present
from kubenb.profiles import get_profile
from kubenb.store.errors import StatusError

pytestmark = needs_kubectl

GENERATORS = [
    ("Deployment", "nginx", "create deployment nginx --image=nginx:alpine"),
    ("Deployment", "none", "create deployment none --image=nginx:alpine --replicas=0 --port=80"),
    ("ConfigMap", "cm", "create cm cm --from-literal=a=b --from-literal=c=d"),
    ("Secret", "s", "create secret generic s --from-literal=user=admin"),
    ("Service", "web", "create service clusterip web --tcp=80:8080"),
    ("Service", "np", "create service nodeport np --tcp=8080:80 --node-port=30080"),
    ("Job", "j", "create job j --image=busybox -- echo hi"),
    ("CronJob", "cj", "create cronjob cj --image=busybox --schedule='*/5 * * * *' -- date"),
    ("Namespace", "demo", "create ns demo"),
]
# What differs between two clusters by construction: identities, times, allocated addresses.
VARYING = ("uid", "resourceVersion", "creationTimestamp", "managedFields", "clusterIP", "clusterIPs",
           "batch.kubernetes.io/controller-uid", "controller-uid")


def _comparable(data):
    if isinstance(data, dict):
        return {k: _comparable(v) for k, v in data.items() if k not in VARYING}
    if isinstance(data, list):
        return [_comparable(v) for v in data]
    return data


@pytest.fixture(scope="module")
def twin() -> Cluster:
    """A second cluster, like the served one, where our own kubectl runs the same commands."""
    return Cluster(at_present(get_profile("kubeadm")), pace=0)


@pytest.mark.parametrize(("kind", "name", "command"), GENERATORS, ids=[g[2].split(" --")[0] for g in GENERATORS])
def test_typed_generators_make_the_objects_our_kubectl_makes(cluster, kubectl, twin, kind, name, command):
    result = kubectl(command)
    assert result.stdout == twin.kubectl(command).stdout
    namespace = "" if kind == "Namespace" else "default"
    served = cluster.store.get(kind, namespace, name).to_dict()
    ours = twin.store.get(kind, namespace, name).to_dict()
    served.pop("status", None), ours.pop("status", None)  # the controllers' doing, not the request's
    assert _comparable(served) == _comparable(ours)


def test_auth_can_i_and_scale(kubectl):
    assert kubectl("auth can-i list secrets -n kube-system").stdout == "yes\n"
    kubectl("create deployment scaled --image=nginx:alpine")
    assert kubectl("scale deploy scaled --replicas=0").stdout == "deployment.apps/scaled scaled\n"
    assert kubectl("get deploy scaled -o jsonpath={.spec.replicas}").stdout == "0"


def _bytes_field(number: int, payload: bytes) -> bytes:
    return bytes([number << 3 | 2, len(payload)]) + payload


def test_decoding_a_hand_made_envelope():
    """A ConfigMap with a label, written field by field: every part of the envelope is read."""
    label = _bytes_field(1, b"app") + _bytes_field(2, b"web")
    meta = _bytes_field(1, b"cm") + _bytes_field(11, label) + _bytes_field(3, b"")  # an empty namespace: dropped
    raw = _bytes_field(1, meta) + _bytes_field(2, _bytes_field(1, b"k") + _bytes_field(2, b"v"))
    body = protobuf.MAGIC + _bytes_field(1, _bytes_field(1, b"v1") + _bytes_field(2, b"ConfigMap")) + \
        _bytes_field(2, raw)
    assert protobuf.decode(body) == {"apiVersion": "v1", "kind": "ConfigMap",
                                     "metadata": {"name": "cm", "labels": {"app": "web"}}, "data": {"k": "v"}}


def test_special_json_forms():
    time = protobuf.SPECIAL[protobuf.META + "Time"]
    assert time({1: 1_700_000_000}) == "2023-11-14T22:13:20Z"
    assert time({}) is None
    assert protobuf.SPECIAL[protobuf.META + "Duration"]({1: 3_600_000_000_000}) == "1h0m0s"
    assert protobuf.SPECIAL[protobuf.META + "Duration"]({1: 1_500_000_000}) == "1.5s"
    int_or_string = protobuf.SPECIAL["apimachinery.pkg.util.intstr.IntOrString"]
    assert (int_or_string({2: 8080}), int_or_string({1: 1, 3: b"http"})) == (8080, "http")
    assert protobuf._scalar(5, 0, (1 << 64) - 1) == -1  # a negative int32 is ten bytes of two's complement
    assert protobuf._scalar(1, 1, struct.pack("<d", 0.5)) == 0.5


@pytest.mark.parametrize(("body", "message"), [
    (b'{"kind": "ConfigMap"}', "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"),
    (protobuf.MAGIC + b"\x0a\x05", "proto: illegal wireType or truncated data: truncated length-delimited field"),
    (protobuf.MAGIC + _bytes_field(1, _bytes_field(1, b"v1") + _bytes_field(2, b"Nope")),
     'no kind "Nope" is registered for version "v1" in scheme "pkg/runtime/scheme.go:100"'),
])
def test_bad_bodies_are_bad_requests(body, message):
    with pytest.raises(StatusError) as err:
        protobuf.decode(body)
    assert (err.value.code, err.value.to_status()["message"]) == (400, message)
