"""Data-quality rules a supervisor checks imported data against (数据质量).

Each rule has a stable code, a Chinese (and English) name and an explanation that says
what is wrong and what to do, with placeholders the store fills from the row. The store
(:mod:`workteam_desktop.store.quality`) finds the rows in SQL; the limits live here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import DEFAULT_OBSERVATION_THRESHOLD

#: Per-capita net income above this many times the observation threshold is implausible
#: for a village household (8,500 × 20 = 170,000 yuan a person): most likely a typing slip
#: (an extra zero, household instead of per-capita income).
INCOME_HIGH_FACTOR = 20.0
#: A household income component above this is implausible (yuan a year).
INCOME_COMPONENT_MAX = 2_000_000.0


@dataclass(frozen=True, slots=True)
class QualityRule:
    """One check: code, names and the explanation template (``{…}`` from the row)."""

    code: str
    zh: str
    en: str
    explain_zh: str
    explain_en: str
    level: str = "amber"  # "red": wrong data; "amber": work left undone

    def label(self, lang: str = "zh") -> str:
        """The rule's name in ``lang``."""
        return self.en if lang.startswith("en") else self.zh

    def explain(self, lang: str = "zh", **values: object) -> str:
        """The explanation with the row's values filled in."""
        text = self.explain_en if lang.startswith("en") else self.explain_zh
        return text.format(**values)


RULES: dict[str, QualityRule] = {r.code: r for r in (
    QualityRule("rights_missing", "权益漏项", "Rights items missing",
                "易地搬迁户的权益清单缺 {count} 项（应有25项：迁出地8项、迁入地17项），请补齐",
                "The rights ledger of this relocated household lacks {count} of its 25 items; "
                "add them", "red"),
    QualityRule("rights_unassigned", "权益悬空", "Rights without anyone in charge",
                "权益清单中有 {count} 项没有责任人或未核实状态，请落实责任人（有人管、不悬空）",
                "Rights items with no one in charge or no status: {count}; assign them"),
    QualityRule("form_overdue", "逾期未更新", "Form overdue",
                "信息采集表上次更新于 {updated}，已超过 {days} 天，请入户采集更新",
                "The household form was last updated on {updated}, more than {days} days ago; "
                "update it"),
    QualityRule("form_never", "从未采集", "Form never filled",
                "这户从未填写信息采集表，请入户采集", "This household's form was never filled in; "
                "fill it in"),
    QualityRule("visit_no_findings", "走访无内容", "Visit without findings",
                "{date} 的走访没有填写发现的情况，请补记走访内容",
                "The visit on {date} has no findings recorded; add what was found"),
    QualityRule("income_negative", "收入为负", "Negative income",
                "{year} 年收入中有负数（{item}：{amount} 元），收入各项应为0或正数，请核对",
                "The {year} income has a negative item ({item}: {amount} yuan); check it", "red"),
    QualityRule("income_net_negative", "纯收入为负", "Negative net income",
                "{year} 年人均纯收入为 {amount} 元（生产经营支出大于收入），请核对收入和支出",
                "Per-capita net income for {year} is {amount} yuan (costs exceed income); check",
                "red"),
    QualityRule("income_too_high", "收入过高", "Implausibly high income",
                "{year} 年人均纯收入 {amount} 元，超过监测标准的{factor}倍，可能多输了一位数或"
                "把全家收入当作人均，请核对",
                "Per-capita net income for {year} is {amount} yuan, over {factor} times the "
                "threshold: perhaps a digit too many; check", "red"),
    QualityRule("wage_without_labour", "有工资无劳动力", "Wages but no labour",
                "{year} 年有工资性收入 {amount} 元，但家庭成员都没有劳动能力，请核对劳动能力或收入",
                "{amount} yuan of wages in {year}, but no member has labour capacity; check"),
    QualityRule("employed_without_labour", "无劳动力却务工", "Employed without labour",
                "成员{name}登记为务工就业，但劳动能力为“无”，请核对",
                "Member {name} is recorded as employed but without labour capacity; check"),
)}


def high_income_limit(threshold: float = DEFAULT_OBSERVATION_THRESHOLD) -> float:
    """Per-capita net income above this is implausible."""
    return threshold * INCOME_HIGH_FACTOR
