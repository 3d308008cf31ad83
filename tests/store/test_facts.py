"""Household facts recomputed for every household at once (after a bulk load, a threshold
change) are exactly those computed household by household."""

from __future__ import annotations

from workteam_desktop.store import Store, facts
from workteam_desktop.store.models import Member, ObservationThreshold


def _facts(store: Store) -> list[tuple]:
    with store.read() as cur:
        return [tuple(r) for r in cur.execute("SELECT * FROM household_facts ORDER BY 1")]


def test_all_at_once_equals_household_by_household(demo_copy) -> None:
    with Store.open(demo_copy(600)) as store:
        with store.read() as cur:
            village, = cur.execute("SELECT village_id FROM household LIMIT 1").fetchone()
            member, = cur.execute("SELECT id FROM member WHERE employment_stable = 1 "
                                  "LIMIT 1").fetchone()
        with store.write() as w:
            # A village's own threshold (above the county's), a member gone: both change
            # facts, and the all-at-once walk must see them as the per-household path does.
            w.insert(ObservationThreshold, [{"year": 2025, "area_id": village,
                                             "amount": 30000.0}])
            w.delete(Member, member)
        with store.write() as w:
            assert facts.refresh(w.cursor) == 600
        everything = _facts(store)
        with store.write() as w:
            w.cursor.execute("DELETE FROM household_facts")
            ids = [r[0] for r in w.cursor.execute("SELECT id FROM household ORDER BY number")]
            assert facts.refresh(w.cursor, ids) == 600
        assert _facts(store) == everything
        observed = sum(1 for f in everything if f[4])
        assert 0 < observed < 600  # the comparison is about something


def test_a_member_moved_to_another_household_changes_the_facts_of_both(store: Store) -> None:
    """Moved by an edit here and back by a change from elsewhere: the household it left is
    recounted too (it kept counting the member before)."""
    from workteam_desktop.domain.changes import Change
    from workteam_desktop.store.changes import apply
    from workteam_desktop.store.models import Area, Household

    def counts() -> dict[str, int]:
        with store.read() as cur:
            return dict(cur.execute("SELECT h.number, f.member_count FROM household h "
                                    "JOIN household_facts f ON f.household_id = h.id"))

    with store.write() as w:
        village, = w.insert(Area, [{"code": "140215100201", "name": "东村", "level": "village"}])
        a, b = w.insert(Household, [{"number": n, "head_name": "王喆", "village_id": village}
                                    for n in ("0001", "0002")])
        member, = w.insert(Member, [{"household_id": a, "name": "王喆"}])
    assert counts() == {"0001": 1, "0002": 0}
    with store.write() as w:
        w.update(Member, member, {"household_id": b})
    assert counts() == {"0001": 0, "0002": 1}
    apply(store, [Change("00000000-0000-7000-9000-00000000f001", "member", member,
                         {"household_id": a}, "ffffffffffff0000" + "00000000000000d2",
                         "00000000000000d2", "别处")])
    assert counts() == {"0001": 1, "0002": 0}
