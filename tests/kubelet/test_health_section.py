"""The course's "Kubernetes - Health" section, end to end on the course cluster (v1.23, docker).

Each test replays one of the section's four demonstrations with its manifests and compares what
kubectl prints with the recovered output (seed notes §10.3). Values a second run of the real
cluster would also change -- container IDs, pod IPs, dates, the token volume's suffix, event
ages -- are replaced by placeholders before comparing; everything else must be equal.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from course_manifests import NGINX_POD_PROBE, NGINX_POD_RESOURCES, NGINX_POD_RESOURCES_TOO_BIG, NGINX_PROBE_CM

from kubenb import Cluster

IMAGE_ID = "docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6"

# The recovered describe outputs (§10.3), down to the Events table (compared row by row below).
RESOURCES_RUNNING = """\
Name:         nginx-pod-resources
Namespace:    default
Priority:     0
Node:         mac-worker/192.168.191.146
Start Time:   <TIME>
Labels:       <none>
Annotations:  <none>
Status:       Running
IP:           <IP>
IPs:
  IP:  <IP>
Containers:
  nginx:
    Container ID:   docker://<ID>
    Image:          nginx:alpine
    Image ID:       docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6
    Port:           <none>
    Host Port:      <none>
    State:          Running
      Started:      <TIME>
    Ready:          True
    Restart Count:  0
    Limits:
      cpu:     20m
      memory:  200Mi
    Requests:
      cpu:        10m
      memory:     100Mi
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-<X> (ro)
Conditions:
  Type              Status
  Initialized       True
  Ready             True
  ContainersReady   True
  PodScheduled      True
Volumes:
  kube-api-access-<X>:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
"""

PENDING = """\
Name:         nginx-pod-resources
Namespace:    default
Priority:     0
Node:         <none>
Labels:       <none>
Annotations:  <none>
Status:       Pending
IP:
IPs:          <none>
Containers:
  nginx:
    Image:      nginx:alpine
    Port:       <none>
    Host Port:  <none>
    Limits:
      cpu:     20
      memory:  200Mi
    Requests:
      cpu:        10
      memory:     100Mi
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-<X> (ro)
Conditions:
  Type           Status
  PodScheduled   False
Volumes:
  kube-api-access-<X>:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
"""

PROBE_HEAD = """\
Name:         nginx-pod-probe
Namespace:    default
Priority:     0
Node:         mac-worker/192.168.191.146
Start Time:   <TIME>
Labels:       <none>
Annotations:  <none>
Status:       Running
IP:           <IP>
IPs:
  IP:  <IP>
Containers:
  nginx:
    Container ID:   docker://<ID>
    Image:          nginx:alpine
    Image ID:       docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6
    Port:           80/TCP
    Host Port:      0/TCP
"""

PROBE_OK_STATE = """\
    State:          Running
      Started:      <TIME>
    Ready:          True
    Restart Count:  0
"""

PROBE_CRASH_STATE = """\
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Completed
      Exit Code:    0
      Started:      <TIME>
      Finished:     <TIME>
    Ready:          False
    Restart Count:  5
"""

PROBE_TAIL = """\
    Liveness:       tcp-socket :80 delay=0s timeout=1s period=10s #success=1 #failure=3
    Readiness:      http-get http://:80/ready delay=0s timeout=1s period=5s #success=1 #failure=3
    Startup:        exec [cat {pid_file}] delay=0s timeout=1s period=1s #success=1 #failure=3
    Environment:    <none>
    Mounts:
      /etc/nginx/conf.d from nginx-conf-vol (rw)
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-<X> (ro)
Conditions:
  Type              Status
  Initialized       True
  Ready             {ready}
  ContainersReady   {ready}
  PodScheduled      True
Volumes:
  nginx-conf-vol:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      nginx-conf
    Optional:  false
  kube-api-access-<X>:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
