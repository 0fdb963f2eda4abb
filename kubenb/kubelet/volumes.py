"""Volumes: what the kubelet mounts into a pod's containers, built as runtime directories.

* ``emptyDir``: a directory that lives as long as the pod (a restarted container finds it again);
* ``configMap``, ``secret``, ``downwardAPI`` and ``projected`` (the service-account token): files
  laid out the way the kubelet's ``AtomicWriter`` lays them out -- a timestamped directory, a
  ``..data`` link to it, and one link per key -- and mounted read-only;
* ``hostPath``: a path of the node's own filesystem, checked against its ``type``;
* ``nfs``: the server's directory itself, reached through the cluster's NFS fabric -- it needs
  the node's NFS client (``nfs-common``) and an export that admits the node, or the mount fails
  with ``mount``'s own words;
* ``persistentVolumeClaim``: the bound volume's source (hostPath, local or nfs) set up as above,
  under the volume's name, as the kubelet's volume manager does; an unbound claim waits.

A missing ConfigMap or Secret fails the mount with the kubelet's ``FailedMount`` text; the pod
stays ``ContainerCreating`` until it appears.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Optional

from kubenb.runtime import Dir, FileSystem, FsError, MountSpec
from kubenb.runtime.fs import File, Node

if TYPE_CHECKING:
    from kubenb.kubelet.worker import PodWorker

SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
TMPFS = "tmpfs"


class MountError(Exception):
    """A volume that cannot be set up yet: the ``FailedMount`` text, and what it waits for."""

    def __init__(self, volume: str, detail: str, waits_for: Optional[tuple[str, str, str]] = None,
                 message: Optional[str] = None) -> None:
        super().__init__(detail)
        self.message = message or f'MountVolume.SetUp failed for volume "{volume}" : {detail}'
        self.waits_for = waits_for  # (kind, namespace, name) whose creation may fix it


@dataclass(slots=True)
class Volume:
    """A set-up volume: its directory (or file) and where ``df`` says it lives (one per volume of
    every running pod, so slotted)."""

    name: str
    node: Node
    source: str
    read_only: bool = False
    refresh: Optional[Callable[[], None]] = None  # re-project a ConfigMap/Secret after an update (only those)
    kind: str = ""  # "configMap", "secret", ... (what updates it)
    ref: str = ""  # the ConfigMap/Secret it projects


_FILE_DATA = File.__dict__["data"]  # the slot under TokenFile's ``data`` property


class TokenFile(File):
    """A pod's service-account token, signed the first time someone reads it. Until then it holds
    the pod worker and the projection that asks for it (issued at the file's own mtime): every pod
    has one, and most are never read."""

    __slots__ = ("_worker", "_source")

    def __init__(self, worker: PodWorker, source: Any, mode: int, mtime: float) -> None:
        Node.__init__(self, mode, mtime=mtime)
        _FILE_DATA.__set__(self, b"")
        self.exe = None
        self._worker: Optional[PodWorker] = worker
        self._source = source

    @property  # type: ignore[override]
    def data(self) -> bytes:
        worker = self._worker
        if worker is not None:
            from kubenb.kubelet.kubelet import sign_token

            src = self._source
            _FILE_DATA.__set__(self, sign_token(worker, int(self.mtime), src.expiration_seconds or 3607, src.audience))
            self._worker = self._source = None
        return _FILE_DATA.__get__(self)

    @data.setter
    def data(self, value: bytes) -> None:
        _FILE_DATA.__set__(self, value)
        self._worker = self._source = None


def setup(worker: PodWorker) -> dict[str, Volume]:
    """Every volume of the pod, set up. Raises MountError for the first that cannot be."""
    out: dict[str, Volume] = {}
    for v in worker.pod.spec.volumes or ():
        out[v.name] = _setup_one(worker, v)
    return out


def _setup_one(worker: PodWorker, v: Any) -> Volume:
    now = worker.now()
    node = worker.node
    if v.empty_dir is not None:
        memory = (v.empty_dir.medium or "") == "Memory"
        return Volume(v.name, Dir(0o777, mtime=now), TMPFS if memory else node.host.root_device)
    if v.config_map is not None:
        vol = Volume(v.name, Dir(0o777, mtime=now), node.host.root_device, True, kind="ConfigMap",
                     ref=v.config_map.name or "")
        vol.refresh = _projector(worker, vol, lambda: _config_map_files(worker, v.name, v.config_map))
        vol.refresh()
        return vol
    if v.secret is not None:
        vol = Volume(v.name, Dir(0o777, mtime=now), TMPFS, True, kind="Secret", ref=v.secret.secret_name or "")
        vol.refresh = _projector(worker, vol, lambda: _secret_files(worker, v.name, v.secret))
        vol.refresh()
        return vol
    if v.downward_api is not None:
        vol = Volume(v.name, Dir(0o777, mtime=now), node.host.root_device, True)
        _projector(worker, vol, lambda: _downward_files(worker, v.downward_api.items or (),
                                                        v.downward_api.default_mode))()
        return vol
    if v.projected is not None:
        # written once: nothing re-projects it (only ConfigMap and Secret volumes follow updates),
        # so the pod keeps its files, not the function that wrote them
        vol = Volume(v.name, Dir(0o777, mtime=now), TMPFS, True, kind="projected")
        _projector(worker, vol, lambda: _projected_files(worker, v.name, v.projected))()
        return vol
    if v.host_path is not None:
        return _host_path(worker, v.name, v.host_path)
    if v.persistent_volume_claim is not None:
        return _claim(worker, v)
    if v.nfs is not None:
        return _nfs(worker, v.name, v.name, v.nfs, bool(v.nfs.read_only))
    # csi, ephemeral, image and the deprecated in-tree plugins: an empty directory (not modelled)
    return Volume(v.name, Dir(0o777, mtime=now), node.host.root_device)


_REALPATHS: dict[tuple[int, str], tuple[Dir, str]] = {}  # the root kept alive: its id stays its own


def realpath(root: Dir, path: str) -> str:
    """`path` with the image's symlinks resolved, as the kernel resolves a mount point
    (``/var/run`` is a link to ``/run`` on Alpine: the token is mounted at ``/run/secrets/...``).
    Images are frozen and shared, so the answer is remembered per image root."""
    key = (id(root), path)
    found = _REALPATHS.get(key)
    if found is None:
        found = _REALPATHS[key] = (root, _realpath(root, path))
    return found[1]


def _realpath(root: Dir, path: str, depth: int = 0) -> str:
    from kubenb.runtime.fs import Symlink

    fs = FileSystem(root)
    out = "/"
    parts = [p for p in path.split("/") if p and p != "."]
    for i, part in enumerate(parts):
        if part == "..":
            out = posixpath.dirname(out) or "/"
            continue
        candidate = posixpath.join(out, part)
        try:
            node = fs.node(candidate, follow=False)
        except FsError:
            return posixpath.join(candidate, *parts[i + 1:])
        if isinstance(node, Symlink) and depth < 40:
            target = node.target if node.target.startswith("/") else posixpath.join(out, node.target)
            out = _realpath(root, posixpath.normpath(target), depth + 1)
        else:
            out = candidate
    return out


def mounts_for(worker: PodWorker, container: Any, volumes: dict[str, Volume], root: Optional[Dir] = None) -> list[MountSpec]:
    """The container's ``volumeMounts`` as runtime mounts (``subPath`` resolved inside the volume)."""
    out = []
    for m in container.volume_mounts or ():
        vol = volumes.get(m.name)
        if vol is None:
            continue
        node = vol.node
        sub = m.sub_path or ""
        if m.sub_path_expr:
            sub = _expand_env_refs(m.sub_path_expr, worker.env_for_subpath(container))
        if sub and isinstance(node, Dir):
            node = _sub_path(node, sub, worker.now())
        path = realpath(root, m.mount_path) if root is not None else m.mount_path
        out.append(MountSpec(path, node, vol.read_only or bool(m.read_only), vol.source))
    return out


def _sub_path(root: Dir, sub: str, now: float) -> Node:
    """The node at `sub` inside a volume, created as a directory when missing (what the kubelet does)."""
    fs = FileSystem(root, clock=lambda: now)
    path = "/" + sub.strip("/")
    try:
        return fs.node(path)
    except FsError:
        fs.makedirs(path)
        return fs.node(path)


def _expand_env_refs(text: str, env: dict[str, str]) -> str:
    import re

    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), text)


