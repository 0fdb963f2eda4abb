"""Service, Endpoints, Ingress and StatefulSet-pod goldens.

* v1.23 (kubectl 1.23): the course notes §3.3 (Service: ClusterIP, Endpoints, NodePort), §4.3
  (Ingress), §8.3 (StatefulSet: a ClusterIP and a headless Service, a pod with a PVC volume).
  kubectl 1.23 reads the Service's Endpoints object.
* v1.32 (kubectl 1.32.3): a real ``kubectl describe service`` of the ingress-nginx LoadBalancer
  Service (a public "docker_archive" README for ingress-nginx v1.11.3, which prints
  ``kubectl version``: ``Client Version: v1.32.3``). kubectl 1.32 reads EndpointSlices.
"""

from __future__ import annotations

from describe_helpers import (
    DEFAULT_TOLERATIONS,
    READY_CONDITIONS,
    FakeLookup,
    assert_same_text,
    at,
    kubelet_events,
    model,
    scheduled_event,
    token_volume,
    ts,
    undo_backdating,
)

from kubenb.kubectl.describe import describe

NOW = at("2023-06-24T07:00:00Z")


def service(name: str, selector: dict, port: int, cluster_ip: str, node_port: int = 0, namespace: str = "default"):
    ports = [{"port": port, "protocol": "TCP", "targetPort": port}]
    spec = {"ports": ports, "selector": selector, "clusterIP": cluster_ip, "clusterIPs": [cluster_ip],
            "type": "ClusterIP", "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
            "internalTrafficPolicy": "Cluster"}
    if node_port:
        ports[0]["nodePort"] = node_port
        spec.update(type="NodePort", externalTrafficPolicy="Cluster")
    return model("Service", {
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-svc-{name}",
                     "creationTimestamp": "2023-06-24T06:34:32Z",
                     "annotations": {"kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"v1"}\n'}},
        "spec": spec,
    })


def endpoints(name: str, ips: list[str], port: int, namespace: str = "default"):
    return model("Endpoints", {
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-ep-{name}",
                     "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "2022-06-24T06:34:32Z"}},
        "subsets": [{"addresses": [{"ip": ip, "nodeName": "mac-worker"} for ip in ips],
                     "ports": [{"port": port, "protocol": "TCP"}]}],
    })


def test_describe_service_cluster_ip():
    svc = service("nginx-svc", {"app": "nginx-deployment"}, 80, "10.101.182.177")
    ep = endpoints("nginx-svc", ["10.10.1.42", "10.10.1.43"], 80)
    assert_same_text(describe(FakeLookup([svc, ep], NOW, 23), svc), SERVICE_TEXT)


def test_describe_service_after_pod_replaced():
    svc = service("nginx-svc", {"app": "nginx-deployment"}, 80, "10.101.182.177")
    ep = endpoints("nginx-svc", ["10.10.1.42", "10.10.1.44"], 80)
    assert_same_text(describe(FakeLookup([svc, ep], NOW, 23), svc), SERVICE_TEXT.replace("1.43:80", "1.44:80"))


def test_describe_service_node_port():
    svc = service("nginx-svc", {"app": "nginx-deployment"}, 80, "10.101.182.177", node_port=30862)
    ep = endpoints("nginx-svc", ["10.10.1.42", "10.10.1.44"], 80)
    assert_same_text(describe(FakeLookup([svc, ep], NOW, 23), svc), NODE_PORT_TEXT)


def test_describe_endpoints():
    ep = endpoints("nginx-svc", ["10.10.1.42", "10.10.1.43"], 80)
    assert_same_text(describe(FakeLookup([ep], NOW, 23), ep), ENDPOINTS_TEXT)


def test_describe_statefulset_services():
    svc = service("redis-svc", {"app": "redis-sts"}, 6379, "10.105.163.175")
    ep = endpoints("redis-svc", ["10.10.1.62", "10.10.1.63"], 6379)
    assert_same_text(describe(FakeLookup([svc, ep], NOW, 23), svc), REDIS_SVC_TEXT)
    headless = service("redis-pv-sts-svc", {"app": "redis-pv-sts"}, 6379, "None")
    ep = endpoints("redis-pv-sts-svc", ["10.10.1.70", "10.10.1.71"], 6379)
    assert_same_text(describe(FakeLookup([headless, ep], NOW, 23), headless), HEADLESS_TEXT)


def test_describe_statefulset_pod_with_pvc():
    start = "2023-06-27T16:00:06Z"
    token = "kube-api-access-wfh6b"
    pod = model("Pod", {
        "metadata": {"name": "redis-pv-sts-0", "generateName": "redis-pv-sts-", "namespace": "default",
                     "uid": "uid-redis-0", "creationTimestamp": start,
                     "labels": {"app": "redis-pv-sts", "controller-revision-hash": "redis-pv-sts-97766b5f9",
                                "statefulset.kubernetes.io/pod-name": "redis-pv-sts-0"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "redis-pv-sts",
                                          "uid": "uid-sts", "controller": True, "blockOwnerDeletion": True}]},
        "spec": {
            "volumes": [{"name": "redis-100m-pvc",
                         "persistentVolumeClaim": {"claimName": "redis-100m-pvc-redis-pv-sts-0"}},
                        token_volume(token)],
            "containers": [{"name": "redis", "image": "redis:5-alpine", "resources": {},
                            "ports": [{"containerPort": 6379, "protocol": "TCP"}],
                            "volumeMounts": [
                                {"name": token, "readOnly": True,
                                 "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"},
                                {"name": "redis-100m-pvc", "mountPath": "/data"}]}],
            "nodeName": "mac-worker", "hostname": "redis-pv-sts-0", "subdomain": "redis-pv-sts-svc",
            "serviceAccountName": "default", "tolerations": DEFAULT_TOLERATIONS, "priority": 0,
        },
        "status": {"phase": "Running", "conditions": READY_CONDITIONS, "hostIP": "192.168.191.146",
                   "podIP": "10.10.1.70", "podIPs": [{"ip": "10.10.1.70"}], "startTime": start,
                   "qosClass": "BestEffort",
                   "containerStatuses": [{
                       "name": "redis", "state": {"running": {"startedAt": ts(start, 1)}}, "ready": True,
                       "restartCount": 0, "image": "redis:5-alpine", "started": True,
                       "imageID": "docker-pullable://redis@sha256:"
                                  "1a3c609295332f1ce603948142a132656c92a08149d7096e203058533c415b8c",
                       "containerID": "docker://c47a95d01acece95670508721e6a6ac67d9a063f6ed6606b45aac4c328561618"}]},
    })
    events = [scheduled_event(pod, ts(start, 0.9), "mac-worker"),
              *kubelet_events(pod, ts(start, 1), "redis:5-alpine", "redis")]
    lookup = FakeLookup([pod, *events], now=at(start) + 1 + 118.5, minor=23)
    assert_same_text(describe(lookup, pod), undo_backdating(REDIS_POD_TEXT))


