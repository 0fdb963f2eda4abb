"""`%ksh` and `%%ksh`: a shell on a node or on the workstation of the notebook's cluster.

    %ksh curl 10.10.1.42                      # on the control plane, where the course runs kubectl
    %ksh --on mac-worker ip addr
    %ksh --on workstation curl --resolve wp.test:80:192.168.191.146 http://wp.test

    %%ksh --on mac-master
    sudo iptables-save | grep nginx-svc
    ll /etc/kubernetes/manifests

The command runs in bash on that host (``ssh HOST 'CMD'``): stdout is shown as text, stderr in the
notebook's error stream; simulated time passes while it runs.
"""

from __future__ import annotations

import sys
from typing import Optional

from IPython.core.magic import Magics, line_cell_magic, magics_class

from kubenb.magics.session import SESSION

USAGE = "usage: %ksh [--on HOST] COMMAND   (HOST: a node's name or IP, or workstation)\n"


def split_host(line: str) -> tuple[Optional[str], str]:
    """`--on HOST rest` -> (HOST, rest); the command itself is kept verbatim (quotes and all)."""
    text = line.strip()
    if text.startswith("--on="):
        head, _, rest = text[len("--on="):].partition(" ")
        return head, rest.strip()
    if text.startswith("--on ") or text == "--on":
        parts = text.split(None, 2)
        if len(parts) < 2:
            raise ValueError("--on needs a host")
        return parts[1], parts[2] if len(parts) > 2 else ""
    return None, text


def run_shell(cmdline: str, host: Optional[str]) -> int:
    cluster = SESSION.current
    sh = getattr(cluster, "sh", None)
    if sh is not None:
        result = sh(cmdline, host=host)
    else:  # the cluster predates Cluster.sh: run it directly
        from kubenb.network import run_host_shell

        result = run_host_shell(cluster, cmdline, host)
    if result.stdout:
        sys.stdout.write(result.stdout)
        sys.stdout.flush()
    if result.stderr:
        sys.stderr.write(result.stderr)
        sys.stderr.flush()
    return result.returncode


@magics_class
class ShellMagics(Magics):
    @line_cell_magic
    def ksh(self, line: str, cell: Optional[str] = None) -> None:
        """Run a shell command on a node or the workstation: `%ksh [--on HOST] COMMAND`.

        As a cell magic (`%%ksh [--on HOST]`) the cell is the script. The default host is the
        control-plane node, where the course runs kubectl (and where `kubectl port-forward` listens).
        """
        try:
            host, command = split_host(line)
        except ValueError:
            sys.stderr.write(USAGE)
            return
        if cell is not None:
            command = cell if not command else command + "\n" + cell
        if not command.strip():
            sys.stderr.write(USAGE)
            return
        run_shell(command, host)
