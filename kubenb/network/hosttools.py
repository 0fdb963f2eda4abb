"""Programs of a node (and the workstation) that containers do not have.

``iptables-save`` and ``iptables -S``/``-L`` (the node's rules, :mod:`kubenb.network.iptables`),
``ip addr``/``ip route`` (the node's interfaces: its NIC, ``docker0`` with the docker runtime,
``flannel.1``, ``cni0`` and a veth per pod), iputils' ``ping``, ``sudo``, the ``ll`` alias, and the
init process every host runs.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from typing import TYPE_CHECKING, Any, Optional

from kubenb.network.iptables import BUILTIN, NodeRules
from kubenb.runtime.process import Process, StartFailure
from kubenb.runtime.program import SIGNALS, Forever, Program, Sleep
from kubenb.runtime.programs.applet import Gen

if TYPE_CHECKING:
    from kubenb.network.hosts import Host

SIGINT = SIGNALS["SIGINT"]


def host_of(proc: Process) -> Host:
    return proc.container.sandbox.kubenb_host  # type: ignore[attr-defined]


def mac(seed: str, prefix: str = "") -> str:
    digest = hashlib.sha256(seed.encode()).hexdigest()
    octets = [digest[i:i + 2] for i in range(0, 12, 2)]
    if prefix:
        octets = prefix.split(":") + octets[len(prefix.split(":")):]
    else:
        octets[0] = f"{(int(octets[0], 16) & 0xFC) | 0x02:02x}"  # locally administered, unicast
    return ":".join(octets)


def link_local(mac_text: str) -> str:
    """The EUI-64 ``fe80::`` address of a MAC."""
    b = [int(x, 16) for x in mac_text.split(":")]
    b[0] ^= 0x02
    words = [(b[0] << 8) | b[1], (b[2] << 8) | 0xFF, (0xFE << 8) | b[3], (b[4] << 8) | b[5]]
    return "fe80::" + ":".join(f"{w:x}" for w in words)


class Init(Program):
    """PID 1 of a host."""

    def main(self, proc: Process) -> Gen:
        while True:
            yield Forever()

    def on_signal(self, proc: Process, sig: int) -> None:
        return


class Sudo(Program):
    def main(self, proc: Process) -> Gen:
        argv = proc.argv[1:]
        while argv and argv[0].startswith("-"):
            argv = argv[1:]
        if not argv:
            proc.err("usage: sudo -h | -K | -k | -V\nusage: sudo -v [-ABknS] [-g group] [-h host] [-p prompt] "
                     "[-u user]\nusage: sudo -l [-ABknS] [-g group] [-h host] [-p prompt] [-U user] [-u user] "
                     "[command]\n")
            return 1
        proc.uid = 0
        try:
            return (yield from proc.exec(argv))
        except StartFailure:
            proc.err(f"sudo: {argv[0]}: command not found\n")
            return 1


class LsLong(Program):
    """``ll``: the course's alias for ``ls -l``."""

    def main(self, proc: Process) -> Gen:
        try:
            return (yield from proc.exec(["ls", "-l", *proc.argv[1:]]))
        except StartFailure:
            return 127


class IptablesSave(Program):
    def main(self, proc: Process) -> Gen:
        host = host_of(proc)
        table: Optional[str] = None
        args = proc.argv[1:]
        i = 0
        while i < len(args):
            a = args[i]
            if a in ("-t", "--table") and i + 1 < len(args):
                table, i = args[i + 1], i + 1
            elif a.startswith("--table="):
                table = a.split("=", 1)[1]
            elif a not in ("-c", "--counters", "-M", "--modprobe"):
                proc.err("Unknown arguments found on commandline\n")
                return 1
            i += 1
        if table is not None and table not in BUILTIN:
            proc.err(f"iptables-save: Unable to save table {table}\n")
            return 1
        proc.out(NodeRules(host.net, host.node).save(proc.now(), only=table))
        return 0
        yield  # pragma: no cover


