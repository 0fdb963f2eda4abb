"""`kubectl create -f` and the generators `kubectl create deployment|job|cronjob|namespace|configmap|
secret generic|serviceaccount` (`service …` and `ingress` live in :mod:`create_network`).

Ports of `pkg/cmd/create/create_*.go`: each generator builds the object exactly as kubectl does
(so `--dry-run=client -o yaml` prints the same bytes: no server defaults, `creationTimestamp: null`,
`status: {}`), then creates it unless `--dry-run=client`. Without a generator name, `create -f` is
:func:`kubenb.kubectl.commands.apply.run_create`.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from typing import Any, Optional

from kubenb.kubectl.args import Flag, UsageError
from kubenb.kubectl.commands import apply, common, create_network
from kubenb.kubectl.context import Context, KubectlError
from kubenb.store.errors import StatusError

_EXTRA = (
    Flag("image", kind=list),
    Flag("port", default="-1"),
    Flag("replicas", "r", default="1"),
    Flag("from", default=""),
    Flag("schedule", default=""),
    Flag("restart", default=""),
    Flag("from-literal", kind=list),
    Flag("from-file", kind=list),
    Flag("from-env-file", kind=list),
    Flag("append-hash", kind=bool, default=False),
    Flag("type", default=""),
    Flag("tcp", kind=list),
    Flag("clusterip", default=""),
    Flag("node-port", default="0"),
    Flag("external-name", default=""),
    Flag("class", default=""),
    Flag("rule", kind=list),
    Flag("default-backend", default=""),
    Flag("annotation", kind=list),
    Flag("template", default=""),
    Flag("show-managed-fields", kind=bool, default=False),
    Flag("allow-missing-template-keys", kind=bool, default=True),
)
FLAGS = apply.FLAGS + _EXTRA

_COMMON = ("dry-run", "output", "save-config", "validate", "field-manager", "template", "show-managed-fields",
           "allow-missing-template-keys")


def _int_flag(p: Any, name: str, command: str, short: str = "", bits: int = 32) -> int:
    """A pflag int32 flag, parsed here so that its error names the subcommand (and the shorthand)."""
    text = p[name]
    shown = f"-{short}, --{name}" if short else f"--{name}"
    try:
        value = int(text, 10)
    except ValueError:
        raise UsageError(f'error: invalid argument "{text}" for "{shown}" flag: strconv.ParseInt: parsing '
                         f'"{text}": invalid syntax', command) from None
    if not -(1 << (bits - 1)) <= value < (1 << (bits - 1)):
        raise UsageError(f'error: invalid argument "{text}" for "{shown}" flag: strconv.ParseInt: parsing '
                         f'"{text}": value out of range', command) from None
    return value


def name_from_args(p: Any, args: list[str], command: str) -> str:
    """`NameFromCommandArgs`: exactly one NAME before `--`."""
    if len(args) != 1:
        raise KubectlError(f"error: exactly one NAME is required, got {len(args)}\n"
                           f"See 'kubectl {command} -h' for help and examples")
    return args[0]


# ---------------------------------------------------------------------------- entry point


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    if p.args and p.args[0] in GENERATORS:
        return _generate(ctx, p, p.args[0], p.args[1:])
    if p.args:
        raise KubectlError(f"error: Unexpected args: [{' '.join(p.args)}]\nSee 'kubectl create -h' for help and examples")
    common.only_flags(p, apply.FLAGS, "create")
    return apply.run_create(ctx, p)


SERVICE_HELP = """Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Create a ClusterIP service
  externalname   Create an ExternalName service
  loadbalancer   Create a LoadBalancer service
  nodeport       Create a NodePort service

Usage:
  kubectl create service [flags] [options]

Use "kubectl create service <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""

