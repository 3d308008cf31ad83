"""Laptop logins: which laptop (instance: machine and data-home folder) each account's login
on a device id came from, so a copied data home (the same device id) is refused while the
laptop it was copied from holds a live login (auth.py, docs/sync-protocol.md: Devices).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "laptop_login",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), primary_key=True),
        sa.Column("device", sa.String(100), primary_key=True),
        # 32 hex digits from the laptop (a hash of its machine id and home folder).
        sa.Column("instance", sa.String(64), nullable=False),
        sa.Column("logged_in_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_laptop_login_device", "laptop_login", ["device"])
    # The live logins naming a device are looked up by device at every laptop login and push.
    op.create_index("ix_token_device", "token", ["device"])


def downgrade() -> None:
    op.drop_index("ix_token_device", table_name="token")
    op.drop_index("ix_laptop_login_device", table_name="laptop_login")
    op.drop_table("laptop_login")
