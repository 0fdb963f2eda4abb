"""`%kserve`: serve the notebook's cluster over the Kubernetes API, so `!kubectl …` works too.

`%kserve` starts a server for the current cluster and exports `KUBECONFIG` to the kernel's
environment (shell escapes inherit it); `%kserve stop` stops it and restores what was there.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from kubenb.apiserver import Server, serve
from kubenb.magics.session import SESSION


@magics_class
class ServeMagics(Magics):
    server: Optional[Server] = None
    _previous_kubeconfig: Optional[str] = None

    @magic_arguments()
    @argument("action", nargs="?", choices=["start", "stop", "info"], default="start", help="what to do")
    @argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    @argument("--speed", type=float, default=1.0, help="simulated seconds per wall-clock second (0: frozen)")
    @argument("--kubeconfig", default=None, help="where to write the kubeconfig (default: a temporary file)")
    @line_magic
    def kserve(self, line: str) -> None:
        """Serve the current cluster over the Kubernetes API: `%kserve`, `%kserve --speed 10`, `%kserve stop`.

        While it runs, simulated time follows the wall clock (times --speed), and `!kubectl …` in
        this notebook talks to the cluster through the exported KUBECONFIG.
        """
        args = parse_argstring(self.kserve, line)
        if args.action == "stop":
            self._stop()
            return
        if args.action == "info" or self.server is not None:
            print(repr(self.server) if self.server is not None else "not serving")
            return
        try:
            self.server = serve(SESSION.current, port=args.port, speed=args.speed, kubeconfig=args.kubeconfig)
        except (ValueError, OSError) as err:
            sys.stderr.write(f"error: {err}\n")
            return
        self._previous_kubeconfig = os.environ.get("KUBECONFIG")
        os.environ["KUBECONFIG"] = self.server.kubeconfig
        print(f"Serving cluster {SESSION.current.name!r} at {self.server.url}; KUBECONFIG={self.server.kubeconfig}")

    def _stop(self) -> None:
        if self.server is None:
            print("not serving")
            return
        self.server.stop()
        self.server = None
        if self._previous_kubeconfig is None:
            os.environ.pop("KUBECONFIG", None)
        else:
            os.environ["KUBECONFIG"] = self._previous_kubeconfig
        print("stopped")
