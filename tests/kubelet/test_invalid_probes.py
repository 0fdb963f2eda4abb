"""An invalid probe is refused by the API server in its own words (`validateProbe`), and nothing
is created."""

from __future__ import annotations

import pytest

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:alpine\n"


@pytest.mark.parametrize(("probe", "error"), [
    pytest.param("livenessProbe: {exec: {command: [cat, /x]}, successThreshold: 2}",
                 "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1", id="liveness-success"),
    pytest.param("startupProbe: {exec: {command: [cat, /x]}, successThreshold: 3}",
                 "spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1", id="startup-success"),
    pytest.param("livenessProbe: {exec: {command: [cat, /x]}, tcpSocket: {port: 80}}",
                 "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
                 id="two-handlers"),
    pytest.param("readinessProbe: {periodSeconds: 5}",
                 "spec.containers[0].readinessProbe: Required value: must specify a handler type", id="no-handler"),
    pytest.param("startupProbe: {httpGet: {port: 0}}",
                 "spec.containers[0].startupProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, "
                 "inclusive", id="port-zero"),
    pytest.param("livenessProbe: {grpc: {port: 70000}}",
                 "spec.containers[0].livenessProbe.grpc.port: Invalid value: 70000: must be between 1 and 65535, "
                 "inclusive", id="grpc-port"),
    pytest.param("livenessProbe: {exec: {}}", "spec.containers[0].livenessProbe.exec.command: Required value",
                 id="exec-without-command"),
    pytest.param("readinessProbe: {tcpSocket: {port: 80}, terminationGracePeriodSeconds: 5}",
                 "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set "
                 "for readinessProbes", id="readiness-grace"),
])
@pytest.mark.parametrize("profile", ["course", "kubeadm"])
def test_an_invalid_probe_is_refused(request, profile, probe, error):
    c = request.getfixturevalue("course" if profile == "course" else "cluster")
    r = c.kubectl("apply -f -", POD + "    " + probe + "\n")
    assert (r.returncode, r.stdout, r.stderr) == (1, "", f'The Pod "p" is invalid: {error}\n')
    assert c.store.try_get("Pod", "default", "p") is None


def test_every_broken_rule_is_listed(course):
    r = course.kubectl("apply -f -", POD + "    livenessProbe: {tcpSocket: {port: http_x}, periodSeconds: -1}\n")
    assert r.stderr == (
        'The Pod "p" is invalid: \n'
        '* spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: "http_x": must contain only alpha-numeric '
        "characters (a-z, 0-9), and hyphens (-)\n"
        "* spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0\n")
    assert course.kubectl("get pods").stderr == "No resources found in default namespace.\n"
