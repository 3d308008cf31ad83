"""Hardening: refresh-token families, login throttling, the audit log, attachment
ownership, and changes taken out of the pull stream (quarantine).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

AREA_CODE = sa.String(40).with_variant(sa.String(40, collation="C"), "postgresql")
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("token") as batch:
        # The family of a refresh token: every token traded from one login shares it, so a
        # reuse of a spent token ends them all.
        batch.add_column(sa.Column("family", sa.String(64), nullable=True))
        batch.add_column(sa.Column("rotated_at", sa.DateTime(), nullable=True))
        # The answer of a trade, sealed with a key only the traded token's holder can
        # derive, kept for the grace window so a retry gets the same successor.
        batch.add_column(sa.Column("sealed_answer", sa.LargeBinary(), nullable=True))
    op.create_index("ix_token_family", "token", ["family"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),  # "user:<name>" or "addr:<ip>"
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "attachment_upload",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), primary_key=True),
        # The uploader's scope when it uploaded (comma-separated prefixes; "" for an admin):
        # the bytes may be read through rows inside it only.
        sa.Column("scopes", sa.String(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
    )
    _own_earlier_uploads()
    op.create_table(
        "quarantined_change",
        sa.Column("seq", SEQ, primary_key=True),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("row_id", sa.String(64), nullable=False),
        sa.Column("area_code", AREA_CODE, nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("quarantined_at", sa.DateTime(), nullable=False),
        sa.Column("quarantined_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
    )


def _own_earlier_uploads() -> None:
    """Files uploaded before uploads were recorded stay readable as they were: through rows
    of the areas that pointed at them when the server was upgraded (an upload record per
    file, size 0 so no quota is charged, under the first account: the uploader is unknown)."""
    conn = op.get_bind()
    first = conn.execute(sa.text("SELECT min(id) FROM account")).scalar()
    if first is None:
        return
    areas: dict[str, set[str]] = {}
    for sha, code in conn.execute(sa.text("SELECT sha256, area_code FROM attachment_area")):
        if code:  # "" would read as "everywhere"
            areas.setdefault(sha, set()).add(code)
    if not areas:
        return
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute(sa.text(
        "INSERT INTO attachment_upload (sha256, account_id, scopes, size, uploaded_at) "
        "VALUES (:s, :a, :c, 0, :t)"),
        [{"s": sha, "a": first, "c": ",".join(sorted(codes)), "t": now}
         for sha, codes in areas.items()])


def downgrade() -> None:
    op.drop_table("quarantined_change")
    op.drop_table("attachment_upload")
    op.drop_index("ix_audit_log_at", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("login_throttle")
    op.drop_index("ix_token_family", "token")
    with op.batch_alter_table("token") as batch:
        batch.drop_column("sealed_answer")
        batch.drop_column("rotated_at")
        batch.drop_column("family")
