"""Reading a roster file (xlsx or csv) as rows of text under a detected header row.

Excel files are streamed with openpyxl's read-only mode (a 50,000-row export stays small
in memory); CSV files may be UTF-8 (with or without BOM) or GB18030, which is what Excel
on a Chinese Windows writes; the delimiter is sniffed. Exports put titles, notes and
two-line (merged) headers above the data, so the header row is looked for in the first
rows: the one whose cells read most like known headers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.problems import DomainError, Problem
from ..domain.roster_fields import guess_field, header_score

HEADER_SEARCH_ROWS = 10
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_SNIFF_BYTES = 16384
_DELIMITERS = (",", "\t", ";", "|")


@dataclass(slots=True)
class RosterTable:
    """A roster's header and data rows as text; row numbers count as Excel shows them."""

    name: str
    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    encoding: str = ""

    def samples(self, column: int, count: int = 3) -> list[str]:
        """The first non-empty values of a column (shown next to the mapping)."""
        out: list[str] = []
        for _, cells in self.rows:
            if column < len(cells) and cells[column]:
                out.append(cells[column])
                if len(out) == count:
                    break
        return out


def cell_text(value: object) -> str:
    """A cell's value as the text a person sees (3000.0 → "3000", dates as 2026-11-29)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_roster(path: str | Path, sheet: str | None = None) -> RosterTable:
    """Read a roster file; raises :class:`DomainError` when it cannot be read."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError:
        raise DomainError(Problem("roster.unreadable", {"name": path.name})) from None
    if path.suffix.lower() in _EXCEL_SUFFIXES or magic.startswith(b"PK"):
        return _read_excel(path, sheet)
    if path.suffix.lower() == ".xls" or magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DomainError(Problem("roster.unreadable", {"name": path.name}))
    return _read_csv(path)


def sheet_names(path: str | Path) -> list[str]:
    """The sheets of an Excel file (empty for CSV)."""
    path = Path(path)
    if path.suffix.lower() not in _EXCEL_SUFFIXES:
        return []
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:
        raise DomainError(Problem("roster.unreadable", {"name": path.name})) from None
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _read_excel(path: Path, sheet: str | None) -> RosterTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise DomainError(Problem("roster.unreadable", {"name": path.name})) from None
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise DomainError(Problem("roster.no_sheet",
                                      {"sheet": sheet, "choices": "、".join(names)}))
        ws = book[sheet] if sheet is not None else book[names[0]]
        rows = ([cell_text(v) for v in values]
                for values in ws.iter_rows(values_only=True))
        table = _table(path.name, rows)
        table.sheets, table.sheet = names, ws.title
        return table
    finally:
        book.close()


def _decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not) when it decodes, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "utf-8"


def _read_csv(path: Path) -> RosterTable:
    try:
        data = path.read_bytes()
    except OSError:
        raise DomainError(Problem("roster.unreadable", {"name": path.name})) from None
    text, encoding = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    table = _table(path.name, ([c.strip() for c in row] for row in reader))
    table.encoding = encoding
    return table


def sniff_delimiter(text: str) -> str:
    """The delimiter of CSV text: the candidate seen most in its first lines.

    (csv.Sniffer wants every line alike and gives up on a title line above the table.)
    """
    head = text[:_SNIFF_BYTES].splitlines()[:HEADER_SEARCH_ROWS]
    counts = {d: sum(line.count(d) for line in head) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _table(name: str, rows: Iterator[list[str]]) -> RosterTable:
    head: list[list[str]] = []
    for row in rows:
        head.append(row)
        if len(head) == HEADER_SEARCH_ROWS:
            break
    best, best_score, best_headers = -1, 0, []
    for i, row in enumerate(head):
        headers = merge_header_rows(head[i - 1] if i else [], row)
        score = header_score(headers)
        if score > best_score:
            best, best_score, best_headers = i, score, headers
    if best < 0:
        raise DomainError(Problem("roster.no_header", {"name": name, "rows": HEADER_SEARCH_ROWS}))
    width = len(best_headers)
    while width and not best_headers[width - 1]:
        width -= 1
    table = RosterTable(name, best_headers[:width], best + 1)
    number = best + 1
    for row in [*head[best + 1:], *rows]:
        number += 1
        cells = row[:width]
        if any(cells):
            table.rows.append((number, cells + [""] * (width - len(cells))))
    return table


def merge_header_rows(upper: Sequence[str], lower: Sequence[str]) -> list[str]:
    """Column headers from a header row and the row above it (two-line headers).

    A cell empty in the lower row takes the upper row's text (a header merged over both
    lines); a lower cell under a group title (基本信息, 户主) takes the group's name in front
    when that makes a known header (户主 + 身份证号 → 户主身份证号).
    """
    out: list[str] = []
    group = ""
    for i in range(max(len(upper), len(lower))):
        above = upper[i] if i < len(upper) else ""
        below = lower[i] if i < len(lower) else ""
        if above:
            group = above
        if not below:
            out.append(above)
        elif group and guess_field(group + below) is not None and guess_field(below) != guess_field(
                group + below):
            out.append(group + below)
        else:
            out.append(below)
    return out
