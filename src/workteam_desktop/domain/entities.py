"""Every synced record type, declared once: its fields, their types and sizes, how a row is
placed in an area, who may write it, how people name it.

The desktop's models (``store/models.py``) and migrations make the tables; this module says
what a change to them may carry, in pure Python, so the same rules run on a laptop (a change
received from the server or a bundle is checked before it is merged), on the server (every
pushed change is checked before it is stored) and in the labels of the conflict queue, the
sync page and the command line. A test holds the declarations against the models and the
migrated schema.

A new synced record type touches its model, its migration, its declaration here and its
screens; the server's lists, the conflict titles, the sync status of a record's page and
the duplicate merge's children are derived from this.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .catalogues import Catalogue

# Field kinds: what JSON value a change may carry for the field.
TEXT, INT, FLOAT, BOOL, DATE, DATETIME, REF = (
    "text", "int", "float", "bool", "date", "datetime", "ref")
KINDS = (TEXT, INT, FLOAT, BOOL, DATE, DATETIME, REF)

TEXT_SIZE = 500  # a short free text (a purpose, a title)
LONG = 10_000  # a note, findings, measures: a page of text
REF_SIZE = 64  # a row id (UUIDs are 36 characters)
MAX_INT = 2 ** 53  # integers beyond lose precision in JSON readers (and in SQLite REAL)

ROLE_RANK = {"member": 0, "supervisor": 1, "admin": 2}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a record type."""

    name: str
    kind: str
    zh: str
    en: str
    size: int = 0  # the longest text (characters); refs: REF_SIZE
    null: bool = False  # may be JSON null
    required: bool = False  # a row cannot be made without it (no default)
    ref: str | None = None  # the record type a reference points to
    catalogue: str | None = None  # the name of the catalogue its codes come from
    money: bool = False  # yuan: shown as 1,234.50 元

    def label(self, lang: str = "zh") -> str:
        """What people call the field."""
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True, slots=True)
class EntitySpec:
    """One synced record type (a table of the store)."""

    name: str
    zh: str
    en: str
    fields: tuple[FieldSpec, ...]
    # The reference fields that place a new row in an area, tried in order (its village,
    # its household, its team, …); empty for rows placed otherwise (areas by their code,
    # teams by their villages, attachments by their owner).
    placed_by: tuple[str, ...] = ()
    writers: str = "member"  # the lowest account role that may write it
    title: tuple[str, ...] = ()  # the record's own words in a title, after its parents'
    named_by: tuple[str, ...] = ()  # the references whose rows name it first (a member: its household)
    page_of: str | None = None  # the reference to the record whose page shows this row
    # The (record type field, record id field) of a row attached to a record of any type
    # (a photo, a conflict settlement): it is placed where that record is.
    owner: tuple[str, str] | None = None
    # A household's child: the columns that make a row a double of one the kept household
    # already has when duplicates are merged (empty: never a double); None: not a child.
    household_child: tuple[str, ...] | None = None
    by_name: Mapping[str, FieldSpec] = field(init=False, repr=False, compare=False)
    # Reference field → the record type it points to (made once: a push asks it per change).
    references: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in (*self.fields, DELETED)})
        object.__setattr__(self, "references",
                           {f.name: f.ref for f in self.fields if f.ref is not None})

    def label(self, lang: str = "zh") -> str:
        """What people call the record type."""
        return self.en if lang == "en" else self.zh

    @property
    def parent_fields(self) -> tuple[tuple[str, str], ...]:
        """The placing references with the type each points to, in order."""
        return tuple((name, self.by_name[name].ref or "") for name in self.placed_by)

    @property
    def needs_parent(self) -> bool:
        """A row that is only part of its parent: it cannot be placed without it."""
        return bool(self.placed_by) and self.by_name[self.placed_by[0]].required


DELETED = FieldSpec("deleted", BOOL, "删除", "Deleted")
F, E = FieldSpec, EntitySpec

