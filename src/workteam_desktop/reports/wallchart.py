"""挂图作战 wall charts, A3 landscape: 村情简介, 产业分布图, 收入构成图, 监测帮扶图.

Every figure a chart shows comes from :func:`~workteam_desktop.store.figures.area_figures`,
the function behind the dashboard, so the wall and the screen agree.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from ..domain import catalogues as cat
from ..store import report_queries as rq
from ..store.figures import AreaFigures, area_figures
from ..store.store import Store
from . import charts
from . import styles as st
from .base import BuildContext, ReportDoc, ReportRequest
from .fonts import register_font
from .layout import LANDSCAPE_A3, PageInfo, frame_width, title_block
from .quarterly import income_items, industry_items
from .tables import Column, TableData, render
from .text import para

TITLE = "挂图作战"
SCALE = 1.45


def _tiles(items: list[tuple[str, str, str | None]], width: float, styles: st.Styles) -> Table:
    """Big figures in a row: (value, label, alert level or None)."""
    cells = []
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), styles.font, 10),  # else reportlab's default Helvetica
        ("BOX", (0, 0), (-1, -1), 0.8, st.RULE),
        ("INNERGRID", (0, 0), (-1, -1), 0.8, st.RULE),
        ("BACKGROUND", (0, 0), (-1, -1), st.ZEBRA),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 14),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 14),
    ]
    for value, label, level in items:
        style = st.coloured(styles.figure, level) if level else styles.figure
        cells.append([para(value, style), para(label, styles.figure_label)])
    return Table([cells], colWidths=[width / len(items)] * len(items),
                 style=TableStyle(commands), hAlign="LEFT")


def _two_columns(left: list[Flowable], right: list[Flowable], width: float,
                 split: float = 0.5) -> Table:
    return Table([[left, right]], colWidths=[width * split, width * (1 - split)],
                 style=TableStyle([("FONT", (0, 0), (-1, -1), register_font(), 10),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (0, -1), 14),
                                   ("RIGHTPADDING", (1, 0), (1, -1), 0)]), hAlign="LEFT")


def _profile(f: AreaFigures, scope: rq.Scope, store: Store, request: ReportRequest,
             styles: st.Styles, width: float) -> tuple[list[Flowable], list[TableData]]:
    per_capita = f"{f.per_capita_income:,.0f}" if f.per_capita_income is not None else "—"
    monitored = f.monitoring.get("monitored", 0)
    tiles = _tiles([
        (f"{f.households:,}", "总户数", None),
        (f"{f.people:,}", "总人口", None),
        (f"{f.relocated:,}", "易地搬迁户", None),
        (per_capita, f"户均人均纯收入（元，{f.income_year or '—'}年）", None),
        (f"{monitored:,}", "监测对象（户）", "red" if monitored else None),
        (f"{f.observation:,}", "观测对象（收入低于标准）", "red" if f.observation else None),
        (f"{f.zero_employment:,}", "零就业家庭", "red" if f.zero_employment else None),
        (f"{f.overdue:,}", "逾期未更新", "amber" if f.overdue else None),
    ], width, styles)
    villages = TableData("村情", [
        Column("村（社区）", 2.2), Column("户数", 1, "int"), Column("人口", 1, "int"),
        Column("易地搬迁户", 1.3, "int"), Column("监测户", 1, "int"),
        Column("户均人均纯收入（元）", 2, "money")])
    for v in rq.village_rows(store, scope):
        villages.add([v["name"], v["households"], v["people"], v["relocated"], v["monitored"],
                      v["per_capita_income"]])
    teams = TableData("工作队与干部", [
        Column("工作队", 3.0), Column("驻村时间", 1.9), Column("队员（职务）", 2.6),
        Column("联系电话", 1.6)])
    for team in rq.teams_and_cadres(store, scope, full_phone=request.full_id):
        for i, c in enumerate(team["cadres"] or [{"name": "", "role_label": "", "phone": ""}]):
            first = i == 0
            teams.add([f"{team['name']}（{'、'.join(team['villages'])}）" if first else "",
                       st.cn_date(team["started_on"]) if first else "",
                       f"{c['name']}（{c['role_label']}）" if c["name"] else "", c["phone"]])
    status_pie = [
        (cat.MONITORING_STATUSES.label(code), n) for code, n in f.monitoring.items()]
    colours = ["#9fb3c8", "#f0a030", "#d9534f", "#5cb85c"]  # the dashboard's status colours
    half = width * 0.5 - 14
    left = [para("各村（社区）基本情况", styles.subheading), render(villages, half, styles),
            Spacer(1, 14), para("监测状态（户，按登记的监测状态）", styles.subheading),
            charts.pie(status_pie, half, 300, colours=colours, donut=True,
                       font_size=10 * SCALE)]
    right = [para("工作队与帮扶干部", styles.subheading), render(teams, width * 0.5, styles)]
    story = [tiles, Spacer(1, 12), _two_columns(left, right, width)]
    return story, [villages, teams]


def build(store: Store, request: ReportRequest, ctx: BuildContext) -> ReportDoc:
    """Lay out the four wall charts for the village (or everything)."""
    ctx.progress.start(5)
    scope = rq.resolve_scope(store, request.village)
    figures = area_figures(store, scope.area_id, today=ctx.today)
    issuer = rq.issuer(store, scope)
    info = PageInfo(TITLE, issuer, ctx.today, request.full_id, LANDSCAPE_A3)
    styles = st.make_styles(SCALE)
    width = frame_width(info)
    as_of = st.cn_date(ctx.today)
    ctx.progress.step()

    def heading(name: str) -> list[Flowable]:
        return title_block(f"{scope.name}　{name}", [f"{issuer}　　截至{as_of}"], styles)

    story: list[Flowable] = [*heading("村情简介")]
    profile, profile_tables = _profile(figures, scope, store, request, styles, width)
    story += profile
    ctx.progress.step()

    # 产业分布图
    industries = TableData("产业分布", [Column("产业", 2), Column("参与户数", 1.4, "int"),
                                       Column("占总户数", 1.4, "percent")])
    for label, n in industry_items(figures):
        industries.add([label, n, n / figures.households if figures.households else 0.0])
    story += [PageBreak(), *heading("产业分布图")]
    story.append(_two_columns(
        [charts.hbar(industry_items(figures), width * 0.6 - 14, 560, font_size=10 * SCALE,
                     value_text=lambda v: f"{v:,.0f}户")],
        [para("各产业参与户数", styles.subheading), render(industries, width * 0.4, styles),
         Spacer(1, 8), para("一户可参与多个产业；户数为参与该产业的农户数。", styles.small)],
        width, 0.6))
    ctx.progress.step()

    # 收入构成图
    total = sum(figures.income_composition.values())
    income = TableData("收入构成", [Column("收入类别", 2), Column("金额（元）", 2, "money"),
                                   Column("占比", 1.2, "percent"),
                                   Column("户均（元）", 1.6, "money")], total_row=True)
    for label, value in income_items(figures):
        income.add([label, value, value / total if total else 0.0,
                    value / figures.households if figures.households else None])
    income.add(["合计", total, 1.0 if total else 0.0,
                total / figures.households if figures.households else None])
    per_capita = (st.yuan(figures.per_capita_income) if figures.per_capita_income is not None
                  else "暂无")
    story += [PageBreak(), *heading(f"收入构成图（{figures.income_year or '—'}年度）")]
    story.append(_two_columns(
        [charts.pie(income_items(figures), width * 0.6 - 14, 520, font_size=10 * SCALE,
                    value_text=lambda v: f"{v / 10000:,.1f}万元")],
        [para("收入构成", styles.subheading), render(income, width * 0.4, styles),
         Spacer(1, 10), para(f"户均人均纯收入：{per_capita}", styles.body)],
        width, 0.6))
    ctx.progress.step()

    # 监测帮扶图
    rows = rq.monitoring_rows(store, scope)
    one_village = len({r["village_name"] for r in rows}) <= 1
    columns = [
        Column("序号", 0.7, "int", "center"), Column("村（社区）", 2.2), Column("户编号", 1.9),
        Column("户主", 1.2), Column("人口", 0.8, "int"), Column("风险类型", 2.4),
        Column("纳入监测", 2.4), Column("人均纯收入（元）", 1.9, "money"),
        Column("帮扶措施", 5.2), Column("帮扶责任人", 1.8), Column("状态", 2.4)]
    if one_village:  # the title names the village; its column would repeat it on every row
        del columns[1]
    chart = TableData("监测帮扶", columns)
    last = len(columns) - 1
    for i, r in enumerate(rows, start=1):
        measures = "；".join(f"{m['kind_label']}：{m['content']}（{m['status_label']}）"
                            for m in r["measures"][:4])
        if len(r["measures"]) > 4:
            measures += f"；等{len(r['measures'])}项"
        status = r["status_label"]
        if r["monitoring_status"] == "removed" and r["risk_removed_on"]:
            status += f"\n{st.cn_date(r['risk_removed_on'])}"
        level = {"monitored": "red", "observation": "amber"}.get(r["monitoring_status"])
        marks = {last: level} if level else {}
        if not r["responsible"]:
            marks[last - 1] = "red"
        row = [i, r["village_name"], r["number"], r["head_name"], r["member_count"],
               r["risk_label"] or "—", st.cn_date(r["monitoring_since"]),
               r["per_capita_income"], measures or "暂无措施",
               "、".join(r["responsible"][:2]) or "未落实", status]
        if one_village:
            del row[1]
        chart.add(row, marks)
    story += [PageBreak(), *heading("监测帮扶图")]
    counts = {code: sum(r["monitoring_status"] == code for r in rows)
              for code in ("monitored", "observation", "removed")}
    story.append(para(
        f"监测对象 {counts['monitored']:,} 户，观测对象 {counts['observation']:,} 户，"
        f"风险已消除 {counts['removed']:,} 户。", styles.body))
    story += [render(chart, width, styles) if rows else
              para("本村（社区）没有纳入监测的农户。", styles.body), ctx.progress.tick()]
    name = f"{TITLE}_{scope.name}_{ctx.today:%Y%m%d}"
    return ReportDoc(info, story, [*profile_tables, industries, income, chart], name,
                     f"截至{as_of}",
                     {"households": figures.households, "people": figures.people,
                      "relocated": figures.relocated,
                      "per_capita_income": figures.per_capita_income,
                      "monitored_rows": len(rows), "industries": dict(figures.industries),
                      "income_composition": dict(figures.income_composition)})

