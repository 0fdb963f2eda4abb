"""`%kviz`: pictures of the notebook's current cluster, live as the simulation moves.

Figures come from :mod:`kubenb.viz` (imported on first use, so ``%load_ext kubenb`` stays as
fast as before). Live views are FigureWidgets patched in place after every command; call
:func:`after_command` from the other magics (it costs nothing until a live view exists).
"""

from __future__ import annotations

import shlex
import sys
from typing import Any

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from kubenb.magics.session import SESSION

VIEWS = ("rollout", "routes", "storage", "nodes", "graph", "timeline")
FLAGS = ("-n", "--namespace", "-A", "--all-namespaces", "-l", "--selector", "--focus", "--node", "--static",
         "--containers", "--no-nodes")
TARGET_KINDS = {"rollout": ("deployment", "statefulset", "daemonset"), "routes": ("service", "ingress"),
                "graph": (), "storage": (), "nodes": (), "timeline": ()}
SHORT = {"deployment": "deploy", "statefulset": "sts", "daemonset": "ds", "service": "svc", "ingress": "ing"}


def after_command() -> None:
    """Refresh the live figures: what the other magics call after each command (no-op without views)."""
    live = sys.modules.get("kubenb.viz.live")
    if live is not None:
        live.refresh_all()


class StaticFigure:
    """A plain (non-widget) figure: Plotly's own MIME type plus the light HTML fallback."""

    def __init__(self, fig: Any) -> None:
        self.fig = fig

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        import json

        from kubenb.viz.fallback import static_html

        meta = (self.fig.layout.meta or {}).get("kubenb", {})
        return {"application/vnd.plotly.v1+json": {**json.loads(self.fig.to_json()), "config": {"responsive": True}},
                "text/html": static_html(self.fig),
                "text/plain": f"<kubenb {meta.get('view', 'figure')} {meta.get('target') or ''}>".replace(" >", ">")}


@magics_class
class VizMagics(Magics):
    @magic_arguments()
    @argument("view", nargs="?", default="help", help="rollout | routes | storage | nodes | graph | timeline | help")
    @argument("target", nargs="?", default=None,
              help="rollout: deploy/NAME (or sts/, ds/); routes: svc/NAME or ing/NAME (all Services if omitted)")
    @argument("-n", "--namespace", default="default", help="namespace (default: default)")
    @argument("-A", "--all-namespaces", action="store_true", help="timeline: pods of every namespace")
    @argument("-l", "--selector", default=None, help="timeline: label selector, e.g. app=nginx")
    @argument("--focus", default=None, help="graph: only what is connected to KIND/NAME, e.g. deploy/web")
    @argument("--node", default=None, help="routes: the traffic entering through NODE, and NODE's kube-proxy chains")
    @argument("--containers", action="store_true", help="timeline: one row per container")
    @argument("--no-nodes", action="store_true", help="graph: leave the cluster's nodes out")
    @argument("--static", action="store_true", help="a plain figure instead of a live widget (no slider)")
    @line_magic
    def kviz(self, line: str) -> None:
        """Pictures of the cluster, drawn from its objects and the history recorded since it started.

        %kviz rollout deploy/NAME   ReplicaSets over time: desired/ready/available per ReplicaSet,
                                    replicas+maxSurge and replicas-maxUnavailable, ScalingReplicaSet
                                    events, revisions with their change-cause
        %kviz routes svc/NAME [--node NODE]
                                    Sankey: clients -> Service (ClusterIP:port, NodePort) -> endpoints
                                    -> pods -> nodes, weighted with the probabilities of kube-proxy's
                                    rules (traffic policies, not-ready and terminating endpoints as the
                                    version does them; a frontend per node where the rules differ),
                                    and a table of NODE's KUBE-SVC/KUBE-SEP chains as iptables-save
                                    prints them (default: the first worker)
        %kviz routes ing/NAME       the same from outside through the Ingress controller's NodePort
                                    Service, its pod, the Ingress rules, to each rule's Service
        %kviz storage [-n NS]       pods -> volumes -> PVCs -> PVs -> StorageClasses -> hostPath/NFS
        %kviz nodes                 requests and limits vs allocatable per node, stacked by owner,
                                    taints, and an Unscheduled lane with the scheduler's reason
        %kviz graph [--focus KIND/NAME] [-n NS]
                                    the object graph: owners, selectors, volumes, routes
        %kviz timeline [-l app=x] [--containers] [-A]
                                    a Gantt chart of pod states (or container states)

        Views are live: the same widget redraws after every %k/%kget/%kapply/%ksleep, and views with
        a time axis (rollout, routes, timeline) have a slider to scrub back through the history.
        Showing a view again reuses its widget. --static draws a plain figure instead.
        """
        try:
            args = parse_argstring(self.kviz, line)
        except Exception as e:  # noqa: BLE001 — UsageError from argparse: one line, like kubectl
            sys.stderr.write(f"error: {e}\n")
            return
        if args.view in ("help", "?"):
            print(self.kviz.__doc__)
            return
        if args.view not in VIEWS:
            sys.stderr.write(f'error: unknown view "{args.view}"; one of: {", ".join(VIEWS)}\n')
            return
        from kubenb import viz
        from kubenb.viz.common import VizError

        cluster = SESSION.current
        ns = args.namespace
        view_args: tuple = ()
        kwargs: dict[str, Any] = {}
        if args.view == "rollout":
            if not args.target:
                sys.stderr.write("error: rollout needs a target, e.g. %kviz rollout deploy/nginx\n")
                return
            view_args, kwargs = (args.target,), {"namespace": ns}
        elif args.view == "routes":
            view_args, kwargs = (args.target,), {"namespace": ns, **({"node": args.node} if args.node else {})}
        elif args.view == "storage":
            view_args = (args.target or ns,)
        elif args.view == "nodes":
            view_args = ()
        elif args.view == "graph":
            view_args, kwargs = (ns, args.focus or args.target), {"nodes": not args.no_nodes}
        elif args.view == "timeline":
            kwargs = {"namespace": None if args.all_namespaces else ns, "containers": args.containers}
            view_args = (args.selector or args.target,)
        try:
            if args.static:
                fn = getattr(viz, args.view)
                display(StaticFigure(fn(cluster, *view_args, **kwargs)))
            else:
                display(viz.live_view(cluster, args.view, *view_args, **kwargs))
        except VizError as e:
            sys.stderr.write(f"{e}\n")


