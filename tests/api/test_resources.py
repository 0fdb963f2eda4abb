"""`kubenb.api.resources` against real `kubectl api-resources` outputs.

* v1.23.3 (the course cluster): the verbatim outputs in the course notes for
  `--api-group=apps`, `--api-group=""`, `--api-group="networking.k8s.io"` and
  `--api-group='storage.k8s.io'`;
* v1.24: a public KubeSphere cluster's `kubectl api-resources -owide` (podsecuritypolicies still
  served, csistoragecapacities already at v1: only 1.24 has both), CRD rows left out;
* v1.30-v1.32: a public k3s lab's `kubectl api-resources` (github.com/ibtisam-iq/nectar;
  validatingadmissionpolicies at v1, no networking ipaddresses yet), CRD and metrics.k8s.io rows
  left out. No built-in row was removed, so the column widths are exactly kubeadm's.
* categories: the `-o wide` sample in OctopusDeploy/Calamari's ApiResourceOutputParserTests.
"""

from __future__ import annotations

import pytest

from kubenb.api.registry import Registry
from kubenb.api.resources import MAX_MINOR, MIN_MINOR, RESOURCES, resources_for

MINORS = range(MIN_MINOR, MAX_MINOR + 1)


def render(rows) -> str:
    """`kubectl api-resources` default output: the cli-runtime tabwriter (minwidth 6, padding 3)."""
    table = [("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND")]
    table += [(r.plural, ",".join(r.short_names), r.api_version, str(r.namespaced).lower(), r.kind) for r in rows]
    widths = [max(6, max(len(row[c]) for row in table) + 3) for c in range(4)]
    return "\n".join("".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + row[4] for row in table)


def group(minor: int, name: str):
    return [r for r in resources_for(minor) if r.group == name]


# --- v1.23.3, verbatim ------------------------------------------------------------------------

V123_APPS = """\
NAME                  SHORTNAMES   APIVERSION   NAMESPACED   KIND
controllerrevisions                apps/v1      true         ControllerRevision
daemonsets            ds           apps/v1      true         DaemonSet
deployments           deploy       apps/v1      true         Deployment
replicasets           rs           apps/v1      true         ReplicaSet
statefulsets          sts          apps/v1      true         StatefulSet"""

V123_CORE = """\
NAME                     SHORTNAMES   APIVERSION   NAMESPACED   KIND
bindings                              v1           true         Binding
componentstatuses        cs           v1           false        ComponentStatus
configmaps               cm           v1           true         ConfigMap
endpoints                ep           v1           true         Endpoints
events                   ev           v1           true         Event
limitranges              limits       v1           true         LimitRange
namespaces               ns           v1           false        Namespace
nodes                    no           v1           false        Node
persistentvolumeclaims   pvc          v1           true         PersistentVolumeClaim
persistentvolumes        pv           v1           false        PersistentVolume
pods                     po           v1           true         Pod
podtemplates                          v1           true         PodTemplate
replicationcontrollers   rc           v1           true         ReplicationController
resourcequotas           quota        v1           true         ResourceQuota
secrets                               v1           true         Secret
serviceaccounts          sa           v1           true         ServiceAccount
services                 svc          v1           true         Service"""

V123_NETWORKING = """\
NAME              SHORTNAMES   APIVERSION             NAMESPACED   KIND
ingressclasses                 networking.k8s.io/v1   false        IngressClass
ingresses         ing          networking.k8s.io/v1   true         Ingress
networkpolicies   netpol       networking.k8s.io/v1   true         NetworkPolicy"""

V123_STORAGE = """\
NAME                   SHORTNAMES   APIVERSION               NAMESPACED   KIND
csidrivers                          storage.k8s.io/v1        false        CSIDriver
csinodes                            storage.k8s.io/v1        false        CSINode
csistoragecapacities                storage.k8s.io/v1beta1   true         CSIStorageCapacity
storageclasses         sc           storage.k8s.io/v1        false        StorageClass
volumeattachments                   storage.k8s.io/v1        false        VolumeAttachment"""


