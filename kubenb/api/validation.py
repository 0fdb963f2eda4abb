"""API-server validation (`pkg/apis/*/validation`): the field errors behind `... is invalid: ...`.

Only rules a learner can trip over are modelled, each with upstream's path and wording. A
function returns a list of :class:`~kubenb.store.errors.FieldError`; an empty list admits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api import names
from kubenb.api.base import KubeObject
from kubenb.api.field import FieldError, GoLiteral, forbidden, invalid, not_supported, required
from kubenb.api.intstr import IntOrString
from kubenb.api.validation_networking import validate_ingress

Errors = list[FieldError]

# Kinds whose names are DNS-1123 labels rather than subdomains (upstream `ValidateNameFunc`s).
DNS_LABEL_KINDS = {"Namespace", "Service"}
# Kinds whose names need only be a URL path segment (rbac's `ValidateRBACName`)
PATH_SEGMENT_KINDS = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}


def validate_object_meta(obj: KubeObject, namespaced: bool) -> Errors:
    meta = obj.metadata
    errs: Errors = []
    if not meta.name and not meta.generate_name:
        errs.append(required("metadata.name", "name or generateName is required"))
    elif meta.name:
        check = (names.name_is_dns_label if obj.KIND in DNS_LABEL_KINDS else
                 names.name_is_path_segment if obj.KIND in PATH_SEGMENT_KINDS else names.name_is_dns_subdomain)
        for msg in check(meta.name, False):
            errs.append(invalid("metadata.name", meta.name, msg))
    errs += validate_labels(meta.labels or {}, "metadata.labels")
    return errs


def validate_labels(labels: dict[str, str], path: str) -> Errors:
    errs: Errors = []
    for key, value in labels.items():
        for msg in names.is_qualified_name(key):
            errs.append(invalid(path, key, msg))
        for msg in names.is_valid_label_value(value):
            errs.append(invalid(path, value, msg))
    return errs


def validate_container(c: Any, path: str, seen: set[str]) -> Errors:
    errs: Errors = []
    if not c.name:
        errs.append(required(f"{path}.name"))
    else:
        for msg in names.is_dns1123_label(c.name):
            errs.append(invalid(f"{path}.name", c.name, msg))
        if c.name in seen:
            errs.append(FieldError("Duplicate value", f"{path}.name", c.name))
        seen.add(c.name)
    if not c.image:
        errs.append(required(f"{path}.image"))
    if c.image_pull_policy not in (None, "Always", "IfNotPresent", "Never"):
        errs.append(not_supported(f"{path}.imagePullPolicy", c.image_pull_policy, ["Always", "IfNotPresent", "Never"]))
    for i, port in enumerate(c.ports or ()):
        if not 0 < port.container_port < 65536:
            errs.append(invalid(f"{path}.ports[{i}].containerPort", port.container_port, "must be between 1 and 65535, inclusive"))
    errs += validate_probe(c.liveness_probe, f"{path}.livenessProbe")
    errs += validate_probe(c.readiness_probe, f"{path}.readinessProbe")
    if c.readiness_probe is not None and c.readiness_probe.termination_grace_period_seconds is not None:
        errs.append(invalid(f"{path}.readinessProbe.terminationGracePeriodSeconds",
                            c.readiness_probe.termination_grace_period_seconds, "must not be set for readinessProbes"))
    errs += validate_probe(c.startup_probe, f"{path}.startupProbe")
    for kind, probe in (("livenessProbe", c.liveness_probe), ("startupProbe", c.startup_probe)):
        if probe is not None and probe.success_threshold not in (None, 1):
            errs.append(invalid(f"{path}.{kind}.successThreshold", probe.success_threshold, "must be 1"))
    return errs


def validate_probe(probe: Any, path: str) -> Errors:
    """``validateProbe``: exactly one handler, each checked, and no negative timing."""
    if probe is None:
        return []
    errs: Errors = []
    handlers = 0
    for name, action in (("exec", probe.exec), ("httpGet", probe.http_get), ("tcpSocket", probe.tcp_socket),
                         ("grpc", probe.grpc)):
        if action is None:
            continue
        if handlers:
            errs.append(forbidden(f"{path}.{name}", "may not specify more than 1 handler type"))
            continue
        handlers += 1
        if name == "exec" and not action.command:
            errs.append(required(f"{path}.exec.command"))
        elif name in ("httpGet", "tcpSocket"):
            errs += _port_num_or_name(action.port, f"{path}.{name}.port")
            if name == "httpGet" and action.scheme not in (None, "HTTP", "HTTPS"):
                errs.append(not_supported(f"{path}.httpGet.scheme", action.scheme, ["HTTP", "HTTPS"]))
        elif name == "grpc":
            errs += [invalid(f"{path}.grpc.port", action.port, m) for m in names.is_valid_port_num(action.port)]
    if not handlers:
        errs.append(required(path, "must specify a handler type"))
    for field in ("initial_delay_seconds", "timeout_seconds", "period_seconds", "success_threshold",
                  "failure_threshold"):
        value = getattr(probe, field)
        if value is not None and value < 0:
            camel = "".join(w.capitalize() if i else w for i, w in enumerate(field.split("_")))
            errs.append(invalid(f"{path}.{camel}", value, "must be greater than or equal to 0"))
    if probe.termination_grace_period_seconds is not None and probe.termination_grace_period_seconds <= 0:
        errs.append(invalid(f"{path}.terminationGracePeriodSeconds", probe.termination_grace_period_seconds,
                            "must be greater than 0"))
    return errs


def _port_num_or_name(port: IntOrString, path: str) -> Errors:
    """``ValidatePortNumOrName``."""
    msgs = names.is_valid_port_num(port) if isinstance(port, int) else names.is_valid_port_name(port)
    return [invalid(path, port, m) for m in msgs]


def validate_pod_spec(spec: Any, path: str) -> Errors:
    errs: Errors = []
    if not spec.containers:
        errs.append(required(f"{path}.containers"))
    seen: set[str] = set()
    for i, c in enumerate(spec.init_containers or ()):
        errs += validate_container(c, f"{path}.initContainers[{i}]", seen)
    for i, c in enumerate(spec.containers or ()):
        errs += validate_container(c, f"{path}.containers[{i}]", seen)
    if spec.restart_policy not in (None, "Always", "OnFailure", "Never"):
        errs.append(not_supported(f"{path}.restartPolicy", spec.restart_policy, ["Always", "OnFailure", "Never"]))
    return errs


def validate_pod(pod: Any, old: Optional[Any]) -> Errors:
    errs = validate_pod_spec(pod.spec, "spec")
    if old is not None and _pod_spec_changed_beyond_mutable(pod.spec, old.spec):
        errs.append(forbidden(
            "spec",
            "pod updates may not change fields other than `spec.containers[*].image`,"
            "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
            "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
            "(allow it to be set to 1 if it was previously negative)"))
    return errs


def _pod_spec_changed_beyond_mutable(new: Any, old: Any) -> bool:
    def mask(spec: Any) -> Any:
        s = spec.model_copy(deep=True)
        for c in (*(s.init_containers or ()), *s.containers):
            c.image = ""
        s.active_deadline_seconds = None
        s.tolerations = None
        s.termination_grace_period_seconds = None
        return s

    return mask(new) != mask(old)


def validate_workload_selector(obj: Any, old: Optional[Any]) -> Errors:
    """Selector present, matching the template's labels, immutable in apps/v1; replicas >= 0."""
    spec = obj.spec
    errs: Errors = []
    if getattr(spec, "replicas", None) is not None and spec.replicas < 0:
        errs.append(invalid("spec.replicas", spec.replicas, "must be greater than or equal to 0"))
    if spec.selector is None or not (spec.selector.match_labels or spec.selector.match_expressions):
        errs.append(required("spec.selector"))
        if spec.selector is not None:
            errs.append(invalid("spec.selector", _selector_go(spec.selector), "empty selector is invalid for deployment"))
    else:
        template_labels = spec.template.metadata.labels or {}
        try:
            sel = labelsel.selector_from_label_selector(spec.selector)
        except ValueError as e:
            errs.append(invalid("spec.selector", _selector_go(spec.selector), str(e)))
        else:
            if not sel.matches(template_labels):
                errs.append(invalid("spec.template.metadata.labels", template_labels,
                                    "`selector` does not match template `labels`"))
        if old is not None and old.spec.selector != spec.selector:
            errs.append(invalid("spec.selector", _selector_go(spec.selector), "field is immutable"))
    errs += validate_labels(spec.template.metadata.labels or {}, "spec.template.metadata.labels")
    errs += validate_pod_spec(spec.template.spec, "spec.template.spec")
    if obj.KIND in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet") and \
            spec.template.spec.restart_policy not in (None, "Always"):
        errs.append(not_supported("spec.template.spec.restartPolicy", spec.template.spec.restart_policy, ["Always"]))
    return errs


