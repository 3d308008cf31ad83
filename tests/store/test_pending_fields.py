"""A pulled change that points an existing row's reference field at a row this laptop does
not have (outside its scope, or not arrived yet) waits in ``pending_field`` instead of
failing the page's foreign-key check at commit on every sync (issue 14, item 10).

The change is logged and its other fields are written; the reference keeps its value until
the row it names arrives, then takes the waiting value if no later change won the field.
Conflict review never pairs a value that has not been written."""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replicas import fresh_replica
from workteam_desktop.domain.changes import Change
from workteam_desktop.store import Store, merge
from workteam_desktop.store.changes import apply
from workteam_desktop.store.merge import ApplyResult, apply_changes
from workteam_desktop.store.models import MODEL_BY_ENTITY, Household, Member

D1, D2, D3 = "00000000000000d1", "00000000000000d2", "00000000000000d3"
V1, V2, G1, G2 = (f"00000000-0000-7000-8000-0000000000a{i}" for i in range(1, 5))
H1, H2, H3 = (f"00000000-0000-7000-8000-0000000000b{i}" for i in range(1, 4))
M = "00000000-0000-7000-8000-0000000000c1"
_ids = iter(range(1, 1 << 30))


def hlc(ms: int, device: str = D1) -> str:
    """An HLC ``ms`` milliseconds into the tests' epoch."""
    return f"{1_800_000_000_000 + ms:012x}0000{device}"


def change(entity: str, row_id: str, fields: dict[str, Any], at: int, device: str = D1,
           base: dict[str, str] | None = None) -> Change:
    """A change as another laptop would send it (a fresh id each time)."""
    return Change(f"00000000-0000-7000-9000-{next(_ids):012x}", entity, row_id, fields,
                  hlc(at, device), device, "测试", base or {})


def area(row_id: str, at: int, level: str = "village", parent: str | None = None) -> Change:
    """The change that makes an area."""
    return change("area", row_id, {"code": "140215100201", "name": "东村", "level": level,
                                   "parent_id": parent}, at)


def household(row_id: str, at: int, village: str = V1) -> Change:
    """The change that makes a household."""
    return change("household", row_id, {"number": "0001", "head_name": "王喆",
                                        "village_id": village}, at)


MEMBER_MADE = 3  # ms of the change that made the member (in H1)


def seeded(home: Path) -> Store:
    """A replica with village V1, households H1 and H3 in it and member M in H1."""
    store = fresh_replica(home)
    apply(store, [area(V1, 1), household(H1, 2), household(H3, 2),
                  change("member", M, {"household_id": H1, "name": "王小明"}, MEMBER_MADE)])
    return store


def waiting(store: Store) -> list[tuple[str, ...]]:
    """pending_field, as (change id, entity, row id, field, parent table, parent id)."""
    with store.read() as cur:
        return [tuple(r) for r in cur.execute(
            "SELECT change_id, entity, row_id, field, parent_entity, parent_id "
            "FROM pending_field ORDER BY change_id")]


def one(store: Store, sql: str, *args: Any) -> tuple[Any, ...]:
    """The first row of a query, as a tuple."""
    with store.read() as cur:
        return tuple(cur.execute(sql, args).fetchone())


def conflicts(store: Store) -> list[tuple[Any, ...]]:
    """The conflict queue as (field, kept value, lost value, lost HLC, lost device)."""
    with store.read() as cur:
        return sorted((r[0], json.loads(r[1])["v"], json.loads(r[2])["v"], r[3], r[4])
                      for r in cur.execute("SELECT field, kept_value, lost_value, lost_hlc, "
                                           "lost_device FROM conflict"))


def member_count(store: Store, household_id: str) -> int:
    """The household's member count in household_facts (refreshed by every write)."""
    with store.read() as cur:
        row = cur.execute("SELECT member_count FROM household_facts WHERE household_id = ?",
                          (household_id,)).fetchone()
    return row[0] if row else 0


