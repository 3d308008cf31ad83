"""The merge's fast path (rows never seen are folded in memory and made in bulk at the end
of a chunk) gives exactly the store of the reference path (every new row waits in
``pending_row`` and is made from the log at the end of the batch), for random change sets:
any order, duplicates, updates before creates, missing parents, concurrent edits of one
field, informed overwrites, tombstones, several batches, any chunk and cache size; rows
that exist pointed at rows that come in a later batch or never (their fields wait in
``pending_field``): no batch is ever refused."""

from __future__ import annotations

from collections import defaultdict
from contextlib import nullcontext
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replicas import fresh_replica
from store_content import schema
from workteam_desktop.domain.changes import Change
from workteam_desktop.store import Store, bulk_load, merge
from workteam_desktop.store.changes import merge as merge_batch
from workteam_desktop.store.merge import ApplyResult, NeedsReferencePath, apply_changes
from workteam_desktop.store.models import MODEL_BY_ENTITY

ROWS = {
    "area": [f"00000000-0000-7000-8000-0000000000a{i}" for i in range(3)],
    "household": [f"00000000-0000-7000-8000-0000000000b{i}" for i in range(3)],
    "member": [f"00000000-0000-7000-8000-0000000000c{i}" for i in range(3)],
}
# Rows no change makes: outside the laptop's scope, say. A reference to one waits forever.
NEVER = {
    "area": "00000000-0000-7000-8000-0000000000af",
    "household": "00000000-0000-7000-8000-0000000000bf",
}
DEVICES = ("00000000000000d1", "00000000000000d2", "00000000000000d3")
NAMES = ("王喆", "李娜", "张伟")


def _ref(draw: st.DrawFn, parent: str) -> str:
    """A reference: to a row changes may make, or (less often) to one never made."""
    return draw(st.sampled_from([*ROWS[parent], NEVER[parent]]))




def _everything(store: Store) -> dict:
    """Every synced row (HLCs included), the log, conflicts, waiting rows and facts."""
    with store.read() as cur:
        found = {entity: sorted(tuple(r) for r in cur.execute(f'SELECT * FROM "{entity}"'))
                 for entity in MODEL_BY_ENTITY}
        found["conflict"] = sorted(tuple(r) for r in cur.execute(
            "SELECT entity, row_id, field, kept_value, kept_hlc, lost_value, lost_hlc, "
            "lost_device, lost_user FROM conflict"))
        found["pending_row"] = sorted(tuple(r) for r in cur.execute("SELECT * FROM pending_row"))
        found["pending_field"] = sorted(tuple(r) for r in cur.execute(
            "SELECT * FROM pending_field"))
        found["log"] = sorted(tuple(r) for r in cur.execute(
            "SELECT id, entity, row_id, fields, base, hlc, device, user, origin, pushed "
            "FROM change_log"))
        found["facts"] = sorted(tuple(r) for r in cur.execute("SELECT * FROM household_facts"))
        found["search"] = sorted(tuple(r) for r in cur.execute(
            "SELECT h.id FROM household_fts f JOIN household h ON h.rowid = f.rowid "
            "WHERE household_fts MATCH '0001 OR 13900000002'"))  # trigram: 3+ characters
    return found


def _fields(draw: st.DrawFn, entity: str, create: bool) -> dict:
    pick = draw
    if entity == "area":
        made = {"code": pick(st.sampled_from(["140215100201", "140215100202"])),
                "name": pick(st.sampled_from(["东村", "西村"])), "level": "village"}
        optional = {"parent_id": pick(st.sampled_from([None, *ROWS["area"], NEVER["area"]])),
                    "deleted": pick(st.booleans())}
    elif entity == "household":
        made = {"number": pick(st.sampled_from(["0001", "0002"])),
                "head_name": pick(st.sampled_from(NAMES)),
                "village_id": _ref(draw, "area")}
        optional = {"phone": pick(st.sampled_from(["13900000001", "13900000002"])),
                    "form_updated_on": pick(st.sampled_from(["2026-01-01", "2026-03-05"])),
                    "deleted": pick(st.booleans())}
    else:
        made = {"household_id": _ref(draw, "household"),
                "name": pick(st.sampled_from(NAMES))}
        optional = {"birth_date": pick(st.sampled_from(["1960-01-02", "1988-12-31"])),
                    "labour_capacity": pick(st.sampled_from(["none", "full"])),
                    "deleted": pick(st.booleans())}
    if create:
        return {**made, **{k: v for k, v in optional.items() if k != "deleted"}}
    pool = {**made, **optional}
    names = pick(st.lists(st.sampled_from(sorted(pool)), min_size=1, max_size=3, unique=True))
    return {n: pool[n] for n in names}


