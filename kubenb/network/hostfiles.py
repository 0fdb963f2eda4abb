"""Files a kubeadm node holds: the static pod manifests, the kubelet's config, ``/etc/hosts``...

The manifests are what ``kubeadm init`` writes (``controlplane/manifests.go``, ``etcd/local.go``)
for the profile's release, addresses and CIDRs. For v1.23 with the course's addresses they have
exactly the byte sizes the course's ``ll /etc/kubernetes/manifests`` lists (etcd.yaml 2235,
kube-apiserver.yaml 4019, kube-controller-manager.yaml 3514, kube-scheduler.yaml 1435): the
course's host had ``/etc/pki``, so the API server and the controller manager mount it. The v1.32 files follow the same generator with that release's
images and defaults.
"""

from __future__ import annotations

from typing import Any

CA_MOUNTS = (  # (name, path) of the CA directories kubeadm mounts, in its order (sorted by name)
    ("ca-certs", "/etc/ssl/certs"), ("etc-ca-certificates", "/etc/ca-certificates"), ("etc-pki", "/etc/pki"),
)
CA_TAIL = (("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates"),
           ("usr-share-ca-certificates", "/usr/share/ca-certificates"))


def _probe(kind: str, host: str, path: str, port: int, scheme: str, failure: int, delay: bool = True,
           period: int = 10) -> str:
    lines = [f"    {kind}:", f"      failureThreshold: {failure}", "      httpGet:", f"        host: {host}",
             f"        path: {path}", f"        port: {port}", f"        scheme: {scheme}"]
    if delay:
        lines.append("      initialDelaySeconds: 10")
    lines += [f"      periodSeconds: {period}", "      timeoutSeconds: 15"]
    return "\n".join(lines) + "\n"


def _pod(name: str, annotations: dict[str, str], command: list[str], image: str, probes: str, requests: str,
         mounts: list[tuple[str, str, bool]], volumes: list[tuple[str, str, str]]) -> str:
    out = ["apiVersion: v1", "kind: Pod", "metadata:"]
    if annotations:
        out.append("  annotations:")
        out += [f"    {k}: {v}" for k, v in annotations.items()]
    out += ["  creationTimestamp: null", "  labels:", f"    component: {name}", "    tier: control-plane",
            f"  name: {name}", "  namespace: kube-system", "spec:", "  containers:", "  - command:"]
    out += [f"    - {c}" for c in command]
    out += [f"    image: {image}", "    imagePullPolicy: IfNotPresent"]
    text = "\n".join(out) + "\n" + probes
    out = ["    resources:", "      requests:"] + [f"        {r}" for r in requests.split(",")]
    text = text.replace("@@RESOURCES@@\n", "\n".join(out) + "\n")
    out = ["    volumeMounts:"]
    for vname, path, ro in mounts:
        out += [f"    - mountPath: {path}", f"      name: {vname}"] + (["      readOnly: true"] if ro else [])
    out += ["  hostNetwork: true", "  priorityClassName: system-node-critical", "  securityContext:",
            "    seccompProfile:", "      type: RuntimeDefault", "  volumes:"]
    for vname, path, kind in volumes:
        out += ["  - hostPath:", f"      path: {path}", f"      type: {kind}", f"    name: {vname}"]
    out.append("status: {}")
    return text + "\n".join(out) + "\n"


