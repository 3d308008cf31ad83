"""row clocks: field clocks of rows loaded from a server snapshot (issue 17)

- ``row_clock``: per row loaded without its changes, the HLC of each field's value in a
  compact form (``store/row_clock.py``); ``clock_field_set``: the field-name sets it names.
- The guard triggers of every synced table accept as a row's HLC a logged change's (as
  before) or the row's ``row_clock.top`` (a loaded row has no logged change).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOGGED = "EXISTS (SELECT 1 FROM change_log WHERE row_id = NEW.id AND hlc = NEW.updated_hlc)"
_LOADED = "EXISTS (SELECT 1 FROM row_clock WHERE row_id = NEW.id AND top = NEW.updated_hlc)"


def _guards(known: str) -> tuple[str, str]:
    return (
        "CREATE TRIGGER {t}_logged_insert BEFORE INSERT ON {t} "
        f"WHEN NOT ({known}) "
        "BEGIN SELECT RAISE(ABORT, 'workteam: write to {t} bypassed the change log'); END",
        "CREATE TRIGGER {t}_logged_update BEFORE UPDATE ON {t} "
        f"WHEN NEW.updated_hlc IS OLD.updated_hlc OR NOT ({known}) "
        "BEGIN SELECT RAISE(ABORT, 'workteam: write to {t} bypassed the change log'); END",
    )


def _guarded_tables() -> list[str]:
    # Every table the earlier migrations guarded (the synced tables as they were made).
    rows = op.get_bind().exec_driver_sql(
        "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE '%\\_logged\\_update' ESCAPE '\\' ORDER BY tbl_name").fetchall()
    return [r[0] for r in rows]


def _replace_guards(known: str) -> None:
    for table in _guarded_tables():
        for suffix in ("logged_insert", "logged_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
        for statement in _guards(known):
            op.execute(statement.format(t=table))


def upgrade() -> None:
    op.create_table(
        'row_clock',
        sa.Column('row_id', sa.String(length=36), primary_key=True),
        sa.Column('top', sa.String(), nullable=False),
        sa.Column('clocks', sa.String(), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'clock_field_set',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('names', sa.String(), nullable=False),
        sa.UniqueConstraint('names'),
    )
    _replace_guards(f"{_LOGGED} OR {_LOADED}")


def downgrade() -> None:
    _replace_guards(_LOGGED)
    op.drop_table('clock_field_set')
    op.drop_table('row_clock')