# ---------------------------------------------------------------------------- AtomicWriter


def _projector(worker: PodWorker, vol: Volume, files: Callable[[], dict[str, tuple[Any, int]]]) -> Callable[[], None]:
    """A function that (re)writes the volume's payload the way ``AtomicWriter.Write`` does: the
    files in a new ``..<timestamp>`` directory, ``..data`` pointing at it, one link per top-level
    name, the previous directory removed. Built node by node: every pod has one (its token)."""
    from kubenb.runtime.fs import Symlink

    generation = 0

    def write() -> None:
        nonlocal generation
        payload = files()
        root = vol.node
        assert isinstance(root, Dir)
        now = worker.now()
        stamp = datetime.fromtimestamp(int(now), UTC).strftime("..%Y_%m_%d_%H_%M_%S.")
        digest = hashlib.sha256(f"{worker.uid}:{vol.name}:{generation}".encode()).digest()
        ts_name = stamp + str(int.from_bytes(digest[:4], "big"))
        generation += 1
        ts_dir = Dir(0o755, mtime=now)
        shared = worker.kubelet.instant_nodes()
        for path, (data, mode) in sorted(payload.items()):
            *dirs, base = [p for p in path.split("/") if p]
            here = ts_dir
            for d in dirs:
                child = here.children.get(d)
                if not isinstance(child, Dir):
                    child = here.children[d] = Dir(0o755, mtime=now)
                here = child
            if type(data) is bytes:
                key = (data, mode)
                node = shared.get(key)
                if node is None:
                    node = shared[key] = File(data, mode, mtime=now)
                here.children[base] = node
            else:  # a service-account token projection: the pod's own token
                here.children[base] = TokenFile(worker, data, mode, now)
        children = root.children
        for name in [n for n in children if n != "..data" and n.startswith("..")]:
            del children[name]
        children[ts_name] = ts_dir
        children["..data"] = Symlink(ts_name, mtime=now)
        tops = {p.split("/", 1)[0] for p in payload}
        for name in [n for n in children if not n.startswith("..") and n not in tops]:
            del children[name]
        for top in sorted(tops):
            if top not in children:
                link = shared.get(top)
                if link is None:
                    link = shared[top] = Symlink(f"..data/{top}", mtime=now)
                children[top] = link
        root.mtime = now

    return write


