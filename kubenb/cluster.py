"""The composition root: `Cluster(profile, seed)` wires the store, the loop and every component.

Nothing below this module knows about the others: components meet only in the store. A cluster
is bootstrapped the way `kubeadm init` leaves one (namespaces, nodes, the `kubernetes` and
`kube-dns` Services, static control-plane pods, CoreDNS), simulated up to the profile's "now",
and then waits for the learner.
"""

from __future__ import annotations

import dataclasses
import subprocess
import threading
from collections.abc import Mapping
from typing import Any, Optional, Union

from kubenb.api import models  # noqa: F401  (registers every typed kind)
from kubenb.api.registry import Registry
from kubenb.api.resources import resources_for
from kubenb.bootstrap import bootstrap
from kubenb.controllers.clusterroleaggregation import ClusterRoleAggregationController
from kubenb.controllers.cronjob import CronJobController
from kubenb.controllers.daemonset import DaemonSetController
from kubenb.controllers.deployment import DeploymentController
from kubenb.controllers.endpoints import EndpointsController
from kubenb.controllers.eventttl import EventTTL
from kubenb.controllers.garbagecollector import GarbageCollector
from kubenb.controllers.job import JobController, TTLAfterFinishedController
from kubenb.controllers.namespace import NamespaceController
from kubenb.controllers.replicaset import ReplicaSetController
from kubenb.controllers.statefulset import StatefulSetController
from kubenb.controllers.volume import (
    ExternalProvisioners,
    LocalPath,
    NfsSubdir,
    PersistentVolumeController,
    PVCProtectionController,
    PVProtectionController,
    VolumeResizer,
)
from kubenb.history import Recorder
from kubenb.journal import Journal, load, save
from kubenb.kubectl import run
from kubenb.kubelet import Kubelet
from kubenb.network import ClusterNetwork, run_host_shell
from kubenb.profiles import Profile, get_profile
from kubenb.runtime.nfs import NfsFabric
from kubenb.scheduler import Scheduler
from kubenb.sim.clock import Clock
from kubenb.sim.duration import parse_duration
from kubenb.sim.loop import EventLoop
from kubenb.sim.random import RandomStreams
from kubenb.store import SimulationLimits, Store

DEFAULT_PACE = 2.0


