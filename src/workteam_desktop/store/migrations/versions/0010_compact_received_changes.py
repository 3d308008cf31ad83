"""compact received changes: their clocks in row_clock, their ids in compacted_change (issue 17)

- ``compacted_change``: the ids of received changes folded into ``row_clock`` and deleted
  from ``change_log`` (a change delivered again is still skipped).
- ``ix_change_log_remote``: the received changes still logged, found without a scan of
  this laptop's own.
- Existing stores that log at least ``compact.COMPACT_AT`` received changes (a county's)
  are compacted now (``store/compact.py``, in this migration's transaction); the file gives
  the space back after the upgrade (``migrate.upgrade``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'compacted_change',
        sa.Column('id', sa.String(length=36), primary_key=True),
        sqlite_with_rowid=False,
    )
    # The compaction of today's code: it reads and writes only tables this revision has.
    from workteam_desktop.store.compact import compact_if_due

    raw = op.get_bind().connection.driver_connection
    compact_if_due(raw.cursor())
    # Made after the compaction: it then indexes the few received changes left, not a
    # county's 3.2 million (the compaction reads them in seq order without it).
    op.create_index('ix_change_log_remote', 'change_log', ['seq'],
                    sqlite_where=sa.text("origin = 'remote'"))


def downgrade() -> None:
    # Compacted changes are not put back in the log: their clocks stay in row_clock, which
    # the schema before this one reads too (rows loaded from a snapshot).
    op.drop_index('ix_change_log_remote', 'change_log')
    op.drop_table('compacted_change')
