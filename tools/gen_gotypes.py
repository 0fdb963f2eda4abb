"""Generate `kubenb/api/gotypes_v1_XX.py` from Go type declarations.

    python tools/gen_gotypes.py tools/gotypes/k8s_v1_23.go kubenb/api/gotypes_v1_23.py

The input is Go source: `package` lines, `import` lines and `type` declarations (the real
types.go files parse too; comments, constants and functions are skipped). Several packages may
share one file: each `package NAME // import/path` line switches the package of what follows.
The output names every type as Go's `reflect.Type.String()` does (`v1.PodSpec`,
`map[v1.ResourceName]resource.Quantity`), because that is what go-spew prints and so what
`kubenb.api.gospew` needs to reproduce the pod-template hash.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BUILTINS = {"string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
            "uint64", "uintptr", "float32", "float64", "byte", "rune"}
ALIASES = {"byte": "uint8", "rune": "int32"}

_PACKAGE = re.compile(r"^package\s+(\w+)")
_IMPORT = re.compile(r'^\s*(?:import\s+)?(\w+\s+)?"([^"]+)"\s*$')
_TYPE = re.compile(r"^type\s+(\w+)\s+(.+?)\s*$")
_FIELD = re.compile(r"^\s*(\w+)\s+([^\s`]+)\s*(`[^`]*`)?\s*$")
_EMBEDDED = re.compile(r"^\s*([*\w.]+)\s*(`[^`]*`)?\s*$")
_JSON = re.compile(r'json:"([^"]*)"')


def package_name(path: str) -> str:
    """The name a package declares, from its import path (`gopkg.in/inf.v0` declares `inf`)."""
    return re.sub(r"\.v\d+$", "", path.rsplit("/", 1)[-1])


class Parser:
    def __init__(self) -> None:
        self.structs: dict[str, list[tuple[str, str, str | None]]] = {}
        self.named: dict[str, str] = {}
        self.package = ""
        self.imports: dict[str, str] = {}

    def qualify(self, expr: str) -> str:
        """A Go type expression as `reflect.Type.String()` spells it."""
        if expr.startswith("*"):
            return "*" + self.qualify(expr[1:])
        if expr.startswith("[]"):
            return "[]" + self.qualify(expr[2:])
        if expr.startswith("map["):
            depth, i = 0, 3
            for i in range(3, len(expr)):
                depth += {"[": 1, "]": -1}.get(expr[i], 0)
                if depth == 0:
                    break
            return f"map[{self.qualify(expr[4:i])}]{self.qualify(expr[i + 1:])}"
        if "." in expr:
            alias, name = expr.split(".", 1)
            return f"{self.imports.get(alias, alias)}.{name}"
        if expr in BUILTINS:
            return ALIASES.get(expr, expr)
        return f"{self.package}.{expr}"

    def parse(self, text: str) -> None:
        lines = iter(text.splitlines())
        for raw in lines:
            line = raw.split("//", 1)[0].rstrip() if not raw.lstrip().startswith("package") else raw
            if m := _PACKAGE.match(line):
                self.package, self.imports = m.group(1), {}
            elif line.startswith("import (") :
                for imp in lines:
                    if imp.strip() == ")":
                        break
                    self._import(imp.split("//", 1)[0])
            elif line.startswith("import "):
                self._import(line)
            elif m := _TYPE.match(line):
                name, rest = m.groups()
                if rest == "struct {":
                    self.structs[f"{self.package}.{name}"] = self._fields(lines)
                elif rest.startswith(("interface", "func", "=")) or rest.endswith("{"):
                    continue
                else:
                    self.named[f"{self.package}.{name}"] = self.qualify(rest)

    def _import(self, line: str) -> None:
        if m := _IMPORT.match(line.strip()):
            alias, path = m.groups()
            self.imports[(alias or "").strip() or package_name(path)] = package_name(path)

    def _fields(self, lines) -> list[tuple[str, str, str | None]]:
        fields: list[tuple[str, str, str | None]] = []
        for raw in lines:
            line = raw.split("//", 1)[0].rstrip()
            if line.strip() == "}":
                return fields
            if not line.strip():
                continue
            if m := _FIELD.match(line):
                name, expr, tag = m.groups()
                json_name = self._json(tag, name)
            elif m := _EMBEDDED.match(line):
                expr, tag = m.groups()
                name = expr.lstrip("*").rsplit(".", 1)[-1]
                json_name = self._json(tag, name, embedded=True)
            else:
                raise ValueError(f"cannot parse struct field: {raw!r}")
            fields.append((name, self.qualify(expr), json_name))
        raise ValueError("unterminated struct")

    @staticmethod
    def _json(tag: str | None, name: str, embedded: bool = False) -> str | None:
        """The JSON key of a field: None when JSON never sets it (unexported, or `json:"-"`),
        "" for an embedded struct whose fields JSON promotes (no name in its tag)."""
        if not name[0].isupper():
            return None
        m = _JSON.search(tag or "")
        key = m.group(1).split(",")[0] if m else ("" if embedded else name)
        return None if key == "-" else key


def render(parser: Parser, source: str) -> str:
    out = [f'"""Go type layouts generated by tools/gen_gotypes.py from {source}. Do not edit."""', "",
           "# reflect name -> underlying type, for named types that are not structs",
           "NAMED = {"]
    out += [f"    {k!r}: {v!r}," for k, v in sorted(parser.named.items())]
    out += ["}", "", "# reflect name -> fields in declaration order: (Go name, reflect type, JSON key or None)",
            "STRUCTS = {"]
    for name, fields in sorted(parser.structs.items()):
        out.append(f"    {name!r}: (")
        out += [f"        {f!r}," for f in fields]
        out.append("    ),")
    out += ["}", ""]
    return "\n".join(out)


def main(argv: list[str]) -> None:
    src, dst = argv
    parser = Parser()
    parser.parse(Path(src).read_text())
    Path(dst).write_text(render(parser, src))


if __name__ == "__main__":
    main(sys.argv[1:])
