"""Every scenario module; importing one registers its scenarios (see `benchmarks.registry`)."""

from benchmarks.scenarios import (  # noqa: F401
    apiserver,
    build,
    converge,
    events,
    get,
    notebooks,
    schedule,
    store,
    workloads,
    writes,
)