class Iptables(Program):
    """``iptables [-t TABLE] -S [CHAIN]`` and ``-L [CHAIN] [-n] [-v]``."""

    def main(self, proc: Process) -> Gen:
        host = host_of(proc)
        args = list(proc.argv[1:])
        table, mode, chain, numeric, verbose = "filter", "", None, False, False
        while args:
            a = args.pop(0)
            if a in ("-t", "--table") and args:
                table = args.pop(0)
            elif a in ("-S", "--list-rules"):
                mode = "S"
            elif a in ("-L", "--list"):
                mode = "L"
            elif a in ("-n", "--numeric"):
                numeric = True
            elif a in ("-v", "--verbose"):
                verbose = True
            elif a.startswith("-") and not a.startswith("--") and set(a[1:]) <= set("LnvS") and len(a) > 2:
                mode = "S" if "S" in a else "L"
                numeric, verbose = numeric or "n" in a, verbose or "v" in a
            elif not a.startswith("-") and mode and chain is None:
                chain = a
            else:
                proc.err(f"iptables v1.8.7 (nf_tables): unknown option \"{a}\"\n"
                         "Try `iptables -h' or 'iptables --help' for more information.\n")
                return 2
        if table not in BUILTIN:
            proc.err(f"iptables v1.8.7 (nf_tables): table '{table}' does not exist\n"
                     "Perhaps iptables or your kernel needs to be upgraded.\n")
            return 3
        rules = NodeRules(host.net, host.node).tables[table]
        if chain is not None and chain not in rules.order():
            proc.err("iptables: No chain/target/match by that name.\n")
            return 1
        if mode == "S":
            proc.out("".join(line + "\n" for line in rules.spec_lines(chain)))
            return 0
        if mode == "L":
            proc.out(list_chains(rules, chain, numeric, verbose))
            return 0
        proc.err("iptables v1.8.7 (nf_tables): no command specified\n"
                 "Try `iptables -h' or 'iptables --help' for more information.\n")
        return 2
        yield  # pragma: no cover


def _parse(line: str) -> dict[str, Any]:
    words = shlex.split(line)[2:]
    out: dict[str, Any] = {"src": "", "dst": "", "proto": "", "in": "", "out": "", "inv": set(), "matches": [],
                           "target": "", "targs": []}
    neg = False
    i = 0
    while i < len(words):
        w = words[i]
        if w == "!":
            neg = True
            i += 1
            continue
        if w in ("-s", "-d", "-p", "-i", "-o"):
            key = {"-s": "src", "-d": "dst", "-p": "proto", "-i": "in", "-o": "out"}[w]
            out[key] = words[i + 1]
            if neg:
                out["inv"].add(key)
            neg = False
            i += 2
            continue
        if w == "-m":
            opts: list[str] = []
            j = i + 2
            while j < len(words) and words[j] not in ("-m", "-j"):
                opts.append(words[j])
                j += 1
            out["matches"].append((words[i + 1], opts))
            i = j
            continue
        if w == "-j":
            out["target"] = words[i + 1]
            out["targs"] = words[i + 2:]
            break
        i += 1
    return out


def _match_text(name: str, opts: list[str]) -> str:
    if name == "comment":
        return f"/* {opts[1]} */"
    if name in ("tcp", "udp", "sctp"):
        return name + (f" dpt:{opts[opts.index('--dport') + 1]}" if "--dport" in opts else "")
    if name == "statistic":
        return f"statistic mode random probability {opts[opts.index('--probability') + 1]}"
    if name == "mark":
        inv = "! " if opts and opts[0] == "!" else ""
        return f"mark match {inv}{opts[-1]}"
    if name == "conntrack":
        inv = "! " if opts[0] == "!" else ""
        return f"{inv}ctstate {opts[-1]}"
    if name == "addrtype":
        kind = "dst-type" if "--dst-type" in opts else "src-type"
        return f"ADDRTYPE match {kind} {opts[-1]}"
    if name == "recent":
        what = "SET" if "--set" in opts else "CHECK"
        parts = [f"recent: {what}"]
        if "--seconds" in opts:
            parts.append(f"seconds: {opts[opts.index('--seconds') + 1]}")
        if "--reap" in opts:
            parts.append("reap")
        parts += [f"name: {opts[opts.index('--name') + 1]}", "side: source", "mask: 255.255.255.255"]
        return " ".join(parts)
    if name == "nfacct":
        return f"nfacct-name  {opts[-1]}"
    return name


def _target_text(target: str, targs: list[str]) -> str:
    if target == "DNAT":
        return f"to:{targs[-1]}"
    if target == "MARK":
        value, _, mask = targs[-1].partition("/")
        if mask == value:
            return f"MARK or {value}"
        if mask in ("0x0", "0"):
            return f"MARK xor {value}"
        return f"MARK xset {targs[-1]}"
    if target == "MASQUERADE" and "--random-fully" in targs:
        return "random-fully"
    if target == "REJECT":
        return f"reject-with {targs[-1]}"
    return ""


