"""Tables of the local store (SQLModel).

Synced tables derive from :class:`Synced`: a UUIDv7 ``id`` made on the device, the HLC of
the last change applied (``updated_hlc``) and a tombstone (``deleted``). Rows of synced
tables are written only through :mod:`workteam_desktop.store.writer`, which logs each
change in the same transaction; triggers made by the migrations refuse any other write.

Coded values (types, statuses, categories) hold the codes of
:mod:`workteam_desktop.domain.catalogues`. Money is in yuan.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from ..domain.ids import new_id


class Synced(SQLModel):
    """Columns every synced row has."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    updated_hlc: str = Field(default="")
    deleted: bool = Field(default=False)


# ---------------------------------------------------------------- places, teams, cadres

class Area(Synced, table=True):
    """A county, township, village, resettlement community or grid."""

    code: str = Field(index=True, max_length=20)  # 12-digit administrative code; grids longer
    name: str
    level: str  # AREA_LEVELS
    parent_id: str | None = Field(default=None, foreign_key="area.id", index=True)
    # Added by users (a natural village, a new 安置社区): not in the shipped divisions; its
    # code lies in the township's 600-999 range (domain.divisions.local_code).
    local: bool = False


class Team(Synced, table=True):
    """A work team (驻村工作队) sent by a unit to one or a few villages."""

    name: str
    unit: str = ""  # 派驻单位
    started_on: dt.date | None = None


class TeamArea(Synced, table=True):
    """A village a team works in."""

    __tablename__ = "team_area"
    team_id: str = Field(foreign_key="team.id", index=True)
    area_id: str = Field(foreign_key="area.id", index=True)


class Cadre(Synced, table=True):
    """A resident first secretary or work-team member.

    Cadres rotate (驻村干部轮换): a cadre who leaves gets ``ended_on`` and stays, so past
    visits keep their visitor."""

    name: str = Field(index=True)
    role: str = "member"  # CADRE_ROLES
    team_id: str | None = Field(default=None, foreign_key="team.id", index=True)
    phone: str = ""
    unit: str = ""
    started_on: dt.date | None = None  # 到岗日期
    ended_on: dt.date | None = None  # 离岗日期 (rotated out); None while serving


class ObservationThreshold(Synced, table=True):
    """Per-capita income threshold for 观测对象, per year and (optionally) region."""

    __tablename__ = "observation_threshold"
    year: int
    area_id: str | None = Field(default=None, foreign_key="area.id")
    amount: float


# ---------------------------------------------------------------- households

class Household(Synced, table=True):
    """A household (农户) and its file (户档案)."""

    number: str = Field(index=True)  # 户编号
    head_name: str = Field(index=True)
    id_number: str | None = Field(default=None, index=True)  # 户主身份证号
    phone: str = ""
    address: str = ""
    village_id: str = Field(foreign_key="area.id", index=True)
    grid_id: str | None = Field(default=None, foreign_key="area.id")
    type: str = "ordinary"  # HOUSEHOLD_TYPES
    relocated: bool = False  # 易地搬迁
    origin_village: str = ""  # 迁出地
    resettlement_site: str = ""  # 安置点
    relocation_year: int | None = None
    monitoring_status: str = "none"  # MONITORING_STATUSES
    risk_kind: str | None = None  # RISK_KINDS
    monitoring_since: dt.date | None = None
    risk_removed_on: dt.date | None = None
    risk_removed_reason: str = ""
    accident_insured: bool = True  # 意外险
    relapse_insured: bool = True  # 防返贫保险
    form_updated_on: dt.date | None = Field(default=None, index=True)  # 定期采集更新
    note: str = ""


