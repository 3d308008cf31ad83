"""Report tables: one description, drawn in the PDF and written to the Excel workbook.

A :class:`TableData` holds raw values (numbers stay numbers, dates stay dates); the PDF
formats them (1,234.50; 2026年11月29日; 85.3%), the workbook keeps them as numbers and
dates so a cadre can sum and sort them in Excel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import Flowable, Table, TableStyle
from reportlab.platypus.tables import CellStyle

from . import styles as st
from .pdfops import encoded_runs, fill_op, subset_name
from .text import break_lines, char_widths, text_width

KINDS = ("text", "int", "money", "percent", "date", "number")
_RIGHT = {"int", "money", "percent", "number"}


@dataclass(frozen=True, slots=True)
class Column:
    """A column: header, relative width, and the kind of value it holds."""

    header: str
    width: float = 1.0  # relative to the other columns
    kind: str = "text"  # one of KINDS
    align: str | None = None  # "left" | "right" | "center"; default by kind


@dataclass(slots=True)
class TableData:
    """A titled table of raw values; ``marks[(row, col)]`` colours a cell red or amber."""

    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    marks: dict[tuple[int, int], str] = field(default_factory=dict)
    total_row: bool = False  # the last row is a total (drawn on a tint)
    grouped: bool = False  # zebra per group: a group starts where the first cell has a value

    def add(self, row: Sequence[Any], marks: dict[int, str] | None = None) -> None:
        """Append a row; ``marks`` maps column index to "red" / "amber"."""
        index = len(self.rows)
        self.rows.append(list(row))
        for col, level in (marks or {}).items():
            self.marks[(index, col)] = level


def format_value(value: Any, kind: str) -> str:
    """A raw value as the PDF shows it."""
    if value is None or value == "":
        return ""
    if kind == "int":
        return st.count(value)
    if kind == "money":
        return st.money(value)
    if kind == "percent":
        return st.percent(value)
    if kind == "number":
        return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    if kind == "date":
        return st.cn_date(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return st.cn_date(value)
    return str(value)


def render(table: TableData, width: float, styles: st.Styles, *,
           header: bool = True, footer: Flowable | None = None, keep_with_footer: int = 2) -> Table:
    """The table as a flowable ``width`` points wide (header repeated on each page).

    Cells are wrapped to their column with 避头尾 and drawn as plain strings. A
    ``footer`` (signature lines) goes under the last row, outside the grid, and never
    alone: the last ``keep_with_footer`` rows go to the next page with it if need be.
    """
    total = sum(c.width for c in table.columns) or 1.0
    widths = [width * c.width / total for c in table.columns]
    size = styles.cell_size
    pad = 3.0 * styles.scale
    aligns = [(c.align or ("right" if c.kind in _RIGHT else "left")).upper()
              for c in table.columns]
    body = [cell_style(styles, a) for a in aligns]
    data: list[list[Any]] = []
    cell_styles: list[list[CellStyle]] = []
    commands = _grid_commands()
    first = 0
    if header:
        data.append([wrap_text(c.header, widths[i] - 2 * pad, styles.font, size)
                     for i, c in enumerate(table.columns)])
        cell_styles.append([cell_style(styles, "CENTER", "header")] * len(widths))
        commands.append(("BACKGROUND", (0, 0), (-1, 0), st.HEADER_BG))
        first = 1
    shade = False
    for r, row in enumerate(table.rows):
        if table.grouped:
            if r and row[0] not in (None, ""):
                shade = not shade
        else:
            shade = r % 2 == 1
        data.append([wrap_text(format_value(value, table.columns[c].kind), widths[c] - 2 * pad,
                               styles.font, size) for c, value in enumerate(row)])
        cell_styles.append(list(body))
        if shade:
            commands.append(("BACKGROUND", (0, r + first), (-1, r + first), st.ZEBRA))
    for (r, c), level in table.marks.items():
        cell_styles[r + first][c] = cell_style(styles, aligns[c], level)
    if table.total_row and table.rows:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), st.HEADER_BG))
    if not table.rows:
        data.append(["（无记录）"] + [""] * (len(widths) - 1))
        cell_styles.append(list(body))
        commands.append(("SPAN", (0, first), (-1, first)))
    elif footer is not None:
        footer.table_footer = True  # FastTable leaves it outside the grid
        footer.footer_width = width
        data.append([footer] + [""] * (len(widths) - 1))
        cell_styles.append([cell_style(styles, "LEFT", "footer")] * len(widths))
        keep = min(keep_with_footer, len(table.rows))
        commands.append(("NOSPLIT", (0, len(data) - 1 - keep), (-1, -1)))
    return FastTable(data, colWidths=widths, repeatRows=first, style=TableStyle(commands),
                     cellStyles=cell_styles, hAlign="LEFT")


def _grid_commands() -> list[tuple]:
    return []  # FastTable draws the full grid itself


_cell_styles: dict[tuple, CellStyle] = {}


def cell_style(styles: st.Styles, align: str = "LEFT", role: str = "") -> CellStyle:
    """A shared cell style: font, padding, alignment, and colour by ``role`` ("" ink,
    "header"/"label" accent, "red"/"amber" for words that need action).

    Cell styles are handed to the table ready-made instead of as TableStyle commands,
    which reportlab would apply cell by cell (a large share of the time for many tables).
    They are shared, so nothing may change them afterwards.
    """
    key = (id(styles), align, role)
    found = _cell_styles.get(key)
    if found is None:
        size = styles.cell_size
        found = CellStyle(f"cell-{align}-{role}")
        found.fontname = styles.font
        found.fontsize = size
        found.leading = size * 1.36
        found.leftPadding = found.rightPadding = 3.0 * styles.scale
        found.topPadding = 2.2 * styles.scale
        found.bottomPadding = 2.8 * styles.scale
        found.valign = "MIDDLE"
        found.alignment = align
        if role == "footer":
            found.leftPadding = found.rightPadding = found.bottomPadding = 0
            found.topPadding = 4.0 * styles.scale
        found.color = {"header": st.ACCENT, "label": st.ACCENT}.get(role) \
            or st.LEVEL_COLOURS.get(role, st.INK)
        _cell_styles[key] = found
    return found


def wrap_text(text: str, room: float, font: str, size: float) -> str:
    """``text`` broken into lines no wider than ``room`` (joined with newlines)."""
    out = []
    for segment in text.split("\n"):
        if text_width(segment, font, size) <= room:
            out.append(segment)
            continue
        widths = char_widths(segment, font, size)
        out += [segment[a:b] for a, b in break_lines(segment, widths, [room])]
    return "\n".join(out)


class FastTable(Table):
    """A Table of plain-string cells with a full grid, drawn fast.

    reportlab draws each string cell with ``canvas.drawString`` (a text object per cell,
    every number through its pure-Python ``fp_str``) and each grid segment as a
    separate line; for a thousand household files that was most of the time. Here all
    string cells of a table go into one text object with the operators written
    directly, and the grid is one path. Flowable cells and spans fall back to
    :class:`Table`'s own drawing.
    """

    grid_width = 0.5
    grid_colour = st.RULE

    def draw(self) -> None:
        self._text = None
        self._text_font: tuple[Any, ...] = ()
        self._text_colour: Any = None
        super().draw()
        if self._text is not None:
            canvas = self.canv
            canvas.saveState()  # a colour set inside the text object must not leak out
            canvas.drawText(self._text)
            canvas.restoreState()
            self._text = None

    def _has_footer(self) -> bool:
        if not self._cellvalues:
            return False
        cell = self._cellvalues[-1][0]
        if isinstance(cell, list | tuple) and cell:  # reportlab wraps flowable cells
            cell = cell[0]
        return getattr(cell, "table_footer", False)

    def _drawLines(self) -> None:
        if self._spanCmds:  # a spanned cell must not be crossed: reportlab knows how
            self._linecmds = []
            self._addCommand(("GRID", (0, 0), (-1, -1), self.grid_width, self.grid_colour))
            super()._drawLines()
            return
        xs, ys = self._colpositions, self._rowpositions
        if self._has_footer():
            ys = ys[:-1]  # the footer row sits under the grid
        left, right, top, bottom = f"{xs[0]:.2f}", f"{xs[-1]:.2f}", f"{ys[0]:.2f}", f"{ys[-1]:.2f}"
        path = [f"{left} {y:.2f} m {right} {y:.2f} l" for y in ys]
        path += [f"{x:.2f} {top} m {x:.2f} {bottom} l" for x in xs]
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.grid_colour)
        canvas.setLineWidth(self.grid_width)
        canvas._code.append(" ".join(path) + " S")
        canvas.restoreState()

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:
        if not isinstance(cellval, str) or cellstyle.href or cellstyle.destination \
                or cellstyle.direction or cellstyle.shaping:
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        if not cellval:
            return
        font = getFont(cellstyle.fontname)
        if not getattr(font, "_dynamicFont", False) or not self.canv.bottomup:
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        colpos, rowpos = pos
        colwidth, rowheight = size
        text = self._text
        if text is None:
            text = self._text = self.canv.beginText()
        code = text._code
        if self._text_font != (cellstyle.fontname, cellstyle.fontsize):
            text.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            self._text_font = (cellstyle.fontname, cellstyle.fontsize)
        if self._text_colour is not cellstyle.color:  # shared colour objects
            code.append(fill_op(cellstyle.color))
            self._text_colour = cellstyle.color
        lines = cellval.split("\n")
        leading, fontsize = cellstyle.leading, cellstyle.fontsize
        valign = cellstyle.valign
        if valign == "BOTTOM":
            y = rowpos + cellstyle.bottomPadding + len(lines) * leading - fontsize
        elif valign == "TOP":
            y = rowpos + rowheight - cellstyle.topPadding - fontsize
        else:  # MIDDLE, as reportlab computes it
            y = rowpos + (cellstyle.bottomPadding + rowheight - cellstyle.topPadding
                          + len(lines) * leading) / 2.0 - fontsize
        just = cellstyle.alignment
        canvas = self.canv
        doc = canvas._doc
        size_text = f"{fontsize:.2f}"
        for line in lines:
            if just == "LEFT":
                x = colpos + cellstyle.leftPadding
            else:
                width = text_width(line, cellstyle.fontname, fontsize)
                if just == "RIGHT":
                    x = colpos + colwidth - cellstyle.rightPadding - width
                else:
                    x = colpos + (colwidth + cellstyle.leftPadding - cellstyle.rightPadding
                                  - width) / 2.0
            code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
            for subset, shown in encoded_runs(font, doc, canvas, line):
                if subset != text._curSubset:  # TrueType text comes in 256-glyph subsets
                    code.append(f"{subset_name(font, doc, subset)} {size_text} Tf")
                    text._curSubset = subset
                code.append(shown)
            y -= leading


def key_values(pairs: Sequence[tuple[str, Any]], width: float, styles: st.Styles, *,
               columns: int = 2, label_width: float = 0.16,
               marks: dict[str, str] | None = None) -> Table:
    """A grid of label/value pairs (基本情况), ``columns`` pairs per row; ``marks`` colours
    the value of a label red or amber."""
    pad = 3.0 * styles.scale
    label_w = width * label_width
    value_w = (width - columns * label_w) / columns
    size = styles.cell_size
    label_style, value_style = cell_style(styles, "LEFT", "label"), cell_style(styles)
    rows: list[list[Any]] = []
    cell_styles: list[list[CellStyle]] = []
    commands = _grid_commands()
    for c in range(columns):
        commands.append(("BACKGROUND", (2 * c, 0), (2 * c, -1), st.HEADER_BG))
    marks = marks or {}
    for start in range(0, len(pairs), columns):
        row: list[Any] = []
        row_styles: list[CellStyle] = []
        for label, value in pairs[start:start + columns]:
            row += [wrap_text(label, label_w - 2 * pad, styles.font, size),
                    wrap_text(format_value(value, "text"), value_w - 2 * pad, styles.font, size)]
            row_styles += [label_style, cell_style(styles, "LEFT", marks[label])
                           if label in marks else value_style]
        row += [""] * (2 * columns - len(row))
        row_styles += [value_style] * (2 * columns - len(row_styles))
        rows.append(row)
        cell_styles.append(row_styles)
    return FastTable(rows, colWidths=[label_w, value_w] * columns, style=TableStyle(commands),
                     cellStyles=cell_styles, hAlign="LEFT")