@pytest.mark.parametrize(
    "api_group, expected",
    [("apps", V123_APPS), ("", V123_CORE), ("networking.k8s.io", V123_NETWORKING), ("storage.k8s.io", V123_STORAGE)],
)
def test_v123_api_group_outputs(api_group, expected):
    assert render(group(23, api_group)) == expected


# --- v1.30..v1.32, whole default output -------------------------------------------------------

V132_ALL = """\
NAME                                SHORTNAMES   APIVERSION                        NAMESPACED   KIND
bindings                                         v1                                true         Binding
componentstatuses                   cs           v1                                false        ComponentStatus
configmaps                          cm           v1                                true         ConfigMap
endpoints                           ep           v1                                true         Endpoints
events                              ev           v1                                true         Event
limitranges                         limits       v1                                true         LimitRange
namespaces                          ns           v1                                false        Namespace
nodes                               no           v1                                false        Node
persistentvolumeclaims              pvc          v1                                true         PersistentVolumeClaim
persistentvolumes                   pv           v1                                false        PersistentVolume
pods                                po           v1                                true         Pod
podtemplates                                     v1                                true         PodTemplate
replicationcontrollers              rc           v1                                true         ReplicationController
resourcequotas                      quota        v1                                true         ResourceQuota
secrets                                          v1                                true         Secret
serviceaccounts                     sa           v1                                true         ServiceAccount
services                            svc          v1                                true         Service
mutatingwebhookconfigurations                    admissionregistration.k8s.io/v1   false        MutatingWebhookConfiguration
validatingadmissionpolicies                      admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicy
validatingadmissionpolicybindings                admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicyBinding
validatingwebhookconfigurations                  admissionregistration.k8s.io/v1   false        ValidatingWebhookConfiguration
customresourcedefinitions           crd,crds     apiextensions.k8s.io/v1           false        CustomResourceDefinition
apiservices                                      apiregistration.k8s.io/v1         false        APIService
controllerrevisions                              apps/v1                           true         ControllerRevision
daemonsets                          ds           apps/v1                           true         DaemonSet
deployments                         deploy       apps/v1                           true         Deployment
replicasets                         rs           apps/v1                           true         ReplicaSet
statefulsets                        sts          apps/v1                           true         StatefulSet
selfsubjectreviews                               authentication.k8s.io/v1          false        SelfSubjectReview
tokenreviews                                     authentication.k8s.io/v1          false        TokenReview
localsubjectaccessreviews                        authorization.k8s.io/v1           true         LocalSubjectAccessReview
selfsubjectaccessreviews                         authorization.k8s.io/v1           false        SelfSubjectAccessReview
selfsubjectrulesreviews                          authorization.k8s.io/v1           false        SelfSubjectRulesReview
subjectaccessreviews                             authorization.k8s.io/v1           false        SubjectAccessReview
horizontalpodautoscalers            hpa          autoscaling/v2                    true         HorizontalPodAutoscaler
cronjobs                            cj           batch/v1                          true         CronJob
jobs                                             batch/v1                          true         Job
certificatesigningrequests          csr          certificates.k8s.io/v1            false        CertificateSigningRequest
leases                                           coordination.k8s.io/v1            true         Lease
endpointslices                                   discovery.k8s.io/v1               true         EndpointSlice
events                              ev           events.k8s.io/v1                  true         Event
flowschemas                                      flowcontrol.apiserver.k8s.io/v1   false        FlowSchema
prioritylevelconfigurations                      flowcontrol.apiserver.k8s.io/v1   false        PriorityLevelConfiguration
ingressclasses                                   networking.k8s.io/v1              false        IngressClass
ingresses                           ing          networking.k8s.io/v1              true         Ingress
networkpolicies                     netpol       networking.k8s.io/v1              true         NetworkPolicy
runtimeclasses                                   node.k8s.io/v1                    false        RuntimeClass
poddisruptionbudgets                pdb          policy/v1                         true         PodDisruptionBudget
clusterrolebindings                              rbac.authorization.k8s.io/v1      false        ClusterRoleBinding
clusterroles                                     rbac.authorization.k8s.io/v1      false        ClusterRole
rolebindings                                     rbac.authorization.k8s.io/v1      true         RoleBinding
roles                                            rbac.authorization.k8s.io/v1      true         Role
priorityclasses                     pc           scheduling.k8s.io/v1              false        PriorityClass
csidrivers                                       storage.k8s.io/v1                 false        CSIDriver
csinodes                                         storage.k8s.io/v1                 false        CSINode
csistoragecapacities                             storage.k8s.io/v1                 true         CSIStorageCapacity
storageclasses                      sc           storage.k8s.io/v1                 false        StorageClass
volumeattachments                                storage.k8s.io/v1                 false        VolumeAttachment"""


