"""`kubectl version`, `api-resources` and `cluster-info`: what the cluster says about itself."""

from __future__ import annotations

from kubenb.kubectl.args import Flag
from kubenb.kubectl.context import Context, KubectlError
from kubenb.kubectl.printers.table import Column, Row, Table

# The kustomize that ships inside each kubectl minor (`kubectl version` prints it since 1.24).
KUSTOMIZE = {24: "v4.5.4", 25: "v4.5.7", 26: "v4.5.7", 27: "v5.0.1", 28: "v5.0.4", 29: "v5.0.4", 30: "v5.0.4",
             31: "v5.4.2", 32: "v5.5.0", 33: "v5.6.0", 34: "v5.7.1"}

VERSION_FLAGS = (Flag("output", "o", default=""), Flag("client", kind=bool, default=False),
                 Flag("short", kind=bool, default=False))
API_RESOURCES_FLAGS = (Flag("api-group", default=None), Flag("namespaced", kind=bool, default=None),
                       Flag("output", "o", default=""), Flag("no-headers", kind=bool, default=False),
                       Flag("verbs", kind=list), Flag("sort-by", default=""), Flag("cached", kind=bool, default=False),
                       Flag("categories", kind=list))
CLUSTER_INFO_FLAGS = ()


def run_version(ctx: Context, p) -> int:
    v = ctx.cluster.version
    if v.minor < 24:
        info = (f'version.Info{{Major:"{v.major}", Minor:"{v.minor}", GitVersion:"{v.git_version}", '
                'GitCommit:"816c97ab8cff8a1c72eccca1026f7820e93e0d25", GitTreeState:"clean", '
                'BuildDate:"2022-01-25T21:25:17Z", GoVersion:"go1.17.6", Compiler:"gc", Platform:"linux/amd64"}')
        ctx.print(f"Client Version: {info}")
        if not p["client"]:
            ctx.print(f"Server Version: {info}")
        return 0
    ctx.print(f"Client Version: {v.git_version}")
    ctx.print(f"Kustomize Version: {KUSTOMIZE.get(v.minor, 'v5.5.0')}")
    if not p["client"]:
        ctx.print(f"Server Version: {v.git_version}")
    return 0


def run_api_resources(ctx: Context, p) -> int:
    rows = []
    for info in ctx.cluster.registry.resources:
        if p["api-group"] is not None and info.group != p["api-group"]:
            continue
        if p["namespaced"] is not None and info.namespaced != p["namespaced"]:
            continue
        if p["verbs"] and not set(p["verbs"]) <= set(info.verbs):
            continue
        if not info.verbs:
            continue
        rows.append(info)
    if p["sort-by"] == "name":
        rows.sort(key=lambda i: i.plural)
    elif p["sort-by"] == "kind":
        rows.sort(key=lambda i: i.kind)
    elif p["sort-by"]:
        raise KubectlError('error: --sort-by accepts only name or kind')
    if p["output"] == "name":
        for info in rows:
            ctx.print(f"{info.plural}.{info.group}" if info.group else info.plural)
        return 0
    wide = p["output"] == "wide"
    columns = [Column("Name"), Column("Shortnames"), Column("Apiversion"), Column("Namespaced"), Column("Kind")]
    if wide:
        columns += [Column("Verbs"), Column("Categories")]
    table = Table(columns, [
        Row([i.plural, ",".join(i.short_names), i.api_version, "true" if i.namespaced else "false", i.kind]
            + ([f"[{' '.join(i.verbs)}]", ",".join(i.categories)] if wide else []))
        for i in rows
    ])
    ctx.out.write(table.render(wide=True, no_headers=p["no-headers"]))
    return 0


def run_cluster_info(ctx: Context, p) -> int:
    cp = ctx.cluster.profile.control_plane
    green, yellow, reset = "\x1b[0;32m", "\x1b[0;33m", "\x1b[0m"
    url = f"https://{cp.internal_ip}:{ctx.cluster.profile.api_port}"
    ctx.print(f"{green}Kubernetes control plane{reset} is running at {yellow}{url}{reset}")
    ctx.print(f"{green}CoreDNS{reset} is running at {yellow}{url}/api/v1/namespaces/kube-system/services/"
              f"kube-dns:dns/proxy{reset}")
    ctx.print("")
    ctx.print("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.")
    return 0
