"""`kubenb serve`: a simulated cluster behind the Kubernetes REST API, for the real kubectl.

    $ kubenb serve --profile kubeadm --kubeconfig ./kubeconfig
    $ KUBECONFIG=./kubeconfig kubectl get nodes

The cluster starts at the present moment rather than at its profile's fixed date: kubectl computes
some ages itself (`describe`'s events, `rollout history`), from the machine's clock, and they agree
with the server's AGE columns only if the two clocks do.
"""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
import threading
import time
from typing import Optional

from kubenb.apiserver import serve
from kubenb.cluster import Cluster
from kubenb.profiles import Profile, get_profile
from kubenb.sim.clock import format_rfc3339, parse_rfc3339


def at_present(profile: Profile, now: Optional[float] = None) -> Profile:
    """`profile` shifted in time so that its "now" is the wall clock's (its history keeps its length)."""
    shift = int(now if now is not None else time.time()) - parse_rfc3339(profile.now)
    return dataclasses.replace(profile, created=format_rfc3339(parse_rfc3339(profile.created) + shift),
                               now=format_rfc3339(parse_rfc3339(profile.now) + shift))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="kubenb", description="Kubernetes in a Jupyter kernel, and out of it.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve a simulated cluster over the Kubernetes API (HTTPS, bearer token)")
    p.add_argument("--profile", default="kubeadm", help="cluster profile: kubeadm (v1.32) or course (v1.23)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same names and timings)")
    p.add_argument("--nodes", type=int, default=None, help="number of nodes (control plane included)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback only unless --allow-remote)")
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument("--kubeconfig", default=None, help="where to write the kubeconfig (default: a temporary file)")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per wall-clock second (0: frozen)")
    p.add_argument("--profile-time", action="store_true", help="keep the profile's own dates instead of the present")
    p.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    args = parser.parse_args(argv)
    try:
        profile = get_profile(args.profile, args.nodes)
    except ValueError as err:
        parser.error(str(err))
    if not args.profile_time:
        profile = at_present(profile)
    cluster = Cluster(profile, seed=args.seed)
    try:
        server = serve(cluster, host=args.host, port=args.port, speed=args.speed, kubeconfig=args.kubeconfig,
                       allow_remote=args.allow_remote)
    except (ValueError, OSError) as err:
        print(f"kubenb: {err}", file=sys.stderr)
        return 1
    print(f"Serving {cluster!r} at {server.url}", flush=True)
    print(f"export KUBECONFIG={server.kubeconfig}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
