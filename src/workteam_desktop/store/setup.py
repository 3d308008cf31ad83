"""A laptop's set-up for its county and work team, and joining a server later.

``workteam setup`` and the first-run page's 单机开始 write, in one transaction: the county,
the townships and the villages as area rows made by the same changes a server's ``init``
makes (:mod:`workteam_desktop.domain.areas`), the team, its villages and its cadres. The
home remembers its county and team in ``sync_state``.

A team set up offline is *provisional*: when the laptop later signs in to a server whose
account belongs to a team, the server's team replaces it (:func:`adopt_server_team`): the
laptop's cadres, trainings and actions move to the server's team, and the provisional team
and its villages, which only this laptop ever had, are never sent.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..domain import divisions as dv
from ..domain.areas import AreaRecord, area_id, area_records, reference_change
from ..domain.problems import DomainError, Problem
from ..domain.team_setup import CadrePlan, SetupPlan
from . import compact, home_key, sqlite, sync_state
from .home import store_path
from .merge import apply_changes
from .outbox import WITHHELD
from .store import Store
from .writer import Writer

COUNTY = "county_code"  # sync_state: the 12-digit code of the home's county
TEAM_ID = "team_id"  # sync_state: the home's work team
PROVISIONAL_TEAM = "provisional_team"  # sync_state: a team set up offline, not yet on a server
DEMO = "demo"  # sync_state: "1" in a home filled by ``workteam demo``


@dataclass(frozen=True, slots=True)
class HomeTeam:
    """What a home is set up for: its county, its team and the team's villages."""

    county_code: str
    team_id: str
    team_name: str
    villages: tuple[tuple[str, str], ...]  # (code, name), by code
    provisional: bool


@dataclass(frozen=True, slots=True)
class SetupResult:
    """What set-up wrote."""

    team_id: str
    villages_added: tuple[str, ...]  # names
    cadres_added: tuple[str, ...]
    areas_written: int
    new_team: bool


def write_reference_areas(writer: Writer, records: Iterable[AreaRecord], edition: str = dv.EDITION) -> int:
    """Write area rows by the changes every replica makes for them (same ids, same clocks),
    inside the writer's transaction; the number of changes new here.

    They are merged like changes from elsewhere (an area already here is left as it is or
    updated by the same rule as any merge), then kept in the outbox as this laptop's own, so
    a bundle carries them to a supervisor and a server that has them answers "duplicate".
    """
    changes = [reference_change(r, edition) for r in records]
    if not changes:
        return 0
    cur = writer.cursor
    ids = [c.id for c in changes]
    known = compact.known_ids(cur, ids)
    apply_changes(writer, changes, fast=False)
    new = [i for i in ids if i not in known]
    cur.executemany("UPDATE change_log SET origin = 'local', pushed = 0 WHERE id = ?",
                    [(i,) for i in new])
    return len(new)


def home_team(store: Store) -> HomeTeam | None:
    """The county and team this home is set up for (None: not set up yet)."""
    state = sync_state.read_all(store)
    team_id = state.get(TEAM_ID)
    if not team_id:
        return None
    with store.read() as cur:
        row = cur.execute("SELECT name FROM team WHERE id = ?", (team_id,)).fetchone()
        villages = tuple((r[0], r[1]) for r in cur.execute(
            "SELECT a.code, a.name FROM team_area ta JOIN area a ON a.id = ta.area_id "
            "WHERE ta.team_id = ? AND ta.deleted = 0 AND a.deleted = 0 ORDER BY a.code", (team_id,)))
    return HomeTeam(state.get(COUNTY, ""), team_id, row[0] if row else "", villages,
                    bool(state.get(PROVISIONAL_TEAM)))


def is_demo(store: Store) -> bool:
    """True for a home filled by the demo generator (made-up households)."""
    return bool(sync_state.get(store, DEMO))