def _selector_go(sel: Any) -> GoLiteral:
    """`%#v` of a `*metav1.LabelSelector`, as upstream prints it in field errors."""
    ml = ", ".join(f'"{k}":"{v}"' for k, v in sorted((sel.match_labels or {}).items()))
    exprs = "[]v1.LabelSelectorRequirement(nil)"
    if sel.match_expressions:
        exprs = "[]v1.LabelSelectorRequirement{" + ", ".join(
            f'v1.LabelSelectorRequirement{{Key:"{e.key}", Operator:"{e.operator}", Values:[]string{{'
            + ", ".join(f'"{v}"' for v in e.values or ()) + "}}" for e in sel.match_expressions) + "}"
    labels = "map[string]string{" + ml + "}" if sel.match_labels else "map[string]string(nil)"
    return GoLiteral(f"&v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}")


# ---------------------------------------------------------------- Deployment (`ValidateDeploymentSpec`)

_PERCENT_FMT = "[0-9]+%"
_PERCENT_RE = re.compile(_PERCENT_FMT)
_PERCENT_ERR = names.regex_error("a valid percent string must be a numeric string followed by an ending '%'",
                                 _PERCENT_FMT, "1%", "93%")
_STRATEGY_TYPES = ["Recreate", "RollingUpdate"]


