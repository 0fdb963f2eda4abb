"""Goldens from the "Kubernetes - Rollout" section (v1.23.3 cluster, kubectl 1.23): a Deployment,
ReplicaSet and Pod with a ConfigMap volume and a port, then a rolling update (``minReadySeconds:
16``) whose old ReplicaSet was scaled to zero. Expected texts: the course notes §9.3, verbatim.

Timeline of the rolling update: the Deployment is created at 00:54:35, the update starts at
01:01:05 (R); the new ReplicaSet's pods are created at R, R+1 and R+18 (twice), the old one's
deleted at R, R+18 (twice) and R+35.
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

T_DEPLOYMENT = "2023-06-28T00:28:43Z"
T_DEPLOY = "2023-06-28T00:54:35Z"
R = ts(T_DEPLOY, 390)


def template(app: str, image: str, hash_: str = "") -> dict:
    labels = {"app": app}
    if hash_:
        labels["pod-template-hash"] = hash_
    return {"metadata": {"labels": labels}, "spec": {
        "volumes": [{"name": "nginx-conf-vol", "configMap": {"name": "nginx-conf", "defaultMode": 420}}],
        "containers": [{"name": "nginx", "image": image, "resources": {},
                        "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        "volumeMounts": [{"name": "nginx-conf-vol", "mountPath": "/etc/nginx/conf.d"}],
                        "imagePullPolicy": "IfNotPresent"}],
        "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler"}}


def deployment(name: str, uid: str, created: str, replicas: int, revision: int, image: str, min_ready: int = 0):
    return model("Deployment", {
        "metadata": {"name": name, "namespace": "default", "uid": uid, "creationTimestamp": created,
                     "annotations": {"deployment.kubernetes.io/revision": str(revision)}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}, "template": template(name, image),
                 "minReadySeconds": min_ready,
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}},
        "status": {"replicas": replicas, "updatedReplicas": replicas, "readyReplicas": replicas,
                   "availableReplicas": replicas, "conditions": [
                       {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                       {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]},
    }, "apps")


def replica_set(app: str, owner_uid: str, hash_: str, uid: str, created: str, replicas: int, desired: int,
                revision: int, image: str):
    return model("ReplicaSet", {
        "metadata": {"name": f"{app}-{hash_}", "namespace": "default", "uid": uid, "creationTimestamp": created,
                     "labels": {"app": app, "pod-template-hash": hash_},
                     "annotations": {"deployment.kubernetes.io/desired-replicas": str(desired),
                                     "deployment.kubernetes.io/max-replicas": str(desired + -(-desired // 4)),
                                     "deployment.kubernetes.io/revision": str(revision)},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app,
                                          "uid": owner_uid, "controller": True, "blockOwnerDeletion": True}]},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": app, "pod-template-hash": hash_}},
                 "template": template(app, image, hash_)},
        "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas},
    }, "apps")


def pod(rs: object, suffix: str, created: str, ip: str, image: str, container_id: str, token: str):
    app = rs.metadata.labels["app"]
    hash_ = rs.metadata.labels["pod-template-hash"]
    return model("Pod", {
        "metadata": {"name": f"{rs.metadata.name}-{suffix}", "namespace": "default", "uid": f"uid-{suffix}",
                     "creationTimestamp": created, "labels": {"app": app, "pod-template-hash": hash_},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs.metadata.name,
                                          "uid": rs.metadata.uid, "controller": True, "blockOwnerDeletion": True}]},
        "spec": {**template(app, image)["spec"], "nodeName": "mac-worker", "serviceAccountName": "default",
                 "tolerations": DEFAULT_TOLERATIONS, "priority": 0,
                 "volumes": [{"name": "nginx-conf-vol", "configMap": {"name": "nginx-conf", "defaultMode": 420}},
                             token_volume(token)],
                 "containers": [{"name": "nginx", "image": image, "resources": {},
                                 "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                 "volumeMounts": [
                                     {"name": "nginx-conf-vol", "mountPath": "/etc/nginx/conf.d"},
                                     {"name": token, "readOnly": True,
                                      "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]}]},
        "status": {"phase": "Running", "conditions": READY_CONDITIONS, "hostIP": "192.168.191.146", "podIP": ip,
                   "podIPs": [{"ip": ip}], "startTime": created, "qosClass": "BestEffort",
                   "containerStatuses": [{
                       "name": "nginx", "state": {"running": {"startedAt": created}}, "ready": True,
                       "restartCount": 0, "image": image, "started": True,
                       "imageID": "docker-pullable://nginx@sha256:"
                                  "2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6",
                       "containerID": f"docker://{container_id}"}]},
    })


D1 = deployment("nginx-deployment", "uid-d1", T_DEPLOYMENT, 2, 1, "nginx:alpine")
RS1 = replica_set("nginx-deployment", "uid-d1", "756d6b7586", "uid-rs1", T_DEPLOYMENT, 2, 2, 1, "nginx:alpine")
DCBNZ = pod(RS1, "dcbnz", T_DEPLOYMENT, "10.10.1.73", "nginx:alpine",
            "7174df06b5181472a9f96043221a404faa1e7112da8f4298a5dd29ab79bb7376", "kube-api-access-csdrr")
L9CWT = pod(RS1, "l9cwt", T_DEPLOYMENT, "10.10.1.74", "nginx:alpine", "cc" * 32, "kube-api-access-zzzzz")


def created(rs, suffix, when):
    return event(rs, "Normal", "SuccessfulCreate", f"Created pod: {rs.metadata.name}-{suffix}", first=when,
                 component="replicaset-controller")


def test_describe_deployment_with_config_map_volume():
    events = [event(D1, "Normal", "ScalingReplicaSet", "Scaled up replica set nginx-deployment-756d6b7586 to 2",
                    first=T_DEPLOYMENT, component="deployment-controller")]
    lookup = FakeLookup([D1, RS1, DCBNZ, L9CWT, *events], now=at(T_DEPLOYMENT) + 2 * 60 + 53.5, minor=23)
    assert_same_text(describe(lookup, D1), undo_backdating(DEPLOYMENT_TEXT))


def test_describe_replica_set_with_config_map_volume():
    events = [created(RS1, "dcbnz", T_DEPLOYMENT), created(RS1, "l9cwt", T_DEPLOYMENT)]
    lookup = FakeLookup([RS1, DCBNZ, L9CWT, *events], now=at(T_DEPLOYMENT) + 4 * 60 + 18.5, minor=23)
    assert_same_text(describe(lookup, RS1), RS1_TEXT)


def test_describe_pod_with_config_map_volume():
    # the scheduler's eventTime has microseconds, the kubelet's timestamps are truncated to the
    # second: the Scheduled event can be "younger" than the kubelet's (6m28s against 6m29s)
    events = [scheduled_event(DCBNZ, ts(T_DEPLOYMENT, 0.9), "mac-worker"),
              *kubelet_events(DCBNZ, T_DEPLOYMENT, "nginx:alpine", "nginx")]
    lookup = FakeLookup([DCBNZ, *events], now=at(T_DEPLOYMENT) + 6 * 60 + 29.2, minor=23)
    assert_same_text(describe(lookup, DCBNZ), undo_backdating(POD_TEXT))


D2 = deployment("nginx-deploy", "uid-d2", T_DEPLOY, 4, 2, "nginx:1.22-alpine", min_ready=16)
NEW = replica_set("nginx-deploy", "uid-d2", "5b545d7468", "uid-new", R, 4, 4, 2, "nginx:1.22-alpine")
OLD = replica_set("nginx-deploy", "uid-d2", "96dd47d99", "uid-old", T_DEPLOY, 0, 4, 1, "nginx:1.21-alpine")


def test_describe_deployment_after_rolling_update():
    def scaled(verb: str, rs: str, to: int, at_: str):
        return event(D2, "Normal", "ScalingReplicaSet", f"Scaled {verb} replica set {rs} to {to}", first=at_,
                     component="deployment-controller")

    events = [
        scaled("up", "nginx-deploy-96dd47d99", 4, T_DEPLOY),
        scaled("up", "nginx-deploy-5b545d7468", 1, R),
        scaled("down", "nginx-deploy-96dd47d99", 3, R),
        scaled("up", "nginx-deploy-5b545d7468", 2, ts(R, 1)),
        scaled("down", "nginx-deploy-96dd47d99", 1, ts(R, 18)),
        scaled("up", "nginx-deploy-5b545d7468", 4, ts(R, 18)),
        scaled("down", "nginx-deploy-96dd47d99", 0, ts(R, 35)),
    ]
    lookup = FakeLookup([D2, NEW, OLD, *events], now=at(R) + 309.5, minor=23)
    assert_same_text(describe(lookup, D2), undo_backdating(ROLLED_DEPLOYMENT_TEXT))


def test_describe_new_replica_set():
    pods = [pod(NEW, s, when, f"10.10.1.{89 + i}", "nginx:1.22-alpine", f"{i}" * 64, f"kube-api-access-{s}")
            for i, (s, when) in enumerate((("69qlj", R), ("jt4lx", ts(R, 1)), ("nqblh", ts(R, 18)),
                                           ("gvqvp", ts(R, 18))))]
    events = [created(NEW, "69qlj", R), created(NEW, "jt4lx", ts(R, 1)), created(NEW, "nqblh", ts(R, 18)),
              created(NEW, "gvqvp", ts(R, 18))]
    lookup = FakeLookup([NEW, *pods, *events], now=at(R) + 420.5, minor=23)
    assert_same_text(describe(lookup, NEW), NEW_RS_TEXT)


def test_describe_old_replica_set_scaled_to_zero():
    events = [created(OLD, s, T_DEPLOY) for s in ("l4jvp", "pqk55", "cb6pk", "wmgnv")]
    events += [event(OLD, "Normal", "SuccessfulDelete", f"Deleted pod: nginx-deploy-96dd47d99-{s}", first=when,
                     component="replicaset-controller")
               for s, when in (("l4jvp", R), ("pqk55", ts(R, 18)), ("wmgnv", ts(R, 18)), ("cb6pk", ts(R, 35)))]
    lookup = FakeLookup([OLD, *events], now=at(R) + 460.5, minor=23)
    assert_same_text(describe(lookup, OLD), OLD_RS_TEXT)


DEPLOYMENT_TEXT = """
Name:                   nginx-deployment
Namespace:              default
CreationTimestamp:      Wed, 28 Jun 2022 00:28:43 +0000
Labels:                 <none>
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=nginx-deployment
Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=nginx-deployment
  Containers:
   nginx:
    Image:        nginx:alpine
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /etc/nginx/conf.d from nginx-conf-vol (rw)
  Volumes:
   nginx-conf-vol:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      nginx-conf
    Optional:  false
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   nginx-deployment-756d6b7586 (2/2 replicas created)
Events:
  Type    Reason             Age    From                   Message
  ----    ------             ----   ----                   -------
  Normal  ScalingReplicaSet  2m53s  deployment-controller  Scaled up replica set nginx-deployment-756d6b7586 to 2
