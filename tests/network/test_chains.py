"""kube-proxy's chain names and probabilities, against upstream's own test data.

The (service port, protocol, endpoint) -> chain rows come from kube-proxy's iptables test fixture
(``pkg/proxy/iptables/proxier_test.go``, the ns1..ns5 services) and from real dumps: ``default/
kubernetes:https`` and CoreDNS' ``kube-system/kube-dns:dns``/``:dns-tcp`` are on every cluster,
``default/test-svc`` (an unnamed port: no colon) comes from a kind cluster's ``iptables-save``.
"""

from __future__ import annotations

import pytest

from kubenb.network import chains

SERVICE_CHAINS = [
    pytest.param("ns1/svc1:p80", "tcp", chains.SVC, "KUBE-SVC-XPGD46QRK7WJZT7O", id="ns1-svc"),
    pytest.param("ns2/svc2:p80", "tcp", chains.SVC, "KUBE-SVC-GNZBNJ2PO5MGZ6GT", id="ns2-svc"),
    pytest.param("ns2/svc2:p80", "tcp", chains.EXT, "KUBE-EXT-GNZBNJ2PO5MGZ6GT", id="ns2-ext"),
    pytest.param("ns3/svc3:p80", "tcp", chains.SVC, "KUBE-SVC-X27LE4BHSL4DOUIK", id="ns3-svc"),
    pytest.param("ns3/svc3:p80", "tcp", chains.EXT, "KUBE-EXT-X27LE4BHSL4DOUIK", id="ns3-ext"),
    pytest.param("ns4/svc4:p80", "tcp", chains.SVC, "KUBE-SVC-4SW47YFZTEDKD3PK", id="ns4-svc"),
    pytest.param("ns4/svc4:p80", "tcp", chains.EXT, "KUBE-EXT-4SW47YFZTEDKD3PK", id="ns4-ext"),
    pytest.param("ns5/svc5:p80", "tcp", chains.SVC, "KUBE-SVC-NUKIZ6OKUXPJNT4C", id="ns5-svc"),
    pytest.param("ns5/svc5:p80", "tcp", chains.FW, "KUBE-FW-NUKIZ6OKUXPJNT4C", id="ns5-fw"),
    pytest.param("ns5/svc5:p80", "tcp", chains.EXT, "KUBE-EXT-NUKIZ6OKUXPJNT4C", id="ns5-ext"),
    pytest.param("default/kubernetes:https", "tcp", chains.SVC, "KUBE-SVC-NPX46M4PTMTKRN6Y", id="kubernetes"),
    pytest.param("kube-system/kube-dns:dns", "udp", chains.SVC, "KUBE-SVC-TCOU7JCQXEZGVUNU", id="kube-dns-udp"),
    pytest.param("kube-system/kube-dns:dns-tcp", "tcp", chains.SVC, "KUBE-SVC-ERIFXISQEP7F7OF4", id="kube-dns-tcp"),
    pytest.param("default/test-svc", "tcp", chains.SVC, "KUBE-SVC-QKNQQNIN727HO3XU", id="unnamed-port"),
    pytest.param("default/test-svc", "tcp", chains.XLB, "KUBE-XLB-QKNQQNIN727HO3XU", id="unnamed-port-xlb"),
]

ENDPOINT_CHAINS = [
    pytest.param("ns1/svc1:p80", "tcp", "10.180.0.1:80", "KUBE-SEP-SXIVWICOYRO3J4NJ", id="ns1"),
    pytest.param("ns2/svc2:p80", "tcp", "10.180.0.2:80", "KUBE-SEP-RS4RBKLTHTF2IUXJ", id="ns2"),
    pytest.param("ns3/svc3:p80", "tcp", "10.180.0.3:80", "KUBE-SEP-OYPFS5VJICHGATKP", id="ns3"),
    pytest.param("ns4/svc4:p80", "tcp", "10.180.0.4:80", "KUBE-SEP-UKSFD7AGPMPPLUHC", id="ns4-a"),
    pytest.param("ns4/svc4:p80", "tcp", "10.180.0.5:80", "KUBE-SEP-C6EBXVWJJZMIWKLZ", id="ns4-b"),
    pytest.param("ns5/svc5:p80", "tcp", "10.180.0.3:80", "KUBE-SEP-I77PXRDZVX7PMWMN", id="ns5-same-ip-other-service"),
    pytest.param("default/test-svc", "tcp", "10.244.1.3:80", "KUBE-SEP-SQEBHSRBMT4ZUBXZ", id="kind-a"),
    pytest.param("default/test-svc", "tcp", "10.244.2.3:80", "KUBE-SEP-SUSDB4Q4CAFDFR7F", id="kind-b"),
]


@pytest.mark.parametrize(("name", "proto", "prefix", "expected"), SERVICE_CHAINS)
def test_service_chain_names_match_upstream(name: str, proto: str, prefix: str, expected: str) -> None:
    assert chains.service_chain(name, proto, prefix) == expected


@pytest.mark.parametrize(("name", "proto", "endpoint", "expected"), ENDPOINT_CHAINS)
def test_endpoint_chain_names_match_upstream(name: str, proto: str, endpoint: str, expected: str) -> None:
    assert chains.endpoint_chain(name, proto, endpoint) == expected


def test_service_port_name_has_no_colon_for_an_unnamed_port() -> None:
    assert chains.service_port_name("default", "nginx-svc", None) == "default/nginx-svc"
    assert chains.service_port_name("default", "nginx-svc", "") == "default/nginx-svc"
    assert chains.service_port_name("default", "wp-svc", "http80") == "default/wp-svc:http80"


def test_protocol_is_hashed_in_lower_case() -> None:
    assert chains.service_chain("kube-system/kube-dns:dns", "UDP") == "KUBE-SVC-TCOU7JCQXEZGVUNU"


@pytest.mark.parametrize(("n", "written", "saved"), [
    pytest.param(2, "0.5000000000", "0.50000000000", id="1-of-2"),
    pytest.param(3, "0.3333333333", "0.33333333349", id="1-of-3"),
    pytest.param(4, "0.2500000000", "0.25000000000", id="1-of-4"),
    pytest.param(5, "0.2000000000", "0.20000000019", id="1-of-5"),
    pytest.param(6, "0.1666666667", "0.16666666651", id="1-of-6"),
])
def test_probability_as_written_and_as_iptables_save_prints_it(n: int, written: str, saved: str) -> None:
    assert chains.probability(n) == written
    assert chains.saved_probability(written) == saved


def test_kernel_probability_is_a_31_bit_fraction() -> None:
    assert chains.kernel_probability("0.5000000000") == 1 << 30
    assert chains.kernel_probability("0.3333333333") == 715827883
