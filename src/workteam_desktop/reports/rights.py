"""权益清单 report: relocated households whose rights are not all secured.

A right is listed when it is missing from the ledger (不漏项), has no one in charge or
was never checked (有人管、不悬空), or its status is 有问题 or 办理中.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

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

TITLE = "权益清单核查报告"
ISSUE_LABELS = {"missing": "未登记", "unassigned": "无责任人", "problem": "有问题",
                "in_progress": "办理中"}
ISSUE_LEVELS = {"missing": "red", "unassigned": "red", "problem": "red", "in_progress": "amber"}


def build(store: Store, request: ReportRequest, ctx: BuildContext) -> ReportDoc:
    """Lay out the rights report for the village (or everything)."""
    ctx.progress.start(3)
    scope = rq.resolve_scope(store, request.village)
    data = rq.rights_issues(store, scope)
    issuer = rq.issuer(store, scope)
    ctx.progress.step()
    info = PageInfo(TITLE, issuer, ctx.today, request.full_id, PORTRAIT_A4)
    styles = st.make_styles()
    width = frame_width(info)
    as_of = st.cn_date(ctx.today)
    counts = data["counts"]

    summary = TableData("核查汇总", [
        Column("易地搬迁户", 1.2, "int"), Column("需跟进户数", 1.2, "int"),
        Column("需跟进事项", 1.2, "int"), Column("未登记", 1, "int"), Column("无责任人", 1, "int"),
        Column("有问题", 1, "int"), Column("办理中", 1, "int")])
    summary.add([data["relocated"], len(data["households"]), data["items"], counts["missing"],
                 counts["unassigned"], counts["problem"], counts["in_progress"]],
                {c: ISSUE_LEVELS[k] for c, k in ((3, "missing"), (4, "unassigned"),
                                                  (5, "problem"), (6, "in_progress"))
                 if counts[k]})

    detail = TableData("需跟进事项", [
        Column("序号", 9, "int", "center"), Column("户主", 15), Column("户编号", 22),
        Column("迁出地 → 安置点", 30), Column("权益事项", 34), Column("所在地", 12),
        Column("问题", 17), Column("责任人", 15), Column("备注", 26)], grouped=True)
    for i, h in enumerate(data["households"], start=1):
        move = f"{h['origin_village'] or '—'} → {h['resettlement_site'] or h['village_name']}"
        for k, item in enumerate(h["items"]):
            issues = "、".join(ISSUE_LABELS[x] for x in item["issues"])
            level = "red" if any(ISSUE_LEVELS[x] == "red" for x in item["issues"]) else "amber"
            marks = {6: level}
            if not item["responsible"]:
                marks[7] = "red"
            detail.add([i if k == 0 else None, h["head_name"] if k == 0 else "",
                        h["number"] if k == 0 else "", move if k == 0 else "",
                        item["right_label"], item["side_label"], issues,
                        item["responsible"] or "无人负责", item["note"]], marks)
    ctx.progress.step()

    story: list[Flowable] = [
        *title_block(TITLE, [f"范围：{scope.name}　　截至{as_of}", f"填报单位：{issuer}"],
                     styles),
        para("易地搬迁户在迁出地保留8项权益、在安置地享有17项权益，每一项都应"
             "“有人管、有人帮、不悬空、不漏项”。下表列出尚未登记、无人负责、有问题或仍在办理中的事项，"
             "请逐项落实责任人和办理时限。", styles.body),
        *section("一、核查汇总", styles),
        render(summary, width, styles),
        *section("二、需跟进事项", styles),
    ]
    labels = ["核查人（签字）", "审核人（签字）"]
    if data["households"]:  # the signatures stay with the last rows, never alone on a page
        story.append(render(detail, width, styles, footer=signatures(labels, styles)))
    else:
        story += [para("全部易地搬迁户的权益均已保障到位，没有需跟进的事项。", styles.body),
                  *signature_block(labels, styles, width)]
    story.append(ctx.progress.tick())
    name = f"{TITLE}_{scope.name}_{ctx.today:%Y%m%d}"
    return ReportDoc(info, story, [summary, detail], name, f"截至{as_of}",
                     {"relocated": data["relocated"], "households": len(data["households"]),
                      "items": data["items"], **counts,
                      "names": [h["head_name"] for h in data["households"]]})