def home_counties(store: Store) -> list[str]:
    """The county this home is set up for (by ``setup`` or its server account), as a list;
    empty for a demo home or one not set up (its villages are then matched by name only)."""
    state = sync_state.read_all(store)
    if state.get(DEMO):
        return []
    return [c for c in (state.get(COUNTY, "") or "").split(",") if c]


def local_villages(store: Store) -> list[dv.Division]:
    """The villages users added to this home (not in the shipped divisions)."""
    with store.read() as cur:
        rows = cur.execute(
            "SELECT v.code, v.name, t.code FROM area v JOIN area t ON t.id = v.parent_id "
            "WHERE v.local = 1 AND v.deleted = 0").fetchall()
    return [dv.local_village(t, name, code) for code, name, t in rows]


def _has_records(store: Store) -> bool:
    with store.read() as cur:
        return cur.execute("SELECT 1 FROM household LIMIT 1").fetchone() is not None


def set_up_home(store: Store, plan: SetupPlan, *, add: bool = False,
                today: dt.date | None = None) -> SetupResult:
    """Set the home up for ``plan`` (one transaction), or with ``add`` add the plan's new
    villages and cadres to the team it is set up for. Refuses another county or team, and
    villages not asked to be added, before writing anything."""
    from .team import CadreInput, insert_cadre  # team.py reads this module's keys

    today = today or dt.date.today()
    state = sync_state.read_all(store)
    if state.get(DEMO):
        raise DomainError(Problem("setup.demo_home"))
    existing = home_team(store)
    if existing is None and state.get(sync_state.SERVER_URL):
        # The server's team is this home's; it arrives with the sync, an offline one would
        # compete with it.
        raise DomainError(Problem("setup.joined_server", {"server": state[sync_state.SERVER_URL]}))
    if existing is None and _has_records(store):
        raise DomainError(Problem("setup.has_data"))
    check_same_county(store, plan.county)
    if existing is not None:
        if plan.team_name != existing.team_name:
            raise DomainError(Problem("setup.other_team", {"team": existing.team_name,
                                                           "other": plan.team_name}))
        have = {code for code, _ in existing.villages}
        new = [v for v in plan.villages if v.code not in have]
        names = "、".join(n for _, n in existing.villages)
        with store.read() as cur:
            cadres_to_add = _new_cadres(cur, existing.team_id, plan)
        if not new and not cadres_to_add:
            raise DomainError(Problem("setup.done_already", {"team": existing.team_name,
                                                             "villages": names}))
        if new and not add:
            raise DomainError(Problem("setup.other_villages", {
                "team": existing.team_name, "villages": names,
                "added": "、".join(v.short for v in new)}))
    with store.write() as w:
        written = write_reference_areas(w, area_records(plan.county, plan.townships, plan.villages))
        if existing is None:
            [team_id] = w.insert("team", [{"name": plan.team_name, "unit": plan.unit,
                                         "started_on": today}])
            have = set()
        else:
            team_id = existing.team_id
            have = {code for code, _ in existing.villages}
        added = [v for v in plan.villages if v.code not in have]
        w.insert("team_area", [{"team_id": team_id, "area_id": area_id(v.code)} for v in added])
        cadres = _new_cadres(w.cursor, team_id, plan)
        for cadre in cadres:  # through 工作队's own rules (one first secretary, names)
            insert_cadre(w, team_id, CadreInput(cadre.name, cadre.role, unit=plan.unit,
                                                started_on=today), today)
        values: dict[str, str | None] = {COUNTY: plan.county.code, TEAM_ID: team_id}
        if existing is None and not state.get(sync_state.SERVER_URL):
            values[PROVISIONAL_TEAM] = team_id
        sync_state.put(w.cursor, values)
    return SetupResult(team_id, tuple(v.short for v in added), tuple(c.name for c in cadres), written,
                       existing is None)


def check_same_county(store: Store, county: dv.Division) -> None:
    """Refuse to put another county's areas into a home set up for one county."""
    home_county = sync_state.get(store, COUNTY)
    if home_county and home_county != county.code:
        home = dv.shipped().get(home_county)
        raise DomainError(Problem("setup.other_county", {
            "county": home.short if home else home_county, "other": county.short}))


