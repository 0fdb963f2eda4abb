"""kube-scheduler: filter, score and bind pods to nodes, with upstream's failure messages."""

from kubenb.scheduler.scheduler import Scheduler

__all__ = ["Scheduler"]