"""

PULLED = 'Container image "nginx:alpine" already present on machine'


def normalize(text: str) -> str:
    """The describe text without what differs from one real run to the next (and no trailing blanks)."""
    text = re.sub(r"docker://[0-9a-f]{64}", "docker://<ID>", text)
    text = re.sub(r"kube-api-access-[a-z0-9]{5}", "kube-api-access-<X>", text)
    text = re.sub(r"\b10\.10\.\d+\.\d+\b", "<IP>", text)
    text = re.sub(r"(Start Time|Started|Finished):( +)\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000",
                  lambda m: f"{m.group(1)}:{m.group(2)}<TIME>", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def split_events(text: str) -> tuple[str, list[tuple[str, str, int, str, str]]]:
    """(the describe text before ``Events:``, its events as (type, reason, count, from, message))."""
    head, _, events = text.partition("Events:\n")
    rows = []
    for line in events.splitlines()[2:]:
        m = re.match(r"\s+(\w+)\s+(\w+)\s+(\S+)(?: \(x(\d+) over \S+\))?\s+(kubelet|default-scheduler)\s+(.*)$", line)
        assert m is not None, line
        rows.append((m.group(1), m.group(2), int(m.group(4) or 1), m.group(5), m.group(6)))
    return head, rows


@pytest.fixture
def course() -> Cluster:
    return Cluster("course")


def kubectl(c: Cluster, cmd: str, stdin: str | None = None) -> str:
    r = c.kubectl(cmd, stdin)
    assert r.returncode == 0, r.stderr
    return r.stdout


def at_age(c: Cluster, created: float, age: float) -> None:
    """Let time pass so that the next command (after its pace) runs when the pod is `age` seconds old."""
    c.advance(created + age - c.pace - c.clock.now)


# ---------------------------------------------------------------------------- (1) requests fit


def test_requests_that_fit_run_on_the_worker(course):
    assert kubectl(course, "apply -f -", NGINX_POD_RESOURCES) == \
        "pod/nginx-pod-resources created\n"
    created = course.clock.now
    at_age(course, created, 26)
    head, events = split_events(kubectl(course, "describe po nginx-pod-resources"))
    assert normalize(head) == RESOURCES_RUNNING
    assert events == [
        ("Normal", "Scheduled", 1, "default-scheduler",
         "Successfully assigned default/nginx-pod-resources to mac-worker"),
        ("Normal", "Pulled", 1, "kubelet", PULLED),
        ("Normal", "Created", 1, "kubelet", "Created container nginx"),
        ("Normal", "Started", 1, "kubelet", "Started container nginx"),
    ]


# ---------------------------------------------------------------------------- (2) requests too large


def test_requests_no_node_can_meet_leave_the_pod_pending(course):
    kubectl(course, "apply -f -", NGINX_POD_RESOURCES_TOO_BIG)
    created = course.clock.now
    at_age(course, created, 17)
    assert kubectl(course, "get po -owide") == (
        "NAME                  READY   STATUS    RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES\n"
        "nginx-pod-resources   0/1     Pending   0          17s   <none>   <none>   <none>           <none>\n")
    at_age(course, created, 50)
    head, events = split_events(kubectl(course, "describe po nginx-pod-resources"))
    assert normalize(head) == PENDING
    assert [(t, r, f) for t, r, _, f, _ in events] == [("Warning", "FailedScheduling", "default-scheduler")]
    assert course.kubelet.worker(course.get("Pod", "nginx-pod-resources")) is None  # no kubelet ever saw it


def test_the_pending_pods_failed_scheduling_message(course):
    kubectl(course, "apply -f -", NGINX_POD_RESOURCES_TOO_BIG)
    course.sleep(30)
    (event,) = course.store.list("Event", "default")
    assert event.message == ("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had taint "
                             "{node-role.kubernetes.io/master: }, that the pod didn't tolerate.")


# ---------------------------------------------------------------------------- (3) probes pass


def test_the_probe_pod_becomes_ready_after_its_readiness_probe(course):
    out = kubectl(course, "apply -f -", NGINX_PROBE_CM + "---\n" + NGINX_POD_PROBE.format(pid_file="/var/run/nginx.pid", liveness_port=80))
    assert out == "configmap/nginx-conf created\npod/nginx-pod-probe created\n"
    created = course.clock.now
    seen = []  # (time, started, ready) as the API shows them, every 100 ms
    while course.clock.now < created + 8:
        course.advance(0.1)
        pod = course.get("Pod", "nginx-pod-probe")
        cs = (pod.status.container_statuses or [None])[0]
        ready = next((c.status for c in pod.status.conditions or () if c.type == "Ready"), None)
        seen.append((course.clock.now, cs is not None and cs.state.running is not None, bool(cs and cs.started),
                     ready == "True"))
    running_at = next(t for t, running, _, _ in seen if running)
    started_at = next(t for t, _, started, _ in seen if started)
    ready_at = next(t for t, *_, ready in seen if ready)
    assert running_at < started_at <= ready_at  # the startup probe first, then readiness
    assert all(not ready for t, *_, ready in seen if t < started_at)
    # the first GET /ready the kubelet sent is in nginx's access log, before the pod turned Ready
    log = course.kubelet.log_source(course.get("Pod", "nginx-pod-probe"), "nginx").log
    first_get = next(ln.time for ln in log.lines if '"GET /ready HTTP/1.1" 200' in ln.text)
    assert started_at - 1 <= first_get <= ready_at

    at_age(course, created, 21)
    lines = kubectl(course, "get po -owide").splitlines()
    assert re.fullmatch(r"nginx-pod-probe   1/1     Running   0          21s   10\.10\.1\.\d+   mac-worker   "
                        r"<none>           <none>", lines[1])
    # `k logs --tail=10`: the readiness probe every 5 s, from the node's cni0 address, as kube-probe/1.23
    at_age(course, created, 75)
    logs = kubectl(course, "logs --tail=10 nginx-pod-probe").splitlines()
    assert len(logs) == 10
    stamps = []
    for line in logs:
        m = re.fullmatch(r'10\.10\.1\.1 - - \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d) \+0000\] "GET /ready HTTP/1\.1" 200 10 '
                         r'"-" "kube-probe/1\.23" "-"', line)
        assert m is not None, line
        stamps.append(m.group(1))
    seconds = [int(s[-2:]) + 60 * int(s[-5:-3]) for s in stamps]
    assert [b - a for a, b in zip(seconds, seconds[1:], strict=False)] == [5] * 9

    at_age(course, created, 4 * 60 + 35)
    head, events = split_events(kubectl(course, "describe po nginx-pod-probe"))
    state = PROBE_OK_STATE
    tail = PROBE_TAIL.format(pid_file="/var/run/nginx.pid", ready="True")
    assert normalize(head) == PROBE_HEAD + state + tail
    assert events == [
        ("Normal", "Scheduled", 1, "default-scheduler", "Successfully assigned default/nginx-pod-probe to mac-worker"),
        ("Normal", "Pulled", 1, "kubelet", PULLED),
        ("Normal", "Created", 1, "kubelet", "Created container nginx"),
        ("Normal", "Started", 1, "kubelet", "Started container nginx"),
    ]


# ---------------------------------------------------------------------------- (4) a wrong startup probe


def test_a_failing_startup_probe_restarts_the_container_into_crash_loop_back_off(course):
    kubectl(course, "apply -f -", NGINX_PROBE_CM + "---\n" + NGINX_POD_PROBE.format(pid_file="/var/run/nginx.pidx", liveness_port=80))
    created = course.clock.now
    rows = []
    for age in range(2, 29, 2):  # every command lets the pace (2 s) pass first
        at_age(course, created, age)
        rows.append(kubectl(course, "get po -owide").splitlines()[1])
    # the RESTARTS column counts kills on the startup probe's schedule: three failed tries a second apart
    restarts = [int(re.search(r"(Running|CrashLoopBackOff) +(\d+)", r).group(2)) for r in rows]  # type: ignore[union-attr]
    assert restarts[0] == 0 and restarts[2] in (1, 2) and restarts[5] == 2 and restarts[-1] == 2
    assert restarts == sorted(restarts)
    m = re.fullmatch(r"nginx-pod-probe   0/1     CrashLoopBackOff   2 \((\d+)s ago\)   28s   10\.10\.1\.\d+   "
                     r"mac-worker   <none>           <none>", rows[-1])
    assert m is not None, rows[-1]
    assert 14 <= int(m.group(1)) <= 19  # the course printed `2 (16s ago)`

    at_age(course, created, 99)
    text = kubectl(course, "describe po nginx-pod-probe")
    head, events = split_events(text)
    tail = PROBE_TAIL.format(pid_file="/var/run/nginx.pidx", ready="False")
    assert normalize(head) == PROBE_HEAD + PROBE_CRASH_STATE + tail
    messages = {reason: message for _, reason, _, _, message in events}
    assert messages == {
        "Scheduled": "Successfully assigned default/nginx-pod-probe to mac-worker", "Pulled": PULLED,
        "Created": "Created container nginx", "Started": "Started container nginx",
        "Unhealthy": "Startup probe failed: cat: can't open '/var/run/nginx.pidx': No such file or directory",
        "Killing": "Container nginx failed startup probe, will be restarted",
        "BackOff": "Back-off restarting failed container",
    }
    # the course's rows, in its order and with its counts: four BackOffs (the kill's sync, the
    # probe update that waited for the next relist, the PLEG's ContainerDied a relist later, the
    # liveness worker finding the container gone) come before the restart, so the 25th and last
    # event the spam filter lets through is a BackOff and the fourth Pulled is dropped
    assert [(reason, count) for _, reason, count, _, _ in events] == [
        ("Scheduled", 1), ("Pulled", 3), ("Created", 3), ("Started", 3), ("Unhealthy", 9), ("Killing", 3),
        ("BackOff", 4)]
    assert sum(c for _, _, c, source, _ in events if source == "kubelet") == 25


def test_the_crash_loop_events_as_the_course_typed_its_commands(course):
    """The course's own timing: `get po -owide` at 28 s (the pod still backing off after two
    restarts, `2 (16s ago)`), `describe` at 99 s: the same rows and counts as the course."""
    kubectl(course, "apply -f -", NGINX_PROBE_CM + "---\n" + NGINX_POD_PROBE.format(pid_file="/var/run/nginx.pidx", liveness_port=80))
    created = course.clock.now
    at_age(course, created, 28)
    row = kubectl(course, "get po -owide").splitlines()[1]
    assert re.match(r"nginx-pod-probe   0/1     CrashLoopBackOff   2 \(1[4-8]s ago\)   28s ", row), row
    at_age(course, created, 99)
    text = kubectl(course, "describe po nginx-pod-probe")
    _, events = split_events(text)
    assert [(reason, count) for _, reason, count, _, _ in events] == [
        ("Scheduled", 1), ("Pulled", 3), ("Created", 3), ("Started", 3), ("Unhealthy", 9), ("Killing", 3),
        ("BackOff", 4)]
    # the sixth container ran from 89 s (the course: started 89 s after the pod, finished 4 s later)
    started = re.search(r"Last State:.*?Started: +(.+?)\n", text, re.S).group(1)  # type: ignore[union-attr]
    start_time = re.search(r"Start Time: +(.+?)\n", text).group(1)  # type: ignore[union-attr]
    fmt = "%a, %d %b %Y %H:%M:%S +0000"
    assert 85 <= (datetime.strptime(started, fmt) - datetime.strptime(start_time, fmt)).total_seconds() <= 92
