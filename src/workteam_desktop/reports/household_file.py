"""一户一档: one household per page (more when its file is long), many in one PDF.

Basic data, members, income composition with the per-capita figure and threshold,
monitoring status and history, the rights ledger (relocated households), assistance,
recent visits, and lines for the cadre (帮扶责任人) and the head (户主) to sign.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, PageBreak, Spacer

from ..domain import catalogues as cat
from ..domain import phone, rules
from ..store import report_queries as rq
from ..store.household_detail import household_detail
from ..store.store import Store
from . import styles as st
from .base import BuildContext, ReportDoc, ReportRequest
from .layout import (
    PORTRAIT_A4,
    PageInfo,
    PageMark,
    frame_width,
    section,
    signature_block,
    signatures,
)
from .tables import Column, TableData, key_values, render
from .text import markup, para, rich

TITLE = "一户一档"
RECENT_VISITS = 5

MEMBER_COLUMNS = [
    Column("姓名", 14), Column("关系", 11), Column("性别", 9, align="center"),
    Column("出生日期", 26), Column("身份证号", 33), Column("文化程度", 15),
    Column("健康状况", 15), Column("劳动能力", 17), Column("务工就业", 24), Column("技能证书", 18)]
INCOME_COLUMNS = [
    Column("年度", 9, align="center"), Column("工资性收入", 17, "money"),
    Column("经营净收入", 17, "money"), Column("财产净收入", 16, "money"),
    Column("转移净收入", 17, "money"), Column("生产经营支出", 17, "money"),
    Column("人口", 8, "int"), Column("人均纯收入", 18, "money"),
    Column("监测标准", 15, "money"), Column("对照", 14, align="center")]
MONITORING_COLUMNS = [Column("日期", 27), Column("监测状态", 18), Column("风险类型", 24),
                      Column("说明", 80)]
RIGHTS_COLUMNS = [Column("权益事项", 34), Column("状态", 14, align="center"), Column("责任人", 14),
                  Column("权益事项", 34), Column("状态", 14, align="center"), Column("责任人", 14)]
ASSISTANCE_COLUMNS = [Column("日期", 27), Column("措施类别", 16), Column("帮扶内容", 48),
                      Column("金额（元）", 18, "money"), Column("帮扶责任人", 19),
                      Column("状态", 13, align="center"), Column("成效", 30)]
VISIT_COLUMNS = [Column("日期", 27), Column("走访干部", 21), Column("事由", 20),
                 Column("发现情况与措施", 78), Column("急难愁盼", 40)]


def _employment(m: dict[str, Any]) -> str:
    if not m["employed"]:
        return ""
    parts = [m["employment_place"], m["employment_sector"]]
    if m["employment_months"]:
        parts.append(f"{m['employment_months']}个月")
    parts.append("稳定" if m["employment_stable"] else "不稳定")
    return "，".join(p for p in parts if p)


def _skills(m: dict[str, Any]) -> str:
    return "；".join(p for p in (m["skills"], m["certificates"]) if p)


def _flag_words(h: dict[str, Any]) -> str:
    words = []
    for flag in h["flags"]:
        zh = rules.FLAG_LABELS[flag][0]
        colour = "#b06d00" if flag == rules.FLAG_OVERDUE else "#c5221f"
        words.append(f'<font color="{colour}">{markup(zh)}</font>')
    return "　".join(words)


def household_story(h: dict[str, Any], styles: st.Styles, width: float, today_text: str,
                    full_id: bool) -> tuple[list[Flowable], list[list[Any]]]:
    """The pages of one household, and its row for the workbook's summary sheet."""
    story: list[Flowable] = []
    head = f"{h['head_name']}户"
    story.append(para(f"{TITLE}　{head}", styles.title))
    place = f"{h['village_name']} {h['grid_name'] or ''}".strip()
    sub = f"户编号：{h['number']}　　{place}　　截至{today_text}"
    flags = _flag_words(h)
    # Most households have no flag: a plain line is much cheaper than parsed markup.
    story.append(rich(f"{markup(sub)}　　{flags}", styles.subtitle_line) if flags
                 else para(sub, styles.subtitle_line))
    story.append(Spacer(1, 4))

    responsible = list(dict.fromkeys(a["cadre_name"] for a in h["assistance"] if a["cadre_name"]))
    id_text = h["id_number"] if full_id and h.get("id_number") else h["id_number_masked"]
    phone_text = (h["phone"] if full_id else phone.mask(h["phone"])) or "无"
    if h["relocated"]:
        relocation = (f"是，{h['relocation_year'] or ''}年由{h['origin_village'] or '—'}"
                      f"迁入{h['resettlement_site'] or '—'}")
    else:
        relocation = "否"
    insured = (f"意外险{'已参保' if h['accident_insured'] else '未参保'}；"
               f"防返贫保险{'已参保' if h['relapse_insured'] else '未参保'}")
    industries = "、".join(
        f"{i['industry_label']}（{i['scale']}）" if i["scale"] else i["industry_label"]
        for i in h["industries"]) or "无"
    updated = st.cn_date(h["form_updated_on"]) or "从未采集"
    if rules.FLAG_OVERDUE in h["flags"]:
        updated += "（逾期未更新）"
    pairs: list[tuple[str, Any]] = [
        ("户主", h["head_name"]), ("户编号", h["number"]),
        ("身份证号", id_text), ("联系电话", phone_text),
        ("户类型", h["type_label"]), ("家庭人口", f"{h['member_count'] or len(h['members'])}人"),
        ("所在村（社区）", place), ("家庭住址", h["address"]),
        ("易地搬迁", relocation), ("参加保险", insured),
        ("产业", industries), ("信息更新", updated),
        ("帮扶责任人", "、".join(responsible) or "未确定"),
        ("监测状态", h["monitoring_status_label"] + (f"（{h['risk_kind_label']}）"
                                                    if h["risk_kind_label"] else "")),
    ]
    marks = {}
    if rules.FLAG_OVERDUE in h["flags"]:
        marks["信息更新"] = "amber"
    if not responsible:
        marks["帮扶责任人"] = "amber"
    if h["monitoring_status"] in ("monitored", "observation"):
        marks["监测状态"] = "red"
    story += section("一、基本情况", styles, sub=True, room=60)
    story.append(key_values(pairs, width, styles, columns=2, label_width=0.135, marks=marks))

    members = TableData("家庭成员", MEMBER_COLUMNS)
    for m in h["members"]:
        member_id = m.get("id_number") if full_id else m["id_number_masked"]
        members.add([m["name"], m["relation_label"], cat.SEXES.label(m["sex"]),
                     st.cn_date(m["birth_date"]), member_id or m["id_number_masked"],
                     cat.EDUCATION_LEVELS.label(m["education"]),
                     cat.HEALTH_STATES.label(m["health"]), m["labour_capacity_label"],
                     _employment(m), _skills(m)])
    story += section("二、家庭成员", styles, sub=True, room=60)
    story.append(render(members, width, styles))

    income = TableData("收入构成", INCOME_COLUMNS)
    for inc in h["income"]:
        below = inc["per_capita_income"] is not None and inc["per_capita_income"] < inc["threshold"]
        income.add([f"{inc['year']}", inc["wage"], inc["operating"], inc["property"],
                    inc["transfer"], inc["costs"], inc["members"] or len(h["members"]),
                    inc["per_capita_income"], inc["threshold"], "低于标准" if below else "高于标准"],
                   {7: "red", 9: "red"} if below else None)
    story += section("三、收入构成（元）", styles, sub=True, room=60)
    story.append(render(income, width, styles))
    if h["observation"]:
        story.append(para("人均纯收入低于监测标准，已列为观测对象，请核实并研究帮扶措施。",
                          st.coloured(styles.cell, "red")))

    story += section("四、防返贫监测", styles, sub=True, room=60)
    status = h["monitoring_status_label"]
    if h["monitoring_since"]:
        status += f"，{st.cn_date(h['monitoring_since'])}纳入"
    if h["risk_removed_on"]:
        status += f"，{st.cn_date(h['risk_removed_on'])}风险消除"
        if h["risk_removed_reason"]:
            status += f"（{h['risk_removed_reason']}）"
    story.append(para(f"监测状态：{status}。" + (f"风险类型：{h['risk_kind_label']}。"
                                                if h["risk_kind_label"] else ""), styles.cell))
    if h["monitoring_history"]:
        history = TableData("监测记录", MONITORING_COLUMNS)
        for e in h["monitoring_history"]:
            history.add([st.cn_date(e["event_date"]), cat.MONITORING_STATUSES.label(e["status"]),
                         cat.RISK_KINDS.label(e["risk_kind"]), e["reason"]])
        story.append(Spacer(1, 3))
        story.append(render(history, width, styles))

    if h["relocated"]:
        story += section("五、权益清单（易地搬迁）", styles, sub=True, room=120)
        story.append(render(_rights_table(h["rights"]), width, styles))
    n = 6 if h["relocated"] else 5
    numerals = "一二三四五六七八九十"

    assistance = TableData("帮扶措施", ASSISTANCE_COLUMNS)
    for a in h["assistance"]:
        assistance.add([st.cn_date(a["record_date"]), cat.MEASURE_KINDS.label(a["measure_kind"]),
                        a["content"], a["amount"] or None, a["cadre_name"] or "",
                        cat.ASSISTANCE_STATUSES.label(a["status"]), a["result"]])
    story += section(f"{numerals[n - 1]}、帮扶措施", styles, sub=True, room=60)
    story.append(render(assistance, width, styles))

    visits = TableData("近期走访", VISIT_COLUMNS)
    for v in h["visits"][:RECENT_VISITS]:
        found = "\n".join(x for x in (v["findings"], v["measures"]) if x)
        needs = "；".join(f"{u['text']}（{u['status_label']}）" for u in v["urgent_needs"])
        visits.add([st.cn_date(v["visit_date"]), "、".join(v["visitors"]), v["purpose"], found,
                    needs], {4: "amber"} if any(u["status"] != "resolved"
                                                for u in v["urgent_needs"]) else None)
    story += section(f"{numerals[n]}、近期走访（最近{RECENT_VISITS}次）", styles, sub=True, room=60)
    labels = ["帮扶责任人（签字）", "户主（签字）"]
    if visits.rows:  # the signatures stay with the file's last rows, never alone on a page
        story.append(render(visits, width, styles, footer=signatures(labels, styles)))
    else:
        story += [render(visits, width, styles), *signature_block(labels, styles, width)]

    summary_row = [h["number"], h["head_name"], id_text, phone_text, h["village_name"],
                   h["type_label"], h["member_count"] or len(h["members"]),
                   h["per_capita_income"], h["threshold"], h["monitoring_status_label"],
                   "是" if h["relocated"] else "否", "、".join(responsible),
                   "、".join(rules.FLAG_LABELS[f][0] for f in h["flags"])]
    return story, [summary_row]


