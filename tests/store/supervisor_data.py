"""Making duplicate households for supervisor tests, through the Writer like any edit."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from workteam_desktop.store import Store
from workteam_desktop.store.models import Household, Member

_SKIP = {"id", "updated_hlc", "deleted"}


def copy_household(store: Store, household_id: str, *, members: int | None = None,
                   **changes: Any) -> str:
    """A second household copied from ``household_id`` (fields overridden by ``changes``)
    with copies of its first ``members`` members (all when None); returns its id."""
    with store.session() as session:
        original = session.get(Household, household_id)
        assert original is not None
        fields = {k: v for k, v in original.model_dump().items() if k not in _SKIP}
        people = [{k: v for k, v in m.model_dump().items() if k not in _SKIP}
                  for m in session.exec(
                      select(Member).where(Member.household_id == household_id,
                                           Member.deleted == False)  # noqa: E712
                      .order_by(Member.relation != "head", Member.birth_date))]
    fields.update(changes)
    with store.write("测试") as w:
        (new,) = w.insert("household", [fields])
        chosen = people if members is None else people[:members]
        w.insert("member", [{**p, "household_id": new} for p in chosen])
    return new


def other_village(store: Store, village_id: str) -> str:
    """A village (or community) other than ``village_id`` with a team working in it."""
    with store.read() as cur:
        return cur.execute(
            "SELECT a.id FROM area a JOIN team_area ta ON ta.area_id = a.id "
            "WHERE a.level IN ('village', 'community') AND a.id != ? ORDER BY a.code LIMIT 1",
            (village_id,)).fetchone()[0]
