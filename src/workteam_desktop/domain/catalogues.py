"""Catalogues of coded values, each with zh_CN and English labels.

Every coded value the program stores (household type, ten-deliveries category, right, …)
is defined here once. The store keeps the stable code; the UI, PDFs and CLI show the label.
Regions may extend some catalogues (industries, measure kinds) through settings; the
built-in entries below are the ones DOMAIN.md names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    """One coded value with its labels."""

    code: str
    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        """The label in ``lang`` ("zh" or "en"); Chinese is the default."""
        return self.en if lang.startswith("en") else self.zh


class Catalogue:
    """An ordered set of coded values."""

    def __init__(self, name: str, entries: list[tuple[str, str, str]]) -> None:
        self.name = name
        self._entries = [Entry(*e) for e in entries]
        self._by_code = {e.code: e for e in self._entries}
        self._by_zh = {e.zh: e for e in self._entries}
        if len(self._by_code) != len(self._entries):
            raise ValueError(f"duplicate code in catalogue {name}")

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def codes(self) -> list[str]:
        """All codes in catalogue order."""
        return [e.code for e in self._entries]

    def get(self, code: str) -> Entry:
        """The entry for ``code``; KeyError if unknown."""
        return self._by_code[code]

    def label(self, code: str | None, lang: str = "zh") -> str:
        """Label of ``code``; an unknown code is shown as itself, an empty one as ''."""
        if not code:
            return ""
        entry = self._by_code.get(code)
        return entry.label(lang) if entry else code

    def code_for(self, text: str) -> str | None:
        """The code whose code, Chinese or English label equals ``text`` (for CLI and imports)."""
        text = text.strip()
        if text in self._by_code:
            return text
        if text in self._by_zh:
            return self._by_zh[text].code
        for e in self._entries:
            if e.en.lower() == text.lower():
                return e.code
        return None

    def extended(self, extra: list[tuple[str, str, str]]) -> Catalogue:
        """A copy with region-specific entries appended (codes already present are skipped)."""
        merged = [(e.code, e.zh, e.en) for e in self._entries]
        merged += [x for x in extra if x[0] not in self._by_code]
        return Catalogue(self.name, merged)


AREA_LEVELS = Catalogue("area_level", [
    ("county", "县(区)", "County"),
    ("township", "乡镇", "Township"),
    ("village", "村", "Village"),
    ("community", "社区", "Community"),
    ("grid", "网格", "Grid"),
])

HOUSEHOLD_TYPES = Catalogue("household_type", [
    ("alleviated", "脱贫户", "Poverty-alleviated"),
    ("monitored", "监测户", "Monitored"),
    ("ordinary", "一般户", "Ordinary"),
])

MONITORING_STATUSES = Catalogue("monitoring_status", [
    ("none", "未纳入", "Not monitored"),
    ("observation", "观测对象", "Observation object"),
    ("monitored", "监测对象", "Monitored"),
    ("removed", "风险已消除", "Risk removed"),
])

RISK_KINDS = Catalogue("risk_kind", [
    ("unstable", "脱贫不稳定户", "Unstable alleviated household"),
    ("marginal", "边缘易致贫户", "Marginal household at risk"),
    ("sudden", "突发严重困难户", "Sudden severe hardship"),
])

SEXES = Catalogue("sex", [("male", "男", "Male"), ("female", "女", "Female")])

RELATIONS = Catalogue("relation", [
    ("head", "户主", "Head"),
    ("spouse", "配偶", "Spouse"),
    ("son", "之子", "Son"),
    ("daughter", "之女", "Daughter"),
    ("daughter_in_law", "之儿媳", "Daughter-in-law"),
    ("son_in_law", "之女婿", "Son-in-law"),
    ("grandson", "之孙子", "Grandson"),
    ("granddaughter", "之孙女", "Granddaughter"),
    ("father", "之父", "Father"),
    ("mother", "之母", "Mother"),
    ("other", "其他", "Other"),
])

EDUCATION_LEVELS = Catalogue("education", [
    ("preschool", "学龄前儿童", "Pre-school"),
    ("illiterate", "文盲或半文盲", "Illiterate"),
    ("primary", "小学", "Primary school"),
    ("junior", "初中", "Junior middle school"),
    ("senior", "高中", "Senior middle school"),
    ("vocational", "中专/职高", "Vocational school"),
    ("college", "大专及以上", "College or above"),
])

HEALTH_STATES = Catalogue("health", [
    ("healthy", "健康", "Healthy"),
    ("chronic", "长期慢性病", "Chronic illness"),
    ("serious", "患有大病", "Serious illness"),
    ("disabled", "残疾", "Disabled"),
])

LABOUR_CAPACITIES = Catalogue("labour_capacity", [
    ("full", "普通劳动力", "Full labour capacity"),
    ("partial", "弱劳动力或半劳动力", "Partial labour capacity"),
    ("none", "无劳动力", "No labour capacity"),
])

INCOME_KINDS = Catalogue("income_kind", [
    ("wage", "工资性收入", "Wage income"),
    ("operating", "经营净收入", "Net operating income"),
    ("property", "财产净收入", "Net property income"),
    ("transfer", "转移净收入", "Net transfer income"),
])

INDUSTRIES = Catalogue("industry", [
    ("daylily", "黄花", "Daylily"),
    ("livestock", "畜牧", "Livestock"),
    ("greenhouse", "设施蔬菜", "Greenhouse vegetables"),
    ("fungi", "食用菌", "Edible fungi"),
    ("grains", "杂粮", "Coarse grains"),
    ("astragalus", "黄芪", "Astragalus"),
    ("photovoltaic", "光伏", "Photovoltaic"),
    ("courtyard", "庭院经济", "Courtyard economy"),
])

DELIVERY_CATEGORIES = Catalogue("delivery_category", [
    ("planning", "送规划", "Planning"),
    ("industry", "送产业", "Industry"),
    ("jobs", "送就业", "Jobs"),
    ("consumption", "送消费", "Consumption"),
    ("outreach", "送宣讲", "Policy outreach"),
    ("culture", "送文化", "Culture"),
    ("talent", "送人才", "Talent"),
    ("confidence", "送信心", "Confidence"),
    ("warmth", "送温暖", "Warmth"),
    ("clean", "送清洁", "Clean homes"),
])

MEASURE_KINDS = Catalogue("measure_kind", [
    ("industry", "产业", "Industry"),
    ("employment", "就业", "Employment"),
    ("public_job", "公益岗位", "Public-welfare job"),
    ("training", "技能培训", "Skills training"),
    ("education", "教育", "Education"),
    ("health", "健康医疗", "Health care"),
    ("housing", "住房", "Housing"),
    ("social", "低保/特困", "Social assistance"),
    ("insurance", "保险", "Insurance"),
    ("microcredit", "小额信贷", "Micro-credit"),
    ("consumption", "消费帮扶", "Consumption support"),
])

ASSISTANCE_STATUSES = Catalogue("assistance_status", [
    ("planned", "计划中", "Planned"),
    ("in_progress", "实施中", "In progress"),
    ("done", "已完成", "Done"),
])

URGENT_NEED_CATEGORIES = Catalogue("urgent_need_category", [
    ("employment", "就业", "Employment"),
    ("medical", "就医", "Medical care"),
    ("schooling", "就学", "Schooling"),
    ("housing", "住房", "Housing"),
    ("income", "增收", "Income"),
    ("infrastructure", "基础设施", "Infrastructure"),
    ("social", "社会保障", "Social security"),
    ("other", "其他", "Other"),
])

URGENT_NEED_STATUSES = Catalogue("urgent_need_status", [
    ("open", "待解决", "Open"),
    ("in_progress", "办理中", "In progress"),
    ("resolved", "已解决", "Resolved"),
])

RIGHT_STATUSES = Catalogue("right_status", [
    ("secured", "保障到位", "Secured"),
    ("in_progress", "办理中", "In progress"),
    ("problem", "有问题", "Problem"),
])

ACCOUNT_ROLES = Catalogue("account_role", [
    ("member", "工作队员", "Team member"),
    ("supervisor", "督导", "Supervisor"),
    ("admin", "管理员", "Administrator"),
])
"""Roles of a server account (what it may see and change)."""

CADRE_ROLES = Catalogue("cadre_role", [
    ("first_secretary", "第一书记", "Resident first secretary"),
    ("leader", "工作队长", "Team leader"),
    ("member", "驻村工作队员", "Work-team member"),
])

# The rights ledger of relocated households: 8 rights kept at the origin, 17 at the
# destination (DOMAIN.md). Every relocated household has all 25 items.
ORIGIN_RIGHTS = Catalogue("origin_right", [
    ("contracted_land", "承包地", "Contracted land"),
    ("forest_land", "林地", "Forest land"),
    ("returned_farmland", "退耕还林", "Farmland returned to forest"),
    ("barren_hills", "荒山造林", "Afforested barren hills"),
    ("land_quota", "土地复垦增减挂", "Land reclamation quota"),
    ("photovoltaic_income", "光伏", "Photovoltaic income"),
    ("collective_membership", "原村集体经济组织成员身份及集体资产收益分配",
     "Collective membership and income share"),
    ("consolidation_policies", "巩固衔接各项支持政策", "Consolidation support policies"),
])

DESTINATION_RIGHTS = Catalogue("destination_right", [
    ("vote", "选举权", "Right to vote"),
    ("stand_for_election", "被选举权", "Right to stand for election"),
    ("be_informed", "知情权", "Right to be informed"),
    ("take_part", "参与权", "Right to take part"),
    ("decide", "决策权", "Right to decide"),
    ("oversee", "监督权", "Right to oversee"),
    ("party_membership", "党组织关系", "Party membership transfer"),
    ("cadre_selection", "干部选用", "Cadre selection"),
    ("children_schooling", "子女教育", "Children's schooling"),
    ("culture_sport", "文体娱乐", "Culture and sport"),
    ("medical_insurance", "医疗保障", "Medical insurance"),
    ("pension", "养老保险", "Pension"),
    ("minimum_allowance", "城乡低保", "Minimum living allowance"),
    ("extreme_poverty_support", "特困供养", "Extreme-poverty support"),
    ("monitoring_assistance", "监测帮扶", "Monitoring and assistance"),
    ("registration_transfer", "户口转移", "Household registration transfer"),
    ("new_housing", "新增住房需求", "New housing needs"),
])

RIGHT_SIDES = Catalogue("right_side", [
    ("origin", "迁出地", "Origin"),
    ("destination", "安置地", "Destination"),
])


def right_side(code: str) -> str:
    """Which side ("origin" or "destination") a right code belongs to."""
    if code in ORIGIN_RIGHTS:
        return "origin"
    if code in DESTINATION_RIGHTS:
        return "destination"
    raise KeyError(code)


ALL_RIGHTS: list[Entry] = [*ORIGIN_RIGHTS, *DESTINATION_RIGHTS]
RIGHTS = Catalogue("right", [(e.code, e.zh, e.en) for e in ALL_RIGHTS])
"""Both sides' rights in one catalogue (a rights item's ``right``)."""

CATALOGUES: dict[str, Catalogue] = {
    c.name: c
    for c in (
        AREA_LEVELS, HOUSEHOLD_TYPES, MONITORING_STATUSES, RISK_KINDS, SEXES, RELATIONS,
        EDUCATION_LEVELS, HEALTH_STATES, LABOUR_CAPACITIES, INCOME_KINDS, INDUSTRIES,
        DELIVERY_CATEGORIES, MEASURE_KINDS, ASSISTANCE_STATUSES, URGENT_NEED_CATEGORIES,
        URGENT_NEED_STATUSES, RIGHT_STATUSES, CADRE_ROLES, ORIGIN_RIGHTS, DESTINATION_RIGHTS,
        RIGHT_SIDES, RIGHTS, ACCOUNT_ROLES,
    )
}

#: Catalogues a region may extend (through settings.toml's ``catalogue_extensions``).
EXTENSIBLE: dict[str, Catalogue] = {c.name: c for c in (INDUSTRIES, MEASURE_KINDS)}


def with_extensions(catalogue: Catalogue,
                    extensions: Mapping[str, Iterable[tuple[str, str]]] | None) -> Catalogue:
    """``catalogue`` with the region's extra ``(code, Chinese label)`` entries appended.

    ``extensions`` maps catalogue names to extra entries (settings' ``catalogue_extensions``).
    A region's entry has one label, used in both languages; codes already built in are
    skipped. Catalogues that are not extensible, or have no extras, come back unchanged.
    """
    extra = list((extensions or {}).get(catalogue.name, ())) if catalogue.name in EXTENSIBLE else []
    if not extra:
        return catalogue
    unique = {code: label for code, label in reversed(extra)}  # the first of a repeated code wins
    return catalogue.extended([(code, unique[code], unique[code])
                               for code in dict.fromkeys(c for c, _ in extra)])
