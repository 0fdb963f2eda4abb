"""SPDY/3.1 framing against frames written out from the spec, and against bytes a real kubectl sent."""

from __future__ import annotations

import hashlib
import struct
import zlib

import pytest

from kubenb.apiserver import spdy

# What kubectl 1.32 wrote for its first stream (captured with -v=7 through the WebSocket tunnel):
# SYN_STREAM, stream 1, `streamType: error`, `port: 80`, `requestID: 0`.
KUBECTL_SYN_STREAM = bytes.fromhex(
    "80030001" "0000003d" "00000001" "00000000" "00" "00"
    "78f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45a024cc6461c0c0c0c0590489c44c50e266340000" "0000ffff")


class Peer:
    """The client end, written from the spec with zlib directly (not with the module's codec)."""

    def __init__(self) -> None:
        self.compress = zlib.compressobj(zdict=spdy.DICTIONARY)
        self.decompress = zlib.decompressobj(zdict=spdy.DICTIONARY)

    def block(self, headers: dict[str, str]) -> bytes:
        raw = struct.pack(">I", len(headers)) + b"".join(
            struct.pack(">I", len(k)) + k.encode() + struct.pack(">I", len(v)) + v.encode() for k, v in headers.items())
        return self.compress.compress(raw) + self.compress.flush(zlib.Z_SYNC_FLUSH)

    def syn_stream(self, stream_id: int, headers: dict[str, str], flags: int = 0) -> bytes:
        payload = struct.pack(">IIBB", stream_id, 0, 0, 0) + self.block(headers)
        return struct.pack(">HHI", 0x8003, 1, (flags << 24) | len(payload)) + payload


def test_the_dictionary_is_spdy3s():
    """Checked byte for byte against moby/spdystream's `headerDictionary` (golang.org/x/net/spdy's)."""
    assert len(spdy.DICTIONARY) == 1423
    assert spdy.DICTIONARY.startswith(b"\x00\x00\x00\x07options\x00\x00\x00\x04head")
    assert spdy.DICTIONARY.endswith(b"charset=iso-8859-1,utf-,*,enq=0.")
    assert hashlib.sha256(spdy.DICTIONARY).hexdigest() == \
        "51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02"


@pytest.mark.parametrize("frame, wire", [
    pytest.param(spdy.ping(7), "80030006" "00000004" "00000007", id="ping"),
    pytest.param(spdy.rst_stream(3, spdy.CANCEL), "80030003" "00000008" "00000003" "00000005", id="rst_stream"),
    pytest.param(spdy.goaway(5), "80030007" "00000008" "00000005" "00000000", id="goaway"),
    pytest.param(spdy.window_update(1, 65536), "80030009" "00000008" "00000001" "00010000", id="window_update"),
    pytest.param(spdy.settings({7: 65536}), "80030004" "0000000c" "00000001" "00000007" "00010000", id="settings"),
    pytest.param(spdy.data(3, b"hi"), "00000003" "00000002" "6869", id="data"),
    pytest.param(spdy.data(3, b"", fin=True), "00000003" "01000000", id="data-fin"),
])
def test_frames_are_the_specs(frame, wire):
    assert frame.hex() == wire


def test_a_real_kubectl_syn_stream_decodes():
    session = spdy.Session()
    (event,) = session.receive(KUBECTL_SYN_STREAM)
    assert (event.kind, event.stream_id) == ("opened", 1)
    assert event.headers == {"streamtype": ["error"], "port": ["80"], "requestid": ["0"]}


def test_frames_cut_anywhere_reassemble():
    """The WebSocket tunnel delivers kubectl's writes field by field: 2, 2, 4, 4, 4, 1, 1, 51 bytes."""
    session = spdy.Session()
    events = []
    for i in range(len(KUBECTL_SYN_STREAM)):
        events += session.receive(KUBECTL_SYN_STREAM[i:i + 1])
    assert [(e.kind, e.headers["port"]) for e in events] == [("opened", ["80"])]


def test_header_blocks_share_one_zlib_stream_per_direction():
    peer, session = Peer(), spdy.Session()
    wire = peer.syn_stream(1, {"streamType": "error", "port": "8080"}) + \
        peer.syn_stream(3, {"streamType": "data", "port": "8080"})
    events = session.receive(wire)
    assert [(e.stream_id, e.headers["streamtype"]) for e in events] == [(1, ["error"]), (3, ["data"])]
    session.reply(1)
    session.reply(3, {"x": ["a", "b"]})
    out = bytearray(session.outgoing())
    replies = []
    while out:
        first, second = struct.unpack_from(">II", out)
        payload = bytes(out[8:8 + (second & 0xFFFFFF)])
        del out[:8 + len(payload)]
        assert first == 0x80030002  # SYN_REPLY, version 3
        raw = peer.decompress.decompress(payload[4:])
        replies.append((struct.unpack_from(">I", payload)[0], spdy.decode_block(raw)))
    assert replies == [(1, {}), (3, {"x": ["a", "b"]})]


def test_pings_from_the_client_are_echoed():
    session = spdy.Session()
    assert session.receive(spdy.ping(1) + spdy.ping(2)) == []
    assert session.outgoing() == spdy.ping(1)  # odd ids are the client's; an even one would answer ours


def test_a_stream_is_forgotten_once_closed_both_ways():
    peer, session = Peer(), spdy.Session()
    session.receive(peer.syn_stream(1, {"streamType": "data", "port": "80"}))
    session.reply(1)
    (event,) = session.receive(spdy.data(1, b"GET", fin=True))
    assert (event.kind, event.data, event.fin) == ("data", b"GET", True)
    assert 1 in session.streams
    session.send(1, b"answer", fin=True)
    assert session.streams == {}
    assert session.outgoing().endswith(spdy.data(1, b"answer", fin=True))
    session.send(1, b"late")
    assert session.outgoing() == b""  # nothing goes out on a closed stream


def test_reset_and_goaway():
    peer, session = Peer(), spdy.Session()
    session.receive(peer.syn_stream(1, {"streamType": "data", "port": "80"}))
    (reset,) = session.receive(spdy.rst_stream(1, spdy.CANCEL))
    assert (reset.kind, reset.status, session.streams) == ("reset", spdy.CANCEL, {})
    (gone,) = session.receive(spdy.goaway(1))
    assert (gone.kind, session.gone) == ("goaway", True)


def test_stream_ids_must_be_new_and_odd():
    peer, session = Peer(), spdy.Session()
    session.receive(peer.syn_stream(3, {"streamType": "data", "port": "80"}))
    assert session.receive(peer.syn_stream(1, {"streamType": "data", "port": "80"})) == []
    assert session.outgoing() == spdy.rst_stream(1, spdy.PROTOCOL_ERROR)


def test_not_spdy3_is_a_protocol_error():
    session = spdy.Session()
    with pytest.raises(spdy.ProtocolError):
        session.receive(struct.pack(">HHI", 0x8002, 1, 0))  # SPDY/2
    assert session.outgoing() == spdy.goaway(0, spdy.GOAWAY_PROTOCOL_ERROR)
