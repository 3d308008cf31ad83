"""Initial server schema: accounts, tokens, changes, row areas, attachment areas.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AREA_CODE = sa.String(40).with_variant(sa.String(40, collation="C"), "postgresql")
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("scopes", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("device", sa.String(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_token_account_id", "token", ["account_id"])
    op.create_table(
        "change",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("row_id", sa.String(64), nullable=False),
        sa.Column("area_code", AREA_CODE, nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
    )
    # The pull filter: ranges of area codes (a scope's prefix), then seq after the cursor.
    op.create_index("ix_change_area_seq", "change", ["area_code", "seq"])
    op.create_table(
        "row_area",
        sa.Column("entity", sa.String(40), primary_key=True),
        sa.Column("row_id", sa.String(64), primary_key=True),
        sa.Column("area_code", AREA_CODE, nullable=False),
    )
    op.create_table(
        "attachment_area",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("area_code", AREA_CODE, primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("attachment_area")
    op.drop_table("row_area")
    op.drop_index("ix_change_area_seq", table_name="change")
    op.drop_table("change")
    op.drop_index("ix_token_account_id", table_name="token")
    op.drop_table("token")
    op.drop_table("account")