def test_a_move_to_a_household_not_here_waits_and_the_sync_goes_on(tmp_path: Path) -> None:
    """The stuck sync: the page commits, the member keeps its household and takes the
    change's other fields; pages after it commit too; the household comes, the member
    moves (facts of both households follow) and nothing waits any more."""
    store = seeded(tmp_path / "r")
    move = change("member", M, {"household_id": H2, "name": "王晓明"}, 10, D2,
                  {"household_id": hlc(MEMBER_MADE), "name": hlc(MEMBER_MADE)})
    result = apply(store, [move])
    assert (result.applied, result.conflicts) == (1, 0)
    assert result.touched == {"member": {M}}  # its name was written
    assert one(store, "SELECT household_id, name, updated_hlc FROM member") == (
        H1, "王晓明", move.hlc)
    assert waiting(store) == [(move.id, "member", M, "household_id", "household", H2)]
    # Every later sync goes on: the same page again, an unrelated page.
    assert apply(store, [move]).duplicate == 1
    apply(store, [change("household", H1, {"phone": "13900000001"}, 11)])
    assert waiting(store) == [(move.id, "member", M, "household_id", "household", H2)]
    assert member_count(store, H1) == 1

    result = apply(store, [household(H2, 4)])
    assert result.touched == {"household": {H2}, "member": {M}}
    # The row's HLC: the change whose field went in (the guard's log check passes).
    assert one(store, "SELECT household_id, name, updated_hlc FROM member") == (
        H2, "王晓明", move.hlc)
    assert waiting(store) == []
    assert (member_count(store, H1), member_count(store, H2)) == (0, 1)
    assert conflicts(store) == []  # the move knew the value it replaced


def test_a_later_change_of_the_field_drops_the_waiting_one(tmp_path: Path) -> None:
    """Set again (to a household that is here) before the household it waited for came:
    the later value wins at once, the waiting change is dropped and stays dropped."""
    store = seeded(tmp_path / "r")
    known = {"household_id": hlc(MEMBER_MADE)}
    apply(store, [change("member", M, {"household_id": H2}, 10, D2, known)])
    apply(store, [change("member", M, {"household_id": H3}, 20, D3, known)])
    assert one(store, "SELECT household_id FROM member") == (H3,)
    assert waiting(store) == []
    apply(store, [household(H2, 4)])
    assert one(store, "SELECT household_id FROM member") == (H3,)
    assert conflicts(store) == []  # H1 was known; H2 (not here then) is not put to review


def test_an_older_change_arriving_later_loses_to_the_waiting_one(tmp_path: Path) -> None:
    """Its clock counts while it waits: an older move (to a household that is here) loses
    to it; when its household comes it is written, and the older move, which it did not
    know, is put to review then (not before: the member still held H1)."""
    store = seeded(tmp_path / "r")
    known = {"household_id": hlc(MEMBER_MADE)}
    late = change("member", M, {"household_id": H2}, 20, D2, known)
    older = change("member", M, {"household_id": H3}, 10, D3, known)
    apply(store, [late])
    assert apply(store, [older]).conflicts == 0
    assert one(store, "SELECT household_id FROM member") == (H1,)
    assert apply(store, [household(H2, 4)]).conflicts == 1
    assert one(store, "SELECT household_id FROM member") == (H2,)
    assert conflicts(store) == [("household_id", H2, H3, older.hlc, D3)]


def test_a_waiting_value_is_compared_when_it_is_written(tmp_path: Path) -> None:
    """A move made without knowing the member's household: no conflict while it waits
    (the member still holds that household); one when it is written."""
    store = seeded(tmp_path / "r")
    move = change("member", M, {"household_id": H2}, 10, D2)
    assert apply(store, [move]).conflicts == 0
    assert conflicts(store) == []
    result = apply(store, [household(H2, 4)])
    assert result.conflicts == 1
    assert conflicts(store) == [("household_id", H2, H1, hlc(MEMBER_MADE), D1)]