def _addr(value: str, numeric: bool) -> str:
    if not value:
        return "0.0.0.0/0" if numeric else "anywhere"
    return value[:-3] if value.endswith("/32") else value


def list_chains(table: Any, chain: Optional[str], numeric: bool, verbose: bool) -> str:
    refs: dict[str, int] = {}
    for lines in table.rules.values():
        for line in lines:
            target = _parse(line)["target"]
            refs[target] = refs.get(target, 0) + 1
    out = []
    for c in table.order() if chain is None else [chain]:
        if c in BUILTIN[table.name]:
            policy = table.policies.get(c, "ACCEPT")
            head = f"Chain {c} (policy {policy}" + (" 0 packets, 0 bytes)" if verbose else ")")
        else:
            head = f"Chain {c} ({refs.get(c, 0)} references)"
        lines = [head]
        if verbose:
            lines.append(" pkts bytes target     prot opt in     out     source               destination         ")
        else:
            lines.append("target     prot opt source               destination         ")
        for line in table.rules.get(c, []):
            r = _parse(line)
            row = ""
            if verbose:
                row += f"{0:>5} {0:>5} "
            row += f"{r['target']:<9} " + ("!" if "proto" in r["inv"] else " ") + f"{r['proto'] or 'all':<5}" + "-- "
            if verbose:
                row += ("!" if "in" in r["inv"] else " ") + f"{r['in'] or '*':<6} "
                row += ("!" if "out" in r["inv"] else " ") + f"{r['out'] or '*':<6} "
            row += ("!" if "src" in r["inv"] else " ") + f"{_addr(r['src'], numeric):<19} "
            row += ("!" if "dst" in r["inv"] else " ") + f"{_addr(r['dst'], numeric):<19} "
            extras = [_match_text(n, o) for n, o in r["matches"]]
            tail = _target_text(r["target"], r["targs"])
            row += "".join(" " + e for e in extras if e) + (" " + tail if tail else "")
            lines.append(row.rstrip() if not extras and not tail else row)
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


class IpTool(Program):
    """``ip addr`` / ``ip a`` / ``ip route`` / ``ip r`` (iproute2)."""

    def main(self, proc: Process) -> Gen:
        host = host_of(proc)
        args = proc.argv[1:]
        obj = args[0] if args else ""
        if obj in ("a", "ad", "addr", "address"):
            dev = args[args.index("show") + 1] if "show" in args and args.index("show") + 1 < len(args) else None
            links = interfaces(host)
            if dev is not None:
                links = [li for li in links if li["name"] == dev or li["name"].split("@")[0] == dev]
                if not links:
                    proc.err(f'Device "{dev}" does not exist.\n')
                    return 1
            proc.out("".join(_addr_block(li) for li in links))
            return 0
        if obj in ("r", "ro", "route"):
            proc.out(routes(host))
            return 0
        if obj in ("l", "link"):
            proc.out("".join(_addr_block(li, addresses=False) for li in interfaces(host)))
            return 0
        proc.out("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"
                 "       ip [ -force ] -batch filename\n"
                 "where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp | link |\n"
                 "                   macsec | maddress | monitor | mptcp | mroute | mrule |\n"
                 "                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n"
                 "                   ntbl | route | rule | sr | tap | tcpmetrics |\n"
                 "                   token | tunnel | tuntap | vrf | xfrm }\n")
        return 255
        yield  # pragma: no cover


def _addr_block(li: dict[str, Any], addresses: bool = True) -> str:
    lines = [f"{li['index']}: {li['name']}: <{li['flags']}> mtu {li['mtu']} qdisc {li['qdisc']}"
             + (f" master {li['master']}" if li.get("master") else "")
             + f" state {li['state']} group default" + (f" qlen {li['qlen']}" if li.get("qlen") else " "),
             f"    link/{li['kind']} {li['mac']} brd {li['brd']}" + (f" link-netns {li['netns']}" if li.get("netns")
                                                                       else "")]
    if li.get("altname"):
        lines.append(f"    altname {li['altname']}")
    if addresses:
        for a in li["inet"]:
            lines += [f"    inet {a}", "       valid_lft forever preferred_lft forever"]
        for a in li["inet6"]:
            lines += [f"    inet6 {a}", "       valid_lft forever preferred_lft forever"]
    return "\n".join(lines) + "\n"


def netns_name(uid: str) -> str:
    """The network namespace the CNI plugin made for pod `uid` (`/var/run/netns/cni-…`; `ip link` shows it)."""
    ns_hex = hashlib.sha256(f"netns:{uid}".encode()).hexdigest()
    return f"cni-{ns_hex[:8]}-{ns_hex[8:12]}-{ns_hex[12:16]}-{ns_hex[16:20]}-{ns_hex[20:32]}"


