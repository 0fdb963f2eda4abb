"""`kubectl rollout`: the course's Rollout section (§9.3) end to end, then each subcommand's errors."""

from __future__ import annotations

import re

import pytest
from course_manifests import NGINX_CM, deploy_v1, deploy_v2, run

from kubenb import Cluster

WAITING = re.compile(r'^Waiting for deployment "nginx-deploy" rollout to finish: (\d+ out of 4 new replicas have been '
                     r"updated|\d+ old replicas are pending termination|\d+ of 4 updated replicas are available)\.\.\.$")
DONE = 'deployment "nginx-deploy" successfully rolled out'

# §9.3 `k rollout history deployment nginx-deploy --revision=2` as the blog shows it (its tabs became
# four spaces), with the pod-template-hash left open.
COURSE_REVISION_2 = """\
deployment.apps/nginx-deploy with revision #2
Pod Template:
  Labels:    app=nginx-deploy
    pod-template-hash={hash}
  Containers:
   nginx:
    Image:    nginx:1.22-alpine
    Port:    80/TCP
    Host Port:    0/TCP
    Environment:    <none>
    Mounts:
      /etc/nginx/conf.d from nginx-conf-vol (rw)
  Volumes:
   nginx-conf-vol:
    Type:    ConfigMap (a volume populated by a ConfigMap)
    Name:    nginx-conf
    Optional:    false
"""


def rs_by_revision(c: Cluster) -> dict[str, object]:
    return {rs.metadata.annotations["deployment.kubernetes.io/revision"]: rs for rs in c.store.list("ReplicaSet", "default")}


def check_status_lines(out: str) -> list[str]:
    lines = out.splitlines()
    assert lines[-1] == DONE
    assert lines[:-1], "a rollout in progress prints at least one waiting line"
    assert all(WAITING.match(line) for line in lines[:-1]), lines
    return lines


@pytest.fixture
def course() -> Cluster:
    c = Cluster("course")
    assert c.apply(NGINX_CM) == "configmap/nginx-conf created\n"
    assert c.apply(deploy_v1()) == "deployment.apps/nginx-deploy created\n"
    c.sleep("30s")
    return c


def test_course_rollout_section(course):
    c = course
    assert run(c, "rollout status deployment nginx-deploy") == (DONE + "\n", "", 0)
    assert c.apply(deploy_v2()) == "deployment.apps/nginx-deploy configured\n"
    t0 = c.clock.now
    out, err, code = run(c, "rollout status deployment nginx-deploy")
    assert (err, code) == ("", 0)
    lines = check_status_lines(out)
    assert lines[0] == 'Waiting for deployment "nginx-deploy" rollout to finish: 2 out of 4 new replicas have been updated...'
    assert any("old replicas are pending termination" in line for line in lines)
    assert c.clock.now - t0 >= 32  # two steps of minReadySeconds: 16 passed in simulated time

    revisions = rs_by_revision(c)
    assert sorted(revisions) == ["1", "2"]
    old, new = revisions["1"], revisions["2"]
    assert (old.spec.replicas, new.spec.replicas) == (0, 4)
    assert run(c, "rollout history deployment nginx-deploy") == (
        "deployment.apps/nginx-deploy \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n", "", 0)
    new_hash = new.metadata.labels["pod-template-hash"]
    out, err, code = run(c, "rollout history deployment nginx-deploy --revision=2")
    assert (err, code) == ("", 0)
    assert "\t" in out  # kubectl writes the template without a tabwriter: literal tabs
    assert out.replace("\t", "    ") == COURSE_REVISION_2.format(hash=new_hash) + "\n"

    # "Uses the old Pod template, but the Revision increments to 3"
    assert run(c, "rollout undo deployment nginx-deploy --to-revision=1") == (
        "deployment.apps/nginx-deploy rolled back\n", "", 0)
    check_status_lines(run(c, "rollout status deployment nginx-deploy")[0])
    after = rs_by_revision(c)
    assert sorted(after) == ["2", "3"]
    assert after["3"].metadata.name == old.metadata.name  # the old ReplicaSet is reused, no new one
    assert after["3"].metadata.annotations["deployment.kubernetes.io/revision-history"] == "1"
    assert (after["3"].spec.replicas, after["2"].spec.replicas) == (4, 0)
    d = c.get("deploy", "nginx-deploy")
    assert d.metadata.annotations["deployment.kubernetes.io/revision"] == "3"
    assert d.spec.template.spec.containers[0].image == "nginx:1.21-alpine"
    assert "kubectl.kubernetes.io/last-applied-configuration" in d.metadata.annotations
    assert run(c, "rollout history deployment nginx-deploy") == (
        "deployment.apps/nginx-deploy \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n", "", 0)
    out = run(c, "rollout history deployment nginx-deploy --revision=3")[0]
    assert out.startswith("deployment.apps/nginx-deploy with revision #3\nPod Template:\n  Labels:\tapp=nginx-deploy\n"
                          f"\tpod-template-hash={old.metadata.labels['pod-template-hash']}\n")
    assert "    Image:\tnginx:1.21-alpine\n" in out


