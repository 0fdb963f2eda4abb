"""Every built-in resource a kubeadm cluster serves, per Kubernetes minor: the data behind
`kubectl api-resources`, name resolution, discovery and tab completion.

One row per (group, resource) as ``kubectl api-resources`` sees it: ``ServerPreferredResources``,
i.e. the group's preferred version, or an older version when the resource is missing from the
preferred one (v1.23 ``csistoragecapacities`` at ``storage.k8s.io/v1beta1``). When a resource
changes version or sub-resources between minors it gets one row per span
(``since_minor``..``until_minor``, both inclusive); ``since_minor=0`` means "already served, in
this form, at v1.23", the oldest minor modelled. Only what a default kubeadm cluster serves is
listed: alpha and (since v1.24) beta APIs are off by default and absent here.

Where the facts come from
-------------------------
* verbs, shortNames, categories, singular names and sub-resources: kubernetes/kubernetes
  ``api/discovery/api__v1.json`` and ``api/discovery/aggregated_v2.json`` (the stored v1.30-era
  discovery fixtures), the REST storages' ``ShortNames()``/``Categories()``
  (``pkg/registry/*/*/storage/storage.go``; ``api-extensions`` for admission, CRD, APIService);
* preferred versions: the aggregator's version priorities (``DefaultGenericAPIServicePriorities``,
  ``cmd/kube-apiserver/app/aggregator.go``: flowcontrol v1beta2=15 < v1beta3=18 < v1=21,
  autoscaling v2 before v1), and the API deprecation guide for when versions appear and go;
* checked against real ``kubectl api-resources`` outputs: v1.23.3 (``--api-group=apps``, ``""``,
  ``networking.k8s.io``, ``storage.k8s.io``; the course notes), a v1.24 ``-o wide`` listing with
  verbs, and a v1.30-v1.32 listing (see ``tests/api/test_resources.py``);
* the print order: kubernetes/kubectl ``pkg/cmd/apiresources/apiresources.go``
  (``sortableResource``), see :func:`resources_for`.

Exact for v1.23 and v1.32. Approximate: sub-resources that exist only behind feature gates,
and the rows for minors 33-34 (``ipaddresses``/``servicecidrs`` GA in 1.33, ``pods/resize``
beta in 1.33, ``resource.k8s.io/v1`` and ``volumeattributesclasses`` GA in 1.34).
"""

from __future__ import annotations

from kubenb.api.registry import ResourceInfo

MIN_MINOR = 23
MAX_MINOR = 34

NS = True  # namespaced
CLUSTER = False  # cluster-scoped

CRUD = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


def _split(csv: str) -> tuple[str, ...]:
    return tuple(s for s in csv.split(",") if s)


def _r(
    api_version: str,
    kind: str,
    plural: str,
    namespaced: bool,
    *,
    short: str = "",
    cats: str = "",
    verbs: str = "",
    sub: str = "",
    since: int = 0,
    until: int = 99,
) -> ResourceInfo:
    """One row, written the way ``kubectl api-resources -o wide`` prints it (comma-joined lists)."""
    group, _, version = api_version.rpartition("/")
    return ResourceInfo(
        group=group,
        version=version,
        kind=kind,
        plural=plural,
        singular=kind.lower(),
        namespaced=namespaced,
        short_names=_split(short),
        categories=_split(cats),
        verbs=_split(verbs) if verbs else CRUD,
        subresources=_split(sub),
        since_minor=since,
        until_minor=until,
    )


_POD_SUBRESOURCES = "attach,binding,ephemeralcontainers,eviction,exec,log,portforward,proxy,status"
_EXT = "api-extensions"

