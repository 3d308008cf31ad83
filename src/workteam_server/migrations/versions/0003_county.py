"""A county's set-up: accounts on a team, laptops' last sync, the directory of areas and
teams, and the clock of the changes the server makes itself.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("team_id", sa.String(36), nullable=True))
    op.create_table(
        "device",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), primary_key=True),
        sa.Column("device", sa.String(100), primary_key=True),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=True),
        sa.Column("cursor", sa.BigInteger(), nullable=True),
    )
    op.create_table(
        "directory_row",
        sa.Column("entity", sa.String(40), primary_key=True),
        sa.Column("row_id", sa.String(64), primary_key=True),
        sa.Column("fields", sa.String(), nullable=False),
        sa.Column("clocks", sa.String(), nullable=False),
    )
    op.create_table(
        "server_clock",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("device", sa.String(32), nullable=False),
        sa.Column("wall_ms", sa.BigInteger(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("server_clock")
    op.drop_table("directory_row")
    op.drop_table("device")
    with op.batch_alter_table("account") as batch:
        batch.drop_column("team_id")
