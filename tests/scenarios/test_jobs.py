"""The Kubernetes docs' Job and CronJob examples on the kubeadm profile: the pi Job computed by
``perl`` and the ``hello`` CronJob greeting every minute, as kubectl shows them over time."""

from __future__ import annotations

from kubenb import Cluster
from kubenb.runtime.programs.perl import pi_digits

PI_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
"""

HELLO_CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
"""


class Transcript:
    """A terminal session: each command with what it printed and its exit status."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.parts: list[str] = []

    def k(self, cmd: str, stdin: str | None = None) -> str:
        r = self.cluster.kubectl(cmd, stdin)
        self.parts.append(f"$ kubectl {cmd}\n{r.stdout}{r.stderr}[exit {r.returncode}]\n")
        return r.stdout

    def sleep(self, duration: str) -> None:
        self.cluster.sleep(duration)
        self.parts.append(f"$ sleep {duration}\n")

    def __str__(self) -> str:
        return "\n".join(self.parts)


def pi_transcript() -> str:
    t = Transcript(Cluster("kubeadm"))
    t.k("apply -f -", PI_JOB)
    t.k("get jobs")
    t.k("get pods")
    t.sleep("10s")
    t.k("get jobs")
    t.k("get pods")
    t.sleep("30s")
    t.k("get jobs")
    t.k("describe job pi")
    t.k("get pods")
    t.k("get pods --selector=batch.kubernetes.io/job-name=pi --output=jsonpath={.items[*].metadata.name}")
    t.k("logs job/pi")
    return str(t)


def hello_transcript() -> str:
    t = Transcript(Cluster("kubeadm"))
    t.k("apply -f -", HELLO_CRONJOB)
    t.k("get cronjobs")
    t.sleep("60s")
    t.k("get cronjob hello")
    t.k("get jobs")
    t.k("get pods")
    t.sleep("2m")
    t.k("get cronjobs")
    t.k("get jobs")
    t.k("get pods")
    t.sleep("2m")
    t.k("get jobs")
    t.k("describe cronjob hello")
    t.k("delete cronjob hello")
    return str(t)


def test_pi_job(golden):
    text = pi_transcript()
    golden("jobs-pi-kubeadm.txt", text)
    # `logs job/pi` picked the job's pod and printed perl's digits
    assert "$ kubectl logs job/pi\n" + pi_digits(2000) + "\n[exit 0]\n" in text


def test_hello_cronjob(golden):
    golden("cronjob-hello-kubeadm.txt", hello_transcript())