def _seed(draw: st.DrawFn) -> list[Change]:
    """Maybe a first batch of complete rows (parents among them): later batches then
    edit rows that exist, and may point them at rows that are not there."""
    seed: list[Change] = []
    there: dict[str, list[str]] = {}
    for n, entity in enumerate(("area", "household", "member")):
        parent = {"household": "area", "member": "household"}.get(entity)
        ids = draw(st.lists(st.sampled_from(ROWS[entity]), unique=True))
        there[entity] = ids if parent is None or there[parent] else []
        for k, row_id in enumerate(there[entity]):
            fields = _fields(draw, entity, create=True)
            if parent is not None:  # in a row of the seed: made at once
                fields[f"{'village' if parent == 'area' else parent}_id"] = draw(
                    st.sampled_from(there[parent]))
            elif "parent_id" in fields:
                fields["parent_id"] = None
            seed.append(Change(f"00000000-0000-7000-a000-{n:06x}{k:06x}", entity, row_id,
                               fields, f"{1_799_999_999_999:012x}{n * 8 + k:04x}{DEVICES[0]}",
                               DEVICES[0], "测试"))
    return seed


@st.composite
def change_sets(draw: st.DrawFn) -> tuple[list[list[Change]], int, int]:
    """Batches of changes as replicas would send them, shuffled, some twice, maybe after a
    batch of complete rows; a chunk size and a row cache size."""
    made: list[Change] = []
    clocks: dict[str, list[str]] = defaultdict(list)  # row id → HLCs of its changes so far
    for i in range(draw(st.integers(1, 30))):
        entity = draw(st.sampled_from(sorted(ROWS)))
        row_id = draw(st.sampled_from(ROWS[entity]))
        fields = _fields(draw, entity, create=draw(st.booleans()))
        device = draw(st.sampled_from(DEVICES))
        # Few distinct milliseconds: concurrent edits; the counter keeps HLCs unique.
        hlc = f"{1_800_000_000_000 + draw(st.integers(0, 6)):012x}{i:04x}{device}"
        base = {}
        if clocks[row_id] and draw(st.booleans()):  # an informed overwrite (or a wrong one)
            base = {n: draw(st.sampled_from(clocks[row_id])) for n in fields}
        clocks[row_id].append(hlc)
        made.append(Change(f"00000000-0000-7000-9000-{i:012x}", entity, row_id, fields, hlc,
                           device, "测试", base))
    again = draw(st.lists(st.sampled_from(made), max_size=5))
    order = draw(st.permutations(made + again))
    cuts = sorted(draw(st.lists(st.integers(0, len(order)), max_size=3)))
    bounds = [0, *cuts, len(order)]
    batches = [order[a:b] for a, b in pairwise(bounds)]
    if draw(st.booleans()):
        batches.insert(0, _seed(draw))
    return batches, draw(st.sampled_from([1, 2, 3, 7, 5000])), draw(st.sampled_from([1, 4, 20000]))


def _outcome(result: ApplyResult) -> tuple:
    return (result.applied, result.duplicate, result.conflicts,
            {k: sorted(v) for k, v in result.touched.items()},
            {k: dict(v) for k, v in result.per_entity.items()})


def _run(store: Store, batches: list[list[Change]], *, fast: bool) -> list:
    """Apply each batch in its own transaction; what each did. None may raise: an edit
    naming a row that is not there waits (``pending_field``) instead of failing the
    deferred foreign-key check at commit, which refused the batch on every sync."""
    outcomes: list = []
    for batch in batches:
        if fast:  # as sync and bundles merge: the fast path, redone by the reference if need be
            result = merge_batch(store, batch)
        else:
            with store.write() as w:
                result = apply_changes(w, batch, fast=False)
        outcomes.append(_outcome(result))  # only once committed
    return outcomes


def _against_reference(base: Path, case: tuple[list[list[Change]], int, int], *,
                       bulk: bool) -> None:
    """Merge the batches row by row (chunks of 1) and by the fast path (the case's chunk and
    cache sizes; into the empty store as a bulk load when ``bulk``): the same outcome per
    batch and the same store."""
    batches, chunk, cache = case
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(merge, "_CHUNK", 1)
        reference = fresh_replica(base / "reference")
        expected = _run(reference, batches, fast=False)
        mp.setattr(merge, "_CHUNK", chunk)
        mp.setattr(merge, "_ROW_CACHE", cache)
        fast = fresh_replica(base / "fast")
        with bulk_load.loading(fast) if bulk else nullcontext(False) as loading:
            assert loading == bulk
            got = _run(fast, batches, fast=True)
    assert got == expected
    assert _everything(fast) == _everything(reference)
    assert schema(fast.home) == schema(reference.home)
    reference.close()
    fast.close()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=change_sets())
def test_fast_path_and_reference_path_give_the_same_store(tmp_path_factory, case) -> None:
    _against_reference(tmp_path_factory.mktemp("fast"), case, bulk=False)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=change_sets())
