"""Volumes in ``kubectl describe``: ``describeVolumes`` and the ``print*VolumeSource`` family.

Ported from kubernetes/kubectl ``pkg/describe/describe.go`` (commit 365ecee2). Each source
prints a ``Type:`` line naming the plugin and its fields one level deeper; the fields are
Go-formatted with ``%v`` (so ``false``, ``[a b]``, ``<nil>``). Deprecated in-tree plugins that
kubenb keeps as :class:`~kubenb.api.base.Unstructured` are read by their JSON names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from kubenb.api.quantity import Quantity
from kubenb.kubectl.describe.common import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    NestedPrefixWriter,
    field,
    go_bool,
    go_list,
    go_map,
    go_ptr,
    print_annotations_multiline,
    print_labels_multiline,
    since,
)


def _v(value: Any) -> str:
    """``%v`` of a scalar field (a nil string or int prints its zero value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return go_bool(value)
    return str(value)


def _b(value: Any) -> str:
    return go_bool(bool(value))


def _i(value: Any) -> str:
    return str(value or 0)


def _ref(value: Any, with_namespace: bool = False) -> str:
    """``%v`` of a ``*LocalObjectReference`` (``&{name}``) or ``*SecretReference``
    (``&{name namespace}``); ``<nil>`` when unset."""
    if value is None:
        return "<nil>"
    if with_namespace:
        return f"&{{{field(value, 'name') or ''} {field(value, 'namespace') or ''}}}"
    return f"&{{{field(value, 'name') or ''}}}"


def describe_volumes(volumes: Optional[Sequence[Any]], w: Any, space: str, minor: int) -> None:
    """``describeVolumes``: ``Volumes:  <none>`` or one ``name:`` block per volume."""
    if not volumes:
        w.write(LEVEL_0, f"{space}Volumes:\t<none>\n")
        return
    w.write(LEVEL_0, f"{space}Volumes:\n")
    name_indent = " " if space else ""
    for v in volumes:
        w.write(LEVEL_1, f"{name_indent}{v.name}:\n")
        if v.host_path is not None:
            print_host_path(v.host_path, w)
        elif v.empty_dir is not None:
            print_empty_dir(v.empty_dir, w)
        elif v.gce_persistent_disk is not None:
            print_gce_pd(v.gce_persistent_disk, w)
        elif v.aws_elastic_block_store is not None:
            print_aws_ebs(v.aws_elastic_block_store, w)
        elif v.git_repo is not None:
            w.write(LEVEL_2, "Type:\tGitRepo (a volume that is pulled from git when the pod is created)\n"
                    f"    Repository:\t{_v(field(v.git_repo, 'repository'))}\n"
                    f"    Revision:\t{_v(field(v.git_repo, 'revision'))}\n")
        elif v.secret is not None:
            w.write(LEVEL_2, "Type:\tSecret (a volume populated by a Secret)\n"
                    f"    SecretName:\t{_v(v.secret.secret_name)}\n"
                    f"    Optional:\t{_b(v.secret.optional)}\n")
        elif v.config_map is not None:
            w.write(LEVEL_2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                    f"    Name:\t{_v(v.config_map.name)}\n"
                    f"    Optional:\t{_b(v.config_map.optional)}\n")
        elif v.nfs is not None:
            print_nfs(v.nfs, w)
        elif v.iscsi is not None:
            print_iscsi(v.iscsi, w)
        elif v.glusterfs is not None:
            w.write(LEVEL_2, "Type:\tGlusterfs (a Glusterfs mount on the host that shares a pod's lifetime)\n"
                    f"    EndpointsName:\t{_v(field(v.glusterfs, 'endpoints'))}\n"
                    f"    Path:\t{_v(field(v.glusterfs, 'path'))}\n"
                    f"    ReadOnly:\t{_b(field(v.glusterfs, 'read_only'))}\n")
        elif v.persistent_volume_claim is not None:
            w.write(LEVEL_2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
                    f"    ClaimName:\t{v.persistent_volume_claim.claim_name}\n"
                    f"    ReadOnly:\t{_b(v.persistent_volume_claim.read_only)}\n")
        elif v.ephemeral is not None:
            w.write(LEVEL_2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and "
                    "deleted with the pod)\n")
            tmpl = v.ephemeral.volume_claim_template
            if tmpl is not None:
                print_persistent_volume_claim(NestedPrefixWriter(w, LEVEL_2), tmpl, False, minor)
        elif v.rbd is not None:
            print_rbd(v.rbd, w)
        elif v.quobyte is not None:
            w.write(LEVEL_2, "Type:\tQuobyte (a Quobyte mount on the host that shares a pod's lifetime)\n"
                    f"    Registry:\t{_v(field(v.quobyte, 'registry'))}\n"
                    f"    Volume:\t{_v(field(v.quobyte, 'volume'))}\n"
                    f"    ReadOnly:\t{_b(field(v.quobyte, 'read_only'))}\n")
        elif v.downward_api is not None:
            w.write(LEVEL_2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
            for item in v.downward_api.items or ():
                if item.field_ref is not None:
                    w.write(LEVEL_3, f"{item.field_ref.field_path} -> {item.path}\n")
                if item.resource_field_ref is not None:
                    w.write(LEVEL_3, f"{item.resource_field_ref.resource} -> {item.path}\n")
        elif v.azure_disk is not None:
            d = v.azure_disk
            w.write(LEVEL_2, "Type:\tAzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)\n"
                    f"    DiskName:\t{_v(field(d, 'disk_name'))}\n"
                    f"    DiskURI:\t{_v(field(d, 'disk_uri') or field(d, 'diskURI'))}\n"
                    f"    Kind: \t{_v(field(d, 'kind'))}\n"
                    f"    FSType:\t{_v(field(d, 'fs_type'))}\n"
                    f"    CachingMode:\t{_v(field(d, 'caching_mode'))}\n"
                    f"    ReadOnly:\t{_b(field(d, 'read_only'))}\n")
        elif v.vsphere_volume is not None:
            print_vsphere(v.vsphere_volume, w)
        elif v.cinder is not None:
            print_cinder(v.cinder, w)
        elif v.photon_persistent_disk is not None:
            print_photon(v.photon_persistent_disk, w)
        elif v.portworx_volume is not None:
            w.write(LEVEL_2, "Type:\tPortworxVolume (a Portworx Volume resource)\n"
                    f"    VolumeID:\t{_v(field(v.portworx_volume, 'volume_id') or field(v.portworx_volume, 'volumeID'))}\n")
        elif v.scale_io is not None:
            s = v.scale_io
            w.write(LEVEL_2, "Type:\tScaleIO (a persistent volume backed by a block device in ScaleIO)\n"
                    f"    Gateway:\t{_v(field(s, 'gateway'))}\n"
                    f"    System:\t{_v(field(s, 'system'))}\n"
                    f"    Protection Domain:\t{_v(field(s, 'protection_domain'))}\n"
                    f"    Storage Pool:\t{_v(field(s, 'storage_pool'))}\n"
                    f"    Storage Mode:\t{_v(field(s, 'storage_mode'))}\n"
                    f"    VolumeName:\t{_v(field(s, 'volume_name'))}\n"
                    f"    FSType:\t{_v(field(s, 'fs_type'))}\n"
                    f"    ReadOnly:\t{_b(field(s, 'read_only'))}\n")
        elif v.cephfs is not None:
            print_cephfs(v.cephfs, w)
        elif v.storageos is not None:
            print_storageos(v.storageos, w)
        elif v.fc is not None:
            print_fc(v.fc, w)
        elif v.azure_file is not None:
            a = v.azure_file
            w.write(LEVEL_2, "Type:\tAzureFile (an Azure File Service mount on the host and bind mount to the pod)\n"
                    f"    SecretName:\t{_v(field(a, 'secret_name'))}\n"
                    f"    ShareName:\t{_v(field(a, 'share_name'))}\n"
                    f"    ReadOnly:\t{_b(field(a, 'read_only'))}\n")
        elif v.flex_volume is not None:
            print_flex(v.flex_volume, w)
        elif v.flocker is not None:
            print_flocker(v.flocker, w)
        elif v.projected is not None:
            print_projected(v.projected, w, minor)
        elif v.csi is not None:
            c = v.csi
            w.write(LEVEL_2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
                    f"    Driver:\t{c.driver}\n"
                    f"    FSType:\t{c.fs_type or ''}\n"
                    f"    ReadOnly:\t{_b(c.read_only)}\n")
            print_csi_attributes(w, "VolumeAttributes", c.volume_attributes)
        elif v.image is not None:
            w.write(LEVEL_2, "Type:\tImage (a container image or OCI artifact)\n"
                    f"    Reference:\t{_v(v.image.reference)}\n"
                    f"    PullPolicy:\t{_v(v.image.pull_policy)}\n")
        else:
            w.write(LEVEL_1, "<unknown>\n")


def print_host_path(hp: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tHostPath (bare host directory volume)\n"
            f"    Path:\t{_v(field(hp, 'path'))}\n"
            f"    HostPathType:\t{field(hp, 'type') if field(hp, 'type') is not None else '<none>'}\n")


def print_empty_dir(ed: Any, w: Any) -> None:
    limit = field(ed, "size_limit")
    size = "<unset>"
    if limit is not None and Quantity.parse(limit) > Quantity.parse("0"):
        size = str(Quantity.parse(limit))
    w.write(LEVEL_2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
            f"    Medium:\t{_v(field(ed, 'medium'))}\n"
            f"    SizeLimit:\t{size}\n")


def print_gce_pd(g: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tGCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)\n"
            f"    PDName:\t{_v(field(g, 'pd_name') or field(g, 'pdName'))}\n"
            f"    FSType:\t{_v(field(g, 'fs_type'))}\n"
            f"    Partition:\t{_i(field(g, 'partition'))}\n"
            f"    ReadOnly:\t{_b(field(g, 'read_only'))}\n")


def print_aws_ebs(a: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tAWSElasticBlockStore (a Persistent Disk resource in AWS)\n"
            f"    VolumeID:\t{_v(field(a, 'volume_id') or field(a, 'volumeID'))}\n"
            f"    FSType:\t{_v(field(a, 'fs_type'))}\n"
            f"    Partition:\t{_i(field(a, 'partition'))}\n"
            f"    ReadOnly:\t{_b(field(a, 'read_only'))}\n")


def print_nfs(n: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n"
            f"    Server:\t{_v(field(n, 'server'))}\n"
            f"    Path:\t{_v(field(n, 'path'))}\n"
            f"    ReadOnly:\t{_b(field(n, 'read_only'))}\n")


def print_iscsi(i: Any, w: Any) -> None:
    initiator = field(i, "initiator_name")
    w.write(LEVEL_2, "Type:\tISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then "
            "exposed to the pod)\n"
            f"    TargetPortal:\t{_v(field(i, 'target_portal'))}\n"
            f"    IQN:\t{_v(field(i, 'iqn'))}\n"
            f"    Lun:\t{_i(field(i, 'lun'))}\n"
            f"    ISCSIInterface\t{_v(field(i, 'iscsi_interface'))}\n"
            f"    FSType:\t{_v(field(i, 'fs_type'))}\n"
            f"    ReadOnly:\t{_b(field(i, 'read_only'))}\n"
            f"    Portals:\t{go_list(field(i, 'portals'))}\n"
            f"    DiscoveryCHAPAuth:\t{_b(field(i, 'chap_auth_discovery'))}\n"
            f"    SessionCHAPAuth:\t{_b(field(i, 'chap_auth_session'))}\n"
            f"    SecretRef:\t{_ref(field(i, 'secret_ref'))}\n"
            f"    InitiatorName:\t{initiator if initiator is not None else '<none>'}\n")


def print_rbd(r: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tRBD (a Rados Block Device mount on the host that shares a pod's lifetime)\n"
            f"    CephMonitors:\t{go_list(field(r, 'monitors'))}\n"
            f"    RBDImage:\t{_v(field(r, 'image'))}\n"
            f"    FSType:\t{_v(field(r, 'fs_type'))}\n"
            f"    RBDPool:\t{_v(field(r, 'pool'))}\n"
            f"    RadosUser:\t{_v(field(r, 'user'))}\n"
            f"    Keyring:\t{_v(field(r, 'keyring'))}\n"
            f"    SecretRef:\t{_ref(field(r, 'secret_ref'))}\n"
            f"    ReadOnly:\t{_b(field(r, 'read_only'))}\n")


def print_vsphere(v: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tvSphereVolume (a Persistent Disk resource in vSphere)\n"
            f"    VolumePath:\t{_v(field(v, 'volume_path'))}\n"
            f"    FSType:\t{_v(field(v, 'fs_type'))}\n"
            f"    StoragePolicyName:\t{_v(field(v, 'storage_policy_name'))}\n")


def print_cinder(c: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tCinder (a Persistent Disk resource in OpenStack)\n"
            f"    VolumeID:\t{_v(field(c, 'volume_id') or field(c, 'volumeID'))}\n"
            f"    FSType:\t{_v(field(c, 'fs_type'))}\n"
            f"    ReadOnly:\t{_b(field(c, 'read_only'))}\n"
            f"    SecretRef:\t{_ref(field(c, 'secret_ref'))}\n")


def print_photon(p: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tPhotonPersistentDisk (a Persistent Disk resource in photon platform)\n"
            f"    PdID:\t{_v(field(p, 'pd_id') or field(p, 'pdID'))}\n"
            f"    FSType:\t{_v(field(p, 'fs_type'))}\n")


def print_cephfs(c: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tCephFS (a CephFS mount on the host that shares a pod's lifetime)\n"
            f"    Monitors:\t{go_list(field(c, 'monitors'))}\n"
            f"    Path:\t{_v(field(c, 'path'))}\n"
            f"    User:\t{_v(field(c, 'user'))}\n"
            f"    SecretFile:\t{_v(field(c, 'secret_file'))}\n"
            f"    SecretRef:\t{_ref(field(c, 'secret_ref'))}\n"
            f"    ReadOnly:\t{_b(field(c, 'read_only'))}\n")


def print_storageos(s: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tStorageOS (a StorageOS Persistent Disk resource)\n"
            f"    VolumeName:\t{_v(field(s, 'volume_name'))}\n"
            f"    VolumeNamespace:\t{_v(field(s, 'volume_namespace'))}\n"
            f"    FSType:\t{_v(field(s, 'fs_type'))}\n"
            f"    ReadOnly:\t{_b(field(s, 'read_only'))}\n")


def print_fc(f: Any, w: Any) -> None:
    lun = field(f, "lun")
    w.write(LEVEL_2, "Type:\tFC (a Fibre Channel disk)\n"
            f"    TargetWWNs:\t{', '.join(field(f, 'target_wwns') or field(f, 'targetWWNs') or [])}\n"
            f"    LUN:\t{lun if lun is not None else '<none>'}\n"
            f"    FSType:\t{_v(field(f, 'fs_type'))}\n"
            f"    ReadOnly:\t{_b(field(f, 'read_only'))}\n")


def print_flex(f: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tFlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)\n"
            f"    Driver:\t{_v(field(f, 'driver'))}\n"
            f"    FSType:\t{_v(field(f, 'fs_type'))}\n"
            f"    SecretRef:\t{_ref(field(f, 'secret_ref'))}\n"
            f"    ReadOnly:\t{_b(field(f, 'read_only'))}\n"
            f"    Options:\t{go_map(field(f, 'options'))}\n")


def print_flocker(f: Any, w: Any) -> None:
    w.write(LEVEL_2, "Type:\tFlocker (a Flocker volume mounted by the Flocker agent)\n"
            f"    DatasetName:\t{_v(field(f, 'dataset_name'))}\n"
            f"    DatasetUUID:\t{_v(field(f, 'dataset_uuid') or field(f, 'datasetUUID'))}\n")


def print_projected(p: Any, w: Any, minor: int) -> None:
    """``printProjectedVolumeSource``.

    Before kubernetes#129457 (kubectl 1.33) the optional flags were printed with ``%v`` of the
    ``*bool`` itself: ``ConfigMapOptional: <nil>`` (and ``SecretOptionalName: 0xc...`` when set).
    """
    w.write(LEVEL_2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    new = since(minor, "projected_optional_bool")
    for src in p.sources or ():
        if src.secret is not None:
            if new:
                w.write(LEVEL_2, f"SecretName:\t{_v(src.secret.name)}\n    Optional:\t{_b(src.secret.optional)}\n")
            else:
                w.write(LEVEL_2, f"SecretName:\t{_v(src.secret.name)}\n"
                        f"    SecretOptionalName:\t{go_ptr(src.secret.optional, 'secret')}\n")
        elif src.downward_api is not None:
            w.write(LEVEL_2, "DownwardAPI:\ttrue\n")
        elif src.config_map is not None:
            if new:
                w.write(LEVEL_2, f"ConfigMapName:\t{_v(src.config_map.name)}\n"
                        f"    Optional:\t{_b(src.config_map.optional)}\n")
            else:
                w.write(LEVEL_2, f"ConfigMapName:\t{_v(src.config_map.name)}\n"
                        f"    ConfigMapOptional:\t{go_ptr(src.config_map.optional, 'configmap')}\n")
        elif src.service_account_token is not None:
            w.write(LEVEL_2, f"TokenExpirationSeconds:\t{_i(src.service_account_token.expiration_seconds)}\n")


def print_csi_attributes(w: Any, title: str, attributes: Any, initial_indent: str = "", inner_indent: str = "\t") -> None:
    """``printCSIPersistentVolumeAttributesMultiline`` (long entries cut at 140 characters)."""
    w.write(LEVEL_2, f"{initial_indent}{title}:{inner_indent}")
    if not attributes:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(attributes)):
        if i:
            w.write(LEVEL_2, initial_indent)
            w.write(LEVEL_2, inner_indent)
        line = f"{key}={attributes[key]}"
        w.write(LEVEL_2, f"{line[:140]}...\n" if len(line) > 140 else f"{line}\n")


# ------------------------------------------------------------------ claims (PVCs and claim templates)


def pvc_storage_class(pvc: Any) -> str:
    """``storageutil.GetPersistentVolumeClaimClass``: the beta annotation, else spec.storageClassName."""
    ann = pvc.metadata.annotations or {}
    if "volume.beta.kubernetes.io/storage-class" in ann:
        return ann["volume.beta.kubernetes.io/storage-class"]
    return pvc.spec.storage_class_name or ""


def access_modes_string(modes: Optional[Sequence[str]]) -> str:
    """``storageutil.GetAccessModesAsString``: RWO, ROX, RWX, RWOP in that order."""
    modes = modes or []
    out = []
    for mode, short in (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                        ("ReadWriteOncePod", "RWOP")):
        if mode in modes:
            out.append(short)
    return ",".join(out)


def print_persistent_volume_claim(w: Any, pvc: Any, is_full: bool, minor: int, now: float = 0.0) -> None:
    """``printPersistentVolumeClaim`` (a full PVC, or a claim template of an ephemeral volume)."""
    from kubenb.kubectl.describe.common import translate_timestamp_since

    meta = pvc.metadata
    if is_full:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
    w.write(LEVEL_0, f"StorageClass:\t{pvc_storage_class(pvc)}\n")
    status = getattr(pvc, "status", None)
    if is_full:
        if meta.deletion_timestamp:
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {translate_timestamp_since(meta.deletion_timestamp, now)})\n")
        else:
            w.write(LEVEL_0, f"Status:\t{_v(status.phase if status else None)}\n")
    w.write(LEVEL_0, f"Volume:\t{pvc.spec.volume_name or ''}\n")
    print_labels_multiline(w, "Labels", meta.labels)
    print_annotations_multiline(w, "Annotations", meta.annotations)
    if is_full:
        w.write(LEVEL_0, f"Finalizers:\t{go_list(meta.finalizers)}\n")
    capacity = ""
    access = ""
    if pvc.spec.volume_name:
        access = access_modes_string(status.access_modes if status else None)
        storage = (status.capacity or {}).get("storage") if status else None
        capacity = str(Quantity.parse(storage)) if storage else "0"
    w.write(LEVEL_0, f"Capacity:\t{capacity}\n")
    w.write(LEVEL_0, f"Access Modes:\t{access}\n")
    if pvc.spec.volume_mode is not None:
        w.write(LEVEL_0, f"VolumeMode:\t{pvc.spec.volume_mode}\n")
    ds = pvc.spec.data_source
    if ds is not None:
        w.write(LEVEL_0, "DataSource:\n")
        if ds.api_group is not None:
            w.write(LEVEL_1, f"APIGroup:\t{ds.api_group}\n")
        w.write(LEVEL_1, f"Kind:\t{ds.kind}\n")
        w.write(LEVEL_1, f"Name:\t{ds.name}\n")
