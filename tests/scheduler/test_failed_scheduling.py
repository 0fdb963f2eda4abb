"""kube-scheduler's FailedScheduling: upstream's texts per version, one event per scheduling
attempt, and the retry timing of the scheduling queue (back-off 1 s doubling to 10 s on cluster
changes; the leftover flush after 60 s on v1.23 and 5 min on v1.32, run every 30 s)."""

from __future__ import annotations

import pytest

from kubenb import Cluster


def pod(name: str = "big", cpu: str = "10", memory: str = "100Mi", extra: str = "") -> str:
    return f"""\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
{extra}  containers:
  - name: c
    image: nginx:alpine
    resources:
      requests: {{cpu: "{cpu}", memory: {memory}}}
"""


class Attempts:
    """The simulated instants at which the scheduler failed to place a pod (each is one
    FailedScheduling; not every one is written, see the events.k8s.io series), relative to a start."""

    def __init__(self, c: Cluster, name: str) -> None:
        self.times: list[float] = []
        self.start = c.clock.now
        self.name = name
        self.clock = c.clock
        fail = c.scheduler._fail

        def spy(pod, message: str) -> None:
            if pod.metadata.name == self.name:
                self.times.append(round(self.clock.now - self.start, 3))
            fail(pod, message)

        c.scheduler._fail = spy


def failed_scheduling(c: Cluster, name: str = "big"):
    return [e for e in c.store.list("Event", "default")
            if e.reason == "FailedScheduling" and e.involved_object.name == name]


@pytest.mark.parametrize(("profile", "cpu", "memory", "message"), [
    pytest.param("course", "10", "100Mi",
                 "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had taint "
                 "{node-role.kubernetes.io/master: }, that the pod didn't tolerate.", id="v1.23-course-notes"),
    pytest.param("course", "10", "100Gi",
                 "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) had taint "
                 "{node-role.kubernetes.io/master: }, that the pod didn't tolerate.", id="v1.23-two-resources"),
    pytest.param("kubeadm", "10", "100Mi",
                 "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
                 "2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
                 "2 No preemption victims found for incoming pod.", id="v1.32-with-preemption"),
    pytest.param("kubeadm", "100m", "1000Gi",
                 "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
                 "2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for "
                 "scheduling, 2 No preemption victims found for incoming pod.", id="v1.32-memory"),
])
def test_the_failed_scheduling_message(profile, cpu, memory, message):
    c = Cluster(profile)
    c.apply(pod(cpu=cpu, memory=memory))
    c.sleep(30)
    (event,) = failed_scheduling(c)
    assert (event.type, event.reporting_component, event.message, event.series, event.action) == \
        ("Warning", "default-scheduler", message, None, "Scheduling")
    (cond,) = c.get("Pod", "big").status.conditions
    assert (cond.type, cond.status, cond.reason, cond.message) == ("PodScheduled", "False", "Unschedulable", message)


def test_a_cordoned_node_and_a_node_selector_are_reasons_of_their_own(course):
    course.kubectl("cordon mac-worker")
    course.apply(pod(cpu="100m", extra="  nodeSelector: {disk: ssd}\n"))
    (event,) = failed_scheduling(course)
    # the first failing filter speaks for a node: NodeUnschedulable runs before NodeAffinity
    assert event.message == ("0/2 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, "
                             "that the pod didn't tolerate, 1 node(s) were unschedulable.")


@pytest.mark.parametrize(("profile", "attempts"), [("course", [2.0, 90.0, 180.0]),
                                                   ("kubeadm", [2.0, 330.0, 660.0])])
def test_a_pod_nothing_helps_is_retried_by_the_leftover_flush(profile, attempts):
    """Created 2 s after a 30 s tick of the flush loop: v1.23 retries at the first tick more than
    60 s after the failure, v1.32 at the first tick more than 5 min after it."""
    c = Cluster(profile)
    seen = Attempts(c, "big")
    c.apply(pod())
    c.sleep(attempts[-1] + 60)
    assert seen.times == attempts
    # the first failure changed the pod's status, so its resourceVersion: the later attempts
    # regard a different object version and make a second Event, whose first repeat writes a series
    first, second = sorted(failed_scheduling(c), key=lambda e: e.event_time)
    assert first.series is None and first.involved_object.resource_version != second.involved_object.resource_version
    assert second.series.count == 2


def test_cluster_changes_retry_after_a_back_off_that_doubles_to_ten_seconds():
    c = Cluster("course", pace=0)
    seen = Attempts(c, "big")
    c.apply(pod(cpu="100m", extra="  nodeSelector: {disk: ssd}\n"))
    for step in range(1, 7):  # half a second after each attempt, label the worker -- never as the pod wants
        c.advance(0.5)
        assert c.kubectl(f"label node mac-worker step={step} --overwrite").returncode == 0
        before = len(seen.times)
        while len(seen.times) == before and c.clock.now - seen.start < 60:
            c.advance(0.5)
    # back-off after attempt n: 1, 2, 4, 8, 10, 10 s from the attempt before
    assert seen.times == [0.0, 1.0, 3.0, 7.0, 15.0, 25.0, 35.0]


def test_a_node_heartbeat_does_not_retry_a_pending_pod(course):
    seen = Attempts(course, "big")
    course.apply(pod())
    course.sleep(80)
    assert len(seen.times) == 1 and failed_scheduling(course)[0].series is None


def test_a_deleted_pod_frees_room_for_a_pending_one():
    c = Cluster("course", pace=0)
    c.apply(pod(name="first", cpu="1500m"))
    c.sleep(5)
    assert c.get("Pod", "first").spec.node_name == "mac-worker"
    c.apply(pod(name="second", cpu="1500m"))
    c.sleep(5)
    assert not c.get("Pod", "second").spec.node_name
    assert failed_scheduling(c, "second")[0].message.startswith("0/2 nodes are available: 1 Insufficient cpu, ")
    c.kubectl("delete pod first --wait=false")
    c.sleep(40)
    assert c.get("Pod", "second").spec.node_name == "mac-worker"
    assert [e.reason for e in c.store.list("Event", "default") if e.involved_object.name == "second"][:2] == \
        ["FailedScheduling", "Scheduled"]


def test_the_decision_keeps_every_nodes_reasons(course):
    course.apply(pod())
    decision = course.scheduler.decisions[("default", "big")]
    assert decision.node is None
    assert decision.rejections == {
        "mac-master": ("node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate",),
        "mac-worker": ("Insufficient cpu",),
    }


DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:alpine"}]
"""


def test_drained_pods_wait_for_the_uncordon_not_for_the_flush():
    c = Cluster("course", pace=0)
    c.apply(DEPLOY)
    c.sleep(20)
    assert c.kubectl("drain mac-worker --ignore-daemonsets").returncode == 0
    c.sleep(5)
    nodes = c.kubectl("get nodes").stdout.splitlines()
    assert nodes[2].split()[:2] == ["mac-worker", "Ready,SchedulingDisabled"]
    pending = [p for p in c.store.list("Pod", "default") if p.metadata.deletion_timestamp is None]
    assert len(pending) == 2 and not any(p.spec.node_name for p in pending)
    messages = {e.message for e in c.store.list("Event", "default") if e.reason == "FailedScheduling"}
    assert messages == {"0/2 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod "
                        "didn't tolerate, 1 node(s) were unschedulable."}
    c.kubectl("uncordon mac-worker")
    c.sleep(1)  # the node update moves them at once: their one-second back-off is long over
    assert all(p.spec.node_name == "mac-worker" for p in c.store.list("Pod", "default")
               if p.metadata.deletion_timestamp is None)