class Member(Synced, table=True):
    """A member of a household (家庭成员), the head included."""

    household_id: str = Field(foreign_key="household.id", index=True)
    name: str
    relation: str = "other"  # RELATIONS
    sex: str | None = None  # SEXES
    birth_date: dt.date | None = None
    id_number: str | None = Field(default=None, index=True)
    education: str | None = None  # EDUCATION_LEVELS
    health: str | None = None  # HEALTH_STATES
    labour_capacity: str | None = None  # LABOUR_CAPACITIES
    employed: bool = False  # 务工就业
    employment_place: str = ""
    employment_sector: str = ""
    employment_months: int | None = None
    employment_stable: bool = False
    skills: str = ""  # 技能
    certificates: str = ""  # 技能证书 (人人持证)


class Income(Synced, table=True):
    """A household's income for one year (收入构成), in yuan."""

    household_id: str = Field(foreign_key="household.id", index=True)
    year: int
    wage: float = 0.0
    operating: float = 0.0
    property: float = 0.0
    transfer: float = 0.0
    costs: float = 0.0
    members: int | None = None  # 家庭人口 counted for the year; None: the member rows


class MonitoringEvent(Synced, table=True):
    """A step in a household's monitoring history (纳入, 调整, 风险消除)."""

    __tablename__ = "monitoring_event"
    household_id: str = Field(foreign_key="household.id", index=True)
    event_date: dt.date
    status: str  # MONITORING_STATUSES after the event
    risk_kind: str | None = None
    reason: str = ""


class HouseholdIndustry(Synced, table=True):
    """A local industry the household takes part in."""

    __tablename__ = "household_industry"
    household_id: str = Field(foreign_key="household.id", index=True)
    industry: str  # INDUSTRIES (a region may extend)
    scale: str = ""  # e.g. "黄花5亩"


class RightsItem(Synced, table=True):
    """One of the 25 rights of a relocated household (权益清单)."""

    __tablename__ = "rights_item"
    household_id: str = Field(foreign_key="household.id", index=True)
    right: str  # ORIGIN_RIGHTS or DESTINATION_RIGHTS code
    side: str  # RIGHT_SIDES
    status: str | None = None  # RIGHT_STATUSES; None: not yet checked
    responsible: str = ""  # 责任人
    note: str = ""


# ---------------------------------------------------------------- visits

class Visit(Synced, table=True):
    """A visit (走访) to one or more households."""

    visit_date: dt.date = Field(index=True)
    visit_time: str = ""  # "HH:MM"
    village_id: str | None = Field(default=None, foreign_key="area.id", index=True)
    purpose: str
    findings: str = ""
    measures: str = ""
    follow_up_date: dt.date | None = None
    confirmed: bool = False  # 农户确认
    confirmation_note: str = ""


class VisitHousehold(Synced, table=True):
    """A household visited on a visit."""

    __tablename__ = "visit_household"
    visit_id: str = Field(foreign_key="visit.id", index=True)
    household_id: str = Field(foreign_key="household.id", index=True)


class VisitCadre(Synced, table=True):
    """A cadre who made a visit."""

    __tablename__ = "visit_cadre"
    visit_id: str = Field(foreign_key="visit.id", index=True)
    cadre_id: str = Field(foreign_key="cadre.id", index=True)


class UrgentNeed(Synced, table=True):
    """An urgent need (急难愁盼) raised on a visit; open until resolved."""

    __tablename__ = "urgent_need"
    household_id: str = Field(foreign_key="household.id", index=True)
    visit_id: str | None = Field(default=None, foreign_key="visit.id", index=True)
    category: str = "other"  # URGENT_NEED_CATEGORIES
    text: str
    raised_on: dt.date
    due_date: dt.date | None = None
    status: str = "open"  # URGENT_NEED_STATUSES
    resolved_on: dt.date | None = None
    resolution: str = ""


# ---------------------------------------------------------------- ten deliveries, assistance

