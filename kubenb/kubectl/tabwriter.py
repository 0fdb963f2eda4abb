"""A port of Go's ``text/tabwriter`` and of the ``github.com/liggitt/tabwriter`` fork kubectl uses.

kubectl aligns every table through one of two writers, and byte-for-byte fidelity depends on
reproducing them exactly:

* ``kubectl describe`` uses Go's ``text/tabwriter`` (minwidth 0, tabwidth 8, padding 2, ``' '``,
  no flags) -- :func:`describe_writer`;
* ``kubectl get`` uses cli-runtime's ``printers.GetNewTabWriter`` (minwidth 6, tabwidth 4,
  padding 3, ``' '``, ``RememberWidths``) on liggitt's fork -- :func:`get_writer`.

The algorithm is Nick Gravgaard's *elastic tabstops*:

* a cell is text **terminated** by a tab (``'\\t'`` hard, ``'\\v'`` soft); the text after the last
  tab of a line is not a cell and never widens a column;
* tab-terminated cells of *consecutive* lines form a column block; a line with fewer cells ends
  the block, so a line without tabs (``Containers:`` in ``describe``) resets all alignment;
* a column is ``max(minwidth, widest cell + padding)`` wide;
* ``'\\f'`` ends a line and flushes, so the next line starts new columns.

The fork adds ``RememberWidths``: column widths survive ``flush()``. ``kubectl get -w`` flushes
after every event, so later rows keep the header's alignment and columns only ever grow.

Go works on UTF-8 bytes and counts width in runes; this port works on ``str`` and counts code
points, which is the same thing for valid text. The Escape byte ``0xff`` cannot occur in valid
UTF-8; its ``str`` stand-in is ``'\\udcff'``, the character Python's ``surrogateescape`` decodes a
lone ``0xff`` byte to, so ordinary text (even ``'ÿ'``) is never mistaken for an escape.
"""

from __future__ import annotations

import enum
import re
from typing import NamedTuple

ESCAPE = "\udcff"
"""Brackets a segment that is passed through verbatim and measured without the brackets."""


class Flag(enum.IntFlag):
    """Formatting flags, with the values of Go's constants (``1 << iota`` in declaration order)."""

    FILTER_HTML = 1
    """HTML tags have width 0 and entities (``&lt;``) width 1."""
    STRIP_ESCAPE = 2
    """Drop the Escape characters instead of passing them through."""
    ALIGN_RIGHT = 4
    """Pad cells on the left."""
    DISCARD_EMPTY_COLUMNS = 8
    """Give zero width to columns made only of empty, soft-tab (``'\\v'``) terminated cells."""
    TAB_INDENT = 16
    """Pad leading empty cells with tabs whatever the padchar."""
    DEBUG = 32
    """Print ``|`` between columns and ``---`` at each ``'\\f'``."""
    REMEMBER_WIDTHS = 64
    """liggitt/tabwriter only: keep each column's widest width across flushes."""


_LINE_ENDS = "\n\f"
_CELL_ENDS = "\t\v\n\f"
_HTML_END = {"<": ">", "&": ";"}
_PLAIN_SPECIALS = re.compile(f"[{_CELL_ENDS}{ESCAPE}]")
_HTML_SPECIALS = re.compile(f"[{_CELL_ENDS}{ESCAPE}<&]")


class _Cell(NamedTuple):
    text: str
    width: int
    htab: bool
    """Terminated by a hard ``'\\t'`` (never discarded) rather than a soft ``'\\v'``."""