def _mode(item_mode: Optional[int], default_mode: Optional[int]) -> int:
    if item_mode is not None:
        return item_mode
    return default_mode if default_mode is not None else 0o644


def _key_files(worker: PodWorker, volume: str, kind: str, obj_name: str, data: dict[str, bytes], items: Any,
               default_mode: Optional[int], optional: bool) -> dict[str, tuple[Any, int]]:
    out: dict[str, tuple[Any, int]] = {}
    if items:
        for item in items:
            if item.key not in data:
                if optional:
                    continue
                noun = "config key" if kind == "configmap" else "secret key"
                raise MountError(volume, f"{kind} references non-existent {noun}: {item.key}")
            out[item.path] = (data[item.key], _mode(item.mode, default_mode))
    else:
        for key, value in data.items():
            out[key] = (value, _mode(None, default_mode))
    return out


def _config_map_files(worker: PodWorker, volume: str, src: Any) -> dict[str, tuple[Any, int]]:
    name = src.name or ""
    cm = worker.store.try_get("ConfigMap", worker.namespace, name)
    if cm is None:
        if src.optional:
            return {}
        raise MountError(volume, f'configmap "{name}" not found', ("ConfigMap", worker.namespace, name))
    return _key_files(worker, volume, "configmap", name, config_map_data(cm), src.items, src.default_mode,
                      bool(src.optional))


