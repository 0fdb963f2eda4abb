"""The kubelet on real runtime containers: exits and restarts, back-offs, probes, pulls, volumes,
environment, graceful termination -- the behaviours and the words of a real node."""

from __future__ import annotations

import re

import pytest

from kubenb import Cluster


def pod(name: str, body: str) -> str:
    return f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{body}"


def status_of(c: Cluster, name: str) -> tuple:
    """(STATUS, RESTARTS) as `kubectl get pods` prints them."""
    line = next(ln for ln in c.kubectl("get pods").stdout.splitlines() if ln.startswith(name + " "))
    fields = re.split(r"\s{2,}", line)
    return fields[2], fields[3]


def events(c: Cluster, name: str) -> list[tuple[str, str, str, int]]:
    found = [e for e in c.store.list("Event", "default") if e.involved_object.name == name]
    found.sort(key=lambda e: int(e.metadata.name.rsplit(".", 1)[1], 16))  # creation order
    return [(e.type, e.reason, e.message, e.count) for e in found]


def container_status(c: Cluster, name: str, index: int = 0):
    return c.get("Pod", name).status.container_statuses[index]


# ---------------------------------------------------------------------------- probes


LIVENESS_EXEC = pod("liveness-exec", """\
  containers:
  - name: liveness
    image: busybox
    args:
    - /bin/sh
    - -c
    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600
    livenessProbe:
      exec:
        command:
        - cat
        - /tmp/healthy
      initialDelaySeconds: 5
      periodSeconds: 5
""")


def test_the_liveness_exec_example_restarts_when_the_docs_say(cluster):
    """kubernetes.io "Define a liveness command": healthy for 30 s, three failed probes 5 s apart,
    then the kill -- and `sh` as PID 1 ignores SIGTERM, so the restart waits the 30 s grace period."""
    cluster.apply(LIVENESS_EXEC)
    created = cluster.clock.now
    cluster.advance(created + 34 - cluster.clock.now)
    assert [e[1] for e in events(cluster, "liveness-exec")] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    cluster.advance(created + 50 - cluster.clock.now)
    unhealthy = [e for e in events(cluster, "liveness-exec") if e[1] == "Unhealthy"]
    assert unhealthy == [("Warning", "Unhealthy",
                          "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n", 3)]
    assert ("Normal", "Killing", "Container liveness failed liveness probe, will be restarted", 1) in \
        events(cluster, "liveness-exec")
    assert status_of(cluster, "liveness-exec") == ("Running", "0")  # still in its grace period
    cluster.advance(created + 80 - cluster.clock.now)
    state, restarts = status_of(cluster, "liveness-exec")
    assert state == "Running" and restarts.startswith("1 (")
    last = container_status(cluster, "liveness-exec").last_state.terminated
    assert (last.exit_code, last.reason) == (137, "Error")  # SIGKILL after the grace period
    from kubenb.sim.clock import parse_rfc3339

    assert 73 <= parse_rfc3339(last.finished_at) - created <= 78


def test_readiness_failure_takes_the_pod_out_without_restarting_it(cluster):
    cluster.apply(pod("ready", """\
  containers:
  - name: web
    image: nginx:alpine
    readinessProbe:
      httpGet: {path: /healthz, port: 80}
      periodSeconds: 5
"""))
    cluster.sleep(60)
    p = cluster.get("Pod", "ready")
    assert p.status.phase == "Running"
    ready = next(c for c in p.status.conditions if c.type == "Ready")
    assert (ready.status, ready.reason, ready.message) == ("False", "ContainersNotReady",
                                                           "containers with unready status: [web]")
    assert container_status(cluster, "ready").restart_count == 0
    (unhealthy,) = [e for e in events(cluster, "ready") if e[1] == "Unhealthy"]
    assert unhealthy[2] == "Readiness probe failed: HTTP probe failed with statuscode: 404" and unhealthy[3] >= 10


