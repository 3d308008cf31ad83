"""工作队季度工作报告: a quarter's work in figures and charts, for the team to sign.

Visit coverage, ten-deliveries actions by category, assistance by measure kind, urgent
needs (raised, resolved, median days to resolve), the rule alerts, trainings, and the
income and industry charts. Household figures and alerts come from
:func:`~workteam_desktop.store.figures.area_figures`, as on the dashboard.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from ..domain import catalogues as cat
from ..store import report_queries as rq
from ..store.figures import AreaFigures, area_figures
from ..store.store import Store
from . import charts
from . import styles as st
from .base import BuildContext, ReportDoc, ReportRequest
from .fonts import register_font
from .layout import PORTRAIT_A4, PageInfo, frame_width, section, signature_block, title_block
from .tables import Column, TableData, render
from .text import para

TITLE = "工作队季度工作报告"


def _side_by_side(left: Flowable, right: Flowable, width: float, split: float = 0.5) -> Table:
    return Table([[left, right]], colWidths=[width * split, width * (1 - split)],
                 style=TableStyle([("FONT", (0, 0), (-1, -1), register_font(), 10),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 6)]), hAlign="LEFT")


def income_items(f: AreaFigures) -> list[tuple[str, float]]:
    """Income composition as (label, yuan) for the pie: the dashboard's figures."""
    return [(cat.INCOME_KINDS.label(code), value) for code, value in f.income_composition.items()]


def industry_items(f: AreaFigures) -> list[tuple[str, float]]:
    """Households per industry for the bars: the dashboard's figures."""
    return [(cat.INDUSTRIES.label(code), n) for code, n in f.industries.items()]


