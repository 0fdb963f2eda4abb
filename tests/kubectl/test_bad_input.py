"""Bad input gets kubectl's own words on stderr, exit code 1, and leaves the cluster unchanged."""

from __future__ import annotations

import pytest

from kubenb import Cluster

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: {label}}}
    spec:
      containers: [{{name: nginx, image: nginx:alpine}}]
"""

VALIDATING = ("; if you choose to ignore these errors, turn validation off with --validate=false\n")

CASES = [
    pytest.param("apply -f -", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n",
                 "error: error parsing STDIN: error converting YAML to JSON: yaml: line 5: mapping values are not "
                 "allowed in this context\n", id="yaml-syntax"),
    pytest.param("apply -f -", "apiVersion: v1\nmetadata:\n  name: x\n",
                 'error: error validating "STDIN": error validating data: kind not set' + VALIDATING, id="no-kind"),
    pytest.param("apply -f -", "kind: Pod\nmetadata:\n  name: x\n",
                 'error: error validating "STDIN": error validating data: apiVersion not set' + VALIDATING,
                 id="no-apiversion"),
    pytest.param("apply -f -", "apiVersion: apps/v1\nkind: Deploymnt\nmetadata:\n  name: x\n",
                 'error: resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind '
                 '"Deploymnt" in version "apps/v1"\nensure CRDs are installed first\n', id="unknown-kind"),
    pytest.param("apply -f -", DEPLOY.format(replicas="replica: 2", label="web"),
                 'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be '
                 'handled as a Deployment: strict decoding error: unknown field "spec.replica"\n', id="unknown-field"),
    pytest.param("apply -f -", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers: "
                 "[{name: c, image: nginx}]\n",
                 'The Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 '
                 "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
                 "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                 "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n", id="invalid-name"),
    pytest.param("apply -f -", DEPLOY.format(replicas="replicas: 2", label="other"),
                 'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: '
                 'map[string]string{"app":"other"}: `selector` does not match template `labels`\n',
                 id="selector-mismatch"),
    pytest.param("apply -f -", DEPLOY.format(replicas="replicas: -1", label="web"),
                 'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal '
                 "to 0\n", id="negative-replicas"),
    pytest.param("apply -f -", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: c, "
                 "image: nginx, resources: {requests: {cpu: abc}}}]\n",
                 'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled '
                 "as a Pod: quantities must match the regular expression "
                 "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n", id="bad-quantity"),
    pytest.param("get pods x", None, 'Error from server (NotFound): pods "x" not found\n', id="get-missing"),
    pytest.param("get deploy x", None, 'Error from server (NotFound): deployments.apps "x" not found\n',
                 id="get-missing-deployment"),
    pytest.param("get podz", None, 'error: the server doesn\'t have a resource type "podz"\n', id="unknown-type"),
    pytest.param("get pods -l a=b=c", None, "error: found '=', expected: ',' or 'end of string'\n",
                 id="malformed-selector"),
    pytest.param("get pods -l 'app in (x'", None, "error: unable to parse requirement: found '', expected: ',' or ')'\n",
                 id="unclosed-set-selector"),
    pytest.param("get pods --bogus", None, "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n",
                 id="unknown-flag"),
    pytest.param("get pods -n", None, "error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.\n",
                 id="flag-without-value"),
    pytest.param("gett pods", None, 'error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tget\n\n'
                 "Run 'kubectl --help' for usage.\n", id="unknown-command"),
    pytest.param("delete pod nope", None, 'Error from server (NotFound): pods "nope" not found\n', id="delete-missing"),
    pytest.param("apply -f -", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: nowhere\nspec:\n"
                 "  containers: [{name: c, image: nginx}]\n",
                 'Error from server (NotFound): error when creating "STDIN": namespaces "nowhere" not found\n',
                 id="missing-namespace"),
]


@pytest.mark.parametrize("cmd,stdin,stderr", CASES)
def test_bad_input_is_rejected_in_kubectls_words(cluster: Cluster, cmd, stdin, stderr):
    before = (cluster.store.resource_version, {k: cluster.store.count(k) for k in cluster.store.kinds()})
    result = cluster.kubectl(cmd, stdin)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", stderr)
    cluster.loop.settle()
    after = (cluster.store.resource_version, {k: cluster.store.count(k) for k in cluster.store.kinds()})
    assert after == before


def test_v123_validates_the_schema_on_the_client(course: Cluster):
    result = course.kubectl("apply -f -", DEPLOY.format(replicas="replica: 2", label="web"))
    assert result.stderr == (
        'error: error validating "STDIN": error validating data: ValidationError(Deployment.spec): unknown field '
        '"replica" in io.k8s.api.apps.v1.DeploymentSpec' + VALIDATING)


def test_a_bad_document_anywhere_stops_the_whole_apply(cluster: Cluster):
    good = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n"
    bad = "apiVersion: v1\nkind: Nope\nmetadata:\n  name: bad\n"
    result = cluster.kubectl("apply -f -", good + "---\n" + bad)
    assert result.returncode == 1
    assert cluster.store.try_get("ConfigMap", "default", "good") is None


def test_server_rejection_of_one_object_still_applies_the_others(cluster: Cluster):
    """As kubectl does: each object is sent in turn and errors are reported at the end."""
    good = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n"
    bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad\n"
    result = cluster.kubectl("apply -f -", bad + "---\n" + good)
    assert result.stdout == "configmap/good created\n"
    assert result.stderr.startswith('The ConfigMap "Bad" is invalid: metadata.name: Invalid value: "Bad"')
    assert result.returncode == 1


def test_immutable_selector(cluster: Cluster):
    cluster.apply(DEPLOY.format(replicas="replicas: 1", label="web"))
    changed = DEPLOY.format(replicas="replicas: 1", label="web").replace("matchLabels: {app: web}",
                                                                          "matchLabels: {app: web, tier: x}")
    changed = changed.replace("labels: {app: web}", "labels: {app: web, tier: x}")
    result = cluster.kubectl("apply -f -", changed)
    assert result.returncode == 1
    assert "spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", " \
           "\"tier\":\"x\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable" in result.stderr