def test_a_tcp_probe_on_a_closed_port_fails_with_connection_refused(course):
    course.apply(pod("tcp", """\
  containers:
  - name: web
    image: nginx:alpine
    livenessProbe:
      tcpSocket: {port: 8080}
      periodSeconds: 10
"""))
    course.sleep(45)
    ip = course.get("Pod", "tcp").status.pod_ip
    messages = {e[2] for e in events(course, "tcp") if e[1] == "Unhealthy"}
    assert messages == {f"Liveness probe failed: dial tcp {ip}:8080: connect: connection refused"}
    assert container_status(course, "tcp").restart_count >= 1


# ---------------------------------------------------------------------------- exits and restarts


STRESS = pod("memory-demo-2", """\
  containers:
  - name: memory-demo-2-ctr
    image: polinux/stress
    resources:
      requests:
        memory: "50Mi"
      limits:
        memory: "100Mi"
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]
""")


def test_oom_killed_then_crash_loop_back_off_with_a_growing_back_off(cluster):
    cluster.apply(STRESS)
    restarts_at: dict[int, float] = {}
    statuses = set()
    start = cluster.clock.now
    while cluster.clock.now < start + 200:
        cluster.advance(1)
        cs = container_status(cluster, "memory-demo-2")
        restarts_at.setdefault(cs.restart_count, cluster.clock.now - start)
        statuses.add(status_of(cluster, "memory-demo-2")[0])
    assert {"OOMKilled", "CrashLoopBackOff"} <= statuses
    assert max(restarts_at) >= 4
    gaps = [restarts_at[i + 1] - restarts_at[i] for i in range(1, 4)]
    # back-off 10s, 20s, 40s (each restart waits for the pod worker's next retry, up to 15 s more)
    assert [10 <= gaps[0] <= 27, 20 <= gaps[1] <= 37, 40 <= gaps[2] <= 57] == [True] * 3
    cs = container_status(cluster, "memory-demo-2")
    assert (cs.last_state.terminated.reason, cs.last_state.terminated.exit_code) == ("OOMKilled", 137)
    assert cs.state.waiting.reason == "CrashLoopBackOff"
    assert re.fullmatch(r"back-off (1m20s|2m40s) restarting failed container=memory-demo-2-ctr "
                        r"pod=memory-demo-2_default\([0-9a-f-]{36}\)", cs.state.waiting.message)
    backoffs = [e for e in events(cluster, "memory-demo-2") if e[1] == "BackOff"]
    assert backoffs[0][2].startswith("Back-off restarting failed container memory-demo-2-ctr in pod memory-demo-2_default(")


def test_the_back_off_starts_again_after_ten_minutes_of_running(course):
    course.apply(pod("flaky", """\
  containers:
  - name: c
    image: busybox
    command: [sh, -c, 'if [ -f /data/ran ]; then sleep 660; exit 1; fi; touch /data/ran; exit 1']
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, emptyDir: {}}]
"""))
    course.sleep(30)
    assert container_status(course, "flaky").restart_count == 1  # exited at once, restarted at once
    course.sleep(700)
    cs = container_status(course, "flaky")
    # it ran 11 minutes before failing again: the kubelet restarts it without waiting (a fresh back-off)
    assert cs.restart_count == 2 and cs.state.running is not None


@pytest.mark.parametrize(("policy", "code", "phase", "shown"), [
    ("Never", 0, "Succeeded", "Completed"),
    ("Never", 2, "Failed", "Error"),
    ("OnFailure", 0, "Succeeded", "Completed"),
])  # fmt: skip
def test_restart_policy_and_the_pod_phase(course, policy, code, phase, shown):
    course.apply(pod("job", f"""\
  restartPolicy: {policy}
  containers: [{{name: c, image: busybox, command: [sh, -c, 'echo done; exit {code}']}}]
"""))
    course.sleep(20)
    p = course.get("Pod", "job")
    assert p.status.phase == phase
    assert status_of(course, "job") == (shown, "0")
    term = p.status.container_statuses[0].state.terminated
    assert term.exit_code == code and term.reason == shown
    ready = next(c for c in p.status.conditions if c.type == "Ready")
    assert (ready.status, ready.reason) == ("False", "PodCompleted" if phase == "Succeeded" else "ContainersNotReady")
    assert course.kubelet.sandbox_for_ip(p.status.pod_ip) is None  # the sandbox is gone, its IP released


