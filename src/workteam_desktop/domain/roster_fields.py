"""What the columns of a household roster (花名册) can mean, and guessing it from headers.

Rosters come from the national monitoring system (防返贫监测信息系统) or are kept by hand;
their header words vary (户主姓名 or 户主, 身份证号 or 证件号码, 人均纯收入（元） …). Each
column is mapped to one :class:`TargetField`; headers are normalised (spaces, brackets,
units such as （元） removed, full-width forms folded) before they are looked up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

HOUSEHOLD = "household"
MEMBER = "member"


@dataclass(frozen=True, slots=True)
class TargetField:
    """A field a roster column can fill."""

    key: str
    zh: str
    en: str
    level: str  # HOUSEHOLD or MEMBER
    synonyms: tuple[str, ...] = ()

    def label(self, lang: str = "zh") -> str:
        """The field's name for people."""
        return self.en if lang.startswith("en") else self.zh


# Order matters twice: it is the order of the mapping combo, and the order of the columns
# an export writes (the export's headers are the first synonym of each, so they map back).
TARGET_FIELDS: tuple[TargetField, ...] = (
    TargetField("village", "所在村", "Village", HOUSEHOLD,
                ("所在村", "行政村", "村", "村名", "所属村", "村社区", "所在村社区", "村委会",
                 "所在行政村", "村居", "社区", "安置社区", "所在村委会")),
    TargetField("number", "户编号", "Household number", HOUSEHOLD,
                ("户编号", "户号", "家庭编号", "农户编号", "户码")),
    TargetField("head_name", "户主姓名", "Head's name", HOUSEHOLD,
                ("户主姓名", "户主", "户主名称")),
    TargetField("head_id_number", "户主身份证号", "Head's ID number", HOUSEHOLD,
                ("户主身份证号", "户主身份证号码", "户主证件号码", "户主证件号")),
    TargetField("relation", "与户主关系", "Relation to head", MEMBER,
                ("与户主关系", "家庭关系", "关系", "与户主的关系")),
    TargetField("name", "姓名", "Name", MEMBER,
                ("姓名", "成员姓名", "家庭成员姓名", "人员姓名")),
    TargetField("id_number", "身份证号", "ID number", MEMBER,
                ("身份证号", "证件号码", "身份证号码", "身份证", "公民身份号码", "证件号",
                 "成员身份证号")),
    TargetField("sex", "性别", "Sex", MEMBER, ("性别",)),
    TargetField("birth_date", "出生日期", "Birth date", MEMBER, ("出生日期", "出生年月")),
    TargetField("phone", "联系电话", "Phone", HOUSEHOLD,
                ("联系电话", "电话", "手机号", "手机号码", "联系方式", "电话号码", "户主电话")),
    TargetField("address", "家庭住址", "Address", HOUSEHOLD,
                ("家庭住址", "住址", "地址", "详细地址", "现住址")),
    TargetField("group", "村民小组", "Village group", HOUSEHOLD,
                ("村民小组", "组", "小组", "所在组")),
    TargetField("type", "户类型", "Household type", HOUSEHOLD,
                ("户类型", "户属性", "农户类型", "户别", "家庭类型", "人口类型")),
    TargetField("monitoring", "监测类型", "Monitoring", HOUSEHOLD,
                ("监测类型", "监测对象类别", "监测状态", "监测对象类型", "是否监测对象")),
    TargetField("risk_kind", "风险类型", "Risk kind", HOUSEHOLD,
                ("风险类型", "返贫致贫风险", "风险类别")),
    TargetField("members", "家庭人口", "Household size", HOUSEHOLD,
                ("家庭人口", "人口数", "家庭人口数", "家庭人数", "户人口数", "人口")),
    TargetField("per_capita_income", "人均纯收入", "Per-capita net income", HOUSEHOLD,
                ("人均纯收入", "人均收入", "家庭人均纯收入", "年人均纯收入", "人均年纯收入")),
    TargetField("income_year", "收入年度", "Income year", HOUSEHOLD,
                ("收入年度", "年度", "收入年份")),
    TargetField("wage", "工资性收入", "Wage income", HOUSEHOLD, ("工资性收入",)),
    TargetField("operating", "经营净收入", "Net operating income", HOUSEHOLD,
                ("经营净收入", "生产经营性收入", "经营性收入")),
    TargetField("property", "财产净收入", "Net property income", HOUSEHOLD,
                ("财产净收入", "财产性收入")),
    TargetField("transfer", "转移净收入", "Net transfer income", HOUSEHOLD,
                ("转移净收入", "转移性收入")),
    TargetField("costs", "生产经营费用", "Production costs", HOUSEHOLD,
                ("生产经营费用", "生产经营性支出", "生产性支出")),
    TargetField("relocated", "易地搬迁", "Relocated", HOUSEHOLD,
                ("易地搬迁", "是否易地搬迁", "是否搬迁户", "易地扶贫搬迁")),
    TargetField("labour_capacity", "劳动能力", "Labour capacity", MEMBER,
                ("劳动能力", "劳动技能", "劳动力状况")),
    TargetField("health", "健康状况", "Health", MEMBER, ("健康状况", "身体状况")),
    TargetField("education", "文化程度", "Education", MEMBER, ("文化程度", "学历")),
    TargetField("employed", "务工状态", "Employment", MEMBER,
                ("务工状态", "是否务工", "务工情况", "就业状态", "务工就业")),
    TargetField("employment_place", "务工地点", "Place of work", MEMBER,
                ("务工地点", "务工地区", "务工所在地", "就业地点")),
    TargetField("employment_months", "务工时间（月）", "Months worked", MEMBER,
                ("务工时间", "务工月数", "务工时长")),
    TargetField("note", "备注", "Note", HOUSEHOLD, ("备注", "说明")),
)