class TabWriter:
    """An elastic-tabstop filter: :meth:`write` text, then :meth:`flush` to get it aligned.

    ``flush()`` returns everything emitted since the previous ``flush()``. Like Go's writer, a
    ``write()`` may already format finished blocks (a line with no tab, or a ``'\\f'``); that text
    is held until the next ``flush()`` returns it, so callers see one string per flush.
    """

    def __init__(
        self,
        minwidth: int,
        tabwidth: int,
        padding: int,
        padchar: str,
        flags: Flag | int = 0,
    ) -> None:
        if minwidth < 0 or tabwidth < 0 or padding < 0:
            raise ValueError("negative minwidth, tabwidth, or padding")
        if len(padchar) != 1:
            raise ValueError(f"padchar must be one character, got {padchar!r}")
        self._minwidth = minwidth
        self._tabwidth = tabwidth
        self._padding = padding
        self._padchar = padchar
        flags = Flag(flags)
        if padchar == "\t":
            flags &= ~Flag.ALIGN_RIGHT  # tab padding enforces left alignment
        # Flags tested per character or per cell, read once (IntFlag membership is slow).
        self._strip_escape = Flag.STRIP_ESCAPE in flags
        self._align_right = Flag.ALIGN_RIGHT in flags
        self._discard_empty = Flag.DISCARD_EMPTY_COLUMNS in flags
        self._tab_indent = Flag.TAB_INDENT in flags
        self._debug = Flag.DEBUG in flags
        self._remember_widths = Flag.REMEMBER_WIDTHS in flags
        self._specials = _HTML_SPECIALS if Flag.FILTER_HTML in flags else _PLAIN_SPECIALS
        self._maxwidths: list[int] = []
        self._out: list[str] = []
        self._reset()

    # ------------------------------------------------------------------ public API

    def write(self, text: str) -> None:
        """Split ``text`` into cells; lines that can no longer change are formatted at once."""
        pos = 0
        while pos < len(text):
            pos = self._read_escaped(text, pos) if self._end_char else self._read_cells(text, pos)

    def flush(self) -> str:
        """Format everything buffered and return all output produced since the last flush.

        An unterminated escape or HTML tag at the end is treated as complete.
        """
        self._format_buffer()
        output = "".join(self._out)
        self._out.clear()
        return output

    def render(self, text: str) -> str:
        """``write(text)`` then ``flush()``: the whole text aligned in one call."""
        self.write(text)
        return self.flush()

    @property
    def remembered_widths(self) -> list[int]:
        """The per-column widths kept by ``REMEMBER_WIDTHS`` (liggitt's ``RememberedWidths``).

        Assigning hands them to another writer, as liggitt's ``SetRememberedWidths`` does, so a
        watch continued by a new writer keeps its alignment.
        """
        return list(self._maxwidths)

    @remembered_widths.setter
    def remembered_widths(self, widths: list[int]) -> None:
        self._maxwidths = list(widths)

    # ------------------------------------------------------------------ splitting into cells

    def _reset(self) -> None:
        self._pieces: list[str] = []  # text of the incomplete cell, in non-empty pieces
        self._unmeasured = 0  # trailing characters not yet added to _width
        self._width = 0
        self._end_char = ""  # closes the escape, tag or entity being read; "" outside one
        self._lines: list[list[_Cell]] = [[]]
        self._widths: list[int] = []  # widths of the columns left of the one being formatted

    def _read_cells(self, text: str, pos: int) -> int:
        """Consume cells from ``pos`` until an escape opens or the text ends; return where it stopped."""
        for match in self._specials.finditer(text, pos):
            i = match.start()
            ch = text[i]
            self._append(text[pos:i])
            self._update_width()
            if ch in _CELL_ENDS:
                pos = i + 1
                self._end_cell(ch)
                continue
            # An Escape, or with FilterHTML the start of a tag or entity: measured when it closes.
            if not (ch == ESCAPE and self._strip_escape):
                self._append(ch)
            self._end_char = ESCAPE if ch == ESCAPE else _HTML_END[ch]
            return i + 1
        self._append(text[pos:])
        return len(text)

    def _read_escaped(self, text: str, pos: int) -> int:
        """Consume an escaped segment, tag or entity up to its closing character, if present."""
        close = text.find(self._end_char, pos)
        if close < 0:
            self._append(text[pos:])
            return len(text)
        stripped = self._end_char == ESCAPE and self._strip_escape
        self._append(text[pos : close if stripped else close + 1])
        self._end_escape()
        return close + 1

    def _append(self, text: str) -> None:
        if text:
            self._pieces.append(text)
            self._unmeasured += len(text)

    def _update_width(self) -> None:
        self._width += self._unmeasured
        self._unmeasured = 0

    def _end_escape(self) -> None:
        """Close an escape (measured without its brackets), a tag (width 0) or an entity (1)."""
        if self._end_char == ESCAPE:
            self._update_width()
            if not self._strip_escape:
                self._width -= 2
        elif self._end_char == ";":
            self._width += 1
        self._unmeasured = 0
        self._end_char = ""

    def _terminate_cell(self, htab: bool) -> int:
        pieces = self._pieces
        text = pieces[0] if len(pieces) == 1 else "".join(pieces)
        line = self._lines[-1]
        line.append(_Cell(text, self._width, htab))
        pieces.clear()
        self._width = 0
        return len(line)

    def _end_cell(self, ch: str) -> None:
        ncells = self._terminate_cell(htab=ch == "\t")
        if ch not in _LINE_ENDS:
            return
        self._lines.append([])
        # A line holding a single cell has no tab-terminated cell, so it cannot affect the
        # alignment of later lines: everything so far is final. '\f' forces the same.
        if ch == "\f" or ncells == 1:
            self._format_buffer()
            if ch == "\f" and self._debug:
                self._out.append("---\n")

    # ------------------------------------------------------------------ formatting

    def _format_buffer(self) -> None:
        if self._pieces:
            if self._end_char:
                self._end_escape()  # an unterminated escape counts as complete
            self._terminate_cell(htab=False)
        self._format(0, len(self._lines))
        self._reset()

    def _format(self, line0: int, line1: int) -> None:
        """Write lines ``line0:line1``, sizing column ``len(self._widths)`` block by block."""
        column = len(self._widths)
        this = line0
        while this < line1:
            if column >= len(self._lines[this]) - 1:
                this += 1
                continue
            # This line has a cell in this column: a column block starts here.
            self._write_lines(line0, this)
            line0 = this
            width, discardable = self._minwidth, True
            while this < line1 and column < len(self._lines[this]) - 1:
                cell = self._lines[this][column]
                width = max(width, cell.width + self._padding)
                discardable = discardable and cell.width == 0 and not cell.htab
                this += 1
            if discardable and self._discard_empty:
                width = 0
            if self._remember_widths:
                width = self._remember(column, width)
            # Widths of this column and all columns to its left are known: format the block.
            self._widths.append(width)
            self._format(line0, this)
            self._widths.pop()
            line0 = this
        self._write_lines(line0, line1)

    def _remember(self, column: int, width: int) -> int:
        """liggitt's RememberWidths: a column is never narrower than it has ever been."""
        maxwidths = self._maxwidths
        if len(maxwidths) < column:
            maxwidths.extend(self._widths[len(maxwidths) :])
        if len(maxwidths) == column:
            maxwidths.append(width)
        elif maxwidths[column] > width:
            width = maxwidths[column]
        else:
            maxwidths[column] = width
        return width

    def _write_lines(self, line0: int, line1: int) -> None:
        out, widths = self._out, self._widths
        for i in range(line0, line1):
            use_tabs = self._tab_indent  # pad leading empty cells with tabs
            for j, cell in enumerate(self._lines[i]):
                if j > 0 and self._debug:
                    out.append("|")
                column_width = widths[j] if j < len(widths) else None
                if not cell.text:
                    if column_width is not None:
                        out.append(self._padding_for(cell.width, column_width, use_tabs))
                    continue
                use_tabs = False
                pad = "" if column_width is None else self._padding_for(cell.width, column_width, False)
                out.append(pad + cell.text if self._align_right else cell.text + pad)
            if i + 1 < len(self._lines):
                out.append("\n")

    def _padding_for(self, text_width: int, cell_width: int, use_tabs: bool) -> str:
        if self._padchar != "\t" and not use_tabs:
            return self._padchar * (cell_width - text_width)
        if self._tabwidth == 0:
            return ""  # tabs have no width: no padding is possible
        # Round the cell up to a tab stop and fill with as many tabs as that takes.
        cell_width = -(-cell_width // self._tabwidth) * self._tabwidth
        return "\t" * -(-(cell_width - text_width) // self._tabwidth)


def describe_writer() -> TabWriter:
    """The writer of ``kubectl describe``: Go ``text/tabwriter``, minwidth 0, tabwidth 8, padding 2."""
    return TabWriter(0, 8, 2, " ", 0)


def get_writer() -> TabWriter:
    """The writer of ``kubectl get`` (cli-runtime ``printers.GetNewTabWriter``).

    minwidth 6, tabwidth 4, padding 3, ``' '``, ``RememberWidths``: a column is
    ``max(6, widest cell + 3)`` wide, and stays that wide for later rows of a watch.
    """
    return TabWriter(6, 4, 3, " ", Flag.REMEMBER_WIDTHS)
