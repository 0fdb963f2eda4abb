"""Helpers for the describe goldens: an in-memory :class:`Lookup`, object builders, and the
normalisations the recovered real outputs need.

Two facts about the recovered outputs (the course notes) shape the comparison:

* The blog's HTML copy lost trailing whitespace. kubectl really prints some (the tabwriter pads a
  cell followed by nothing: ``IP:           `` on a pending pod; the ``"%v \\t%v \\n"`` pod
  condition rows end with a space). :func:`assert_same_text` therefore compares line by line
  with trailing whitespace removed *from both sides*, and also checks that the only trailing
  whitespace kubenb printed is padding or the condition rows' space.
* The blog was back-dated: every RFC 1123 date reads ``2022`` but carries the weekday of 2023
  (``Sat, 17 Jun 2022`` -- 17 June 2022 was a Friday, 17 June 2023 a Saturday). The fixtures use
  the real 2023 timestamps and :func:`undo_backdating` puts ``2023`` back into the recovered text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Optional

from kubenb.api.core import Event, Pod
from kubenb.api.registry import model_for
from kubenb.sim.clock import parse_rfc3339


class FakeLookup:
    """A :class:`kubenb.kubectl.describe.Lookup` over a fixed set of objects."""

    def __init__(self, objects: Iterable[Any] = (), now: float = 0.0, minor: int = 23) -> None:
        self.objects = list(objects)
        self.now = now
        self.minor = minor

    def list(self, kind: str, namespace: Optional[str] = None, selector: Any = None) -> list:
        out = [o for o in self.objects if _kind(o) == kind
               and (namespace is None or (_meta(o).get("namespace") or "") == namespace)
               and (selector is None or selector.matches(_meta(o).get("labels") or {}))]
        return sorted(out, key=lambda o: (_meta(o).get("namespace") or "", _meta(o).get("name") or ""))

    def try_get(self, kind: str, namespace: str, name: str) -> Optional[Any]:
        for o in self.objects:
            m = _meta(o)
            if _kind(o) == kind and (m.get("namespace") or "") == (namespace or "") and m.get("name") == name:
                return o
        return None

    def pods_on_node(self, name: str) -> list:
        return [p for p in self.list("Pod") if p.spec.node_name == name]

    def events_for(self, obj: Any) -> list:
        uid = obj.metadata.uid
        keys = {uid, obj.metadata.name} if obj.KIND == "Node" else {uid}
        return [e for e in self.objects if _kind(e) == "Event" and e.involved_object.uid in keys]


def _kind(o: Any) -> str:
    return o.get("kind") if isinstance(o, dict) else o.KIND


def _meta(o: Any) -> dict:
    if isinstance(o, dict):
        return o.get("metadata") or {}
    return {"namespace": o.metadata.namespace, "name": o.metadata.name, "labels": o.metadata.labels}


def model(kind: str, data: dict, group: str = "") -> Any:
    cls = model_for(group, kind)
    assert cls is not None, kind
    return cls.model_validate(data)


def ts(text: str, plus: float = 0.0) -> str:
    """An RFC 3339 timestamp ``plus`` seconds after ``text`` (fractions kept, for MicroTime)."""
    t = datetime.fromisoformat(text.replace("Z", "+00:00")) + timedelta(seconds=plus)
    if t.microsecond:
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def at(text: str) -> float:
    return parse_rfc3339(text)


_seq = [0]


def event(obj: Any, type_: str, reason: str, message: str, *, first: Optional[str] = None,
          last: Optional[str] = None, count: int = 1, component: str = "", event_time: Optional[str] = None,
          reporting: str = "") -> Event:
    """A core/v1 Event about ``obj``. ``event_time`` without ``first`` is an events.k8s.io event
    (the scheduler's): no first/last timestamps, ``reportingComponent`` instead of a source."""
    _seq[0] += 1
    name = f"{obj.metadata.name}.{0x176a000000000000 + _seq[0]:x}"
    return Event.model_validate({
        "metadata": {"name": name, "namespace": obj.metadata.namespace or "default"},
        "involvedObject": {"kind": obj.KIND, "namespace": obj.metadata.namespace, "name": obj.metadata.name,
                           "uid": obj.metadata.uid},
        "reason": reason, "message": message,
        "source": {"component": component} if component else {},
        "firstTimestamp": first, "lastTimestamp": last or first, "count": count if first else None,
        "type": type_, "eventTime": event_time, "reportingComponent": reporting,
    })


def kubelet_events(pod: Pod, at_time: str, image: str, container: str) -> list[Event]:
    """The kubelet's Pulled/Created/Started events for a container started at ``at_time``."""
    return [
        event(pod, "Normal", "Pulled", f'Container image "{image}" already present on machine',
              first=at_time, component="kubelet"),
        event(pod, "Normal", "Created", f"Created container {container}", first=at_time, component="kubelet"),
        event(pod, "Normal", "Started", f"Started container {container}", first=at_time, component="kubelet"),
    ]


def scheduled_event(pod: Pod, event_time: str, node: str) -> Event:
    return event(pod, "Normal", "Scheduled",
                 f"Successfully assigned {pod.metadata.namespace}/{pod.metadata.name} to {node}",
                 event_time=event_time, reporting="default-scheduler")


def token_volume(name: str) -> dict:
    """The projected service-account token volume the API server injects (v1.23 form)."""
    return {
        "name": name,
        "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1",
                                                                         "fieldPath": "metadata.namespace"}}]}},
        ]},
    }


DEFAULT_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]

READY_CONDITIONS = [
    {"type": "Initialized", "status": "True"},
    {"type": "Ready", "status": "True"},
    {"type": "ContainersReady", "status": "True"},
    {"type": "PodScheduled", "status": "True"},
]


def undo_backdating(text: str) -> str:
    """Put the real year back into the recovered RFC 1123 dates (see the module docstring)."""
    return re.sub(r"(\w{3}, \d\d \w{3}) 2022 ", r"\1 2023 ", text)


def to_utc(text: str) -> str:
    """Rewrite ``Wed, 05 Oct 2022 17:31:53 +0200`` dates in UTC (kubenb's clock is UTC)."""

    def repl(m: re.Match) -> str:
        t = datetime.strptime(m.group(0), "%a, %d %b %Y %H:%M:%S %z").astimezone(UTC)
        return t.strftime("%a, %d %b %Y %H:%M:%S +0000")

    return re.sub(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}", repl, text)


def assert_same_text(actual: str, recorded: str) -> None:
    """``actual`` is kubectl's output; ``recorded`` the recovered copy, which lost trailing blanks
    (compared line by line with trailing whitespace removed from both)."""
    expected = recorded.strip("\n") + "\n"
    assert actual.endswith("\n")
    assert [line.rstrip() for line in actual.splitlines()] == expected.splitlines()