def validate_deployment(d: Any, old: Optional[Any]) -> Errors:
    """`ValidateDeploymentSpec`: the workload rules (replicas, selector, template), then the
    strategy, `minReadySeconds`, `revisionHistoryLimit` and `progressDeadlineSeconds`."""
    spec = d.spec
    errs = validate_workload_selector(d, old)
    errs += validate_deployment_strategy(spec.strategy, "spec.strategy")
    errs += _non_negative(spec.min_ready_seconds or 0, "spec.minReadySeconds")
    if spec.revision_history_limit is not None:
        errs += _non_negative(spec.revision_history_limit, "spec.revisionHistoryLimit")
    if spec.progress_deadline_seconds is not None:
        errs += _non_negative(spec.progress_deadline_seconds, "spec.progressDeadlineSeconds")
        if spec.progress_deadline_seconds <= (spec.min_ready_seconds or 0):
            errs.append(invalid("spec.progressDeadlineSeconds", spec.progress_deadline_seconds,
                                "must be greater than minReadySeconds"))
    return errs


def validate_deployment_strategy(strategy: Any, path: str) -> Errors:
    """`ValidateDeploymentStrategy`. A `Recreate` strategy may not keep a `rollingUpdate` block,
    which is what `kubectl apply` of `type: Recreate` over a defaulted RollingUpdate Deployment runs
    into; apps/v1 defaulting always fills `rollingUpdate` for RollingUpdate."""
    if strategy.type == "Recreate":
        if strategy.rolling_update is not None:
            return [forbidden(f"{path}.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")]
        return []
    if strategy.type == "RollingUpdate":
        if strategy.rolling_update is None:
            return [required(f"{path}.rollingUpdate", "this should be defaulted and never be nil")]
        return validate_rolling_update_deployment(strategy.rolling_update, f"{path}.rollingUpdate")
    return [not_supported(path, _strategy_go(strategy), _STRATEGY_TYPES)]


def validate_rolling_update_deployment(ru: Any, path: str) -> Errors:
    """`ValidateRollingUpdateDeployment`: each bound an int >= 0 or a percent string ("5" and
    "5.5%" are neither), `maxUnavailable` at most 100%."""
    errs = _validate_positive_int_or_percent(ru.max_unavailable, f"{path}.maxUnavailable")
    errs += _validate_positive_int_or_percent(ru.max_surge, f"{path}.maxSurge")
    if _int_or_percent_value(ru.max_unavailable) == 0 and _int_or_percent_value(ru.max_surge) == 0:
        errs.append(invalid(f"{path}.maxUnavailable", _int_or_string_go(ru.max_unavailable),
                            "may not be 0 when `maxSurge` is 0"))
    percent = _percent_value(ru.max_unavailable)
    if percent is not None and percent > 100:
        errs.append(invalid(f"{path}.maxUnavailable", _int_or_string_go(ru.max_unavailable),
                            "must not be greater than 100%"))
    return errs


