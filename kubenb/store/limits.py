"""The simulator's capacity limits: guard rails that keep a runaway request from freezing the kernel.

A real API server would accept ``replicas: 10000000`` and a real cluster would slowly fill up with
Pending pods; a simulation in one Python process would instead spend hours creating them. The
store refuses such writes up front, as an admission plugin would (so kubectl, ``Cluster.apply``
and the HTTP façade all get the same answer): a ``Forbidden`` Status, in the words of upstream's
quota admission, whose message says that this is the simulator's limit, not Kubernetes', and how
to raise it. Only growth is refused: scaling down, or an update that leaves the count alone, is
always admitted, so lowering a limit never strands an object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Optional, Union

from kubenb.api.registry import ResourceInfo
from kubenb.store import errors


@dataclass(frozen=True)
class SimulationLimits:
    """How much one simulated cluster takes on. The pod limit sits above Kubernetes' own envelope
    (150,000 pods, plus each of 5,000 nodes' DaemonSet pods); a single workload stops at 10,000
    pods, which the simulator still creates in seconds even on a three-node cluster where most
    of them stay Pending."""

    #: per workload: ``spec.replicas`` of a Deployment, ReplicaSet, StatefulSet or
    #: ReplicationController, ``spec.parallelism`` of a Job (or a CronJob's job template)
    replicas: int = 10_000
    #: pods in the whole cluster
    pods: int = 200_000

    @classmethod
    def of(cls, value: Union[None, SimulationLimits, Mapping[str, int]]) -> SimulationLimits:
        """`value` as limits: None gives the defaults, a mapping overrides some of them by name."""
        if value is None:
            return cls()
        if isinstance(value, SimulationLimits):
            return value
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown simulation limit {unknown[0]!r} (known: {', '.join(sorted(known))})")
        return replace(cls(), **{k: int(v) for k, v in value.items()})


# The fields of each kind whose value becomes that many pods at once: (attribute path, JSON path).
_SCALED_FIELDS: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "Deployment": ((("spec", "replicas"), "spec.replicas"),),
    "ReplicaSet": ((("spec", "replicas"), "spec.replicas"),),
    "StatefulSet": ((("spec", "replicas"), "spec.replicas"),),
    "ReplicationController": ((("spec", "replicas"), "spec.replicas"),),
    "Job": ((("spec", "parallelism"), "spec.parallelism"),),
    "CronJob": ((("spec", "job_template", "spec", "parallelism"), "spec.jobTemplate.spec.parallelism"),),
}


def _value(obj: Any, path: tuple[str, ...]) -> Optional[int]:
    for attr in path:
        obj = getattr(obj, attr, None)
        if obj is None:
            return None
    return obj if isinstance(obj, int) else None


def _how_to_raise(name: str) -> str:
    return (f"a limit of the simulator, not of Kubernetes; raise it with Cluster(limits={{{name!r}: N}}) "
            f"or %kcluster new --limit {name}=N")


def check(limits: SimulationLimits, info: ResourceInfo, obj: Any, old: Optional[Any], pods: int) -> None:
    """Raise Forbidden when writing `obj` (over `old`, on update) would go past `limits`;
    `pods` is how many pods the cluster holds now."""
    kind = info.kind
    if kind == "Pod" and old is None and pods >= limits.pods:
        raise _forbidden(info, obj, f"this simulated cluster already holds {pods} pods, its limit ({_how_to_raise('pods')})")
    for path, json_path in _SCALED_FIELDS.get(kind, ()):
        value = _value(obj, path)
        if value is None or value <= limits.replicas:
            continue
        before = _value(old, path) if old is not None else None
        if before is not None and value <= before:
            continue
        raise _forbidden(info, obj, f"{json_path}: {value} is over this simulated cluster's limit of {limits.replicas} "
                                    f"pods per workload ({_how_to_raise('replicas')})")


def _forbidden(info: ResourceInfo, obj: Any, why: str) -> errors.StatusError:
    name = obj.metadata.name or obj.metadata.generate_name or ""
    return errors.forbidden_error(info, name, f'{info.group_resource} "{name}" is forbidden: {why}')
