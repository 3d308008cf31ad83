"""A laptop loaded from the server's snapshot (issue 17, step 4) is the laptop that pulled
the same changes: the same rows, the same field clocks, and the same rows and conflict
queue after any later changes. Against the real server (SQLite), with the snapshot as it
sends it; and a laptop that copies the snapshot's store file is the laptop that loaded it,
table by table."""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_server_snapshot import DEVICES, PASSWORD, edits, fetch, hlc, plan_changes, property_server

import store_content
from serverlib import RunningServer, pull_all, push
from workteam_desktop.domain.changes import Change
from workteam_desktop.domain.entities import NAMES
from workteam_desktop.domain.ids import new_id
from workteam_desktop.store import Store, snapshot_load, snapshot_store
from workteam_desktop.store.changes import apply_page

ROWS = ("h0", "h1", "h2", "m0", "m1")


def changes_of(wire: list[dict]) -> list[Change]:
    return [Change(d["id"], d["entity"], d["row_id"], d["fields"], d["hlc"], d["device"],
                   d.get("user") or "", d.get("base") or {}) for d in wire]


def state(store: Store, ours: set[str]) -> dict[str, Any]:
    """Rows (every column), field clocks (as a local edit's base reads them), waiting rows
    and fields, and the conflict queue, of the rows in ``ours``."""
    rows: dict[tuple[str, str], Any] = {}
    clocks: dict[str, dict[str, str]] = {}
    with store.write() as w:  # field_clocks is the writer's (nothing is written)
        cur = w.cursor
        for entity in NAMES:
            info = store.tables[entity]
            for row in cur.execute(f'SELECT * FROM "{entity}"'):
                values = dict(zip(info.columns, row, strict=True))
                if values["id"] in ours:
                    rows[(entity, values["id"])] = values
                    clocks[values["id"]] = w.field_clocks(entity, values["id"])
        waiting = sorted(r[0] for r in cur.execute("SELECT row_id FROM pending_row")
                         if r[0] in ours)
        fields = sorted((r[0], r[1], r[2]) for r in cur.execute(
            "SELECT row_id, field, parent_id FROM pending_field") if r[0] in ours)
        # Who made a loaded value is not in the snapshot: the queue names the device of
        # its HLC (the server names the device that pushed it) and no user, so both are
        # left out. Values as JSON data (a loaded boolean is compared by value).
        conflicts = sorted((
            (r[0], r[1], r[2], json.loads(r[3]).get("v"), r[4], json.loads(r[5]).get("v"),
             r[6])
            for r in cur.execute(
                "SELECT entity, row_id, field, kept_value, kept_hlc, lost_value, lost_hlc "
                "FROM conflict") if r[1] in ours), key=repr)
    return {"rows": rows, "clocks": clocks, "waiting": waiting, "fields": fields,
            "conflicts": conflicts}


@st.composite
def later_edits(draw: st.DrawFn) -> list[tuple[str, str, dict, int, str, str]]:
    """(entity, row, fields, ms, device, how the base is made) of changes made after the
    snapshot: by a laptop that saw the current clocks, saw nothing, or saw an older one."""
    out = []
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            entity, row = "household", draw(st.sampled_from(["h0", "h1", "h2"]))
            names = draw(st.lists(st.sampled_from(["head_name", "phone", "village_id",
                                                   "deleted"]), min_size=1, unique=True))
        else:
            entity, row = "member", draw(st.sampled_from(["m0", "m1"]))
            names = draw(st.lists(st.sampled_from(["name", "household_id", "sex", "deleted"]),
                                  min_size=1, unique=True))
        values = {"head_name": draw(st.sampled_from(["张", "李", "王"])),
                  "phone": draw(st.sampled_from(["13800000000", "13900000000"])),
                  "village_id": draw(st.sampled_from(["village1", "village2"])),
                  "deleted": draw(st.booleans()),
                  "name": draw(st.sampled_from(["甲", "乙", "丙"])),
                  # h9 is never made: the member's household waits (pending_field)
                  "household_id": draw(st.sampled_from(["h0", "h1", "h9", "h9"])),
                  "sex": draw(st.sampled_from(["male", "female", None]))}
        fields = {n: values[n] for n in names}
        out.append((entity, row, fields, draw(st.integers(0, 60)),
                    draw(st.sampled_from(DEVICES)),
                    draw(st.sampled_from(["current", "none", "oldest"]))))
    return out


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from property_server(tmp_path_factory, "snapshot-load-property")