def _validate_positive_int_or_percent(value: Optional[IntOrString], path: str) -> Errors:
    """`ValidatePositiveIntOrPercent` (despite the name, 0 is allowed)."""
    if isinstance(value, str):
        return [] if _PERCENT_RE.fullmatch(value) else [invalid(path, _int_or_string_go(value), _PERCENT_ERR)]
    return _non_negative(value or 0, path)


def _int_or_percent_value(value: Optional[IntOrString]) -> int:
    """`getIntOrPercentValue`: N of "N%", else `IntValue()` (Atoi of a string, 0 when it fails)."""
    percent = _percent_value(value)
    if percent is not None:
        return percent
    if isinstance(value, str):
        return int(value) if value.lstrip("-").isdigit() else 0
    return value or 0


def _percent_value(value: Optional[IntOrString]) -> Optional[int]:
    """`getPercentValue`: N of a valid "N%", else None."""
    if isinstance(value, str) and _PERCENT_RE.fullmatch(value):
        return int(value[:-1])
    return None


def _non_negative(value: int, path: str) -> Errors:
    """`ValidateNonnegativeField`."""
    return [invalid(path, value, "must be greater than or equal to 0")] if value < 0 else []


def _int_or_string_go(value: Optional[IntOrString]) -> GoLiteral:
    """`%#v` of an `intstr.IntOrString`, as field errors print it before Kubernetes 1.34 (which
    switched to JSON): `intstr.IntOrString{Type:1, IntVal:0, StrVal:"oops"}`."""
    if isinstance(value, str):
        return GoLiteral(f'intstr.IntOrString{{Type:1, IntVal:0, StrVal:{names.go_quote(value)}}}')
    return GoLiteral(f'intstr.IntOrString{{Type:0, IntVal:{value or 0}, StrVal:""}}')


def _strategy_go(strategy: Any) -> GoLiteral:
    """`%#v` of the internal `apps.DeploymentStrategy` an unsupported `type` is reported with."""
    rolling = "(*apps.RollingUpdateDeployment)(nil)" if strategy.rolling_update is None \
        else "(*apps.RollingUpdateDeployment)(0xc000a1c4e0)"
    return GoLiteral(f"apps.DeploymentStrategy{{Type:{names.go_quote(strategy.type or '')}, RollingUpdate:{rolling}}}")


def validate_service(svc: Any, old: Optional[Any]) -> Errors:
    spec = svc.spec
    errs: Errors = []
    types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    if spec.type not in types:
        errs.append(not_supported("spec.type", spec.type, types))
    headless = spec.type == "ClusterIP" and "None" in (spec.cluster_ip, (spec.cluster_ips or [None])[0])
    if spec.type != "ExternalName" and not spec.ports and not headless:
        errs.append(required("spec.ports"))
    for i, port in enumerate(spec.ports or ()):
        if not 0 < port.port < 65536:
            errs.append(invalid(f"spec.ports[{i}].port", port.port, "must be between 1 and 65535, inclusive"))
        if len(spec.ports) > 1 and not port.name:
            errs.append(required(f"spec.ports[{i}].name"))
    if old is not None and old.spec.cluster_ip and spec.cluster_ip and spec.cluster_ip != old.spec.cluster_ip:
        errs.append(invalid("spec.clusterIPs[0]", spec.cluster_ip, "may not change once set"))
    return errs


def validate_persistent_volume_claim(claim: Any, old: Optional[Any]) -> Errors:
    """``ValidatePersistentVolumeClaimUpdate``: a bound claim may grow, never shrink."""
    if old is None or old.status.phase != "Bound":
        return []
    from kubenb.api.volumeutil import requested_bytes

    if requested_bytes(claim) < requested_bytes(old):
        return [forbidden("spec.resources.requests.storage", "field can not be less than previous value")]
    return []


VALIDATORS: dict[str, Callable[[Any, Optional[Any]], Errors]] = {
    "PersistentVolumeClaim": validate_persistent_volume_claim,
    "Pod": validate_pod,
    "Deployment": validate_deployment,
    "ReplicaSet": validate_workload_selector,
    "Service": validate_service,
    "Ingress": validate_ingress,
}


def validate(obj: KubeObject, old: Optional[KubeObject], namespaced: bool) -> Errors:
    errs = validate_object_meta(obj, namespaced)
    fn = VALIDATORS.get(obj.KIND)
    if fn is not None:
        errs += fn(obj, old)
    return errs
