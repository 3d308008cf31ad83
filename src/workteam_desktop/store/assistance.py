"""Assistance records (帮扶记录): the ledger, totals by measure kind, save, delete and undo.

Plain functions over a :class:`Store`, called by the GUI (off its thread) and tests. The
ledger filters and pages in SQL; totals are summed in whole fen so they equal the sum of
the rows shown, to the cent. A record keeps its photos (receipts, the measure in place)
as attachments, saved in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..domain import catalogues as cat
from ..domain.problems import DomainError, Problem
from .attachments import attachments_of, save_photos
from .catalogues import region_catalogue
from .households import HouseholdFilter, find_household_id
from .households import _where as household_where
from .models import AssistanceRecord
from .store import Store
from .visits import find_cadre_id


@dataclass(frozen=True, slots=True)
class AssistanceFilter:
    """What the ledger shows. Empty fields do not filter."""

    measure_kind: str | None = None
    status: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    village_id: str | None = None
    household_id: str | None = None
    search: str | None = None  # household head's name, household number or ID number


@dataclass(slots=True)
class RecordInput:
    """What a cadre records for one assistance measure."""

    household: str  # id or household number
    measure_kind: str  # MEASURE_KINDS code
    content: str
    record_date: dt.date
    amount: float = 0.0  # yuan
    cadre: str | None = None  # 帮扶责任人: cadre id or name
    status: str = "in_progress"  # ASSISTANCE_STATUSES code
    result: str = ""
    visit_id: str | None = None
    photos: list[str] = field(default_factory=list)  # files on disk, copied on save
    removed_photos: list[str] = field(default_factory=list)  # attachment ids to take off


@dataclass(frozen=True, slots=True)
class KindTotal:
    """How many records of one measure kind, and their amount in yuan."""

    count: int = 0
    amount: float = 0.0


def _where(flt: AssistanceFilter) -> tuple[str, list[Any]]:
    clauses, params = ["r.deleted = 0"], []
    if flt.measure_kind:
        clauses.append("r.measure_kind = ?")
        params.append(flt.measure_kind)
    if flt.status:
        clauses.append("r.status = ?")
        params.append(flt.status)
    if flt.date_from:
        clauses.append("r.record_date >= ?")
        params.append(flt.date_from.isoformat())
    if flt.date_to:
        clauses.append("r.record_date <= ?")
        params.append(flt.date_to.isoformat())
    if flt.household_id:
        clauses.append("r.household_id = ?")
        params.append(flt.household_id)
    if flt.village_id:
        clauses.append("r.household_id IN (SELECT id FROM household WHERE village_id = ?)")
        params.append(flt.village_id)
    if (flt.search or "").strip():
        # The household list's own search (name, number, ID number, phone), so the ledger
        # finds a household exactly as the household list and every household picker do.
        found, found_params = household_where(HouseholdFilter(search=flt.search),
                                              dt.date.today(), 0)
        clauses.append(f"r.household_id IN (SELECT h.id FROM household h WHERE {found})")
        params += found_params
    return " AND ".join(clauses), params


def list_records(store: Store, flt: AssistanceFilter = AssistanceFilter(), *,
                 limit: int | None = 100, offset: int = 0,
                 lang: str = "zh") -> list[dict[str, Any]]:
    """Records matching ``flt``, newest first, one page (all when ``limit`` is None)."""
    where, params = _where(flt)
    sql = (
        "SELECT r.id, r.record_date, r.household_id, h.number AS household_number, "
        "h.head_name, v.name AS village_name, r.measure_kind, r.content, r.amount, "
        "r.cadre_id, c.name AS cadre_name, r.status, r.result "
        "FROM assistance_record r JOIN household h ON h.id = r.household_id "
        "JOIN area v ON v.id = h.village_id LEFT JOIN cadre c ON c.id = r.cadre_id "
        f"WHERE {where} ORDER BY r.record_date DESC, r.id DESC")
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    with store.read() as cur:
        rows = [dict(r) for r in cur.execute(sql, params)]
    kinds = region_catalogue(store.home, cat.MEASURE_KINDS)
    for r in rows:
        r["measure_label"] = kinds.label(r["measure_kind"], lang)
        r["status_label"] = cat.ASSISTANCE_STATUSES.label(r["status"], lang)
        r["cadre_name"] = r["cadre_name"] or ""
    return rows


def count_records(store: Store, flt: AssistanceFilter = AssistanceFilter()) -> int:
    """How many records match ``flt`` (for the ledger's pager)."""
    where, params = _where(flt)
    with store.read() as cur:
        return cur.execute(f"SELECT count(*) FROM assistance_record r WHERE {where}",
                           params).fetchone()[0]


def totals_by_kind(store: Store,
                   flt: AssistanceFilter = AssistanceFilter()) -> dict[str, KindTotal]:
    """Count and amount of the records matching ``flt``, per measure kind present.

    Kinds come in catalogue order (unknown codes from a region's catalogue last). Amounts
    are summed in fen, as integers, so the total is exact.
    """
    where, params = _where(flt)
    with store.read() as cur:
        found = {r[0]: KindTotal(r[1], r[2] / 100) for r in cur.execute(
            f"SELECT r.measure_kind, count(*), "
            f"coalesce(sum(CAST(round(r.amount * 100) AS INTEGER)), 0) "
            f"FROM assistance_record r WHERE {where} GROUP BY r.measure_kind", params)}
    order = {code: i for i, code in enumerate(cat.MEASURE_KINDS.codes())}
    return dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def _validate(record: RecordInput, kinds: cat.Catalogue = cat.MEASURE_KINDS) -> None:
    if record.measure_kind not in kinds:
        choices = "、".join(e.zh for e in kinds)
        raise DomainError(Problem("choice.invalid", {"value": record.measure_kind,
                                                     "field": "措施类型", "choices": choices}),
                          "measure_kind")
    if record.status not in cat.ASSISTANCE_STATUSES:
        choices = "、".join(e.zh for e in cat.ASSISTANCE_STATUSES)
        raise DomainError(Problem("choice.invalid", {"value": record.status, "field": "状态",
                                                     "choices": choices}), "status")
    if not record.content.strip():
        raise DomainError(Problem("field.required", {"field": "帮扶内容"}), "content")
    if record.amount < 0:
        raise DomainError(Problem("money.negative", {"field": "金额"}), "amount")


def save_record(store: Store, record: RecordInput, record_id: str | None = None,
                user: str | None = None) -> str:
    """Insert (or, with ``record_id``, update) an assistance record and its photos; returns
    its id.

    Validated before anything is written: an unknown household or cadre (or an unreadable
    photo) writes nothing. ``photos`` are attached (each content once per record) and the
    attachments ``removed_photos`` tombstoned; photos not named stay as they are.
    """
    _validate(record, region_catalogue(store.home, cat.MEASURE_KINDS))
    with store.write(user) as w:
        cur = w.cursor
        fields = {
            "household_id": find_household_id(cur, record.household),
            "measure_kind": record.measure_kind, "content": record.content.strip(),
            "amount": round(float(record.amount), 2), "record_date": record.record_date,
            "cadre_id": find_cadre_id(cur, record.cadre) if record.cadre else None,
            "status": record.status, "result": record.result.strip(),
        }
        if record_id is None:
            [record_id] = w.insert(AssistanceRecord, [{**fields, "visit_id": record.visit_id}])
        else:
            w.update(AssistanceRecord, record_id, fields)
        save_photos(w, "assistance_record", record_id, record.photos, record.removed_photos,
                    home=store.home)
    return record_id


def record_detail(store: Store, record_id: str, lang: str = "zh") -> dict[str, Any]:
    """One record with its household and cadre (name, role, team) and its photos
    (``attachments_of``), for the edit form."""
    with store.read() as cur:
        row = cur.execute(
            "SELECT r.*, h.number AS household_number, h.head_name, v.name AS village_name, "
            "c.name AS cadre_name, c.role AS cadre_role, t.name AS cadre_team_name "
            "FROM assistance_record r "
            "JOIN household h ON h.id = r.household_id JOIN area v ON v.id = h.village_id "
            "LEFT JOIN cadre c ON c.id = r.cadre_id LEFT JOIN team t ON t.id = c.team_id "
            "WHERE r.id = ? AND r.deleted = 0", (record_id,)).fetchone()
    if row is None:
        raise LookupError(f"assistance_record {record_id} does not exist")
    out = dict(row)
    del out["updated_hlc"], out["deleted"]
    out["measure_label"] = region_catalogue(store.home, cat.MEASURE_KINDS).label(
        out["measure_kind"], lang)
    out["status_label"] = cat.ASSISTANCE_STATUSES.label(out["status"], lang)
    out["cadre_name"] = out["cadre_name"] or ""
    out["cadre_role_label"] = cat.CADRE_ROLES.label(out["cadre_role"], lang) \
        if out["cadre_role"] else ""
    out["cadre_team_name"] = out["cadre_team_name"] or ""
    out["photos"] = attachments_of(store, "assistance_record", record_id)
    return out


def delete_record(store: Store, record_id: str, user: str | None = None) -> None:
    """Tombstone a record (undo with :func:`restore_record`)."""
    with store.write(user) as w:
        if not w.delete(AssistanceRecord, record_id):
            raise LookupError(f"assistance_record {record_id} is already deleted")


def restore_record(store: Store, record_id: str, user: str | None = None) -> None:
    """Undo :func:`delete_record`."""
    with store.write(user) as w:
        w.update(AssistanceRecord, record_id, {"deleted": False})


def household_brief(store: Store, key: str) -> dict[str, Any]:
    """Number, head and village of the household ``key`` (id or number), for a page header."""
    with store.read() as cur:
        household_id = find_household_id(cur, key)
        row = cur.execute(
            "SELECT h.id, h.number, h.head_name, v.name AS village_name FROM household h "
            "JOIN area v ON v.id = h.village_id WHERE h.id = ?", (household_id,)).fetchone()
    return dict(row)


def list_cadres(store: Store, search: str = "", limit: int = 20,
                lang: str = "zh", *, serving_only: bool = False) -> list[dict[str, Any]]:
    """Cadres whose name contains ``search`` (all when empty), by name, for type-ahead;
    with ``serving_only`` only those in post today (a record being edited keeps its own)."""
    text = search.strip()
    serving = "(c.ended_on IS NULL OR c.ended_on > ?)" if serving_only else "? IS NOT NULL"
    with store.read() as cur:
        rows = [dict(r) for r in cur.execute(
            "SELECT c.id, c.name, c.role, t.name AS team_name FROM cadre c "
            "LEFT JOIN team t ON t.id = c.team_id "
            f"WHERE c.deleted = 0 AND (? = '' OR instr(c.name, ?) > 0) AND {serving} "
            "ORDER BY instr(c.name, ?) <> 1, c.name LIMIT ?",
            (text, text, dt.date.today().isoformat(), text, limit))]
    for r in rows:
        r["role_label"] = cat.CADRE_ROLES.label(r["role"], lang)
        r["team_name"] = r["team_name"] or ""
    return rows


def list_villages(store: Store) -> list[dict[str, Any]]:
    """Villages and resettlement communities (id, code, name), in code order, for filters."""
    with store.read() as cur:
        return [dict(r) for r in cur.execute(
            "SELECT id, code, name FROM area WHERE deleted = 0 "
            "AND level IN ('village', 'community') ORDER BY code")]