def test_a_change_overtaking_a_waiting_value_is_compared_with_the_row(tmp_path: Path) -> None:
    """A later move that knew neither the member's household nor the waiting move: it is
    put to review against the household the member held, never against the waiting one."""
    store = seeded(tmp_path / "r")
    apply(store, [change("member", M, {"household_id": H2}, 10, D2,
                         {"household_id": hlc(MEMBER_MADE)})])
    result = apply(store, [change("member", M, {"household_id": H3}, 20, D3)])
    assert result.conflicts == 1
    assert conflicts(store) == [("household_id", H3, H1, hlc(MEMBER_MADE), D1)]
    assert waiting(store) == []


def test_the_references_of_one_change_wait_together(tmp_path: Path) -> None:
    """A household moved to another village and a grid there: while the village is not
    here the grid waits too (never a new grid in the old village); the head's name is
    written at once. Both missing: it waits for one, then the other."""
    store = seeded(tmp_path / "r")
    apply(store, [area(G1, 1, "grid", V1)])
    move = change("household", H1, {"village_id": V2, "grid_id": G1, "head_name": "李娜"}, 10)
    apply(store, [move])
    assert one(store, "SELECT village_id, grid_id, head_name FROM household WHERE id = ?",
               H1) == (V1, None, "李娜")
    assert waiting(store) == [(move.id, "household", H1, "village_id", "area", V2)]
    apply(store, [area(V2, 5)])
    assert one(store, "SELECT village_id, grid_id FROM household WHERE id = ?", H1) == (V2, G1)
    assert waiting(store) == []

    both = change("household", H3, {"village_id": V2, "grid_id": G2}, 10)
    apply(store, [both])
    apply(store, [area(V2, 5)])  # a duplicate: nothing new arrives
    assert waiting(store) == [(both.id, "household", H3, "grid_id", "area", G2)]
    assert one(store, "SELECT village_id, grid_id FROM household WHERE id = ?", H3) == (V1, None)
    apply(store, [area(G2, 6, "grid", V2)])
    assert one(store, "SELECT village_id, grid_id FROM household WHERE id = ?", H3) == (V2, G2)
    assert waiting(store) == []


def test_a_waiting_change_that_keeps_only_fields_it_can_have_goes_in(tmp_path: Path) -> None:
    """The village it waited for is set again by a later change: what it still wins (the
    grid, which is here) is written at the end of that batch."""
    store = seeded(tmp_path / "r")
    apply(store, [area(G1, 1, "grid", V1)])
    apply(store, [change("household", H1, {"village_id": V2, "grid_id": G1}, 10)])
    apply(store, [change("household", H1, {"village_id": V1}, 20)])
    assert one(store, "SELECT village_id, grid_id FROM household WHERE id = ?", H1) == (V1, G1)
    assert waiting(store) == []


@pytest.mark.parametrize(("fast", "chunk"), [(True, 5000), (True, 1), (False, 1)])
@pytest.mark.parametrize("household_first", [True, False])
def test_a_household_made_later_in_the_same_batch_lets_the_move_go(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool, chunk: int,
        household_first: bool) -> None:
    """Checked at the end of the batch: the move and the household in one page, in either
    order, by either path, at any chunk size: the member is in it after the commit."""
    store = seeded(tmp_path / "r")
    monkeypatch.setattr(merge, "_CHUNK", chunk)
    batch = [change("member", M, {"household_id": H2}, 10, D2,
                    {"household_id": hlc(MEMBER_MADE)}), household(H2, 4)]
    if household_first:
        batch.reverse()
    with store.write() as w:
        result = apply_changes(w, batch, fast=fast)
    assert result.touched == {"household": {H2}, "member": {M}}
    assert one(store, "SELECT household_id FROM member") == (H2,)
    assert waiting(store) == []
    assert (member_count(store, H1), member_count(store, H2)) == (0, 1)


