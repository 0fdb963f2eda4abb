"""An HTTP façade speaking the Kubernetes REST API, so the real `kubectl` and client libraries can
drive a simulated cluster.

    >>> from kubenb import Cluster
    >>> from kubenb.apiserver import serve
    >>> server = serve(Cluster())             # http://127.0.0.1:<free port>, bearer-token auth
    >>> server.kubeconfig                     # KUBECONFIG=… kubectl get pods
    >>> server.stop()

Modules, one job each: :mod:`~.server` (thread, loop, clock), :mod:`~.app` (routes, auth, watches),
:mod:`~.discovery`, :mod:`~.openapi`, :mod:`~.rest` (the verbs), :mod:`~.bodies` (decoding),
:mod:`~.protobuf` (protobuf bodies, over :mod:`~.protowire` and the generated :mod:`~.protofields`),
:mod:`~.patches`, :mod:`~.tables`, :mod:`~.encodings` (each stored object encoded once),
:mod:`~.paging` (`limit`/`continue`), :mod:`~.watch`, :mod:`~.subresources`, :mod:`~.logs`
(`pods/log`, followed), :mod:`~.streams` (exec), :mod:`~.runtime` (the way to the kubelet),
:mod:`~.reviews` (`auth can-i`), :mod:`~.cli`. `Cluster.serve()` is this module's :func:`serve`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Union

from kubenb.apiserver.server import Server

__all__ = ["Server", "serve"]


def serve(cluster: Any, *, host: str = "127.0.0.1", port: int = 0, speed: float = 1.0,
          kubeconfig: Union[str, Path, None] = None, allow_remote: bool = False) -> Server:
    """Start serving `cluster` and return the running server.

    `port` 0 picks a free one; `speed` is simulated seconds per wall-clock second (0 freezes time);
    `kubeconfig` is where to write the generated kubeconfig (default: a private temporary file,
    removed by `stop()`); `allow_remote` permits a non-loopback `host`.
    """
    return Server(cluster, host=host, port=port, speed=speed, kubeconfig_path=kubeconfig,
                  allow_remote=allow_remote).start()
