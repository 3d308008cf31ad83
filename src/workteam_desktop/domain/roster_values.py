"""Reading the values of a roster's cells: labels to catalogue codes, numbers, yes/no.

Rosters say the same thing many ways (脱贫户 / 建档立卡户, 普通劳动力 / 技能劳动力,
之子 / 儿子 / 长子); each parser takes a cell's text and returns the code to store, or
raises :class:`DomainError` with the message the validation report shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from . import catalogues as cat
from . import fields
from .problems import DomainError, Problem

# Extra words for catalogue labels, as rosters write them (the catalogues' own code,
# Chinese and English labels are accepted too).
_TYPE_WORDS = {
    "脱贫户": "alleviated", "脱贫家庭": "alleviated", "建档立卡户": "alleviated",
    "脱贫人口": "alleviated", "已脱贫户": "alleviated", "脱贫不享受政策": "alleviated",
    "监测户": "monitored", "监测对象": "monitored", "防返贫监测户": "monitored",
    "一般户": "ordinary", "一般农户": "ordinary", "普通户": "ordinary", "非贫困户": "ordinary",
    "普通农户": "ordinary",
}
# 监测类型 cells: a status, or the risk kind of a monitored household (the monitoring
# system writes the kind in this column), or nothing for households not monitored.
_MONITORING_WORDS: dict[str, tuple[str, str | None]] = {
    "未纳入": ("none", None), "无": ("none", None), "否": ("none", None),
    "非监测对象": ("none", None), "不是": ("none", None), "/": ("none", None),
    "观测对象": ("observation", None), "观察对象": ("observation", None),
    "监测对象": ("monitored", None), "是": ("monitored", None), "风险未消除": ("monitored", None),
    "未消除风险": ("monitored", None),
    "风险已消除": ("removed", None), "已消除风险": ("removed", None), "已消除": ("removed", None),
    "脱贫不稳定户": ("monitored", "unstable"), "边缘易致贫户": ("monitored", "marginal"),
    "突发严重困难户": ("monitored", "sudden"),
}
_RELATION_WORDS = {
    "本人": "head", "户主本人": "head", "户主": "head",
    "配偶": "spouse", "妻": "spouse", "妻子": "spouse", "丈夫": "spouse", "夫": "spouse",
    "子": "son", "儿子": "son", "长子": "son", "次子": "son", "三子": "son", "之子": "son",
    "女": "daughter", "女儿": "daughter", "长女": "daughter", "次女": "daughter",
    "三女": "daughter", "之女": "daughter",
    "儿媳": "daughter_in_law", "之儿媳": "daughter_in_law",
    "女婿": "son_in_law", "之女婿": "son_in_law",
    "孙子": "grandson", "之孙子": "grandson", "孙女": "granddaughter", "之孙女": "granddaughter",
    "父亲": "father", "之父": "father", "母亲": "mother", "之母": "mother",
}
_LABOUR_WORDS = {
    "普通劳动力": "full", "技能劳动力": "full", "劳动力": "full", "有劳动力": "full",
    "弱劳动力或半劳动力": "partial", "弱劳动力": "partial", "半劳动力": "partial",
    "丧失劳动力": "none", "无劳动力": "none",
}
_HEALTH_WORDS = {"健康": "healthy", "慢性病": "chronic", "长期慢性病": "chronic",
                 "大病": "serious", "患有大病": "serious", "残疾": "disabled"}
_EDUCATION_WORDS = {"文盲": "illiterate", "半文盲": "illiterate", "中专": "vocational",
                    "职高": "vocational", "技校": "vocational", "大专": "college",
                    "本科": "college", "本科及以上": "college", "学龄前": "preschool",
                    "高中及以上": "senior"}
_SEX_WORDS = {"男": "male", "女": "female"}
_EMPLOYED_NO = {"未务工", "无", "否", "在家", "未就业", "不务工", "0", "no", "在校生", "务农"}
_YEAR = re.compile(r"^(19|20)\d\d")


def clean(text: str) -> str:
    """A cell's text with full-width forms folded and spaces removed (for label lookups)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _chooser(catalogue: cat.Catalogue, words: dict[str, str],
             label: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = clean(text)
        code = words.get(value) or catalogue.code_for(value)
        if code is None:
            choices = "、".join(e.zh for e in catalogue)
            raise DomainError(Problem("choice.invalid",
                                      {"value": text.strip(), "field": label, "choices": choices}))
        return code
    return parse