def _secret_files(worker: PodWorker, volume: str, src: Any) -> dict[str, tuple[Any, int]]:
    name = src.secret_name or ""
    secret = worker.store.try_get("Secret", worker.namespace, name)
    if secret is None:
        if src.optional:
            return {}
        raise MountError(volume, f'secret "{name}" not found', ("Secret", worker.namespace, name))
    return _key_files(worker, volume, "secret", name, secret_data(secret), src.items, src.default_mode,
                      bool(src.optional))


def config_map_data(cm: Any) -> dict[str, bytes]:
    """A ConfigMap's keys as bytes (not to be edited: shared by every pod that projects it)."""
    return _decoded(cm, _config_map_bytes)


def secret_data(secret: Any) -> dict[str, bytes]:
    """A Secret's keys, decoded (not to be edited: shared by every pod that projects it)."""
    return _decoded(secret, _secret_bytes)


_DECODED: dict[int, tuple[Any, dict[str, bytes]]] = {}  # id -> (the stored object, its bytes)
_DECODED_MAX = 256


def _decoded(obj: Any, decode: Callable[[Any], dict[str, bytes]]) -> dict[str, bytes]:
    """`decode(obj)`, remembered for the objects seen last: stored objects never change, and every
    pod of a namespace projects the same ``kube-root-ca.crt``, so its files share one bytes object."""
    found = _DECODED.get(id(obj))
    if found is not None and found[0] is obj:
        return found[1]
    if len(_DECODED) >= _DECODED_MAX:
        del _DECODED[next(iter(_DECODED))]
    data = decode(obj)
    _DECODED[id(obj)] = (obj, data)
    return data


def _config_map_bytes(cm: Any) -> dict[str, bytes]:
    out = {k: v.encode() for k, v in (cm.data or {}).items()}
    for k, v in (cm.binary_data or {}).items():
        out[k] = base64.b64decode(v)
    return out


def _secret_bytes(secret: Any) -> dict[str, bytes]:
    out = {k: base64.b64decode(v) for k, v in (secret.data or {}).items()}
    for k, v in (secret.string_data or {}).items():
        out[k] = v.encode()
    return out


def _downward_files(worker: PodWorker, items: Any, default_mode: Optional[int]) -> dict[str, tuple[Any, int]]:
    out: dict[str, tuple[Any, int]] = {}
    for item in items:
        if item.field_ref is not None:
            value = field_value(worker, item.field_ref.field_path)
        elif item.resource_field_ref is not None:
            value = resource_value(worker, item.resource_field_ref, None)
        else:
            continue
        out[item.path] = (value.encode(), _mode(item.mode, default_mode))
    return out


def _projected_files(worker: PodWorker, volume: str, src: Any) -> dict[str, tuple[Any, int]]:
    out: dict[str, tuple[Any, int]] = {}
    mode = src.default_mode
    for s in src.sources or ():
        if s.service_account_token is not None:
            tok = s.service_account_token
            out[tok.path or "token"] = (tok, _mode(None, mode))  # the write makes it the pod's TokenFile
        elif s.config_map is not None:
            cm = worker.store.try_get("ConfigMap", worker.namespace, s.config_map.name or "")
            if cm is None and s.config_map.name == "kube-root-ca.crt":
                data = {"ca.crt": worker.kubelet.cluster_ca}  # published by the root-ca controller
            elif cm is None:
                if s.config_map.optional:
                    continue
                raise MountError(volume, f'configmap "{s.config_map.name}" not found',
                                 ("ConfigMap", worker.namespace, s.config_map.name or ""))
            else:
                data = config_map_data(cm)
            out.update(_key_files(worker, volume, "configmap", s.config_map.name or "", data, s.config_map.items,
                                  mode, bool(s.config_map.optional)))
        elif s.secret is not None:
            secret = worker.store.try_get("Secret", worker.namespace, s.secret.name or "")
            if secret is None:
                if s.secret.optional:
                    continue
                raise MountError(volume, f'secret "{s.secret.name}" not found',
                                 ("Secret", worker.namespace, s.secret.name or ""))
            out.update(_key_files(worker, volume, "secret", s.secret.name or "", secret_data(secret), s.secret.items,
                                  mode, bool(s.secret.optional)))
        elif s.downward_api is not None:
            out.update(_downward_files(worker, s.downward_api.items or (), mode))
    return out