def _rights_table(ledger: list[dict[str, Any]]) -> TableData:
    """The 25 rights in two side-by-side halves; gaps (权益悬空) in red or amber."""
    table = TableData("权益清单", RIGHTS_COLUMNS)
    half = (len(ledger) + 1) // 2
    for r in range(half):
        row: list[Any] = []
        marks: dict[int, str] = {}
        for side, item in enumerate((ledger[r], ledger[r + half] if r + half < len(ledger)
                                     else None)):
            if item is None:
                row += ["", "", ""]
                continue
            status = item["status_label"] or ("未登记" if item["missing"] else "未核查")
            row += [item["right_label"], status, item["responsible"] or "无人负责"]
            if item["missing"] or item["status"] == "problem":
                marks[3 * side + 1] = "red"
            elif item["status"] in (None, "in_progress"):
                marks[3 * side + 1] = "amber"
            if not item["responsible"]:
                marks[3 * side + 2] = "red"
        table.add(row, marks)
    return table


SUMMARY_COLUMNS = [
    Column("户编号", 12), Column("户主", 8), Column("身份证号", 20), Column("联系电话", 13),
    Column("村（社区）", 14), Column("户类型", 8), Column("人口", 6, "int"),
    Column("人均纯收入", 12, "money"), Column("监测标准", 10, "money"), Column("监测状态", 10),
    Column("易地搬迁", 8), Column("帮扶责任人", 14), Column("预警", 14)]