@pytest.mark.parametrize("minor", [30, 31, 32])
def test_v130_to_v132_whole_output(minor):
    assert render(resources_for(minor)) == V132_ALL


# --- v1.24 `-o wide`: rows and verbs ---------------------------------------------------------

V124_WIDE = """\
NAME                              SHORTNAMES         APIVERSION                             NAMESPACED   KIND                             VERBS
bindings                                             v1                                     true         Binding                          [create]
componentstatuses                 cs                 v1                                     false        ComponentStatus                  [get list]
configmaps                        cm                 v1                                     true         ConfigMap                        [create delete deletecollection get list patch update watch]
endpoints                         ep                 v1                                     true         Endpoints                        [create delete deletecollection get list patch update watch]
events                            ev                 v1                                     true         Event                            [create delete deletecollection get list patch update watch]
limitranges                       limits             v1                                     true         LimitRange                       [create delete deletecollection get list patch update watch]
namespaces                        ns                 v1                                     false        Namespace                        [create delete get list patch update watch]
nodes                             no                 v1                                     false        Node                             [create delete deletecollection get list patch update watch]
persistentvolumeclaims            pvc                v1                                     true         PersistentVolumeClaim            [create delete deletecollection get list patch update watch]
persistentvolumes                 pv                 v1                                     false        PersistentVolume                 [create delete deletecollection get list patch update watch]
pods                              po                 v1                                     true         Pod                              [create delete deletecollection get list patch update watch]
podtemplates                                         v1                                     true         PodTemplate                      [create delete deletecollection get list patch update watch]
replicationcontrollers            rc                 v1                                     true         ReplicationController            [create delete deletecollection get list patch update watch]
resourcequotas                    quota              v1                                     true         ResourceQuota                    [create delete deletecollection get list patch update watch]
secrets                                              v1                                     true         Secret                           [create delete deletecollection get list patch update watch]
serviceaccounts                   sa                 v1                                     true         ServiceAccount                   [create delete deletecollection get list patch update watch]
services                          svc                v1                                     true         Service                          [create delete deletecollection get list patch update watch]
mutatingwebhookconfigurations                        admissionregistration.k8s.io/v1        false        MutatingWebhookConfiguration     [create delete deletecollection get list patch update watch]
validatingwebhookconfigurations                      admissionregistration.k8s.io/v1        false        ValidatingWebhookConfiguration   [create delete deletecollection get list patch update watch]
customresourcedefinitions         crd,crds           apiextensions.k8s.io/v1                false        CustomResourceDefinition         [create delete deletecollection get list patch update watch]
apiservices                                          apiregistration.k8s.io/v1              false        APIService                       [create delete deletecollection get list patch update watch]
controllerrevisions                                  apps/v1                                true         ControllerRevision               [create delete deletecollection get list patch update watch]
daemonsets                        ds                 apps/v1                                true         DaemonSet                        [create delete deletecollection get list patch update watch]
deployments                       deploy             apps/v1                                true         Deployment                       [create delete deletecollection get list patch update watch]
replicasets                       rs                 apps/v1                                true         ReplicaSet                       [create delete deletecollection get list patch update watch]
statefulsets                      sts                apps/v1                                true         StatefulSet                      [create delete deletecollection get list patch update watch]
tokenreviews                                         authentication.k8s.io/v1               false        TokenReview                      [create]
localsubjectaccessreviews                            authorization.k8s.io/v1                true         LocalSubjectAccessReview         [create]
selfsubjectaccessreviews                             authorization.k8s.io/v1                false        SelfSubjectAccessReview          [create]
selfsubjectrulesreviews                              authorization.k8s.io/v1                false        SelfSubjectRulesReview           [create]
subjectaccessreviews                                 authorization.k8s.io/v1                false        SubjectAccessReview              [create]
horizontalpodautoscalers          hpa                autoscaling/v2                         true         HorizontalPodAutoscaler          [create delete deletecollection get list patch update watch]
cronjobs                          cj                 batch/v1                               true         CronJob                          [create delete deletecollection get list patch update watch]
jobs                                                 batch/v1                               true         Job                              [create delete deletecollection get list patch update watch]
certificatesigningrequests        csr                certificates.k8s.io/v1                 false        CertificateSigningRequest        [create delete deletecollection get list patch update watch]
leases                                               coordination.k8s.io/v1                 true         Lease                            [create delete deletecollection get list patch update watch]
endpointslices                                       discovery.k8s.io/v1                    true         EndpointSlice                    [create delete deletecollection get list patch update watch]
events                            ev                 events.k8s.io/v1                       true         Event                            [create delete deletecollection get list patch update watch]
flowschemas                                          flowcontrol.apiserver.k8s.io/v1beta2   false        FlowSchema                       [create delete deletecollection get list patch update watch]
prioritylevelconfigurations                          flowcontrol.apiserver.k8s.io/v1beta2   false        PriorityLevelConfiguration       [create delete deletecollection get list patch update watch]
ingressclasses                                       networking.k8s.io/v1                   false        IngressClass                     [create delete deletecollection get list patch update watch]
ingresses                         ing                networking.k8s.io/v1                   true         Ingress                          [create delete deletecollection get list patch update watch]
networkpolicies                   netpol             networking.k8s.io/v1                   true         NetworkPolicy                    [create delete deletecollection get list patch update watch]
runtimeclasses                                       node.k8s.io/v1                         false        RuntimeClass                     [create delete deletecollection get list patch update watch]
poddisruptionbudgets              pdb                policy/v1                              true         PodDisruptionBudget              [create delete deletecollection get list patch update watch]
podsecuritypolicies               psp                policy/v1beta1                         false        PodSecurityPolicy                [create delete deletecollection get list patch update watch]
clusterrolebindings                                  rbac.authorization.k8s.io/v1           false        ClusterRoleBinding               [create delete deletecollection get list patch update watch]
clusterroles                                         rbac.authorization.k8s.io/v1           false        ClusterRole                      [create delete deletecollection get list patch update watch]
rolebindings                                         rbac.authorization.k8s.io/v1           true         RoleBinding                      [create delete deletecollection get list patch update watch]
roles                                                rbac.authorization.k8s.io/v1           true         Role                             [create delete deletecollection get list patch update watch]
priorityclasses                   pc                 scheduling.k8s.io/v1                   false        PriorityClass                    [create delete deletecollection get list patch update watch]
csidrivers                                           storage.k8s.io/v1                      false        CSIDriver                        [create delete deletecollection get list patch update watch]
csinodes                                             storage.k8s.io/v1                      false        CSINode                          [create delete deletecollection get list patch update watch]
csistoragecapacities                                 storage.k8s.io/v1                      true         CSIStorageCapacity               [create delete deletecollection get list patch update watch]
storageclasses                    sc                 storage.k8s.io/v1                      false        StorageClass                     [create delete deletecollection get list patch update watch]
volumeattachments                                    storage.k8s.io/v1                      false        VolumeAttachment                 [create delete deletecollection get list patch update watch]"""