"""

RS1_TEXT = """
Name:           nginx-deployment-756d6b7586
Namespace:      default
Selector:       app=nginx-deployment,pod-template-hash=756d6b7586
Labels:         app=nginx-deployment
                pod-template-hash=756d6b7586
Annotations:    deployment.kubernetes.io/desired-replicas: 2
                deployment.kubernetes.io/max-replicas: 3
                deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/nginx-deployment
Replicas:       2 current / 2 desired
Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx-deployment
           pod-template-hash=756d6b7586
  Containers:
   nginx:
    Image:        nginx:alpine
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /etc/nginx/conf.d from nginx-conf-vol (rw)
  Volumes:
   nginx-conf-vol:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      nginx-conf
    Optional:  false
Events:
  Type    Reason            Age    From                   Message
  ----    ------            ----   ----                   -------
  Normal  SuccessfulCreate  4m18s  replicaset-controller  Created pod: nginx-deployment-756d6b7586-dcbnz
  Normal  SuccessfulCreate  4m18s  replicaset-controller  Created pod: nginx-deployment-756d6b7586-l9cwt
"""

POD_TEXT = """
Name:         nginx-deployment-756d6b7586-dcbnz
Namespace:    default
Priority:     0
Node:         mac-worker/192.168.191.146
Start Time:   Wed, 28 Jun 2022 00:28:43 +0000
Labels:       app=nginx-deployment
              pod-template-hash=756d6b7586
