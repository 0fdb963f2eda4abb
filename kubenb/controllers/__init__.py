"""kube-controller-manager: level-triggered controllers that read the store and write back to it."""
