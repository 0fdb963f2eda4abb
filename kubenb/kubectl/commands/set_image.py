"""`kubectl set image`: change container images of pods and pod templates.

Port of `pkg/cmd/set/set_image.go` (with `polymorphichelpers.UpdatePodSpecForObjectFn` and
`cmdutil.GetResourcesAndPairs`/`ParsePairs`): every object is found first (any lookup error ends
the command before anything changes); images are then set on matching containers and init
containers (`*` matches all); an object whose images already match is left alone and not
printed; a container name that matches nothing is an error reported at the end.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api.base import evolve
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError

FLAGS = (
    *common.FILENAME_FLAGS,
    *common.PRINT_FLAGS,
    Flag("all", kind=bool, default=False),
    Flag("selector", "l", default=""),
    Flag("local", kind=bool, default=False),
    Flag("dry-run", default="none", no_value="unchanged"),
    Flag("field-manager", default="kubectl-set"),
    Flag("record", kind=bool, default=False),
)

HELP = """Configure application resources.

 These commands help you make changes to existing application resources.

Available Commands:
  env              Update environment variables on a pod template
  image            Update the image of a pod template
  resources        Update resource requests/limits on objects with pod templates
  selector         Set the selector on a resource
  serviceaccount   Update the service account of a resource
  subject          Update the user, group, or service account in a role binding or cluster role binding

Usage:
  kubectl set SUBCOMMAND [options]

Use "kubectl set <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""

# Go types named by `%T` in "the object is not a pod or does not have a pod template: %T".
GO_TYPES = {"": "v1", "apps": "v1", "batch": "v1", "networking.k8s.io": "v1"}


def resources_and_pairs(args: list[str], pair_type: str) -> tuple[list[str], list[str]]:
    """`cmdutil.GetResourcesAndPairs`: resources first, then `key=value` / `key-` pairs."""
    resources: list[str] = []
    pairs: list[str] = []
    for s in args:
        is_pair = ("=" in s and not s.startswith("=")) or (s.endswith("-") and s != "-")
        if is_pair:
            pairs.append(s)
        elif pairs:
            raise KubectlError(f"error: all resources must be specified before {pair_type} changes: {s}")
        else:
            resources.append(s)
    return resources, pairs


def parse_pairs(pairs: list[str], pair_type: str, support_remove: bool) -> tuple[dict[str, str], list[str]]:
    """`cmdutil.ParsePairs`: `key=value` into a map, `key-` into a removal list."""
    new: dict[str, str] = {}
    remove: list[str] = []
    invalid: list[str] = []
    for pair in pairs:
        if "=" in pair and not pair.startswith("="):
            key, _, value = pair.partition("=")
            new[key] = value
        elif support_remove and pair.endswith("-") and pair != "-":
            remove.append(pair[:-1])
        else:
            invalid.append(pair)
    if invalid:
        raise KubectlError(f"error: invalid {pair_type} format: {', '.join(invalid)}")
    return new, remove


def pod_spec_of(obj: Any) -> Optional[Any]:
    """`UpdatePodSpecForObjectFn`: the pod spec inside a workload (None when it has none)."""
    kind = obj.KIND
    if kind == "Pod":
        return obj.spec
    if kind in ("ReplicationController", "Deployment", "DaemonSet", "ReplicaSet", "StatefulSet", "Job"):
        template = obj.spec.template
        return template.spec if template is not None else None
    if kind == "CronJob":
        return obj.spec.job_template.spec.template.spec
    return None


def go_type(info: Any) -> str:
    return f"*{GO_TYPES.get(info.group, info.version)}.{info.kind}"


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    if not p.args:
        ctx.err.write(HELP)
        return 1
    sub, args = p.args[0], p.args[1:]
    if sub != "image":
        raise KubectlError(f'error: unknown command "{sub}"\nSee \'kubectl set -h\' for help and examples')
    return set_image(ctx, p, args)


def set_image(ctx: Context, p: Any, args: list[str]) -> int:
    common.warn_record(ctx, p)
    dry = common.dry_run(p)
    common.check_output_format(p["output"])
    resources, pairs = resources_and_pairs(args, "image")
    images, _ = parse_pairs(pairs, "image", False)
    if p["local"]:
        if resources:
            raise KubectlError("error: you must specify resources by --filename when --local is set.\n"
                               "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'")
        targets = _local_targets(ctx, p)
    else:
        targets, problems = common.find(ctx, p, resources, "set image", select_all=p["all"], selector=p["selector"])
        common.fail_if(problems)  # `builder.Do().Infos()` fails the whole command
    problems = []
    if p["all"] and p["selector"]:
        problems.append("cannot set --all and --selector at the same time")
    if not resources and not p["filename"]:
        problems.append("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not images:
        problems.append("at least one image update is required")
    elif len(images) > 1 and "*" in images:
        problems.append("all containers are already specified by *, but saw more than one container_name=container_image pairs")
    if p["local"] and dry == "server":
        problems.append("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    common.check_errors(problems)
    cause = common.change_cause("set image", args, p, FLAGS)
    failures: list[str] = []
    for target in targets:
        new = evolve(target.obj)
        spec = pod_spec_of(new)
        if spec is None:
            failures.append(f"error: {target.info.plural}/{target.name} the object is not a pod or does not have a pod "
                            f"template: {go_type(target.info)}\n")
            continue
        for name, image in images.items():
            found_init = _set_image(spec.init_containers or [], name, image)
            found = _set_image(spec.containers, name, image)
            if not found and not found_init:
                failures.append(f'error: unable to find container named "{name}"')
        if cause is not None:
            new.metadata.annotations = {**(new.metadata.annotations or {}), common.CHANGE_CAUSE: cause}
        if new == target.obj:
            continue  # an empty patch is not sent
        if p["local"] or dry == "client":
            common.print_result(ctx, target.info, new, "image updated", p["output"], dry, typed=True)
            continue
        result = common.write(ctx, target.info, target.obj, new.to_dict(), dry)
        common.print_result(ctx, target.info, result, "image updated", p["output"], dry, typed=True)
    common.check_errors(failures)
    return 0


def _set_image(containers: list[Any], name: str, image: str) -> bool:
    found = False
    for c in containers:
        if c.name == name or name == "*":
            found = True
            c.image = image
    return found


def _local_targets(ctx: Context, p: Any) -> list[common.Target]:
    from kubenb.kubectl import manifests
    from kubenb.kubectl.commands.apply import _map

    if not p["filename"]:
        raise KubectlError("error: " + common.NO_RESOURCES)
    out = []
    for doc in manifests.load(p["filename"], ctx.stdin, p["recursive"]):
        info = _map(ctx, doc)
        out.append(common.Target(info, common.build(ctx, doc.data)))
    return out
