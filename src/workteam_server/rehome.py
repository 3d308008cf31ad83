"""Re-homing: a row moved by a supervisor or an administrator from one area to another.

A supervisor's merge of duplicate households from two villages moves the children of one
household under the other; an administrator corrects a household filed in the wrong
village. Each laptop holds only its scope, so a move must reach both sides:

- the change that moves the row is stored in the row's OLD area: the laptops there learn
  that the row left (it now points at a parent they do not hold, and leaves their lists);
- the row, and every row placed through it (a household's members, a member's photos), is
  re-homed: ``row_area`` says the NEW area from now on, and every change of those rows the
  server holds — the move included — is served again to the new area, as a copy at the end
  of the log (same body, so the same change id: a laptop that has it skips it; the copy's
  own log id is the change id, ``@`` and the area). Laptops of the new area thus receive the
  whole history of the rows that arrived, in order, and build them as any new row.

Only an account that may write both areas moves a row (a member's push that would move a
row is refused: ``area_change``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import orjson
import sqlalchemy as sa
from sqlalchemy import Connection

from workteam_desktop.domain import entities as E

from .models import attachment_area_table, change_table, row_area_table

ECHO_MARK = "@"


@dataclass(frozen=True, slots=True)
class Move:
    """One accepted change that moves a row to another area."""

    entity: str
    row_id: str
    old: str
    new: str


def _placing_parent(entity: str, fields: dict) -> tuple[str, str] | None:
    """The (entity, id) a change's fields place its row under, if it sets one."""
    declared = E.BY_NAME.get(entity)
    if declared is None:
        return None
    for name, parent in declared.parent_fields:
        value = fields.get(name)
        if isinstance(value, str):
            return parent, value
    return E.owner_of(entity, fields)


def rehome(conn: Connection, moves: Iterable[Move]) -> int:
    """Re-home the moved rows and the rows placed through them (inside the push
    transaction, after the batch's changes were inserted); how many changes were served
    again to the new areas."""
    served = 0
    for move in moves:
        served += _rehome_one(conn, move)
    return served


def _rehome_one(conn: Connection, move: Move) -> int:
    c = change_table.c
    rows = conn.execute(sa.select(c.seq, c.id, c.entity, c.row_id, c.body)
                        .where(c.area_code == move.old).order_by(c.seq)).all()
    # The rows that move: the row itself, then whatever its changes place under a moving
    # row, until nothing more joins (a member's photo under a member under the row).
    moving = {(move.entity, move.row_id)}
    children: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for r in rows:
        parent = _placing_parent(r.entity, orjson.loads(r.body).get("fields") or {})
        if parent is not None:
            children.setdefault(parent, set()).add((r.entity, r.row_id))
    frontier = [(move.entity, move.row_id)]
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in moving and child[0] != "area":
                moving.add(child)
                frontier.append(child)
    echoes = [{"id": f"{r.id.split(ECHO_MARK)[0]}{ECHO_MARK}{move.new}"[:64], "entity": r.entity,
               "row_id": r.row_id, "area_code": move.new, "account": "", "body": r.body}
              for r in rows if (r.entity, r.row_id) in moving]
    if echoes:
        dialect = conn.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        conn.execute(insert(change_table).on_conflict_do_nothing(index_elements=["id"]), echoes)
        t = row_area_table
        for entity, row_id in moving:
            conn.execute(t.update().where(t.c.entity == entity, t.c.row_id == row_id)
                         .values(area_code=move.new))
        shas = {orjson.loads(r.body)["fields"].get("sha256") for r in rows
                if r.entity == "attachment" and (r.entity, r.row_id) in moving}
        shas = {s for s in shas if isinstance(s, str) and len(s) == 64}
        if shas:
            a = attachment_area_table
            existing = set(conn.execute(sa.select(a.c.sha256).where(
                a.c.area_code == move.new, a.c.sha256.in_(shas))).scalars())
            if shas - existing:
                conn.execute(a.insert(), [{"sha256": s, "area_code": move.new}
                                          for s in shas - existing])
    return len(echoes)