parse_household_type = _chooser(cat.HOUSEHOLD_TYPES, _TYPE_WORDS, "户类型")
parse_risk_kind = _chooser(cat.RISK_KINDS, {}, "风险类型")
parse_sex = _chooser(cat.SEXES, _SEX_WORDS, "性别")
parse_labour = _chooser(cat.LABOUR_CAPACITIES, _LABOUR_WORDS, "劳动能力")
parse_health = _chooser(cat.HEALTH_STATES, _HEALTH_WORDS, "健康状况")
parse_education = _chooser(cat.EDUCATION_LEVELS, _EDUCATION_WORDS, "文化程度")


def parse_relation(text: str) -> str:
    """与户主关系 as a relation code; kin the catalogue does not name (之外孙, 之兄弟姐妹)
    is 其他, anything else unknown is refused."""
    value = clean(text)
    code = _RELATION_WORDS.get(value) or cat.RELATIONS.code_for(value)
    if code is not None:
        return code
    if value.startswith("之") or value in {"其他", "其它", "兄弟姐妹", "外孙", "外孙女", "侄子",
                                          "侄女", "祖父", "祖母", "曾孙子", "曾孙女"}:
        return "other"
    choices = "、".join(e.zh for e in cat.RELATIONS)
    raise DomainError(Problem("choice.invalid",
                              {"value": text.strip(), "field": "与户主关系", "choices": choices}))


def parse_monitoring(text: str) -> tuple[str, str | None]:
    """监测类型 as (monitoring status code, risk kind code or None)."""
    value = clean(text)
    if value in _MONITORING_WORDS:
        return _MONITORING_WORDS[value]
    code = cat.MONITORING_STATUSES.code_for(value)
    if code is not None:
        return code, None
    risk = cat.RISK_KINDS.code_for(value)
    if risk is not None:
        return "monitored", risk
    choices = "、".join([e.zh for e in cat.MONITORING_STATUSES] + [e.zh for e in cat.RISK_KINDS])
    raise DomainError(Problem("choice.invalid",
                              {"value": text.strip(), "field": "监测类型", "choices": choices}))


def parse_employed(text: str) -> bool:
    """务工状态: 务工 / 省外务工 / 县内务工 / 是 → True; 未务工 / 无 / 否 → False."""
    value = clean(text).lower()
    if value in _EMPLOYED_NO:
        return False
    if "务工" in value or "就业" in value or value in {"是", "1", "yes", "有"}:
        return True
    raise DomainError(Problem("bool.invalid", {"text": text.strip()}))


_AMOUNT = re.compile(r"^[+-]?(\d[\d,，]*)?(\.\d*)?$")


def parse_money(text: str, label: str) -> float:
    """An amount in yuan (never negative): digits, thousands separators, a decimal point,
    元. ``约3000``, ``3千`` or ``1e3`` are refused, not guessed."""
    value = clean(text).removesuffix("元")
    if not _AMOUNT.match(value) or not any(c.isdigit() for c in value):
        raise DomainError(Problem("money.invalid", {"text": text.strip()}), label)
    return fields.parse_money(value, label)


def parse_count(text: str, label: str) -> int:
    """A whole number of at least 1 (家庭人口); ``3人`` and ``3.0`` are accepted."""
    value = clean(text).removesuffix("人").removesuffix("口")
    if re.fullmatch(r"\d+\.0*", value):
        value = value.split(".")[0]
    number = fields.parse_int(value, label)
    if number is None or number < 1:
        raise DomainError(Problem("members.zero"), label)
    return number


def parse_months(text: str, label: str) -> int:
    """Months worked in a year (0–12)."""
    value = clean(text).removesuffix("个月").removesuffix("月")
    if re.fullmatch(r"\d+\.0*", value):
        value = value.split(".")[0]
    number = fields.parse_int(value, label)
    if number is None or not 0 <= number <= 12:
        raise DomainError(Problem("int.invalid", {"text": text.strip()}), label)
    return number


def parse_year(text: str) -> int:
    """收入年度: 2025, 2025年, 2025.0."""
    value = clean(text).removesuffix("年")
    if re.fullmatch(r"\d{4}(\.0*)?", value) and _YEAR.match(value):
        return int(value[:4])
    raise DomainError(Problem("int.invalid", {"text": text.strip()}), "收入年度")
