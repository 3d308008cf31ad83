"""county set-up: local villages, cadre rotation, trainings with participants

- ``area.local``: a village users added (not in the shipped administrative divisions).
- ``cadre.started_on`` / ``cadre.ended_on``: cadres rotate; a cadre who left keeps the row,
  so past visits keep their visitor.
- ``training``: trainer, place and note; ``training_participant`` (synced): the household
  members who took part and the certificate each obtained (人人持证).

Columns are added in place (SQLite ALTER TABLE ADD COLUMN): rebuilding a synced table would
drop its guard triggers.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 13:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
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


def _text(name: str) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")


def upgrade() -> None:
    op.add_column('area', sa.Column('local', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('cadre', sa.Column('started_on', sa.Date(), nullable=True))
    op.add_column('cadre', sa.Column('ended_on', sa.Date(), nullable=True))
    op.add_column('training', _text('trainer'))
    op.add_column('training', _text('place'))
    op.add_column('training', _text('note'))
    op.create_table('training_participant',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('updated_hlc', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('training_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('member_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('certificate', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['training_id'], ['training.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_training_participant_member_id'), 'training_participant', ['member_id'], unique=False)
    op.create_index(op.f('ix_training_participant_training_id'), 'training_participant', ['training_id'], unique=False)
    for statement in _GUARD:
        op.execute(statement.format(t="training_participant"))


def downgrade() -> None:
    for trigger in ("logged_insert", "logged_update", "no_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS training_participant_{trigger}")
    op.drop_index(op.f('ix_training_participant_training_id'), table_name='training_participant')
    op.drop_index(op.f('ix_training_participant_member_id'), table_name='training_participant')
    op.drop_table('training_participant')
    with op.batch_alter_table('training') as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('place')
        batch_op.drop_column('trainer')
    with op.batch_alter_table('cadre') as batch_op:
        batch_op.drop_column('ended_on')
        batch_op.drop_column('started_on')
    with op.batch_alter_table('area') as batch_op:
        batch_op.drop_column('local')