def test_a_bulk_load_into_an_empty_store_gives_the_reference_store(tmp_path_factory,
                                                                     case) -> None:
    """The same batches merged into an empty store as a first sync does (a bulk load:
    indexes, search index and facts built at the end) end with the reference's rows, log,
    conflicts, facts, search results and schema."""
    _against_reference(tmp_path_factory.mktemp("bulk"), case, bulk=True)


def test_a_later_change_to_a_row_made_in_the_same_batch_is_folded_in(tmp_path: Path) -> None:
    """Create, then (in a later chunk of the same batch) an older edit of two fields, one
    of which the creation set later: the row ends with the newest value of each field, its
    HLC the newest of its changes (not the edit's), and no conflict is queued — as when it
    is made from the log at the end."""
    area, house = ROWS["area"][0], ROWS["household"][0]
    hlc = [f"{1_800_000_000_000 + ms:012x}0000{DEVICES[0]}" for ms in range(5)]
    changes = [
        Change("00000000-0000-7000-9000-000000000001", "area", area,
               {"code": "140215100201", "name": "东村", "level": "village"}, hlc[0],
               DEVICES[0], "u"),
        Change("00000000-0000-7000-9000-000000000002", "household", house,
               {"number": "0001", "head_name": "王喆", "village_id": area, "phone": "1"},
               hlc[3], DEVICES[0], "u"),
        Change("00000000-0000-7000-9000-000000000003", "household", house,
               {"phone": "2", "address": "旧"}, hlc[2], DEVICES[1], "u"),
    ]
    stores = []
    for name, fast, chunk in (("reference", False, 1), ("fast", True, 2)):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(merge, "_CHUNK", chunk)
            store = fresh_replica(tmp_path / name)
            with store.write() as w:
                result = apply_changes(w, changes, fast=fast)
        assert result.conflicts == 0
        with store.read() as cur:
            row = tuple(cur.execute("SELECT phone, address, updated_hlc FROM household").fetchone())
        assert row == ("1", "旧", hlc[3])
        stores.append(store)
    assert _everything(stores[0]) == _everything(stores[1])
    for store in stores:
        store.close()


def _village_then_household() -> tuple[str, str, list[str], list[Change]]:
    """A village and a household in it, made by one device; the HLC a third change takes."""
    area, house = ROWS["area"][0], ROWS["household"][0]
    hlc = [f"{1_800_000_000_000 + ms:012x}0000{DEVICES[0]}" for ms in range(3)]
    return area, house, hlc, [
        Change("00000000-0000-7000-9000-000000000001", "area", area,
               {"code": "140215100201", "name": "东村", "level": "village"}, hlc[0],
               DEVICES[0], "u"),
        Change("00000000-0000-7000-9000-000000000002", "household", house,
               {"number": "0001", "head_name": "王喆", "village_id": area}, hlc[1],
               DEVICES[0], "u"),
    ]


def test_a_row_made_early_that_a_later_change_moves_to_a_missing_parent_waits(
        tmp_path: Path) -> None:
    """The fast path made the household at the end of its chunk; a later change in the
    same batch moves it to a village that never comes. Made at the end it would wait: the
    fast path undoes itself and the household waits, the batch is not refused."""
    area, house, hlc, changes = _village_then_household()
    changes += [
        Change("00000000-0000-7000-9000-000000000003", "household", house,
               {"village_id": ROWS["area"][1]}, hlc[2], DEVICES[0], "u"),
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(merge, "_CHUNK", 2)
        store = fresh_replica(tmp_path / "fast")
        with pytest.raises(NeedsReferencePath), store.write() as w:
            apply_changes(w, changes)
        result = merge_batch(store, changes)
    assert result.touched == {"area": {area}}
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM household").fetchone()[0] == 0
        assert [tuple(r) for r in cur.execute("SELECT row_id FROM pending_row")] == [(house,)]
    store.close()


def test_a_row_made_early_that_a_later_change_makes_its_own_parent_waits(
        tmp_path: Path) -> None:
    """An area made at the end of its chunk, then named its own parent by a later change
    of the batch: made at the end it could never be (its parent is itself), so it waits,
    and so does the household in it."""
    area, house, hlc, changes = _village_then_household()
    changes += [
        Change("00000000-0000-7000-9000-000000000003", "area", area,
               {"parent_id": area}, hlc[2], DEVICES[0], "u"),
    ]
    found = []
    for name, fast in (("reference", False), ("fast", True)):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(merge, "_CHUNK", 2)
            store = fresh_replica(tmp_path / name)
            if fast:
                assert merge_batch(store, changes).touched == {}
            else:
                with store.write() as w:
                    assert apply_changes(w, changes, fast=False).touched == {}
        found.append(_everything(store))
        store.close()
    assert found[0] == found[1]
    assert sorted(r[0] for r in found[1]["pending_row"]) == sorted([area, house])