def build(store: Store, request: ReportRequest, ctx: BuildContext) -> ReportDoc:
    """Lay out the household files asked for: the listed households, else every
    household of the village (or of everything)."""
    if request.households:
        ids = rq.household_ids_for(store, request.households)
        scope = (rq.resolve_scope(store, request.village) if request.village
                 else rq.households_scope(store, ids))
        scope_name = scope.name if request.village else None
    else:
        scope = rq.resolve_scope(store, request.village)
        ids = rq.scope_household_ids(store, scope)
        scope_name = scope.name
    if not ids:
        from .base import ReportError

        raise ReportError(f"“{scope.name}”没有农户，请换一个村或先录入农户")
    ctx.progress.start(2 * len(ids) + 1)
    issuer = rq.issuer(store, scope)
    info = PageInfo(TITLE, issuer, ctx.today, request.full_id, PORTRAIT_A4)
    styles = st.make_styles()
    width = frame_width(info)
    today_text = st.cn_date(ctx.today)
    story: list[Flowable] = []
    summary = TableData("农户汇总", SUMMARY_COLUMNS)
    names: list[str] = []
    first_pages: dict[str, int] = {}
    for index, hid in enumerate(ids):
        h = household_detail(store, hid, full_id=request.full_id, today=ctx.today,
                             visits=RECENT_VISITS)
        pages, rows = household_story(h, styles, width, today_text, request.full_id)
        if index:
            story.append(PageBreak())
        story += [ctx.progress.tick(), PageMark(first_pages, hid)]
        story += pages
        for row in rows:
            summary.add(row)
        names.append(h["head_name"])
        ctx.progress.step()
    if len(ids) == 1:
        name = f"{TITLE}_{names[0]}_{summary.rows[0][0]}"
    else:
        name = f"{TITLE}_{scope_name or '选定农户'}_{len(ids)}户"
    return ReportDoc(info, story, [summary], name, f"截至{today_text}",
                     {"households": len(ids), "household_ids": ids, "names": names,
                      "first_pages": first_pages})