def test_describe_ingress_v1_23():
    ing = model("Ingress", {
        "metadata": {"name": "nginx-ing", "namespace": "default", "uid": "uid-ing",
                     "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}\n"}},
        "spec": {"ingressClassName": "nginx-inc",
                 "rules": [{"host": "nginx.local", "http": {"paths": [
                     {"path": "/", "pathType": "Exact",
                      "backend": {"service": {"name": "nginx-svc", "port": {"number": 80}}}}]}}]},
    }, "networking.k8s.io")
    svc = service("nginx-svc", {"app": "nginx-deployment"}, 80, "10.101.182.177")
    ep = endpoints("nginx-svc", ["10.10.1.45", "10.10.1.46"], 80)
    assert_same_text(describe(FakeLookup([ing, svc, ep], NOW, 23), ing), INGRESS_TEXT)


def test_describe_load_balancer_service_v1_32_endpoint_slices():
    labels = {"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx",
              "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/part-of": "ingress-nginx",
              "app.kubernetes.io/version": "1.11.3"}
    selector = {k: labels[k] for k in ("app.kubernetes.io/component", "app.kubernetes.io/instance",
                                       "app.kubernetes.io/name")}
    svc = model("Service", {
        "metadata": {"name": "ingress-nginx-controller", "namespace": "ingress-nginx", "uid": "uid-lb",
                     "labels": labels},
        "spec": {"ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http", "nodePort": 30534,
                            "appProtocol": "http"},
                           {"name": "https", "port": 443, "protocol": "TCP", "targetPort": "https",
                            "nodePort": 30705, "appProtocol": "https"}],
                 "selector": selector, "clusterIP": "10.96.110.135", "clusterIPs": ["10.96.110.135"],
                 "type": "LoadBalancer", "sessionAffinity": "None", "externalTrafficPolicy": "Local",
                 "healthCheckNodePort": 31480, "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "allocateLoadBalancerNodePorts": True, "internalTrafficPolicy": "Cluster"},
        "status": {"loadBalancer": {}},
    })
    eps = model("EndpointSlice", {
        "metadata": {"name": "ingress-nginx-controller-x7k2p", "namespace": "ingress-nginx",
                     "labels": {"kubernetes.io/service-name": "ingress-nginx-controller",
                                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["192.168.229.144"], "conditions": {"ready": True, "serving": True,
                                                                         "terminating": False},
                       "nodeName": "k8s-control-plane"}],
        "ports": [{"name": "http", "port": 80, "protocol": "TCP", "appProtocol": "http"},
                  {"name": "https", "port": 443, "protocol": "TCP", "appProtocol": "https"}],
    }, "discovery.k8s.io")
    assert_same_text(describe(FakeLookup([svc, eps], NOW, 32), svc), LOAD_BALANCER_V1_32_TEXT)