# fmt: off
RESOURCES: list[ResourceInfo] = [
    # --- core ("") --------------------------------------------------------------------------
    _r("v1", "Binding", "bindings", NS, verbs="create"),
    _r("v1", "ComponentStatus", "componentstatuses", CLUSTER, short="cs", verbs="get,list"),
    _r("v1", "ConfigMap", "configmaps", NS, short="cm"),
    _r("v1", "Endpoints", "endpoints", NS, short="ep"),
    _r("v1", "Event", "events", NS, short="ev"),
    _r("v1", "LimitRange", "limitranges", NS, short="limits"),
    _r("v1", "Namespace", "namespaces", CLUSTER, short="ns",
       verbs="create,delete,get,list,patch,update,watch", sub="finalize,status"),
    _r("v1", "Node", "nodes", CLUSTER, short="no", sub="proxy,status"),
    _r("v1", "PersistentVolumeClaim", "persistentvolumeclaims", NS, short="pvc", sub="status"),
    _r("v1", "PersistentVolume", "persistentvolumes", CLUSTER, short="pv", sub="status"),
    _r("v1", "Pod", "pods", NS, short="po", cats="all", sub=_POD_SUBRESOURCES, until=32),
    _r("v1", "Pod", "pods", NS, short="po", cats="all", sub=_POD_SUBRESOURCES + ",resize", since=33),
    _r("v1", "PodTemplate", "podtemplates", NS),
    _r("v1", "ReplicationController", "replicationcontrollers", NS, short="rc", cats="all", sub="scale,status"),
    _r("v1", "ResourceQuota", "resourcequotas", NS, short="quota", sub="status"),
    _r("v1", "Secret", "secrets", NS),
    _r("v1", "ServiceAccount", "serviceaccounts", NS, short="sa", sub="token"),
    # deletecollection on services since the 1.23 Service REST rewrite (kubernetes#96684)
    _r("v1", "Service", "services", NS, short="svc", cats="all", sub="proxy,status"),

    # --- admissionregistration.k8s.io ---------------------------------------------------------
    _r("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations",
       CLUSTER, cats=_EXT),
    _r("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies",
       CLUSTER, cats=_EXT, sub="status", since=30),
    _r("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings",
       CLUSTER, cats=_EXT, since=30),
    _r("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations",
       CLUSTER, cats=_EXT),

    # --- apiextensions.k8s.io, apiregistration.k8s.io -------------------------------------------
    _r("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", CLUSTER,
       short="crd,crds", cats=_EXT, sub="status"),
    _r("apiregistration.k8s.io/v1", "APIService", "apiservices", CLUSTER, cats=_EXT, sub="status"),

    # --- apps -----------------------------------------------------------------------------------
    _r("apps/v1", "ControllerRevision", "controllerrevisions", NS),
    _r("apps/v1", "DaemonSet", "daemonsets", NS, short="ds", cats="all", sub="status"),
    _r("apps/v1", "Deployment", "deployments", NS, short="deploy", cats="all", sub="scale,status"),
    _r("apps/v1", "ReplicaSet", "replicasets", NS, short="rs", cats="all", sub="scale,status"),
    _r("apps/v1", "StatefulSet", "statefulsets", NS, short="sts", cats="all", sub="scale,status"),

    # --- authentication.k8s.io, authorization.k8s.io (create-only reviews) ----------------------
    # selfsubjectreviews: v1beta1 in 1.27 was off by default (beta APIs), GA v1 in 1.28
    _r("authentication.k8s.io/v1", "SelfSubjectReview", "selfsubjectreviews", CLUSTER, verbs="create", since=28),
    _r("authentication.k8s.io/v1", "TokenReview", "tokenreviews", CLUSTER, verbs="create"),
    _r("authorization.k8s.io/v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", NS, verbs="create"),
    _r("authorization.k8s.io/v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", CLUSTER, verbs="create"),
    _r("authorization.k8s.io/v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", CLUSTER, verbs="create"),
    _r("authorization.k8s.io/v1", "SubjectAccessReview", "subjectaccessreviews", CLUSTER, verbs="create"),

    # --- autoscaling, batch -----------------------------------------------------------------------
    _r("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", NS, short="hpa", cats="all",
       sub="status"),
    _r("batch/v1", "CronJob", "cronjobs", NS, short="cj", cats="all", sub="status"),
    _r("batch/v1", "Job", "jobs", NS, cats="all", sub="status"),

    # --- certificates.k8s.io, coordination.k8s.io, discovery.k8s.io, events.k8s.io --------------
    _r("certificates.k8s.io/v1", "CertificateSigningRequest", "certificatesigningrequests", CLUSTER, short="csr",
       sub="approval,status"),
    _r("coordination.k8s.io/v1", "Lease", "leases", NS),
    _r("discovery.k8s.io/v1", "EndpointSlice", "endpointslices", NS),
    _r("events.k8s.io/v1", "Event", "events", NS, short="ev"),

    # --- flowcontrol.apiserver.k8s.io: v1beta2 (1.23-1.25), v1beta3 (1.26-1.28), v1 (1.29+) -----
    _r("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", "flowschemas", CLUSTER, sub="status", until=25),
    _r("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", "prioritylevelconfigurations",
       CLUSTER, sub="status", until=25),
    _r("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "flowschemas", CLUSTER, sub="status",
       since=26, until=28),
    _r("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", "prioritylevelconfigurations",
       CLUSTER, sub="status", since=26, until=28),
    _r("flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "flowschemas", CLUSTER, sub="status", since=29),
    _r("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", "prioritylevelconfigurations",
       CLUSTER, sub="status", since=29),

    # --- networking.k8s.io ------------------------------------------------------------------------
    _r("networking.k8s.io/v1", "IngressClass", "ingressclasses", CLUSTER),
    _r("networking.k8s.io/v1", "Ingress", "ingresses", NS, short="ing", sub="status"),
    _r("networking.k8s.io/v1", "IPAddress", "ipaddresses", CLUSTER, short="ip", since=33),
    _r("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", NS, short="netpol"),
    _r("networking.k8s.io/v1", "ServiceCIDR", "servicecidrs", CLUSTER, sub="status", since=33),

    # --- node.k8s.io, policy, rbac.authorization.k8s.io -----------------------------------------
    _r("node.k8s.io/v1", "RuntimeClass", "runtimeclasses", CLUSTER),
    _r("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", NS, short="pdb", sub="status"),
    _r("policy/v1beta1", "PodSecurityPolicy", "podsecuritypolicies", CLUSTER, short="psp", until=24),
    _r("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", CLUSTER),
    _r("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", CLUSTER),
    _r("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", NS),
    _r("rbac.authorization.k8s.io/v1", "Role", "roles", NS),

    # --- resource.k8s.io: DRA, GA (and so on by default) in 1.34 ----------------------------------
    _r("resource.k8s.io/v1", "DeviceClass", "deviceclasses", CLUSTER, since=34),
    _r("resource.k8s.io/v1", "ResourceClaim", "resourceclaims", NS, sub="status", since=34),
    _r("resource.k8s.io/v1", "ResourceClaimTemplate", "resourceclaimtemplates", NS, since=34),
    _r("resource.k8s.io/v1", "ResourceSlice", "resourceslices", CLUSTER, since=34),

    # --- scheduling.k8s.io, storage.k8s.io --------------------------------------------------------
    _r("scheduling.k8s.io/v1", "PriorityClass", "priorityclasses", CLUSTER, short="pc"),
    _r("storage.k8s.io/v1", "CSIDriver", "csidrivers", CLUSTER),
    _r("storage.k8s.io/v1", "CSINode", "csinodes", CLUSTER),
    _r("storage.k8s.io/v1beta1", "CSIStorageCapacity", "csistoragecapacities", NS, until=23),
    _r("storage.k8s.io/v1", "CSIStorageCapacity", "csistoragecapacities", NS, since=24),
    _r("storage.k8s.io/v1", "StorageClass", "storageclasses", CLUSTER, short="sc"),
    _r("storage.k8s.io/v1", "VolumeAttachment", "volumeattachments", CLUSTER, sub="status"),
    _r("storage.k8s.io/v1", "VolumeAttributesClass", "volumeattributesclasses", CLUSTER, short="vac", since=34),
]
# fmt: on


def resources_for(minor: int) -> list[ResourceInfo]:
    """The resources a v1.<minor> cluster serves, in ``kubectl api-resources``' default order.

    kubectl stable-sorts by API *group* name (not group/version), then by resource name
    (``sortableResource.Less``: ``strings.Compare`` on the group, ties broken by name), so the core
    group ``""`` comes first and e.g. ``csistoragecapacities`` (storage.k8s.io/v1beta1 on v1.23)
    sits among the storage.k8s.io/v1 rows. Byte order: Python's ``str`` order on ASCII names.
    """
    if not MIN_MINOR <= minor <= MAX_MINOR:
        raise ValueError(f"Kubernetes v1.{minor} is not modelled (v1.{MIN_MINOR}..v1.{MAX_MINOR})")
    served = [r for r in RESOURCES if r.since_minor <= minor <= r.until_minor]
    return sorted(served, key=lambda r: (r.group, r.plural))
