"""`SyncTimes` counts every controller's syncs through the work queues' public observer hook."""

from __future__ import annotations

from benchmarks.figures import SyncTimes
from benchmarks.scenarios.cluster import all_available, deployment, run_until


def test_sync_times_counts_the_syncs_a_deployment_causes(cluster):
    syncs = SyncTimes(cluster)
    assert syncs.total() == 0 and syncs.busiest() == []
    cluster.apply(deployment("web", 3))
    run_until(cluster, lambda: all_available(cluster))
    busiest = dict(syncs.busiest(n=20))
    assert busiest["DeploymentController"][1] >= 2 and busiest["ReplicaSetController"][1] >= 2
    assert syncs.total() == sum(cpu for cpu, _ in syncs.spent.values()) > 0
