"""`-o yaml|json|name|jsonpath=…|custom-columns=…`: kubectl's non-table printers.

kubectl prints objects through `sigs.k8s.io/yaml` (go-yaml v2) and `json.MarshalIndent`: keys
sorted, lists not indented under their key, strings double-quoted when a plain scalar would read
as another type (`"80"`, `"true"`, `""`, timestamps), multi-line strings as literal blocks, long
lines folded at 80 columns; JSON indented four spaces with `<`, `>`, `&` escaped.
"""

from __future__ import annotations

import json
from typing import Any

import yaml


class _GoYamlDumper(yaml.SafeDumper):
    """PyYAML's emitter is a libyaml port like go-yaml's; only the choice of scalar style differs."""


# PyYAML reads a lone `*`, `&`, `!` (tag `yaml`) and `=` (tag `value`) as special; go-yaml reads them as
# strings, so they print as the emitter allows a string (`'*'`), not double-quoted like `"true"`
_GO_STRINGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:yaml", "tag:yaml.org,2002:value"}


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    resolved = dumper.resolve(yaml.ScalarNode, value, (True, False))
    if resolved not in _GO_STRINGS:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_none(dumper: yaml.SafeDumper, value: None) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "null")


_GoYamlDumper.add_representer(str, _represent_str)
_GoYamlDumper.add_representer(type(None), _represent_none)


def to_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_GoYamlDumper, sort_keys=True, default_flow_style=False,
                     allow_unicode=True, width=80)


def to_json(data: Any) -> str:
    text = json.dumps(data, indent=4, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    """How kubectl wraps several objects for -o yaml/json."""
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
