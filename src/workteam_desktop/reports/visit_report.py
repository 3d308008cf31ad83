"""走访报告: the visits of a period in a village (or by one cadre), summary first."""

from __future__ import annotations

from ..store import report_queries as rq
from ..store.store import Store
from . import styles as st
from .base import BuildContext, ReportDoc, ReportRequest
from .layout import (
    PORTRAIT_A4,
    PageInfo,
    frame_width,
    section,
    signature_block,
    signatures,
    title_block,
)
from .tables import Column, TableData, render
from .text import para

TITLE = "走访报告"


def build(store: Store, request: ReportRequest, ctx: BuildContext) -> ReportDoc:
    """Lay out the visit report asked for by ``request``."""
    ctx.progress.start(4)
    start, end = request.period(ctx.today)
    cadre_name = None
    if request.cadre:
        cadre_id, cadre_name, cadre_villages = rq.cadre_scope(store, request.cadre)
        scope = rq.resolve_scope(store, request.village) if request.village else cadre_villages
    else:
        cadre_id = None
        scope = rq.resolve_scope(store, request.village)
    data = rq.visit_report(store, scope, start, end, cadre_id)
    ctx.progress.step()
    issuer = rq.issuer(store, scope)
    period = f"{st.cn_date(start)}至{st.cn_date(end)}"
    info = PageInfo(TITLE, issuer, ctx.today, request.full_id, PORTRAIT_A4)
    styles = st.make_styles()
    width = frame_width(info)
    who = f"走访干部：{cadre_name}　" if cadre_name else ""
    s = data["summary"]

    summary = TableData("走访汇总", [
        Column("范围", 1.6), Column("走访次数", 1, "int"), Column("总户数", 1, "int"),
        Column("已走访户数", 1.1, "int"), Column("走访覆盖率", 1.1, "percent"),
        Column("发现急难愁盼", 1.2, "int"), Column("已解决", 0.9, "int"),
        Column("未解决", 0.9, "int")])
    summary.add([scope.name, s["visits"], s["households"], s["households_visited"],
                 s["coverage"], s["needs_raised"], s["needs_resolved"], s["needs_open"]],
                {7: "amber"} if s["needs_open"] else None)

    detail = TableData("走访明细", [
        Column("序号", 9, "int", "center"), Column("日期", 26), Column("走访农户", 22),
        Column("走访干部", 17), Column("走访事由", 19), Column("发现情况与商定措施", 50),
        Column("急难愁盼及办理情况", 37)])
    for i, v in enumerate(data["visits"], start=1):
        when = st.cn_date(v["visit_date"]) + (f"\n{v['visit_time']}" if v["visit_time"] else "")
        households = "\n".join(f"{h['head_name']}\n{h['number']}" for h in v["households"])
        found = [f"发现：{v['findings']}" if v["findings"] else "",
                 f"措施：{v['measures']}" if v["measures"] else "",
                 f"回访：{st.cn_date(v['follow_up_date'])}" if v["follow_up_date"] else ""]
        needs = []
        open_need = False
        for n in v["urgent_needs"]:
            state = n["status_label"]
            if n["status"] == "resolved" and n["resolved_on"]:
                state += f" {st.cn_date(n['resolved_on'])}"
                if n["resolution"]:
                    state += f"，{n['resolution']}"
            else:
                open_need = True
            needs.append(f"【{n['category_label']}】{n['text']}（{state}）")
        detail.add([i, when, households, "、".join(v["visitors"]), v["purpose"],
                    "\n".join(x for x in found if x), "\n".join(needs)],
                   {6: "amber"} if open_need else None)
    ctx.progress.step()

    story = [
        *title_block(TITLE, [f"{who}范围：{scope.name}　　统计期间：{period}",
                             f"填报单位：{issuer}"], styles),
        *section("一、汇总", styles),
        render(summary, width, styles),
        *section("二、走访明细", styles),
    ]
    labels = ["填报人（签字）", "审核人（签字）"]
    if data["visits"]:  # the signatures stay with the last visits, never alone on a page
        story.append(render(detail, width, styles, footer=signatures(labels, styles)))
    else:
        story += [para("本期间没有走访记录。", styles.body), *signature_block(labels, styles, width)]
    story.append(ctx.progress.tick())
    name = f"{TITLE}_{cadre_name or scope.name}_{start:%Y%m%d}-{end:%Y%m%d}"
    return ReportDoc(info, story, [summary, detail], name, period,
                     {**s, "visit_ids": [v["id"] for v in data["visits"]],
                      "households_named": sorted({h["head_name"] for v in data["visits"]
                                                  for h in v["households"]})})