def parse_wide(text: str) -> list[tuple]:
    """(name, shortnames, apiversion, namespaced, kind, verbs) from a wide listing; columns by header offset."""
    header, *lines = text.splitlines()
    starts = [header.index(col) for col in ("SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS")]
    rows = []
    for line in lines:
        cells = [line[a:b].strip() for a, b in zip([0, *starts], [*starts, None], strict=True)]
        cells[-1] = tuple(cells[-1].strip("[]").split())
        rows.append(tuple(cells))
    return rows


def test_v124_wide_rows_and_verbs():
    ours = [
        (r.plural, ",".join(r.short_names), r.api_version, str(r.namespaced).lower(), r.kind, r.verbs)
        for r in resources_for(24)
    ]
    assert ours == parse_wide(V124_WIDE)


def test_v123_differs_from_v124_only_in_csistoragecapacities_version():
    v123 = {(r.group, r.plural): r for r in resources_for(23)}
    v124 = {(r.group, r.plural): r for r in resources_for(24)}
    assert v123.keys() == v124.keys()
    changed = sorted(k for k in v123 if v123[k] != v124[k])
    assert changed == [("storage.k8s.io", "csistoragecapacities")]
    assert v123[("storage.k8s.io", "csistoragecapacities")].version == "v1beta1"