def test_on_failure_restarts_a_failing_container(course):
    course.apply(pod("retry", "  restartPolicy: OnFailure\n  containers: [{name: c, image: busybox, "
                              "command: [sh, -c, 'exit 3']}]\n"))
    course.sleep(40)
    cs = container_status(course, "retry")
    assert cs.restart_count >= 2 and course.get("Pod", "retry").status.phase == "Running"
    assert cs.last_state.terminated.exit_code == 3 and cs.last_state.terminated.reason == "Error"


def test_the_termination_message(course):
    course.apply(pod("msg", """\
  restartPolicy: Never
  containers:
  - {name: a, image: busybox, command: [sh, -c, 'echo "bye" > /dev/termination-log; exit 1']}
  - {name: b, image: busybox, command: [sh, -c, 'echo from the log; exit 4'], terminationMessagePolicy: FallbackToLogsOnError}
"""))
    course.sleep(20)
    a, b = course.get("Pod", "msg").status.container_statuses
    assert a.state.terminated.message == "bye\n"
    assert b.state.terminated.message == "from the log\n"


# ---------------------------------------------------------------------------- init containers


def test_init_containers_run_in_order_before_the_containers(course):
    course.apply(pod("init", """\
  initContainers:
  - {name: first, image: busybox, command: [sh, -c, 'sleep 4; echo one > /work/log']}
  - {name: second, image: busybox, command: [sh, -c, 'sleep 4; echo two >> /work/log']}
  containers:
  - {name: app, image: busybox, command: [sh, -c, 'cat /work/log; sleep 3600'], volumeMounts: [{name: w, mountPath: /work}]}
  volumes: [{name: w, emptyDir: {}}]
""").replace("command: [sh, -c, 'sleep 4; echo one > /work/log']}",
             "command: [sh, -c, 'sleep 4; echo one > /work/log'], volumeMounts: [{name: w, mountPath: /work}]}")
       .replace("command: [sh, -c, 'sleep 4; echo two >> /work/log']}",
                "command: [sh, -c, 'sleep 4; echo two >> /work/log'], volumeMounts: [{name: w, mountPath: /work}]}"))
    seen = []
    for _ in range(16):
        course.advance(1)
        state = status_of(course, "init")[0]
        if not seen or seen[-1] != state:
            seen.append(state)
    assert seen[:2] == ["Init:0/2", "Init:1/2"] and seen[-1] == "Running"
    assert set(seen) <= {"Init:0/2", "Init:1/2", "PodInitializing", "Running"}
    assert course.kubectl("logs init").stdout == "one\ntwo\n"


def test_a_failing_init_container_with_restart_never_fails_the_pod(course):
    course.apply(pod("badinit", """\
  restartPolicy: Never
  initContainers: [{name: check, image: busybox, command: [sh, -c, 'exit 1']}]
  containers: [{name: app, image: nginx:alpine}]
"""))
    course.sleep(15)
    assert course.get("Pod", "badinit").status.phase == "Failed"
    assert status_of(course, "badinit") == ("Init:Error", "0")


# ---------------------------------------------------------------------------- pulls