# ---------------------------------------------------------------------------- downward API


def field_value(worker: PodWorker, path: str) -> str:
    """``fieldpath.ExtractFieldPathAsString`` plus the status fields the kubelet fills in for env."""
    pod = worker.pod
    meta = pod.metadata
    if path.startswith("metadata.labels[") or path.startswith("metadata.annotations["):
        source = meta.labels if path.startswith("metadata.labels") else meta.annotations
        key = path[path.index("[") + 1:-1].strip("'\"")
        return (source or {}).get(key, "")
    simple = {
        "metadata.name": meta.name or "", "metadata.namespace": meta.namespace or "", "metadata.uid": meta.uid or "",
        "metadata.labels": format_map(meta.labels or {}), "metadata.annotations": format_map(meta.annotations or {}),
        "spec.nodeName": pod.spec.node_name or "",
        "spec.serviceAccountName": pod.spec.service_account_name or "",
        "status.hostIP": worker.host_ip or "", "status.hostIPs": worker.host_ip or "",
        "status.podIP": worker.ip or "", "status.podIPs": worker.ip or "",
    }
    return simple.get(path, "")


def format_map(m: dict[str, str]) -> str:
    """``fieldpath.FormatMap``: ``key="value"`` lines, sorted, no final newline."""
    return "\n".join(f"{k}={json.dumps(m[k], ensure_ascii=False)}" for k in sorted(m))


def resource_value(worker: PodWorker, ref: Any, container: Any) -> str:
    """``resource.ExtractResourceValueByContainerName`` with the node's allocatable as the default."""
    from kubenb.api.quantity import Quantity

    if container is None:
        name = ref.container_name or ""
        container = next((c for c in worker.pod.spec.containers if c.name == name), None)
    resource = ref.resource
    kind, _, res = resource.partition(".")
    values = {}
    if container is not None:
        values = (container.resources.limits if kind == "limits" else container.resources.requests) or {}
    text = values.get(res)
    if text is None and kind == "limits":
        text = worker.node.allocatable(res)
    if text is None:
        text = "0"
    quantity = Quantity.parse(text)
    divisor = Quantity.parse(ref.divisor or "1") if (ref.divisor or "0") != "0" else Quantity.parse("1")
    if res == "cpu":
        return str(int(math.ceil(quantity.milli_value() / max(divisor.milli_value(), 1))))
    return str(int(math.ceil(quantity.value() / max(divisor.value(), 1))))


# ---------------------------------------------------------------------------- hostPath


def _host_path(worker: PodWorker, volume: str, hp: Any) -> Volume:
    fs = worker.node.hostfs
    path = hp.path or "/"
    kind = hp.type or ""
    source = worker.node.host.root_device
    try:
        node = fs.node(path)
        exists = True
    except FsError:
        node, exists = None, False
    is_dir = isinstance(node, Dir)
    if kind == "DirectoryOrCreate" or (kind == "" and not exists):
        if not exists:
            fs.makedirs(path, 0o755)
        elif not is_dir:
            raise MountError(volume, f"hostPath type check failed: {path} is not a directory")
    elif kind == "Directory":
        if not is_dir:
            raise MountError(volume, f"hostPath type check failed: {path} is not a directory")
    elif kind == "FileOrCreate":
        if not exists:
            fs.makedirs(posixpath.dirname(path) or "/")
            fs.write(path, b"")
        elif is_dir:
            raise MountError(volume, f"hostPath type check failed: {path} is not a file")
    elif kind == "File":
        if not exists or is_dir:
            raise MountError(volume, f"hostPath type check failed: {path} is not a file")
    elif kind == "Socket":
        raise MountError(volume, f"hostPath type check failed: {path} is not a socket file")
    elif kind == "CharDevice":
        raise MountError(volume, f"hostPath type check failed: {path} is not a character device")
    elif kind == "BlockDevice":
        raise MountError(volume, f"hostPath type check failed: {path} is not a block device")
    return Volume(volume, fs.node(path), source)


