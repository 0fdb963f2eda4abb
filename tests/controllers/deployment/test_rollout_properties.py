"""Rolling-update guarantees on a whole simulated cluster, for random strategies.

For any replicas (1-20), maxSurge / maxUnavailable (pods or percents, not both 0 once resolved)
and minReadySeconds (0-10), a template change applied to a settled Deployment must, at every
simulated second of the rollout:

* keep the Deployment's pods that are not terminating at most `replicas + maxSurge` (and the
  ReplicaSets' `spec.replicas` sum too, which is what the controller actually bounds);
* keep at least `replicas - maxUnavailable` of them available (Ready for minReadySeconds);

and finish (every pod of the new template, all available, `NewReplicaSetAvailable`) within a
bound that allows each rollout step a pod start-up and minReadySeconds.

The examples are derandomized (kubenb is deterministic, so the suite must be too) and the
example database is off (nothing is written outside the test tree).
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from kubenb import Cluster
from kubenb.api import podutil
from kubenb.api.intstr import get_scaled_value_from_int_or_percent
from kubenb.controllers.deployment import util

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  minReadySeconds: {min_ready}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: {max_surge}
      maxUnavailable: {max_unavailable}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: {image}
        env:
        - name: REVISION
          value: "{revision}"
"""

int_or_percent = st.one_of(st.integers(min_value=0, max_value=5),
                           st.integers(min_value=0, max_value=100).map(lambda p: f"{p}%"))


def _quoted(v) -> str:
    return f'"{v}"' if isinstance(v, str) else str(v)


def _pods(c: Cluster) -> list:
    return [p for p in c.store.list("Pod", "default") if (p.metadata.labels or {}).get("app") == "web"
            and podutil.is_active(p)]


def _available(pods: list, min_ready: int, now: float) -> int:
    return sum(1 for p in pods if podutil.is_available(p, min_ready, now))


def _settled(c: Cluster, replicas: int, template_image: str, revision: str) -> bool:
    d = c.get("Deployment", "web")
    pods = _pods(c)
    current = [p for p in pods if p.spec.containers[0].image == template_image
               and any(e.value == revision for e in p.spec.containers[0].env or ())]
    cond = next((x for x in d.status.conditions or () if x.type == "Progressing"), None)
    return (len(pods) == replicas and len(current) == replicas
            and (d.status.available_replicas or 0) == replicas and (d.status.updated_replicas or 0) == replicas
            and (d.status.replicas or 0) == replicas and (d.status.observed_generation or 0) >= d.metadata.generation
            and cond is not None and cond.reason == "NewReplicaSetAvailable")


STRATEGIES = dict(replicas=st.integers(min_value=1, max_value=20), max_surge=int_or_percent,
                  max_unavailable=int_or_percent, min_ready=st.integers(min_value=0, max_value=10),
                  new_image=st.booleans(), seed=st.integers(min_value=0, max_value=2**16))


@settings(max_examples=50, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(**STRATEGIES)
def test_rolling_update_bounds_and_completion(replicas, max_surge, max_unavailable, min_ready, new_image, seed):
    check_rollout(replicas, max_surge, max_unavailable, min_ready, new_image, seed)


def check_rollout(replicas, max_surge, max_unavailable, min_ready, new_image, seed=0) -> int:
    """Run one rollout and check it second by second; returns how long it took. `seed` varies the
    cluster's random streams (pod start-up and pull times), hence the interleavings."""
    # not both zero once resolved (upstream validation rejects literal 0/0; fenceposts would make others 0/1)
    assume(get_scaled_value_from_int_or_percent(max_surge, replicas, True) > 0
           or get_scaled_value_from_int_or_percent(max_unavailable, replicas, False) > 0)
    c = Cluster(pace=0, seed=seed)

    def manifest(image: str, revision: str) -> str:
        return MANIFEST.format(replicas=replicas, min_ready=min_ready, max_surge=_quoted(max_surge),
                               max_unavailable=_quoted(max_unavailable), image=image, revision=revision)

    c.apply(manifest("nginx:1.27", "1"))
    d = c.get("Deployment", "web")
    max_total = replicas + util.max_surge(d)
    min_available = replicas - util.max_unavailable(d)

    for _ in range(300):  # the first rollout, from nothing: not under test
        if _settled(c, replicas, "nginx:1.27", "1"):
            break
        c.sleep(1)
    assert _settled(c, replicas, "nginx:1.27", "1")

    image = "nginx:1.28" if new_image else "nginx:1.27"
    c.apply(manifest(image, "2"))
    # each step waits for new pods to start (image pull up to ~7 s, sandbox ~1.4 s) and minReadySeconds
    steps = replicas // max(1, util.max_surge(d) + util.max_unavailable(d)) + 2
    bound = 30 + steps * (min_ready + 12)
    history = []
    for second in range(bound + 1):
        pods = _pods(c)
        rss = c.store.by_owner(d.metadata.uid, "ReplicaSet")
        spec_total = util.replicas_of(rss)
        available = _available(pods, min_ready, c.clock.now)
        history.append((second, len(pods), spec_total, available,
                        sorted((rs.metadata.name[-5:], rs.spec.replicas) for rs in rss)))
        assert len(pods) <= max_total, history[-5:]
        assert spec_total <= max_total, history[-5:]
        assert available >= min_available, history[-5:]
        if _settled(c, replicas, image, "2"):
            break
        c.sleep(1)
    else:
        raise AssertionError(f"rollout not finished after {bound}s: {history[-5:]}")
    rss = c.store.by_owner(d.metadata.uid, "ReplicaSet")
    assert sorted(rs.spec.replicas for rs in rss) == [0, replicas]
    event(f"rollout took {'< 30' if second < 30 else '< 120' if second < 120 else '>= 120'} s")
    return second
