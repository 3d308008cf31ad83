"""changes kept aside: pulled changes this program cannot apply, and fields waiting for
their parent row

- ``held_change``: a change from the server (or a bundle) that fails the entity
  declarations (a newer program's record type, a malformed value): kept with the reason,
  shown on the sync page, retried after an upgrade; the sync goes on without it.
- ``pending_field``: a change to an existing row that points a reference field at a row
  this laptop does not have (yet): the field waits, as a new row waits in ``pending_row``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'held_change',
        sa.Column('id', sa.String(), primary_key=True),
        sa.Column('entity', sa.String(), nullable=False),
        sa.Column('row_id', sa.String(), nullable=False),
        sa.Column('body', sa.String(), nullable=False),
        sa.Column('code', sa.String(), nullable=False),
        sa.Column('reason', sa.String(), nullable=False),
        sa.Column('source', sa.String(), nullable=False),
        sa.Column('held_at', sa.String(), nullable=False),
    )
    op.create_table(
        'pending_field',
        sa.Column('change_id', sa.String(), primary_key=True),
        sa.Column('entity', sa.String(), nullable=False),
        sa.Column('row_id', sa.String(), nullable=False),
        sa.Column('field', sa.String(), nullable=False),
        sa.Column('parent_entity', sa.String(), nullable=False),
        sa.Column('parent_id', sa.String(), nullable=False),
    )
    op.create_index('ix_pending_field_parent_id', 'pending_field', ['parent_id'])
    op.create_index('ix_pending_field_row_id', 'pending_field', ['row_id'])


def downgrade() -> None:
    op.drop_index('ix_pending_field_row_id', 'pending_field')
    op.drop_index('ix_pending_field_parent_id', 'pending_field')
    op.drop_table('pending_field')
    op.drop_table('held_change')
