"""kubectl's node verbs on real containers: exec, logs, top, cordon, uncordon, drain, taint."""

from __future__ import annotations

import re

import pytest

from kubenb import Cluster

NGINX_CONF = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-conf
data:
  default.conf: |
    server {
      listen 80;
      location = /ready {
        return 200 'I am ready';
      }
    }
---
apiVersion: v1
kind: Pod
metadata:
  name: nginx-pod
spec:
  volumes:
  - name: nginx-conf-vol
    configMap:
      name: nginx-conf
  containers:
  - name: nginx
    image: nginx:alpine
    volumeMounts:
    - name: nginx-conf-vol
      mountPath: /etc/nginx/conf.d
"""

TWO = """\
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  initContainers: [{name: setup, image: busybox, command: [sh, -c, 'echo setting up']}]
  containers:
  - {name: web, image: nginx:alpine}
  - {name: side, image: busybox, command: [sh, -c, 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 5; done']}
"""

CRASH = """\
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers: [{name: c, image: busybox, command: [sh, -c, 'echo run $HOSTNAME; exit 1']}]
"""

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
      containers: [{name: nginx, image: nginx:alpine}]
"""


def run(c: Cluster, cmd: str, stdin: str | None = None) -> tuple[str, str, int]:
    r = c.kubectl(cmd, stdin)
    return r.stdout, r.stderr, r.returncode


@pytest.fixture
def nginx(course) -> Cluster:
    course.apply(NGINX_CONF)
    course.sleep(10)
    return course


# ---------------------------------------------------------------------------- exec


def test_exec_shows_the_config_map_the_pod_mounts(nginx):
    out, err, code = run(nginx, "exec nginx-pod -- cat /etc/nginx/conf.d/default.conf")
    assert (out, err, code) == ("server {\n  listen 80;\n  location = /ready {\n    return 200 'I am ready';\n  }\n}\n",
                                "", 0)
    listing = run(nginx, "exec nginx-pod -- ls -la /etc/nginx/conf.d")[0].splitlines()
    # the target is os.MkdirTemp's: the time, then a random uint32 in decimal (of any length)
    link = re.fullmatch(r"lrwxrwxrwx +1 root +root +(\d+) \w{3} \d\d \d\d:\d\d \.\.data -> (\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+)",
                        listing[4])
    assert link is not None and int(link[1]) == len(link[2])
    assert listing[5].endswith("default.conf -> ..data/default.conf")
    out, err, code = run(nginx, "exec nginx-pod -- touch /etc/nginx/conf.d/x")
    assert (err, code) == ("touch: /etc/nginx/conf.d/x: Read-only file system\ncommand terminated with exit code 1\n", 1)


def test_exec_a_shell_line(nginx):
    assert run(nginx, "exec nginx-pod -- sh -c 'echo hi > /tmp/x; cat /tmp/x'") == ("hi\n", "", 0)
    assert run(nginx, "exec nginx-pod -- sh -c 'echo out; echo err >&2; exit 3'") == (
        "out\n", "err\ncommand terminated with exit code 3\n", 3)


@pytest.mark.parametrize(("profile", "expected"), [
    ("course", ('OCI runtime exec failed: exec failed: unable to start container process: exec: "foo": executable file '
                "not found in $PATH: unknown\ncommand terminated with exit code 126\n", 126)),
    ("kubeadm", ("error: Internal error occurred: error executing command in container: failed to exec in container: "
                 'failed to start exec "<ID>": OCI runtime exec failed: exec failed: unable to start container process: '
                 'exec: "foo": executable file not found in $PATH: unknown\n', 1)),
])  # fmt: skip
def test_exec_of_a_missing_binary(profile, expected):
    c = Cluster(profile)
    c.apply(NGINX_CONF)
    c.sleep(10)
    out, err, code = run(c, "exec nginx-pod -- foo")
    assert out == "" and (re.sub(r'"[0-9a-f]{64}"', '"<ID>"', err), code) == expected


def test_exit_codes_126_and_127(nginx):
    """The runtime cannot start what is not there (126, said by runc); a shell cannot find a
    command (127, said by the shell); a command's own failure keeps its code."""
    assert run(nginx, "exec nginx-pod -- sh -c foo") == ("", "sh: foo: not found\ncommand terminated with exit code 127\n",
                                                         127)
    assert run(nginx, "exec nginx-pod -- /etc/nginx/conf.d/default.conf")[1:] == (
        'OCI runtime exec failed: exec failed: unable to start container process: exec: '
        '"/etc/nginx/conf.d/default.conf": permission denied: unknown\ncommand terminated with exit code 126\n', 126)
    assert run(nginx, "exec nginx-pod -- cat /nope") == (
        "", "cat: can't open '/nope': No such file or directory\ncommand terminated with exit code 1\n", 1)
    assert run(nginx, "exec nginx-pod -- ls /tmp") == ("", "", 0)  # nothing was changed by the failures


def test_exec_errors_in_kubectls_words(nginx):
    nginx.apply(CRASH)
    nginx.sleep(20)
    assert run(nginx, "exec nope -- ls") == ("", 'Error from server (NotFound): pods "nope" not found\n', 1)
    assert run(nginx, "exec nginx-pod -c nope -- ls") == (
        "", "Error from server (BadRequest): container nope is not valid for pod nginx-pod\n", 1)
    assert run(nginx, "exec crash -- ls") == ("", 'error: unable to upgrade connection: container not found ("c")\n', 1)
    assert run(nginx, "exec nginx-pod ls") == ("", "error: exec [POD] [COMMAND] is not supported anymore. Use exec "
                                                   "[POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and "
                                                   "examples\n", 1)
    assert run(nginx, "exec nginx-pod --")[1] == "error: you must specify at least one command for the container\n"


def test_exec_into_a_completed_pod(course):
    course.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: done}\nspec:\n  restartPolicy: Never\n  containers: "
                 "[{name: c, image: busybox, command: ['true']}]\n")
    course.sleep(15)
    assert run(course, "exec done -- ls") == (
        "", "error: cannot exec into a container in a completed pod; current phase is Succeeded\n", 1)