def test_a_visit_moved_to_a_village_outside_the_scope_keeps_its_village(tmp_path: Path) -> None:
    """Not only members: any reference (here a visit's village, an urgent need's visit)."""
    store = seeded(tmp_path / "r")
    visit = "00000000-0000-7000-8000-0000000000d1"
    need = "00000000-0000-7000-8000-0000000000e1"
    other_visit = "00000000-0000-7000-8000-0000000000d2"
    apply(store, [change("visit", visit, {"village_id": V1, "visit_date": "2026-03-01",
                                          "purpose": "走访"}, 5),
                  change("urgent_need", need, {"household_id": H1, "visit_id": visit,
                                               "text": "屋顶漏雨", "raised_on": "2026-03-01"},
                         6)])
    apply(store, [change("visit", visit, {"village_id": V2}, 10),
                  change("urgent_need", need, {"visit_id": other_visit}, 11)])
    assert one(store, "SELECT village_id FROM visit") == (V1,)
    assert one(store, "SELECT visit_id FROM urgent_need") == (visit,)
    assert sorted(r[3:] for r in waiting(store)) == [("village_id", "area", V2),
                                                     ("visit_id", "visit", other_visit)]


def test_a_bundle_with_a_move_to_a_household_it_does_not_carry(tmp_path: Path) -> None:
    """Bundles merge the same way: the laptop that made the move exports the household and
    the move in two bundles; the move's bundle imported first waits, the other lets it go."""
    from workteam_desktop.sync.bundle import export_bundle
    from workteam_desktop.sync.bundle_import import import_bundle

    source, target = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    with source.write() as w:
        from workteam_desktop.store.models import Area

        [village] = w.insert(Area, [{"code": "140215100201", "name": "东村",
                                     "level": "village"}])
        [home] = w.insert(Household, [{"number": "0001", "head_name": "王喆",
                                       "village_id": village}])
        [member] = w.insert(Member, [{"household_id": home, "name": "王小明"}])
    first, second, third = (tmp_path / f"{n}.wtb" for n in ("first", "second", "third"))
    assert export_bundle(source, first) is not None
    with source.write() as w:
        [other] = w.insert(Household, [{"number": "0002", "head_name": "李娜",
                                        "village_id": village}])
    assert export_bundle(source, second) is not None
    with source.write() as w:
        w.update(Member, member, {"household_id": other, "name": "王晓明"})
    assert export_bundle(source, third) is not None

    import_bundle(target, first, trust=True)
    result = import_bundle(target, third)
    assert (result.applied, result.conflicts) == (1, 0)
    assert one(target, "SELECT household_id, name FROM member") == (home, "王晓明")
    assert [r[2:] for r in waiting(target)] == [(member, "household_id", "household", other)]
    import_bundle(target, second)
    assert one(target, "SELECT household_id, name FROM member") == (other, "王晓明")
    assert waiting(target) == []
    assert member_count(target, home) == 0 and member_count(target, other) == 1
    source.close()
    target.close()


# -- property: once every row has arrived, how the changes came does not matter --------

AREAS = [f"00000000-0000-7000-8000-0000000001a{i}" for i in range(3)]
HOUSEHOLDS = [f"00000000-0000-7000-8000-0000000001b{i}" for i in range(3)]
MEMBERS = [f"00000000-0000-7000-8000-0000000001c{i}" for i in range(3)]
ROWS = {"area": AREAS, "household": HOUSEHOLDS, "member": MEMBERS}
DEVICES = (D1, D2, D3)


def _values(draw: st.DrawFn, entity: str) -> dict[str, Any]:
    """Every field a change may set (references to any row, arrived or not)."""
    if entity == "area":  # parents left out: a cycle of new areas waits forever by design
        return {"code": draw(st.sampled_from(["140215100201", "140215100202"])),
                "name": draw(st.sampled_from(["东村", "西村"])), "level": "village",
                "deleted": draw(st.booleans())}
    if entity == "household":
        return {"number": draw(st.sampled_from(["0001", "0002"])),
                "head_name": draw(st.sampled_from(["王喆", "李娜"])),
                "village_id": draw(st.sampled_from(AREAS)),
                "grid_id": draw(st.sampled_from([None, *AREAS])),
                "phone": draw(st.sampled_from(["13900000001", "13900000002"])),
                "deleted": draw(st.booleans())}
    return {"household_id": draw(st.sampled_from(HOUSEHOLDS)),
            "name": draw(st.sampled_from(["王小明", "王晓明"])),
            "deleted": draw(st.booleans())}