SECRET_HELP = """Create a secret with specified type.

 A docker-registry type secret is for accessing a container registry.

 A generic type secret indicate an Opaque secret type.

 A tls type secret holds TLS certificate and its associated key.

Available Commands:
  docker-registry   Create a secret for use with a Docker registry
  generic           Create a secret from a local file, directory, or literal value
  tls               Create a TLS secret

Usage:
  kubectl create secret (docker-registry | generic | tls) [options]

Use "kubectl create secret <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""


def _generate(ctx: Context, p: Any, word: str, args: list[str]) -> int:
    generator = GENERATORS[word]
    if word in ("service", "svc", "secret"):
        kinds = SERVICE_TYPES if word != "secret" else SECRET_TYPES
        if not args or args[0] not in kinds:
            if args:
                raise KubectlError(f"error: Unexpected args: [{' '.join(args)}]\n"
                                   f"See 'kubectl create {'secret' if word == 'secret' else 'service'} -h' for help "
                                   "and examples")
            ctx.err.write(SECRET_HELP if word == "secret" else SERVICE_HELP)
            return 1
        sub = args[0]
        command = f"create {'secret' if word == 'secret' else 'service'} {sub}"
        flags, build = kinds[sub]
        args = args[1:]
    else:
        command, flags, build = generator
    common.only_flags(p, tuple(f for f in FLAGS if f.name in flags + _COMMON), command)
    dry = common.dry_run(p)
    common.check_output_format(p["output"])
    obj_data, wrap = build(ctx, p, args, command)
    obj = common.build(ctx, obj_data)
    info = ctx.store.info(obj)
    if p["save-config"]:  # `CreateApplyAnnotation`: the object's own JSON, before the annotation
        from kubenb.kubectl.merge import LAST_APPLIED

        obj_data.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = _compact(obj) + "\n"
        obj = common.build(ctx, obj_data)
    if dry != "client":
        if info.namespaced and not obj.metadata.namespace:
            obj.metadata.namespace = ctx.namespace
        try:
            obj = ctx.store.create(obj, dry_run=dry == "server")
        except StatusError as err:
            if wrap:
                raise KubectlError(f"error: failed to create {wrap}: {err.message}") from None
            raise
    common.print_result(ctx, info, obj, "created", p["output"], dry, typed=True)
    return 0


def _compact(obj: Any) -> str:
    import json

    from kubenb.kubectl.commands.common import _go_order

    data = _go_order(obj, obj.to_dict())
    head = {k: data.pop(k) for k in ("kind", "apiVersion") if k in data}
    return json.dumps({**head, **data}, separators=(",", ":"), ensure_ascii=False)


def _meta(ctx: Context, name: str, **extra: Any) -> dict:
    meta: dict[str, Any] = {"name": name}
    if ctx.namespace_given:
        meta["namespace"] = ctx.namespace
    meta.update(extra)
    return meta


# ---------------------------------------------------------------------------- generators


def _deployment(ctx: Context, p: Any, args: list[str], command: str) -> tuple[dict, Optional[str]]:
    replicas = _int_flag(p, "replicas", command, "r")
    port = _int_flag(p, "port", command)
    common.require(p, "image")
    name = name_from_args(p, args, command)
    images = p["image"]
    command_args = list(p.after_dash)
    if len(images) > 1 and command_args:
        raise KubectlError("error: cannot specify multiple --image options and command")
    labels = {"app": name}
    containers = []
    for image in images:
        cname = image.split("/")[-1]
        cname = cname.split(":")[0] if ":" in cname else cname
        cname = cname.split("@")[0] if "@" in cname else cname
        if "_" in cname or "." in cname:
            cname = cname.replace("_", "-").replace(".", "-") + "-" + ctx.cluster.rng.name_suffix()
        container: dict[str, Any] = {"name": cname, "image": image}
        if command_args:
            container["command"] = command_args
        containers.append(container)
    if port >= 0 and containers:
        containers[0]["ports"] = [{"containerPort": port}]
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": _meta(ctx, name, labels=labels),
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels}, "spec": {"containers": containers}}},
    }, "deployment"


def _job(ctx: Context, p: Any, args: list[str], command: str) -> tuple[dict, Optional[str]]:
    name = name_from_args(p, args, command)
    image, source = (p["image"][-1] if p["image"] else ""), p["from"]
    if (not image and not source) or (image and source):
        raise KubectlError("error: either --image or --from must be specified")
    if p.after_dash and source:
        raise KubectlError("error: cannot specify --from and command")
    if image:
        container: dict[str, Any] = {"name": name, "image": image}
        if p.after_dash:
            container["command"] = list(p.after_dash)
        return {"apiVersion": "batch/v1", "kind": "Job", "metadata": _meta(ctx, name),
                "spec": {"template": {"spec": {"containers": [container], "restartPolicy": "Never"}}}}, "job"
    kind, _, cj_name = source.partition("/")
    info = ctx.cluster.registry.resolve(kind) if cj_name else None
    if info is None or info.kind != "CronJob":
        raise KubectlError("error: from must be an existing cronjob")
    cronjob = ctx.store.get("CronJob", ctx.namespace, cj_name)
    template = cronjob.spec.job_template
    annotations = {"cronjob.kubernetes.io/instantiate": "manual", **(template.metadata.annotations or {})}
    meta = _meta(ctx, name, annotations=annotations)
    if template.metadata.labels:
        meta["labels"] = dict(template.metadata.labels)
    meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": cronjob.metadata.name,
                                "uid": cronjob.metadata.uid, "controller": True}]
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": template.spec.to_dict()}, "job"


def _cronjob(ctx: Context, p: Any, args: list[str], command: str) -> tuple[dict, Optional[str]]:
    common.require(p, "image", "schedule")
    name = name_from_args(p, args, command)
    container: dict[str, Any] = {"name": name, "image": p["image"][-1]}
    if p.after_dash:
        container["command"] = list(p.after_dash)
    restart = p["restart"] or "OnFailure"
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": _meta(ctx, name),
            "spec": {"schedule": p["schedule"], "jobTemplate": {
                "metadata": {"name": name},
                "spec": {"template": {"spec": {"containers": [container], "restartPolicy": restart}}}}}}, "cronjob"


def _namespace(ctx: Context, p: Any, args: list[str], command: str) -> tuple[dict, Optional[str]]:
    name = name_from_args(p, args, command)
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, None


def _serviceaccount(ctx: Context, p: Any, args: list[str], command: str) -> tuple[dict, Optional[str]]:
    name = name_from_args(p, args, command)
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(ctx, name)}, "serviceaccount"


def _sources(p: Any, kind: str, name: str) -> tuple[dict[str, str], dict[str, bytes]]:
    """`--from-literal`, `--from-file` and `--from-env-file` into text data and binary data."""
    data: dict[str, str] = {}
    binary: dict[str, bytes] = {}

    def add(key: str, value: bytes) -> None:
        if key in data or key in binary:
            if kind == "ConfigMap":
                raise KubectlError(f'error: cannot add key "{key}", another key by that name already exists in Data '
                                   f'for ConfigMap "{name}"')
            raise KubectlError(f"error: cannot add key {key}, another key by that name already exists")
        try:
            data[key] = value.decode("utf-8")
        except UnicodeDecodeError:
            binary[key] = value

    for spec in p["from-file"]:
        key, eq, path = spec.partition("=")
        if not eq:
            key, path = os.path.basename(spec), spec
        if os.path.isdir(path):
            for entry in sorted(os.listdir(path)):
                full = os.path.join(path, entry)
                if os.path.isfile(full):
                    with open(full, "rb") as fh:
                        add(entry, fh.read())
            continue
        if not os.path.exists(path):
            raise KubectlError(f"error: error reading {path}: no such file or directory")
        with open(path, "rb") as fh:
            add(key, fh.read())
    for spec in p["from-literal"]:
        key, eq, value = spec.partition("=")
        if not eq or not key:
            raise KubectlError(f"error: invalid literal source {spec}, expected key=value")
        add(key, value.encode())
    for path in p["from-env-file"]:
        if not os.path.exists(path):
            raise KubectlError(f"error: error reading {path}: no such file or directory")
        with open(path, encoding="utf-8") as fh:
            for line in fh.read().splitlines():
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                key, eq, value = line.partition("=")
                add(key, (value if eq else os.environ.get(key, "")).encode())
    return data, binary


def _configmap(ctx: Context, p: Any, args: list[str], command: str) -> tuple[dict, Optional[str]]:
    name = name_from_args(p, args, command)
    data, binary = _sources(p, "ConfigMap", name)
    out: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(ctx, name)}
    if data:
        out["data"] = data
    if binary:
        out["binaryData"] = {k: base64.b64encode(v).decode() for k, v in binary.items()}
    if p["append-hash"]:
        out["metadata"]["name"] = f"{name}-{_hash(out)}"
    return out, "configmap"


def _secret_generic(ctx: Context, p: Any, args: list[str], command: str) -> tuple[dict, Optional[str]]:
    name = name_from_args(p, args, command)
    data, binary = _sources(p, "Secret", name)
    values = {**{k: v.encode() for k, v in data.items()}, **binary}
    out: dict[str, Any] = {"apiVersion": "v1", "kind": "Secret", "metadata": _meta(ctx, name)}
    if values:
        out["data"] = {k: base64.b64encode(v).decode() for k, v in values.items()}
    if p["type"]:
        out["type"] = p["type"]
    if p["append-hash"]:
        out["metadata"]["name"] = f"{name}-{_hash(out)}"
    return out, None


def _hash(obj: dict) -> str:
    """`hash.ConfigMapHash`/`SecretHash`: sha256 of the encoded object, first 10 hex digits, safe-encoded."""
    import hashlib
    import json

    from kubenb.controllers.deployment.util import safe_encode

    encoded = {"kind": obj["kind"], "name": obj["metadata"]["name"], "data": obj.get("data", {})}
    digest = hashlib.sha256(json.dumps(encoded, separators=(",", ":"), sort_keys=True).encode()).hexdigest()
    return safe_encode(digest[:10])


Generator = tuple[str, tuple[str, ...], Callable[..., tuple[dict, Optional[str]]]]

_DEPLOYMENT: Generator = ("create deployment", ("image", "port", "replicas"), _deployment)
_JOB: Generator = ("create job", ("image", "from"), _job)
_CRONJOB: Generator = ("create cronjob", ("image", "schedule", "restart"), _cronjob)
_NAMESPACE: Generator = ("create namespace", (), _namespace)
_CONFIGMAP: Generator = ("create configmap", ("from-literal", "from-file", "from-env-file", "append-hash"), _configmap)
_SERVICEACCOUNT: Generator = ("create serviceaccount", (), _serviceaccount)

GENERATORS: dict[str, Any] = {
    "deployment": _DEPLOYMENT, "deploy": _DEPLOYMENT,
    "job": _JOB,
    "cronjob": _CRONJOB, "cj": _CRONJOB,
    "namespace": _NAMESPACE, "ns": _NAMESPACE,
    "configmap": _CONFIGMAP, "cm": _CONFIGMAP,
    "serviceaccount": _SERVICEACCOUNT, "sa": _SERVICEACCOUNT,
    "ingress": create_network.INGRESS, "ing": create_network.INGRESS,
    "secret": None, "service": None, "svc": None,
}
SECRET_TYPES: dict[str, Any] = {
    "generic": (("from-literal", "from-file", "from-env-file", "append-hash", "type"), _secret_generic),
}
SERVICE_TYPES = create_network.SERVICE_TYPES
