"""The simulated container runtime: images, filesystems, processes, a shell, and the programs
whose behaviour learners observe (nginx, redis, mariadb, wordpress, busybox tools).

A pure library below the kubelet and the network layer: it imports only :mod:`kubenb.sim`, runs
on simulated time through an injected scheduler, and reaches other pods only through an injected
:class:`Network`. Start with :class:`Runtime`.
"""

from kubenb.runtime.container import Container, ContainerNotRunning, ExecFailure, ExitStatus, MountSpec
from kubenb.runtime.fs import Dir, FileSystem, FsError
from kubenb.runtime.http import HttpRequest, HttpResponse
from kubenb.runtime.images import Catalogue, Image, PullError
from kubenb.runtime.process import LoopScheduler, Process, StartFailure
from kubenb.runtime.program import GrpcError
from kubenb.runtime.reference import ImageRef, InvalidImageName
from kubenb.runtime.resources import Limits, Usage
from kubenb.runtime.runtime import Runtime
from kubenb.runtime.sandbox import ConnectError, Endpoint, HostInfo, Network, Sandbox

__all__ = [
    "Catalogue", "ConnectError", "Container", "ContainerNotRunning", "Dir", "Endpoint", "ExecFailure", "ExitStatus",
    "FileSystem", "FsError", "GrpcError", "HostInfo", "HttpRequest", "HttpResponse", "Image", "ImageRef", "InvalidImageName",
    "Limits", "LoopScheduler", "MountSpec", "Network", "Process", "PullError", "Runtime", "Sandbox", "StartFailure",
    "Usage",
]  # fmt: skip
