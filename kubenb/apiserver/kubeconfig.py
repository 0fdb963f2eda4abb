"""The kubeconfig a server hands out: its URL, its certificate, and a bearer token made for this server only."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import yaml


def new_token() -> str:
    return secrets.token_urlsafe(32)


def write(path: Path, url: str, token: str, certificate_pem: bytes, cluster_name: str) -> Path:
    """Write a kubeconfig for `url` (user `kubenb-admin`, context `kubenb-NAME`), readable by its owner only."""
    context = f"kubenb-{cluster_name}"
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": context, "cluster": {"server": url, "certificate-authority-data": base64.b64encode(certificate_pem).decode()}}],
        "users": [{"name": "kubenb-admin", "user": {"token": token}}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": "kubenb-admin", "namespace": "default"}}],
        "current-context": context,
        "preferences": {},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        yaml.safe_dump(config, fh, sort_keys=False)
    return path
