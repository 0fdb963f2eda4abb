"""Every scenario module; importing one registers its scenarios (see `benchmarks.registry`)."""

from benchmarks.scenarios import apiserver, build, converge, events, get, notebooks, schedule, workloads  # noqa: F401