def test_course_change_cause():
    """§9.3 "Annotation": `kubernetes.io/change-cause` is shown by `rollout history`."""
    c = Cluster("course")
    c.apply(NGINX_CM)
    c.apply(deploy_v1("v1, nginx=1.21"))
    c.sleep("30s")
    assert run(c, "rollout history deployment nginx-deploy") == (
        "deployment.apps/nginx-deploy \nREVISION  CHANGE-CAUSE\n1         v1, nginx=1.21\n\n", "", 0)
    c.apply(deploy_v2("v2, nginx=1.22"))
    check_status_lines(run(c, "rollout status deployment nginx-deploy")[0])
    assert run(c, "rollout history deployment nginx-deploy")[0] == (
        "deployment.apps/nginx-deploy \nREVISION  CHANGE-CAUSE\n1         v1, nginx=1.21\n2         v2, nginx=1.22\n\n")
    out = run(c, "rollout history deployment nginx-deploy --revision=2")[0]
    assert "  Annotations:\tkubernetes.io/change-cause: v2, nginx=1.22\n" in out


def test_undo_errors_change_nothing(course):
    c = course
    before = c.get("deploy", "nginx-deploy").metadata.resource_version
    assert run(c, "rollout undo deployment nginx-deploy") == (
        "", 'error: no rollout history found for deployment "nginx-deploy"\n', 1)
    assert run(c, "rollout undo deployment nginx-deploy --to-revision=9") == (
        "", "error: unable to find specified revision 9 in history\n", 1)
    assert run(c, "rollout undo deployment nginx-deploy --to-revision=1") == (
        "deployment.apps/nginx-deploy skipped rollback (current template already matches revision 1)\n", "", 0)
    assert run(c, "rollout history deployment nginx-deploy --revision=9") == (
        "", "error: unable to find the specified revision\n", 1)
    assert c.get("deploy", "nginx-deploy").metadata.resource_version == before


def test_pause_resume_restart(course):
    c = course
    assert run(c, "rollout pause deployment/nginx-deploy") == ("deployment.apps/nginx-deploy paused\n", "", 0)
    assert run(c, "rollout pause deployment/nginx-deploy") == (
        "", 'error: deployments.apps "nginx-deploy" is already paused\n', 1)
    c.apply(deploy_v2())
    # the revision is looked up first, then the pause is checked
    assert run(c, "rollout undo deployment/nginx-deploy") == (
        "", 'error: no rollout history found for deployment "nginx-deploy"\n', 1)
    assert run(c, "rollout undo deployment/nginx-deploy --to-revision=1") == (
        "", "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try "
            "again\n", 1)
    assert run(c, "rollout restart deployment/nginx-deploy") == (
        "", "error: deployments.apps \"nginx-deploy\" can't restart paused deployment (run rollout resume first)\n", 1)
    assert len(c.store.list("ReplicaSet", "default")) == 1  # paused: the new template is not rolled out
    out, err, code = run(c, "rollout status deployment/nginx-deploy --timeout=20s")
    assert (err, code) == ("error: timed out waiting for the condition\n", 1)
    assert out == 'Waiting for deployment "nginx-deploy" rollout to finish: 0 out of 4 new replicas have been updated...\n'
    assert run(c, "rollout resume deployment/nginx-deploy") == ("deployment.apps/nginx-deploy resumed\n", "", 0)
    assert c.get("deploy", "nginx-deploy").spec.paused is None
    assert run(c, "rollout resume deployment/nginx-deploy") == (
        "", 'error: deployments.apps "nginx-deploy" is not paused\n', 1)
    check_status_lines(run(c, "rollout status deployment/nginx-deploy")[0])

    assert run(c, "rollout restart deployment/nginx-deploy") == ("deployment.apps/nginx-deploy restarted\n", "", 0)
    template = c.get("deploy", "nginx-deploy").spec.template
    stamp = template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]
    assert stamp == c.clock.rfc3339()  # RFC 3339, simulated time
    check_status_lines(run(c, "rollout status deployment/nginx-deploy")[0])
    assert sorted(rs_by_revision(c)) == ["1", "2", "3"]


