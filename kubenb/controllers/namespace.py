"""What a new namespace gets from the control plane: the `default` ServiceAccount (serviceaccount
controller), the `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher) and, before 1.24, the
ServiceAccount's token Secret `default-token-xxxxx` (tokens controller)."""

from __future__ import annotations

from typing import Optional

from kubenb.controllers.base import Controller
from kubenb.store.errors import StatusError

ROOT_CA = "-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\ncm5ldGVzMB4XDTI1MTEyMDA5MDAwMFoXDTM1MTExODA5MDAwMFowFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAK1n\n-----END CERTIFICATE-----\n"


class NamespaceController(Controller):
    component = "namespace-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.watch_own("Namespace")

    def sync(self, namespace: str, name: str) -> Optional[float]:
        from kubenb.api.core import ConfigMap, ServiceAccount
        from kubenb.api.meta import ObjectMeta

        ns = self.store.try_get("Namespace", "", name)
        if ns is None or ns.metadata.deletion_timestamp is not None:
            return None
        for obj in (ServiceAccount(metadata=ObjectMeta(name="default", namespace=name)),
                    ConfigMap(metadata=ObjectMeta(name="kube-root-ca.crt", namespace=name,
                                                  annotations={"kubernetes.io/description": (
                                                      "Contains a CA bundle that can be used to verify the "
                                                      "kube-apiserver when using internal endpoints such as the "
                                                      "internal service IP or kubernetes.default.svc. No other "
                                                      "usage is guaranteed across distributions of Kubernetes "
                                                      "clusters.")} if self.cluster.version.minor >= 28 else None),
                              data={"ca.crt": ROOT_CA})):
            if self.store.try_get(obj.KIND, name, obj.metadata.name) is None:
                try:
                    self.store.create(obj)
                except StatusError:
                    pass
        if self.cluster.version.minor < 24:
            self._legacy_token(name)
        return None

    def _legacy_token(self, namespace: str) -> None:
        import base64

        from kubenb.api.base import evolve
        from kubenb.api.core import ObjectReference, Secret
        from kubenb.api.meta import ObjectMeta

        sa = self.store.try_get("ServiceAccount", namespace, "default")
        if sa is None or sa.secrets:
            return
        b64 = lambda text: base64.b64encode(text.encode()).decode()  # noqa: E731
        secret = self.store.create(Secret(
            metadata=ObjectMeta(generate_name="default-token-", namespace=namespace, annotations={
                "kubernetes.io/service-account.name": "default",
                "kubernetes.io/service-account.uid": sa.metadata.uid}),
            type="kubernetes.io/service-account-token",
            data={"ca.crt": b64(ROOT_CA), "namespace": b64(namespace), "token": b64("eyJhbGciOiJSUzI1NiJ9." + sa.metadata.uid)}))
        new = evolve(sa)
        new.secrets = [ObjectReference(name=secret.metadata.name)]
        self.store.update(new)
