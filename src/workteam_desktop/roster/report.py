"""The validation report (问题清单) as an Excel file the team can fix its roster from.

It shows ID numbers as they are in the roster (the report is for the team that owns the
roster and must find the row); nothing of it is logged.
"""

from __future__ import annotations

from pathlib import Path

from ..domain.roster_rules import RosterPlan

HEADERS = {"zh": ("行号", "列", "内容", "问题"), "en": ("Row", "Column", "Value", "Problem")}


def write_report(plan: RosterPlan, path: str | Path, source: str = "", lang: str = "zh") -> None:
    """Write the problems of ``plan`` to an .xlsx file: one row per problem."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "问题清单" if lang == "zh" else "Problems"
    if lang == "zh":
        title = (f"花名册问题清单：{source}　共{plan.rows_total}行，"
                 f"{len(plan.skipped_rows)}行未导入，{len(plan.problems)}个问题")
    else:
        title = (f"Roster problems: {source}  {plan.rows_total} rows, "
                 f"{len(plan.skipped_rows)} not imported, {len(plan.problems)} problems")
    ws.append([title])
    ws["A1"].font = Font(bold=True)
    ws.append(list(HEADERS["en" if lang.startswith("en") else "zh"]))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for p in plan.problems:
        ws.append([p.row, p.column, p.value, p.message(lang)])
        ws.cell(ws.max_row, 3).number_format = "@"  # ID numbers stay text, not 1.4E+17
    for column, width in zip("ABCD", (8, 16, 26, 70), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A3"
    book.save(path)
