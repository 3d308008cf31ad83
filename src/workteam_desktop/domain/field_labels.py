"""What people call each field of a record, in zh_CN and English.

The record pages label their fields through Qt (``self.tr``); places without Qt — the
conflict queue, the command line — use these, worded the same way. A field without an
entry is shown under its own name (a newer program's field), never dropped.
"""

from __future__ import annotations

from . import catalogues as cat
from .catalogues import Catalogue

_COMMON = [("deleted", "删除", "Deleted")]
_HOUSEHOLD_REF = [("household_id", "农户", "Household")]

_FIELDS: dict[str, list[tuple[str, str, str]]] = {
    "area": [("code", "地区代码", "Area code"), ("name", "名称", "Name"),
             ("level", "级别", "Level"), ("parent_id", "上级地区", "Parent area"),
             ("local", "自行添加", "Added locally")],
    "team": [("name", "工作队名称", "Team name"), ("unit", "派驻单位", "Sending unit"),
             ("started_on", "进驻日期", "Started on")],
    "team_area": [("team_id", "工作队", "Work team"), ("area_id", "所驻村", "Village")],
    "cadre": [("name", "姓名", "Name"), ("role", "职务", "Role"), ("team_id", "工作队", "Work team"),
              ("phone", "联系电话", "Phone"), ("unit", "单位", "Unit"),
              ("started_on", "到岗日期", "Started on"), ("ended_on", "离岗日期", "Left on")],
    "observation_threshold": [("year", "年度", "Year"), ("area_id", "适用地区", "Area"),
                              ("amount", "观测对象标准", "Threshold")],
    "household": [
        ("number", "户编号", "Household number"), ("head_name", "户主姓名", "Head of household"),
        ("id_number", "身份证号", "ID number"), ("phone", "联系电话", "Phone"),
        ("address", "家庭住址", "Address"), ("village_id", "所在村", "Village"),
        ("grid_id", "网格", "Grid"), ("type", "户类型", "Household type"),
        ("relocated", "易地搬迁", "Relocated"), ("origin_village", "迁出地", "Origin"),
        ("resettlement_site", "安置点", "Resettlement site"),
        ("relocation_year", "搬迁年份", "Relocation year"),
        ("monitoring_status", "监测状态", "Monitoring status"), ("risk_kind", "风险类型", "Risk kind"),
        ("monitoring_since", "纳入监测日期", "Monitored since"),
        ("risk_removed_on", "风险消除日期", "Risk removed on"),
        ("risk_removed_reason", "风险消除原因", "Reason risk removed"),
        ("accident_insured", "意外险", "Accident insurance"),
        ("relapse_insured", "防返贫保险", "Relapse insurance"),
        ("form_updated_on", "信息更新日期", "Information updated on"), ("note", "备注", "Note"),
    ],
    "member": [
        *_HOUSEHOLD_REF, ("name", "姓名", "Name"), ("relation", "与户主关系", "Relation to head"),
        ("sex", "性别", "Sex"), ("birth_date", "出生日期", "Birth date"),
        ("id_number", "身份证号", "ID number"), ("education", "文化程度", "Education"),
        ("health", "健康状况", "Health"), ("labour_capacity", "劳动能力", "Labour capacity"),
        ("employed", "务工就业", "Employed"), ("employment_place", "务工地点", "Place of work"),
        ("employment_sector", "务工行业", "Sector"),
        ("employment_months", "务工月数", "Months worked"),
        ("employment_stable", "稳定就业", "Stable employment"), ("skills", "技能", "Skills"),
        ("certificates", "技能证书", "Certificates"),
    ],
    "income": [
        *_HOUSEHOLD_REF, ("year", "年度", "Year"), ("wage", "工资性收入", "Wage income"),
        ("operating", "经营净收入", "Operating income"), ("property", "财产净收入", "Property income"),
        ("transfer", "转移净收入", "Transfer income"), ("costs", "生产经营费用", "Operating costs"),
        ("members", "家庭人口", "Household size"),
    ],
    "monitoring_event": [*_HOUSEHOLD_REF, ("event_date", "日期", "Date"),
                         ("status", "监测状态", "Monitoring status"),
                         ("risk_kind", "风险类型", "Risk kind"), ("reason", "原因", "Reason")],
    "household_industry": [*_HOUSEHOLD_REF, ("industry", "产业", "Industry"),
                           ("scale", "规模", "Scale")],
    "rights_item": [*_HOUSEHOLD_REF, ("right", "权益事项", "Right"), ("side", "所属", "Side"),
                    ("status", "状态", "Status"), ("responsible", "责任人", "Responsible"),
                    ("note", "备注", "Note")],
    "visit": [("visit_date", "走访日期", "Visit date"), ("visit_time", "时间", "Time"),
              ("village_id", "村", "Village"), ("purpose", "事由", "Purpose"),
              ("findings", "发现情况", "Findings"), ("measures", "措施", "Measures"),
              ("follow_up_date", "回访日期", "Follow-up date"),
              ("confirmed", "农户确认", "Confirmed by household"),
              ("confirmation_note", "确认说明", "Confirmation note")],
    "visit_household": [("visit_id", "走访", "Visit"), *_HOUSEHOLD_REF],
    "visit_cadre": [("visit_id", "走访", "Visit"), ("cadre_id", "干部", "Cadre")],
    "urgent_need": [*_HOUSEHOLD_REF, ("visit_id", "走访", "Visit"), ("category", "类别", "Category"),
                    ("text", "内容", "Need"), ("raised_on", "提出日期", "Raised on"),
                    ("due_date", "期限", "Due date"), ("status", "状态", "Status"),
                    ("resolved_on", "解决日期", "Resolved on"),
                    ("resolution", "解决情况", "Resolution")],
    "delivery_action": [("category", "类别", "Category"), ("action_date", "日期", "Date"),
                        ("place", "地点", "Place"), ("title", "标题", "Title"),
                        ("description", "活动内容", "Description"),
                        ("people_reached", "覆盖人数", "People reached"),
                        ("outcome", "成效", "Outcome"), ("village_id", "村", "Village"),
                        ("team_id", "工作队", "Work team")],
    "delivery_beneficiary": [("action_id", "十送行动", "Action"), *_HOUSEHOLD_REF],
    "assistance_record": [*_HOUSEHOLD_REF, ("measure_kind", "措施类型", "Measure"),
                          ("content", "帮扶内容", "Content"), ("amount", "金额", "Amount"),
                          ("record_date", "日期", "Date"), ("cadre_id", "帮扶责任人", "Cadre"),
                          ("status", "状态", "Status"), ("result", "结果", "Result"),
                          ("visit_id", "走访", "Visit")],
    "training": [("team_id", "工作队", "Work team"), ("training_date", "日期", "Date"),
                 ("title", "培训主题", "Topic"), ("attendees", "参训人次", "Attendees"),
                 ("hours", "学时", "Hours"), ("trainer", "授课人", "Trainer"),
                 ("place", "地点", "Place"), ("note", "备注", "Note")],
    "training_participant": [("training_id", "培训", "Training"), ("member_id", "参训人员", "Participant"),
                             ("certificate", "取得证书", "Certificate obtained")],
    "attachment": [("sha256", "文件校验码", "File checksum"), ("filename", "文件名", "File name"),
                   ("mime", "文件类型", "File type"), ("size", "大小", "Size"),
                   ("owner_entity", "所属记录类型", "Record type"),
                   ("owner_id", "所属记录", "Record"), ("caption", "说明", "Caption")],
    "form_submission": [("form_id", "表单", "Form"), ("form_version", "表单版本", "Form version"),
                        *_HOUSEHOLD_REF, ("submitted_at", "填报时间", "Submitted at"),
                        ("cadre_id", "填报人", "Cadre"), ("data", "填报内容", "Answers")],
}

