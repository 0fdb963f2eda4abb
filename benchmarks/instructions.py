"""The bare workloads of `converge` and `schedule`, nothing timed: for counting instructions.

CPU time on a shared machine swings by up to 2x between identical runs; the instructions a run executes
do not. Run a workload under callgrind with P pods and again with none (the cluster alone) and subtract
the two totals ("Collected : N" on stderr):

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python -m benchmarks.instructions converge 20 1000
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python -m benchmarks.instructions converge 20 0

`converge N P`: N nodes, Deployments of P pods, run until every Deployment is available (every layer).
`schedule N P`: N nodes, P pending pods owned by nothing, settled (admission, scheduling cycles, the
bindings with their watchers, the Scheduled events; the kubelets' later work is left out, as in the
`schedule` scenario).
"""

from __future__ import annotations

import sys

from benchmarks.scenarios.cluster import all_available, apply_deployments, new_cluster, run_until
from benchmarks.scenarios.schedule import create_pending_pods

WORKLOADS = ("converge", "schedule")
USAGE = f"usage: python -m benchmarks.instructions {{{','.join(WORKLOADS)}}} NODES PODS"


def run(workload: str, nodes: int, pods: int):
    """Build the cluster and run `workload` on it; the cluster, for a caller that looks at it."""
    if workload not in WORKLOADS:
        raise ValueError(USAGE)
    cluster = new_cluster(nodes)
    if pods and workload == "converge":
        apply_deployments(cluster, pods)
        run_until(cluster, lambda: all_available(cluster))
    elif pods:
        create_pending_pods(cluster, pods)
        cluster.settle()
    return cluster


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or not args[1].isdigit() or not args[2].isdigit() or args[0] not in WORKLOADS:
        raise SystemExit(USAGE)
    run(args[0], int(args[1]), int(args[2]))


if __name__ == "__main__":
    main()
