"""Unit tests of the describe helpers and of the version-dependent wording, against the
formats in kubernetes/kubectl ``pkg/describe/describe.go`` (commit 365ecee2)."""

from __future__ import annotations

from describe_helpers import DEFAULT_TOLERATIONS, FakeLookup, at, event, model, token_volume

from kubenb.kubectl.describe import describe
from kubenb.kubectl.describe.common import (
    PrefixWriter,
    describe_events,
    go_sort,
    print_annotations_multiline,
    print_labels_multiline,
    print_tolerations_multiline,
)
from kubenb.kubectl.describe.containers import describe_probe
from kubenb.kubectl.describe.generic import camelcase_split, go_float, smart_label_for

NOW = at("2024-05-01T12:00:00Z")


def render(fn) -> str:
    w = PrefixWriter()
    fn(w)
    return w.text()


def bare_pod(**spec_extra):
    spec = {"containers": [{"name": "app", "image": "busybox"}], **spec_extra}
    return model("Pod", {"metadata": {"name": "p", "namespace": "default", "uid": "uid-p",
                                      "creationTimestamp": "2024-05-01T11:00:00Z"},
                         "spec": spec, "status": {"phase": "Pending", "qosClass": "BestEffort"}})


def test_daemonset_pod_tolerations_fragment():
    """the course notes §2.3: the six tolerations the DaemonSet controller adds (no `for Ns`)."""
    keys = ["not-ready", "unreachable", "disk-pressure", "memory-pressure", "pid-pressure", "unschedulable"]
    effects = {"not-ready": "NoExecute", "unreachable": "NoExecute"}
    tolerations = [model("Pod", {"spec": {"tolerations": [
        {"key": f"node.kubernetes.io/{k}", "operator": "Exists", "effect": effects.get(k, "NoSchedule")}
        for k in keys]}}).spec.tolerations][0]
    text = render(lambda w: (w.write(0, "QoS Class:\tBestEffort\n"),
                             print_tolerations_multiline(w, "Tolerations", tolerations, 23)))
    assert text.splitlines()[1:] == [
        "Tolerations:  node.kubernetes.io/disk-pressure:NoSchedule op=Exists",
        "              node.kubernetes.io/memory-pressure:NoSchedule op=Exists",
        "              node.kubernetes.io/not-ready:NoExecute op=Exists",
        "              node.kubernetes.io/pid-pressure:NoSchedule op=Exists",
        "              node.kubernetes.io/unreachable:NoExecute op=Exists",
        "              node.kubernetes.io/unschedulable:NoSchedule op=Exists",
    ]


def test_toleration_forms():
    tolerations = model("Pod", {"spec": {"tolerations": [
        {"operator": "Exists"},
        {"key": "k", "operator": "Equal", "value": "v", "effect": "NoSchedule"},
        {"key": "k2", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60},
    ]}}).spec.tolerations
    lines = render(lambda w: print_tolerations_multiline(w, "Tolerations", tolerations, 32)).splitlines()
    assert [x.split("  ")[-1].strip() for x in lines] == ["op=Exists", "k=v:NoSchedule", "k2:NoExecute op=Exists for 60s"]


def test_go_sort_shell_pass_before_go_1_19():
    """kubectl <= 1.24 (Go <= 1.18) ran a gap-6 pass before insertion sort: not stable."""
    items = [("b", 0), ("a", 1), ("b", 2), ("c", 3), ("c", 4), ("c", 5), ("a", 6)]
    less = lambda x, y: x[0] < y[0]
    assert [i for _, i in go_sort(items, less, 23)] == [6, 1, 2, 0, 3, 4, 5]
    assert [i for _, i in go_sort(items, less, 32)] == [1, 6, 0, 2, 3, 4, 5]


def test_labels_and_annotations():
    long_value = "x" * 140
    text = render(lambda w: (
        print_labels_multiline(w, "Labels", {"b": "2", "a": "1"}),
        print_annotations_multiline(w, "Annotations", {
            "kubectl.kubernetes.io/last-applied-configuration": "{}",
            "multi": "line one\nline two\n", "long": long_value, "short": "v"}),
    ))
    assert text == ("Labels:       a=1\n"
                    "              b=2\n"
                    "Annotations:  long:\n"
                    f"                {'x' * 138}...\n"
                    "              multi:\n"
                    "                line one\n"
                    "                line two\n"
                    "              short: v\n")


