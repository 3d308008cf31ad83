"""The read-only lists of a household: 家庭成员, 监测记录 and 帮扶. Each says what to do when it
is empty and counts its rows for the tab title."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ....domain import catalogues as cat
from ...context import AppContext
from ...models.records import RecordsModel, records_view
from ...widgets import date_text, money
from .tab import HouseholdTab, translate, with_empty


class _ListTab(HouseholdTab):
    """A table of rows, or a line that says what to do while there are none."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._rows = 0
        self.box = QVBoxLayout(self)

    def _add_list(self, view: QWidget) -> QLabel:
        self.stack, empty = with_empty(view)
        self.box.addWidget(self.stack, 1)
        return empty

    def _show_rows(self, count: int) -> None:
        self.stack.setCurrentIndex(0 if count else 1)
        self._rows = count

    def count(self) -> int:
        return self._rows


class MembersTab(_ListTab):
    """家庭成员: who lives in the household, ID numbers masked."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.box.setContentsMargins(0, 0, 0, 0)  # the table fills the tab
        self.members_model = RecordsModel([
            translate("HouseholdDetailPage", "姓名"),
            translate("HouseholdDetailPage", "与户主关系"),
            translate("HouseholdDetailPage", "性别"),
            translate("HouseholdDetailPage", "出生日期"),
            translate("HouseholdDetailPage", "身份证号"),
            translate("HouseholdDetailPage", "文化程度"),
            translate("HouseholdDetailPage", "健康状况"),
            translate("HouseholdDetailPage", "劳动能力"),
            translate("HouseholdDetailPage", "务工就业"),
            translate("HouseholdDetailPage", "技能证书")], parent=self)
        self.members_view = records_view(self.members_model, {
            0: 80, 1: 90, 2: 50, 3: 100, 4: 170, 5: 110, 6: 100, 7: 140, 8: 240})
        self.members_empty = self._add_list(self.members_view)

    def fill(self, detail: dict[str, Any]) -> None:
        lang = self.ctx.lang
        rows = []
        for m in detail["members"]:
            work = ""
            if m["employed"]:
                work = " ".join(p for p in (m["employment_place"], m["employment_sector"]) if p)
                if m["employment_months"]:
                    work += translate("HouseholdDetailPage", " {n}个月").format(n=m["employment_months"])
                if m["employment_stable"]:
                    work += translate("HouseholdDetailPage", "（稳定）")
            rows.append((
                m["name"], cat.RELATIONS.label(m["relation"], lang),
                cat.SEXES.label(m["sex"], lang), date_text(m["birth_date"]),
                m["id_number_masked"], cat.EDUCATION_LEVELS.label(m["education"], lang),
                cat.HEALTH_STATES.label(m["health"], lang),
                cat.LABOUR_CAPACITIES.label(m["labour_capacity"], lang), work,
                "、".join(p for p in (m["certificates"], m["skills"]) if p)))
        self.members_model.set_rows(rows)
        self.members_empty.setText(translate("HouseholdDetailPage", "还没有登记家庭成员。"))
        self._show_rows(len(rows))


class MonitoringTab(_ListTab):
    """监测记录: the household's monitoring status now and its history, newest first."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.monitoring_label = QLabel()
        self.monitoring_label.setWordWrap(True)
        self.box.addWidget(self.monitoring_label)
        self.monitoring_model = RecordsModel([
            translate("HouseholdDetailPage", "日期"),
            translate("HouseholdDetailPage", "监测状态"),
            translate("HouseholdDetailPage", "风险类型"),
            translate("HouseholdDetailPage", "原因")],
            parent=self)
        view = records_view(self.monitoring_model, {0: 110, 1: 110, 2: 150})
        self.monitoring_empty = self._add_list(view)

    def fill(self, detail: dict[str, Any]) -> None:
        lang = self.ctx.lang
        text = translate("HouseholdDetailPage", "当前监测状态：{status}").format(
            status=cat.MONITORING_STATUSES.label(detail["monitoring_status"], lang))
        if detail["risk_kind"]:
            text += translate("HouseholdDetailPage", "　风险类型：{kind}").format(
                kind=cat.RISK_KINDS.label(detail["risk_kind"], lang))
        if detail["monitoring_since"]:
            text += translate("HouseholdDetailPage", "　纳入监测：{date}").format(
                date=date_text(detail["monitoring_since"]))
        if detail["risk_removed_on"]:
            text += translate("HouseholdDetailPage", "　风险消除：{date} {reason}").format(
                date=date_text(detail["risk_removed_on"]), reason=detail["risk_removed_reason"])
        self.monitoring_label.setText(text)
        rows = [(date_text(e["event_date"]), cat.MONITORING_STATUSES.label(e["status"], lang),
                 cat.RISK_KINDS.label(e["risk_kind"], lang), e["reason"])
                for e in reversed(detail["monitoring_history"])]  # newest first
        self.monitoring_model.set_rows(rows)
        self.monitoring_empty.setText(translate(
            "HouseholdDetailPage",
            "没有监测记录：这户未纳入防返贫监测。\n纳入时在“基本信息”中修改监测状态和风险类型。"))
        self._show_rows(len(rows))


class AssistanceTab(_ListTab):
    """帮扶: the assistance the household received (new records on the 帮扶记录 page)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.box.setContentsMargins(0, 0, 0, 0)  # the table fills the tab
        self.assistance_model = RecordsModel([
            translate("HouseholdDetailPage", "日期"),
            translate("HouseholdDetailPage", "措施类型"),
            translate("HouseholdDetailPage", "帮扶内容"),
            translate("HouseholdDetailPage", "金额"),
            translate("HouseholdDetailPage", "帮扶责任人"),
            translate("HouseholdDetailPage", "状态"),
            translate("HouseholdDetailPage", "结果")], right_aligned=[3],
            parent=self)
        self.assistance_view = records_view(self.assistance_model,
                                            {0: 100, 1: 100, 2: 330, 3: 110, 4: 100, 5: 80})
        self.assistance_empty = self._add_list(self.assistance_view)

    def fill(self, detail: dict[str, Any]) -> None:
        lang = self.ctx.lang
        rows = [(date_text(a["record_date"]), cat.MEASURE_KINDS.label(a["measure_kind"], lang),
                 a["content"], money(a["amount"]) if a["amount"] else "",
                 a["cadre_name"] or "", cat.ASSISTANCE_STATUSES.label(a["status"], lang),
                 a["result"]) for a in detail["assistance"]]
        self.assistance_model.set_rows(rows)
        self.assistance_empty.setText(translate(
            "HouseholdDetailPage", "还没有帮扶记录，可到“帮扶记录”页新建。"))
        self._show_rows(len(rows))