def test_a_tag_that_does_not_exist_cannot_be_pulled(cluster):
    cluster.apply(pod("nope", "  containers: [{name: c, image: 'nginx:nope'}]\n"))
    rows = cluster.kubectl("get po -w --request-timeout=45s").stdout.splitlines()
    states = [re.split(r"\s{2,}", r)[2] for r in rows[1:]]
    assert states[:3] == ["ContainerCreating", "ErrImagePull", "ImagePullBackOff"]
    reasons = [(e[1], e[2]) for e in events(cluster, "nope")]
    error = ('Failed to pull image "nginx:nope": rpc error: code = NotFound desc = failed to pull and unpack image '
             '"docker.io/library/nginx:nope": failed to resolve reference "docker.io/library/nginx:nope": '
             "docker.io/library/nginx:nope: not found")
    assert reasons[1:6] == [("Pulling", 'Pulling image "nginx:nope"'), ("Failed", error), ("Failed", "Error: ErrImagePull"),
                            ("BackOff", 'Back-off pulling image "nginx:nope"'), ("Failed", "Error: ImagePullBackOff")]


def test_the_course_runtime_words_a_missing_tag_its_own_way(course):
    course.apply(pod("nope", "  containers: [{name: c, image: 'nginx:nope'}]\n"))
    course.sleep(10)
    msgs = [e[2] for e in events(course, "nope") if e[1] == "Failed"]
    assert msgs[0] == ('Failed to pull image "nginx:nope": rpc error: code = Unknown desc = Error response from daemon: '
                       "manifest for nginx:nope not found: manifest unknown: manifest unknown")
    assert container_status(course, "nope").state.waiting.message in (
        'Back-off pulling image "nginx:nope"',
        "rpc error: code = Unknown desc = Error response from daemon: manifest for nginx:nope not found: "
        "manifest unknown: manifest unknown")


def test_an_invalid_image_name_is_never_pulled(course):
    course.apply(pod("bad", "  containers: [{name: c, image: 'Nginx'}]\n"))
    course.sleep(10)
    waiting = container_status(course, "bad").state.waiting
    assert waiting.reason == "InvalidImageName"
    assert waiting.message == ('Failed to apply default image tag "Nginx": couldn\'t parse image reference "Nginx": '
                               "invalid reference format: repository name must be lowercase")


def test_image_pull_policy_never_and_always(course):
    course.apply(pod("never", "  containers: [{name: c, image: 'redis:7', imagePullPolicy: Never}]\n") + "---\n" +
                 pod("always", "  containers: [{name: c, image: 'nginx:alpine', imagePullPolicy: Always}]\n"))
    course.sleep(15)
    assert container_status(course, "never").state.waiting.reason == "ErrImageNeverPull"
    assert ("Warning", "ErrImageNeverPull", 'Container image "redis:7" is not present with pull policy of Never') in \
        [e[:3] for e in events(course, "never")]
    pulled = [e[2] for e in events(course, "always") if e[1] == "Pulled"]
    assert re.fullmatch(r'Successfully pulled image "nginx:alpine" in [0-9.]+m?s', pulled[0])  # v1.23's words


# ---------------------------------------------------------------------------- config, volumes, environment


def test_a_missing_config_map_blocks_the_mount_until_it_exists(course):
    course.apply(pod("needs-cm", """\
  volumes: [{name: v, configMap: {name: later}}]
  containers: [{name: c, image: nginx:alpine, volumeMounts: [{name: v, mountPath: /cfg}]}]
"""))
    course.sleep(20)
    assert status_of(course, "needs-cm")[0] == "ContainerCreating"
    (failed,) = [e for e in events(course, "needs-cm") if e[1] == "FailedMount"]
    assert failed[2] == 'MountVolume.SetUp failed for volume "v" : configmap "later" not found' and failed[3] > 3
    course.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: later}\ndata: {key: value}\n")
    course.sleep(5)
    assert status_of(course, "needs-cm")[0] == "Running"