def test_events_series_and_empty():
    pod = bare_pod()
    assert render(lambda w: describe_events([], w, NOW, 32)) == "Events:  <none>\n"
    ev = event(pod, "Warning", "BackOff", "  Back-off  ", event_time="2024-05-01T11:50:00.000000Z",
               reporting="kubelet")
    ev.series = model("Event", {"series": {"count": 12, "lastObservedTime": "2024-05-01T11:59:30.000000Z"}}).series
    text = render(lambda w: describe_events([ev], w, NOW, 32))
    assert text.splitlines()[-1] == "  Warning  BackOff  30s (x12 over 10m)  kubelet  Back-off"


def test_projected_volume_optional_wording_by_version():
    pod = bare_pod(volumes=[token_volume("kube-api-access-abcde")])
    v32 = describe(FakeLookup([pod], NOW, 32), pod, show_events=False)
    v33 = describe(FakeLookup([pod], NOW, 33), pod, show_events=False)
    assert "    ConfigMapName:           kube-root-ca.crt\n    ConfigMapOptional:       <nil>\n" in v32
    assert "    ConfigMapName:           kube-root-ca.crt\n    Optional:                false\n" in v33


def test_pod_header_by_version():
    pod = bare_pod(serviceAccountName="default", runtimeClassName="gvisor", priority=0,
                   tolerations=DEFAULT_TOLERATIONS,
                   topologySpreadConstraints=[{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                                               "labelSelector": {"matchLabels": {"app": "web"}}}])
    v24 = describe(FakeLookup([pod], NOW, 24), pod)
    v25 = describe(FakeLookup([pod], NOW, 25), pod)
    assert "Service Account" not in v24 and "Runtime Class Name" not in v24 and "Topology" not in v24
    assert v25.startswith("Name:                p\n"
                          "Namespace:           default\n"
                          "Priority:            0\n"
                          "Runtime Class Name:  gvisor\n"
                          "Service Account:     default\n"
                          "Node:                <none>\n")
    assert ("Topology Spread Constraints:  zone:DoNotSchedule when max skew 1 is exceeded for selector app=web\n"
            "Events:                       <none>\n") in v25


def test_probes():
    c = model("Pod", {"spec": {"containers": [{
        "name": "c",
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http", "host": "::1", "scheme": "HTTPS"},
                          "initialDelaySeconds": 3, "timeoutSeconds": 1, "periodSeconds": 10,
                          "successThreshold": 1, "failureThreshold": 3},
        "readinessProbe": {"grpc": {"port": 9000}, "timeoutSeconds": 2},
    }]}}).spec.containers[0]
    assert describe_probe(c.liveness_probe) == \
        "http-get https://[::1]:http/healthz delay=3s timeout=1s period=10s #success=1 #failure=3"
    assert describe_probe(c.readiness_probe) == \
        "grpc <pod>:9000  delay=0s timeout=2s period=0s #success=0 #failure=0"


