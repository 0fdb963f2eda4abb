"""A CPU limit is a CFS quota: a busy container gets no more than its limit, so the same work
takes longer (kubernetes.io "Assign CPU Resources": the container is throttled, not killed)."""

from __future__ import annotations

import pytest

from kubenb import Cluster

COUNTER = """\
apiVersion: v1
kind: Pod
metadata: {{name: counter}}
spec:
  containers:
  - name: c
    image: busybox
    command: [sh, -c, 'i=0; while [ $i -lt 1000 ]; do i=$((i+1)); done; echo done; sleep 3600']
{resources}"""


def seconds_until_done(resources: str) -> float:
    c = Cluster("course", pace=0)
    c.apply(COUNTER.format(resources=resources))
    start = c.clock.now
    while "done" not in c.kubectl("logs counter").stdout:
        assert c.clock.now - start < 600
        c.advance(0.5)
    return c.clock.now - start


def test_the_same_loop_takes_ten_times_longer_under_a_100m_limit():
    free = seconds_until_done("")
    throttled = seconds_until_done("    resources: {limits: {cpu: 100m}}\n")
    # the loop's own CPU time (9 s) is stretched 10x; starting the container costs the same either way
    assert throttled - free == pytest.approx(9 * 10 - 9, abs=1)


def test_a_throttled_container_uses_its_limit_and_keeps_running(course):
    course.apply(COUNTER.format(resources="    resources: {limits: {cpu: 250m}}\n"))
    course.sleep(20)
    course.kubelet.metrics_server = True
    assert course.kubectl("top pod counter").stdout.splitlines()[1].split()[:2] == ["counter", "250m"]
    cs = course.get("Pod", "counter").status.container_statuses[0]
    assert cs.state.running is not None and cs.restart_count == 0
