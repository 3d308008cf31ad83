"""Local tables that are not synced: the change log, the clock, the device, derived facts,
the conflict queue and the network sync state."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


class ChangeLog(SQLModel, table=True):
    """Every change applied to a synced row, local or received, in the order applied.

    Local changes with ``pushed`` False form the outbox. The log also gives each field's
    current HLC (the highest HLC of a change naming it), which merge and ``base`` use.
    """

    __tablename__ = "change_log"
    __table_args__ = (
        # Field clocks of a row, and the trigger check that a row's HLC was logged.
        Index("ix_change_log_row_hlc", "row_id", "hlc"),
        # The outbox: local changes not yet pushed.
        Index("ix_change_log_outbox", "seq", sqlite_where=text("origin = 'local' AND pushed = 0")),
        # Received changes still logged (what compaction looks at).
        Index("ix_change_log_remote", "seq", sqlite_where=text("origin = 'remote'")),
        # Photo records (the photos a sync sends and fetches), without a scan of the log.
        Index("ix_change_log_attachment", "seq", sqlite_where=text("entity = 'attachment'")),
    )

    seq: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True, max_length=36)
    entity: str
    row_id: str = Field(max_length=36)
    fields: str  # JSON
    base: str = "{}"  # JSON
    hlc: str
    device: str
    user: str = ""
    origin: str = "local"  # "local" or "remote"
    # 0 not sent, 1 accepted or duplicate, 2 rejected (reason in sync_rejection). The column
    # stays BOOLEAN as made by 0001 (SQLite stores the 2; no table rebuild under the triggers).
    pushed: bool = False


class ClockState(SQLModel, table=True):
    """The persisted hybrid logical clock of this device (never goes backwards)."""

    __tablename__ = "clock_state"

    device: str = Field(primary_key=True)
    wall_ms: int = 0
    counter: int = 0


class Device(SQLModel, table=True):
    """This installation: its device id (part of every HLC) and the local user's name."""

    __tablename__ = "device"

    id: str = Field(primary_key=True, max_length=16)
    created_at: dt.datetime
    user: str = ""


class HouseholdFacts(SQLModel, table=True):
    """What the domain rules compute for a household, kept for fast lists and filters.

    Derived from households, members, income and thresholds by
    :mod:`workteam_desktop.store.facts` after every write; never synced, never typed in.
    """

    __tablename__ = "household_facts"

    household_id: str = Field(primary_key=True, foreign_key="household.id")
    member_count: int = 0
    income_year: int | None = None
    per_capita_income: float | None = None
    observation: bool = Field(default=False, index=True)
    zero_employment: bool = Field(default=False, index=True)


class Draft(SQLModel, table=True):
    """Typed input not yet saved (a visit being logged, a form being filled), autosaved so
    that a crash or a closed window loses at most a few seconds of typing. Local only."""

    __tablename__ = "draft"

    key: str = Field(primary_key=True)  # e.g. "visit:new", "form:household_survey:<id>"
    kind: str = Field(index=True)  # "visit", "form", …
    data: str = "{}"  # JSON
    updated_at: dt.datetime


class Conflict(SQLModel, table=True):
    """A value that lost a merge to a concurrent change: kept here for a person to review.

    Merge picks the value with the highest HLC, so every replica agrees; when the two
    changes were made without knowing each other, the losing value is not thrown away.
    """

    __tablename__ = "conflict"

    id: int | None = Field(default=None, primary_key=True)
    entity: str
    row_id: str = Field(index=True)
    field: str
    kept_value: str  # JSON
    kept_hlc: str
    lost_value: str  # JSON
    lost_hlc: str
    lost_device: str = ""
    lost_user: str = ""
    created_at: dt.datetime
    resolved: bool = Field(default=False, index=True)
    resolution: str = ""  # "kept" or "restored" (the lost value written back as a new change)


class PendingRow(SQLModel, table=True):
    """A row known only from changes that cannot be made yet: its creating change or its
    parent row has not arrived. Retried after every merge, parents first."""

    __tablename__ = "pending_row"

    row_id: str = Field(primary_key=True)
    entity: str


