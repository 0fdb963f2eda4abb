"""Goldens from the "Kubernetes - Deployment" section (v1.23.3 cluster, kubectl 1.23).

Every expected text below is the real output recovered in the course notes §1.3,
copied verbatim (see ``describe_helpers`` for the back-dated year and the lost trailing blanks).
The fixtures rebuild the objects those outputs describe, on one timeline:

* 15:12:59 the Deployment, ReplicaSet 5db48f768c and pods bmqwj/84f4q are created;
* 15:16:34 pod 84f4q is deleted and 4pd6w replaces it;
* 15:27:00 ``kubectl scale --replicas=3`` (pod 88k88);
* 15:34:33-35 the rolling update to ReplicaSet 676b7b47d4.
"""

from __future__ import annotations

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

T0 = "2023-06-17T15:12:59Z"
T_REPLACE = "2023-06-17T15:16:34Z"
T_SCALE = "2023-06-17T15:27:00Z"
T_ROLL = "2023-06-17T15:34:33Z"

DEPLOY_UID = "5f0c1d7e-1111-4d6a-9d7e-000000000001"
RS_UID = "5f0c1d7e-2222-4d6a-9d7e-000000000002"
RS2_UID = "5f0c1d7e-3333-4d6a-9d7e-000000000003"


def template(hash_: str = "", pull_policy: str = "IfNotPresent") -> dict:
    labels = {"app": "nginx-deploy"}
    if hash_:
        labels["pod-template-hash"] = hash_
    return {
        "metadata": {"labels": labels},
        "spec": {
            "containers": [{"name": "nginx", "image": "nginx:alpine", "resources": {},
                            "terminationMessagePath": "/dev/termination-log",
                            "terminationMessagePolicy": "File", "imagePullPolicy": pull_policy}],
            "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
            "securityContext": {}, "schedulerName": "default-scheduler",
        },
    }


