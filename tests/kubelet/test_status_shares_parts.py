"""A running pod's status writes reuse what did not change, and its workers share what is equal.

The kubelet writes a pod's status whenever something it shows changes. A container whose state
did not change must appear in the new status as the stored ContainerStatus itself (so the store's
sharing recognises it without hashing it again), and the conditions list likewise when no
condition moved. Pods of one namespace that set no variables of their own hold one environment
tuple, and their events one ``Created container`` text.
"""

from __future__ import annotations

from kubenb import Cluster
from kubenb.kubelet import status

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: nginx:alpine}]
"""


def running_workers(cluster: Cluster) -> list:
    cluster.apply(DEPLOYMENT)
    cluster.advance(60)
    pods = cluster.store.list("Pod", "default")
    assert [p.status.phase for p in pods] == ["Running", "Running"]
    return [cluster.kubelet.worker(p) for p in pods]


def test_an_unchanged_container_is_the_stored_status_itself():
    cluster = Cluster(profile="kubeadm", nodes=2, pace=0)
    worker = running_workers(cluster)[0]
    stored = cluster.store.get("Pod", "default", worker.name).status
    again = status.build(worker, stored)
    assert again == stored
    assert again.container_statuses is stored.container_statuses
    assert again.conditions is stored.conditions
    # a change the containers do not show: they stay the stored objects, the status is new
    worker.status_message = "a message"
    changed = status.build(worker, stored)
    assert changed.message == "a message" and changed != stored
    assert changed.container_statuses[0] is stored.container_statuses[0]
    # a change a container shows: that container's status is rebuilt
    worker.status_message = None
    worker.main_runs[0].ready = False
    unready = status.build(worker, stored)
    assert unready.container_statuses[0] is not stored.container_statuses[0]
    assert unready.container_statuses[0].ready is False and stored.container_statuses[0].ready is True


def test_pods_of_a_namespace_share_their_environment_and_event_texts():
    cluster = Cluster(profile="kubeadm", nodes=2, pace=0)
    a, b = running_workers(cluster)
    env_a, env_b = (w.main_runs[0].current.container.spec.env for w in (a, b))
    assert ("KUBERNETES_SERVICE_HOST", "10.96.0.1") in env_a
    assert env_a is env_b
    created = [e for e in cluster.store.list("Event", "default") if e.reason == "Created"]
    assert len(created) == 2 and created[0].message is created[1].message
