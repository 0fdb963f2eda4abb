"""Goldens from the "Kubernetes - Health" section (v1.23.3 cluster, kubectl 1.23): resource limits,
an unschedulable (Pending) pod, probes, and a pod crash-looping on a failing startup probe.

Expected texts: the course notes §10.3, verbatim.
"""

from __future__ import annotations

import yaml
from course_manifests import NGINX_POD_PROBE, NGINX_POD_RESOURCES, NGINX_POD_RESOURCES_TOO_BIG
from describe_helpers import (
    DEFAULT_TOLERATIONS,
    READY_CONDITIONS,
    FakeLookup,
    assert_same_text,
    at,
    event,
    kubelet_events,
    model,
    scheduled_event,
    token_volume,
    ts,
    undo_backdating,
)

from kubenb.kubectl.describe import describe

IMAGE_ID = "docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6"


def stored_spec(manifest: str, token: str) -> dict:
    """The course manifest's pod spec as the API server stores it: the defaults it adds (pull policy,
    probe timings, port protocol, configMap mode) and the service account token volume."""
    spec = yaml.safe_load(manifest)["spec"]
    (container,) = spec["containers"]
    container.update(imagePullPolicy="IfNotPresent", resources=container.get("resources", {}))
    for port in container.get("ports", ()):
        port["protocol"] = "TCP"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if probe in container:
            container[probe].update(timeoutSeconds=1, successThreshold=1, failureThreshold=3)
            if "httpGet" in container[probe]:
                container[probe]["httpGet"]["scheme"] = "HTTP"
    container["volumeMounts"] = [*container.get("volumeMounts", ()), {
        "name": token, "readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]
    for volume in spec.get("volumes", ()):
        if "configMap" in volume:
            volume["configMap"]["defaultMode"] = 420
    spec["volumes"] = [*spec.get("volumes", ()), token_volume(token)]
    spec.update(restartPolicy="Always", serviceAccountName="default", tolerations=DEFAULT_TOLERATIONS, priority=0)
    return spec


def resources_pod(scheduled: bool, start: str = "", token: str = ""):
    spec = stored_spec(NGINX_POD_RESOURCES if scheduled else NGINX_POD_RESOURCES_TOO_BIG, token)
    if not scheduled:
        status = {"phase": "Pending", "qosClass": "Burstable",
                  "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                  "message": "0/2 nodes are available"}]}
    else:
        spec["nodeName"] = "mac-worker"
        status = {"phase": "Running", "conditions": READY_CONDITIONS, "hostIP": "192.168.191.146",
                  "podIP": "10.10.1.106", "podIPs": [{"ip": "10.10.1.106"}], "startTime": start, "qosClass": "Burstable",
                  "containerStatuses": [{
                      "name": "nginx", "state": {"running": {"startedAt": ts(start, 2)}}, "ready": True,
                      "restartCount": 0, "image": "nginx:alpine", "imageID": IMAGE_ID, "started": True,
                      "containerID": "docker://6dbe4067dc64c5ae23cbf65878982eaed500d4baa55eebad3c6a3f0da81e0bed"}]}
    return model("Pod", {"metadata": {"name": "nginx-pod-resources", "namespace": "default", "uid": "uid-res",
                                      "creationTimestamp": start or "2023-06-28T14:40:00Z"},
                         "spec": spec, "status": status})


def test_describe_pod_with_limits_and_requests():
    start = "2023-06-28T14:19:14Z"
    pod = resources_pod(True, start, "kube-api-access-xh2rj")
    events = [scheduled_event(pod, ts(start, 0.3), "mac-worker"),
              *kubelet_events(pod, ts(start, 2), "nginx:alpine", "nginx")]
    lookup = FakeLookup([pod, *events], now=at(start) + 26.5, minor=23)
    assert_same_text(describe(lookup, pod), undo_backdating(RESOURCES_RUNNING_TEXT))


def test_describe_pending_pod_failed_scheduling():
    pod = resources_pod(False, token="kube-api-access-j8clh")
    now = at("2023-06-28T14:41:00Z")
    message = ("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had taint {node-role.kubernetes.io/master: }, "
               "that the pod didn't tolerate.")
    events = [event(pod, "Warning", "FailedScheduling", message, event_time=ts("2023-06-28T14:40:09.800000Z"),
                    reporting="default-scheduler")]
    lookup = FakeLookup([pod, *events], now=now, minor=23)
    text = describe(lookup, pod)
    assert_same_text(text, PENDING_TEXT)
    # kubectl pads the empty IP cell: the recovered copy lost these blanks
    assert "IP:           \n" in text


def probe_pod(start: str, token: str, pid_file: str, crashing: bool):
    spec = stored_spec(NGINX_POD_PROBE.format(pid_file=pid_file, liveness_port=80), token)
    if crashing:
        cstatus = {"name": "nginx", "ready": False, "restartCount": 5, "image": "nginx:alpine", "imageID": IMAGE_ID,
                   "containerID": "docker://fcd440ac3a08810df51f12e2ddb0bad4a40922bdb3f9a6d94009c2404dcc7a13",
                   "state": {"waiting": {"reason": "CrashLoopBackOff",
                                         "message": "back-off 1m20s restarting failed container=nginx"}},
                   "lastState": {"terminated": {"exitCode": 0, "reason": "Completed",
                                                "startedAt": "2023-06-28T15:13:56Z",
                                                "finishedAt": "2023-06-28T15:14:00Z",
                                                "containerID": "docker://3c0b"}},
                   "started": False}
        conditions = [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"},
                      {"type": "ContainersReady", "status": "False"}, {"type": "PodScheduled", "status": "True"}]
        ip = "10.10.1.109"
    else:
        cstatus = {"name": "nginx", "ready": True, "restartCount": 0, "image": "nginx:alpine", "imageID": IMAGE_ID,
                   "containerID": "docker://0e35e8da6b8285c150cab9c1d185c8af6036f2ef8b278a4e8c5b5624301820e9",
                   "state": {"running": {"startedAt": start}}, "started": True}
        conditions = READY_CONDITIONS
        ip = "10.10.1.108"
    spec["nodeName"] = "mac-worker"
    return model("Pod", {
        "metadata": {"name": "nginx-pod-probe", "namespace": "default", "uid": "uid-probe", "creationTimestamp": start},
        "spec": spec,
        "status": {"phase": "Running", "conditions": conditions, "hostIP": "192.168.191.146", "podIP": ip,
                   "podIPs": [{"ip": ip}], "startTime": start, "qosClass": "BestEffort",
                   "containerStatuses": [cstatus]},
    })


def test_describe_pod_with_probes():
    start = "2023-06-28T15:04:17Z"
    pod = probe_pod(start, "kube-api-access-q92rp", "/var/run/nginx.pid", crashing=False)
    events = [scheduled_event(pod, ts(start, 0.1), "mac-worker"), *kubelet_events(pod, start, "nginx:alpine", "nginx")]
    lookup = FakeLookup([pod, *events], now=at(start) + 4 * 60 + 35.5, minor=23)
    assert_same_text(describe(lookup, pod), undo_backdating(PROBE_OK_TEXT))


def test_describe_pod_crash_loop_with_aggregated_events():
    start = "2023-06-28T15:12:27Z"
    pod = probe_pod(start, "kube-api-access-n957g", "/var/run/nginx.pidx", crashing=True)
    now = at(start) + 99.5

    def kubelet(type_: str, reason: str, message: str, first: float, last: float, count: int):
        return event(pod, type_, reason, message, first=ts(start, first), last=ts(start, last), count=count,
                     component="kubelet")

    events = [
        scheduled_event(pod, ts(start, 0.3), "mac-worker"),
        kubelet("Normal", "Pulled", 'Container image "nginx:alpine" already present on machine', 0, 7, 3),
        kubelet("Normal", "Created", "Created container nginx", 0, 7, 3),
        kubelet("Normal", "Started", "Started container nginx", 0, 7, 3),
        kubelet("Warning", "Unhealthy",
                "Startup probe failed: cat: can't open '/var/run/nginx.pidx': No such file or directory\n", 0, 10, 9),
        kubelet("Normal", "Killing", "Container nginx failed startup probe, will be restarted", 3, 11, 3),
        kubelet("Warning", "BackOff", "Back-off restarting failed container", 11, 19, 4),
    ]
    lookup = FakeLookup([pod, *events], now=now, minor=23)
    text = describe(lookup, pod)
    assert_same_text(text, undo_backdating(CRASH_LOOP_TEXT))
    # the "%v \t%v \n" condition rows end with a space in real kubectl output
    assert "  Ready             False \n" in text


RESOURCES_RUNNING_TEXT = """
Name:         nginx-pod-resources
Namespace:    default
Priority:     0
Node:         mac-worker/192.168.191.146
Start Time:   Wed, 28 Jun 2022 14:19:14 +0000
Labels:       <none>
Annotations:  <none>
Status:       Running
IP:           10.10.1.106
IPs:
  IP:  10.10.1.106
Containers:
  nginx:
    Container ID:   docker://6dbe4067dc64c5ae23cbf65878982eaed500d4baa55eebad3c6a3f0da81e0bed
    Image:          nginx:alpine
    Image ID:       docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6
    Port:           <none>
    Host Port:      <none>
    State:          Running
      Started:      Wed, 28 Jun 2022 14:19:16 +0000
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
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-xh2rj (ro)
Conditions:
  Type              Status
  Initialized       True
  Ready             True
  ContainersReady   True
  PodScheduled      True
Volumes:
  kube-api-access-xh2rj:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  26s   default-scheduler  Successfully assigned default/nginx-pod-resources to mac-worker
  Normal  Pulled     24s   kubelet            Container image "nginx:alpine" already present on machine
  Normal  Created    24s   kubelet            Created container nginx
  Normal  Started    24s   kubelet            Started container nginx
"""

PENDING_TEXT = """
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
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-j8clh (ro)
Conditions:
  Type           Status
  PodScheduled   False
Volumes:
  kube-api-access-j8clh:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason            Age   From               Message
  ----     ------            ----  ----               -------
  Warning  FailedScheduling  50s   default-scheduler  0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate.
"""

PROBE_OK_TEXT = """
Name:         nginx-pod-probe
Namespace:    default
Priority:     0
Node:         mac-worker/192.168.191.146
Start Time:   Wed, 28 Jun 2022 15:04:17 +0000
Labels:       <none>
Annotations:  <none>
Status:       Running
IP:           10.10.1.108
IPs:
  IP:  10.10.1.108
Containers:
  nginx:
    Container ID:   docker://0e35e8da6b8285c150cab9c1d185c8af6036f2ef8b278a4e8c5b5624301820e9
    Image:          nginx:alpine
    Image ID:       docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Wed, 28 Jun 2022 15:04:17 +0000
    Ready:          True
    Restart Count:  0
    Liveness:       tcp-socket :80 delay=0s timeout=1s period=10s #success=1 #failure=3
    Readiness:      http-get http://:80/ready delay=0s timeout=1s period=5s #success=1 #failure=3
    Startup:        exec [cat /var/run/nginx.pid] delay=0s timeout=1s period=1s #success=1 #failure=3
    Environment:    <none>
    Mounts:
      /etc/nginx/conf.d from nginx-conf-vol (rw)
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-q92rp (ro)
Conditions:
  Type              Status
  Initialized       True
  Ready             True
  ContainersReady   True
  PodScheduled      True
Volumes:
  nginx-conf-vol:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      nginx-conf
    Optional:  false
  kube-api-access-q92rp:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age    From               Message
  ----    ------     ----   ----               -------
  Normal  Scheduled  4m35s  default-scheduler  Successfully assigned default/nginx-pod-probe to mac-worker
  Normal  Pulled     4m35s  kubelet            Container image "nginx:alpine" already present on machine
  Normal  Created    4m35s  kubelet            Created container nginx
  Normal  Started    4m35s  kubelet            Started container nginx
"""

CRASH_LOOP_TEXT = """
Name:         nginx-pod-probe
Namespace:    default
Priority:     0
Node:         mac-worker/192.168.191.146
Start Time:   Wed, 28 Jun 2022 15:12:27 +0000
Labels:       <none>
Annotations:  <none>
Status:       Running
IP:           10.10.1.109
IPs:
  IP:  10.10.1.109
Containers:
  nginx:
    Container ID:   docker://fcd440ac3a08810df51f12e2ddb0bad4a40922bdb3f9a6d94009c2404dcc7a13
    Image:          nginx:alpine
    Image ID:       docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Completed
      Exit Code:    0
      Started:      Wed, 28 Jun 2022 15:13:56 +0000
      Finished:     Wed, 28 Jun 2022 15:14:00 +0000
    Ready:          False
    Restart Count:  5
    Liveness:       tcp-socket :80 delay=0s timeout=1s period=10s #success=1 #failure=3
    Readiness:      http-get http://:80/ready delay=0s timeout=1s period=5s #success=1 #failure=3
    Startup:        exec [cat /var/run/nginx.pidx] delay=0s timeout=1s period=1s #success=1 #failure=3
    Environment:    <none>
    Mounts:
      /etc/nginx/conf.d from nginx-conf-vol (rw)
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-n957g (ro)
Conditions:
  Type              Status
  Initialized       True
  Ready             False
  ContainersReady   False
  PodScheduled      True
Volumes:
  nginx-conf-vol:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      nginx-conf
    Optional:  false
  kube-api-access-n957g:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                From               Message
  ----     ------     ----               ----               -------
  Normal   Scheduled  99s                default-scheduler  Successfully assigned default/nginx-pod-probe to mac-worker
  Normal   Pulled     92s (x3 over 99s)  kubelet            Container image "nginx:alpine" already present on machine
  Normal   Created    92s (x3 over 99s)  kubelet            Created container nginx
  Normal   Started    92s (x3 over 99s)  kubelet            Started container nginx
  Warning  Unhealthy  89s (x9 over 99s)  kubelet            Startup probe failed: cat: can't open '/var/run/nginx.pidx': No such file or directory
  Normal   Killing    88s (x3 over 96s)  kubelet            Container nginx failed startup probe, will be restarted
  Warning  BackOff    80s (x4 over 88s)  kubelet            Back-off restarting failed container
"""