def test_exec_defaults_to_the_first_container_and_says_so(course):
    course.apply(TWO)
    course.sleep(20)
    out, err, code = run(course, "exec two -- hostname")
    assert (out, err, code) == ("two\n", 'Defaulted container "web" out of: web, side, setup (init)\n', 0)
    assert run(course, "exec two -c side -- hostname") == ("two\n", "", 0)


def test_exec_with_stdin_and_a_terminal(nginx):
    assert run(nginx, "exec -i nginx-pod -- cat", "line one\nline two\n") == ("line one\nline two\n", "", 0)
    out, err, code = run(nginx, "exec -it nginx-pod -- sh", "hostname\nexit 4\n")
    assert (out, err, code) == ("/ # hostname\nnginx-pod\n/ # exit 4\n", "command terminated with exit code 4\n", 4)


def test_exec_lets_simulated_time_pass(nginx):
    before = nginx.clock.now
    assert run(nginx, "exec nginx-pod -- sleep 7")[2] == 0
    assert nginx.clock.now - before == pytest.approx(7 + nginx.pace, abs=0.01)


def test_exec_into_a_workload_picks_a_running_pod(course):
    course.apply(DEPLOY)
    course.sleep(20)
    out, _, code = run(course, "exec deploy/web -- hostname")
    assert code == 0 and out.startswith("web-")


# ---------------------------------------------------------------------------- logs