def deployment(replicas: int, revision: int, status: dict, conditions: list, pull_policy: str = "IfNotPresent"):
    return model("Deployment", {
        "metadata": {"name": "nginx-deploy", "namespace": "default", "uid": DEPLOY_UID, "creationTimestamp": T0,
                     "labels": {"app": "nginx-deploy"},
                     "annotations": {"deployment.kubernetes.io/revision": str(revision),
                                     "kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"apps/v1"}\n'}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "nginx-deploy"}},
                 "template": template(pull_policy=pull_policy),
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                 "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
        "status": {**status, "conditions": conditions},
    }, "apps")


def replica_set(name: str, uid: str, hash_: str, replicas: int, status_replicas: int, desired: int, revision: int,
                created: str, pull_policy: str = "IfNotPresent"):
    return model("ReplicaSet", {
        "metadata": {"name": name, "namespace": "default", "uid": uid, "creationTimestamp": created,
                     "labels": {"app": "nginx-deploy", "pod-template-hash": hash_},
                     "annotations": {"deployment.kubernetes.io/desired-replicas": str(desired),
                                     "deployment.kubernetes.io/max-replicas": str(desired + -(-desired // 4)),
                                     "deployment.kubernetes.io/revision": str(revision)},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "nginx-deploy",
                                          "uid": DEPLOY_UID, "controller": True, "blockOwnerDeletion": True}]},
        "spec": {"replicas": replicas,
                 "selector": {"matchLabels": {"app": "nginx-deploy", "pod-template-hash": hash_}},
                 "template": template(hash_, pull_policy)},
        "status": {"replicas": status_replicas, "fullyLabeledReplicas": status_replicas,
                   "readyReplicas": status_replicas, "availableReplicas": status_replicas, "observedGeneration": 1},
    }, "apps")


def pod(suffix: str, created: str, ip: str, container_id: str, token: str):
    name = f"nginx-deploy-5db48f768c-{suffix}"
    return model("Pod", {
        "metadata": {"name": name, "generateName": "nginx-deploy-5db48f768c-", "namespace": "default",
                     "uid": f"uid-{suffix}", "creationTimestamp": created,
                     "labels": {"app": "nginx-deploy", "pod-template-hash": "5db48f768c"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                          "name": "nginx-deploy-5db48f768c", "uid": RS_UID, "controller": True,
                                          "blockOwnerDeletion": True}]},
        "spec": {
            "volumes": [token_volume(token)],
            "containers": [{"name": "nginx", "image": "nginx:alpine", "resources": {},
                            "volumeMounts": [{"name": token, "readOnly": True,
                                              "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
                            "imagePullPolicy": "IfNotPresent"}],
            "restartPolicy": "Always", "serviceAccountName": "default", "serviceAccount": "default",
            "nodeName": "mac-worker", "tolerations": DEFAULT_TOLERATIONS, "priority": 0,
            "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority",
        },
        "status": {
            "phase": "Running", "conditions": READY_CONDITIONS, "hostIP": "192.168.191.146", "podIP": ip,
            "podIPs": [{"ip": ip}], "startTime": created, "qosClass": "BestEffort",
            "containerStatuses": [{
                "name": "nginx", "state": {"running": {"startedAt": created}}, "lastState": {}, "ready": True,
                "restartCount": 0, "image": "nginx:alpine",
                "imageID": "docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6",
                "containerID": f"docker://{container_id}", "started": True}],
        },
    })


POD_BMQWJ = pod("bmqwj", T0, "10.10.1.32", "aa" * 32, "kube-api-access-aaaaa")
POD_4PD6W = pod("4pd6w", T_REPLACE, "10.10.1.34",
                "1c1f2b9f0654e6e59a7eafec6097281727060ef4dce355d87897391e1bd8e6ae", "kube-api-access-g2pr6")
POD_88K88 = pod("88k88", T_SCALE, "10.10.1.35", "bb" * 32, "kube-api-access-bbbbb")


def rs_events(rs):
    return [
        event(rs, "Normal", "SuccessfulCreate", "Created pod: nginx-deploy-5db48f768c-bmqwj",
              first=T0, component="replicaset-controller"),
        event(rs, "Normal", "SuccessfulCreate", "Created pod: nginx-deploy-5db48f768c-84f4q",
              first=T0, component="replicaset-controller"),
        event(rs, "Normal", "SuccessfulCreate", "Created pod: nginx-deploy-5db48f768c-4pd6w",
              first=T_REPLACE, component="replicaset-controller"),
    ]


def test_describe_pod_4pd6w():
    events = [scheduled_event(POD_4PD6W, ts(T_REPLACE, 0.2), "mac-worker"),
              *kubelet_events(POD_4PD6W, T_REPLACE, "nginx:alpine", "nginx")]
    lookup = FakeLookup([POD_4PD6W, *events], now=at(T_REPLACE) + 4 * 60 + 17.5, minor=23)
    assert_same_text(describe(lookup, POD_4PD6W), undo_backdating(POD_4PD6W_TEXT))


def test_describe_rs_before_scale():
    rs = replica_set("nginx-deploy-5db48f768c", RS_UID, "5db48f768c", 2, 2, 2, 1, T0)
    lookup = FakeLookup([rs, POD_BMQWJ, POD_4PD6W, *rs_events(rs)], now=at(T0) + 4 * 60 + 47.5, minor=23)
    assert_same_text(describe(lookup, rs), RS_BEFORE_SCALE_TEXT)


def test_describe_rs_after_scale():
    rs = replica_set("nginx-deploy-5db48f768c", RS_UID, "5db48f768c", 3, 3, 3, 1, T0)
    events = [*rs_events(rs), event(rs, "Normal", "SuccessfulCreate", "Created pod: nginx-deploy-5db48f768c-88k88",
                                    first=T_SCALE, component="replicaset-controller")]
    lookup = FakeLookup([rs, POD_BMQWJ, POD_4PD6W, POD_88K88, *events], now=at(T_SCALE) + 124.5, minor=23)
    assert_same_text(describe(lookup, rs), RS_AFTER_SCALE_TEXT)


def scaled(d, replica_set_name: str, to: int, when: str, down: bool = False):
    verb = "down" if down else "up"
    return event(d, "Normal", "ScalingReplicaSet", f"Scaled {verb} replica set {replica_set_name} to {to}",
                 first=when, component="deployment-controller")


def test_describe_deployment_after_scale():
    d = deployment(3, 1, {"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3,
                          "availableReplicas": 3}, [
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
         "lastUpdateTime": T0, "lastTransitionTime": T0},
        {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
         "lastUpdateTime": T_SCALE, "lastTransitionTime": T_SCALE},
    ])
    rs = replica_set("nginx-deploy-5db48f768c", RS_UID, "5db48f768c", 3, 3, 3, 1, T0)
    events = [scaled(d, "nginx-deploy-5db48f768c", 2, T0), scaled(d, "nginx-deploy-5db48f768c", 3, T_SCALE)]
    lookup = FakeLookup([d, rs, *events], now=at(T_SCALE) + 80.5, minor=23)
    assert_same_text(describe(lookup, d), undo_backdating(DEPLOY_AFTER_SCALE_TEXT))


def test_describe_deployment_after_rollout():
    # the (unshown) template edit: something describe does not print, here imagePullPolicy
    d = deployment(2, 2, {"observedGeneration": 3, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2,
                          "availableReplicas": 2}, [
        {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
         "lastUpdateTime": T_SCALE, "lastTransitionTime": T_SCALE},
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
         "lastUpdateTime": ts(T_ROLL, 2), "lastTransitionTime": T0},
    ], pull_policy="Always")
    old = replica_set("nginx-deploy-5db48f768c", RS_UID, "5db48f768c", 0, 0, 2, 1, T0)
    new = replica_set("nginx-deploy-676b7b47d4", RS2_UID, "676b7b47d4", 2, 2, 2, 2, T_ROLL, pull_policy="Always")
    events = [
        scaled(d, "nginx-deploy-5db48f768c", 2, T0),
        scaled(d, "nginx-deploy-5db48f768c", 3, T_SCALE),
        scaled(d, "nginx-deploy-5db48f768c", 2, T_ROLL, down=True),
        scaled(d, "nginx-deploy-676b7b47d4", 1, T_ROLL),
        scaled(d, "nginx-deploy-5db48f768c", 1, ts(T_ROLL, 1), down=True),
        scaled(d, "nginx-deploy-676b7b47d4", 2, ts(T_ROLL, 1)),
        scaled(d, "nginx-deploy-5db48f768c", 0, ts(T_ROLL, 2), down=True),
    ]
    lookup = FakeLookup([d, old, new, *events], now=at(T_SCALE) + 9 * 60 + 7.5, minor=23)
    assert_same_text(describe(lookup, d), undo_backdating(DEPLOY_AFTER_ROLLOUT_TEXT))


def test_old_replica_sets_since_1_27():
    """kubernetes#113083 (kubectl 1.27): OldReplicaSets lists every old RS, scaled to 0 or not."""
    d = deployment(2, 2, {"replicas": 2, "updatedReplicas": 2, "availableReplicas": 2}, [], pull_policy="Always")
    old = replica_set("nginx-deploy-5db48f768c", RS_UID, "5db48f768c", 0, 0, 2, 1, T0)
    new = replica_set("nginx-deploy-676b7b47d4", RS2_UID, "676b7b47d4", 2, 2, 2, 2, T_ROLL, pull_policy="Always")
    for minor, line in ((26, "OldReplicaSets:  <none>"),
                        (27, "OldReplicaSets:  nginx-deploy-5db48f768c (0/0 replicas created)")):
        text = describe(FakeLookup([d, old, new], now=at(T_ROLL) + 60, minor=minor), d, show_events=False)
        lines = [" ".join(x.split()) for x in text.splitlines()]
        assert " ".join(line.split()) in lines
        assert "NewReplicaSet: nginx-deploy-676b7b47d4 (2/2 replicas created)" in lines


def test_pod_template_node_selectors_since_1_30():
    """kubernetes#122618 (kubectl 1.30) added Node-Selectors and Tolerations to pod templates."""
    d = deployment(2, 1, {}, [])
    old = describe(FakeLookup([d], minor=29), d, show_events=False)
    new = describe(FakeLookup([d], minor=30), d, show_events=False)
    assert "Node-Selectors" not in old
    assert "  Volumes:         <none>\n  Node-Selectors:  <none>\n  Tolerations:     <none>\n" in new


POD_4PD6W_TEXT = """
Name:         nginx-deploy-5db48f768c-4pd6w
Namespace:    default
Priority:     0
Node:         mac-worker/192.168.191.146
Start Time:   Sat, 17 Jun 2022 15:16:34 +0000
Labels:       app=nginx-deploy
              pod-template-hash=5db48f768c
Annotations:  <none>
Status:       Running
IP:           10.10.1.34
IPs:
  IP:           10.10.1.34
Controlled By:  ReplicaSet/nginx-deploy-5db48f768c
Containers:
  nginx:
    Container ID:   docker://1c1f2b9f0654e6e59a7eafec6097281727060ef4dce355d87897391e1bd8e6ae
    Image:          nginx:alpine
    Image ID:       docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6
    Port:           <none>
    Host Port:      <none>
    State:          Running
      Started:      Sat, 17 Jun 2022 15:16:34 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-g2pr6 (ro)
Conditions:
  Type              Status
  Initialized       True
  Ready             True
  ContainersReady   True
  PodScheduled      True
Volumes:
  kube-api-access-g2pr6:
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
  Normal  Scheduled  4m17s  default-scheduler  Successfully assigned default/nginx-deploy-5db48f768c-4pd6w to mac-worker
  Normal  Pulled     4m17s  kubelet            Container image "nginx:alpine" already present on machine
  Normal  Created    4m17s  kubelet            Created container nginx
  Normal  Started    4m17s  kubelet            Started container nginx
"""

RS_BEFORE_SCALE_TEXT = """
Name:           nginx-deploy-5db48f768c
Namespace:      default
Selector:       app=nginx-deploy,pod-template-hash=5db48f768c
Labels:         app=nginx-deploy
                pod-template-hash=5db48f768c
Annotations:    deployment.kubernetes.io/desired-replicas: 2
                deployment.kubernetes.io/max-replicas: 3
                deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/nginx-deploy
Replicas:       2 current / 2 desired
Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx-deploy
           pod-template-hash=5db48f768c
  Containers:
   nginx:
    Image:        nginx:alpine
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type    Reason            Age    From                   Message
  ----    ------            ----   ----                   -------
  Normal  SuccessfulCreate  4m47s  replicaset-controller  Created pod: nginx-deploy-5db48f768c-bmqwj
  Normal  SuccessfulCreate  4m47s  replicaset-controller  Created pod: nginx-deploy-5db48f768c-84f4q
  Normal  SuccessfulCreate  72s    replicaset-controller  Created pod: nginx-deploy-5db48f768c-4pd6w
"""

RS_AFTER_SCALE_TEXT = """
Name:           nginx-deploy-5db48f768c
Namespace:      default
Selector:       app=nginx-deploy,pod-template-hash=5db48f768c
Labels:         app=nginx-deploy
                pod-template-hash=5db48f768c
Annotations:    deployment.kubernetes.io/desired-replicas: 3
                deployment.kubernetes.io/max-replicas: 4
                deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/nginx-deploy
Replicas:       3 current / 3 desired
Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx-deploy
           pod-template-hash=5db48f768c
  Containers:
   nginx:
    Image:        nginx:alpine
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type    Reason            Age   From                   Message
  ----    ------            ----  ----                   -------
  Normal  SuccessfulCreate  16m   replicaset-controller  Created pod: nginx-deploy-5db48f768c-bmqwj
  Normal  SuccessfulCreate  16m   replicaset-controller  Created pod: nginx-deploy-5db48f768c-84f4q
  Normal  SuccessfulCreate  12m   replicaset-controller  Created pod: nginx-deploy-5db48f768c-4pd6w
  Normal  SuccessfulCreate  2m4s  replicaset-controller  Created pod: nginx-deploy-5db48f768c-88k88
"""

DEPLOY_AFTER_SCALE_TEXT = """
Name:                   nginx-deploy
Namespace:              default
CreationTimestamp:      Sat, 17 Jun 2022 15:12:59 +0000
Labels:                 app=nginx-deploy
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=nginx-deploy
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=nginx-deploy
  Containers:
   nginx:
    Image:        nginx:alpine
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Progressing    True    NewReplicaSetAvailable
  Available      True    MinimumReplicasAvailable
OldReplicaSets:  <none>
NewReplicaSet:   nginx-deploy-5db48f768c (3/3 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  15m   deployment-controller  Scaled up replica set nginx-deploy-5db48f768c to 2
  Normal  ScalingReplicaSet  80s   deployment-controller  Scaled up replica set nginx-deploy-5db48f768c to 3
"""

DEPLOY_AFTER_ROLLOUT_TEXT = """
Name:                   nginx-deploy
Namespace:              default
CreationTimestamp:      Sat, 17 Jun 2022 15:12:59 +0000
Labels:                 app=nginx-deploy
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=nginx-deploy
Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=nginx-deploy
  Containers:
   nginx:
    Image:        nginx:alpine
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   nginx-deploy-676b7b47d4 (2/2 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  23m   deployment-controller  Scaled up replica set nginx-deploy-5db48f768c to 2
  Normal  ScalingReplicaSet  9m7s  deployment-controller  Scaled up replica set nginx-deploy-5db48f768c to 3
  Normal  ScalingReplicaSet  94s   deployment-controller  Scaled down replica set nginx-deploy-5db48f768c to 2
  Normal  ScalingReplicaSet  94s   deployment-controller  Scaled up replica set nginx-deploy-676b7b47d4 to 1
  Normal  ScalingReplicaSet  93s   deployment-controller  Scaled down replica set nginx-deploy-5db48f768c to 1
  Normal  ScalingReplicaSet  93s   deployment-controller  Scaled up replica set nginx-deploy-676b7b47d4 to 2
  Normal  ScalingReplicaSet  92s   deployment-controller  Scaled down replica set nginx-deploy-5db48f768c to 0
"""
