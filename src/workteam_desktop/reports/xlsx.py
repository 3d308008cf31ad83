"""The report's tables as an Excel workbook (openpyxl): numbers stay numbers, dates dates."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .tables import TableData

_FORMATS = {"int": "#,##0", "money": "#,##0.00", "percent": "0.0%", "number": "#,##0.0",
            "date": "yyyy-mm-dd"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", title)[:28] or "表"
    name, n = base, 2
    while name in used:
        name = f"{base[:26]}{n}"
        n += 1
    used.add(name)
    return name


def _value(value: Any, kind: str) -> Any:
    if kind == "date" and isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def write_workbook(path: Path, title: str, info: dict[str, str], tables: list[TableData]) -> None:
    """Write ``tables`` (one sheet each) after a first sheet describing the report."""
    wb = Workbook()
    about = wb.active
    about.title = "报表信息"
    about.append([title])
    about["A1"].font = Font(bold=True, size=14)
    for key, value in info.items():
        about.append([key, value])
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 48
    used = {"报表信息"}
    header_fill = PatternFill("solid", fgColor="E6EDF5")
    for table in tables:
        ws = wb.create_sheet(_sheet_name(table.title, used))
        ws.append([c.header for c in table.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in table.rows:
            ws.append([_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = max(8, min(60, 9 * column.width))
            fmt = _FORMATS.get(column.kind)
            wrap = column.kind == "text"
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                if fmt:
                    cell.number_format = fmt
                if wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    wb.save(path)