def build(store: Store, request: ReportRequest, ctx: BuildContext) -> ReportDoc:
    """Lay out the quarterly report for ``request.quarter`` (default: this quarter)."""
    ctx.progress.start(4)
    quarter = request.the_quarter(ctx.today)
    scope = rq.resolve_scope(store, request.village)
    q = rq.quarter_figures(store, scope, quarter.start, quarter.end)
    figures = area_figures(store, scope.area_id, today=ctx.today)
    issuer = rq.issuer(store, scope)
    ctx.progress.step()
    info = PageInfo(TITLE, issuer, ctx.today, request.full_id, PORTRAIT_A4)
    styles = st.make_styles()
    width = frame_width(info)
    period = f"{quarter.label}（{st.cn_date(quarter.start)}至{st.cn_date(quarter.end)}）"
    as_of = st.cn_date(ctx.today)
    median = (f"{q.median_days_to_resolve:.1f}".rstrip("0").rstrip(".")
              if q.median_days_to_resolve is not None else None)
    story: list[Flowable] = [*title_block(
        TITLE, [f"{quarter.label}　　范围：{scope.name}",
                f"统计期间：{st.cn_date(quarter.start)}至{st.cn_date(quarter.end)}　　"
                f"填报单位：{issuer}"], styles)]

    # 一、概况
    story += section("一、本季度工作概况", styles)
    deliveries_total = sum(d["actions"] for d in q.deliveries.values())
    assistance_amount = sum(a["amount"] for a in q.assistance.values())
    assistance_records = sum(int(a["records"]) for a in q.assistance.values())
    lines = [
        f"本季度工作范围内共有农户 {figures.households:,} 户 {figures.people:,} 人，"
        f"其中易地搬迁户 {figures.relocated:,} 户。",
        f"开展走访 {q.visits:,} 次，走访农户 {q.households_visited:,} 户，"
        f"走访覆盖率 {st.percent(q.coverage)}。",
        f"开展十送专项行动 {deliveries_total:,} 次；落实帮扶措施 {assistance_records:,} 项，"
        f"涉及资金 {st.yuan(assistance_amount)}。",
        f"新发现急难愁盼问题 {q.needs_raised:,} 件，本季度解决 {q.needs_resolved:,} 件"
        + (f"，解决用时中位数 {median} 天" if median is not None else "")
        + f"，季度末仍有 {q.needs_open_at_end:,} 件未解决。",
        f"开展培训 {q.trainings:,} 次，参训 {q.training_attendees:,} 人次，其中登记参训的"
        f"农户成员 {q.training_participants:,} 人次，取得证书 {q.training_certificates:,} 本"
        f"（人人持证）。",
    ]
    for line in lines:
        story.append(para(line, styles.body))

    # 二、走访
    visits = TableData("走访覆盖", [
        Column("村（社区）", 3), Column("农户数", 1.4, "int"), Column("走访次数", 1.4, "int"),
        Column("已走访户数", 1.6, "int"), Column("走访覆盖率", 1.6, "percent")], total_row=True)
    for v in q.villages:
        visits.add([v["name"], v["households"], v["visits"], v["visited"], v["coverage"]])
    visits.add(["合计", q.households, q.visits, q.households_visited, q.coverage])
    story += section("二、走访情况", styles)
    story.append(render(visits, width, styles))

    # 三、十送
    deliveries = TableData("十送专项行动", [
        Column("类别", 2), Column("行动次数", 1.5, "int"), Column("覆盖人数", 1.5, "int"),
        Column("受益农户", 1.5, "int")], total_row=True)
    for code, d in q.deliveries.items():
        deliveries.add([cat.DELIVERY_CATEGORIES.label(code), d["actions"], d["people"],
                        d["households"]])
    deliveries.add(["合计", deliveries_total, sum(d["people"] for d in q.deliveries.values()),
                    None])
    story += section("三、十送专项行动", styles, room=260)
    bars = charts.hbar([(cat.DELIVERY_CATEGORIES.label(c), d["actions"])
                        for c, d in q.deliveries.items()], width * 0.46, 210,
                       value_text=lambda v: f"{v:,.0f}次")
    story.append(_side_by_side(render(deliveries, width * 0.52, styles), bars, width, 0.54))
    ctx.progress.step()

    # 四、帮扶措施
    assistance = TableData("帮扶措施", [
        Column("措施类别", 2), Column("措施数", 1.2, "int"), Column("帮扶户数", 1.3, "int"),
        Column("资金（元）", 2, "money")], total_row=True)
    for code, a in q.assistance.items():
        assistance.add([cat.MEASURE_KINDS.label(code), a["records"], a["households"],
                        a["amount"]])
    assistance.add(["合计", assistance_records, None, assistance_amount])
    story += section("四、帮扶措施落实", styles, room=260)
    amount_bars = charts.hbar([(cat.MEASURE_KINDS.label(c), a["amount"])
                               for c, a in q.assistance.items() if a["amount"]],
                              width * 0.44, 220, value_text=lambda v: f"{v / 10000:,.2f}万")
    story.append(_side_by_side(render(assistance, width * 0.52, styles), amount_bars, width, 0.54))

    # 五、急难愁盼
    needs = TableData("急难愁盼", [
        Column("问题类别", 2), Column("本季度发现", 1.5, "int"), Column("本季度解决", 1.5, "int")],
        total_row=True)
    for code, n in q.needs_by_category.items():
        if n["raised"] or n["resolved"]:
            needs.add([cat.URGENT_NEED_CATEGORIES.label(code), n["raised"], n["resolved"]])
    needs.add(["合计", q.needs_raised, q.needs_resolved])
    needs_summary = TableData("急难愁盼办理", [
        Column("指标", 2.4), Column("数值", 1.4, "number")])
    needs_summary.add(["本季度发现（件）", q.needs_raised])
    needs_summary.add(["本季度解决（件）", q.needs_resolved])
    needs_summary.add(["解决用时中位数（天）", q.median_days_to_resolve])
    needs_summary.add(["季度末未解决（件）", q.needs_open_at_end],
                      {1: "amber"} if q.needs_open_at_end else None)
    story += section("五、急难愁盼问题办理", styles, room=160)
    story.append(_side_by_side(render(needs, width * 0.52, styles),
                               render(needs_summary, width * 0.44, styles), width, 0.54))

    # 六、预警
    alerts = TableData("规则预警", [
        Column("预警", 1.6), Column("户数", 1, "int"), Column("说明", 4.4)])
    alerts.add(["观测对象", figures.observation, "人均纯收入低于监测标准且未纳入监测的农户"],
               {0: "red", 1: "red"} if figures.observation else None)
    alerts.add(["零就业", figures.zero_employment, "有劳动力但无人稳定就业的易地搬迁户"],
               {0: "red", 1: "red"} if figures.zero_employment else None)
    alerts.add(["逾期未更新", figures.overdue, "超过一个季度未采集更新信息的农户"],
               {0: "amber", 1: "amber"} if figures.overdue else None)
    alerts.add(["急难愁盼未解决", figures.open_urgent_needs, "走访中发现、尚未解决的问题"],
               {0: "amber", 1: "amber"} if figures.open_urgent_needs else None)
    story += section(f"六、规则预警（截至{as_of}）", styles, room=140)
    story.append(render(alerts, width, styles))

    # 七、收入与产业
    story += section(f"七、收入构成与产业分布（{figures.income_year or '—'}年度）", styles,
                     room=260)
    per_capita = (st.yuan(figures.per_capita_income) if figures.per_capita_income is not None
                  else "暂无")
    story.append(para(f"户均人均纯收入：{per_capita}。", styles.body))
    story.append(charts.caption("收入构成（万元）", width, 10))
    story.append(charts.pie(income_items(figures), width * 0.8, 150,
                            value_text=lambda v: f"{v / 10000:,.1f}万元"))
    ctx.progress.step()
    # The last chart and the signatures go together: never signatures alone on a page.
    story += [ctx.progress.tick(), KeepTogether([
        charts.caption("产业分布（户）", width, 10),
        charts.hbar(industry_items(figures), width * 0.8, 190, value_text=lambda v: f"{v:,.0f}户"),
        Spacer(1, 8),
        *signature_block(["工作队长（签字）", "第一书记（签字）", "派驻单位（盖章）"], styles, width)])]
    income_table = TableData("收入构成", [Column("收入类别", 2), Column("金额（元）", 2, "money")])
    for label, value in income_items(figures):
        income_table.add([label, value])
    industry_table = TableData("产业分布", [Column("产业", 2), Column("户数", 1, "int")])
    for label, n in industry_items(figures):
        industry_table.add([label, n])
    name = f"{TITLE}_{quarter.code}_{scope.name}"
    return ReportDoc(info, story, [visits, deliveries, assistance, needs, needs_summary, alerts,
                                   income_table, industry_table], name, period,
                     {"quarter": quarter.code, "visits": q.visits,
                      "households_visited": q.households_visited, "coverage": q.coverage,
                      "deliveries": deliveries_total, "assistance_amount": assistance_amount,
                      "needs_raised": q.needs_raised, "needs_resolved": q.needs_resolved,
                      "median_days": q.median_days_to_resolve,
                      "trainings": q.trainings, "training_participants": q.training_participants,
                      "training_certificates": q.training_certificates,
                      "observation": figures.observation,
                      "zero_employment": figures.zero_employment, "overdue": figures.overdue})