def test_environment_from_the_downward_api_config_maps_and_secrets(course):
    course.apply("""\
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {color: blue, size: L}
---
apiVersion: v1
kind: Secret
metadata: {name: pw}
stringData: {password: s3cret}
---
""" + pod("env", """\
  containers:
  - name: c
    image: busybox
    command: [sleep, '3600']
    envFrom: [{configMapRef: {name: cfg}, prefix: CFG_}]
    env:
    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: pw, key: password}}}
    - {name: GREETING, value: 'hello $(POD) on $(NODE), $$(NOT)'}
"""))
    course.sleep(10)
    worker = course.kubelet.worker(course.get("Pod", "env"))
    env = dict(worker.main_runs[0].current.container.spec.env)
    assert env["CFG_color"] == "blue" and env["CFG_size"] == "L" and env["PASSWORD"] == "s3cret"
    assert env["GREETING"] == "hello env on mac-worker, $(NOT)"
    assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1" and env["KUBERNETES_PORT_443_TCP"] == "tcp://10.96.0.1:443"


def test_a_missing_key_is_create_container_config_error(course):
    course.apply(pod("cfgerr", """\
  containers:
  - name: c
    image: busybox
    command: [sleep, '3600']
    env: [{name: X, valueFrom: {configMapKeyRef: {name: nothere, key: k}}}]
"""))
    course.sleep(30)
    waiting = container_status(course, "cfgerr").state.waiting
    assert (waiting.reason, waiting.message) == ("CreateContainerConfigError", 'configmap "nothere" not found')
    failed = [e for e in events(course, "cfgerr") if e[1] == "Failed"]
    assert failed[0][2] == 'Error: configmap "nothere" not found' and failed[0][3] >= 2  # retried every 10-15 s


def test_empty_dir_is_shared_and_outlives_a_container_restart(course):
    course.apply(pod("shared", """\
  volumes: [{name: scratch, emptyDir: {}}]
  containers:
  - name: writer
    image: busybox
    command: [sh, -c, 'echo $(date +%s) >> /scratch/boots; sleep 5; exit 1']
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  - name: reader
    image: busybox
    command: [sleep, '3600']
    volumeMounts: [{name: scratch, mountPath: /data}]
"""))
    course.sleep(40)
    worker = course.kubelet.worker(course.get("Pod", "shared"))
    reader = worker.by_name("reader").current.container
    proc = reader.exec(["cat", "/data/boots"])
    assert len(proc.stdout_buffer.text.splitlines()) >= 2  # each restart of the writer appended a line


def test_host_path_lands_on_the_node(course):
    manifest = pod("{name}", """\
  nodeName: mac-worker
  volumes: [{name: h, hostPath: {path: /srv/data, type: DirectoryOrCreate}}]
  containers:
  - {name: c, image: busybox, command: [sh, -c, 'echo from-{name} > /data/{name}; sleep 3600'],
     volumeMounts: [{name: h, mountPath: /data}]}
""")
    course.apply(manifest.replace("{name}", "a") + "---\n" + manifest.replace("{name}", "b"))
    course.sleep(10)
    fs = course.kubelet.host_filesystem("mac-worker")
    assert fs.listdir("/srv/data") == ["a", "b"] and fs.read_text("/srv/data/a") == "from-a\n"
    with pytest.raises(Exception):  # noqa: B017
        course.kubelet.host_filesystem("mac-master").read_text("/srv/data/a")


def test_the_pod_sandbox_dns_and_hostname(course):
    course.apply(pod("dns", "  hostname: web\n  subdomain: svc\n  containers: [{name: c, image: nginx:alpine}]\n"))
    course.sleep(10)
    p = course.get("Pod", "dns")
    box = course.kubelet.sandbox_for_ip(p.status.pod_ip)
    assert box is not None and box.hostname == "web" and box.fqdn == "web.svc.default.svc.cluster.local"
    assert box.resolv_conf() == ("nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local "
                                 "cluster.local\noptions ndots:5\n")
    assert course.kubelet.sandboxes_for_ip("192.168.191.146")  # the host-network pods (kube-proxy, flannel)