DECLARATIONS: tuple[EntitySpec, ...] = (
    E('area', '地区', 'Area', fields=(
        F('code', TEXT, '地区代码', 'Area code', size=20, required=True),
        F('name', TEXT, '名称', 'Name', size=100, required=True),
        F('level', TEXT, '级别', 'Level', size=40, required=True, catalogue='area_level'),
        F('parent_id', REF, '上级地区', 'Parent area', ref='area', null=True),
        F('local', BOOL, '自行添加', 'Added locally'),
    ), writers='supervisor', title=('name',)),
    E('team', '工作队', 'Work team', fields=(
        F('name', TEXT, '工作队名称', 'Team name', size=100, required=True),
        F('unit', TEXT, '派驻单位', 'Sending unit', size=200),
        F('started_on', DATE, '进驻日期', 'Started on', null=True),
    ), writers='supervisor', title=('name',)),
    E('team_area', '工作队驻村', 'Team village', fields=(
        F('team_id', REF, '工作队', 'Work team', ref='team', required=True),
        F('area_id', REF, '所驻村', 'Village', ref='area', required=True),
    ), named_by=('team_id', 'area_id'), placed_by=('area_id',), writers='supervisor'),
    E('cadre', '干部', 'Cadre', fields=(
        F('name', TEXT, '姓名', 'Name', size=100, required=True),
        F('role', TEXT, '职务', 'Role', size=40, catalogue='cadre_role'),
        F('team_id', REF, '工作队', 'Work team', ref='team', null=True),
        F('phone', TEXT, '联系电话', 'Phone', size=40),
        F('unit', TEXT, '单位', 'Unit', size=200),
        F('started_on', DATE, '到岗日期', 'Started on', null=True),
        F('ended_on', DATE, '离岗日期', 'Left on', null=True),
    ), placed_by=('team_id',), title=('name',)),
    E('observation_threshold', '监测标准', 'Observation threshold', fields=(
        F('year', INT, '年度', 'Year', required=True),
        F('area_id', REF, '适用地区', 'Area', ref='area', null=True),
        F('amount', FLOAT, '观测对象标准', 'Threshold', required=True, money=True),
    ), placed_by=('area_id',), writers='supervisor', title=('year',)),
    E('household', '农户', 'Household', fields=(
        F('number', TEXT, '户编号', 'Household number', size=40, required=True),
        F('head_name', TEXT, '户主姓名', 'Head of household', size=100, required=True),
        F('id_number', TEXT, '身份证号', 'ID number', size=32, null=True),
        F('phone', TEXT, '联系电话', 'Phone', size=40),
        F('address', TEXT, '家庭住址', 'Address', size=500),
        F('village_id', REF, '所在村', 'Village', ref='area', required=True),
        F('grid_id', REF, '网格', 'Grid', ref='area', null=True),
        F('type', TEXT, '户类型', 'Household type', size=40, catalogue='household_type'),
        F('relocated', BOOL, '易地搬迁', 'Relocated'),
        F('origin_village', TEXT, '迁出地', 'Origin', size=200),
        F('resettlement_site', TEXT, '安置点', 'Resettlement site', size=200),
        F('relocation_year', INT, '搬迁年份', 'Relocation year', null=True),
        F('monitoring_status', TEXT, '监测状态', 'Monitoring status', size=40, catalogue='monitoring_status'),
        F('risk_kind', TEXT, '风险类型', 'Risk kind', size=40, null=True, catalogue='risk_kind'),
        F('monitoring_since', DATE, '纳入监测日期', 'Monitored since', null=True),
        F('risk_removed_on', DATE, '风险消除日期', 'Risk removed on', null=True),
        F('risk_removed_reason', TEXT, '风险消除原因', 'Reason risk removed', size=LONG),
        F('accident_insured', BOOL, '意外险', 'Accident insurance'),
        F('relapse_insured', BOOL, '防返贫保险', 'Relapse insurance'),
        F('form_updated_on', DATE, '信息更新日期', 'Information updated on', null=True),
        F('note', TEXT, '备注', 'Note', size=LONG),
    ), placed_by=('village_id',)),
    E('member', '家庭成员', 'Household member', fields=(
        F('household_id', REF, '农户', 'Household', ref='household', required=True),
        F('name', TEXT, '姓名', 'Name', size=100, required=True),
        F('relation', TEXT, '与户主关系', 'Relation to head', size=40, catalogue='relation'),
        F('sex', TEXT, '性别', 'Sex', size=40, null=True, catalogue='sex'),
        F('birth_date', DATE, '出生日期', 'Birth date', null=True),
        F('id_number', TEXT, '身份证号', 'ID number', size=32, null=True),
        F('education', TEXT, '文化程度', 'Education', size=40, null=True, catalogue='education'),
        F('health', TEXT, '健康状况', 'Health', size=40, null=True, catalogue='health'),
        F('labour_capacity', TEXT, '劳动能力', 'Labour capacity', size=40, null=True,
           catalogue='labour_capacity'),
        F('employed', BOOL, '务工就业', 'Employed'),
        F('employment_place', TEXT, '务工地点', 'Place of work', size=200),
        F('employment_sector', TEXT, '务工行业', 'Sector', size=100),
        F('employment_months', INT, '务工月数', 'Months worked', null=True),
        F('employment_stable', BOOL, '稳定就业', 'Stable employment'),
        F('skills', TEXT, '技能', 'Skills', size=LONG),
        F('certificates', TEXT, '技能证书', 'Certificates', size=LONG),
    ), named_by=('household_id',), placed_by=('household_id',),
       title=('name',), page_of='household_id', household_child=('id_number',)),
    E('income', '收入', 'Income', fields=(
        F('household_id', REF, '农户', 'Household', ref='household', required=True),
        F('year', INT, '年度', 'Year', required=True),
        F('wage', FLOAT, '工资性收入', 'Wage income', money=True),
        F('operating', FLOAT, '经营净收入', 'Operating income', money=True),
        F('property', FLOAT, '财产净收入', 'Property income', money=True),
        F('transfer', FLOAT, '转移净收入', 'Transfer income', money=True),
        F('costs', FLOAT, '生产经营费用', 'Operating costs', money=True),
        F('members', INT, '家庭人口', 'Household size', null=True),
    ), named_by=('household_id',), placed_by=('household_id',),
       title=('year',), page_of='household_id', household_child=('year',)),
    E('monitoring_event', '监测记录', 'Monitoring event', fields=(
        F('household_id', REF, '农户', 'Household', ref='household', required=True),
        F('event_date', DATE, '日期', 'Date', required=True),
        F('status', TEXT, '监测状态', 'Monitoring status', size=40, required=True,
          catalogue='monitoring_status'),
        F('risk_kind', TEXT, '风险类型', 'Risk kind', size=40, null=True, catalogue='risk_kind'),
        F('reason', TEXT, '原因', 'Reason', size=LONG),
    ), named_by=('household_id',), placed_by=('household_id',), title=('event_date', 'status'),
        page_of='household_id', household_child=()),
    E('household_industry', '产业', 'Industry', fields=(
        F('household_id', REF, '农户', 'Household', ref='household', required=True),
        F('industry', TEXT, '产业', 'Industry', size=40, required=True, catalogue='industry'),
        F('scale', TEXT, '规模', 'Scale', size=LONG),
    ), named_by=('household_id',), placed_by=('household_id',), title=('industry',),
        page_of='household_id', household_child=('industry',)),
    E('rights_item', '权益清单', 'Rights item', fields=(
        F('household_id', REF, '农户', 'Household', ref='household', required=True),
        F('right', TEXT, '权益事项', 'Right', size=40, required=True, catalogue='right'),
        F('side', TEXT, '所属', 'Side', size=40, required=True, catalogue='right_side'),
        F('status', TEXT, '状态', 'Status', size=40, null=True, catalogue='right_status'),
        F('responsible', TEXT, '责任人', 'Responsible', size=100),
        F('note', TEXT, '备注', 'Note', size=LONG),
    ), named_by=('household_id',), placed_by=('household_id',),
       title=('right',), page_of='household_id', household_child=('right',)),
    E('visit', '走访', 'Visit', fields=(
        F('visit_date', DATE, '走访日期', 'Visit date', required=True),
        F('visit_time', TEXT, '时间', 'Time', size=8),
        F('village_id', REF, '村', 'Village', ref='area', null=True),
        F('purpose', TEXT, '事由', 'Purpose', size=TEXT_SIZE, required=True),
        F('findings', TEXT, '发现情况', 'Findings', size=LONG),
        F('measures', TEXT, '措施', 'Measures', size=LONG),
        F('follow_up_date', DATE, '回访日期', 'Follow-up date', null=True),
        F('confirmed', BOOL, '农户确认', 'Confirmed by household'),
        F('confirmation_note', TEXT, '确认说明', 'Confirmation note', size=LONG),
    ), placed_by=('village_id',), title=('visit_date', 'purpose')),
    E('visit_household', '走访农户', 'Visited household', fields=(
        F('visit_id', REF, '走访', 'Visit', ref='visit', required=True),
        F('household_id', REF, '农户', 'Household', ref='household', required=True),
    ), named_by=('visit_id', 'household_id'), placed_by=('visit_id',
       'household_id'), page_of='visit_id', household_child=('visit_id',)),
    E('visit_cadre', '走访干部', 'Visiting cadre', fields=(
        F('visit_id', REF, '走访', 'Visit', ref='visit', required=True),
        F('cadre_id', REF, '干部', 'Cadre', ref='cadre', required=True),
    ), named_by=('visit_id', 'cadre_id'), placed_by=('visit_id',), page_of='visit_id'),
    E('urgent_need', '急难愁盼', 'Urgent need', fields=(
        F('household_id', REF, '农户', 'Household', ref='household', required=True),
        F('visit_id', REF, '走访', 'Visit', ref='visit', null=True),
        F('category', TEXT, '类别', 'Category', size=40, catalogue='urgent_need_category'),
        F('text', TEXT, '内容', 'Need', size=LONG, required=True),
        F('raised_on', DATE, '提出日期', 'Raised on', required=True),
        F('due_date', DATE, '期限', 'Due date', null=True),
        F('status', TEXT, '状态', 'Status', size=40, catalogue='urgent_need_status'),
        F('resolved_on', DATE, '解决日期', 'Resolved on', null=True),
        F('resolution', TEXT, '解决情况', 'Resolution', size=LONG),
    ), named_by=('household_id',), placed_by=('household_id',),
       title=('text',), page_of='household_id', household_child=()),
    E('delivery_action', '十送行动', 'Ten-deliveries action', fields=(
        F('category', TEXT, '类别', 'Category', size=40, required=True, catalogue='delivery_category'),
        F('action_date', DATE, '日期', 'Date', required=True),
        F('place', TEXT, '地点', 'Place', size=200),
        F('title', TEXT, '标题', 'Title', size=200, required=True),
        F('description', TEXT, '活动内容', 'Description', size=LONG),
        F('people_reached', INT, '覆盖人数', 'People reached'),
        F('outcome', TEXT, '成效', 'Outcome', size=LONG),
        F('village_id', REF, '村', 'Village', ref='area', null=True),
        F('team_id', REF, '工作队', 'Work team', ref='team', null=True),
    ), placed_by=('village_id', 'team_id'), title=('action_date', 'title')),
    E('delivery_beneficiary', '十送受益户', 'Action beneficiary', fields=(
        F('action_id', REF, '十送行动', 'Action', ref='delivery_action', required=True),
        F('household_id', REF, '农户', 'Household', ref='household', required=True),
    ), named_by=('action_id', 'household_id'), placed_by=('action_id',
       'household_id'), page_of='action_id', household_child=('action_id',)),
    E('assistance_record', '帮扶记录', 'Assistance record', fields=(
        F('household_id', REF, '农户', 'Household', ref='household', required=True),
        F('measure_kind', TEXT, '措施类型', 'Measure', size=40, required=True, catalogue='measure_kind'),
        F('content', TEXT, '帮扶内容', 'Content', size=LONG, required=True),
        F('amount', FLOAT, '金额', 'Amount', money=True),
        F('record_date', DATE, '日期', 'Date', required=True),
        F('cadre_id', REF, '帮扶责任人', 'Cadre', ref='cadre', null=True),
        F('status', TEXT, '状态', 'Status', size=40, catalogue='assistance_status'),
        F('result', TEXT, '结果', 'Result', size=LONG),
        F('visit_id', REF, '走访', 'Visit', ref='visit', null=True),
    ), named_by=('household_id',), placed_by=('household_id',), title=('record_date', 'content'),
        page_of='household_id', household_child=()),
    E('training', '培训', 'Training', fields=(
        F('team_id', REF, '工作队', 'Work team', ref='team', null=True),
        F('training_date', DATE, '日期', 'Date', required=True),
        F('title', TEXT, '培训主题', 'Topic', size=200, required=True),
        F('attendees', INT, '参训人次', 'Attendees'),
        F('hours', FLOAT, '学时', 'Hours'),
        F('trainer', TEXT, '授课人', 'Trainer', size=100),
        F('place', TEXT, '地点', 'Place', size=200),
        F('note', TEXT, '备注', 'Note', size=LONG),
    ), placed_by=('team_id',), title=('training_date', 'title')),
    E('training_participant', '参训人员', 'Training participant', fields=(
        F('training_id', REF, '培训', 'Training', ref='training', required=True),
        F('member_id', REF, '参训人员', 'Participant', ref='member', required=True),
        F('certificate', TEXT, '取得证书', 'Certificate obtained', size=200),
    ), named_by=('training_id', 'member_id'), placed_by=('training_id',
       'member_id'), title=('certificate',)),
    E('attachment', '照片附件', 'Attachment', fields=(
        F('sha256', TEXT, '文件校验码', 'File checksum', size=64, required=True),
        F('filename', TEXT, '文件名', 'File name', size=255),
        F('mime', TEXT, '文件类型', 'File type', size=100),
        F('size', INT, '大小', 'Size'),
        F('owner_entity', TEXT, '所属记录类型', 'Record type', size=40, catalogue='entity'),
        F('owner_id', TEXT, '所属记录', 'Record', size=64),
        F('caption', TEXT, '说明', 'Caption', size=LONG),
    ), title=('filename',), owner=('owner_entity', 'owner_id')),
    E('form_submission', '信息采集表', 'Form submission', fields=(
        F('form_id', TEXT, '表单', 'Form', size=100, required=True),
        F('form_version', INT, '表单版本', 'Form version', required=True),
        F('household_id', REF, '农户', 'Household', ref='household', null=True),
        F('submitted_at', DATETIME, '填报时间', 'Submitted at', required=True),
        F('cadre_id', REF, '填报人', 'Cadre', ref='cadre', null=True),
        F('data', TEXT, '填报内容', 'Answers', size=200_000),
    ), named_by=('household_id',), placed_by=('household_id',),
       title=('submitted_at',), page_of='household_id', household_child=()),
    E('conflict_settlement', '冲突处理', 'Conflict settlement', fields=(
        F('target_entity', TEXT, '记录类型', 'Record type', size=40, required=True,
          catalogue='entity'),
        F('target_id', TEXT, '记录', 'Record', size=REF_SIZE, required=True),
        F('field', TEXT, '字段', 'Field', size=64, required=True),
        F('up_to', TEXT, '已核对到', 'Reviewed up to', size=60, required=True),
        F('choice', TEXT, '处理结果', 'Choice', size=16),
    ), title=('field',), owner=('target_entity', 'target_id')),
)
"""Every synced record type, parents before children (the order rows are made in)."""

