"""The Service section (§3) of the course, on the course's cluster.

Pod names and the pod-template hash are the cluster's own (the Deployment controller's business),
so each expected text is built from the pods the cluster made; everything else -- the nginx reply
format, which pod answers, what fails and how -- is checked exactly.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from net_manifests import NGINX_CONF, NGINX_DEPLOYMENT, NGINX_SVC, NGINX_SVC_NODEPORT

from kubenb.network import chains, run_host_shell

MASTER, WORKER = "192.168.191.144", "192.168.191.146"


def iso(t: float) -> str:
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def reply(server_ip: str, hostname: str, host_header: str, t: float) -> str:
    """What the course's nginx-conf answers."""
    return f"srv : {server_ip}:80\nhost: {hostname}\nuri : GET {host_header} /\ndate: {iso(t)}\n"


def pods(cluster) -> list:
    return [p for p in cluster.store.list("Pod", "default") if p.metadata.deletion_timestamp is None]


@pytest.fixture
def svc_course(course_net):
    cluster, boxes = course_net
    cluster.apply(NGINX_CONF)
    cluster.apply(NGINX_DEPLOYMENT)
    cluster.advance(47)
    return cluster, boxes


def test_curl_each_pod_ip_from_the_control_plane(svc_course) -> None:
    cluster, _ = svc_course
    for pod in pods(cluster):
        ip = pod.status.pod_ip
        assert ip.startswith("10.10.1.") and pod.spec.node_name == "mac-worker"
        result = run_host_shell(cluster, f"curl {ip}")
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout == reply(ip, pod.metadata.name, ip, cluster.clock.now)


def test_cluster_ip_from_a_pod_spreads_over_both_endpoints_with_probability_one_half(svc_course) -> None:
    cluster, boxes = svc_course
    cluster.apply(NGINX_SVC)
    cluster.advance(5)
    vip = cluster.get("svc", "nginx-svc").spec.cluster_ip
    client = pods(cluster)[0].metadata.name
    by_host = {p.metadata.name: p.status.pod_ip for p in pods(cluster)}
    seen: Counter[str] = Counter()
    for _ in range(400):
        out, err, code = boxes.exec("default", client, ["curl", "-s", vip])
        assert (code, err) == (0, "")
        lines = out.splitlines()
        host = lines[1].removeprefix("host: ")
        assert lines[0] == f"srv : {by_host[host]}:80"  # after DNAT the server sees its own address
        assert lines[2] == f"uri : GET {vip} /"  # and the Host header the client sent
        seen[host] += 1
    assert set(seen) == set(by_host)
    assert all(150 <= n <= 250 for n in seen.values()), seen  # binomial(400, 1/2): 5 sigma either side


def test_three_endpoints_split_in_thirds(svc_course) -> None:
    cluster, boxes = svc_course
    cluster.kubectl("scale deployment nginx-deployment --replicas=3")
    cluster.apply(NGINX_SVC)
    cluster.advance(60)
    vip = cluster.get("svc", "nginx-svc").spec.cluster_ip
    client = pods(cluster)[0].metadata.name
    seen: Counter[str] = Counter()
    for _ in range(600):
        out, _, _ = boxes.exec("default", client, ["curl", "-s", vip])
        seen[out.splitlines()[1]] += 1
    assert len(seen) == 3
    assert all(140 <= n <= 260 for n in seen.values()), seen  # binomial(600, 1/3): ~5 sigma


def test_the_same_seed_picks_the_same_endpoints(course_net) -> None:
    from netkit import PodSandboxes

    from kubenb import Cluster

    def sequence(cluster, boxes) -> list[str]:
        for m in (NGINX_CONF, NGINX_DEPLOYMENT, NGINX_SVC):
            cluster.apply(m)
        cluster.advance(60)
        vip = cluster.get("svc", "nginx-svc").spec.cluster_ip
        client = pods(cluster)[0].metadata.name
        return [boxes.exec("default", client, ["curl", "-s", vip])[0].splitlines()[1] for _ in range(20)]

    first = sequence(*course_net)
    other = Cluster("course")
    assert sequence(other, PodSandboxes(other)) == first