def test_unsupported_kinds(course):
    c = course
    rs = c.store.list("ReplicaSet", "default")[0].metadata.name
    assert run(c, f"rollout status rs/{rs}") == ("", "error: no status viewer has been implemented for ReplicaSet.apps\n", 1)
    assert run(c, f"rollout history rs/{rs}") == (
        "", 'error: no history viewer has been implemented for "ReplicaSet.apps"\n', 1)
    assert run(c, f"rollout undo rs/{rs}") == ("", 'error: no rollbacker has been implemented for "ReplicaSet.apps"\n', 1)
    assert run(c, f"rollout pause rs/{rs}") == ("", f'error: replicasets.apps "{rs}" pausing is not supported\n', 1)
    assert run(c, "rollout status deploy/nope") == ("", 'Error from server (NotFound): deployments.apps "nope" not found\n', 1)


@pytest.mark.parametrize(("cmdline", "stderr"), [
    pytest.param("rollout status", "error: required resource not specified\n", id="status-nothing"),
    pytest.param("rollout history", "error: required resource not specified\n", id="history-nothing"),
    pytest.param("rollout status deploy/nginx-deploy --revision=-1", "error: revision must be a positive integer: -1\n",
                 id="negative-revision"),
    pytest.param("rollout status deploy/nginx-deploy --timeout=x",
                 'error: invalid argument "x" for "--timeout" flag: time: invalid duration "x"\n'
                 "See 'kubectl rollout status --help' for usage.\n", id="bad-timeout"),
    pytest.param("rollout undo deploy/nginx-deploy --dry-run=x",
                 'error: Invalid dry-run value (x). Must be "none", "server", or "client".\n', id="bad-dry-run"),
    pytest.param("rollout foo deploy/nginx-deploy",
                 "error: unknown command \"foo\"\nSee 'kubectl rollout -h' for help and examples\n", id="unknown"),
    pytest.param("rollout status deploy/nginx-deploy --to-revision=1",
                 "error: unknown flag: --to-revision\nSee 'kubectl rollout status --help' for usage.\n",
                 id="sibling-flag"),
])
def test_usage_errors(course, cmdline, stderr):
    assert run(course, cmdline) == ("", stderr, 1)


def test_rollout_without_subcommand_prints_help(course):
    out, err, code = run(course, "rollout")
    assert code == 1 and err == ""
    assert out.startswith("Manage the rollout of one or many resources.\n")
    assert "  undo          Undo a previous rollout\n" in out


def test_undo_dry_run_client_prints_the_template(course):
    c = course
    c.apply(deploy_v2())
    run(c, "rollout status deploy/nginx-deploy")
    before = c.get("deploy", "nginx-deploy").metadata.resource_version
    out = run(c, "rollout undo deploy/nginx-deploy --dry-run=client")[0]
    assert out.startswith("deployment.apps/nginx-deploy Pod Template:\n  Labels:\tapp=nginx-deploy\n")
    assert out.endswith("    Optional:\tfalse\n (dry run)\n")
    assert c.get("deploy", "nginx-deploy").metadata.resource_version == before


def test_several_objects_since_1_24():
    c = Cluster()  # kubectl 1.32: each object is watched in turn
    run(c, "create deployment a --image=nginx")
    run(c, "create deployment b --image=nginx")
    out, err, code = run(c, "rollout status deploy")
    assert (err, code) == ("", 0)
    assert out.splitlines()[-1] == 'deployment "b" successfully rolled out'
    assert 'deployment "a" successfully rolled out' in out.splitlines()
    assert run(c, "rollout status deploy -l app=none") == ("", "No resources found in default namespace.\n", 0)
    assert run(c, "rollout status ds/kube-proxy -n kube-system") == (
        'daemon set "kube-proxy" successfully rolled out\n', "", 0)


def test_one_object_only_in_1_23(course):
    run(course, "create deployment other --image=nginx")
    assert run(course, "rollout status deploy") == (
        "", "error: rollout status is only supported on individual resources and resource collections - 2 resources "
            "were found\n", 1)


def test_history_output_prints_replicasets():
    c = Cluster()
    run(c, "create deployment a --image=nginx:1.25")
    c.sleep(10)
    run(c, "set image deploy/a nginx=nginx:1.26")
    c.sleep(60)
    names = {rs.metadata.annotations["deployment.kubernetes.io/revision"]: rs.metadata.name
             for rs in c.store.list("ReplicaSet", "default")}
    assert run(c, "rollout history deploy/a -o name") == (
        f"replicaset.apps/{names['1']}\nreplicaset.apps/{names['2']}\n", "", 0)
    assert run(c, "rollout history deploy/a --revision=2 -o name") == (f"replicaset.apps/{names['2']}\n", "", 0)