class Cluster:
    """A simulated Kubernetes cluster.

    >>> c = Cluster()                      # kubeadm profile, v1.32, one control plane + two workers
    >>> c.kubectl("get nodes").stdout      # what `kubectl get nodes` prints
    """

    def __init__(self, profile: Union[str, Profile] = "kubeadm", seed: int = 0, pace: float = DEFAULT_PACE,
                 nodes: Optional[int] = None, name: str = "default",
                 limits: Union[None, SimulationLimits, Mapping[str, int]] = None) -> None:
        self.name = name
        # Everything here is single-threaded; a caller on another thread (the HTTP façade) takes this
        # lock, and so do the entry points below, so the kernel and a server never interleave.
        self.lock = threading.RLock()
        self.profile = get_profile(profile, nodes) if isinstance(profile, str) else profile
        self.version = self.profile.version
        self.seed = seed
        self.pace = pace
        self.clock = Clock(self.profile.epoch("created"))
        self.loop = EventLoop(self.clock)
        self.rng = RandomStreams(seed)
        self.registry = Registry(resources_for(self.version.minor))
        #: the simulator's capacity limits (see kubenb.store.limits): a runaway request is refused, not run
        self.limits = SimulationLimits.of(limits)
        self.store = Store(self.registry, self.clock, self.rng, self.profile.service_cidr, self.version.minor,
                           self.limits)
        self.nfs = NfsFabric()  # NFS between the machines: the kubelet, the provisioners and the host shells meet here
        self.components = [
            NamespaceController(self), GarbageCollector(self), ReplicaSetController(self),
            DeploymentController(self), DaemonSetController(self), StatefulSetController(self), JobController(self),
            TTLAfterFinishedController(self), CronJobController(self), EndpointsController(self), EventTTL(self),
            PersistentVolumeController(self), PVCProtectionController(self), PVProtectionController(self),
            ExternalProvisioners(self, (NfsSubdir(), LocalPath())), VolumeResizer(self),
            ClusterRoleAggregationController(self),
        ]
        self.scheduler = Scheduler(self)
        self.network = ClusterNetwork(self)  # before the kubelet: pod sandboxes reach the network through it
        self.kubelet = Kubelet(self)
        self.recorder = Recorder(self)  # history for kubenb.viz, from bootstrap on
        bootstrap(self)
        self.loop.run_until(self.profile.epoch("now"))
        created = {"profile": profile if isinstance(profile, str) else None, "seed": seed, "pace": pace,
                   "nodes": nodes, "name": name}
        if limits is not None:
            created["limits"] = dataclasses.asdict(self.limits)
        self.journal = Journal(self, created)  # what is asked of it from now on, for save()/load()

    # ---------------------------------------------------------------- time

    def advance(self, seconds: float) -> None:
        """Let `seconds` of simulated time pass, running everything that happens meanwhile."""
        with self.lock, self.journal.step("advance", seconds=seconds):
            self.loop.run_until(self.clock.now + max(seconds, 0))

    def sleep(self, duration: Union[str, float]) -> None:
        """`sleep("30s")`, `sleep("2m")`, `sleep("90")` or `sleep(90)`: let that much simulated time pass."""
        if isinstance(duration, str) and not duration.replace(".", "", 1).isdigit():
            self.advance(parse_duration(duration))
        else:
            self.advance(float(duration))

    def settle(self) -> None:
        """Run what is due now, without letting time pass."""
        with self.lock, self.journal.step("settle"):
            self.loop.settle()

    # ---------------------------------------------------------------- kubectl

    def kubectl(self, cmdline: Union[str, list[str]], input: Optional[str] = None,
                displays: Optional[list] = None) -> subprocess.CompletedProcess:
        """Run a kubectl command line against this cluster, as the real kubectl would print it.

        `pace` seconds pass first (a learner does not type instantly), then the command runs and
        the cluster settles at that instant. `displays`, if given, receives the tables printed
        (for a notebook's HTML view).
        """
        with self.lock, self.journal.step("kubectl", cmdline=cmdline, input=input):
            self.advance(self.pace)
            result = run(self, cmdline, input, displays)
            self.settle()
        return result

    def sh(self, cmdline: str, host: Optional[str] = None) -> subprocess.CompletedProcess:
        """A shell command line on a node (default: the control plane, where the course runs kubectl)
        or on the "workstation", as its terminal would print it."""
        with self.lock, self.journal.step("sh", cmdline=cmdline, host=host):
            self.advance(self.pace)
            result = run_host_shell(self, cmdline, host)
            self.settle()
        return result

    # ---------------------------------------------------------------- saving

    def save(self, path: str) -> None:
        """Write this cluster to `path` as its recipe (how it was made and every command since), which
        :meth:`load` replays; raises :class:`kubenb.journal.RecipeError` if it was changed from outside."""
        save(self, path)

    @classmethod
    def load(cls, path: str) -> Cluster:
        """The cluster saved at `path`, rebuilt by replaying its recipe (same objects, same names)."""
        return load(path, cls)

    def serve(self, **options: Any) -> Any:
        """Serve this cluster over the Kubernetes REST API, so the real kubectl and client libraries
        drive it; returns the running server (`.url`, `.kubeconfig`, `.stop()`). `options` are
        :func:`kubenb.apiserver.serve`'s: `host`, `port`, `speed`, `kubeconfig`, `allow_remote`.
        """
        from kubenb.apiserver import serve  # the layer above, imported only when asked for (see .importlinter)

        return serve(self, **options)

    def apply(self, manifest: str) -> str:
        """`kubectl apply -f -` of a YAML text; returns what kubectl prints (raises on failure)."""
        result = self.kubectl(["apply", "-f", "-"], input=manifest)
        if result.returncode:
            raise RuntimeError(result.stderr.strip())
        return result.stdout

    @property
    def viz(self) -> Any:
        """Figures of this cluster: `c.viz.rollout("deploy/x")`, `c.viz.live("nodes")`."""
        from kubenb.viz import for_cluster  # the layer above, imported only when asked for (see .importlinter)

        return for_cluster(self)

    def __repr__(self) -> str:
        return f"<Cluster {self.profile.name} {self.version.git_version} at {self.clock.rfc3339()}>"

    def get(self, kind: str, name: str, namespace: str = "default") -> Any:
        """The stored object (read-only: never mutate it)."""
        info = self.registry.resolve(kind)
        if info is None:
            raise KeyError(kind)
        return self.store.get(info.kind, namespace if info.namespaced else "", name)