Annotations:  <none>
Status:       Running
IP:           10.10.1.73
IPs:
  IP:           10.10.1.73
Controlled By:  ReplicaSet/nginx-deployment-756d6b7586
Containers:
  nginx:
    Container ID:   docker://7174df06b5181472a9f96043221a404faa1e7112da8f4298a5dd29ab79bb7376
    Image:          nginx:alpine
    Image ID:       docker-pullable://nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Wed, 28 Jun 2022 00:28:43 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /etc/nginx/conf.d from nginx-conf-vol (rw)
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-csdrr (ro)
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
  kube-api-access-csdrr:
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
  Normal  Scheduled  6m28s  default-scheduler  Successfully assigned default/nginx-deployment-756d6b7586-dcbnz to mac-worker
  Normal  Pulled     6m29s  kubelet            Container image "nginx:alpine" already present on machine
  Normal  Created    6m29s  kubelet            Created container nginx
  Normal  Started    6m29s  kubelet            Started container nginx
"""

ROLLED_DEPLOYMENT_TEXT = """
Name:                   nginx-deploy
Namespace:              default
CreationTimestamp:      Wed, 28 Jun 2022 00:54:35 +0000
Labels:                 <none>
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=nginx-deploy
Replicas:               4 desired | 4 updated | 4 total | 4 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        16
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=nginx-deploy
  Containers:
   nginx:
    Image:        nginx:1.22-alpine
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /etc/nginx/conf.d from nginx-conf-vol (rw)
  Volumes:
   nginx-conf-vol:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      nginx-conf
    Optional:  false
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   nginx-deploy-5b545d7468 (4/4 replicas created)
Events:
  Type    Reason             Age    From                   Message
  ----    ------             ----   ----                   -------
  Normal  ScalingReplicaSet  11m    deployment-controller  Scaled up replica set nginx-deploy-96dd47d99 to 4
  Normal  ScalingReplicaSet  5m9s   deployment-controller  Scaled up replica set nginx-deploy-5b545d7468 to 1
  Normal  ScalingReplicaSet  5m9s   deployment-controller  Scaled down replica set nginx-deploy-96dd47d99 to 3
  Normal  ScalingReplicaSet  5m8s   deployment-controller  Scaled up replica set nginx-deploy-5b545d7468 to 2
  Normal  ScalingReplicaSet  4m51s  deployment-controller  Scaled down replica set nginx-deploy-96dd47d99 to 1
  Normal  ScalingReplicaSet  4m51s  deployment-controller  Scaled up replica set nginx-deploy-5b545d7468 to 4
  Normal  ScalingReplicaSet  4m34s  deployment-controller  Scaled down replica set nginx-deploy-96dd47d99 to 0