class DeliveryAction(Synced, table=True):
    """A "ten deliveries" action (十送专项行动)."""

    __tablename__ = "delivery_action"
    category: str = Field(index=True)  # DELIVERY_CATEGORIES
    action_date: dt.date = Field(index=True)
    place: str = ""
    title: str
    description: str = ""
    people_reached: int = 0
    outcome: str = ""
    village_id: str | None = Field(default=None, foreign_key="area.id", index=True)
    team_id: str | None = Field(default=None, foreign_key="team.id")


class DeliveryBeneficiary(Synced, table=True):
    """A household that benefited from a ten-deliveries action."""

    __tablename__ = "delivery_beneficiary"
    action_id: str = Field(foreign_key="delivery_action.id", index=True)
    household_id: str = Field(foreign_key="household.id", index=True)


class AssistanceRecord(Synced, table=True):
    """An assistance measure for a household (帮扶记录)."""

    __tablename__ = "assistance_record"
    household_id: str = Field(foreign_key="household.id", index=True)
    measure_kind: str  # MEASURE_KINDS
    content: str
    amount: float = 0.0
    record_date: dt.date = Field(index=True)
    cadre_id: str | None = Field(default=None, foreign_key="cadre.id")  # 帮扶责任人
    status: str = "in_progress"  # ASSISTANCE_STATUSES
    result: str = ""
    visit_id: str | None = Field(default=None, foreign_key="visit.id")


class Training(Synced, table=True):
    """A training session held by a team (培训制度化)."""

    team_id: str | None = Field(default=None, foreign_key="team.id")
    training_date: dt.date
    title: str  # 培训主题
    attendees: int = 0  # 参训人次, at least the participants listed
    hours: float = 0.0
    trainer: str = ""  # 授课人
    place: str = ""  # 地点
    note: str = ""


class TrainingParticipant(Synced, table=True):
    """A household member who took part in a training, and the certificate obtained
    (人人持证); several participants per training."""

    __tablename__ = "training_participant"
    training_id: str = Field(foreign_key="training.id", index=True)
    member_id: str = Field(foreign_key="member.id", index=True)
    certificate: str = ""  # 取得的证书, e.g. 电焊工证; empty: none


# ---------------------------------------------------------------- attachments, forms

class Attachment(Synced, table=True):
    """A photo or file, content-addressed by SHA-256, attached to a row."""

    sha256: str = Field(index=True, max_length=64)
    filename: str = ""
    mime: str = ""
    size: int = 0
    owner_entity: str = ""
    owner_id: str = Field(default="", index=True)
    caption: str = ""


class FormSubmission(Synced, table=True):
    """A filled-in form (e.g. 信息采集表) and the form version it was made with."""

    __tablename__ = "form_submission"
    form_id: str
    form_version: int
    household_id: str | None = Field(default=None, foreign_key="household.id", index=True)
    submitted_at: dt.datetime
    cadre_id: str | None = Field(default=None, foreign_key="cadre.id")
    data: str = "{}"  # JSON of the answers


class ConflictSettlement(Synced, table=True):
    """A person's review of a sync conflict on one field of one record, up to a clock: the
    laptops that queued the same conflict mark it settled when this arrives."""

    __tablename__ = "conflict_settlement"
    target_entity: str  # the record type of the reviewed record
    target_id: str = Field(index=True)  # the reviewed record (any table: no foreign key)
    field: str
    up_to: str  # the HLC of the newest value the person saw
    choice: str = "kept"  # "kept" or "restored"


SYNCED_MODELS: tuple[type[Synced], ...] = (
    Area, Team, TeamArea, Cadre, ObservationThreshold, Household, Member, Income,
    MonitoringEvent, HouseholdIndustry, RightsItem, Visit, VisitHousehold, VisitCadre,
    UrgentNeed, DeliveryAction, DeliveryBeneficiary, AssistanceRecord, Training,
    TrainingParticipant, Attachment, FormSubmission, ConflictSettlement,
)
"""Every synced table, parents before children (the order to create rows in)."""

MODEL_BY_ENTITY: dict[str, type[Synced]] = {m.__tablename__: m for m in SYNCED_MODELS}