def _new_cadres(cur: sqlite.Cursor, team_id: str, plan: SetupPlan) -> list[CadrePlan]:
    """The plan's cadres not yet serving in the team (a repeated set-up adds only those)."""
    serving = {r[0] for r in cur.execute(
        "SELECT name FROM cadre WHERE team_id = ? AND deleted = 0 AND ended_on IS NULL", (team_id,))}
    return [c for c in plan.cadres if c.name not in serving]


# ---------------------------------------------------------------- joining a server

def _team_references(store: Store) -> list[tuple[str, str]]:
    """(table, column) of every column that points at a team, from the models."""
    return sorted((entity, column) for entity, info in store.tables.items()
                  for column, parent in info.foreign_keys.items() if parent == "team")


def adopt_server_team(store: Store, team_id: str) -> bool:
    """Replace the provisional team (set up offline) by the server's team ``team_id``;
    True when something was replaced.

    Runs after a pull has brought the server's team. In one transaction: the laptop's rows
    that name the provisional team (cadres, trainings, actions) are moved to the server's
    team, and their changes not yet sent are rewritten to name it (so the server can place
    them); the provisional team and its village links are removed here, and their changes,
    which no other replica has, are withheld from sending (``outbox.WITHHELD``).
    """
    provisional = sync_state.get(store, PROVISIONAL_TEAM)
    if not provisional:
        return False
    with store.write() as w:
        cur = w.cursor
        if provisional == team_id or cur.execute("SELECT 1 FROM team WHERE id = ?",
                                                 (team_id,)).fetchone() is None:
            if provisional == team_id:
                sync_state.put(cur, {PROVISIONAL_TEAM: None})
            return False
        # The provisional team's village links are replaced by the server team's own.
        links = [r[0] for r in cur.execute("SELECT id FROM team_area WHERE team_id = ?", (provisional,))]
        for table, column in _team_references(store):
            if table == "team_area":
                continue
            rows = [r[0] for r in cur.execute(
                f'SELECT id FROM "{table}" WHERE "{column}" = ?', (provisional,))]
            for row_id in rows:
                cur.execute(
                    "UPDATE change_log SET fields = json_set(fields, ?, ?) WHERE row_id = ? "
                    "AND origin = 'local' AND pushed = 0 AND json_extract(fields, ?) = ?",
                    (f"$.{column}", team_id, row_id, f"$.{column}", provisional))
                w.update(table, row_id, {column: team_id})
        for link in links:
            w.delete("team_area", link)
        w.delete("team", provisional)
        cur.execute(f"UPDATE change_log SET pushed = {WITHHELD} WHERE origin = 'local' AND pushed = 0 "
                    "AND row_id IN (SELECT value FROM json_each(?))", (json.dumps([provisional, *links]),))
        sync_state.put(cur, {PROVISIONAL_TEAM: None, TEAM_ID: team_id})
    return True


def joined_values(store: Store, account: object) -> dict[str, str | None]:
    """What a successful sync tells this home about itself (``sync_state`` values): its team
    (the account's) and its county (the one county the account's villages or scopes lie in).
    A demo home stays a demo; nothing is returned that is already stored."""
    state = sync_state.read_all(store)
    if state.get(DEMO):
        return {}
    team = getattr(account, "team", None)
    codes = [c for c, _ in team.villages] if team is not None else list(getattr(account, "scopes", []))
    counties = {c.split("#")[0][:6] for c in codes if len(c.split("#")[0]) >= 6}
    values: dict[str, str | None] = {}
    if team is not None and state.get(TEAM_ID) != team.id and not state.get(PROVISIONAL_TEAM):
        values[TEAM_ID] = team.id
    if len(counties) == 1:
        county = dv.to_code12(next(iter(counties)))
        if state.get(COUNTY) != county:
            values[COUNTY] = county
    return values


# ---------------------------------------------------------------- villages here

