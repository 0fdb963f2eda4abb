"""Profiles are data: a node is found by name, in a profile of any size."""

from __future__ import annotations

from kubenb.profiles import get_profile


def test_a_node_is_found_by_name_in_a_grown_profile():
    profile = get_profile("kubeadm", 300)
    assert [profile.node(n.name) for n in profile.nodes] == list(profile.nodes)
    assert profile.node("worker-299") is profile.nodes[-1]
    assert profile.node("worker-301") is None and profile.node("control-plane") is profile.control_plane
