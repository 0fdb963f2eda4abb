"""Reading `-f` input: files, directories and stdin; YAML streams, JSON, `kind: List`.

Everything is parsed and checked before anything is sent, so a bad document anywhere in the
input fails the command with kubectl's message and leaves the cluster unchanged.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Optional

import yaml

from kubenb.kubectl.context import KubectlError

_YAML_PROBLEMS = {
    "mapping values are not allowed here": "mapping values are not allowed in this context",
    "found character '\\t' that cannot start any token": "found character that cannot start any token",
}


@dataclass
class Manifest:
    data: dict[str, Any]
    source: str  # "STDIN" or the file name, as kubectl names it in errors


def load(filenames: list[str], stdin: Optional[str], recursive: bool = False) -> list[Manifest]:
    out: list[Manifest] = []
    for name in filenames:
        if name == "-":
            out += parse_stream(stdin or "", "STDIN")
        elif os.path.isdir(name):
            for entry in sorted(os.listdir(name)):
                path = os.path.join(name, entry)
                if os.path.isdir(path) and recursive:
                    out += load([path], stdin, recursive)
                elif entry.endswith((".yaml", ".yml", ".json")):
                    out += load([path], stdin, recursive)
        elif os.path.exists(name):
            with open(name, encoding="utf-8") as fh:
                out += parse_stream(fh.read(), name)
        else:
            raise KubectlError(f'error: the path "{name}" does not exist')
    return out


def parse_stream(text: str, source: str) -> list[Manifest]:
    """Documents of a YAML (or JSON) stream, `List` kinds flattened, empty documents skipped."""
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError as err:
        raise KubectlError(f"error: error parsing {source}: error converting YAML to JSON: {_go_yaml_error(err)}") from None
    out: list[Manifest] = []
    for doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise KubectlError(f"error: error parsing {source}: error unmarshaling JSON: while decoding JSON: "
                               f"json: cannot unmarshal {_json_kind(doc)} into Go value of type map[string]interface {{}}")
        doc = json.loads(json.dumps(doc, default=str))  # YAML timestamps and the like become strings
        if isinstance(doc.get("kind"), str) and doc["kind"].endswith("List") and isinstance(doc.get("items"), list):
            out += [Manifest(item, source) for item in doc["items"] if item]
        else:
            out.append(Manifest(doc, source))
    return out


def _go_yaml_error(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    problem = _YAML_PROBLEMS.get(problem, problem)
    if mark is not None:
        return f"yaml: line {mark.line + 1}: {problem}"
    return f"yaml: {problem}"


def _json_kind(doc: Any) -> str:
    if isinstance(doc, list):
        return "array"
    if isinstance(doc, str):
        return "string"
    if isinstance(doc, bool):
        return "bool"
    return "number"
