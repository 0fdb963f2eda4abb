"""Tab completion for the magics: verbs, resource types (with short names) and object names.

Completion reads the current cluster's registry and store, so it offers exactly what
`kubectl` would accept right now (`%kget po<TAB>` → `pods`, `%k describe pod ng<TAB>` → the pods).
"""

from __future__ import annotations

import shlex
from typing import Any

from kubenb.kubectl import COMMANDS
from kubenb.magics.session import SESSION

# verbs whose first argument is a resource type and second an object name
TYPE_VERBS = {"get", "describe", "delete", "edit", "label", "annotate", "scale", "rollout", "patch", "wait"}


def _words(line: str) -> list[str]:
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if line.endswith(" "):
        words.append("")
    return words


def _types() -> list[str]:
    names: set[str] = set()
    for info in SESSION.current.registry.resources:
        names.add(info.plural)
        names.update(info.short_names)
    return sorted(names | {"all"})


def _names(type_word: str, namespace: str) -> list[str]:
    cluster = SESSION.current
    info = cluster.registry.resolve(type_word.split(",")[0])
    if info is None:
        return []
    objs = cluster.store.list(info.kind, namespace if info.namespaced else "")
    return [o.metadata.name for o in objs]


def complete_kubectl_args(args: list[str]) -> list[str]:
    """Candidates for the last word of a kubectl argument list (the verb already removed or not)."""
    namespace = "default"
    for i, word in enumerate(args[:-1]):
        if word in ("-n", "--namespace") and i + 1 < len(args) - 1:
            namespace = args[i + 1]
    positional = [w for w in args[:-1] if not w.startswith("-")]
    if not positional:
        return sorted(COMMANDS)
    verb = positional[0]
    if verb in TYPE_VERBS:
        rest = positional[1:]
        if verb == "rollout" and rest:
            rest = rest[1:]
        elif verb == "rollout":
            return ["history", "pause", "restart", "resume", "status", "undo"]
        if not rest:
            return _types()
        return _names(rest[0], namespace)
    return []


def kubectl_completer(shell: Any, event: Any) -> list[str]:
    words = _words(event.line)[1:]  # drop the magic itself
    return complete_kubectl_args(words)


def kget_completer(shell: Any, event: Any) -> list[str]:
    words = _words(event.line)[1:]
    return complete_kubectl_args(["get", *words])


def kcluster_completer(shell: Any, event: Any) -> list[str]:
    words = _words(event.line)[1:]
    if len(words) <= 1:
        return ["new", "reset", "use", "list", "info"]
    if words[-2] == "--profile":
        return ["kubeadm", "course"]
    if words[0] == "use":
        return sorted(SESSION.clusters)
    return ["--profile", "--seed", "--pace", "--nodes"]


def register(shell: Any) -> None:
    for magic in ("%k", "%kubectl", "%%k", "%%kubectl"):
        shell.set_hook("complete_command", kubectl_completer, str_key=magic)
    shell.set_hook("complete_command", kget_completer, str_key="%kget")
    shell.set_hook("complete_command", kcluster_completer, str_key="%kcluster")