def test_endpoint_slice_readiness_filter_since_1_32():
    """kubernetes#126932 (kubectl 1.32) stopped listing not-ready endpoints; 1.31 listed them."""
    svc = service("web", {"app": "web"}, 80, "10.96.0.20")
    eps = model("EndpointSlice", {
        "metadata": {"name": "web-abcde", "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": True}},
                      {"addresses": ["10.0.0.2"], "conditions": {"ready": False}}],
        "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
    }, "discovery.k8s.io")
    v31 = describe(FakeLookup([svc, eps], NOW, 31), svc, show_events=False)
    v32 = describe(FakeLookup([svc, eps], NOW, 32), svc, show_events=False)
    assert "Endpoints:                10.0.0.1:80,10.0.0.2:80\n" in v31
    assert "Endpoints:                10.0.0.1:80\n" in v32
    assert "Internal Traffic Policy:  Cluster\n" in v32


SERVICE_TEXT = """
Name:              nginx-svc
Namespace:         default
Labels:            <none>
Annotations:       <none>
Selector:          app=nginx-deployment
Type:              ClusterIP
IP Family Policy:  SingleStack
IP Families:       IPv4
IP:                10.101.182.177
IPs:               10.101.182.177
Port:              <unset>  80/TCP
TargetPort:        80/TCP
Endpoints:         10.10.1.42:80,10.10.1.43:80
Session Affinity:  None
Events:            <none>
"""

ENDPOINTS_TEXT = """
Name:         nginx-svc
Namespace:    default
Labels:       <none>
Annotations:  endpoints.kubernetes.io/last-change-trigger-time: 2022-06-24T06:34:32Z
Subsets:
  Addresses:          10.10.1.42,10.10.1.43
  NotReadyAddresses:  <none>
  Ports:
    Name     Port  Protocol
    ----     ----  --------
    <unset>  80    TCP

Events:  <none>
"""

NODE_PORT_TEXT = """
Name:                     nginx-svc
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=nginx-deployment
Type:                     NodePort
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.101.182.177
IPs:                      10.101.182.177
Port:                     <unset>  80/TCP
TargetPort:               80/TCP
NodePort:                 <unset>  30862/TCP
Endpoints:                10.10.1.42:80,10.10.1.44:80
Session Affinity:         None
External Traffic Policy:  Cluster
Events:                   <none>
"""

