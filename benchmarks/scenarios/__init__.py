"""Every scenario module; importing one registers its scenarios (see `benchmarks.registry`)."""

from benchmarks.scenarios import apiserver, build, converge, get, notebooks, schedule, store, workloads, writes  # noqa: F401
