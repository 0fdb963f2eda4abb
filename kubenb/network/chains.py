"""kube-proxy's iptables names and numbers, ported from ``pkg/proxy/iptables/proxier.go``.

Chain names hash the *service port name* -- ``ServicePortName.String()``, which is
``<ns>/<svc>`` for an unnamed port and ``<ns>/<svc>:<port name>`` for a named one -- with the
lower-case protocol (and, for an endpoint chain, the endpoint's ``ip:port``):
``sha256``, base32 (standard alphabet, padded), the first 16 characters.

Load balancing writes ``--probability`` as ``fmt.Sprintf("%0.10f", 1.0/float64(n))``; the
kernel keeps it as a 31-bit fraction (``lround(0x80000000 * p)``) and ``iptables-save`` prints
that fraction back with ``%.11f``, which is why a dump shows ``0.33333333349``.
"""

from __future__ import annotations

import base64
import hashlib

SVC, SVL, EXT, FW, SEP, XLB = "KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-", "KUBE-XLB-"


def service_port_name(namespace: str, name: str, port_name: str | None) -> str:
    """``proxy.ServicePortName.String()``: ``ns/svc`` or ``ns/svc:port``."""
    return f"{namespace}/{name}:{port_name}" if port_name else f"{namespace}/{name}"


def port_proto_hash(svc_port_name: str, protocol: str) -> str:
    """``portProtoHash``: 16 base32 characters of sha256(name + protocol)."""
    digest = hashlib.sha256((svc_port_name + protocol.lower()).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def service_chain(svc_port_name: str, protocol: str, prefix: str = SVC) -> str:
    """``KUBE-SVC-…`` (or, with `prefix`, the ``SVL``/``EXT``/``FW``/``XLB`` chain of the same port)."""
    return prefix + port_proto_hash(svc_port_name, protocol)


def endpoint_chain(svc_port_name: str, protocol: str, endpoint: str) -> str:
    """``servicePortEndpointChainName``: ``KUBE-SEP-`` + hash of name, protocol and ``ip:port``."""
    digest = hashlib.sha256((svc_port_name + protocol.lower() + endpoint).encode()).digest()
    return SEP + base64.b32encode(digest).decode()[:16]


def probability(n: int) -> str:
    """``computeProbability(n)``: what kube-proxy writes for a rule matching 1 in `n`."""
    return f"{1.0 / n:0.10f}"


def kernel_probability(text: str) -> int:
    """The 31-bit fraction the ``statistic`` match keeps (``lround(0x80000000 * p)``)."""
    value = float(text) * 0x80000000
    return int(value + 0.5)


def saved_probability(text: str) -> str:
    """How ``iptables-save`` prints a probability kube-proxy wrote as `text`."""
    return f"{kernel_probability(text) / 0x80000000:.11f}"