def test_container_environment_and_init_containers():
    pod = model("Pod", {
        "metadata": {"name": "env", "namespace": "ns", "uid": "u", "labels": {"b": "2", "a": "1"}},
        "spec": {
            "initContainers": [{"name": "init", "image": "busybox", "command": ["sh", "-c", "echo a\necho b"]}],
            "containers": [{"name": "app", "image": "busybox",
                            "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 53, "protocol": "UDP"}],
                            "envFrom": [{"configMapRef": {"name": "cm"}}, {"prefix": "S_", "secretRef": {"name": "s"}}],
                            "env": [{"name": "PLAIN", "value": "x\ny"},
                                    {"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                               "fieldPath": "metadata.name"}}},
                                    {"name": "NODE", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                                "fieldPath": "spec.nodeName"}}},
                                    {"name": "LABELS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels"}}},
                                    {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
                                    {"name": "PASS", "valueFrom": {"secretKeyRef": {"name": "s", "key": "pw"}}},
                                    {"name": "CFG", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k",
                                                                                       "optional": True}}}],
                            "volumeMounts": [{"name": "v", "mountPath": "/b", "subPath": "sub"},
                                             {"name": "v", "mountPath": "/a", "readOnly": True}]}],
            "volumes": [{"name": "v", "emptyDir": {"sizeLimit": "1Gi"}}],
        },
        "status": {"phase": "Pending"},
    })
    text = describe(FakeLookup([pod], NOW, 32), pod, show_events=False)
    assert ("Init Containers:\n"
            "  init:\n"
            "    Image:      busybox\n"
            "    Port:       <none>\n"
            "    Host Port:  <none>\n"
            "    Command:\n"
            "      sh\n"
            "      -c\n"
            "      echo a\n"
            "      echo b\n"
            "    Environment:  <none>\n"
            "    Mounts:       <none>\n") in text
    assert ("    Ports:       80/TCP, 53/UDP\n"
            "    Host Ports:  0/TCP, 0/UDP\n"
            "    Environment Variables from:\n"
            "      cm  ConfigMap                Optional: false\n"
            "      s   Secret with prefix 'S_'  Optional: false\n"
            "    Environment:\n"
            "      PLAIN:   x\n"
            "               y\n"
            "      POD:     env (v1:metadata.name)\n"  # fieldRef metadata.* values are resolved
            "      NODE:     (v1:spec.nodeName)\n"  # other paths are not (ExtractFieldPathAsString)
            '      LABELS:  a="1"\n'
            'b="2" (:metadata.labels)\n'  # a multi-line value breaks the tabwriter block
            "      CPU:   node allocatable (limits.cpu)\n"
            "      PASS:  <set to the key 'pw' in secret 's'>      Optional: false\n"
            "      CFG:   <set to the key 'k' of config map 'cm'>  Optional: true\n") in text
    assert "      /a from v (ro)\n      /b from v (rw,path=\"sub\")\n" in text
    assert ("    Type:        EmptyDir (a temporary directory that shares a pod's lifetime)\n"
            "    Medium:      \n"
            "    SizeLimit:   1Gi\n"
            "QoS Class:       BestEffort\n") in text


def test_generic_describer():
    assert camelcase_split("PDFLoader") == ["PDF", "Loader"]
    assert camelcase_split("apiVersion") == ["api", "Version"]
    assert smart_label_for("apiVersion") == "API Version"
    assert smart_label_for("creationTimestamp") == "Creation Timestamp"
    assert smart_label_for("holder-identity") == "Holder - Identity"
    assert smart_label_for("x_y") == "x_y"
    assert [go_float(f) for f in (0.5, 1e6, 123456.0, 1e-5, 2.0)] == ["0.5", "1e+06", "123456", "1e-05", "2"]
    cr = model("ControllerRevision", {
        "metadata": {"name": "web-5d4f", "namespace": "default", "uid": "u1", "resourceVersion": "42",
                     "creationTimestamp": "2024-05-01T11:00:00Z", "labels": {"app": "web"}},
        "data": {"spec": {"template": {"$patch": "replace"}}}, "revision": 2,
    }, "apps")
    text = describe(FakeLookup([cr], NOW, 32), cr)
    assert text == ("Name:         web-5d4f\n"
                    "Namespace:    default\n"
                    "Labels:       app=web\n"
                    "Annotations:  <none>\n"
                    "API Version:  apps/v1\n"
                    "Data:\n"
                    "  Spec:\n"
                    "    Template:\n"
                    "      $patch:  replace\n"
                    "Kind:          ControllerRevision\n"
                    "Metadata:\n"
                    "  Creation Timestamp:  2024-05-01T11:00:00Z\n"
                    "  Resource Version:    42\n"
                    "  UID:                 u1\n"
                    "Revision:              2\n"
                    "Events:                <none>\n")


def test_terminating_pod():
    pod = bare_pod()
    pod.metadata.deletion_timestamp = "2024-05-01T11:59:00Z"
    pod.metadata.deletion_grace_period_seconds = 30
    text = describe(FakeLookup([pod], NOW, 32), pod, show_events=False)
    assert "Status:                    Terminating (lasts 60s)\nTermination Grace Period:  30s\n" in text