def test_deleting_a_pod_updates_the_endpoints_and_the_rules(svc_course) -> None:
    cluster, boxes = svc_course
    cluster.apply(NGINX_SVC)
    cluster.advance(5)
    vip = cluster.get("svc", "nginx-svc").spec.cluster_ip
    keep, gone = pods(cluster)
    cluster.kubectl(f"delete po {gone.metadata.name}")
    cluster.advance(30)
    now = pods(cluster)
    assert len(now) == 2 and gone.metadata.name not in {p.metadata.name for p in now}
    fresh = next(p for p in now if p.metadata.name != keep.metadata.name)
    ips = sorted([keep.status.pod_ip, fresh.status.pod_ip], key=lambda ip: tuple(map(int, ip.split("."))))
    assert cluster.kubectl("describe service nginx-svc").stdout.count(f"Endpoints:         {ips[0]}:80,{ips[1]}:80")
    hosts = Counter(boxes.exec("default", keep.metadata.name, ["curl", "-s", vip])[0].splitlines()[1]
                    for _ in range(60))
    assert set(hosts) == {f"host: {keep.metadata.name}", f"host: {fresh.metadata.name}"}
    saved = run_host_shell(cluster, "iptables-save -t nat", host="mac-worker").stdout
    assert f"--to-destination {gone.status.pod_ip}:80" not in saved or gone.status.pod_ip in ips
    assert f"--to-destination {fresh.status.pod_ip}:80" in saved


def test_service_names_resolve_from_a_pod_in_the_namespace(svc_course) -> None:
    cluster, boxes = svc_course
    cluster.apply(NGINX_SVC)
    cluster.advance(5)
    client = pods(cluster)[0].metadata.name
    for name in ("nginx-svc.default", "nginx-svc", "nginx-svc.default.svc", "nginx-svc.default.svc.cluster.local"):
        out, err, code = boxes.exec("default", client, ["curl", "-s", name])
        assert (code, err) == (0, "")
        assert out.splitlines()[2] == f"uri : GET {name} /"
    out, _, code = boxes.exec("default", client, ["nslookup", "nginx-svc"])
    vip = cluster.get("svc", "nginx-svc").spec.cluster_ip
    assert code == 0
    assert out == f"Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tnginx-svc.default.svc.cluster.local\n" \
                  f"Address: {vip}\n\n"
    out, _, code = boxes.exec("default", client, ["curl", "-s", "nginx-svc.kube-system"])
    assert code == 6  # no such Service in that namespace: NXDOMAIN


def test_a_cluster_ip_cannot_be_pinged(svc_course) -> None:
    cluster, boxes = svc_course
    cluster.apply(NGINX_SVC)
    cluster.advance(5)
    vip = cluster.get("svc", "nginx-svc").spec.cluster_ip
    out, _, code = boxes.exec("default", pods(cluster)[0].metadata.name, ["ping", "-c1", vip])
    assert code == 1
    assert out == (f"PING {vip} ({vip}): 56 data bytes\n\n--- {vip} ping statistics ---\n"
                   "1 packets transmitted, 0 packets received, 100% packet loss\n")
    host = run_host_shell(cluster, f"ping -c 1 {pods(cluster)[0].status.pod_ip}")
    assert host.returncode == 0 and " 0% packet loss" in host.stdout


def test_node_port_answers_on_both_nodes(svc_course) -> None:
    cluster, _ = svc_course
    cluster.apply(NGINX_SVC)
    assert cluster.apply(NGINX_SVC_NODEPORT) == "service/nginx-svc configured\n"
    cluster.advance(5)
    node_port = cluster.get("svc", "nginx-svc").spec.ports[0].node_port
    assert 30000 <= node_port <= 32767
    names = {p.status.pod_ip: p.metadata.name for p in pods(cluster)}
    for node_ip in (MASTER, WORKER):
        for where in ("mac-master", "mac-worker", "workstation"):
            result = run_host_shell(cluster, f"curl {node_ip}:{node_port}", host=where)
            assert result.returncode == 0, (where, result.stderr)
            srv = result.stdout.splitlines()[0].removeprefix("srv : ").removesuffix(":80")
            assert result.stdout == reply(srv, names[srv], node_ip, cluster.clock.now)


def test_a_service_without_ready_endpoints_refuses_and_a_wrong_port_times_out(svc_course) -> None:
    cluster, boxes = svc_course
    cluster.apply(NGINX_SVC.replace("app: nginx-deployment\n", "app: nobody\n").replace("nginx-svc", "empty-svc"))
    cluster.apply(NGINX_SVC)
    cluster.advance(5)
    client = pods(cluster)[0].metadata.name
    _, err, code = boxes.exec("default", client, ["curl", "-sS", "empty-svc"])
    assert code == 7 and ("Connection refused" in err or "Couldn't connect to server" in err)
    vip = cluster.get("svc", "nginx-svc").spec.cluster_ip
    _, err, code = boxes.exec("default", client, ["curl", "-sS", f"{vip}:8080"])
    assert code == 28
    saved = run_host_shell(cluster, "iptables-save -t filter").stdout
    empty_vip = cluster.get("svc", "empty-svc").spec.cluster_ip
    assert (f'-A KUBE-SERVICES -d {empty_vip}/32 -p tcp -m comment --comment "default/empty-svc has no endpoints" '
            "-m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable") in saved


