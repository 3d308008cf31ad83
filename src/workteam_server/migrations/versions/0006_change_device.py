"""The device that pushed each change, in a column of its own: a laptop's pull skips the
changes it pushed itself (no echo: docs/sync-protocol.md, Pull).

Existing rows take the device their stored body names (the server wrote it there from the
token, never from the laptop's body); rows re-served to a new area (rehome) keep none and
are served to every laptop, as before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change") as batch:
        batch.add_column(sa.Column("device", sa.String(100), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE change SET device = NULLIF(body::json->>'device', '?') "
                   "WHERE account <> ''")
    else:
        op.execute("UPDATE change SET device = NULLIF(json_extract(body, '$.device'), '?') "
                   "WHERE account <> ''")


def downgrade() -> None:
    with op.batch_alter_table("change") as batch:
        batch.drop_column("device")
