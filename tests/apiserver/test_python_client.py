"""The official `kubernetes` Python client lists, creates, patches, watches and deletes through the façade."""

from __future__ import annotations

import pytest

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client, config, watch  # noqa: E402
from kubernetes.client.rest import ApiException  # noqa: E402

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "py", "labels": {"app": "py"}},
       "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "pyd"},
              "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "pyd"}},
                       "template": {"metadata": {"labels": {"app": "pyd"}},
                                    "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}}


@pytest.fixture(scope="module")
def api(server):
    return config.new_client_from_config(config_file=server.kubeconfig)


def test_version_and_lists(api, cluster):
    assert client.VersionApi(api).get_code().git_version == "v1.32.4"
    pods = client.CoreV1Api(api).list_pod_for_all_namespaces()
    assert sorted(p.metadata.name for p in pods.items) == sorted(p.metadata.name for p in cluster.store.list("Pod"))
    assert all(cs.image_id for p in pods.items for cs in p.status.container_statuses or ())


def test_pod_lifecycle_with_watch(api, cluster):
    core = client.CoreV1Api(api)
    created = core.create_namespaced_pod("default", POD)
    assert created.metadata.uid and created.spec.containers[0].image == "nginx:1.27"
    cluster.advance(10)
    patched = core.patch_namespaced_pod("py", "default", {"metadata": {"labels": {"tier": "x"}}})
    assert patched.metadata.labels == {"app": "py", "tier": "x"}
    w = watch.Watch()
    events = []
    for ev in w.stream(core.list_namespaced_pod, "default", label_selector="app=py", timeout_seconds=2):
        events.append((ev["type"], ev["object"].metadata.name))
        if len(events) == 1:
            core.delete_namespaced_pod("py", "default", grace_period_seconds=0)
        if ev["type"] == "DELETED":
            w.stop()
    assert events[0] == ("ADDED", "py") and events[-1] == ("DELETED", "py")
    with pytest.raises(ApiException) as err:
        core.read_namespaced_pod("py", "default")
    assert err.value.status == 404


def test_deployment_create_scale_patch_delete(api, cluster):
    apps = client.AppsV1Api(api)
    apps.create_namespaced_deployment("default", DEPLOYMENT)
    cluster.advance(30)
    assert apps.read_namespaced_deployment_status("pyd", "default").status.ready_replicas == 1
    apps.patch_namespaced_deployment_scale("pyd", "default", {"spec": {"replicas": 3}})
    cluster.advance(30)
    assert apps.read_namespaced_deployment("pyd", "default").status.available_replicas == 3
    apps.patch_namespaced_deployment("pyd", "default", {"spec": {"template": {"spec": {"containers": [
        {"name": "c", "image": "nginx:1.28"}]}}}})
    assert [d.metadata.name for d in apps.list_namespaced_deployment("default", label_selector="").items
            if d.metadata.name == "pyd"] == ["pyd"]
    apps.delete_namespaced_deployment("pyd", "default")
    assert cluster.store.try_get("Deployment", "default", "pyd") is None
