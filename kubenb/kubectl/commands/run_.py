"""`kubectl run NAME --image=IMAGE [--port] [--labels] [--env] [--restart] [--command] [-- args...]`.

Port of `pkg/cmd/run/run.go` for the non-interactive forms: one Pod (and with `--expose` a
Service) built as kubectl builds it, created unless `--dry-run=client`. Attaching (`-i`, `-t`,
`--attach`, `--rm`) needs a terminal and is not simulated.
"""

from __future__ import annotations

import re
from typing import Any

from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError
from kubenb.store.errors import StatusError

FLAGS = (
    *common.PRINT_FLAGS,
    Flag("image", default=""),
    Flag("port", default=""),
    Flag("labels", "l", default=""),
    Flag("env", kind=list),
    Flag("annotations", kind=list),
    Flag("restart", default="Always"),
    Flag("command", kind=bool, default=False),
    Flag("image-pull-policy", default=""),
    Flag("dry-run", default="none", no_value="unchanged"),
    Flag("expose", kind=bool, default=False),
    Flag("stdin", "i", kind=bool, default=False),
    Flag("tty", "t", kind=bool, default=False),
    Flag("attach", kind=bool, default=False),
    Flag("rm", kind=bool, default=False),
    Flag("quiet", "q", kind=bool, default=False),
    Flag("privileged", kind=bool, default=False),
    Flag("leave-stdin-open", kind=bool, default=False),
    Flag("pod-running-timeout", default="1m0s"),
    Flag("overrides", default=""),
    Flag("override-type", default="merge"),
    Flag("field-manager", default="kubectl-run"),
    Flag("save-config", kind=bool, default=False),
    Flag("record", kind=bool, default=False),
    Flag("cascade", default="background"),
    Flag("filename", "f", kind=list),
    Flag("force", kind=bool, default=False),
    Flag("grace-period", default="-1"),
    Flag("kustomize", "k", default=""),
    Flag("recursive", "R", kind=bool, default=False),
    Flag("timeout", default="0s"),
    Flag("wait", kind=bool, default=False),
)

