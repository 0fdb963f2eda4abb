"""The smaller describers, checked against the layouts in kubernetes/kubectl
``pkg/describe/describe.go`` (commit 365ecee2). No recovered real outputs exist for these kinds,
so the expectations follow the upstream format strings and the tabwriter rules."""

from __future__ import annotations

import base64

from describe_helpers import FakeLookup, at, model

from kubenb.kubectl.describe import describe

NOW = at("2023-06-30T12:00:00Z")


def test_config_map():
    cm = model("ConfigMap", {"metadata": {"name": "nginx-conf", "namespace": "default", "uid": "u"},
                             "data": {"default.conf": "server {\n  listen 80;\n}\n"},
                             "binaryData": {"blob": base64.b64encode(b"abc").decode()}})
    assert describe(FakeLookup([cm], NOW, 23), cm) == (
        "Name:         nginx-conf\n"
        "Namespace:    default\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "\n"
        "Data\n"
        "====\n"
        "default.conf:\n"
        "----\n"
        "server {\n"
        "  listen 80;\n"
        "}\n"
        "\n"
        "\n"
        "\n"
        "BinaryData\n"
        "====\n"
        "blob: 3 bytes\n"
        "\n"
        "Events:  <none>\n")


def test_secret_and_namespace():
    secret = model("Secret", {"metadata": {"name": "s", "namespace": "default"}, "type": "Opaque",
                              "data": {"password": base64.b64encode(b"hunter2").decode()}})
    assert describe(FakeLookup([secret], NOW, 23), secret) == (
        "Name:         s\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\n"
        "Type:  Opaque\n\nData\n====\npassword:  7 bytes\n")
    ns = model("Namespace", {"metadata": {"name": "default", "labels": {"kubernetes.io/metadata.name": "default"}},
                             "status": {"phase": "Active"}})
    assert describe(FakeLookup([ns], NOW, 23), ns) == (
        "Name:         default\n"
        "Labels:       kubernetes.io/metadata.name=default\n"
        "Annotations:  <none>\n"
        "Status:       Active\n"
        "\n"
        "No resource quota.\n"
        "\n"
        "No LimitRange resource.\n")