def interfaces(host: Host) -> list[dict[str, Any]]:
    """The host's links, in ifindex order."""
    net = host.net
    profile = net.cluster.profile
    modern_kernel = not profile.kernel.startswith("5.")
    lo_scope = "scope host noprefixroute " if modern_kernel else "scope host "
    links: list[dict[str, Any]] = [dict(
        index=1, name="lo", flags="LOOPBACK,UP,LOWER_UP", mtu=65536, qdisc="noqueue", state="UNKNOWN", qlen=1000,
        kind="loopback", mac="00:00:00:00:00:00", brd="00:00:00:00:00:00", inet=["127.0.0.1/8 scope host lo"],
        inet6=[f"::1/128 {lo_scope}"])]
    nic = "ens33" if profile.name == "course" else "eth0"
    nic_mac = mac(f"{net.cluster.seed}:{host.name}:nic", "00:0c:29" if nic == "ens33" else "")
    gw_net = host.ip.rsplit(".", 1)[0]
    links.append(dict(
        index=2, name=nic, flags="BROADCAST,MULTICAST,UP,LOWER_UP", mtu=1500, qdisc="fq_codel", state="UP", qlen=1000,
        kind="ether", mac=nic_mac, brd="ff:ff:ff:ff:ff:ff", altname="enp2s1" if nic == "ens33" else "",
        inet=[f"{host.ip}/24 brd {gw_net}.255 scope global {nic}"], inet6=[f"{link_local(nic_mac)}/64 scope link "]))
    if host.node is None:
        return links
    node = net.nodes[host.node]
    index = 3
    if profile.runtime_prefix == "docker":
        links.append(dict(
            index=index, name="docker0", flags="NO-CARRIER,BROADCAST,MULTICAST,UP", mtu=1500, qdisc="noqueue",
            state="DOWN", kind="ether", mac=mac(f"{net.cluster.seed}:{host.name}:docker0", "02:42"),
            brd="ff:ff:ff:ff:ff:ff", inet=["172.17.0.1/16 brd 172.17.255.255 scope global docker0"], inet6=[]))
        index += 1
    vtep_mac = _vtep_mac(net, host.node) or mac(f"{net.cluster.seed}:{host.name}:flannel")
    links.append(dict(
        index=index, name="flannel.1", flags="BROADCAST,MULTICAST,UP,LOWER_UP", mtu=1450, qdisc="noqueue",
        state="UNKNOWN", kind="ether", mac=vtep_mac, brd="ff:ff:ff:ff:ff:ff",
        inet=[f"{node.vtep}/32 scope global flannel.1"], inet6=[f"{link_local(vtep_mac)}/64 scope link "]))
    index += 1
    pods = [p for p in net.store.pods_on_node(host.node) if not p.spec.host_network and p.status.pod_ip]
    if pods:
        cni_mac = mac(f"{net.cluster.seed}:{host.name}:cni0")
        links.append(dict(
            index=index, name="cni0", flags="BROADCAST,MULTICAST,UP,LOWER_UP", mtu=1450, qdisc="noqueue", state="UP",
            qlen=1000, kind="ether", mac=cni_mac, brd="ff:ff:ff:ff:ff:ff",
            inet=[f"{node.gateway}/{node.subnet.prefixlen} brd {node.subnet.broadcast_address} scope global cni0"],
            inet6=[f"{link_local(cni_mac)}/64 scope link "]))
        index += 1
        for p in sorted(pods, key=lambda p: p.metadata.creation_timestamp or ""):
            uid = p.metadata.uid or ""
            veth_mac = mac(f"veth:{uid}")
            netns = netns_name(uid)
            links.append(dict(
                index=index, name=f"veth{hashlib.sha256(uid.encode()).hexdigest()[:8]}@if2",
                flags="BROADCAST,MULTICAST,UP,LOWER_UP", mtu=1450, qdisc="noqueue", master="cni0", state="UP",
                kind="ether", mac=veth_mac, brd="ff:ff:ff:ff:ff:ff", netns=netns, inet=[],
                inet6=[f"{link_local(veth_mac)}/64 scope link "]))
            index += 1
    return links


def _vtep_mac(net: Any, node: str) -> Optional[str]:
    obj = net.store.try_get("Node", "", node)
    data = (obj.metadata.annotations or {}).get("flannel.alpha.coreos.com/backend-data") if obj is not None else None
    try:
        return json.loads(data)["VtepMAC"] if data else None
    except (ValueError, KeyError):
        return None


