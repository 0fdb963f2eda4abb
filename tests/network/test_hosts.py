"""Shells on the nodes and the workstation: kubeadm's files, the tools, the node's view of the network."""

from __future__ import annotations

from kubenb.network import run_host_shell


def test_static_pod_manifests_as_the_course_lists_them(course) -> None:
    result = run_host_shell(course, "ll /etc/kubernetes/manifests")
    assert result.returncode == 0
    assert result.stdout == (
        "total 16\n"
        "-rw------- 1 root root 2235 Jun 10 06:00 etcd.yaml\n"
        "-rw------- 1 root root 4019 Jun 10 06:00 kube-apiserver.yaml\n"
        "-rw------- 1 root root 3514 Jun 10 06:00 kube-controller-manager.yaml\n"
        "-rw------- 1 root root 1435 Jun 10 06:00 kube-scheduler.yaml\n"
    )  # the course's sizes exactly; dated when this cluster's `kubeadm init` ran


def test_kubelet_config_names_the_static_pod_path_on_every_node(course) -> None:
    for node in ("mac-master", "mac-worker"):
        result = run_host_shell(course, "cat /var/lib/kubelet/config.yaml | grep staticPodPath", host=node)
        assert result.stdout == "staticPodPath: /etc/kubernetes/manifests\n"
    assert run_host_shell(course, "ls /etc/kubernetes/manifests | wc -l", host="mac-worker").stdout == "0\n"


def test_the_scheduler_manifest_is_kubeadms(course) -> None:
    text = run_host_shell(course, "sudo cat /etc/kubernetes/manifests/kube-scheduler.yaml").stdout
    assert "    - --leader-elect=true\n    image: k8s.gcr.io/kube-scheduler:v1.23.3\n" in text
    modern = run_host_shell(__import__("kubenb").Cluster(), "head -3 /var/lib/kubelet/config.yaml; "
                            "grep image: /etc/kubernetes/manifests/kube-scheduler.yaml")
    assert modern.stdout.endswith("    image: registry.k8s.io/kube-scheduler:v1.32.4\n")


def test_unknown_host(course) -> None:
    result = run_host_shell(course, "true", host="nowhere")
    assert (result.returncode, result.stderr) == (255, "ssh: Could not resolve hostname nowhere: Name or service "
                                                       "not known\n")


def test_hosts_by_ip_and_the_workstation(course) -> None:
    assert run_host_shell(course, "hostname", host="192.168.191.146").stdout == "mac-worker\n"
    ws = run_host_shell(course, "hostname; iptables-save", host="workstation")
    assert ws.stdout == "workstation\n"
    assert ws.returncode == 127 and "iptables-save: command not found" in ws.stderr


def test_ip_addr_shows_the_nic_flannel_and_cni(course) -> None:
    out = run_host_shell(course, "ip addr show ens33; ip route").stdout
    assert "    inet 192.168.191.144/24 brd 192.168.191.255 scope global ens33\n" in out
    assert "10.10.1.0/24 via 10.10.1.0 dev flannel.1 onlink \n" in out
    assert "10.10.0.0/24 dev cni0 proto kernel scope link src 10.10.0.1 \n" in out  # CoreDNS runs on the master


def test_node_names_do_not_resolve_in_cluster_dns_from_a_node(course) -> None:
    result = run_host_shell(course, "curl -sS kubernetes.default")
    assert result.returncode == 6 and result.stderr == "curl: (6) Could not resolve host: kubernetes.default\n"


def test_the_api_server_port_is_tls(course) -> None:
    out = run_host_shell(course, "curl -s 192.168.191.144:6443").stdout
    assert out == "Client sent an HTTP request to an HTTPS server.\n"
    assert run_host_shell(course, "curl -s 10.96.0.1:443").stdout == out  # the kubernetes Service's endpoint
    assert run_host_shell(course, "curl -s localhost:10248/healthz").stdout == "ok"
    refused = run_host_shell(course, "curl -sS 192.168.191.146:10248/healthz")
    assert refused.returncode == 7  # the kubelet's healthz listens on 127.0.0.1 only


def test_iptables_listing(course) -> None:
    out = run_host_shell(course, "iptables -t nat -nL KUBE-SERVICES").stdout.splitlines()
    assert out[0] == "Chain KUBE-SERVICES (2 references)"
    assert out[1] == "target     prot opt source               destination         "
    assert out[2] == ("KUBE-SVC-NPX46M4PTMTKRN6Y  tcp  --  0.0.0.0/0            10.96.0.1            "
                      "/* default/kubernetes:https cluster IP */ tcp dpt:443")
    spec = run_host_shell(course, "iptables -S KUBE-MARK-MASQ -t nat").stdout
    assert spec == "-N KUBE-MARK-MASQ\n-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n"
    missing = run_host_shell(course, "iptables -t nat -L NOPE")
    assert (missing.returncode, missing.stderr) == (1, "iptables: No chain/target/match by that name.\n")


def test_iptables_save_of_a_fresh_node_is_stable(course, net_golden) -> None:
    net_golden("iptables-save-course-mac-worker.txt", run_host_shell(course, "iptables-save",
                                                                          host="mac-worker").stdout)


def test_ping_a_long_running_command_is_interrupted(course) -> None:
    result = run_host_shell(course, "ping 192.168.191.146", timeout=3.5)
    assert result.stdout.startswith("PING 192.168.191.146 (192.168.191.146) 56(84) bytes of data.\n")
    assert "^C\n--- 192.168.191.146 ping statistics ---\n4 packets transmitted, 4 received, 0% packet loss" \
        in result.stdout


def test_iptables_save_of_a_kubeadm_node_is_stable(net_golden) -> None:
    from kubenb import Cluster

    cluster = Cluster()
    cluster.apply("""\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
""")
    net_golden("iptables-save-kubeadm-worker-1.txt", run_host_shell(cluster, "iptables-save", host="worker-1").stdout)