# ---------------------------------------------------------------- completion


def _words(line: str) -> list[str]:
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if line.endswith(" "):
        words.append("")
    return words


def complete_kviz_args(words: list[str]) -> list[str]:
    """Candidates for the last word of a `%kviz` line (the magic's name already removed)."""
    if len(words) <= 1:
        return [*VIEWS, "help"]
    prev, last = words[-2], words[-1]
    cluster = SESSION.current
    namespace = "default"
    for i, w in enumerate(words[:-1]):
        if w in ("-n", "--namespace") and i + 1 < len(words) - 1:
            namespace = words[i + 1]
    if prev in ("-n", "--namespace"):
        return [ns.metadata.name for ns in cluster.store.list("Namespace")]
    if prev == "--node":
        return [node.metadata.name for node in cluster.store.list("Node")]
    if prev in ("-l", "--selector"):
        pairs = set()
        for pod in cluster.store.list("Pod", namespace):
            for k, v in (pod.metadata.labels or {}).items():
                if k != "pod-template-hash":
                    pairs.add(f"{k}={v}")
        return sorted(pairs)
    view = words[0]
    kinds = TARGET_KINDS.get(view, ())
    if prev == "--focus":
        kinds = ("deployment", "statefulset", "daemonset", "service", "ingress", "persistentvolumeclaim")
    elif last.startswith("-") or len([w for w in words[1:-1] if not w.startswith("-")]) >= 1:
        return [f for f in FLAGS if f.startswith(last)] if last.startswith("-") else list(FLAGS)
    out = []
    for kind in kinds:
        info = cluster.registry.resolve(kind)
        if info is None:
            continue
        word = SHORT.get(kind, kind)
        for obj in cluster.store.list(info.kind, namespace):
            out.append(f"{word}/{obj.metadata.name}")
    return out or list(FLAGS)


def kviz_completer(shell: Any, event: Any) -> list[str]:
    return complete_kviz_args(_words(event.line)[1:])


_registered: set[int] = set()


def _post_run_cell(*_: Any) -> None:
    after_command()


def register(shell: Any) -> None:
    """Register `%kviz`, its completion, and a refresh of live views after every cell (once per shell)."""
    if id(shell) in _registered:
        return
    _registered.add(id(shell))
    shell.register_magics(VizMagics)
    shell.set_hook("complete_command", kviz_completer, str_key="%kviz")
    shell.events.register("post_run_cell", _post_run_cell)
