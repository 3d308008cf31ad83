"""Received changes this program cannot apply, kept aside instead of stopping the sync.

A change from the server or a bundle that fails the entity declarations (a record type or
field of a newer program, a malformed value the server stored before it checked) would
fail its whole page on every sync from then on. The page is screened when — and only
when — it fails to merge: the changes the declarations refuse are kept in ``held_change``
with the reason, the rest of the page is merged, and the sync goes on. The sync page and
``sync --json`` list what is held; each sync tries the held changes again, so after an
upgrade of the program they apply.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy.exc import SQLAlchemyError

from ..domain import entities as E
from ..domain.changes import Change, json_value
from . import sqlite
from .merge import ApplyResult, UnknownEntity
from .store import Store

APPLY_ERRORS: tuple[type[BaseException], ...] = (
    UnknownEntity, ValueError, TypeError, KeyError, sqlite.Error, SQLAlchemyError)
"""What merging a change this program cannot apply raises."""


@dataclass(frozen=True, slots=True)
class HeldChange:
    """One change kept aside, as the sync page lists it."""

    id: str
    entity: str
    row_id: str
    code: str
    reason: str
    source: str
    held_at: str

    def as_dict(self) -> dict[str, str]:
        """For ``sync --json``."""
        return {"change_id": self.id, "entity": self.entity, "row_id": self.row_id,
                "code": self.code, "reason": self.reason, "source": self.source,
                "held_at": self.held_at}


def _wire(change: Change) -> dict:
    """The change as JSON data (a bundle's changes come with dates already decoded)."""
    fields = change.fields
    if isinstance(fields, dict):
        fields = {name: json_value(value) for name, value in fields.items()}
    return {"id": change.id, "entity": change.entity, "row_id": change.row_id,
            "fields": fields, "base": change.base, "hlc": change.hlc}


def screen(changes: Iterable[Change]) -> tuple[list[Change], list[tuple[Change, E.Problem]]]:
    """The changes the declarations accept, and the others with why."""
    good: list[Change] = []
    bad: list[tuple[Change, E.Problem]] = []
    for change in changes:
        problem = E.check_change(_wire(change))
        if problem is None:
            good.append(change)
        else:
            bad.append((change, problem))
    return good, bad


_HOLD_SQL = ("INSERT OR IGNORE INTO held_change (id, entity, row_id, body, code, reason, "
             "source, held_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


def _held_rows(bad: Sequence[tuple[Change, E.Problem]], source: str) -> list[tuple[str, ...]]:
    at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return [(c.id[:64], str(c.entity)[:40], str(c.row_id)[:64], _body(c), p.code, p.message,
             source, at) for c, p in bad]


def hold(store: Store, bad: Sequence[tuple[Change, E.Problem]], source: str) -> None:
    """Keep changes aside (a change held again keeps its first reason's time)."""
    if bad:
        with store.engine.begin() as conn:
            conn.exec_driver_sql(_HOLD_SQL, _held_rows(bad, source))


def hold_in(cur: sqlite.Cursor, bad: Sequence[tuple[Change, E.Problem]], source: str) -> None:
    """:func:`hold` inside a write transaction the caller holds."""
    if bad:
        cur.executemany(_HOLD_SQL, _held_rows(bad, source))


def _body(change: Change) -> str:
    try:
        return change.to_json()
    except (TypeError, orjson.JSONEncodeError):
        return orjson.dumps(repr(change)).decode()


def merge_screened(store: Store, changes: Sequence[Change], source: str,
                   merge: Callable[[Sequence[Change]], ApplyResult]) -> tuple[ApplyResult, int]:
    """``merge(changes)``; if it fails on changes the declarations refuse, those are held
    and the rest merged. The result and how many were held. A failure the declarations
    do not explain is raised as it was."""
    try:
        return merge(changes), 0
    except APPLY_ERRORS as failure:
        good, bad = screen(changes)
        if not bad:
            raise failure from None
        hold(store, bad, source)
        return merge(good), len(bad)


def held(store: Store) -> list[HeldChange]:
    """Every change kept aside, oldest first."""
    with store.read() as cur:
        return [HeldChange(*r) for r in cur.execute(
            "SELECT id, entity, row_id, code, reason, source, held_at FROM held_change "
            "ORDER BY held_at, id")]


def held_count(store: Store) -> int:
    """How many changes are kept aside."""
    with store.read() as cur:
        return cur.execute("SELECT count(*) FROM held_change").fetchone()[0]


def retry_held(store: Store, merge: Callable[[Sequence[Change]], ApplyResult]) -> int:
    """Merge the held changes this program can now apply (after an upgrade); they leave
    the list. How many applied."""
    with store.read() as cur:
        rows = cur.execute("SELECT id, body FROM held_change").fetchall()
    if not rows:
        return 0
    changes: list[Change] = []
    for _id, body in rows:
        try:
            changes.append(Change.from_json(body))
        except (ValueError, TypeError, KeyError, json.JSONDecodeError):
            continue
    good, _bad = screen(changes)
    if not good:
        return 0
    try:
        merge(good)
    except APPLY_ERRORS:
        return 0  # still not appliable: they stay held, the sync goes on
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM held_change WHERE id IN (SELECT value FROM json_each(?))",
                             (orjson.dumps([c.id for c in good]).decode(),))
    return len(good)