# ---------------------------------------------------------------------------- claims, NFS, local


def _claim(worker: PodWorker, v: Any) -> Volume:
    """``persistentVolumeClaim``: the claim's bound volume, set up from its own source."""
    name = v.persistent_volume_claim.claim_name
    ns = worker.namespace
    claim = worker.store.try_get("PersistentVolumeClaim", ns, name)
    everything = " ".join(sorted(x.name for x in worker.pod.spec.volumes or ()))
    prefix = f"Unable to attach or mount volumes: unmounted volumes=[{v.name}], unattached volumes=[{everything}]: "
    if claim is None:
        raise MountError(v.name, "", None,
                         prefix + f'error processing PVC {ns}/{name}: failed to fetch PVC from API server: '
                         f'persistentvolumeclaims "{name}" not found')
    pv = worker.store.try_get("PersistentVolume", "", claim.spec.volume_name) if claim.spec.volume_name else None
    if claim.status.phase != "Bound" or pv is None:
        raise MountError(v.name, "", None, prefix + f"error processing PVC {ns}/{name}: PVC is not bound")
    read_only = bool(v.persistent_volume_claim.read_only)
    pv_name = pv.metadata.name or ""
    spec = pv.spec
    if spec.host_path is not None:
        vol = _host_path(worker, pv_name, spec.host_path)
        return Volume(v.name, vol.node, vol.source, read_only)
    if spec.nfs is not None:
        return _nfs(worker, v.name, pv_name, spec.nfs, read_only or bool(spec.nfs.read_only))
    if spec.local is not None:
        fs = worker.node.hostfs
        try:
            node = fs.node(spec.local.path)
        except FsError:
            raise MountError(pv_name, "", None, f'MountVolume.NewMounter initialization failed for volume "{pv_name}" : '
                             f'path "{spec.local.path}" does not exist') from None
        return Volume(v.name, node, worker.node.host.root_device, read_only)
    # csi and the cloud disks: a directory of their own per volume (not modelled further)
    return Volume(v.name, worker.kubelet.shared_dir(("pv", pv_name)), "/dev/sdb", read_only)


def _nfs(worker: PodWorker, volume: str, spec_name: str, src: Any, read_only: bool) -> Volume:
    """An NFS mount made by the node (``mount -t nfs SERVER:PATH <pod volume dir>``)."""
    from kubenb.runtime.nfs import MOUNT_HELPER_MISSING, NfsError

    fabric = worker.kubelet.cluster.nfs
    node_ip = worker.node.ip or ""
    fabric.register(worker.node.name, node_ip, worker.node.hostfs)
    target = f"/var/lib/kubelet/pods/{worker.uid}/volumes/kubernetes.io~nfs/{spec_name}"
    spec = f"{src.server}:{src.path}"
    head = f"mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs {spec} {target}\nOutput: "
    if not fabric.has_client(node_ip):
        raise MountError(spec_name, head + f"mount: {target}: {MOUNT_HELPER_MISSING}\n")
    try:
        node = fabric.mount(node_ip, src.server, src.path)
    except NfsError as e:
        raise MountError(spec_name, head + f"mount.nfs: {e}\n") from None
    return Volume(volume, node, spec, read_only or fabric.read_only(node_ip, src.server, src.path))