class SupervisorScore(SQLModel, table=True):
    """A supervisor's manual score (督导评分) of a team or cadre for a quarter. Local: the
    assessment is the supervisor's own work, not the teams' records."""

    __tablename__ = "supervisor_score"
    __table_args__ = (Index("ux_supervisor_score_subject", "quarter", "subject_kind", "subject_id",
                            unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    quarter: str  # 2026Q3
    subject_kind: str  # "team" or "cadre"
    subject_id: str
    score: float
    note: str = ""
    entered_at: dt.datetime
    entered_by: str = ""


class HouseholdMerge(SQLModel, table=True):
    """A merge of two duplicate households by a supervisor: who, when, which into which,
    the field choices and what moved. The merge itself syncs (changes through the
    Writer); this record is the supervisor's history of it."""

    __tablename__ = "household_merge"

    id: int | None = Field(default=None, primary_key=True)
    kept_id: str = Field(index=True)
    merged_id: str = Field(index=True)
    kept_label: str = ""  # 户编号 户主 (工作队) at the time of the merge
    merged_label: str = ""
    choices: str = "{}"  # JSON: field → "kept" | "merged"
    moved: str = "{}"  # JSON: entity → rows moved to the kept household
    merged_at: dt.datetime
    merged_by: str = ""


class DuplicateDismissal(SQLModel, table=True):
    """A pair of households a person said are not duplicates (not shown again)."""

    __tablename__ = "duplicate_dismissal"

    household_a: str = Field(primary_key=True)  # the smaller id of the pair
    household_b: str = Field(primary_key=True)
    dismissed_at: dt.datetime
    dismissed_by: str = ""


class SyncState(SQLModel, table=True):
    """Network sync settings and progress of this data home, one value per key.

    Keys: ``server_url``, ``username``, ``role``, ``scopes`` (JSON list), ``cursor`` (the
    last server sequence applied, as text), ``last_sync_at`` (ISO), ``last_error``. The
    refresh token is NOT here: it lives only in the OS keyring.
    """

    __tablename__ = "sync_state"

    key: str = Field(primary_key=True)
    value: str


class SyncRejection(SQLModel, table=True):
    """A local change the server refused (out of scope, read-only, …), with its reason.

    Its change stays in the log with ``pushed = 2`` so the record shows as rejected.
    """

    __tablename__ = "sync_rejection"

    change_id: str = Field(primary_key=True)
    entity: str
    row_id: str = Field(index=True)
    code: str
    reason: str
    at: str


class HeldChange(SQLModel, table=True):
    """A received change this program cannot apply (it fails the entity declarations: a
    newer program's record type or field, a malformed value): kept aside with the reason,
    shown on the sync page and retried after an upgrade, so one bad change never stops
    the sync."""

    __tablename__ = "held_change"

    id: str = Field(primary_key=True)
    entity: str
    row_id: str
    body: str  # the change's JSON as received
    code: str
    reason: str
    source: str  # "server" or "bundle"
    held_at: str


class PendingField(SQLModel, table=True):
    """A change to an existing row whose reference field names a row not here (yet): the
    field waits for its parent, as a new row waits in ``pending_row``."""

    __tablename__ = "pending_field"

    change_id: str = Field(primary_key=True)
    entity: str
    row_id: str = Field(index=True)
    field: str
    parent_entity: str
    parent_id: str = Field(index=True)


class RowClock(SQLModel, table=True):
    """The field clocks of a row whose changes are not in ``change_log``: a row loaded from
    a server snapshot, or whose received changes were compacted (issue 17). A field's clock
    is the higher of this and the newest logged change naming it. ``clocks`` is compact
    (``store/row_clock.py``): groups of fields (an interned :class:`ClockFieldSet`) with
    their HLC, the group whose HLC is ``top`` written without it — a row made by one change
    is a number."""

    __tablename__ = "row_clock"
    __table_args__ = {"sqlite_with_rowid": False}

    row_id: str = Field(primary_key=True, max_length=36)
    # The newest clock kept for the row; empty while that is the row's own updated_hlc (a
    # row loaded from a snapshot, until its clock moves: migration 0011).
    top: str
    clocks: str


class CompactedChange(SQLModel, table=True):
    """The id of a received change folded into ``row_clock`` and deleted from the log
    (``store/compact.py``): the same change delivered again is skipped. A UUID id is kept
    as its 16 bytes (a BLOB in this text column), any other id as its text."""

    __tablename__ = "compacted_change"
    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(primary_key=True, max_length=36)


class ClockFieldSet(SQLModel, table=True):
    """A set of field names that share a clock in ``row_clock`` (interned: the rows of a
    table mostly name the same fields)."""

    __tablename__ = "clock_field_set"

    id: int | None = Field(default=None, primary_key=True)
    names: str = Field(unique=True)  # field names joined by commas, sorted
