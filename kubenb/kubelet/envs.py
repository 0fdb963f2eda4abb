"""A container's environment, as the kubelet's ``makeEnvironmentVariables`` builds it.

Order: the ``envFrom`` sources (each ConfigMap's or Secret's keys, sorted, with the prefix), then
``env`` in the order written (``$(VAR)`` expanded against what is defined so far and the service
variables), then the service-link variables of the namespace's Services that the pod did not set
itself (``NGINX_SVC_SERVICE_HOST``, ``NGINX_SVC_PORT_80_TCP``...; sorted here, where the kubelet
iterates a Go map). A missing ConfigMap, Secret or key is the kubelet's
``CreateContainerConfigError``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kubenb.kubelet.volumes import config_map_data, field_value, resource_value, secret_data

if TYPE_CHECKING:
    from kubenb.kubelet.worker import PodWorker

_REF = re.compile(r"\$\$|\$\(([^)]*)\)")


class ConfigError(Exception):
    """``CreateContainerConfigError``: the message is the status's and the event's (``Error: ...``)."""


def expand(text: str, defined: dict[str, str]) -> str:
    """``expansion.MappingFuncFor``: ``$(VAR)`` from `defined`, ``$$`` escapes, unknown left as written."""

    def sub(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group(1)
        return defined[name] if name in defined else m.group(0)

    return _REF.sub(sub, text)


def environment(worker: PodWorker, container: Any) -> Sequence[tuple[str, str]]:
    """The (name, value) pairs passed to the runtime. Raises ConfigError.

    A container that sets no variables of its own (most of them) gets the namespace's shared
    tuple of service variables itself: every running container holds its environment."""
    service, pairs = service_env(worker)
    if not container.env and not container.env_from:
        return pairs
    result: list[tuple[str, str]] = []
    defined: dict[str, str] = {}

    def put(name: str, value: str) -> None:
        if name in defined:
            result[:] = [(k, v) for k, v in result if k != name]
        defined[name] = value
        result.append((name, value))

    ns = worker.namespace
    for src in container.env_from or ():
        prefix = src.prefix or ""
        if src.config_map_ref is not None:
            name = src.config_map_ref.name or ""
            cm = worker.store.try_get("ConfigMap", ns, name)
            if cm is None:
                if src.config_map_ref.optional:
                    continue
                raise ConfigError(f'configmap "{name}" not found')
            data = {k: v.decode("utf-8", "replace") for k, v in config_map_data(cm).items()}
        elif src.secret_ref is not None:
            name = src.secret_ref.name or ""
            secret = worker.store.try_get("Secret", ns, name)
            if secret is None:
                if src.secret_ref.optional:
                    continue
                raise ConfigError(f'secret "{name}" not found')
            data = {k: v.decode("utf-8", "replace") for k, v in secret_data(secret).items()}
        else:
            continue
        for key in sorted(data):
            put(prefix + key, data[key])
    for env in container.env or ():
        if env.value_from is None:
            value = expand(env.value or "", {**service, **defined}) if "$" in (env.value or "") else env.value or ""
        else:
            value = _value_from(worker, container, env.value_from)
            if value is None:
                continue
        put(env.name, value)
    result += [pair for pair in pairs if pair[0] not in defined]
    return result


def _value_from(worker: PodWorker, container: Any, src: Any) -> Any:
    ns = worker.namespace
    if src.field_ref is not None:
        return field_value(worker, src.field_ref.field_path)
    if src.resource_field_ref is not None:
        return resource_value(worker, src.resource_field_ref, container if not src.resource_field_ref.container_name
                              else None)
    if src.config_map_key_ref is not None:
        ref = src.config_map_key_ref
        cm = worker.store.try_get("ConfigMap", ns, ref.name or "")
        if cm is None:
            if ref.optional:
                return None
            raise ConfigError(f'configmap "{ref.name}" not found')
        data = config_map_data(cm)
        if ref.key not in data:
            if ref.optional:
                return None
            raise ConfigError(f"couldn't find key {ref.key} in ConfigMap {ns}/{ref.name}")
        return data[ref.key].decode("utf-8", "replace")
    if src.secret_key_ref is not None:
        ref = src.secret_key_ref
        secret = worker.store.try_get("Secret", ns, ref.name or "")
        if secret is None:
            if ref.optional:
                return None
            raise ConfigError(f'secret "{ref.name}" not found')
        data = secret_data(secret)
        if ref.key not in data:
            if ref.optional:
                return None
            raise ConfigError(f"couldn't find key {ref.key} in Secret {ns}/{ref.name}")
        return data[ref.key].decode("utf-8", "replace")
    return None


def service_env(worker: PodWorker) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """``getServiceEnvVarMap``: the namespace's Services (all of them unless ``enableServiceLinks:
    false``), plus the ``kubernetes`` Service of the default namespace for every pod. Remembered per
    namespace until a Service changes (every container start of 150,000 pods asks), with the
    (name, value) pairs sorted by name."""
    links = worker.pod.spec.enable_service_links is not False
    cache = worker.kubelet.service_env_cache
    key = (worker.namespace, links)
    found = cache.get(key)
    if found is None:
        env = _service_env(worker)
        found = cache[key] = (env, tuple(sorted(env.items())))
    return found


def _service_env(worker: PodWorker) -> dict[str, str]:
    store = worker.store
    services: dict[str, Any] = {}
    master = store.try_get("Service", "default", "kubernetes")
    if master is not None:
        services["kubernetes"] = master
    if worker.pod.spec.enable_service_links is not False:
        for svc in store.list("Service", worker.namespace):
            name = svc.metadata.name or ""
            if worker.namespace != "default" and name == "kubernetes":
                services.setdefault(name, svc)
                continue
            services[name] = svc
    out: dict[str, str] = {}
    for name, svc in services.items():
        ip = svc.spec.cluster_ip
        if not ip or ip == "None" or not svc.spec.ports:
            continue
        stem = name.upper().replace("-", "_")
        ports = svc.spec.ports
        first = ports[0]
        out[f"{stem}_SERVICE_HOST"] = ip
        out[f"{stem}_SERVICE_PORT"] = str(first.port)
        for p in ports:
            if p.name:
                out[f"{stem}_SERVICE_PORT_{p.name.upper().replace('-', '_')}"] = str(p.port)
        proto = (first.protocol or "TCP").lower()
        out[f"{stem}_PORT"] = f"{proto}://{ip}:{first.port}"
        for p in ports:
            proto = (p.protocol or "TCP").lower()
            base = f"{stem}_PORT_{p.port}_{proto.upper()}"
            out[base] = f"{proto}://{ip}:{p.port}"
            out[f"{base}_PROTO"] = proto
            out[f"{base}_PORT"] = str(p.port)
            out[f"{base}_ADDR"] = ip
    return out