def _later_changes(tag: str, later: list[tuple[str, str, dict, int, str, str]],
                   clocks: dict[str, dict[str, str]], first: list[dict]) -> list[Change]:
    """Changes made after the snapshot, their bases as the laptop that made them saw the
    fields: the clocks both laptops hold now, nothing, or the row's oldest change."""
    out: list[Change] = []
    for i, (entity, row, fields, ms, device, seen) in enumerate(later):
        row_id = f"{tag}-{row}"
        fields = dict(fields)
        if "household_id" in fields:
            fields["household_id"] = f"{tag}-{fields['household_id']}"
        if seen == "current":
            base = {n: clocks.get(row_id, {}).get(n, "") for n in fields}
        elif seen == "oldest":
            old = sorted(c["hlc"] for c in first if c["row_id"] == row_id)
            base = {n: old[0] for n in fields} if old else {}
        else:
            base = {}
        base = {n: h for n, h in base.items() if h}
        stamp = hlc(1000 + ms, device, 3 + i)  # counters 3+: never a stamp of the first set
        out.append(Change(new_id(), entity, row_id, fields, stamp, device, "later", base))
    return out


@settings(max_examples=30, deadline=None, report_multiple_bugs=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=edits(), later=later_edits())
def test_a_laptop_loaded_from_a_snapshot_is_the_laptop_that_pulled(
        shared_server: RunningServer, plan: list[tuple[str, str, dict, tuple[int, int, str]]],
        later: list[tuple[str, str, dict, int, str, str]]) -> None:
    """Random edits by three laptops with random clocks, pushed; for the administrator's
    scope and for village1's: a laptop that loads the snapshot and one that pulled the
    changes hold the same rows, field clocks, waiting rows; then the same later changes
    (bases current, empty or stale; members pointed at a household never made) give both
    the same rows, clocks, waiting rows and fields, and conflict queue."""
    tag = uuid.uuid4().hex[:8]
    # A household and its member made first (most examples then load a member as a row);
    # the random edits come after, on any clock.
    first = plan_changes(tag, [("household", "h0", {"head_name": "甲"}, (0, 9, "dev-a")),
                               ("member", "m0", {"name": "甲"}, (0, 9, "dev-b")), *plan])
    with shared_server.client("root", PASSWORD) as root:
        push(root, first)  # some may be refused (a member of a household never made)
    ours = {f"{tag}-{r}" for r in ROWS}
    for name in ("root", "a"):
        with shared_server.client(name, PASSWORD, device=f"laptop-{name}") as c:
            _, raw = fetch(c)
            pulled, cursor = pull_all(c)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "snapshot.gz"
            path.write_bytes(raw)
            # The same snapshot as the server's store file, copied (a third laptop).
            snapshot_store.build(path, Path(tmp) / "store.gz")
            file = snapshot_store.unpack(Path(tmp) / "store.gz")
            with Store.open(Path(tmp) / "pulled") as a, Store.open(Path(tmp) / "loaded") as b, \
                    Store.open(Path(tmp) / "copied") as c:
                apply_page(a, changes_of(pulled), cursor)
                loaded = snapshot_load.load(b, path)
                assert snapshot_store.copy(c, file) == loaded
                # Every table as the lines made it.
                assert store_content.snapshot_content(c.home) == \
                    store_content.snapshot_content(b.home)
                before = state(a, ours)
                assert state(b, ours) == before
                event(f"{name}: {'rows loaded' if loaded.rows else 'no row loaded'}")
                event(f"{name}: {'changes after rows' if loaded.changes else 'no raw change'}")
                after = _later_changes(tag, later, before["clocks"], first)
                for store in (a, b, c):
                    apply_page(store, after, cursor)
                expected = state(a, ours)
                got = state(b, ours)
                assert got == expected
                assert state(c, ours) == expected
                event(f"{name}: conflicts {bool(expected['conflicts'])}")
                event(f"{name}: fields waiting {bool(expected['fields'])}")
                event(f"{name}: a member loaded as a row "
                      f"{any(k[0] == 'member' for k in before['rows'])}")
                event(f"{name}: later points a loaded member at a missing household " + str(any(
                    c.entity == "member" and c.fields.get("household_id", "").endswith("h9")
                    and ("member", c.row_id) in before["rows"] for c in after)))