@dataclass(frozen=True, slots=True)
class VillageRow:
    """A village or community of this home, with its township and team."""

    code: str
    name: str
    township: str
    local: bool
    team: str


def villages_here(store: Store) -> list[VillageRow]:
    """The villages and communities this home holds, by code."""
    with store.read() as cur:
        return [VillageRow(r[0], r[1], r[2] or "", bool(r[3]), r[4] or "") for r in cur.execute(
            "SELECT v.code, v.name, t.name, v.local, "
            " (SELECT group_concat(tm.name, '、') FROM team_area ta JOIN team tm ON tm.id = ta.team_id "
            "  WHERE ta.area_id = v.id AND ta.deleted = 0 AND tm.deleted = 0) "
            "FROM area v LEFT JOIN area t ON t.id = v.parent_id "
            "WHERE v.deleted = 0 AND v.level IN ('village', 'community') ORDER BY v.code")]


def add_local_village(store: Store, township: dv.Division, name: str) -> dv.Division:
    """Add a village missing from the shipped divisions under ``township`` (its county and
    township rows too, when the home has none yet). Its code and row are those every other
    laptop and the server give the same village by the same name."""
    clean = " ".join(name.split())
    if not clean:
        raise DomainError(Problem("field.required", {"field": "村名"}))
    county = dv.shipped().get(township.parent or "")
    if county is None:
        raise DomainError(Problem("setup.unknown_county", {"value": township.parent or "",
                                                           "edition": dv.EDITION}))
    check_same_county(store, county)
    with store.read() as cur:
        taken = {r[0]: r[1] for r in cur.execute(
            "SELECT code, name FROM area WHERE code LIKE ? AND deleted = 0", (township.code[:9] + "%",))}
    for shipped in dv.shipped().villages(township.code):
        taken.setdefault(shipped.code, shipped.name)
    village = dv.local_village(township.code, clean, taken=taken)
    if village.code in taken:  # added before (perhaps as 于家窑 for 于家窑村): that one
        return dv.local_village(township.code, taken[village.code], village.code)
    with store.write() as w:
        write_reference_areas(w, area_records(county, [township], [village]))
    return village


# ---------------------------------------------------------------- a new data home

# What makes a home more than an empty file: records, areas, a server account, a set-up.
_CONTENT_CHECKS = (
    ("household", "SELECT 1 FROM household LIMIT 1"),
    ("area", "SELECT 1 FROM area LIMIT 1"),
    ("sync_state", f"SELECT 1 FROM sync_state WHERE key IN ('{sync_state.SERVER_URL}', "
                   f"'{TEAM_ID}', '{DEMO}') LIMIT 1"),
)


def home_is_empty(home: Path) -> bool:
    """True when the data home has no store file yet, or its store holds nothing: no
    household, no area, never logged in to a server, not set up (the first-run page is
    shown instead of an empty main window).

    Reads the file read-only without migrating it; a file that cannot be read counts as
    not empty, so the main window opens and says what is wrong.
    """
    path = store_path(home)
    if not path.exists():
        return True
    try:
        db = sqlite.connect(path, home_key.key_for_file(home, path), readonly=True, timeout=5)
    except (sqlite.Error, home_key.StoreLocked, home_key.RecoveryRefused, OSError):
        return False
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table, sql in _CONTENT_CHECKS:
            if table in tables and db.execute(sql).fetchone() is not None:
                return False
        return True
    except sqlite.Error:
        return False
    finally:
        db.close()


def discard_empty_store(home: Path) -> bool:
    """Remove the store file of ``home`` (and its WAL files) when it holds nothing, so a
    cancelled first start leaves the home as it was; True when something was removed. The
    store must be closed."""
    path = store_path(home)
    if not path.exists() or not home_is_empty(home):
        return False
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    # The key made for it goes too (keyring entry, pending code, key file).
    if home_key.key_file(home).exists():
        home_key.recovery_code_kept(home)
        home_key.remove_from_keyring(home)
        home_key.key_file(home).unlink()
    return True
