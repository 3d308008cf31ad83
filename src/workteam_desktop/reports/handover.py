"""驻村工作队交接清单: what an outgoing cadre hands over on rotation (驻村干部轮换).

The team's households (per village, then each household with its type, monitoring status
and masked ID number), the work still open on the handover date — urgent needs not
resolved, assistance measures not completed, ten-deliveries actions still to be done,
rights of relocated households left 悬空 — and a signature block for 交出人, 接收人 and
监交人. Built like the other reports (same pages, fonts, tables); not one of the 报表
page's kinds because it needs a cadre and a successor: ``workteam report handover``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from ..domain import catalogues as cat
from ..store.store import Store
from ..store.team import Handover, handover
from . import styles as st
from .base import Progress, ProgressFn, ReportResult
from .build import atomic_files, check_writable, reports_dir, safe_filename
from .layout import PORTRAIT_A4, PageInfo, build_pdf, frame_width, section, title_block
from .tables import Column, TableData, render, wrap_text
from .text import para

TITLE = "驻村工作队交接清单"
KIND = "handover"
RIGHT_ISSUES = {"missing": "未登记", "unassigned": "无责任人", "leaver": "责任人离岗",
                "problem": "有问题"}

NOTES = (
    "1. 农户清单按交接时本机的农户档案列出，身份证号脱敏显示。",
    "2. 急难愁盼：列出交接日期前提出、到交接日期仍未解决的问题；已过天数超过30天的标红。",
    "3. 帮扶措施：列出状态为“计划中”或“实施中”的措施（不论日期），由接收人继续落实；"
    "责任人为交出人或未指定的，请重新明确责任人。",
    "4. 十送行动：列出交接日期以后安排的行动，以及交接日期前已开展但尚未填写成效的行动"
    "（未填写成效视为未办结，请接收人核实后补录）。",
    "5. 权益事项：易地搬迁户的25项权益中，未登记、无责任人、有问题，或责任人为交出人的事项，"
    "交接后即“悬空”，请逐项落实，做到“有人管、有人帮、不悬空、不漏项”。",
)


@dataclass(frozen=True, slots=True)
class HandoverRequest:
    """A handover list as ``workteam report handover`` asks for it."""

    cadre: str  # the outgoing cadre's name or id
    on: dt.date | None = None  # default: the day they left, else today
    successor: str | None = None  # the incoming cadre (default: who arrived that day)
    team: str | None = None  # needed only when several teams have a cadre of that name
    full_id: bool = False


def _who(row: object | None) -> str:
    if row is None:
        return ""
    return f"{row.name}（{row.role_label}）"  # type: ignore[attr-defined]


def _summary(h: Handover) -> tuple[TableData, TableData]:
    villages = TableData("农户概况", [
        Column("村（社区）", 3), Column("农户（户）", 1.4, "int"), Column("人口（人）", 1.4, "int"),
        Column("监测户", 1.2, "int"), Column("易地搬迁户", 1.4, "int")], total_row=True)
    for v in h.villages:
        villages.add([v["name"], v["households"], v["people"], v["monitored"], v["relocated"]])
    villages.add(["合计", *(sum(v[k] for v in h.villages)
                            for k in ("households", "people", "monitored", "relocated"))])
    open_work = TableData("待接续事项", [Column("待接续事项", 3), Column("数量", 1, "int")])
    counts = [("未解决的急难愁盼（件，见第二部分）", len(h.urgent_needs), "red"),
              ("未完成的帮扶措施（项，见第三部分）", len(h.assistance), "amber"),
              ("待完成的十送行动（项，见第四部分）", len(h.deliveries), "amber"),
              ("悬空的权益事项（项，见第五部分）", len(h.rights), "red")]
    for label, n, level in counts:
        open_work.add([label, n], {0: level, 1: level} if n else None)
    return villages, open_work


def _with_village(h: Handover, columns: list[Column], at: int, width: float = 22) -> list[Column]:
    """The columns with 村（社区） inserted at ``at`` when the team has several villages
    (with one, the title names it)."""
    if len(h.team.villages) > 1:
        columns.insert(at, Column("村（社区）", width))
    return columns


def _village(h: Handover, name: str) -> list[str]:
    return [name] if len(h.team.villages) > 1 else []


def _needs(h: Handover) -> TableData:
    columns = _with_village(h, [
        Column("序号", 8, "int", "center"), Column("户主", 14), Column("户编号", 20),
        Column("类别", 14), Column("问题", 44), Column("提出日期", 26),
        Column("已过天数", 14, "int"), Column("状态", 12)], 3, 18)
    table = TableData("未解决的急难愁盼", columns)
    late_col = len(columns) - 2
    for i, n in enumerate(h.urgent_needs, start=1):
        table.add([i, n["head_name"], n["number"], *_village(h, n["village_name"]),
                   n["category_label"], n["text"], st.cn_date(n["raised_on"]), n["days_open"],
                   n["status_label"]], {late_col: "red"} if n["days_open"] > 30 else None)
    return table


def _assistance(h: Handover) -> TableData:
    columns = _with_village(h, [
        Column("序号", 10, "int", "center"), Column("户主", 14), Column("户编号", 20),
        Column("措施类别", 16), Column("帮扶内容", 36), Column("日期", 26),
        Column("责任人", 26), Column("状态", 12)], 3, 18)
    table = TableData("未完成的帮扶措施", columns)
    who_col = len(columns) - 2
    for i, a in enumerate(h.assistance, start=1):
        who = a["cadre_name"] + ("（交出人）" if a["leaver"] else "") if a["cadre_name"] else "未指定"
        table.add([i, a["head_name"], a["number"], *_village(h, a["village_name"]),
                   a["measure_label"], a["content"], st.cn_date(a["record_date"]), who,
                   a["status_label"]], {who_col: "red"} if a["leaver"] or not a["cadre_name"]
                  else None)
    return table


def _deliveries(h: Handover) -> TableData:
    table = TableData("待完成的十送行动", [
        Column("序号", 8, "int", "center"), Column("日期", 24), Column("类别", 14),
        Column("标题", 52), Column("地点", 26), Column("情况", 26)])
    for i, d in enumerate(h.deliveries, start=1):
        state = "交接后安排" if d["planned"] else "未填写成效"
        table.add([i, st.cn_date(d["action_date"]), d["category_label"], d["title"],
                   d["place"] or d["village_name"] or "", state],
                  None if d["planned"] else {5: "amber"})
    return table


def _rights(h: Handover) -> TableData:
    columns = _with_village(h, [
        Column("序号", 8, "int", "center"), Column("户主", 14), Column("户编号", 20),
        Column("权益事项", 46), Column("所在地", 12), Column("问题", 22), Column("责任人", 16)],
        3, 20)
    # One group per household, as in the 权益清单 report: the household named once; a
    # ledger never entered is one line, not 25.
    table = TableData("悬空的权益事项", columns, grouped=True)
    issue_col = len(columns) - 2
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in h.rights:
        groups.setdefault(r["household_number"], []).append(r)
    for n, items in enumerate(groups.values(), start=1):
        head = items[0]
        if len(items) == len(cat.ALL_RIGHTS) and all(r["issues"] == ["missing"] for r in items):
            items = [{**head, "right_label": f"全部{len(items)}项权益", "side_label": "两地",
                      "issues": ["missing"], "responsible": ""}]
        for k, r in enumerate(items):
            who_bad = not r["responsible"] or "leaver" in r["issues"]
            table.add([n if k == 0 else None, head["head_name"] if k == 0 else "",
                       head["household_number"] if k == 0 else "",
                       *_village(h, head["village_name"] if k == 0 else ""), r["right_label"],
                       r["side_label"], "、".join(RIGHT_ISSUES[x] for x in r["issues"]),
                       r["responsible"] or "无人负责"],
                      {issue_col: "red", issue_col + 1: "red"} if who_bad else {issue_col: "red"})
    return table


def _households(h: Handover, full_id: bool) -> TableData:
    columns = _with_village(h, [
        Column("序号", 8, "int", "center"), Column("户编号", 18), Column("户主", 14),
        Column("户类型", 12), Column("监测状态", 34), Column("身份证号", 30)], 3, 20)
    table = TableData("农户清单", columns)
    status_col = len(columns) - 2
    for i, row in enumerate(h.households, start=1):
        status = row["monitoring_label"] + (f"（{row['risk_label']}）" if row["risk_label"]
                                            and row["monitoring_status"] == "monitored" else "")
        number = row.get("id_number") if full_id else row["id_number_masked"]
        table.add([i, row["number"], row["head_name"], *_village(h, row["village_name"]),
                   row["type_label"], status, number or "—"],
                  {status_col: "amber"} if row["monitoring_status"] in ("monitored", "observation")
                  else None)
    return table


def _signatures(h: Handover, width: float) -> Table:
    """交出人 / 接收人 / 监交人: name printed, room to sign, the date by hand."""
    from .fonts import register_font

    font = register_font()
    styles = st.make_styles()
    size = styles.body.fontSize
    rows = [["", "姓名（职务）", "签字", "日期"],
            ["交出人", _who(h.cadre), "", "　　　　年　　月　　日"],
            ["接收人", _who(h.successor), "", "　　　　年　　月　　日"],
            ["监交人", "", "", "　　　　年　　月　　日"]]
    cells = [[wrap_text(text, width * w - 8, font, size) for text, w in
              zip(row, (0.14, 0.32, 0.26, 0.28), strict=True)] for row in rows]
    return Table(cells, colWidths=[width * w for w in (0.14, 0.32, 0.26, 0.28)],
                 rowHeights=[20, 34, 34, 34], hAlign="LEFT", style=TableStyle([
                     ("FONT", (0, 0), (-1, -1), font, size),
                     ("TEXTCOLOR", (0, 0), (-1, -1), st.INK),
                     ("TEXTCOLOR", (0, 0), (-1, 0), st.ACCENT),
                     ("TEXTCOLOR", (0, 1), (0, -1), st.ACCENT),
                     ("BACKGROUND", (0, 0), (-1, 0), st.HEADER_BG),
                     ("BACKGROUND", (0, 1), (0, -1), st.HEADER_BG),
                     ("GRID", (0, 0), (-1, -1), 0.5, st.RULE),
                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                     ("ALIGN", (0, 0), (0, -1), "CENTER"),
                     ("ALIGN", (0, 0), (-1, 0), "CENTER")]))


def build_story(h: Handover, full_id: bool, progress: Progress,
                today: dt.date) -> tuple[PageInfo, list[Flowable], list[TableData]]:
    """Lay the handover out: the page info, the flowables and the tables (for Excel)."""
    info = PageInfo(TITLE, h.team.name, today, full_id, PORTRAIT_A4)
    styles = st.make_styles()
    width = frame_width(info)
    villages_text = "、".join(name for _code, name in h.team.villages) or "—"
    unit = f"（{h.team.unit}）" if h.team.unit else ""
    successor = _who(h.successor) or "＿＿＿＿＿＿"
    story: list[Flowable] = [*title_block(TITLE, [
        f"工作队：{h.team.name}{unit}　　驻村：{villages_text}",
        f"交出人：{_who(h.cadre)}　　接收人：{successor}　　交接日期：{st.cn_date(h.on)}"], styles)]
    story.append(para(
        f"{h.cadre.name}同志离岗，将本工作队所驻村的农户档案和尚未办结的工作移交接收人。"
        f"下列事项截至{st.cn_date(h.on)}，请双方逐项核对后签字，监交人签字确认。", styles.body))

    villages, open_work = _summary(h)
    story += section("一、交接概况", styles)
    story.append(render(villages, width, styles))
    story.append(Spacer(1, 6))
    story.append(render(open_work, width * 0.7, styles))
    progress.step()

    parts: list[tuple[str, TableData, str]] = [
        ("二、未解决的急难愁盼", _needs(h), "交接日期前提出的急难愁盼问题都已解决。"),
        ("三、未完成的帮扶措施", _assistance(h), "没有计划中或实施中的帮扶措施。"),
        ("四、待完成的十送行动", _deliveries(h), "没有待完成的十送行动。"),
        ("五、悬空的权益事项", _rights(h), "易地搬迁户的权益都已登记、有人负责，没有悬空事项。"),
    ]
    tables = [villages, open_work]
    for title, table, empty in parts:
        story += section(title, styles)
        story.append(render(table, width, styles) if table.rows else para(empty, styles.body))
        tables.append(table)
    progress.step()

    households = _households(h, full_id)
    story += section(f"六、农户清单（{len(h.households):,} 户）", styles)
    story.append(render(households, width, styles) if households.rows
                 else para("本工作队所驻村还没有农户档案。", styles.body))
    tables.append(households)
    story.append(progress.tick())

    # The notes and the signatures stay together: signatures never alone on a page.
    story.append(KeepTogether([
        para("七、说明", styles.heading),
        *(para(line.replace("身份证号脱敏显示", "含完整身份证号（个人敏感信息，请妥善保管）")
               if full_id else line, styles.small) for line in NOTES),
        para("八、交接签字", styles.heading), _signatures(h, width)]))
    story.append(progress.tick())
    return info, story, tables


def build_handover(store: Store, request: HandoverRequest, out: Path | None = None, *,
                   progress: ProgressFn | None = None,
                   today: dt.date | None = None) -> ReportResult:
    """Build the handover list into ``out`` (default: a Chinese name under the data home's
    ``reports``). Bad parameters raise DomainError (an unknown cadre, for one) before any
    file is made; a failed build leaves no file."""
    today = today or dt.date.today()
    if out is not None:
        check_writable(Path(out))
    steps = Progress(progress)
    steps.start(4)
    h = handover(store, request.cadre, on=request.on, successor=request.successor,
                 team_key=request.team, full_id=request.full_id)
    steps.step()
    info, story, _tables = build_story(h, request.full_id, steps, today)
    if out is None:
        folder = reports_dir(store.home)
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / f"{safe_filename(f'交接清单_{h.team.name}_{h.cadre.name}_{h.on:%Y%m%d}')}.pdf"
        check_writable(out)
    with atomic_files([Path(out)]) as temps:
        pages = build_pdf(temps[0], story, info)
    steps.finish()
    summary = {"team": h.team.name, "cadre": h.cadre.name,
               "successor": h.successor.name if h.successor else None, "date": h.on.isoformat(),
               "households": len(h.households), "urgent_needs": len(h.urgent_needs),
               "assistance": len(h.assistance), "deliveries": len(h.deliveries),
               "rights": len(h.rights)}
    return ReportResult(KIND, TITLE, Path(out), pages, request.full_id, None, summary)
