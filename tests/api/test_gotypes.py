"""The Go type layouts behind the pod-template hash, checked against upstream's own serialization.

Kubernetes keeps, per release, JSON fixtures of every API type with every field set
(``staging/src/k8s.io/api/testdata/v1.N.0``), written by ``encoding/json`` and so in Go field
order. The goldens here are the JSON paths of a PodTemplateSpec in that order as the layouts
give them; they were compared key by key with ``v1.23.0/core.v1.PodTemplate.json`` (commit
3ef6ef3cfbd27321db8aac529077c7ef016f82c2) and ``v1.32.0/apps.v1.Deployment.json`` (its
``spec.template``, commit b94367cabf3edea99cfd7ecf7e8bafdc908d83ca). Volume sources kubenb does not
model are pointers whose insides never print (a nil pointer dumps as its type name).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# types JSON encodes as a string, not as their Go fields
JSON_SCALARS = {"v1.Time", "resource.Quantity", "intstr.IntOrString", "v1.FieldsV1"}


def json_paths(structs: dict, typ: str, prefix: str = "") -> list[str]:
    out = []
    for _, field_type, key in structs[typ]:
        if key is None:
            continue
        base = field_type.lstrip("*")
        if key == "":  # embedded: its fields are promoted
            out += json_paths(structs, base, prefix)
            continue
        path = f"{prefix}{key}"
        if base.startswith("[]"):
            base, path = base[2:].lstrip("*"), path + "[]"
        out.append(path)
        if base in structs and base not in JSON_SCALARS:
            out += json_paths(structs, base, path + ".")
    return out


@pytest.mark.parametrize("version", ["v1_23", "v1_32"])
def test_pod_template_spec_fields_in_go_order(version, golden):
    layout = importlib.import_module(f"kubenb.api.gotypes_{version}")
    golden(f"gotypes/pod_template_spec_{version}.txt", "\n".join(json_paths(layout.STRUCTS, "v1.PodTemplateSpec")) + "\n")


@pytest.mark.parametrize("version", ["v1_23", "v1_32"])
def test_layouts_are_what_the_generator_makes(version, tmp_path):
    out = tmp_path / "layout.py"
    subprocess.run([sys.executable, "tools/gen_gotypes.py", f"tools/gotypes/k8s_{version}.go", str(out)], cwd=ROOT,
                   check=True)
    assert out.read_text() == (ROOT / f"kubenb/api/gotypes_{version}.py").read_text()
