"""kubectl semantics: parse a command line, run the verb against the cluster, print like kubectl.

:func:`run` is the one entry point; it returns a :class:`subprocess.CompletedProcess` whose
`stdout`, `stderr` and `returncode` are what the real kubectl would give. No exception escapes
it for anything a user can type.
"""

from __future__ import annotations

import os
import subprocess
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from kubenb.kubectl import args as argparse_
from kubenb.kubectl.args import GLOBAL_FLAGS, Flag, UsageError
from kubenb.kubectl.commands import (
    annotate,
    apply,
    auth,
    create,
    delete,
    describe,
    exec_,
    expose,
    get,
    info,
    label,
    logs,
    nodes,
    port_forward,
    rollout,
    run_,
    scale,
    set_image,
    top,
    wait,
)
from kubenb.kubectl.commands import patch as patch_cmd  # the name `patch` is the patch-logic module
from kubenb.kubectl.context import Context, KubectlError, format_error
from kubenb.store.errors import StatusError

if TYPE_CHECKING:
    from kubenb.cluster import Cluster


#: the traceback of the last internal error (set KUBENB_DEBUG=1 to raise it instead)
last_traceback: Optional[str] = None


@dataclass(frozen=True)
class Command:
    name: str
    run: Callable[[Context, argparse_.Parsed], int]
    flags: tuple[Flag, ...] = ()
    summary: str = ""


COMMANDS: dict[str, Command] = {c.name: c for c in (
    Command("get", get.run, get.FLAGS, "Display one or many resources"),
    Command("describe", describe.run, describe.FLAGS, "Show details of a specific resource or group of resources"),
    Command("apply", apply.run_apply, apply.FLAGS, "Apply a configuration to a resource by file name or stdin"),
    Command("create", create.run, create.FLAGS, "Create a resource from a file or from stdin"),
    Command("delete", delete.run, delete.FLAGS, "Delete resources by file names, stdin, resources and names, or by resources and label selector"),
    Command("run", run_.run, run_.FLAGS, "Run a particular image on the cluster"),
    Command("scale", scale.run, scale.FLAGS, "Set a new size for a deployment, replica set, or replication controller"),
    Command("rollout", rollout.run, rollout.FLAGS, "Manage the rollout of a resource"),
    Command("set", set_image.run, set_image.FLAGS, "Set specific features on objects"),
    Command("label", label.run, label.FLAGS, "Update the labels on a resource"),
    Command("annotate", annotate.run, annotate.FLAGS, "Update the annotations on a resource"),
    Command("patch", patch_cmd.run, patch_cmd.FLAGS, "Update fields of a resource"),
    Command("wait", wait.run, wait.FLAGS, "Experimental: Wait for a specific condition on one or many resources"),
    Command("expose", expose.run, expose.FLAGS,
            "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service"),
    Command("port-forward", port_forward.run, port_forward.FLAGS, "Forward one or more local ports to a pod"),
    Command("exec", exec_.run, exec_.FLAGS, "Execute a command in a container"),
    Command("logs", logs.run, logs.FLAGS, "Print the logs for a container in a pod"),
    Command("top", top.run, top.FLAGS, "Display resource (CPU/memory) usage"),
    Command("cordon", nodes.run_cordon, nodes.CORDON_FLAGS, "Mark node as unschedulable"),
    Command("uncordon", nodes.run_uncordon, nodes.CORDON_FLAGS, "Mark node as schedulable"),
    Command("drain", nodes.run_drain, nodes.DRAIN_FLAGS, "Drain node in preparation for maintenance"),
    Command("taint", nodes.run_taint, nodes.TAINT_FLAGS, "Update the taints on one or more nodes"),
    Command("api-resources", info.run_api_resources, info.API_RESOURCES_FLAGS, "Print the supported API resources on the server"),
    Command("version", info.run_version, info.VERSION_FLAGS, "Print the client and server version information"),
    Command("auth", auth.run, auth.FLAGS, "Inspect authorization"),
    Command("cluster-info", info.run_cluster_info, info.CLUSTER_INFO_FLAGS, "Display cluster information"),
)}


def run(cluster: Cluster, cmdline: str | list[str], stdin: Optional[str] = None,
        displays: Optional[list] = None, background: Optional[list] = None) -> subprocess.CompletedProcess:
    """Run one command line. `background`, if a list, receives a `get -w`'s running watch
    (see :class:`kubenb.kubectl.commands.watch.Watch`) instead of the command waiting for it."""
    argv = argparse_.split(cmdline) if not isinstance(cmdline, list) else list(cmdline)
    if argv and argv[0] in ("kubectl", "k"):
        argv = argv[1:]
    ctx = Context(cluster, stdin=stdin, background=background)
    code = _dispatch(ctx, argv)
    if displays is not None:
        displays.extend(ctx.displays)
    return subprocess.CompletedProcess(["kubectl", *argv], code, ctx.out.getvalue(), ctx.err.getvalue())


def _dispatch(ctx: Context, argv: list[str]) -> int:
    try:
        verb, rest = _find_verb(argv)
        command = COMMANDS.get(verb)
        if command is None:
            raise KubectlError(_unknown_command(verb))
        parsed = argparse_.parse(rest, GLOBAL_FLAGS + command.flags, verb)
        if parsed["namespace"]:
            ctx.namespace, ctx.namespace_given = parsed["namespace"], True
        return command.run(ctx, parsed)
    except (UsageError, KubectlError, StatusError) as err:
        text = format_error(err)
        ctx.err.write(text if text.endswith("\n") else text + "\n")  # kubectl's CheckErr adds one newline
        return err.code if isinstance(err, KubectlError) else 1  # a StatusError's code is HTTP's, not the exit code
    except Exception as err:  # a bug in kubenb: one line for the learner, the traceback for us
        if os.environ.get("KUBENB_DEBUG"):
            raise
        global last_traceback
        last_traceback = traceback.format_exc()
        ctx.err.write(f"error: kubenb internal error ({type(err).__name__}: {err}); "
                      "kubenb.kubectl.last_traceback has the details\n")
        return 1


def _find_verb(argv: list[str]) -> tuple[str, list[str]]:
    """The first non-flag word is the verb; global flags may come before it (`kubectl -n x get po`)."""
    global_values = {f"--{f.name}" for f in GLOBAL_FLAGS if f.kind is not bool} | {
        f"-{f.short}" for f in GLOBAL_FLAGS if f.short and f.kind is not bool}
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in global_values:
            i += 2
            continue
        if word.startswith("-"):
            i += 1
            continue
        return word, argv[:i] + argv[i + 1:]
    raise KubectlError(_help())


def _unknown_command(verb: str) -> str:
    import difflib

    close = difflib.get_close_matches(verb, COMMANDS, n=1, cutoff=0.75)
    hint = f"\n\nDid you mean this?\n\t{close[0]}\n" if close else "\n"
    return f'error: unknown command "{verb}" for "kubectl"{hint}\nRun \'kubectl --help\' for usage.'


def _help() -> str:
    lines = ["kubectl controls the Kubernetes cluster manager.", "", "Commands:"]
    width = max(len(n) for n in COMMANDS) + 2
    lines += [f"  {c.name:<{width}}{c.summary}" for c in COMMANDS.values()]
    return "\n".join(lines)