def test_categories_match_wide_output():
    # `-o wide` on a >=1.30 cluster (VERBS and CATEGORIES comma-joined); the rows that have a category
    expected = {
        "pods": ("all",), "replicationcontrollers": ("all",), "services": ("all",),
        "mutatingwebhookconfigurations": ("api-extensions",), "validatingadmissionpolicies": ("api-extensions",),
        "validatingadmissionpolicybindings": ("api-extensions",),
        "validatingwebhookconfigurations": ("api-extensions",), "customresourcedefinitions": ("api-extensions",),
        "apiservices": ("api-extensions",),
        "daemonsets": ("all",), "deployments": ("all",), "replicasets": ("all",), "statefulsets": ("all",),
        "horizontalpodautoscalers": ("all",), "cronjobs": ("all",), "jobs": ("all",),
    }
    assert {r.plural: r.categories for r in resources_for(32) if r.categories} == expected
    all_ = Registry(resources_for(32)).in_category("all")
    assert [r.plural for r in all_] == [
        "pods", "replicationcontrollers", "services", "daemonsets", "deployments", "replicasets",
        "statefulsets", "horizontalpodautoscalers", "cronjobs", "jobs",
    ]


# --- version-specific rows --------------------------------------------------------------------


def by_name(minor: int) -> dict[str, str]:
    return {r.group_resource: r.api_version for r in resources_for(minor)}


def test_v123_specifics():
    rows = by_name(23)
    assert rows["podsecuritypolicies.policy"] == "policy/v1beta1"
    assert rows["flowschemas.flowcontrol.apiserver.k8s.io"] == "flowcontrol.apiserver.k8s.io/v1beta2"
    assert rows["horizontalpodautoscalers.autoscaling"] == "autoscaling/v2"
    assert rows["csistoragecapacities.storage.k8s.io"] == "storage.k8s.io/v1beta1"
    assert "validatingadmissionpolicies.admissionregistration.k8s.io" not in rows
    assert "selfsubjectreviews.authentication.k8s.io" not in rows
    assert not group(23, "resource.k8s.io")
    assert Registry(resources_for(23)).resolve("psp").kind == "PodSecurityPolicy"


def test_v132_specifics():
    rows = by_name(32)
    assert "podsecuritypolicies.policy" not in rows
    assert rows["flowschemas.flowcontrol.apiserver.k8s.io"] == "flowcontrol.apiserver.k8s.io/v1"
    assert rows["validatingadmissionpolicies.admissionregistration.k8s.io"] == "admissionregistration.k8s.io/v1"
    assert not group(32, "resource.k8s.io")
    assert Registry(resources_for(32)).resolve("psp") is None


@pytest.mark.parametrize(
    "minor, flowcontrol", [(23, "v1beta2"), (25, "v1beta2"), (26, "v1beta3"), (28, "v1beta3"), (29, "v1")]
)
def test_flowcontrol_preferred_version(minor, flowcontrol):
    assert {r.version for r in group(minor, "flowcontrol.apiserver.k8s.io")} == {flowcontrol}