BY_NAME: dict[str, EntitySpec] = {e.name: e for e in DECLARATIONS}
NAMES: tuple[str, ...] = tuple(BY_NAME)

ENTITIES = Catalogue("entity", [(e.name, e.zh, e.en) for e in DECLARATIONS])
"""Record types as people call them (sync status, conflicts, bundle summaries)."""


def spec(entity: str) -> EntitySpec:
    """The declaration of ``entity`` (KeyError for an unknown one)."""
    return BY_NAME[entity]


def writable_by(role: str) -> frozenset[str]:
    """The record types an account with ``role`` may write (scope aside)."""
    rank = ROLE_RANK.get(role, -1)
    return frozenset(e.name for e in DECLARATIONS if ROLE_RANK[e.writers] <= rank)


def owner_of(entity: str, fields: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (record type, id) a change attaches its row to (a photo's record), if it names
    one of a known type."""
    declared = BY_NAME.get(entity)
    if declared is None or declared.owner is None:
        return None
    kind, row = (fields.get(name) for name in declared.owner)
    if isinstance(kind, str) and kind in BY_NAME and isinstance(row, str) and row:
        return kind, row
    return None


def household_children() -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(table, column naming the household, double-making columns) of every child of a
    household that the duplicate merge moves."""
    for e in DECLARATIONS:
        if e.household_child is not None:
            column = next(n for n, ref in e.references.items() if ref == "household")
            yield e.name, column, e.household_child


def pages() -> dict[str, tuple[tuple[str, str], ...]]:
    """Record type → (child table, column naming the record) of the rows its page shows."""
    found: dict[str, list[tuple[str, str]]] = {}
    for e in DECLARATIONS:
        if e.page_of is not None:
            found.setdefault(e.references[e.page_of], []).append((e.name, e.page_of))
    return {k: tuple(v) for k, v in found.items()}


# ---------------------------------------------------------------- checking a change

HLC_PATTERN = re.compile(r"[0-9a-f]{16}[0-9a-z_-]{1,40}", re.ASCII)
"""An HLC in its one canonical form: 12 hex digits of wall milliseconds, 4 of counter, the
device id (lower-case letters, digits, _ and -)."""

_REF = re.compile(r"[0-9A-Za-z_.:-]{1,64}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REF_MATCH, _CONTROL_SEARCH = _REF.fullmatch, _CONTROL.search


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a change cannot be stored or applied: a machine code and a Chinese line."""

    code: str
    message: str


def check_hlc(text: object) -> Problem | None:
    """None for an HLC in canonical form."""
    if not isinstance(text, str) or not HLC_PATTERN.fullmatch(text):
        return Problem("bad_hlc", "时间戳（hlc）格式不正确（应为16位小写十六进制加设备号）")
    return None


def hlc_wall_ms(text: str) -> int:
    """The wall milliseconds of a canonical HLC."""
    return int(text[:12], 16)


def check_id(value: object, what: str) -> Problem | None:
    """None for a usable row or change id (1–64 letters, digits, ``_.:-``)."""
    if not isinstance(value, str) or not _REF.fullmatch(value):
        return Problem("bad_change", f"{what} 不是有效的编号（1–64 个字母、数字或 _.:-）")
    return None


def check_value(entity: EntitySpec, f: FieldSpec, value: Any) -> Problem | None:
    """None when ``value`` is a JSON value field ``f`` may hold."""
    found = _value_problem(f, value)
    if found is None:
        return None
    # The message names the field only when there is one to give (a push checks millions).
    return Problem(found[0], f"{entity.zh}的“{f.zh}”（{f.name}）{found[1]}")


def _value_problem(f: FieldSpec, value: Any) -> tuple[str, str] | None:
    """None, or the problem's code and the message after the field's name."""
    if value is None:
        return None if f.null else ("bad_value", "不能为空")
    kind = f.kind
    if kind == TEXT:
        if not isinstance(value, str):
            return ("bad_value", "应为文字")
        if len(value) > f.size:
            return ("too_long", f"超过 {f.size} 个字")
        if _CONTROL.search(value):
            return ("bad_value", "含有控制字符")
        return None
    if kind == REF:
        return None if isinstance(value, str) and _REF.fullmatch(value) else (
            "bad_value", "应为记录编号")
    if kind == BOOL:
        return None if isinstance(value, bool) else ("bad_value", "应为是或否")
    if kind in (INT, FLOAT):
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                kind == INT and not isinstance(value, int)):
            return ("bad_value", f"应为{'整数' if kind == INT else '数字'}")
        if isinstance(value, float) and not math.isfinite(value):
            return ("bad_value", "应为有限的数字")
        if abs(value) > MAX_INT:
            return ("bad_value", "超出范围（±2^53）")
        return None
    if not isinstance(value, str) or len(value) > 32:
        return ("bad_value", "应为日期文字")
    try:
        if kind == DATE:
            if len(value) != 10:
                raise ValueError(value)
            dt.date.fromisoformat(value)
        else:
            dt.datetime.fromisoformat(value)
    except ValueError:
        return ("bad_value", f"不是有效的{'日期' if kind == DATE else '时间'}")
    return None


# A control character in a JSON text value is written as an escape (raw bytes below 0x20
# are not JSON) or as a raw DEL: a body without these holds none in any value. Conservative:
# an escaped backslash before "u0001" or "b" matches too, and then every value is searched.
# (The pattern starts with its one literal, so the search skips to each backslash: 3 ms for
# an 11 MB push, where an alternation of the escapes and DEL took 50 ms.)
_CONTROL_ESCAPE = re.compile(rb"\\(?:u00[01][0-9a-fA-F]|u007[fF]|[bf])")


def json_has_control(raw: bytes) -> bool:
    """False when no text value of the JSON document ``raw`` can hold a control character
    (then :func:`check_fields` may be told ``plain``)."""
    return b"\x7f" in raw or _CONTROL_ESCAPE.search(raw) is not None


def check_fields(entity: str, fields: object, plain: bool = False) -> Problem | None:
    """None when ``fields`` (a change's field values) fit the declaration of ``entity``:
    a known record type, known fields, values of the declared kind and size. ``plain``:
    the caller found no control character in the document the values were read from
    (:func:`json_has_control`), so text is not searched for one again."""
    declared = BY_NAME.get(entity) if isinstance(entity, str) else None
    if declared is None:
        return Problem("unknown_entity", f"不认识此类记录（{str(entity)[:40]}），可能来自更新版本的程序")
    if not isinstance(fields, dict):
        return Problem("bad_change", "fields 不是对象")
    by_name = declared.by_name
    for name, value in fields.items():
        f = by_name.get(name)
        if f is None:
            return Problem("unknown_field",
                           f"{declared.zh}没有字段“{str(name)[:40]}”，可能来自更新版本的程序")
        # The common values pass here without a call (a bulk push checks millions); any
        # other goes through _value_problem, the one judge (a property test keeps the two
        # in step).
        kind, of = f.kind, type(value)
        if value is None:
            if f.null:
                continue
        elif of is str:
            if kind == TEXT:
                if len(value) <= f.size and (plain or not _CONTROL_SEARCH(value)):
                    continue
            elif kind == REF and _REF_MATCH(value):
                continue
        elif of is int:
            if kind in (INT, FLOAT) and -MAX_INT <= value <= MAX_INT:
                continue
        elif of is float:
            if kind == FLOAT and -MAX_INT <= value <= MAX_INT:  # NaN fails both: checked below
                continue
        elif of is bool and kind == BOOL:
            continue
        if _value_problem(f, value) is not None:
            return check_value(declared, f, value)
    return None


def check_base(entity: str, base: object) -> Problem | None:
    """None when a change's ``base`` (field → the HLC of the value it replaced) is usable."""
    if base is None:
        return None
    if not isinstance(base, dict):
        return Problem("bad_change", "base 不是对象")
    declared = BY_NAME[entity]
    for name, hlc in base.items():
        if name not in declared.by_name:
            return Problem("unknown_field", f"base 中有未知字段“{str(name)[:40]}”")
        if hlc != "" and check_hlc(hlc) is not None:
            return Problem("bad_hlc", f"base 中“{name}”的时间戳格式不正确")
    return None


def check_change(change: Mapping[str, Any], plain: bool = False) -> Problem | None:
    """None when a whole change (wire form: id, entity, row_id, fields, base, hlc, device,
    user) may be stored and applied; else the first problem. The server runs this on every
    pushed change; a laptop on every change it receives. ``plain``: as for
    :func:`check_fields`."""
    for key in ("id", "row_id"):
        problem = check_id(change.get(key), key)
        if problem is not None:
            return problem
    problem = check_fields(change.get("entity"), change.get("fields"), plain)  # type: ignore[arg-type]
    if problem is not None:
        return problem
    problem = check_hlc(change.get("hlc"))
    if problem is not None:
        return problem
    return check_base(change["entity"], change.get("base"))
