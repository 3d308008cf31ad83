"""工作队季度考核结果: the assessment table and ranking of a quarter, the cadres' table,
the scoring rules and weights, and the half-year star rating, for the supervisor to sign.

Figures come from :mod:`workteam_desktop.store.assessment` (the same as the 季度考核
page); weights from the data home's settings (``assessment_weights``).
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Flowable, KeepTogether

from ..domain import assessment as da
from ..domain import catalogues as cat
from ..settings import load_settings
from ..store import report_queries as rq
from ..store.assessment import assess_quarter, cadre_figures, star_ratings
from ..store.store import Store
from . import styles as st
from .base import BuildContext, ReportDoc, ReportRequest
from .layout import PageInfo, frame_width, section, signature_block, title_block
from .tables import Column, TableData, render
from .text import para

TITLE = "工作队季度考核结果"
LANDSCAPE_A4 = landscape(A4)

INDICATOR_RULES = {
    "visit_coverage": "本季度走访过的农户 ÷ 农户总数",
    "deliveries": "十类中开展过的类别占60分，行动次数（30次满分）占40分",
    "urgent_resolved": "本季度解决的诉求 ÷（已解决 + 季度末未解决）；无诉求计满分",
    "resolve_days": "平均解决天数7天及以内满分，60天及以上0分，其间按比例",
    "forms_current": "季度末信息采集未逾期的农户 ÷ 农户总数",
    "trainings": "本季度培训次数，3次（每月一次）满分",
    "relocated_employment": "有劳动力的易地搬迁户中有人稳定就业的比例（一户一就业）",
    "manual": "督导人员录入的评分（0–100）；未录入按0分计",
}


def stars_text(n: int) -> str:
    """★★★☆☆ for 3 of 5 stars."""
    return "★" * n + "☆" * (5 - n)


def _score(value: float) -> float:
    return round(value, 1)


def build(store: Store, request: ReportRequest, ctx: BuildContext) -> ReportDoc:
    """Lay out the assessment of ``request.quarter`` (default: this quarter)."""
    ctx.progress.start(4)
    quarter = request.the_quarter(ctx.today)
    settings = load_settings(store.home)
    result = assess_quarter(store, quarter.code, settings.assessment_weights,
                            settings.form_period_days)
    cadres = cadre_figures(store, quarter.code)
    half = da.half_year_of_quarter(quarter.year, quarter.number)
    ratings = star_ratings(store, half, settings.assessment_weights, settings.form_period_days)
    scope = rq.resolve_scope(store, None)
    issuer = scope.name if scope.name != "全部" else rq.DEFAULT_ISSUER
    ctx.progress.step()
    info = PageInfo(TITLE, issuer, ctx.today, False, LANDSCAPE_A4)
    styles = st.make_styles()
    width = frame_width(info)
    period = f"{quarter.label}（{st.cn_date(quarter.start)}至{st.cn_date(quarter.end)}）"
    story: list[Flowable] = [*title_block(
        TITLE, [f"{quarter.label}　　参加考核的工作队：{len(result.teams)} 个",
                f"考核期间：{st.cn_date(quarter.start)}至{st.cn_date(quarter.end)}　　"
                f"考核单位：{issuer}"], styles)]

    # 一、排名
    ranking = TableData("考核排名", [
        Column("名次", 0.8, "int", "center"), Column("工作队", 4.2),
        *[Column(e.zh, 1.35, "number") for e in da.INDICATOR_LABELS],
        Column("总分", 1.1, "number")])
    for t in result.teams:
        marks = {}
        if t.indicators.manual is None:
            marks[2 + da.INDICATORS.index("manual")] = "amber"
        ranking.add([t.rank, t.indicators.team_name,
                     *[_score(t.scores[k]) for k in da.INDICATORS], _score(t.total)], marks)
    story += section("一、考核得分与排名（各项0–100分，总分按权重加权）", styles)
    story.append(render(ranking, width, styles))
    weights = "；".join(f"{e.zh} {result.weights[e.code]:.0%}" for e in da.INDICATOR_LABELS)
    story.append(para(f"权重：{weights}。督导评分为橙色者尚未录入，按0分计。", styles.small))
    ctx.progress.step()

    # 二、原始数据
    raw = TableData("考核原始数据", [
        Column("工作队", 4.2), Column("农户数", 1, "int"), Column("已走访户", 1.1, "int"),
        Column("十送次数", 1, "int"), Column("十送类别", 1, "int"),
        Column("诉求已解决", 1.1, "int"), Column("诉求未解决", 1.1, "int"),
        Column("平均解决天数", 1.3, "number"), Column("表单按期户", 1.2, "int"),
        Column("培训次数", 1, "int"), Column("搬迁有劳力户", 1.3, "int"),
        Column("其中有人稳定就业", 1.5, "int")])
    for t in result.teams:
        i = t.indicators
        raw.add([i.team_name, i.households, i.households_visited, i.delivery_actions,
                 i.delivery_categories, i.needs_resolved, i.needs_open, i.mean_resolve_days,
                 i.forms_current, i.trainings, i.relocated_labour_households,
                 i.relocated_employed_households], {6: "amber"} if i.needs_open else None)
    story += section("二、考核原始数据", styles, room=140)
    story.append(render(raw, width, styles))

    # 三、十送分类
    by_category = TableData("十送行动分类", [
        Column("工作队", 4.2), *[Column(e.zh, 1, "int") for e in cat.DELIVERY_CATEGORIES],
        Column("合计", 1, "int")])
    for t in result.teams:
        counts = [t.indicators.deliveries_by_category.get(c, 0)
                  for c in cat.DELIVERY_CATEGORIES.codes()]
        by_category.add([t.indicators.team_name, *counts, sum(counts)])
    story += section("三、十送专项行动分类统计（次）", styles, room=140)
    story.append(render(by_category, width, styles))

    # 四、干部
    cadre_table = TableData("驻村干部考核", [
        Column("名次", 0.8, "int", "center"), Column("姓名", 1.4), Column("职务", 1.6),
        Column("工作队", 4.2), Column("走访次数", 1, "int"), Column("走访户数", 1, "int"),
        Column("帮扶措施", 1, "int"), Column("发现诉求", 1, "int"), Column("已解决", 1, "int"),
        Column("督导评分", 1, "number"), Column("得分", 1, "number")])
    for c in cadres:
        cadre_table.add([c["rank"], c["name"], cat.CADRE_ROLES.label(c["role"]), c["team_name"],
                         c["visits"], c["households_visited"], c["assistance"],
                         c["needs_raised"], c["needs_resolved"], c["manual"], _score(c["score"])],
                        {9: "amber"} if c["manual"] is None else None)
    story += section("四、驻村干部考核", styles, room=140)
    story.append(render(cadre_table, width, styles))
    story.append(para(
        f"干部得分：走访户数占40%（本季度{da.CADRE_VISIT_TARGET}户满分），帮扶措施占20%"
        f"（{da.CADRE_ASSISTANCE_TARGET}项满分），发现的急难诉求解决比例占20%，督导评分占20%。",
        styles.small))
    ctx.progress.step()

    # 五、星级
    first, second = half.quarters
    stars = TableData("半年星级评定", [
        Column("工作队", 4.2), Column(f"{first}总分", 1.3, "number"),
        Column(f"{second}总分", 1.3, "number"), Column("平均分", 1.2, "number"),
        Column("星级", 1.6, "text", "center")])
    for r in ratings:
        stars.add([r.team_name, r.first, r.second, r.mean, stars_text(r.stars)])
    story += section(f"五、{half.label}星级评定", styles, room=160)
    story.append(render(stars, width * 0.72, styles))
    story.append(para(da.STAR_RULE_ZH, styles.small))

    # 六、评分办法, then signatures with it (never alone on a page)
    rules_table = TableData("评分办法", [
        Column("指标", 2), Column("权重", 0.8, "percent"), Column("计分方法", 8)])
    for e in da.INDICATOR_LABELS:
        rules_table.add([e.zh, result.weights[e.code], INDICATOR_RULES[e.code]])
    story += [ctx.progress.tick(), KeepTogether([
        *section("六、评分办法", styles, room=200),
        render(rules_table, width * 0.85, styles),
        *signature_block(["考核人（签字）", "审核人（签字）", "考核单位（盖章）"], styles, width)])]
    summary = {
        "quarter": quarter.code, "half_year": half.code, "teams": len(result.teams),
        "ranking": [{"rank": t.rank, "team": t.indicators.team_name, "total": t.total}
                    for t in result.teams],
        "stars": [{"team": r.team_name, "mean": r.mean, "stars": r.stars} for r in ratings],
        "weights": result.weights,
    }
    return ReportDoc(info, story, [ranking, raw, by_category, cadre_table, stars, rules_table],
                     f"{TITLE}_{quarter.code}", period, summary)