def test_persistent_volume_and_claim():
    pv = model("PersistentVolume", {
        "metadata": {"name": "host-10m-pv", "uid": "pv1", "finalizers": ["kubernetes.io/pv-protection"]},
        "spec": {"capacity": {"storage": "10Mi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "host-test",
                 "hostPath": {"path": "/tmp/host-10m-pv/"}, "persistentVolumeReclaimPolicy": "Retain",
                 "volumeMode": "Filesystem",
                 "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "default", "name": "host-5m-pvc"}},
        "status": {"phase": "Bound"}})
    text = describe(FakeLookup([pv], NOW, 23), pv)
    assert text == (
        "Name:            host-10m-pv\n"
        "Labels:          <none>\n"
        "Annotations:     <none>\n"
        "Finalizers:      [kubernetes.io/pv-protection]\n"
        "StorageClass:    host-test\n"
        "Status:          Bound\n"
        "Claim:           default/host-5m-pvc\n"
        "Reclaim Policy:  Retain\n"
        "Access Modes:    RWO\n"
        "VolumeMode:      Filesystem\n"
        "Capacity:        10Mi\n"
        "Node Affinity:   <none>\n"
        "Message:         \n"
        "Source:\n"
        "    Type:          HostPath (bare host directory volume)\n"
        "    Path:          /tmp/host-10m-pv/\n"
        "    HostPathType:  <none>\n"
        "Events:            <none>\n")
    pvc = model("PersistentVolumeClaim", {
        "metadata": {"name": "host-5m-pvc", "namespace": "default", "uid": "pvc1",
                     "finalizers": ["kubernetes.io/pvc-protection"]},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Mi"}},
                 "storageClassName": "host-test", "volumeName": "host-10m-pv", "volumeMode": "Filesystem"},
        "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Mi"}}})
    user = model("Pod", {"metadata": {"name": "host-pvc-pod", "namespace": "default"},
                         "spec": {"containers": [{"name": "c"}],
                                  "volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "host-5m-pvc"}}]}})
    assert describe(FakeLookup([pvc, user], NOW, 23), pvc) == (
        "Name:          host-5m-pvc\n"
        "Namespace:     default\n"
        "StorageClass:  host-test\n"
        "Status:        Bound\n"
        "Volume:        host-10m-pv\n"
        "Labels:        <none>\n"
        "Annotations:   <none>\n"
        "Finalizers:    [kubernetes.io/pvc-protection]\n"
        "Capacity:      10Mi\n"
        "Access Modes:  RWO\n"
        "VolumeMode:    Filesystem\n"
        "Used By:       host-pvc-pod\n"
        "Events:        <none>\n")


def test_stateful_set_and_daemon_set_smoke():
    template = {"metadata": {"labels": {"app": "redis-sts"}},
                "spec": {"containers": [{"name": "redis", "image": "redis:5-alpine",
                                         "ports": [{"containerPort": 6379, "protocol": "TCP"}]}]}}
    sts = model("StatefulSet", {
        "metadata": {"name": "redis-sts", "namespace": "default", "uid": "sts",
                     "creationTimestamp": "2023-06-27T15:00:00Z"},
        "spec": {"replicas": 2, "serviceName": "redis-svc", "selector": {"matchLabels": {"app": "redis-sts"}},
                 "template": template, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                 "volumeClaimTemplates": [{"metadata": {"name": "data"},
                                           "spec": {"accessModes": ["ReadWriteMany"], "storageClassName": "nfs-client",
                                                    "resources": {"requests": {"storage": "100Mi"}}}}]},
        "status": {"replicas": 2}}, "apps")
    text = describe(FakeLookup([sts], NOW, 23), sts)
    assert text.startswith("Name:               redis-sts\nNamespace:          default\n"
                           "CreationTimestamp:  Tue, 27 Jun 2023 15:00:00 +0000\nSelector:           app=redis-sts\n")
    assert "Replicas:           2 desired | 2 total\nUpdate Strategy:    RollingUpdate\n  Partition:        0\n" in text
    assert ("Volume Claims:\n  Name:          data\n  StorageClass:  nfs-client\n  Labels:        <none>\n"
            "  Annotations:   <none>\n  Capacity:      100Mi\n  Access Modes:  [ReadWriteMany]\n") in text
    ds = model("DaemonSet", {
        "metadata": {"name": "redis-ds", "namespace": "default", "uid": "ds", "labels": {"app": "redis-ds"}},
        "spec": {"selector": {"matchLabels": {"name": "redis-ds"}}, "template": template},
        "status": {"desiredNumberScheduled": 1, "currentNumberScheduled": 1, "numberReady": 1,
                   "updatedNumberScheduled": 1, "numberAvailable": 1, "numberMisscheduled": 0}}, "apps")
    text = describe(FakeLookup([ds], NOW, 23), ds)
    assert text.startswith("Name:           redis-ds\nSelector:       name=redis-ds\n"
                           "Node-Selector:  <none>\nLabels:         app=redis-ds\nAnnotations:    <none>\n"
                           "Desired Number of Nodes Scheduled: 1\n")
    assert describe(FakeLookup([ds], NOW, 33), ds).startswith("Name:           redis-ds\nNamespace:      default\n")


def test_ingress_class():
    ic = model("IngressClass", {"metadata": {"name": "nginx-inc"},
                                "spec": {"controller": "nginx.org/ingress-controller"}}, "networking.k8s.io")
    assert describe(FakeLookup([ic], NOW, 23), ic) == (
        "Name:         nginx-inc\nLabels:       <none>\nAnnotations:  <none>\n"
        "Controller:   nginx.org/ingress-controller\nEvents:       <none>\n")