FIELD_LABELS: dict[str, Catalogue] = {
    entity: Catalogue(f"fields.{entity}", [*fields, *_COMMON])
    for entity, fields in _FIELDS.items()
}
"""Per record type (entity name), its fields as a catalogue: code = field name."""


def field_label(entity: str, name: str, lang: str = "zh") -> str:
    """What people call field ``name`` of ``entity``; an unknown one is shown as itself."""
    labels = FIELD_LABELS.get(entity)
    return labels.label(name, lang) if labels is not None else name


# Fields holding a catalogue's code: shown by the code's label.
_RIGHTS = cat.Catalogue("right", [(e.code, e.zh, e.en) for e in cat.ALL_RIGHTS])
FIELD_CATALOGUES: dict[tuple[str, str], Catalogue] = {
    ("area", "level"): cat.AREA_LEVELS,
    ("cadre", "role"): cat.CADRE_ROLES,
    ("household", "type"): cat.HOUSEHOLD_TYPES,
    ("household", "monitoring_status"): cat.MONITORING_STATUSES,
    ("household", "risk_kind"): cat.RISK_KINDS,
    ("member", "relation"): cat.RELATIONS,
    ("member", "sex"): cat.SEXES,
    ("member", "education"): cat.EDUCATION_LEVELS,
    ("member", "health"): cat.HEALTH_STATES,
    ("member", "labour_capacity"): cat.LABOUR_CAPACITIES,
    ("monitoring_event", "status"): cat.MONITORING_STATUSES,
    ("monitoring_event", "risk_kind"): cat.RISK_KINDS,
    ("household_industry", "industry"): cat.INDUSTRIES,
    ("rights_item", "right"): _RIGHTS,
    ("rights_item", "side"): cat.RIGHT_SIDES,
    ("rights_item", "status"): cat.RIGHT_STATUSES,
    ("urgent_need", "category"): cat.URGENT_NEED_CATEGORIES,
    ("urgent_need", "status"): cat.URGENT_NEED_STATUSES,
    ("delivery_action", "category"): cat.DELIVERY_CATEGORIES,
    ("assistance_record", "measure_kind"): cat.MEASURE_KINDS,
    ("assistance_record", "status"): cat.ASSISTANCE_STATUSES,
    ("attachment", "owner_entity"): cat.ENTITIES,
}

# Fields in yuan: shown as 1,234.50 元.
MONEY_FIELDS: frozenset[tuple[str, str]] = frozenset({
    ("observation_threshold", "amount"), ("income", "wage"), ("income", "operating"),
    ("income", "property"), ("income", "transfer"), ("income", "costs"),
    ("assistance_record", "amount"),
})
