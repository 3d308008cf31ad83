"""The directory: who works where, as current rows folded from the accepted changes.

The server keeps changes, not rows (laptops build the rows). For the rows that say who works
where — areas, teams, the villages of each team, cadres — it also keeps the current values,
folded field by field exactly as a laptop merges them (the value with the highest HLC wins),
in ``directory_row``. From them it lists teams, finds a village by code, and derives the
scope of every account that belongs to a team. Every accepted change passes through
:func:`fold` in the push transaction, so the directory never lags the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson
import sqlalchemy as sa
from sqlalchemy import Connection

from . import scope as sc
from .models import account_table, directory_table

ENTITIES = frozenset({"area", "team", "team_area", "cadre"})
"""The entities whose current rows the directory keeps."""


def fold(conn: Connection, changes: Sequence[dict]) -> set[str]:
    """Fold accepted changes of directory entities into their rows (per field, the highest
    HLC wins); the ids of the teams whose villages may have changed."""
    mine = [c for c in changes if c["entity"] in ENTITIES]
    if not mine:
        return set()
    t = directory_table
    keys = {(c["entity"], c["row_id"]) for c in mine}
    current: dict[tuple[str, str], tuple[dict, dict]] = {}
    by_entity: dict[str, list[str]] = {}
    for entity, row_id in keys:
        by_entity.setdefault(entity, []).append(row_id)
    for entity, row_ids in by_entity.items():
        for i in range(0, len(row_ids), 500):
            for r in conn.execute(sa.select(t.c.row_id, t.c.fields, t.c.clocks).where(
                    t.c.entity == entity, t.c.row_id.in_(row_ids[i:i + 500]))):
                current[(entity, r.row_id)] = (orjson.loads(r.fields), orjson.loads(r.clocks))
    existing = set(current)
    teams: set[str] = set()
    for c in mine:
        key = (c["entity"], c["row_id"])
        fields, clocks = current.setdefault(key, ({}, {}))
        before = fields.get("team_id")
        for name, value in c["fields"].items():
            if c["hlc"] > clocks.get(name, ""):
                fields[name], clocks[name] = value, c["hlc"]
        if c["entity"] == "team":
            teams.add(c["row_id"])
        elif c["entity"] == "team_area":
            # A village moved from one team to another: the team it left changes too.
            teams.update(t for t in (before, fields.get("team_id")) if isinstance(t, str))
    rows = [{"entity": e, "row_id": r, "fields": orjson.dumps(f).decode(),
             "clocks": orjson.dumps(k).decode()} for (e, r), (f, k) in current.items()]
    new = [r for r in rows if (r["entity"], r["row_id"]) not in existing]
    old_rows = [r for r in rows if (r["entity"], r["row_id"]) in existing]
    if new:
        conn.execute(t.insert(), new)
    if old_rows:
        conn.execute(t.update().where(t.c.entity == sa.bindparam("e"), t.c.row_id == sa.bindparam("r"))
                     .values(fields=sa.bindparam("f"), clocks=sa.bindparam("k")),
                     [{"e": r["entity"], "r": r["row_id"], "f": r["fields"], "k": r["clocks"]}
                      for r in old_rows])
    if teams:
        refresh_team_scopes(conn, teams)
    return teams


def rows(conn: Connection, entity: str, ids: Iterable[str] | None = None) -> dict[str, dict]:
    """The current rows of a directory entity (tombstoned ones left out), by row id: every
    one, or those of ``ids``."""
    t = directory_table
    query = sa.select(t.c.row_id, t.c.fields).where(t.c.entity == entity)
    if ids is None:
        found = list(conn.execute(query))
    else:
        wanted = sorted(set(ids))
        found = [r for i in range(0, len(wanted), 500)
                 for r in conn.execute(query.where(t.c.row_id.in_(wanted[i:i + 500])))]
    out: dict[str, dict] = {}
    for r in found:
        fields = orjson.loads(r.fields)
        if not fields.get("deleted"):
            out[r.row_id] = fields
    return out


def clocks(conn: Connection, entity: str, row_id: str) -> dict[str, str]:
    """The HLC of each field's current value of one row (for a change's ``base``)."""
    t = directory_table
    found = conn.execute(sa.select(t.c.clocks).where(t.c.entity == entity, t.c.row_id == row_id)).first()
    return orjson.loads(found.clocks) if found else {}


def row(conn: Connection, entity: str, row_id: str) -> dict | None:
    """One current row (None when unknown or tombstoned)."""
    t = directory_table
    found = conn.execute(sa.select(t.c.fields).where(t.c.entity == entity, t.c.row_id == row_id)).first()
    if found is None:
        return None
    fields = orjson.loads(found.fields)
    return None if fields.get("deleted") else fields


@dataclass(frozen=True, slots=True)
class TeamInfo:
    """A work team as the directory holds it."""

    id: str
    name: str
    unit: str
    villages: tuple[tuple[str, str], ...]  # (code, name) of each village, by code
    code: str  # the team code of its own rows ("" when it has none yet)


def teams(conn: Connection, only: Iterable[str] | None = None) -> list[TeamInfo]:
    """Every team (or those of ``only``), with its villages, by name."""
    team_rows = rows(conn, "team", only)
    links = [link for link in rows(conn, "team_area").values() if link.get("team_id") in team_rows]
    # Only the areas the teams work in (a province's server holds tens of thousands; the login
    # of a team account asks for its one team).
    areas = rows(conn, "area", (str(link.get("area_id")) for link in links))
    villages: dict[str, list[tuple[str, str]]] = {i: [] for i in team_rows}
    for link in links:
        area = areas.get(str(link.get("area_id")))
        if area is not None:
            villages[str(link["team_id"])].append((str(area.get("code", "")), str(area.get("name", ""))))
    codes = _team_codes(conn, list(team_rows))
    return sorted((TeamInfo(i, str(f.get("name", "")), str(f.get("unit", "")),
                            tuple(sorted(set(villages[i]))), codes.get(i, ""))
                   for i, f in team_rows.items()), key=lambda t: (t.name, t.id))


def team_by_name(conn: Connection, name: str) -> list[TeamInfo]:
    """The teams called ``name`` (normally one)."""
    wanted = name.strip()
    return [t for t in teams(conn) if t.name == wanted]


def _team_codes(conn: Connection, team_ids: list[str]) -> dict[str, str]:
    from .models import row_area_table as ra

    out: dict[str, str] = {}
    for i in range(0, len(team_ids), 500):
        out.update(conn.execute(sa.select(ra.c.row_id, ra.c.area_code).where(
            ra.c.entity == "team", ra.c.row_id.in_(team_ids[i:i + 500]))).tuples().all())
    return out


def team_scopes(team: TeamInfo) -> list[str]:
    """What a member of ``team`` may read and write: its villages and its own rows."""
    scopes = [sc.normalize_code(code) for code, _ in team.villages]
    if team.code:
        scopes.append(team.code)
    return sc.minimal_scopes(scopes)


def refresh_team_scopes(conn: Connection, team_ids: Iterable[str]) -> None:
    """Recompute the stored scopes of every account on these teams (after their villages
    changed), so the next request of such an account sees its team as it is now."""
    ids = sorted(set(team_ids))
    if not ids:
        return
    a = account_table
    members = conn.execute(sa.select(a.c.id, a.c.team_id).where(a.c.team_id.in_(ids))).all()
    if not members:
        return
    found = {t.id: t for t in teams(conn, {m.team_id for m in members})}
    for account_id, team_id in members:
        team = found.get(team_id)
        scopes = team_scopes(team) if team is not None else []
        conn.execute(a.update().where(a.c.id == account_id).values(scopes=",".join(scopes)))
