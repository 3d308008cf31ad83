"""supervisor: manual scores, household merge history, dismissed duplicate pairs

Local tables only (never synced): they hold the supervisor's own work. The merges
themselves travel as ordinary changes written through the Writer.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 11:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('supervisor_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('subject_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('subject_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('entered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('entered_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('supervisor_score', schema=None) as batch_op:
        batch_op.create_index('ux_supervisor_score_subject', ['quarter', 'subject_kind', 'subject_id'],
                              unique=True)

    op.create_table('household_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('merged_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kept_label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('merged_label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('choices', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('moved', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('merged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('merged_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('household_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_merge_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_merge_merged_id'), ['merged_id'], unique=False)

    op.create_table('duplicate_dismissal',
    sa.Column('household_a', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('household_b', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('dismissed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('dismissed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('household_a', 'household_b')
    )


def downgrade() -> None:
    op.drop_table('duplicate_dismissal')
    with op.batch_alter_table('household_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_merge_merged_id'))
        batch_op.drop_index(batch_op.f('ix_household_merge_kept_id'))
    op.drop_table('household_merge')
    with op.batch_alter_table('supervisor_score', schema=None) as batch_op:
        batch_op.drop_index('ux_supervisor_score_subject')
    op.drop_table('supervisor_score')
