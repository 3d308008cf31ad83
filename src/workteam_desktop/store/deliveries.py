"""Ten-deliveries actions (十送专项行动): save, list, count by category, delete and undo.

Plain functions over a :class:`Store`, called by the GUI (off its thread) and tests. An
action and its beneficiary households are written in one transaction through the
Writer, so they sync together, with the photos taken of it (attachments owned by the
action, the proof supervisors ask for); lists filter and page in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..domain import catalogues as cat
from ..domain.problems import DomainError, Problem
from . import sqlite
from .attachments import attachments_of, save_photos
from .households import find_household_id
from .links import delete_with_links, restore_with_links
from .models import DeliveryAction, DeliveryBeneficiary
from .store import Store


@dataclass(slots=True)
class ActionInput:
    """What a cadre records for a ten-deliveries action."""

    category: str  # DELIVERY_CATEGORIES code
    action_date: dt.date
    title: str
    place: str = ""
    description: str = ""
    people_reached: int = 0
    outcome: str = ""
    households: list[str] = field(default_factory=list)  # ids or household numbers
    village_id: str | None = None  # None: the first beneficiary's village
    photos: list[str] = field(default_factory=list)  # files on disk, copied on save
    removed_photos: list[str] = field(default_factory=list)  # attachment ids to take off


@dataclass(frozen=True, slots=True)
class CategoryCount:
    """Actions of one category in a year, and the people they reached."""

    actions: int = 0
    people: int = 0


@dataclass(frozen=True, slots=True)
class DeletedAction:
    """What :func:`delete_action` tombstoned, so :func:`restore_action` can undo exactly that."""

    action_id: str
    beneficiary_ids: tuple[str, ...]


def _validate(action: ActionInput) -> None:
    if action.category not in cat.DELIVERY_CATEGORIES:
        choices = "、".join(e.zh for e in cat.DELIVERY_CATEGORIES)
        raise DomainError(Problem("choice.invalid", {"value": action.category, "field": "类别",
                                                     "choices": choices}), "category")
    if not action.title.strip():
        raise DomainError(Problem("field.required", {"field": "标题"}), "title")
    if action.people_reached < 0:
        raise DomainError(Problem("int.invalid", {"text": action.people_reached}),
                          "people_reached")


def _team_of(cur: sqlite.Cursor, village_id: str | None) -> str | None:
    if village_id is None:
        return None
    row = cur.execute("SELECT team_id FROM team_area WHERE area_id = ? AND deleted = 0 "
                      "ORDER BY id LIMIT 1", (village_id,)).fetchone()
    return row[0] if row else None


def save_action(store: Store, action: ActionInput, action_id: str | None = None,
                user: str | None = None) -> str:
    """Insert (or, with ``action_id``, update) an action, its beneficiaries and photos;
    returns its id.

    Everything is validated before anything is written, and written in one transaction:
    a bad household (or an unreadable photo) writes nothing. On update, households no
    longer listed are tombstoned and ones listed again are revived, so each household has
    at most one live link. ``photos`` are attached (each content once per action) and the
    attachments ``removed_photos`` tombstoned; photos not named stay as they are.
    """
    _validate(action)
    with store.write(user) as w:
        cur = w.cursor
        household_ids = list(dict.fromkeys(find_household_id(cur, k) for k in action.households))
        village_id = action.village_id
        if village_id is None and household_ids:
            village_id = cur.execute("SELECT village_id FROM household WHERE id = ?",
                                     (household_ids[0],)).fetchone()[0]
        fields = {
            "category": action.category, "action_date": action.action_date,
            "place": action.place.strip(), "title": action.title.strip(),
            "description": action.description.strip(),
            "people_reached": int(action.people_reached), "outcome": action.outcome.strip(),
            "village_id": village_id, "team_id": _team_of(cur, village_id),
        }
        if action_id is None:
            [action_id] = w.insert(DeliveryAction, [fields])
            links: dict[str, tuple[str, bool]] = {}
        else:
            if cur.execute("SELECT 1 FROM delivery_action WHERE id = ?",
                           (action_id,)).fetchone() is None:
                raise LookupError(f"delivery_action {action_id} does not exist")
            w.update(DeliveryAction, action_id, {**fields, "deleted": False})
            links = {r[1]: (r[0], bool(r[2])) for r in cur.execute(
                # Live links come last so they win over old tombstones of the same household.
                "SELECT id, household_id, deleted FROM delivery_beneficiary WHERE action_id = ? "
                "ORDER BY deleted DESC", (action_id,))}
        wanted = set(household_ids)
        for household_id, (link_id, deleted) in links.items():
            if household_id in wanted and deleted:
                w.update(DeliveryBeneficiary, link_id, {"deleted": False})
            elif household_id not in wanted and not deleted:
                w.delete(DeliveryBeneficiary, link_id)
        w.insert(DeliveryBeneficiary, [{"action_id": action_id, "household_id": h}
                                       for h in household_ids if h not in links])
        save_photos(w, "delivery_action", action_id, action.photos, action.removed_photos,
                    home=store.home)
    return action_id


def _where(category: str | None, date_from: dt.date | None, date_to: dt.date | None,
           village_id: str | None) -> tuple[str, list[Any]]:
    clauses, params = ["a.deleted = 0"], []
    if category:
        clauses.append("a.category = ?")
        params.append(category)
    if date_from:
        clauses.append("a.action_date >= ?")
        params.append(date_from.isoformat())
    if date_to:
        clauses.append("a.action_date <= ?")
        params.append(date_to.isoformat())
    if village_id:
        clauses.append("a.village_id = ?")
        params.append(village_id)
    return " AND ".join(clauses), params


def list_actions(store: Store, category: str | None = None, date_from: dt.date | None = None,
                 date_to: dt.date | None = None, village_id: str | None = None, *,
                 limit: int | None = 100, offset: int = 0,
                 lang: str = "zh") -> list[dict[str, Any]]:
    """Actions matching the filters, newest first, one page (all when ``limit`` is None)."""
    where, params = _where(category, date_from, date_to, village_id)
    # The beneficiary count is a correlated subquery: it runs for the page's rows only.
    sql = (
        "SELECT a.id, a.category, a.action_date, a.title, a.place, a.people_reached, "
        "a.village_id, v.name AS village_name, "
        "(SELECT count(*) FROM delivery_beneficiary b WHERE b.action_id = a.id "
        " AND b.deleted = 0) AS households "
        f"FROM delivery_action a LEFT JOIN area v ON v.id = a.village_id WHERE {where} "
        "ORDER BY a.action_date DESC, a.id DESC")
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    with store.read() as cur:
        rows = [dict(r) for r in cur.execute(sql, params)]
    for r in rows:
        r["category_label"] = cat.DELIVERY_CATEGORIES.label(r["category"], lang)
    return rows


def count_actions(store: Store, category: str | None = None, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, village_id: str | None = None) -> int:
    """How many actions match the filters (for the list's pager)."""
    where, params = _where(category, date_from, date_to, village_id)
    with store.read() as cur:
        return cur.execute(f"SELECT count(*) FROM delivery_action a WHERE {where}",
                           params).fetchone()[0]


def category_counts(store: Store, year: int,
                    village_id: str | None = None) -> dict[str, CategoryCount]:
    """For every category (catalogue order), the year's actions and people reached."""
    where, params = _where(None, dt.date(year, 1, 1), dt.date(year, 12, 31), village_id)
    counts = {code: CategoryCount() for code in cat.DELIVERY_CATEGORIES.codes()}
    with store.read() as cur:
        for code, actions, people in cur.execute(
                f"SELECT a.category, count(*), coalesce(sum(a.people_reached), 0) "
                f"FROM delivery_action a WHERE {where} GROUP BY a.category", params):
            counts[code] = CategoryCount(actions, people)
    return counts


def action_detail(store: Store, action_id: str, lang: str = "zh") -> dict[str, Any]:
    """One action with all its fields, its beneficiary households (in the order added) and
    its photos (``attachments_of``)."""
    with store.read() as cur:
        row = cur.execute(
            "SELECT a.*, v.name AS village_name FROM delivery_action a "
            "LEFT JOIN area v ON v.id = a.village_id WHERE a.id = ? AND a.deleted = 0",
            (action_id,)).fetchone()
        if row is None:
            raise LookupError(f"delivery_action {action_id} does not exist")
        out = dict(row)
        del out["updated_hlc"], out["deleted"]
        out["category_label"] = cat.DELIVERY_CATEGORIES.label(out["category"], lang)
        out["households"] = [dict(r) for r in cur.execute(
            "SELECT h.id, h.number, h.head_name, v.name AS village_name "
            "FROM delivery_beneficiary b JOIN household h ON h.id = b.household_id "
            "JOIN area v ON v.id = h.village_id "
            "WHERE b.action_id = ? AND b.deleted = 0 ORDER BY b.id", (action_id,))]
    out["photos"] = attachments_of(store, "delivery_action", action_id)
    return out


def delete_action(store: Store, action_id: str, user: str | None = None) -> DeletedAction:
    """Tombstone an action and its live beneficiary links; returns what to undo."""
    with store.write(user) as w:
        links = delete_with_links(w, DeliveryAction, action_id, DeliveryBeneficiary, "action_id")
    return DeletedAction(action_id, links)


def restore_action(store: Store, deleted: DeletedAction, user: str | None = None) -> None:
    """Undo :func:`delete_action`: the action and the same links are live again."""
    with store.write(user) as w:
        restore_with_links(w, DeliveryAction, deleted.action_id, DeliveryBeneficiary,
                           deleted.beneficiary_ids)
