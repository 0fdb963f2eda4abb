"""kubectl ``-o custom-columns=SPEC`` and ``-o custom-columns-file=FILE`` (kubectl ``get/customcolumn.go``).

A spec is ``HEADER:path,HEADER:path``; a file is one line of headers and one line of paths,
split on whitespace. Paths are relaxed (``metadata.name`` means ``{.metadata.name}``) and run with
missing keys allowed. A cell joins all its values with ``,``, each printed with Go's
``fmt.Sprint`` (``map[app:web]``, ``[a b]``, ``<nil>`` for a JSON null) and terminal-escaped;
a path that finds nothing prints ``<none>``. Rows go through the ``kubectl get`` tab writer.

Quirks kept from kubectl: the header is printed before the paths are parsed, so a bad path
still prints the header; a failing object stops the output after the rows before it; cells are
not tab-escaped, so a tab in a value shifts the row's later columns; ``--no-headers`` is ignored
for ``custom-columns-file``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from kubenb.kubectl.jsonpath import JSONPath, JSONPathError, relaxed, sprint
from kubenb.kubectl.tabwriter import get_writer

_FILE_FORMAT_HINT = "Expected format is one line of space separated headers, one line of space separated column specs."
# bufio.ScanWords' notion of space: Unicode White_Space, minus the ASCII separators \x1c-\x1f.
_GO_WORD = re.compile("[^ \t\n\v\f\r\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
# cli-runtime printers.EscapeTerminal: neutralise escape sequences and carriage returns.
_TERMINAL_ESCAPES = str.maketrans({"\x1b": "^[", "\r": "\\r"})


class Column(NamedTuple):
    header: str
    field_spec: str
    """A complete JSONPath template, e.g. ``{.metadata.name}`` (empty if the spec was empty)."""


class CustomColumnsError(Exception):
    """kubectl's error text (kubectl prefixes ``error: ``).

    ``output`` is what kubectl had already written to stdout when it failed: the header and any
    rows before the failing object.
    """

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


def parse_custom_columns(spec: str) -> list[Column]:
    """Columns of ``-o custom-columns=SPEC``: comma-separated ``HEADER:path`` pairs."""
    if not spec:
        raise CustomColumnsError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, colon, path = part.partition(":")
        if not colon:
            raise CustomColumnsError(f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        columns.append(Column(header, _relaxed(path)))
    return columns


def parse_custom_columns_file(text: str) -> list[Column]:
    """Columns of ``-o custom-columns-file``: a line of headers, a line of paths; later lines are ignored."""
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()  # a final newline ends the last line rather than starting an empty one
    if not lines:
        raise CustomColumnsError(f"invalid template, missing header line. {_FILE_FORMAT_HINT}")
    if len(lines) < 2:
        raise CustomColumnsError(f"invalid template, missing spec line. {_FILE_FORMAT_HINT}")
    headers, specs = (_GO_WORD.findall(line.removesuffix("\r")) for line in lines[:2])
    if len(headers) != len(specs):
        raise CustomColumnsError(
            f"number of headers ({len(headers)}) and field specifications ({len(specs)}) don't match"
        )
    return [Column(header, _relaxed(spec)) for header, spec in zip(headers, specs, strict=True)]


def _relaxed(path: str) -> str:
    try:
        return relaxed(path)
    except JSONPathError as err:
        raise CustomColumnsError(str(err)) from None


class CustomColumnsPrinter:
    """kubectl's ``CustomColumnsPrinter`` on one ``kubectl get`` tab writer.

    The header is printed once, before the first rows; column widths are remembered across
    calls, so the rows of ``kubectl get -w`` stay aligned with it.
    """

    def __init__(self, columns: Iterable[Column], *, no_headers: bool = False) -> None:
        self._columns = list(columns)
        self._print_header = not no_headers
        self._parsers: list[JSONPath] | None = None
        self._writer = get_writer()

    def print_objects(self, objects: Iterable[dict[str, Any]]) -> str:
        """The text one ``PrintObj`` and flush write for ``objects`` (the header first time round)."""
        if self._print_header:
            self._writer.write("\t".join(column.header for column in self._columns) + "\n")
            self._print_header = False
        try:
            parsers = self._parsed()
            for obj in objects:
                self._writer.write("\t".join(_cell(parser, obj) for parser in parsers) + "\n")
        except JSONPathError as err:
            raise CustomColumnsError(str(err), self._writer.flush()) from None
        return self._writer.flush()

    def _parsed(self) -> list[JSONPath]:
        if self._parsers is None:
            self._parsers = [JSONPath(c.field_spec, allow_missing_keys=True).parse() for c in self._columns]
        return self._parsers


def _cell(parser: JSONPath, obj: dict[str, Any]) -> str:
    results = parser.find_results(obj)
    values = ["<none>"] if not results or not results[0] else []
    values += [sprint(value).translate(_TERMINAL_ESCAPES) for result in results for value in result]
    return ",".join(values)


def render_custom_columns(
    columns: Iterable[Column], objects: Iterable[dict[str, Any]], no_headers: bool = False
) -> str:
    """The whole ``kubectl get -o custom-columns`` table for ``objects`` (just the header if none)."""
    return CustomColumnsPrinter(columns, no_headers=no_headers).print_objects(objects)
