"""The workloads counted in instructions do the work they name, at a tiny size."""

import pytest

from benchmarks.instructions import main, run


def test_converge_runs_every_pod_to_running():
    cluster = run("converge", 2, 3)
    pods = cluster.store.list("Pod", "default")
    assert len(pods) == 3 and all(p.status.phase == "Running" for p in pods)


def test_schedule_binds_every_pod():
    cluster = run("schedule", 2, 3)
    pods = cluster.store.list("Pod", "default")
    assert len(pods) == 3 and all(p.spec.node_name for p in pods)


def test_no_pods_builds_the_cluster_alone():
    assert run("schedule", 2, 0).store.list("Pod", "default") == []


@pytest.mark.parametrize("argv", [[], ["rollout", "2", "3"], ["converge", "two", "3"]])
def test_bad_arguments_print_the_usage(argv):
    with pytest.raises(SystemExit, match="usage: python -m benchmarks.instructions"):
        main(argv)
