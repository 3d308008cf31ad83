"""network sync: sync_state and sync_rejection

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 11:40:00

``change_log.pushed`` keeps its column; from now on it holds 0 (not sent), 1 (accepted
or duplicate) or 2 (rejected by the server; the reason is in ``sync_rejection``).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sync_state',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('sync_rejection',
    sa.Column('change_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('row_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('change_id')
    )
    with op.batch_alter_table('sync_rejection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_rejection_row_id'), ['row_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_rejection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_rejection_row_id'))
    op.drop_table('sync_rejection')
    op.drop_table('sync_state')