def routes(host: Host) -> str:
    net = host.net
    nic = "ens33" if net.cluster.profile.name == "course" else "eth0"
    prefix = host.ip.rsplit(".", 1)[0]
    lines = [f"default via {prefix}.2 dev {nic} proto dhcp src {host.ip} metric 100 "]
    if host.node is not None:
        node = net.nodes[host.node]
        has_pods = any(not p.spec.host_network and p.status.pod_ip for p in net.store.pods_on_node(host.node))
        for other in sorted(net.nodes.values(), key=lambda n: n.subnet):
            if other.name == node.name:
                if has_pods:
                    lines.append(f"{other.pod_cidr} dev cni0 proto kernel scope link src {node.gateway} ")
            elif net.store.try_get("Node", "", other.name) is not None:
                lines.append(f"{other.pod_cidr} via {other.vtep} dev flannel.1 onlink ")
        if net.cluster.profile.runtime_prefix == "docker":
            lines.append("172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown ")
    lines.append(f"{prefix}.0/24 dev {nic} proto kernel scope link src {host.ip} metric 100 ")
    return "\n".join(lines) + "\n"


class HostPing(Program):
    """iputils ``ping`` (what Ubuntu has; BusyBox's words differ)."""

    def main(self, proc: Process) -> Gen:
        args = list(proc.argv[1:])
        count: Optional[int] = None
        target = ""
        while args:
            a = args.pop(0)
            if a == "-c" and args:
                count = int(args.pop(0))
            elif a.startswith("-c") and a[2:].isdigit():
                count = int(a[2:])
            elif a in ("-W", "-w", "-i", "-s", "-t") and args:
                args.pop(0)
            elif not a.startswith("-"):
                target = a
        if not target:
            proc.err("ping: usage error: Destination address required\n")
            return 1
        sandbox = proc.container.sandbox
        _, addresses = sandbox.resolve(target)
        if not addresses:
            proc.err(f"ping: {target}: Name or service not known\n")
            return 2
        ip = addresses[0]
        host = host_of(proc)
        proc.out(f"PING {target} ({ip}) 56(84) bytes of data.\n")
        sent = received = 0
        times: list[float] = []
        interrupted = False
        while count is None or sent < count:
            rtt = 0.03 + 0.007 * (sent % 4) if sandbox.is_local(ip) else sandbox.network.ping(ip, sandbox)
            sent += 1
            if rtt is not None:
                ttl = 64 if sandbox.is_local(ip) or host.net.node_of(ip) in (host.node, None) or \
                    ip in host.net.node_by_ip else 63
                who = ip if target == ip else f"{target} ({ip})"
                proc.out(f"64 bytes from {who}: icmp_seq={sent} ttl={ttl} time={_ms(rtt)} ms\n")
                received += 1
                times.append(rtt)
            if count is not None and sent >= count:
                break
            got = yield Sleep(1.0)
            if got == SIGINT:
                interrupted = True
                break
        if interrupted:
            proc.out("^C")
        elapsed = (sent - 1) * 1000 + (sent - 1) * 1 if sent > 1 else 0
        loss = 100 - received * 100 // sent if sent else 0
        proc.out(f"\n--- {target} ping statistics ---\n"
                 f"{sent} packets transmitted, {received} received, {loss}% packet loss, time {elapsed}ms\n")
        if times:
            avg = sum(times) / len(times)
            mdev = (sum((t - avg) ** 2 for t in times) / len(times)) ** 0.5
            proc.out(f"rtt min/avg/max/mdev = {min(times):.3f}/{avg:.3f}/{max(times):.3f}/{mdev:.3f} ms\n")
        else:
            proc.out("\n")
        return 0 if received else 1

    def on_signal(self, proc: Process, sig: int) -> None:
        if sig == SIGINT:
            proc.wake(sig)
        else:
            super().on_signal(proc, sig)


def _ms(rtt: float) -> str:
    """iputils prints three significant digits: ``0.052``, ``0.505``, ``1.23``."""
    if rtt < 1:
        return f"{rtt:.3f}"
    if rtt < 10:
        return f"{rtt:.2f}"
    return f"{rtt:.1f}"


HOST_PROGRAMS = {
    "kubenb-init": Init, "sudo": Sudo, "ll": LsLong, "iptables-save": IptablesSave, "iptables": Iptables,
    "ip": IpTool, "ping": HostPing,
}
