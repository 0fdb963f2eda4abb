"""The Health section's four outcomes on the course cluster, plus the course repository's broken
liveness probe, as transcripts compared exactly with goldens. Each command runs when the pod is
as old as it was when the course printed it; tests/kubelet/test_health_section.py checks the
same outputs against the course notes' text, field by field.

The broken liveness probe (tcpSocket :8080, period 10 s, failureThreshold 3) kills nginx every
30 s; the first four restarts are immediate (``doBackOff`` measures the back-off from the last
exit, 10 s then 20 s, both shorter than the 30 s nginx ran), the fifth waits 40 s."""

from __future__ import annotations

import pytest
from course_manifests import NGINX_POD_PROBE, NGINX_POD_RESOURCES, NGINX_POD_RESOURCES_TOO_BIG, NGINX_PROBE_CM

from kubenb import Cluster


class Transcript:
    def __init__(self) -> None:
        self.c = Cluster("course")
        self.out: list[str] = []
        self.created = 0.0

    def apply(self, *manifests: str) -> None:
        self.k("apply -f -", "---\n".join(manifests))
        self.created = self.c.clock.now

    def k(self, cmd: str, stdin: str | None = None, age: float | None = None) -> None:
        """Run `kubectl cmd` (when the pod is `age` seconds old, if given) and record what it prints."""
        if age is not None:
            self.c.advance(self.created + age - self.c.pace - self.c.clock.now)
        r = self.c.kubectl(cmd, stdin)
        self.out.append(f"$ kubectl {cmd}\n{r.stdout}{r.stderr}[exit {r.returncode}]\n")

    def text(self) -> str:
        return "\n".join(self.out)


def requests_fit() -> str:
    t = Transcript()
    t.apply(NGINX_POD_RESOURCES)
    t.k("get po -owide", age=10)
    t.k("describe po nginx-pod-resources", age=26)
    return t.text()


def requests_too_big() -> str:
    t = Transcript()
    t.apply(NGINX_POD_RESOURCES_TOO_BIG)
    t.k("get po -owide", age=17)
    t.k("describe po nginx-pod-resources", age=50)
    t.k("describe po nginx-pod-resources", age=200)  # retried by the 60 s flush: (x3 over ...)
    return t.text()


def probes_pass() -> str:
    t = Transcript()
    t.apply(NGINX_PROBE_CM, NGINX_POD_PROBE.format(pid_file="/var/run/nginx.pid", liveness_port=80))
    for age in (4, 6, 21):
        t.k("get po -owide", age=age)
    t.k("logs --tail=10 nginx-pod-probe", age=75)
    t.k("describe po nginx-pod-probe", age=4 * 60 + 35)
    return t.text()


def startup_probe_fails() -> str:
    t = Transcript()
    t.apply(NGINX_PROBE_CM, NGINX_POD_PROBE.format(pid_file="/var/run/nginx.pidx", liveness_port=80))
    for age in (4, 8, 16, 28):
        t.k("get po -owide", age=age)
    t.k("describe po nginx-pod-probe", age=99)
    return t.text()


def liveness_probe_fails() -> str:
    t = Transcript()
    t.apply(NGINX_PROBE_CM, NGINX_POD_PROBE.format(pid_file="/var/run/nginx.pid", liveness_port=8080))
    for age in (20, 40, 60, 90, 120):
        t.k("get po", age=age)
    t.k("describe po nginx-pod-probe", age=150)
    return t.text()


@pytest.mark.parametrize("outcome", [requests_fit, requests_too_big, probes_pass, startup_probe_fails,
                                     liveness_probe_fails], ids=lambda f: f.__name__)
def test_health_section(outcome, golden):
    golden(f"health-{outcome.__name__.replace('_', '-')}.txt", outcome())