def test_logs_of_a_pod_that_never_started(course):
    course.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers: [{name: c, image: "
                 "'wordpress:6'}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: nope}\nspec:\n  containers: "
                 "[{name: c, image: 'nginx:nope'}]\n")
    course.sleep(3)  # a 740 MB pull takes a while
    assert run(course, "logs big")[1] == ('Error from server (BadRequest): container "c" in pod "big" is waiting to '
                                          "start: ContainerCreating\n")
    course.sleep(15)
    assert run(course, "logs nope")[1] in (
        'Error from server (BadRequest): container "c" in pod "nope" is waiting to start: image can\'t be pulled\n',
        'Error from server (BadRequest): container "c" in pod "nope" is waiting to start: trying and failing to pull '
        "image\n")
    course.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: huge}\nspec:\n  containers: [{name: c, image: "
                 "nginx:alpine, resources: {requests: {cpu: '64'}}}]\n")
    assert run(course, "logs huge") == ("", "", 0)  # not scheduled: nothing to show


def test_logs_previous_tail_and_timestamps(course):
    course.apply(CRASH + "---\n" + TWO)
    course.sleep(30)
    out, err, code = run(course, "logs crash --previous")
    assert (out, err, code) == ("run crash\n", "", 0)
    course.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: fresh}\nspec:\n  containers: [{name: c, image: busybox, "
                 "command: [sleep, '99']}]\n")
    course.sleep(5)
    assert run(course, "logs fresh -p")[1] == ('Error from server (BadRequest): previous terminated container "c" in '
                                               'pod "fresh" not found\n')
    out = run(course, "logs two -c side --tail 2 --timestamps")[0].splitlines()
    assert len(out) == 2
    assert all(re.fullmatch(r"2023-06-17T15:1\d:\d\d\.\d{9}Z tick \d+", line) for line in out)
    assert run(course, "logs two -c nope")[1] == "Error from server (BadRequest): container nope is not valid for pod two\n"
    out, err, _ = run(course, "logs two")
    assert err == 'Defaulted container "web" out of: web, side, setup (init)\n' and "nginx/1.23.4" in out
    assert run(course, "logs two -c setup")[0] == "setting up\n"


def test_logs_of_a_deployment_and_by_selector(course):
    course.apply(DEPLOY)
    course.sleep(20)
    out, err, code = run(course, "logs deploy/web")
    assert code == 0 and re.fullmatch(r"Found 2 pods, using pod/web-\w+-\w+\n", err) and "start worker" in out
    out = run(course, "logs -l app=web")[0]
    assert len(out.splitlines()) == 20  # --tail defaults to 10 per pod with a selector


def test_logs_follow_for_a_while(course):
    course.apply(TWO)
    course.sleep(12)
    before = course.clock.now
    out = run(course, "logs two -c side -f --tail 1")[0].splitlines()
    assert course.clock.now - before >= 60
    ticks = [int(line.split()[1]) for line in out]
    assert ticks == list(range(ticks[0], ticks[0] + len(ticks))) and len(ticks) >= 12


# ---------------------------------------------------------------------------- top


def test_top_needs_metrics_server(course):
    assert run(course, "top pod") == ("", "error: Metrics API not available\n", 1)
    assert run(course, "top node") == ("", "error: Metrics API not available\n", 1)


def test_top_with_metrics(course):
    course.apply("""\
apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  containers:
  - {name: c, image: polinux/stress, command: [stress], args: [--cpu, '1', --vm, '1', --vm-bytes, 50M],
     resources: {limits: {cpu: 200m, memory: 100Mi}}}
""")
    course.sleep(20)
    course.kubelet.metrics_server = True
    out = run(course, "top pod")[0]
    assert re.fullmatch(r"NAME   CPU\(cores\)   MEMORY\(bytes\)   \nhog    200m         5\dMi            \n", out)
    node = run(course, "top node")[0].splitlines()
    assert node[0] == "NAME         CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%   "
    assert node[2].startswith("mac-worker   245m         12%")


# ---------------------------------------------------------------------------- nodes


def test_cordon_and_uncordon(course):
    assert run(course, "cordon mac-worker") == ("node/mac-worker cordoned\n", "", 0)
    assert course.get("Node", "mac-worker", "").spec.unschedulable is True
    assert run(course, "cordon mac-worker")[0] == "node/mac-worker already cordoned\n"
    assert run(course, "uncordon mac-worker") == ("node/mac-worker uncordoned\n", "", 0)
    assert run(course, "uncordon mac-worker")[0] == "node/mac-worker already uncordoned\n"
    assert run(course, "cordon nope")[1] == 'Error from server (NotFound): nodes "nope" not found\n'


def test_drain(course):
    course.apply(DEPLOY + "---\n" + CRASH)
    course.sleep(20)
    out, err, code = run(course, "drain mac-worker")
    flannel, proxy = sorted(f"{p.metadata.namespace}/{p.metadata.name}" for p in course.store.pods_on_node("mac-worker")
                            if p.metadata.owner_references and p.metadata.owner_references[0].kind == "DaemonSet")
    failure = (f"[cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {flannel}, {proxy}, "
               "cannot delete Pods declare no controller (use --force to override): default/crash]")
    assert (out, code) == ("node/mac-worker cordoned\n", 1)
    assert err == (f'error: unable to drain node "mac-worker" due to error:{failure}, continuing command...\n'
                   f"There are pending nodes to be drained:\n mac-worker\n{failure}\n")
    out, err, code = run(course, "drain mac-worker --ignore-daemonsets --force")
    assert code == 0
    assert err == ("WARNING: deleting Pods that declare no controller: default/crash; ignoring DaemonSet-managed Pods: "
                   f"{flannel}, {proxy}\n")
    lines = out.splitlines()
    assert lines[0] == "node/mac-worker already cordoned" and lines[-1] == "node/mac-worker drained"
    assert sorted(ln for ln in lines if ln.startswith("evicting")) == sorted(
        ["evicting pod default/crash"] + [f"evicting pod default/{p}" for p in ln_pods(lines)])
    assert not [p for p in course.store.pods_on_node("mac-worker") if p.metadata.namespace == "default"]


def ln_pods(lines: list[str]) -> list[str]:
    return [ln.split()[0][4:] for ln in lines if ln.startswith("pod/web-") and ln.endswith(" evicted")]


def test_taint(course):
    assert run(course, "taint nodes mac-worker dedicated=web:NoSchedule") == ("node/mac-worker tainted\n", "", 0)
    taints = course.get("Node", "mac-worker", "").spec.taints
    assert [(t.key, t.value, t.effect) for t in taints] == [("dedicated", "web", "NoSchedule")]
    assert run(course, "taint nodes mac-worker dedicated=web:NoSchedule")[1] == (
        "error: node mac-worker already has dedicated taint(s) with same effect(s) and --overwrite is false\n")
    assert run(course, "taint nodes mac-worker dedicated=db:NoSchedule --overwrite")[0] == "node/mac-worker modified\n"
    assert run(course, "taint nodes mac-worker dedicated:NoSchedule-")[0] == "node/mac-worker untainted\n"
    assert run(course, "taint nodes mac-worker dedicated:NoSchedule-")[1] == 'error: taint "dedicated:NoSchedule" not found\n'
    assert run(course, "taint nodes mac-worker a=b:Sometimes")[1] == (
        "error: invalid taint effect: Sometimes, unsupported taint effect\n")
