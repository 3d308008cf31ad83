"""conflict settlements sync: a conflict settled on one laptop is settled everywhere

``conflict_settlement`` (synced): which field of which record a person reviewed, up to
which clock, and what they chose. A laptop that receives it marks its own queued conflicts
on that field, up to that clock, as settled.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 16:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same guard as every synced table has (0001): no write bypasses the change log.
_GUARD = (
    "CREATE TRIGGER {t}_logged_insert BEFORE INSERT ON {t} "
    "WHEN NOT EXISTS (SELECT 1 FROM change_log WHERE row_id = NEW.id AND hlc = NEW.updated_hlc) "
    "BEGIN SELECT RAISE(ABORT, 'workteam: write to {t} bypassed the change log'); END",
    "CREATE TRIGGER {t}_logged_update BEFORE UPDATE ON {t} "
    "WHEN NEW.updated_hlc IS OLD.updated_hlc "
    "OR NOT EXISTS (SELECT 1 FROM change_log WHERE row_id = NEW.id AND hlc = NEW.updated_hlc) "
    "BEGIN SELECT RAISE(ABORT, 'workteam: write to {t} bypassed the change log'); END",
    "CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} "
    "BEGIN SELECT RAISE(ABORT, 'workteam: rows of {t} are deleted by tombstone'); END",
)


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table('conflict_settlement',
    sa.Column('id', text(length=36), nullable=False),
    sa.Column('updated_hlc', text(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('target_entity', text(), nullable=False),
    sa.Column('target_id', text(), nullable=False),
    sa.Column('field', text(), nullable=False),
    sa.Column('up_to', text(), nullable=False),
    sa.Column('choice', text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_conflict_settlement_target_id'), 'conflict_settlement', ['target_id'],
                    unique=False)
    for statement in _GUARD:
        op.execute(statement.format(t="conflict_settlement"))


def downgrade() -> None:
    for trigger in ("logged_insert", "logged_update", "no_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS conflict_settlement_{trigger}")
    op.drop_index(op.f('ix_conflict_settlement_target_id'), table_name='conflict_settlement')
    op.drop_table('conflict_settlement')
