"""The kubelet of every simulated node: pod lifecycle, container states, status reports."""

from kubenb.kubelet.kubelet import Kubelet

__all__ = ["Kubelet"]