def static_pod_manifests(profile: Any) -> dict[str, str]:
    """``/etc/kubernetes/manifests/*.yaml`` of the profile's control plane."""
    v = profile.version
    cp = profile.control_plane
    ip = cp.internal_ip
    modern = v.minor >= 24
    registry = "registry.k8s.io" if modern else "k8s.gcr.io"
    images = {i.rsplit("/", 1)[-1].split(":")[0]: i for i in cp.images}
    etcd_image = images.get("etcd", f"{registry}/etcd:3.5.1-0")
    tag = v.git_version

    etcd_cmd = ["etcd", f"--advertise-client-urls=https://{ip}:2379", "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                "--client-cert-auth=true", "--data-dir=/var/lib/etcd"]
    if modern:
        etcd_cmd += ["--experimental-initial-corrupt-check=true", "--experimental-watch-progress-notify-interval=5s"]
    etcd_cmd += [f"--initial-advertise-peer-urls=https://{ip}:2380", f"--initial-cluster={cp.name}=https://{ip}:2380",
                 "--key-file=/etc/kubernetes/pki/etcd/server.key",
                 f"--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379",
                 "--listen-metrics-urls=http://127.0.0.1:2381", f"--listen-peer-urls=https://{ip}:2380",
                 f"--name={cp.name}", "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
                 "--peer-client-cert-auth=true", "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
                 "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt", "--snapshot-count=10000",
                 "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"]
    etcd_probes = (_probe("livenessProbe", "127.0.0.1", "/livez" if modern else "/health", 2381, "HTTP", 8)
                   + "    name: etcd\n")
    if modern:
        etcd_probes += _probe("readinessProbe", "127.0.0.1", "/readyz", 2381, "HTTP", 3, delay=False, period=1)
    etcd_probes += "@@RESOURCES@@\n" + _probe("startupProbe", "127.0.0.1", "/readyz" if modern else "/health", 2381,
                                              "HTTP", 24)
    etcd = _pod("etcd", {"kubeadm.kubernetes.io/etcd.advertise-client-urls": f"https://{ip}:2379"}, etcd_cmd,
                etcd_image, etcd_probes, "cpu: 100m,memory: 100Mi",
                [("etcd-data", "/var/lib/etcd", False), ("etcd-certs", "/etc/kubernetes/pki/etcd", False)],
                [("etcd-certs", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate"),
                 ("etcd-data", "/var/lib/etcd", "DirectoryOrCreate")])

    api_cmd = ["kube-apiserver", f"--advertise-address={ip}", "--allow-privileged=true",
               "--authorization-mode=Node,RBAC", "--client-ca-file=/etc/kubernetes/pki/ca.crt",
               "--enable-admission-plugins=NodeRestriction", "--enable-bootstrap-token-auth=true",
               "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
               "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
               "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key", "--etcd-servers=https://127.0.0.1:2379",
               "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
               "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
               "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
               "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
               "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
               "--requestheader-allowed-names=front-proxy-client",
               "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
               "--requestheader-extra-headers-prefix=X-Remote-Extra-", "--requestheader-group-headers=X-Remote-Group",
               "--requestheader-username-headers=X-Remote-User", f"--secure-port={profile.api_port}",
               "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
               "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
               "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
               f"--service-cluster-ip-range={profile.service_cidr}", "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
               "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key"]
    port = profile.api_port
    api_probes = (_probe("livenessProbe", ip, "/livez", port, "HTTPS", 8) + "    name: kube-apiserver\n"
                  + _probe("readinessProbe", ip, "/readyz", port, "HTTPS", 3, delay=False, period=1)
                  + "@@RESOURCES@@\n" + _probe("startupProbe", ip, "/livez", port, "HTTPS", 24))
    ca = [(n, p, True) for n, p in CA_MOUNTS]
    tail = [(n, p, True) for n, p in CA_TAIL]
    ca_vol = [(n, p, "DirectoryOrCreate") for n, p in CA_MOUNTS]
    tail_vol = [(n, p, "DirectoryOrCreate") for n, p in CA_TAIL]
    api = _pod("kube-apiserver", {"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": f"{ip}:{port}"},
               api_cmd, images.get("kube-apiserver", f"{registry}/kube-apiserver:{tag}"), api_probes, "cpu: 250m",
               ca + [("k8s-certs", "/etc/kubernetes/pki", True)] + tail,
               ca_vol + [("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate")] + tail_vol)

    kcm_conf = "/etc/kubernetes/controller-manager.conf"
    kcm_cmd = ["kube-controller-manager", "--allocate-node-cidrs=true", f"--authentication-kubeconfig={kcm_conf}",
               f"--authorization-kubeconfig={kcm_conf}", "--bind-address=127.0.0.1",
               "--client-ca-file=/etc/kubernetes/pki/ca.crt", f"--cluster-cidr={profile.cluster_cidr}",
               "--cluster-name=kubernetes", "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
               "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key", "--controllers=*,bootstrapsigner,tokencleaner",
               f"--kubeconfig={kcm_conf}", "--leader-elect=true",
               "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
               "--root-ca-file=/etc/kubernetes/pki/ca.crt",
               "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
               f"--service-cluster-ip-range={profile.service_cidr}", "--use-service-account-credentials=true"]
    kcm_probes = (_probe("livenessProbe", "127.0.0.1", "/healthz", 10257, "HTTPS", 8)
                  + "    name: kube-controller-manager\n@@RESOURCES@@\n"
                  + _probe("startupProbe", "127.0.0.1", "/healthz", 10257, "HTTPS", 24))
    flex = "/usr/libexec/kubernetes/kubelet-plugins/volume/exec"
    kcm = _pod("kube-controller-manager", {}, kcm_cmd,
               images.get("kube-controller-manager", f"{registry}/kube-controller-manager:{tag}"), kcm_probes,
               "cpu: 200m",
               ca + [("flexvolume-dir", flex, False), ("k8s-certs", "/etc/kubernetes/pki", True),
                     ("kubeconfig", kcm_conf, True)] + tail,
               ca_vol + [("flexvolume-dir", flex, "DirectoryOrCreate"),
                         ("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate"),
                         ("kubeconfig", kcm_conf, "FileOrCreate")] + tail_vol)

    sched_conf = "/etc/kubernetes/scheduler.conf"
    sched_cmd = ["kube-scheduler", f"--authentication-kubeconfig={sched_conf}",
                 f"--authorization-kubeconfig={sched_conf}", "--bind-address=127.0.0.1", f"--kubeconfig={sched_conf}",
                 "--leader-elect=true"]
    sched_probes = (_probe("livenessProbe", "127.0.0.1", "/healthz", 10259, "HTTPS", 8)
                    + "    name: kube-scheduler\n@@RESOURCES@@\n"
                    + _probe("startupProbe", "127.0.0.1", "/healthz", 10259, "HTTPS", 24))
    sched = _pod("kube-scheduler", {}, sched_cmd, images.get("kube-scheduler", f"{registry}/kube-scheduler:{tag}"),
                 sched_probes, "cpu: 100m", [("kubeconfig", sched_conf, True)],
                 [("kubeconfig", sched_conf, "FileOrCreate")])
    return {"etcd.yaml": etcd, "kube-apiserver.yaml": api, "kube-controller-manager.yaml": kcm,
            "kube-scheduler.yaml": sched}


def kubelet_config(profile: Any, dns_ip: str) -> str:
    """``/var/lib/kubelet/config.yaml`` as ``kubeadm init``/``join`` writes it."""
    modern = profile.version.minor >= 24
    lines = [
        "apiVersion: kubelet.config.k8s.io/v1beta1", "authentication:", "  anonymous:", "    enabled: false",
        "  webhook:", "    cacheTTL: 0s", "    enabled: true", "  x509:", "    clientCAFile: /etc/kubernetes/pki/ca.crt",
        "authorization:", "  mode: Webhook", "  webhook:", "    cacheAuthorizedTTL: 0s", "    cacheUnauthorizedTTL: 0s",
        "cgroupDriver: systemd", "clusterDNS:", f"- {dns_ip}", "clusterDomain: cluster.local",
    ]
    if modern:
        lines.append('containerRuntimeEndpoint: ""')
    lines.append("cpuManagerReconcilePeriod: 0s")
    if profile.version.minor >= 32:
        lines.append("crashLoopBackOff: {}")
    lines += ["evictionPressureTransitionPeriod: 0s", "fileCheckFrequency: 0s", "healthzBindAddress: 127.0.0.1",
              "healthzPort: 10248", "httpCheckFrequency: 0s"]
    if modern:
        lines.append("imageMaximumGCAge: 0s")
    lines += ["imageMinimumGCAge: 0s", "kind: KubeletConfiguration", "logging:", "  flushFrequency: 0", "  options:",
              "    json:", '      infoBufferSize: "0"']
    if modern:
        lines += ["    text:", '      infoBufferSize: "0"']
    lines += ["  verbosity: 0", "memorySwap: {}", "nodeStatusReportFrequency: 0s", "nodeStatusUpdateFrequency: 0s",
              "resolvConf: /run/systemd/resolve/resolv.conf", "rotateCertificates: true", "runtimeRequestTimeout: 0s",
              "shutdownGracePeriod: 0s", "shutdownGracePeriodCriticalPods: 0s",
              "staticPodPath: /etc/kubernetes/manifests", "streamingConnectionIdleTimeout: 0s", "syncFrequency: 0s",
              "volumeStatsAggPeriod: 0s"]
    return "\n".join(lines) + "\n"


def etc_hosts(hostname: str) -> str:
    """Ubuntu's ``/etc/hosts`` as the installer leaves it."""
    return (f"127.0.0.1 localhost\n127.0.1.1 {hostname}\n\n"
            "# The following lines are desirable for IPv6 capable hosts\n"
            "::1     ip6-localhost ip6-loopback\nfe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\n"
            "ff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n")


RESOLV_CONF = """\
# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).
# Do not edit.
#
# This file might be symlinked as /etc/resolv.conf. If you're looking at
# /etc/resolv.conf and seeing this text, you have followed the symlink.
#
# This is a dynamic resolv.conf file for connecting local clients to the
# internal DNS stub resolver of systemd-resolved. This file lists all
# configured search domains.
#
# Run "resolvectl status" to see details about the uplink DNS servers
# currently in use.
#
# Third party programs should typically not access this file directly, but only
# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a
# different way, replace this symlink by a static file or a different symlink.
#
# See man:systemd-resolved.service(8) for details about the supported modes of
# operation for /etc/resolv.conf.

nameserver 127.0.0.53
options edns0 trust-ad
search .
"""
