"""attachment changes found by an index (issue 17: the step after a bulk push)

- ``ix_change_log_attachment``: the log's photo records. A sync looks for the photos to
  send and to fetch among the changes logged since its last look; after a bulk push of
  120,000 changes that was a scan of all of them (0.12 s of the push's tail), now a few
  index entries.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_change_log_attachment', 'change_log', ['seq'],
                    sqlite_where=sa.text("entity = 'attachment'"))


def downgrade() -> None:
    op.drop_index('ix_change_log_attachment', 'change_log')
