"""The HTTP façade under `kubectl get pods`: requests/s and latency percentiles on a large namespace.

The P pods are stored, not run: what is measured is the façade (listing, Table cells, JSON, TLS),
not the simulation. Sends what kubectl sends (`GET …/pods` asking for a Table, and the plain JSON list that
`-o yaml` asks for), whole and as kubectl's first page (`limit=500`), over one keep-alive HTTPS
connection, one request at a time (the first request of each pays for encoding the objects once),
and times one run of the real kubectl when it is installed. Wall-clock figures depend on whatever
else the machine runs; the server's own CPU time per request (its thread's) does not.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time

import requests

from benchmarks.figures import figure
from benchmarks.registry import scenario
from kubenb import Cluster
from kubenb.api.codec import decode
from kubenb.apiserver import serve

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"


def populate(pods: int) -> Cluster:
    """A cluster with `pods` pods stored in `default` (created as the API would, never scheduled)."""
    cluster = Cluster(pace=0)
    for i in range(pods):
        cluster.store.create(decode(cluster.registry, {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i:05d}", "labels": {"app": f"app-{i % 100}"}},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}))
    return cluster


@scenario("apiserver", nodes=3, pods=10_000)
def apiserver(nodes: int, pods: int) -> None:
    """`GET …/pods` of P stored pods through the HTTP façade (Table and JSON): requests/s, p50/p99."""
    run(pods)


def _ms(values: list[float], q: float) -> str:
    ordered = sorted(values)
    value = statistics.median(ordered) if q == 0.5 else ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
    return f"{value * 1000:.0f} ms"


def run(pods: int, rounds: int = 30) -> None:
    t0 = time.perf_counter()
    cluster = populate(pods)
    figure(f"store {pods} pods", time.perf_counter() - t0, "s")
    with serve(cluster, speed=0) as server, tempfile.TemporaryDirectory() as tmp:
        ca = os.path.join(tmp, "ca.crt")
        with open(ca, "wb") as fh:
            fh.write(server.identity.certificate_pem)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {server.token}"
        url = f"{server.url}/api/v1/namespaces/default/pods"
        for name, accept in (("Table", TABLE), ("JSON list", "application/json")):
            for query, what in (("", f"all {pods}"), ("?limit=500", "kubectl's first page, limit=500")):
                latencies, cpu = [], []
                for _ in range(rounds):
                    t0, c0 = time.perf_counter(), server.cpu_time()
                    response = session.get(url + query, headers={"Accept": accept}, verify=ca)
                    response.raise_for_status()
                    latencies.append(time.perf_counter() - t0)
                    cpu.append(server.cpu_time() - c0)
                figure(f"GET pods as {name} ({what})", rounds / sum(latencies), "req/s",
                       f"p50 {_ms(latencies, 0.5)}, p99 {_ms(latencies, 0.99)}, {len(response.content) / 1e6:.1f} MB")
                figure(f"  server CPU per request ({name}, {what})", rounds / sum(cpu), "req/s",
                       f"p50 {_ms(cpu, 0.5)}, p99 {_ms(cpu, 0.99)} (the first request encodes every object)")
        if os.path.exists("/usr/bin/kubectl"):
            env = {**os.environ, "HOME": tmp, "KUBECONFIG": server.kubeconfig}
            argv = ["/usr/bin/kubectl", f"--cache-dir={tmp}/cache", "get", "pods"]
            subprocess.run(argv, env=env, capture_output=True, check=True)  # warm the discovery cache
            t0 = time.perf_counter()
            out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
            figure("real `kubectl get pods`", (time.perf_counter() - t0) * 1000, "ms", f"{out.count(chr(10)) - 1} rows")