_REQUIRED = {"area": ("code", "name", "level"), "household": ("number", "head_name", "village_id"),
             "member": ("household_id", "name")}


def _seed(draw: st.DrawFn) -> list[Change]:
    """Some complete rows (parents among them), so that later edits find rows that exist
    and can point them at rows that are not there."""
    seed: list[Change] = []
    there: dict[str, list[str]] = {}
    for n, entity in enumerate(("area", "household", "member")):
        parent = {"household": "area", "member": "household"}.get(entity)
        ids = draw(st.lists(st.sampled_from(ROWS[entity]), unique=True))
        there[entity] = ids if parent is None or there[parent] else []
        for k, row_id in enumerate(there[entity]):
            fields = {n: v for n, v in _values(draw, entity).items() if n != "deleted"}
            if parent is not None:  # in a row of the seed: made at once
                fields["village_id" if parent == "area" else "household_id"] = draw(
                    st.sampled_from(there[parent]))
            if "grid_id" in fields:
                fields["grid_id"] = draw(st.sampled_from([None, *there["area"]]))
            seed.append(Change(f"00000000-0000-7000-b000-{n:06x}{k:06x}", entity, row_id,
                               fields, f"{1_800_000_000_050:012x}{n * 8 + k:04x}{D2}", D2,
                               "测试"))
    return seed


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[list[list[Change]], list[Change]]:
    """Some complete rows first; then random changes (made rows, edits, moves to rows
    that come late or only at the end) cut into batches, shuffled, some twice; and the
    changes that make every row, older than all of them, which one replica gets last and
    the other with everything."""
    made: list[Change] = []
    seen: dict[str, list[str]] = defaultdict(list)
    for i in range(draw(st.integers(1, 25))):
        entity = draw(st.sampled_from(sorted(ROWS)))
        row_id = draw(st.sampled_from(ROWS[entity]))
        pool = _values(draw, entity)
        if draw(st.integers(0, 2)) == 0:  # a third make rows; most edit, move, delete
            fields = {n: pool[n] for n in _REQUIRED[entity]}
        else:
            names = draw(st.lists(st.sampled_from(sorted(pool)), min_size=1, max_size=3,
                                  unique=True))
            fields = {n: pool[n] for n in names}
        device = draw(st.sampled_from(DEVICES))
        at = f"{1_800_000_000_100 + draw(st.integers(0, 6)):012x}{i:04x}{device}"
        base = {n: draw(st.sampled_from(seen[row_id])) for n in fields} if (
            seen[row_id] and draw(st.booleans())) else {}
        seen[row_id].append(at)
        made.append(Change(f"00000000-0000-7000-9000-{i:012x}", entity, row_id, fields, at,
                           device, "测试", base))
    order = draw(st.permutations(made + draw(st.lists(st.sampled_from(made), max_size=4))))
    cuts = sorted(draw(st.lists(st.integers(0, len(order)), max_size=4)))
    batches = [_seed(draw), *(order[a:b] for a, b in pairwise([0, *cuts, len(order)]))]
    everything = []
    for n, (entity, ids) in enumerate(sorted(ROWS.items())):
        for k, row_id in enumerate(ids):
            fields = {"area": {"code": "140215100209", "name": "村", "level": "village"},
                      "household": {"number": "0009", "head_name": "户主",
                                    "village_id": AREAS[0]},
                      "member": {"household_id": HOUSEHOLDS[0], "name": "成员"}}[entity]
            everything.append(Change(f"00000000-0000-7000-a000-{n:06x}{k:06x}", entity,
                                     row_id, fields, f"{1_800_000_000_000:012x}{n * 8 + k:04x}"
                                     f"{D1}", D1, "测试"))
    return batches, everything