def test_pod_ips_are_not_reachable_from_the_workstation(svc_course) -> None:
    cluster, _ = svc_course
    ip = pods(cluster)[0].status.pod_ip
    result = run_host_shell(cluster, f"curl -sS {ip}", host="workstation")
    assert result.returncode == 28


def test_iptables_save_names_the_service_chains_by_upstreams_hash(svc_course) -> None:
    cluster, _ = svc_course
    cluster.apply(NGINX_SVC_NODEPORT)
    cluster.advance(5)
    svc = cluster.get("svc", "nginx-svc")
    svc_chain = chains.service_chain("default/nginx-svc", "tcp")
    saved = run_host_shell(cluster, "sudo iptables-save | grep nginx-svc").stdout
    eps = sorted(f"{p.status.pod_ip}:80" for p in pods(cluster))
    seps = [chains.endpoint_chain("default/nginx-svc", "tcp", e) for e in eps]
    vip, node_port = svc.spec.cluster_ip, svc.spec.ports[0].node_port
    expected = [  # v1.23: plain comments, masquerade and node-port rules in the SVC chain
        f'-A KUBE-NODEPORTS -p tcp -m comment --comment "default/nginx-svc" -m tcp --dport {node_port} -j {svc_chain}',
        f'-A {seps[0]} -s {eps[0][:-3]}/32 -m comment --comment "default/nginx-svc" -j KUBE-MARK-MASQ',
        f'-A {seps[0]} -p tcp -m comment --comment "default/nginx-svc" -m tcp -j DNAT --to-destination {eps[0]}',
        f'-A {seps[1]} -s {eps[1][:-3]}/32 -m comment --comment "default/nginx-svc" -j KUBE-MARK-MASQ',
        f'-A {seps[1]} -p tcp -m comment --comment "default/nginx-svc" -m tcp -j DNAT --to-destination {eps[1]}',
        f'-A KUBE-SERVICES -d {vip}/32 -p tcp -m comment --comment "default/nginx-svc cluster IP" -m tcp --dport 80 '
        f"-j {svc_chain}",
        f'-A {svc_chain} ! -s 10.10.0.0/16 -d {vip}/32 -p tcp -m comment --comment "default/nginx-svc cluster IP" '
        f"-m tcp --dport 80 -j KUBE-MARK-MASQ",
        f'-A {svc_chain} -p tcp -m comment --comment "default/nginx-svc" -m tcp --dport {node_port} -j KUBE-MARK-MASQ',
        f'-A {svc_chain} -m comment --comment "default/nginx-svc" -m statistic --mode random --probability '
        f"0.50000000000 -j {seps[0]}",
        f'-A {svc_chain} -m comment --comment "default/nginx-svc" -j {seps[1]}',
    ]
    lines = [line for line in saved.splitlines() if line.startswith("-A")]
    assert sorted(lines) == sorted(expected)
    assert [line for line in lines if line.startswith(f"-A {svc_chain}")] == expected[6:]


def test_with_the_kubelets_own_sandboxes(course) -> None:
    """No stand-in: the kubelet's sandboxes (once it runs containers) behind the same network."""
    from kubenb.network import network_of

    if not callable(getattr(type(course.kubelet), "sandbox_for_ip", None)):
        pytest.skip("this kubelet does not run sandboxes yet")
    net = network_of(course)
    if hasattr(course.kubelet, "set_network"):
        course.kubelet.set_network(net)
    for m in (NGINX_CONF, NGINX_DEPLOYMENT, NGINX_SVC):
        course.apply(m)
    course.advance(60)
    for pod in pods(course):
        ip = pod.status.pod_ip
        assert run_host_shell(course, f"curl -s {ip}").stdout == reply(ip, pod.metadata.name, ip, course.clock.now)
    client = course.kubelet.sandbox_for_ip(pods(course)[0].status.pod_ip)
    proc = client.containers[0].exec(["curl", "-s", "nginx-svc"])
    course.loop.run_while(lambda: not proc.done, course.clock.now + 30)
    assert proc.exit_code == 0 and proc.stdout_buffer.text.splitlines()[2] == "uri : GET nginx-svc /"
