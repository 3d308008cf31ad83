"""Tables of the server (SQLModel), the same on SQLite and PostgreSQL.

The server keeps the changes it accepted (append-only, ordered by ``seq``) and the area code
of every row it has seen (``row_area``); it does not rebuild the rows themselves: laptops do.
The schema is made by the migrations in ``migrations/`` only.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class ServerModel(SQLModel, registry=registry()):
    """Base of the server's tables: their own metadata, apart from the desktop's, so both
    can be loaded in one process (the tests do)."""

# Byte-order comparison of area codes on PostgreSQL, so a scope prefix is an index range.
AREA_CODE = sa.String(40).with_variant(sa.String(40, collation="C"), "postgresql")
# SQLite numbers rows itself only for an INTEGER PRIMARY KEY.
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Account(ServerModel, table=True):
    """A user of the server: a team member, a supervisor or an admin."""

    __tablename__ = "account"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    role: str = Field(max_length=16)
    scopes: str = ""  # comma-separated code prefixes
    password_hash: str
    disabled: bool = False
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(), nullable=False))
    # The work team of a member account: its scope is the team's villages (and the team's
    # own rows), kept in ``scopes`` by ``directory.refresh_team_scopes``.
    team_id: str | None = Field(default=None, sa_column=sa.Column(sa.String(36), nullable=True))


class Token(ServerModel, table=True):
    """An access or refresh token, stored only as its SHA-256."""

    __tablename__ = "token"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = Field(max_length=8)  # access | refresh
    device: str = Field(default="", index=True)
    expires_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(), nullable=False))
    revoked: bool = False
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(), nullable=False))
    # The refresh token this one was traded for (its SHA-256): the old token may be traded
    # again while the successor is unused, because the answer carrying it can be lost.
    replaced_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    # Every token traded from one login shares a family: reusing a spent token ends it.
    family: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True, index=True))
    rotated_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(sa.DateTime(), nullable=True))
    # The trade's answer, sealed with a key derived from the traded token, kept for the
    # grace window: a retry (the answer lost on a cut link) gets the same successor.
    sealed_answer: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary(), nullable=True))


class ChangeRow(ServerModel, table=True):
    """One accepted change, in server order."""

    __tablename__ = "change"
    __table_args__ = (sa.Index("ix_change_area_seq", "area_code", "seq"),)
    seq: int | None = Field(default=None, sa_column=sa.Column(SEQ, primary_key=True, autoincrement=True))
    id: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    entity: str = Field(max_length=40)
    row_id: str = Field(max_length=64)
    area_code: str = Field(sa_column=sa.Column(AREA_CODE, nullable=False))
    account: str = Field(max_length=64)  # who pushed it
    # The laptop that pushed it (from the token): its own pulls skip it (no echo). None
    # for a change re-served to a new area (rehome), which every laptop gets.
    device: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), nullable=True))
    body: str  # the change's JSON as the protocol sends it


class RowArea(ServerModel, table=True):
    """The area code of every row the server has seen (children find their parent's)."""

    __tablename__ = "row_area"
    entity: str = Field(primary_key=True, max_length=40)
    row_id: str = Field(primary_key=True, max_length=64)
    area_code: str = Field(sa_column=sa.Column(AREA_CODE, nullable=False))


class AttachmentArea(ServerModel, table=True):
    """The areas whose rows point at an attachment (who may download it)."""

    __tablename__ = "attachment_area"
    sha256: str = Field(primary_key=True, max_length=64)
    area_code: str = Field(sa_column=sa.Column(AREA_CODE, primary_key=True))


class Device(ServerModel, table=True):
    """A laptop an account syncs from: when it last synced and how many of its changes were
    waiting to be sent then (the laptop says so with the first pull of each sync)."""

    __tablename__ = "device"
    account_id: int = Field(foreign_key="account.id", primary_key=True)
    device: str = Field(primary_key=True, max_length=100)
    first_seen: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(), nullable=False))
    last_sync_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(), nullable=False))
    pending: int | None = None
    cursor: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger(), nullable=True))


class LaptopLogin(ServerModel, table=True):
    """The laptop an account's login on a device id was made from: its *instance* (a hash
    of the machine's id and the data home's folder, sent by the laptop). A copied data home
    has the same device id but another instance (auth.py: who may use a device id)."""

    __tablename__ = "laptop_login"
    account_id: int = Field(foreign_key="account.id", primary_key=True)
    device: str = Field(primary_key=True, max_length=100, index=True)
    instance: str = Field(max_length=64)
    logged_in_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(), nullable=False))


