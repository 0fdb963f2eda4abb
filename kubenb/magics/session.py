"""The notebook's clusters: one current cluster the magics talk to, others kept by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Optional

from kubenb.cluster import DEFAULT_PACE, Cluster


class Session:
    def __init__(self) -> None:
        self.clusters: dict[str, Cluster] = {}
        self.current_name: Optional[str] = None

    @property
    def current(self) -> Cluster:
        if self.current_name is None:
            self.new("default")
        return self.clusters[self.current_name]

    def new(self, name: str, profile: str = "kubeadm", seed: int = 0, pace: float = DEFAULT_PACE,
            nodes: Optional[int] = None, limits: Optional[Mapping[str, int]] = None) -> Cluster:
        cluster = Cluster(profile=profile, seed=seed, pace=pace, nodes=nodes, name=name, limits=limits)
        self.clusters[name] = cluster
        self.current_name = name
        return cluster

    def reset(self) -> Cluster:
        c = self.current
        return self.new(self.current_name, c.profile.name, c.seed, c.pace, limits=c.journal.created.get("limits"))

    def load(self, path: str) -> Cluster:
        """Rebuild the cluster saved at `path` (under its saved name) and make it current."""
        cluster = Cluster.load(path)
        self.clusters[cluster.name] = cluster
        self.current_name = cluster.name
        return cluster

    def use(self, name: str) -> Cluster:
        if name not in self.clusters:
            raise KeyError(name)
        self.current_name = name
        return self.clusters[name]


SESSION = Session()
