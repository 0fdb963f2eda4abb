"""A rolling sync whose one write was the Deployment's status is remembered, and the sync that
write brings only books the deadline check. That must be invisible: a cluster that runs every
such sync in full writes the same objects, at the same resourceVersions and times."""

from __future__ import annotations

import pytest

from kubenb import Cluster
from kubenb.controllers.deployment.controller import DeploymentController

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 6
  progressDeadlineSeconds: 20
  revisionHistoryLimit: {history}
  minReadySeconds: {min_ready}
  strategy: {{rollingUpdate: {{maxSurge: 2, maxUnavailable: 1}}}}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
{extra}      containers: [{{name: c, image: "nginx:alpine"}}]
"""


def _run(settle: bool, min_ready: int, history: int) -> tuple[list, int]:
    """Every watch event of a rollout, a stuck rollout that times out, and a scale, in order."""
    c = Cluster(profile="kubeadm", nodes=3, pace=0)
    controller = next(x for x in c.components if isinstance(x, DeploymentController))
    replays = []
    if not settle:
        controller._still_settled = lambda d, settled: False
    else:
        still = controller._still_settled

        def counting(d, settled):
            replay = still(d, settled)
            replays.append(replay)
            return replay
        controller._still_settled = counting
    events: list = []
    c.store.watch(lambda ev: events.append((ev.type, ev.object.KIND, ev.object.metadata.name,
                                            ev.object.metadata.resource_version, ev.time,
                                            ev.object.to_dict() if ev.object.KIND == "Deployment" else None)))
    c.apply(DEPLOY.format(min_ready=min_ready, history=history, extra=""))
    c.advance(40)
    c.apply(DEPLOY.format(min_ready=min_ready, history=history, extra="      nodeSelector: {disktype: none}\n"))
    c.advance(60)
    c.kubectl("scale deployment/web --replicas=3")
    c.advance(30)
    c.apply(DEPLOY.format(min_ready=min_ready, history=history, extra=""))
    c.advance(60)
    return events, sum(replays)


@pytest.mark.parametrize(("min_ready", "history"), [(0, 10), (2, 10), (0, 0)])
def test_settled_syncs_write_what_full_syncs_write(min_ready: int, history: int) -> None:
    """With no history kept, the sync after the one that wrote the complete status deletes the
    old ReplicaSets: that one must not be skipped."""
    settled, replays = _run(True, min_ready, history)
    full, _ = _run(False, min_ready, history)
    assert replays > 0  # the replay was taken at all
    assert settled == full
    assert any(e[1] == "Deployment" and "ProgressDeadlineExceeded" in str(e[5]) for e in full)
