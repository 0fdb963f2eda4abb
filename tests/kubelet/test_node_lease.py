"""Each kubelet's node Lease in kube-node-lease: created at join, renewed every 10 s (+4% jitter),
visible to `get leases`, to watches and to `describe node`."""

from __future__ import annotations

from kubenb.sim.clock import parse_rfc3339


def test_every_node_has_a_lease_held_by_its_kubelet(course):
    out = course.kubectl("get leases -A").stdout.splitlines()
    assert out[0].split() == ["NAMESPACE", "NAME", "HOLDER", "AGE"]
    assert [line.split()[:3] for line in out[1:]] == [["kube-node-lease", "mac-master", "mac-master"],
                                                      ["kube-node-lease", "mac-worker", "mac-worker"]]
    lease = course.store.get("Lease", "kube-node-lease", "mac-worker")
    node = course.store.get("Node", "", "mac-worker")
    assert lease.spec["leaseDurationSeconds"] == 40 and "acquireTime" not in lease.spec
    assert [(o.kind, o.name, o.uid) for o in lease.metadata.owner_references] == [("Node", "mac-worker", node.metadata.uid)]


def test_the_lease_is_renewed_every_ten_seconds_and_watchers_see_each_renewal(course):
    seen: list[float] = []
    course.store.watch(lambda ev: ev.object.metadata.name == "mac-worker" and
                       seen.append(parse_rfc3339(ev.object.spec["renewTime"])), "Lease")
    course.sleep("65s")
    assert 6 <= len(seen) <= 7  # 65 s hold six or seven 10.0-10.4 s periods
    gaps = [b - a for a, b in zip(seen, seen[1:], strict=False)]
    assert all(10.0 <= g <= 10.4 + 1e-6 for g in gaps), gaps
    assert course.clock.now - seen[-1] < 10.4


def test_describe_node_prints_the_lease_as_upstream(course):
    course.sleep("12s")
    renew = course.store.get("Lease", "kube-node-lease", "mac-master").spec["renewTime"]
    out = course.kubectl("describe node mac-master").stdout
    block = out[out.index("Lease:"):out.index("Conditions:")]
    from kubenb.sim.clock import format_rfc1123z

    assert block == ("Lease:\n"
                     "  HolderIdentity:  mac-master\n"
                     "  AcquireTime:     <unset>\n"
                     f"  RenewTime:       {format_rfc1123z(parse_rfc3339(renew))}\n")


def test_micro_time_is_rfc3339_with_microseconds():
    from kubenb.kubelet.lease import micro_time

    assert micro_time(1.5) == "1970-01-01T00:00:01.500000Z"
    assert micro_time(1763805599.9999996) == "2025-11-22T10:00:00.000000Z"
    assert micro_time(1763805599.123456) == "2025-11-22T09:59:59.123456Z"
