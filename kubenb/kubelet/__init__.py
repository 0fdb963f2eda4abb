"""The kubelet of every simulated node: pod lifecycle on real runtime containers, probes,
restarts and back-offs, volumes, status reports, and what exec, logs and top ask a node."""

from kubenb.kubelet.kubelet import ContainerUsage, ExecError, Kubelet, LogError

__all__ = ["ContainerUsage", "ExecError", "Kubelet", "LogError"]