def _rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced row without ``updated_hlc`` (the order of application), facts, and
    what still waits."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as cur:
        for entity in MODEL_BY_ENTITY:
            cols = [r[1] for r in cur.execute(f'PRAGMA table_info("{entity}")')
                    if r[1] != "updated_hlc"]
            names = ", ".join(f'"{c}"' for c in cols)
            found[entity] = sorted(tuple(r) for r in cur.execute(
                f'SELECT {names} FROM "{entity}"'))
        for table in ("household_facts", "pending_row", "pending_field"):
            found[table] = sorted(tuple(r) for r in cur.execute(f'SELECT * FROM "{table}"'))
    return found


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=deliveries(), chunk=st.sampled_from([1, 3, 5000]))
def test_once_every_row_has_arrived_nothing_waits_and_the_rows_are_the_same(
        tmp_path_factory: pytest.TempPathFactory, case, chunk: int) -> None:
    """Batch by batch (moves to rows not here wait; no batch is refused), then the rows
    they name: the same rows and facts as a replica that got everything in one batch."""
    batches, everything = case
    base = tmp_path_factory.mktemp("arrive")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(merge, "_CHUNK", chunk)
        piecewise = fresh_replica(base / "piecewise")
        for batch in batches:
            result: ApplyResult = apply(piecewise, batch)
            assert result.applied + result.duplicate == len(batch)
        apply(piecewise, everything)
        at_once = fresh_replica(base / "at-once")
        apply(at_once, everything + [c for batch in batches for c in batch])
    got, expected = _rows(piecewise), _rows(at_once)
    assert got["pending_field"] == [] and got["pending_row"] == []
    assert got == expected
    piecewise.close()
    at_once.close()


def test_a_grid_outside_a_laptops_scope_through_a_real_server(sqlite_server, tmp_path: Path) -> None:
    """Two laptops and the real server: a county supervisor points a household of village A
    at a grid of village B; the village-A team laptop gets the household's change but never
    the grid (outside its scope). Its syncs go on; the household keeps no grid and takes the
    phone number changed with it; the grid waits."""
    from workteam_desktop.store.models import Area
    from workteam_desktop.sync.account import login
    from workteam_desktop.sync.session import sync_once

    password = "secret-pass-1"
    sqlite_server.add_user("county", "supervisor", ["140215"], password)
    sqlite_server.add_user("team", "member", ["140215100201"], password)
    supervisor, team = fresh_replica(tmp_path / "county"), fresh_replica(tmp_path / "team")
    county = login(supervisor, sqlite_server.url, "county", password).account
    village_team = login(team, sqlite_server.url, "team", password).account
    village_a, village_b, grid_b = V1, V2, G2
    with supervisor.write() as w:
        w.insert(Area, [
            {"id": village_a, "code": "140215100201", "name": "东村", "level": "village"},
            {"id": village_b, "code": "140215100202", "name": "西村", "level": "village"},
            {"id": grid_b, "code": "140215100202G01", "name": "一网格", "level": "grid",
             "parent_id": village_b}])
        [home] = w.insert(Household, [{"number": "0001", "head_name": "王喆",
                                       "village_id": village_a}])
    sync_once(supervisor, county)
    sync_once(team, village_team)
    assert one(team, "SELECT grid_id FROM household") == (None,)
    with supervisor.write() as w:
        w.update(Household, home, {"grid_id": grid_b, "phone": "13900000001"})
    sync_once(supervisor, county)
    for _ in range(2):  # the page with the change, then a sync with nothing new
        sync_once(team, village_team)
    assert one(team, "SELECT grid_id, phone FROM household") == (None, "13900000001")
    assert [r[2:] for r in waiting(team)] == [(home, "grid_id", "area", grid_b)]
    with team.read() as cur:
        assert cur.execute("SELECT count(*) FROM area WHERE id = ?", (grid_b,)).fetchone()[0] == 0
    supervisor.close()
    team.close()