def test_a_config_map_update_reaches_the_volume_later(course):
    course.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {k: one}\n---\n" +
                 pod("reader", "  volumes: [{name: v, configMap: {name: cm}}]\n  containers: [{name: c, image: "
                               "nginx:alpine, volumeMounts: [{name: v, mountPath: /cfg}]}]\n"))
    course.sleep(10)
    container = course.kubelet.worker(course.get("Pod", "reader")).main_runs[0].current.container
    assert container.fs.read_text("/cfg/k") == "one"
    course.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {k: two}\n")
    course.sleep(5)
    assert container.fs.read_text("/cfg/k") == "one"  # the kubelet's periodic sync has not come yet
    course.sleep(90)
    assert container.fs.read_text("/cfg/k") == "two"


# ---------------------------------------------------------------------------- termination


def test_deleting_a_pod_whose_pid_1_ignores_sigterm_waits_the_grace_period(course):
    course.apply(pod("sleeper", "  containers: [{name: c, image: busybox, command: [sleep, '3600']}]\n"))
    course.sleep(10)
    before = course.clock.now
    assert course.kubectl("delete pod sleeper").stdout == 'pod "sleeper" deleted\n'
    took = course.clock.now - before
    assert 30 <= took <= 33  # SIGKILL after terminationGracePeriodSeconds
    assert ("Normal", "Killing", "Stopping container c", 1) in events(course, "sleeper")


def test_nginx_stops_at_once_and_a_pre_stop_hook_runs_first(course):
    course.apply(pod("hooked", """\
  containers:
  - name: c
    image: nginx:alpine
    lifecycle:
      preStop:
        exec: {command: [sh, -c, 'sleep 5']}
"""))
    course.sleep(10)
    before = course.clock.now
    course.kubectl("delete pod hooked")
    assert 5 <= course.clock.now - before <= 9  # the hook's 5 s, then SIGQUIT: nginx quits gracefully


def test_active_deadline_seconds_fails_the_pod(course):
    course.apply(pod("deadline", "  activeDeadlineSeconds: 10\n  containers: [{name: c, image: busybox, "
                                 "command: [sleep, '3600']}]\n"))
    course.sleep(45)
    p = course.get("Pod", "deadline")
    assert (p.status.phase, p.status.reason) == ("Failed", "DeadlineExceeded")
    assert p.status.message == "Pod was active on the node longer than the specified deadline"


def test_a_pod_bigger_than_every_node_stays_pending(cluster):
    cluster.apply(pod("huge", "  containers: [{name: c, image: nginx:alpine, resources: {requests: "
                              "{memory: 1000Gi}}}]\n"))
    cluster.sleep(30)
    p = cluster.get("Pod", "huge")
    assert p.status.phase == "Pending" and not p.spec.node_name and not p.status.container_statuses
    assert cluster.kubectl("get pods").stdout.splitlines()[1].split()[2] == "Pending"
    assert cluster.kubelet.worker(p) is None


def test_secret_and_downward_api_volumes_are_read_only_files(course):
    course.apply("""\
apiVersion: v1
kind: Secret
metadata: {name: creds}
data: {user: YWRtaW4=}
---
""" + pod("files", """\
  volumes:
  - {name: s, secret: {secretName: creds}}
  - name: info
    downwardAPI:
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: name, fieldRef: {fieldPath: metadata.name}}
  containers:
  - name: c
    image: busybox
    command: [sleep, '3600']
    volumeMounts: [{name: s, mountPath: /etc/creds}, {name: info, mountPath: /etc/podinfo}]
""").replace("metadata:\n  name: files", "metadata:\n  name: files\n  labels: {app: demo, tier: web}"))
    course.sleep(10)
    container = course.kubelet.worker(course.get("Pod", "files")).main_runs[0].current.container
    assert container.fs.read_text("/etc/creds/user") == "admin"
    assert container.fs.read_text("/etc/podinfo/labels") == 'app="demo"\ntier="web"'
    assert container.fs.read_text("/etc/podinfo/name") == "files"
    proc = container.exec(["sh", "-c", "echo x > /etc/creds/user"])
    course.advance(1)
    assert proc.exit_code == 1 and "Read-only file system" in proc.stderr_buffer.text