def test_verbs_and_subresources():
    reg = Registry(resources_for(23))
    assert reg.resolve("bindings").verbs == ("create",)
    assert reg.resolve("componentstatuses").verbs == ("get", "list")
    for review in ("selfsubjectaccessreviews", "tokenreviews", "subjectaccessreviews", "localsubjectaccessreviews"):
        assert reg.resolve(review).verbs == ("create",)
    assert "deletecollection" not in reg.resolve("namespaces").verbs
    assert set(reg.resolve("pods").subresources) == {
        "status", "log", "exec", "attach", "portforward", "proxy", "binding", "eviction", "ephemeralcontainers",
    }
    for workload in ("deployments", "replicasets", "statefulsets"):
        assert reg.resolve(workload).subresources == ("scale", "status")
    assert reg.resolve("rc").subresources == ("scale", "status")


# --- name resolution ----------------------------------------------------------------------------

SHORT_NAMES = {
    "po": ("", "pods"), "svc": ("", "services"), "deploy": ("apps", "deployments"),
    "rs": ("apps", "replicasets"), "sts": ("apps", "statefulsets"), "ds": ("apps", "daemonsets"),
    "cm": ("", "configmaps"), "ns": ("", "namespaces"), "no": ("", "nodes"), "pv": ("", "persistentvolumes"),
    "pvc": ("", "persistentvolumeclaims"), "sc": ("storage.k8s.io", "storageclasses"),
    "ing": ("networking.k8s.io", "ingresses"), "ep": ("", "endpoints"), "ev": ("", "events"),
    "sa": ("", "serviceaccounts"), "cj": ("batch", "cronjobs"), "hpa": ("autoscaling", "horizontalpodautoscalers"),
    "pdb": ("policy", "poddisruptionbudgets"), "crd": ("apiextensions.k8s.io", "customresourcedefinitions"),
    "netpol": ("networking.k8s.io", "networkpolicies"), "pc": ("scheduling.k8s.io", "priorityclasses"),
    "limits": ("", "limitranges"), "quota": ("", "resourcequotas"), "rc": ("", "replicationcontrollers"),
    "cs": ("", "componentstatuses"), "csr": ("certificates.k8s.io", "certificatesigningrequests"),
}


@pytest.mark.parametrize("short, expected", SHORT_NAMES.items())
def test_short_names_resolve(short, expected):
    info = Registry(resources_for(32)).resolve(short)
    assert info is not None and (info.group, info.plural) == expected


@pytest.mark.parametrize("minor", [23, 32])
def test_events_resolves_to_core(minor):
    reg = Registry(resources_for(minor))
    assert reg.resolve("events").group == ""
    assert reg.resolve("ev").group == ""
    assert reg.resolve("events.events.k8s.io").group == "events.k8s.io"


# --- table integrity ---------------------------------------------------------------------------


@pytest.mark.parametrize("minor", MINORS)
def test_no_duplicates(minor):
    rows = resources_for(minor)
    assert len({(r.group, r.kind) for r in rows}) == len(rows)
    assert len({(r.group, r.plural) for r in rows}) == len(rows)


@pytest.mark.parametrize("minor", MINORS)
def test_kubectl_order_group_then_name(minor):
    rows = resources_for(minor)
    assert rows[0].group == "" and rows == sorted(rows, key=lambda r: (r.group, r.plural))


def test_rows_are_well_formed():
    for r in RESOURCES:
        assert r.singular == r.kind.lower() and r.since_minor <= r.until_minor
        assert r.verbs and list(r.verbs) == sorted(r.verbs)  # discovery lists verbs sorted


@pytest.mark.parametrize("minor", [MIN_MINOR - 1, MAX_MINOR + 1])
def test_unmodelled_minor_is_an_error(minor):
    with pytest.raises(ValueError):
        resources_for(minor)
