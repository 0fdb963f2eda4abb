"""Saving a cluster as its recipe and rebuilding it by replay (`Cluster.save`/`load`, `%kcluster save|load`)."""

from __future__ import annotations

import json

import pytest
from course_manifests import NGINX_CM, NGINX_DEPLOY

from kubenb import Cluster
from kubenb.api.codec import decode
from kubenb.journal import RecipeError
from kubenb.magics.session import SESSION


def everything(c: Cluster) -> str:
    """Every object (uids, IPs, resourceVersions and all), the events, and a file only a container holds."""
    objects = c.kubectl("get all,cm,ep,events -A -o yaml").stdout
    pod = c.store.list("Pod", "default")[0].metadata.name
    return objects + c.kubectl(f"exec {pod} -- cat /etc/nginx/conf.d/default.conf").stdout


def busy(c: Cluster) -> Cluster:
    c.apply(NGINX_CM)
    c.apply(NGINX_DEPLOY)
    c.sleep("40s")
    c.sh("curl -s 10.10.1.32")
    c.kubectl(["scale", "deploy/nginx-deploy", "--replicas=3"])
    c.kubectl("delete po -l app=nginx-deploy --wait=false")
    c.loop.run_until(c.clock.now + 7)  # time passing outside the entry points (a %%kwatch collecting)
    return c


@pytest.mark.parametrize("profile", ["course", "kubeadm"])
def test_a_loaded_cluster_is_the_saved_one_to_the_last_uid_and_file(profile, tmp_path):
    saved = busy(Cluster(profile, seed=3))
    saved.save(tmp_path / "c.json")
    loaded = Cluster.load(tmp_path / "c.json")
    assert loaded.clock.now == saved.clock.now
    assert loaded.store.resource_version == saved.store.resource_version
    assert everything(loaded) == everything(saved)
    assert (loaded.profile.name, loaded.seed, loaded.pace) == (saved.profile.name, 3, saved.pace)


def test_the_recipe_is_the_commands_with_their_instants(tmp_path):
    c = Cluster("course")
    start = c.clock.now
    c.kubectl("create deployment web --image=nginx:alpine")
    c.sleep(30)
    c.save(tmp_path / "c.json")
    recipe = json.loads((tmp_path / "c.json").read_text())
    assert recipe["format"] == "kubenb.io/cluster-recipe/v1"
    assert recipe["cluster"] == {"profile": "course", "seed": 0, "pace": 2.0, "nodes": None, "name": "default"}
    assert recipe["steps"] == [
        {"op": "kubectl", "at": start, "cmdline": "create deployment web --image=nginx:alpine", "input": None},
        {"op": "advance", "at": start + 2, "seconds": 30.0},
    ]
    assert recipe["now"] == start + 32


def test_a_change_from_outside_the_entry_points_cannot_be_saved(tmp_path):
    c = Cluster("course")
    c.store.create(decode(c.registry, {"apiVersion": "v1", "kind": "ConfigMap",
                                       "metadata": {"name": "x", "namespace": "default"}}))
    with pytest.raises(RecipeError, match=r"changed outside kubectl.*\(ConfigMap default/x,"):
        c.save(tmp_path / "c.json")
    assert not (tmp_path / "c.json").exists()


def test_what_is_not_a_recipe_is_refused(tmp_path):
    (tmp_path / "x.json").write_text('{"apiVersion": "v1"}')
    with pytest.raises(RecipeError, match="is not a kubenb cluster recipe"):
        Cluster.load(tmp_path / "x.json")
    with pytest.raises(RecipeError, match="cannot read a cluster recipe"):
        Cluster.load(tmp_path / "missing.json")


def test_kcluster_save_and_load(ipython_shell, capsys, tmp_path):
    SESSION.new("lesson", "course")
    ipython_shell.run_line_magic("k", "create deployment web --image=nginx:alpine --replicas=2")
    ipython_shell.run_line_magic("ksleep", "30s")
    original = SESSION.current
    path = tmp_path / "lesson.json"
    capsys.readouterr()
    ipython_shell.run_line_magic("kcluster", f"save {path}")
    ipython_shell.run_line_magic("kcluster", "new other --profile kubeadm")
    ipython_shell.run_line_magic("kcluster", f"load {path}")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"cluster 'lesson' saved to {path}"
    assert out[-1].startswith(f"cluster 'lesson' loaded from {path}: course profile, Kubernetes v1.23.3, at ")
    assert SESSION.current_name == "lesson" and SESSION.current is not original
    assert SESSION.current.kubectl("get po -o wide").stdout == original.kubectl("get po -o wide").stdout
    ipython_shell.run_line_magic("kcluster", f"load {tmp_path / 'nothing.json'}")
    assert capsys.readouterr().err.startswith("error: cannot read a cluster recipe from ")
