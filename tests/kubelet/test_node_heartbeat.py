"""Each kubelet reports its node's status: recomputed every 10 s (+4% jitter), written when 5
minutes have passed since its last report, refreshing the heartbeat of the conditions it owns."""

from __future__ import annotations

from kubenb.sim.clock import parse_rfc3339

KUBELET_CONDITIONS = ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")


def _heartbeats(cluster, name: str) -> dict[str, float]:
    node = cluster.store.get("Node", "", name)
    return {c.type: parse_rfc3339(c.last_heartbeat_time) for c in node.status.conditions}


def test_a_node_of_a_week_old_cluster_reported_within_the_last_five_minutes(course):
    now = course.clock.now
    for name in ("mac-master", "mac-worker"):
        beats = _heartbeats(course, name)
        created = parse_rfc3339(course.store.get("Node", "", name).metadata.creation_timestamp)
        assert now - created > 6 * 86400
        for kind in KUBELET_CONDITIONS:
            assert now - 310.4 <= beats[kind] <= now, (name, kind)
        assert len({beats[k] for k in KUBELET_CONDITIONS}) == 1  # one write refreshes all four
        assert beats["NetworkUnavailable"] == created  # flannel's condition: set once, at join


def test_the_status_is_written_every_five_minutes_and_watchers_see_each_report(course):
    seen: list[tuple[float, dict[str, str], str]] = []

    def on_node(ev):
        if ev.type == "MODIFIED" and ev.object.metadata.name == "mac-worker":
            conds = ev.object.status.conditions
            seen.append((ev.time, {c.type: c.last_heartbeat_time for c in conds},
                         [(c.type, c.status, c.last_transition_time) for c in conds]))

    course.store.watch(on_node, "Node")
    before = course.store.get("Node", "", "mac-worker")
    transitions = [(c.type, c.status, c.last_transition_time) for c in before.status.conditions]
    course.sleep("21m")
    assert 4 <= len(seen) <= 5  # 21 minutes hold four reports, or five
    times = [t for t, _, _ in seen]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(300.0 <= g <= 310.4 + 1e-6 for g in gaps), gaps  # the first 10-s tick 5 minutes on
    for t, beats, conds in seen:
        assert all(parse_rfc3339(beats[k]) == int(t) for k in KUBELET_CONDITIONS)
        assert beats["NetworkUnavailable"] == before.status.conditions[0].last_heartbeat_time
        assert conds == transitions  # nothing but heartbeats moves
    after = course.store.get("Node", "", "mac-worker")
    assert int(after.metadata.resource_version) > int(before.metadata.resource_version)


def test_a_node_that_joins_now_first_reports_five_minutes_on():
    import dataclasses

    from kubenb.bootstrap import JOIN_AFTER_SECONDS
    from kubenb.cluster import Cluster
    from kubenb.profiles import KUBEADM
    from kubenb.sim.clock import format_rfc3339

    created = parse_rfc3339(KUBEADM.created)
    cluster = Cluster(dataclasses.replace(KUBEADM, now=format_rfc3339(created + JOIN_AFTER_SECONDS)))
    worker = "worker-1"
    joined = parse_rfc3339(cluster.store.get("Node", "", worker).metadata.creation_timestamp)
    assert joined == cluster.clock.now  # no prehistory: the worker joins as the simulation starts
    seen: list[float] = []
    cluster.store.watch(lambda ev: ev.object.metadata.name == worker and seen.append(ev.time), "Node")
    cluster.sleep(299)
    assert seen == []
    cluster.sleep(12)
    assert len(seen) == 1 and joined + 300 <= seen[0] <= joined + 310.4 + 1e-6
    assert _heartbeats(cluster, worker)["Ready"] == int(seen[0])


def test_reports_cost_one_timer_per_report_not_one_per_ten_second_tick(course, monkeypatch):
    from kubenb.kubelet import node as node_module

    timers: list[float] = []
    loop = course.loop
    real = loop.call_at

    def counting(when, callback, *args):
        if isinstance(getattr(callback, "__self__", None), node_module.NodeStatusReporter):
            timers.append(when)
        return real(when, callback, *args)

    monkeypatch.setattr(loop, "call_at", counting)
    course.sleep("30m")
    assert 2 * 5 <= len(timers) <= 2 * 6  # two nodes, one timer per 5-minute report


def test_a_heartbeat_wakes_no_daemonset(course, monkeypatch):
    from kubenb.controllers.daemonset import DaemonSetController

    course.sleep("1m")
    controller = next(c for c in course.components if isinstance(c, DaemonSetController))
    woken: list[str] = []
    monkeypatch.setattr(controller, "enqueue", lambda ds: woken.append(ds.metadata.name))
    reports: list[float] = []
    course.store.watch(lambda ev: ev.type == "MODIFIED" and reports.append(ev.time), "Node")
    course.sleep("11m")
    assert len(reports) >= 4 and woken == []
