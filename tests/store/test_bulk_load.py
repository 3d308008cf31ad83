"""A bulk load into an empty store (a new laptop's first sync) ends with the same store as
merging row by row: every index, guard and search trigger back, the search index and the
household facts complete; a store with changes of its own is never loaded in bulk; a
process that dies during a load leaves a store the next open repairs."""

from __future__ import annotations

from pathlib import Path

import pytest

import dbfile
from replicas import fresh_replica
from store_content import schema
from workteam_desktop.domain.changes import Change
from workteam_desktop.store import Store, bulk_load, sqlite
from workteam_desktop.store.changes import apply_page
from workteam_desktop.store.households import HouseholdFilter, list_households
from workteam_desktop.store.models import Area, Household, Income, Member

VILLAGE = "00000000-0000-7000-8000-00000000aa01"
DEVICE = "00000000000000d9"


def _schema(store: Store) -> set[tuple[str, str, str]]:
    return schema(store.home)


def _pages(households: int, per_page: int) -> list[list[Change]]:
    """What a server sends a new laptop: a village, households with a member and an
    income each (the head named 王 + number), as changes in pages."""
    changes: list[Change] = []
    n = 0

    def change(entity: str, row_id: str, fields: dict) -> None:
        nonlocal n
        n += 1
        changes.append(Change(f"00000000-0000-7000-9000-{n:012x}", entity, row_id, fields,
                              f"{1_800_000_000_000 + n:012x}0000{DEVICE}", DEVICE, "测试"))

    change("area", VILLAGE, {"code": "140215100201", "name": "东村", "level": "village"})
    for i in range(households):
        hid = f"00000000-0000-7000-8000-{0xb0000 + i:012x}"
        change("household", hid, {"number": f"{i:04d}", "head_name": f"王{i:04d}",
                                  "village_id": VILLAGE, "id_number": None})
        change("member", f"00000000-0000-7000-8000-{0xc0000 + i:012x}",
               {"household_id": hid, "name": f"王{i:04d}", "labour_capacity": "full",
                "employment_stable": i % 2 == 0})
        change("income", f"00000000-0000-7000-8000-{0xd0000 + i:012x}",
               {"household_id": hid, "year": 2025, "wage": 1000.0 * (i % 9), "operating": 0.0,
                "property": 0.0, "transfer": 0.0, "costs": 0.0})
    return [changes[i:i + per_page] for i in range(0, len(changes), per_page)]


def _everything(store: Store) -> dict[str, list[tuple]]:
    with store.read() as cur:
        tables = [r[0] for r in cur.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' "
            "AND name NOT IN ('device', 'clock_state', 'sync_state')")]
        return {t: sorted(tuple(r) for r in cur.execute(f'SELECT * FROM "{t}"')) for t in tables}


def _load(store: Store, pages: list[list[Change]]) -> None:
    for cursor, page in enumerate(pages, 1):
        apply_page(store, page, cursor)


def test_a_bulk_load_gives_the_store_merging_row_by_row_gives(tmp_path: Path) -> None:
    pages = _pages(60, per_page=25)
    plain = fresh_replica(tmp_path / "plain")
    _load(plain, pages)
    loaded = fresh_replica(tmp_path / "loaded")
    done: list[tuple[int, int]] = []
    with bulk_load.loading(loaded, lambda d, t: done.append((d, t))) as started:
        assert started
        assert loaded.facts_deferred
        # During the load the slow-to-keep objects are gone and recorded for the end.
        assert ("index", "ix_household_id_number") not in {s[:2] for s in _schema(loaded)}
        assert bulk_load.pending(loaded)
        _load(loaded, pages)
    assert done[-1] == (60, 60)  # facts of every household, reported as they went
    assert not bulk_load.pending(loaded) and not loaded.facts_deferred
    assert _schema(loaded) == _schema(plain)
    assert _everything(loaded) == _everything(plain)
    with loaded.read() as cur:
        facts = cur.execute("SELECT count(*), sum(member_count), count(per_capita_income) "
                            "FROM household_facts").fetchone()
    assert tuple(facts) == (60, 60, 60)
    # The rebuilt search index finds by name and by number, as the plain one does.
    for text in ("王0042", "0042"):
        for store in (loaded, plain):
            found = list_households(store, HouseholdFilter(search=text))
            assert [h["number"] for h in found] == ["0042"], text
    plain.close()
    loaded.close()


def test_after_a_load_the_guard_refuses_a_write_that_bypasses_the_log(tmp_path: Path) -> None:
    store = fresh_replica(tmp_path / "s")
    with bulk_load.loading(store):
        _load(store, _pages(3, per_page=4))
    with store.read() as cur:
        village = cur.execute("SELECT id FROM area").fetchone()[0]
    db = dbfile.connect(store.path)
    with pytest.raises(sqlite.IntegrityError, match="bypassed the change log"):
        db.execute("INSERT INTO household (id, updated_hlc, deleted, number, head_name, phone, "
                   "address, village_id, type, relocated, origin_village, resettlement_site, "
                   "monitoring_status, risk_removed_reason, accident_insured, relapse_insured, "
                   "note) VALUES ('x', 'y', 0, '1', '李', '', '', ?, 'ordinary', 0, '', '', "
                   "'none', '', 0, 0, '')", (village,))
    db.close()
    store.close()


def test_a_store_with_its_own_changes_is_never_loaded_in_bulk(tmp_path: Path) -> None:
    store = fresh_replica(tmp_path / "s")
    with store.write() as w:
        w.insert(Area, [{"id": VILLAGE, "code": "140215100201", "name": "东村",
                         "level": "village"}])
    before = _schema(store)
    with bulk_load.loading(store) as started:
        assert not started
        assert _schema(store) == before
        assert not store.facts_deferred
        _load(store, _pages(2, per_page=1)[1:])  # the village is here already
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM household_facts").fetchone()[0] == 2
    store.close()


def test_a_load_cut_by_a_dead_process_is_finished_by_the_next_open(tmp_path: Path) -> None:
    """Two pages merged, then the process dies (no finish): the next open rebuilds every
    index and trigger and computes the facts of the households already there; a later
    sync goes on row by row from there."""
    home = tmp_path / "s"
    pages = _pages(20, per_page=30)
    store = fresh_replica(home)
    reference = _schema(store)
    assert bulk_load.begin(store)
    _load(store, pages[:2])
    store.close()  # as a killed process leaves it: nothing after the last commit

    store = Store.open(home)
    assert not bulk_load.pending(store)
    assert _schema(store) == reference
    with store.read() as cur:
        households = cur.execute("SELECT count(*) FROM household").fetchone()[0]
        assert cur.execute("SELECT count(*) FROM household_facts").fetchone()[0] == households
    assert households > 0
    with bulk_load.loading(store) as started:
        assert not started  # the store has changes now
        for cursor, page in enumerate(pages[2:], 3):
            apply_page(store, page, cursor)
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM household_facts").fetchone()[0] == 20
        assert cur.execute("SELECT count(*) FROM member").fetchone()[0] == 20
    assert [h["number"] for h in list_households(store, HouseholdFilter(search="王0019"))] \
        == ["0019"]
    store.close()


def test_models_used_by_the_pages_are_the_synced_ones() -> None:
    """The fixture's changes name only fields the models have (a typo would make the
    tests above test a refused page)."""
    for page in _pages(1, per_page=10):
        for ch in page:
            model = {"area": Area, "household": Household, "member": Member,
                     "income": Income}[ch.entity]
            assert set(ch.fields) <= set(model.model_fields)
