"""Which watch handlers a write concerns: the facts of one write, computed once, and the handlers
whose declared interest they meet.

Most handlers act on a small class of writes (a DaemonSet's pods, pods with claims, pods that hold
an IP, deletions) and used to be called for every write of their kind to find that out one by one.
A handler may instead declare its interest when it subscribes (`Store.watch(..., when=...)`): a
list of groups of tags, each group a set of alternatives, all groups to be met. The store computes
the tags of each write once (`facts`), as a bit mask, and calls, in subscription order, only the
handlers whose every group shares a tag with the write; the handlers chosen for a kind and a mask
are remembered until a subscription comes or goes. A handler without `when` sees every write.

Tags, of the stored object (`new`) and of the version it replaced (`old`, when there is one):
- the event type: ADDED, MODIFIED or DELETED;
- `owner:<Kind>` for the kind of each version's controllerRef, `orphan` for a version without one
  (upstream's controllers look at orphans for adoption, so an interest in them is explicit);
- `finalizers`: the new version has finalizers;
- of Pods only: `pvc` (a version has a persistentVolumeClaim volume), `pod-ip` (a version holds
  an IP), `bound` (the new version names a node).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Optional

ORPHAN = "orphan"


def _owner_tag(obj: Any) -> str:
    ref = obj.metadata.controller_ref()
    return ORPHAN if ref is None else "owner:" + ref.kind


def _has_claims(pod: Any) -> bool:
    for v in pod.spec.volumes or ():
        if v.persistent_volume_claim is not None:
            return True
    return False


def facts(type_: str, new: Any, old: Optional[Any]) -> list[str]:
    """The tags of one write (see the module's docstring)."""
    tags = [type_, _owner_tag(new)]
    if old is not None and old.metadata.owner_references is not new.metadata.owner_references:
        tags.append(_owner_tag(old))
    if new.metadata.finalizers:
        tags.append("finalizers")
    if new.KIND == "Pod":
        if _has_claims(new) or (old is not None and old.spec.volumes is not new.spec.volumes and _has_claims(old)):
            tags.append("pvc")
        if new.status.pod_ip or (old is not None and old.status.pod_ip):
            tags.append("pod-ip")
        if new.spec.node_name:
            tags.append("bound")
    return tags


class Interest:
    """One handler's declared interest: groups of tags as bit masks, every group to be met."""

    __slots__ = ("groups",)

    def __init__(self, groups: Sequence[int]) -> None:
        self.groups = tuple(groups)

    def concerns(self, mask: int) -> bool:
        for group in self.groups:
            if not group & mask:
                return False
        return True


class TagBits:
    """A bit per tag some interest names; tags nobody names have none (and so route nothing)."""

    def __init__(self) -> None:
        self._bits: dict[str, int] = {}

    def interest(self, when: Iterable[Iterable[str]]) -> Interest:
        groups = []
        for group in when:
            mask = 0
            for tag in group:
                bit = self._bits.get(tag)
                if bit is None:
                    bit = self._bits[tag] = 1 << len(self._bits)
                mask |= bit
            groups.append(mask)
        return Interest(groups)

    def mask(self, tags: Iterable[str]) -> int:
        bits, mask = self._bits, 0
        for tag in tags:
            mask |= bits.get(tag, 0)
        return mask