FIELDS_BY_KEY: dict[str, TargetField] = {f.key: f for f in TARGET_FIELDS}

# Fields whose values are money (yuan) or counts.
MONEY_FIELDS = ("per_capita_income", "wage", "operating", "property", "transfer", "costs")

_BRACKETS = re.compile(r"[（(\[【［{｛<《〈][^）)\]】］}｝>》〉]*[）)\]】］}｝>》〉]")
_UNITS = ("元", "人", "个", "月", "岁", "万元")
_NOISE = re.compile(r"[\s_\-—:：*＊#＃.。、/\\|·•]+")
_NUMBERED = re.compile(r"^\d+[.、．]?")  # "1.姓名", "3、户主"


def normalize_header(text: object) -> str:
    """A header as looked up: no spaces, brackets, units or numbering, full-width folded.

    ``" 人均纯收入（元） "`` → ``"人均纯收入"``; ``"户 主\\n姓 名"`` → ``"户主姓名"``.
    """
    if text is None:
        return ""
    value = str(text)
    for _ in range(4):  # until nothing changes (a cleaned header cleans to itself)
        cleaned = _clean_once(value)
        if cleaned == value:
            break
        value = cleaned
    return value


def _clean_once(text: str) -> str:
    value = unicodedata.normalize("NFKC", text)
    value = _BRACKETS.sub("", value)
    value = _NOISE.sub("", value)
    value = _NUMBERED.sub("", value)
    for unit in _UNITS:
        # A unit written without brackets after the name: 人均纯收入元, 家庭人口人
        if value.endswith(unit) and len(value) > len(unit) + 1 and value[:-len(unit)] in _LOOKUP:
            value = value[:-len(unit)]
    return unicodedata.normalize("NFKC", value.lower())


def _lookup_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for f in TARGET_FIELDS:
        for word in (f.zh, *f.synonyms):
            key = _NOISE.sub("", _BRACKETS.sub("", unicodedata.normalize("NFKC", word))).lower()
            table.setdefault(key, f.key)
    return table


_LOOKUP: dict[str, str] = {}
_LOOKUP.update(_lookup_table())


def guess_field(header: object) -> str | None:
    """The target field a header most likely names, or None."""
    key = normalize_header(header)
    if not key:
        return None
    return _LOOKUP.get(key)


def guess_mapping(headers: Sequence[object]) -> list[str | None]:
    """A target field (or None) for each header; each field is given to one column only
    (the first that names it), so two 姓名 columns never both fill the member's name."""
    taken: set[str] = set()
    out: list[str | None] = []
    for header in headers:
        key = guess_field(header)
        if key is not None and key in taken:
            key = None
        if key is not None:
            taken.add(key)
        out.append(key)
    return out


def header_score(cells: Sequence[object]) -> int:
    """How many cells of a row read as known headers (to find the header row)."""
    return sum(1 for c in cells if guess_field(c) is not None)
