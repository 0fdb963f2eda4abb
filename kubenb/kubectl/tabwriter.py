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
from itertools import repeat
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
# What only the character-by-character reader handles; text without it splits on tabs and newlines.
_PLAIN_SLOW = re.compile(f"[\v\f{ESCAPE}]")
_HTML_SLOW = re.compile(f"[\v\f{ESCAPE}<&]")


class _Cell(NamedTuple):
    """What a cell is besides its text, kept only for cells whose width is not their length (an
    escape, a tag or an entity in them) or that a soft tab ended: most lines need no such record."""

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
        self._slow = _HTML_SLOW if Flag.FILTER_HTML in flags else _PLAIN_SLOW
        # Lines are padded by str.ljust unless a flag or tab padding asks for more (see _write_lines).
        self._ljust = not (self._align_right or self._tab_indent or self._debug) and padchar != "\t"
        #: the shortcuts for plain text (split on tabs, cells measured by length, ljust); off, every
        #: text goes through the character reader and every cell is recorded (tests compare the two)
        self.fast = True
        self._maxwidths: list[int] = []
        self._out: list[str] = []
        self._reset()

    # ------------------------------------------------------------------ public API

    def write(self, text: str) -> None:
        """Split ``text`` into cells; lines that can no longer change are formatted at once."""
        if self.fast and not self._end_char and not self._pieces and len(self._lines) - 1 not in self._odd \
                and self._slow.search(text) is None:
            self._write_plain(text)
            return
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
        self._lines: list[list[str]] = [[]]  # the text of each cell, line by line
        self._odd: dict[int, list[_Cell]] = {}  # line index -> every cell's record, for lines needing one
        self._widths: list[int] = []  # widths of the columns left of the one being formatted

    def _write_plain(self, text: str) -> None:
        """``write`` of text whose only specials are tabs and newlines, between whole cells.

        Every cell's width is its length and every tab is hard, so cells are the pieces
        ``str.split`` gives: a 150,000-line table is split at C speed instead of character by character.
        """
        rows = text.split("\n")
        lines = self._lines
        for row in rows[:-1]:
            line = lines[-1]
            line += row.split("\t")
            lines.append([])
            if len(line) == 1:  # no tab-terminated cell: everything so far is final (see _end_cell)
                self._format_buffer()
                lines = self._lines
        *cells, rest = rows[-1].split("\t")
        lines[-1] += cells
        self._append(rest)
        self._update_width()

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

    def _terminate_cell(self, htab: bool, last: bool = False) -> int:
        """End the cell being read; `last` if it ends its line (no column ever measures such a cell)."""
        pieces = self._pieces
        text = "" if not pieces else pieces[0] if len(pieces) == 1 else "".join(pieces)
        line = self._lines[-1]
        index = len(self._lines) - 1
        odd = self._odd.get(index)
        if odd is None and (not self.fast or not last and (self._width != len(text) or not htab)):
            odd = self._odd[index] = [_Cell(len(t), True) for t in line]
        if odd is not None:
            odd.append(_Cell(self._width, htab))
        line.append(text)
        pieces.clear()
        self._width = 0
        return len(line)

    def _end_cell(self, ch: str) -> None:
        ncells = self._terminate_cell(htab=ch == "\t", last=ch in _LINE_ENDS)
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
            self._terminate_cell(htab=False, last=True)
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
            lines, odd = self._lines, self._odd
            # the block: this line and the following ones that have a cell in this column
            this = next((i for i in range(this + 1, line1) if column >= len(lines[i]) - 1), line1)
            if not odd:  # plain cells: their length, hard tabs
                width, discardable = max([len(line[column]) for line in lines[line0:this]]), False
            else:
                width, discardable = 0, True
                for i in range(line0, this):
                    record = odd.get(i)
                    cell = _Cell(len(lines[i][column]), True) if record is None else record[column]
                    width = max(width, cell.width)
                    discardable = discardable and cell.width == 0 and not cell.htab
            width = max(self._minwidth, width + self._padding)
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
        out, widths, lines, odd = self._out, self._widths, self._lines, self._odd
        last = len(lines) - 1
        if self._ljust and self.fast and not odd and line0 < line1:
            # _format writes together only lines with one cell per known column plus a last cell
            # (and, at the very end, the empty line after the last newline): every cell but the
            # last is padded on the right with the padchar, as str.ljust does. Column by column
            # at C speed, since a 150,000-line table is written in one block.
            end = line1 - 1 if line1 - 1 == last and not lines[last] else line1
            try:
                columns = list(zip(*lines[line0:end], strict=True))
            except ValueError:  # lines of different lengths: not the shape described above
                columns = None
            if columns is not None and (len(columns) == len(widths) + 1 or line0 == end):
                if columns:
                    pad = repeat(self._padchar)
                    padded = [map(str.ljust, column, repeat(width), pad)
                              for column, width in zip(columns[:-1], widths, strict=True)]
                    out.append("\n".join(map("".join, zip(*padded, columns[-1], strict=True))))
                    if end - 1 < last:
                        out.append("\n")
                return
        for i in range(line0, line1):
            use_tabs = self._tab_indent  # pad leading empty cells with tabs
            record = odd.get(i)
            for j, text in enumerate(lines[i]):
                if j > 0 and self._debug:
                    out.append("|")
                column_width = widths[j] if j < len(widths) else None
                cell_width = len(text) if record is None else record[j].width
                if not text:
                    if column_width is not None:
                        out.append(self._padding_for(cell_width, column_width, use_tabs))
                    continue
                use_tabs = False
                pad = "" if column_width is None else self._padding_for(cell_width, column_width, False)
                out.append(pad + text if self._align_right else text + pad)
            if i < last:
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