class DirectoryRow(ServerModel, table=True):
    """The current values of the rows that say who works where (areas, teams, their
    villages, cadres), folded from the accepted changes field by field (highest HLC wins,
    as on every laptop), so the server can list teams and derive a team's scope."""

    __tablename__ = "directory_row"
    entity: str = Field(primary_key=True, max_length=40)
    row_id: str = Field(primary_key=True, max_length=64)
    fields: str = "{}"  # JSON: field -> value
    clocks: str = "{}"  # JSON: field -> HLC of the value


class ServerClock(ServerModel, table=True):
    """The clock of the changes the server makes itself (a county's areas and teams): its
    device id and last reading, so it never goes backwards."""

    __tablename__ = "server_clock"
    id: int = Field(default=1, primary_key=True)
    device: str = Field(max_length=32)
    wall_ms: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    counter: int


class LoginThrottle(ServerModel, table=True):
    """Failed logins of one account name or one client address, and its lockout."""

    __tablename__ = "login_throttle"
    key: str = Field(primary_key=True, max_length=200)  # "user:<name>" | "addr:<ip>"
    failures: int = 0
    last_failure_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(), nullable=False))
    locked_until: dt.datetime | None = Field(default=None, sa_column=sa.Column(sa.DateTime(), nullable=True))


class AuditEntry(ServerModel, table=True):
    """What happened on the server that an administrator may need to check later: logins,
    lockouts, refused tokens and changes, quarantines. No passwords, no personal data."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_at", "at"),)
    id: int | None = Field(default=None, sa_column=sa.Column(SEQ, primary_key=True, autoincrement=True))
    at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(), nullable=False))
    account: str = Field(max_length=64)
    address: str = Field(max_length=64)
    action: str = Field(max_length=40)
    detail: str = "{}"  # JSON


class AttachmentUpload(ServerModel, table=True):
    """Who uploaded the bytes of an attachment, with the scope they had then: the bytes
    are readable only through rows inside an uploader's scope (a known hash gives nothing)."""

    __tablename__ = "attachment_upload"
    sha256: str = Field(primary_key=True, max_length=64)
    account_id: int = Field(foreign_key="account.id", primary_key=True)
    scopes: str = ""  # comma-separated prefixes; "" = everything (an admin)
    size: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    uploaded_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(), nullable=False))


class QuarantinedChange(ServerModel, table=True):
    """A change an administrator took out of the pull stream, kept as it was."""

    __tablename__ = "quarantined_change"
    seq: int = Field(sa_column=sa.Column(SEQ, primary_key=True))
    id: str = Field(max_length=64)
    entity: str = Field(max_length=40)
    row_id: str = Field(max_length=64)
    area_code: str = Field(sa_column=sa.Column(AREA_CODE, nullable=False))
    account: str = Field(max_length=64)
    body: str
    quarantined_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(), nullable=False))
    quarantined_by: str = Field(max_length=64)
    reason: str = ""


change_table: sa.Table = ChangeRow.__table__  # type: ignore[attr-defined]
row_area_table: sa.Table = RowArea.__table__  # type: ignore[attr-defined]
attachment_area_table: sa.Table = AttachmentArea.__table__  # type: ignore[attr-defined]
account_table: sa.Table = Account.__table__  # type: ignore[attr-defined]
token_table: sa.Table = Token.__table__  # type: ignore[attr-defined]
device_table: sa.Table = Device.__table__  # type: ignore[attr-defined]
laptop_login_table: sa.Table = LaptopLogin.__table__  # type: ignore[attr-defined]
directory_table: sa.Table = DirectoryRow.__table__  # type: ignore[attr-defined]
clock_table: sa.Table = ServerClock.__table__  # type: ignore[attr-defined]
throttle_table: sa.Table = LoginThrottle.__table__  # type: ignore[attr-defined]
audit_table: sa.Table = AuditEntry.__table__  # type: ignore[attr-defined]
upload_table: sa.Table = AttachmentUpload.__table__  # type: ignore[attr-defined]
quarantine_table: sa.Table = QuarantinedChange.__table__  # type: ignore[attr-defined]

metadata: sa.MetaData = ServerModel.metadata