# The image reference grammar of `github.com/distribution/reference` (ReferenceRegexp), anchored.
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[(?:[a-fA-F0-9:]+)\])(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*"
_REFERENCE = re.compile(rf"^({_NAME})(?::([\w][\w.-]{{0,127}}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*"
                        r"[:][0-9A-Fa-f]{32,}))?$")
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


def parse_labels(text: str) -> dict[str, str]:
    if not text:
        return {}
    labels: dict[str, str] = {}
    for spec in text.split(","):
        parts = spec.split("=")
        if len(parts) != 2:
            raise KubectlError(f"error: unexpected label spec: {spec}")
        if not parts[0]:
            raise KubectlError("error: unexpected empty label key")
        labels[parts[0]] = parts[1]
    return labels


def parse_envs(specs: list[str]) -> list[dict[str, str]]:
    envs = []
    for spec in specs:
        name, eq, value = spec.partition("=")
        if not eq or not name or not _ENV_NAME.match(name):
            raise KubectlError(f"error: invalid env: {spec}")
        envs.append({"name": name, "value": value})
    return envs


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    common.require(p, "image")
    common.warn_record(ctx, p)
    from kubenb.kubectl.commands.set_image import parse_pairs

    annotations, _ = parse_pairs(p["annotations"], "annotations", False)
    labels = parse_labels(p["labels"])
    envs = parse_envs(p["env"])
    restart = p["restart"]
    if restart == "" and p["stdin"]:
        restart = "OnFailure"
    if restart not in ("Always", "OnFailure", "Never", ""):
        raise KubectlError(f"error: invalid restart policy: {restart}\nSee 'kubectl run -h' for help and examples")
    restart = restart or "Always"
    if p["image-pull-policy"] not in ("", "Always", "IfNotPresent", "Never"):
        raise KubectlError(f"error: invalid image pull policy: {p['image-pull-policy']}")
    attach = p["attach"] or (p["stdin"] and not p.was_set("attach"))
    dry = common.dry_run(p)
    common.check_output_format(p["output"])
    args = p.args
    if not args:  # `kubectl run -- x` (ArgsLenAtDash == 0) has no NAME either
        raise KubectlError("error: NAME is required for run\nSee 'kubectl run -h' for help and examples")
    image = p["image"]
    if not _REFERENCE.match(image):
        raise KubectlError(f'error: Invalid image name "{image}": invalid reference format')
    if p["tty"] and not p["stdin"]:
        raise KubectlError("error: -i/--stdin is required for containers with -t/--tty=true\n"
                           "See 'kubectl run -h' for help and examples")
    if p["expose"] and not p["port"]:
        raise KubectlError("error: --port must be set when exposing a service\nSee 'kubectl run -h' for help and examples")
    if p["port"] and not re.fullmatch(r"[-+]?[0-9]+", p["port"]):
        raise KubectlError(f'error: strconv.Atoi: parsing "{p["port"]}": invalid syntax')
    if not attach and p["rm"]:
        raise KubectlError("error: --rm should only be used for attached containers\n"
                           "See 'kubectl run -h' for help and examples")
    if attach and dry != "none":
        raise KubectlError("error: --dry-run=[server|client] can't be used with attached containers options "
                           "(--attach, --stdin, or --tty)\nSee 'kubectl run -h' for help and examples")
    name, arguments = args[0], args[1:] + list(p.after_dash)
    pod_labels = labels or {"run": name}
    container: dict[str, Any] = {"name": name, "image": image}
    if arguments:
        container["command" if p["command"] else "args"] = arguments
    if p["port"]:
        container["ports"] = [{"containerPort": int(p["port"])}]
    if envs:
        container["env"] = envs
    if p["image-pull-policy"]:
        container["imagePullPolicy"] = p["image-pull-policy"]
    if p["privileged"]:
        container["securityContext"] = {"privileged": True}
    if p["stdin"]:
        container["stdin"] = True
        if not p["leave-stdin-open"]:
            container["stdinOnce"] = True
    if p["tty"]:
        container["tty"] = True
    meta: dict[str, Any] = {"name": name, "labels": pod_labels}
    if annotations:
        meta["annotations"] = annotations
    if ctx.namespace_given and dry == "client":
        meta["namespace"] = ctx.namespace
    cause = common.change_cause("run", args, p, FLAGS)
    if cause is not None:
        meta.setdefault("annotations", {})[common.CHANGE_CAUSE] = cause
    pod = common.build(ctx, {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                             "spec": {"containers": [container], "restartPolicy": restart, "dnsPolicy": "ClusterFirst"}})
    objects = [pod]
    if p["expose"]:
        port = int(p["port"])
        service_meta: dict[str, Any] = {"name": name}
        if labels:
            service_meta["labels"] = labels
        objects.append(common.build(ctx, {
            "apiVersion": "v1", "kind": "Service", "metadata": service_meta,
            "spec": {"selector": pod_labels, "ports": [{"port": port, "protocol": "TCP", "targetPort": port}]}}))
    created = []
    failures: list[str] = []
    for i, obj in enumerate(objects):
        if dry != "client":
            if not obj.metadata.namespace:
                obj.metadata.namespace = ctx.namespace
            try:
                obj = ctx.store.create(obj, dry_run=dry == "server")
            except StatusError as err:
                if i == 0:
                    raise
                failures.append(common.format_status_error(err))
                continue
        created.append(obj)
    # the Service (if any) is printed as soon as it exists, followed by `---` in YAML; the Pod last
    for obj in created[1:]:
        common.print_result(ctx, ctx.store.info(obj), obj, "created", p["output"], dry, typed=True)
        if p["output"] == "yaml":
            ctx.print("---")
    if p["output"] == "yaml" and len(created) > 1:
        ctx.print("---")  # the YAML printer's own separator before its second object
    common.print_result(ctx, ctx.store.info(created[0]), created[0], "created", p["output"], dry, typed=True)
    common.check_errors(failures)
    return 0
