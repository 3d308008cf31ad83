"""row clocks keep a row's newest clock once (issue 17: the county's store under 1.3 GB)

- ``row_clock.top`` is empty (``row_clock.SAME``) while it equals the row's own
  ``updated_hlc``: every row loaded from a snapshot, until its clock moves. The entry with
  the empty row id keeps the newest of those clocks (``row_clock.NEWEST``), so
  ``max(top)`` still covers every clock the store holds.
- ``<table>_top_kept`` on every synced table writes the row's clock into an empty ``top``
  before the row's ``updated_hlc`` moves: an empty ``top`` always means the row's current
  clock, whatever code writes the row.
- The guard on inserts accepts a row whose kept ``top`` is empty (it is the row's own).
- Existing entries whose ``top`` is their row's clock are emptied now.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 11:40:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOGGED = "EXISTS (SELECT 1 FROM change_log WHERE row_id = NEW.id AND hlc = NEW.updated_hlc)"
_LOADED = "EXISTS (SELECT 1 FROM row_clock WHERE row_id = NEW.id AND top = NEW.updated_hlc)"
_LOADED_SAME = ("EXISTS (SELECT 1 FROM row_clock WHERE row_id = NEW.id "
                "AND top IN (NEW.updated_hlc, ''))")


def _insert_guard(known: str) -> str:
    return ("CREATE TRIGGER {t}_logged_insert BEFORE INSERT ON {t} "
            f"WHEN NOT ({known}) "
            "BEGIN SELECT RAISE(ABORT, 'workteam: write to {t} bypassed the change log'); END")


_TOP_KEPT = (
    "CREATE TRIGGER {t}_top_kept BEFORE UPDATE OF updated_hlc ON {t} "
    "WHEN NEW.updated_hlc IS NOT OLD.updated_hlc "
    "BEGIN UPDATE row_clock SET top = OLD.updated_hlc WHERE row_id = OLD.id AND top = ''; END")


def _guarded_tables() -> list[str]:
    # Every synced table (the ones the earlier migrations guarded).
    rows = op.get_bind().exec_driver_sql(
        "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE '%\\_logged\\_update' ESCAPE '\\' ORDER BY tbl_name").fetchall()
    return [r[0] for r in rows]


def upgrade() -> None:
    tables = _guarded_tables()
    for table in tables:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_logged_insert")
        op.execute(_insert_guard(f"{_LOGGED} OR {_LOADED_SAME}").format(t=table))
        op.execute(_TOP_KEPT.format(t=table))
    # The newest kept clock first, then the tops that repeat their row's clock emptied.
    op.execute("INSERT INTO row_clock (row_id, top, clocks) "
               "SELECT '', max(top), '' FROM row_clock HAVING count(*) > 0 "
               "ON CONFLICT(row_id) DO NOTHING")
    for table in tables:
        op.execute(f"UPDATE row_clock SET top = '' FROM {table} t "
                   "WHERE t.id = row_clock.row_id AND t.updated_hlc = row_clock.top "
                   "AND row_clock.row_id != ''")


def downgrade() -> None:
    tables = _guarded_tables()
    for table in tables:
        op.execute(f"UPDATE row_clock SET top = t.updated_hlc FROM {table} t "
                   "WHERE t.id = row_clock.row_id AND row_clock.top = ''")
    op.execute("DELETE FROM row_clock WHERE row_id = ''")
    for table in tables:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_top_kept")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_logged_insert")
        op.execute(_insert_guard(f"{_LOGGED} OR {_LOADED}").format(t=table))