REDIS_SVC_TEXT = """
Name:              redis-svc
Namespace:         default
Labels:            <none>
Annotations:       <none>
Selector:          app=redis-sts
Type:              ClusterIP
IP Family Policy:  SingleStack
IP Families:       IPv4
IP:                10.105.163.175
IPs:               10.105.163.175
Port:              <unset>  6379/TCP
TargetPort:        6379/TCP
Endpoints:         10.10.1.62:6379,10.10.1.63:6379
Session Affinity:  None
Events:            <none>
"""

HEADLESS_TEXT = """
Name:              redis-pv-sts-svc
Namespace:         default
Labels:            <none>
Annotations:       <none>
Selector:          app=redis-pv-sts
Type:              ClusterIP
IP Family Policy:  SingleStack
IP Families:       IPv4
IP:                None
IPs:               None
Port:              <unset>  6379/TCP
TargetPort:        6379/TCP
Endpoints:         10.10.1.70:6379,10.10.1.71:6379
Session Affinity:  None
Events:            <none>
"""

REDIS_POD_TEXT = """
Name:         redis-pv-sts-0
Namespace:    default
Priority:     0
Node:         mac-worker/192.168.191.146
Start Time:   Tue, 27 Jun 2022 16:00:06 +0000
Labels:       app=redis-pv-sts
              controller-revision-hash=redis-pv-sts-97766b5f9
              statefulset.kubernetes.io/pod-name=redis-pv-sts-0
Annotations:  <none>
Status:       Running
IP:           10.10.1.70
IPs:
  IP:           10.10.1.70
Controlled By:  StatefulSet/redis-pv-sts
Containers:
  redis:
    Container ID:   docker://c47a95d01acece95670508721e6a6ac67d9a063f6ed6606b45aac4c328561618
    Image:          redis:5-alpine
    Image ID:       docker-pullable://redis@sha256:1a3c609295332f1ce603948142a132656c92a08149d7096e203058533c415b8c
    Port:           6379/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Tue, 27 Jun 2022 16:00:07 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /data from redis-100m-pvc (rw)
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-wfh6b (ro)
Conditions:
  Type              Status
  Initialized       True
  Ready             True
  ContainersReady   True
  PodScheduled      True
Volumes:
  redis-100m-pvc:
    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:  redis-100m-pvc-redis-pv-sts-0
    ReadOnly:   false
  kube-api-access-wfh6b:
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
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  118s  default-scheduler  Successfully assigned default/redis-pv-sts-0 to mac-worker
  Normal  Pulled     118s  kubelet            Container image "redis:5-alpine" already present on machine
  Normal  Created    118s  kubelet            Created container redis
  Normal  Started    118s  kubelet            Started container redis
"""

INGRESS_TEXT = """
Name:             nginx-ing
Labels:           <none>
Namespace:        default
Address:
Default backend:  default-http-backend:80 (<error: endpoints "default-http-backend" not found>)
Rules:
  Host         Path  Backends
  ----         ----  --------
  nginx.local
               /   nginx-svc:80 (10.10.1.45:80,10.10.1.46:80)
Annotations:   <none>
Events:        <none>
"""

LOAD_BALANCER_V1_32_TEXT = """
Name:                     ingress-nginx-controller
Namespace:                ingress-nginx
Labels:                   app.kubernetes.io/component=controller
                          app.kubernetes.io/instance=ingress-nginx
                          app.kubernetes.io/name=ingress-nginx
                          app.kubernetes.io/part-of=ingress-nginx
                          app.kubernetes.io/version=1.11.3
Annotations:              <none>
Selector:                 app.kubernetes.io/component=controller,app.kubernetes.io/instance=ingress-nginx,app.kubernetes.io/name=ingress-nginx
Type:                     LoadBalancer
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.110.135
IPs:                      10.96.110.135
Port:                     http  80/TCP
TargetPort:               http/TCP
NodePort:                 http  30534/TCP
Endpoints:                192.168.229.144:80
Port:                     https  443/TCP
TargetPort:               https/TCP
NodePort:                 https  30705/TCP
Endpoints:                192.168.229.144:443
Session Affinity:         None
External Traffic Policy:  Local
Internal Traffic Policy:  Cluster
HealthCheck NodePort:     31480
Events:                   <none>
"""