"""

NEW_RS_TEXT = """
Name:           nginx-deploy-5b545d7468
Namespace:      default
Selector:       app=nginx-deploy,pod-template-hash=5b545d7468
Labels:         app=nginx-deploy
                pod-template-hash=5b545d7468
Annotations:    deployment.kubernetes.io/desired-replicas: 4
                deployment.kubernetes.io/max-replicas: 5
                deployment.kubernetes.io/revision: 2
Controlled By:  Deployment/nginx-deploy
Replicas:       4 current / 4 desired
Pods Status:    4 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx-deploy
           pod-template-hash=5b545d7468
  Containers:
   nginx:
    Image:        nginx:1.22-alpine
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /etc/nginx/conf.d from nginx-conf-vol (rw)
  Volumes:
   nginx-conf-vol:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      nginx-conf
    Optional:  false
Events:
  Type    Reason            Age    From                   Message
  ----    ------            ----   ----                   -------
  Normal  SuccessfulCreate  7m     replicaset-controller  Created pod: nginx-deploy-5b545d7468-69qlj
  Normal  SuccessfulCreate  6m59s  replicaset-controller  Created pod: nginx-deploy-5b545d7468-jt4lx
  Normal  SuccessfulCreate  6m42s  replicaset-controller  Created pod: nginx-deploy-5b545d7468-nqblh
  Normal  SuccessfulCreate  6m42s  replicaset-controller  Created pod: nginx-deploy-5b545d7468-gvqvp
"""

OLD_RS_TEXT = """
Name:           nginx-deploy-96dd47d99
Namespace:      default
Selector:       app=nginx-deploy,pod-template-hash=96dd47d99
Labels:         app=nginx-deploy
                pod-template-hash=96dd47d99
Annotations:    deployment.kubernetes.io/desired-replicas: 4
                deployment.kubernetes.io/max-replicas: 5
                deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/nginx-deploy
Replicas:       0 current / 0 desired
Pods Status:    0 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx-deploy
           pod-template-hash=96dd47d99
  Containers:
   nginx:
    Image:        nginx:1.21-alpine
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /etc/nginx/conf.d from nginx-conf-vol (rw)
  Volumes:
   nginx-conf-vol:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      nginx-conf
    Optional:  false
Events:
  Type    Reason            Age    From                   Message
  ----    ------            ----   ----                   -------
  Normal  SuccessfulCreate  14m    replicaset-controller  Created pod: nginx-deploy-96dd47d99-l4jvp
  Normal  SuccessfulCreate  14m    replicaset-controller  Created pod: nginx-deploy-96dd47d99-pqk55
  Normal  SuccessfulCreate  14m    replicaset-controller  Created pod: nginx-deploy-96dd47d99-cb6pk
  Normal  SuccessfulCreate  14m    replicaset-controller  Created pod: nginx-deploy-96dd47d99-wmgnv
  Normal  SuccessfulDelete  7m40s  replicaset-controller  Deleted pod: nginx-deploy-96dd47d99-l4jvp
  Normal  SuccessfulDelete  7m22s  replicaset-controller  Deleted pod: nginx-deploy-96dd47d99-pqk55
  Normal  SuccessfulDelete  7m22s  replicaset-controller  Deleted pod: nginx-deploy-96dd47d99-wmgnv
  Normal  SuccessfulDelete  7m5s   replicaset-controller  Deleted pod: nginx-deploy-96dd47d99-cb6pk
"""
