"""The conflict queue as people review it: which record, which field, both values, who and when.

Merge keeps every value that lost to a concurrent change in the ``conflict`` table (see
:mod:`.merge`). Here each one is described in the words of the record pages — the
household's name, the field's label, catalogue labels and dates instead of codes — and a
person settles it: keep the value that won, or restore the one that lost. Restoring
writes the lost value as a new change through :class:`~.writer.Writer`, so it syncs and
wins on every replica like any edit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Boolean, Date, DateTime, Float, Integer

from ..domain.entities import DECLARATIONS, ENTITIES
from ..domain.field_labels import FIELD_CATALOGUES, MONEY_FIELDS, field_label
from ..domain.fields import money_text
from ..domain.hlc import Timestamp, device_of
from . import sqlite
from .store import Store

Keep = Literal["kept", "lost"]


class ConflictError(Exception):
    """A conflict that cannot be settled as asked; ``message`` is one Chinese line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ConflictSide:
    """One of the two values of a conflict, and who set it when."""

    value: Any  # as stored (JSON types; dates as ISO text)
    text: str  # as people read it: catalogue label, 2026-11-29, 1,234.50 元, 是/否
    hlc: str
    device: str
    user: str
    at: dt.datetime | None  # UTC, from the HLC: the setting device's clock (may be off)
    this_device: bool  # set on this laptop


@dataclass(frozen=True, slots=True)
class ConflictView:
    """An entry of the conflict queue, ready to show."""

    id: int
    entity: str
    entity_label: str  # 农户, 家庭成员, …
    row_id: str
    row_label: str  # 王喆（0001）, 王喆（0001）· 王小明, …
    field: str
    field_label: str  # 联系电话, 户类型, …
    kept: ConflictSide  # the value the merge chose (on every replica)
    lost: ConflictSide  # the concurrent value it overwrote, kept here for review
    current_text: str  # the field now; differs from kept.text when edited since
    created_at: dt.datetime
    resolved: bool
    resolution: str  # "", "kept" or "restored"


def list_conflicts(store: Store, *, include_resolved: bool = False,
                   lang: str = "zh") -> list[ConflictView]:
    """The conflict queue, oldest first; settled ones too when ``include_resolved``."""
    where = "" if include_resolved else " WHERE resolved = 0"
    with store.read() as cur:
        rows = cur.execute(
            "SELECT id, entity, row_id, field, kept_value, kept_hlc, lost_value, lost_hlc, "
            f"lost_device, lost_user, created_at, resolved, resolution FROM conflict{where} "
            "ORDER BY id").fetchall()
        labels = RecordLabels(cur, lang)
        views = []
        for r in rows:
            entity, row_id, name = r["entity"], r["row_id"], r["field"]
            kept_device, kept_user = _who(cur, row_id, r["kept_hlc"])
            kept_value = _unwrap(r["kept_value"])
            lost_value = _unwrap(r["lost_value"])
            current = _current_value(cur, entity, row_id, name)
            views.append(ConflictView(
                id=r["id"], entity=entity, entity_label=ENTITIES.label(entity, lang),
                row_id=row_id, row_label=labels.row(entity, row_id), field=name,
                field_label=field_label(entity, name, lang),
                kept=_side(store, labels, entity, name, kept_value, r["kept_hlc"],
                           kept_device, kept_user),
                lost=_side(store, labels, entity, name, lost_value, r["lost_hlc"],
                           r["lost_device"], r["lost_user"]),
                current_text=labels.value(entity, name, current),
                created_at=_parse_time(r["created_at"]),
                resolved=bool(r["resolved"]), resolution=r["resolution"],
            ))
    return views


def count_open(store: Store) -> int:
    """How many conflicts wait for review (the badge on the 同步 page)."""
    with store.read() as cur:
        return cur.execute("SELECT count(*) FROM conflict WHERE resolved = 0").fetchone()[0]


def resolve(store: Store, conflict_id: int, keep: Keep, user: str | None = None) -> bool:
    """Settle a conflict: keep the value the merge chose (``"kept"``) or restore the value
    it overwrote (``"lost"``). Returns True when a new change was written.

    The chosen value is written as a new change (by ``user``) when the field does not hold
    it now, so the choice syncs and wins everywhere; keeping a value the field still holds
    writes nothing, because every replica already has it. Both in one transaction.
    """
    if keep not in ("kept", "lost"):
        raise ValueError(f"keep must be 'kept' or 'lost', not {keep!r}")
    with store.write(user) as w:
        cur = w.cursor
        row = cur.execute("SELECT entity, row_id, field, kept_value, lost_value, resolved, "
                          "kept_hlc, lost_hlc FROM conflict WHERE id = ?", (conflict_id,)).fetchone()
        if row is None:
            raise ConflictError("找不到这条冲突记录，请刷新后再试")
        entity, row_id, name, kept_text, lost_text, resolved, kept_hlc, lost_hlc = row
        if resolved:
            raise ConflictError("这条冲突已经处理过了")
        model = _models().get(entity)
        exists = model is not None and cur.execute(
            f'SELECT 1 FROM "{entity}" WHERE id = ?', (row_id,)).fetchone()
        if not exists:
            raise ConflictError("这条记录在本机已不存在，无法处理这条冲突")
        chosen = _python_value(entity, name, _unwrap(kept_text if keep == "kept" else lost_text))
        written = w.update(entity, row_id, {name: chosen})
        choice = "kept" if keep == "kept" else "restored"
        cur.execute("UPDATE conflict SET resolved = 1, resolution = ? WHERE id = ?",
                    (choice, conflict_id))
        # The decision syncs: every laptop that queued this conflict settles it too.
        w.insert("conflict_settlement", [{
            "target_entity": entity, "target_id": row_id, "field": name,
            "up_to": max(kept_hlc, lost_hlc), "choice": choice}])
    return written


SETTLED_ELSEWHERE = "elsewhere"
"""The resolution of a conflict settled on another laptop (a settlement received)."""


def settle_from_settlements(cur: sqlite.Cursor) -> int:
    """Mark settled every open conflict a received settlement covers: the same field of the
    same record, both values no newer than what the person reviewed. How many."""
    done = cur.execute(
        "UPDATE conflict SET resolved = 1, resolution = ? WHERE resolved = 0 AND EXISTS ("
        "SELECT 1 FROM conflict_settlement s WHERE NOT s.deleted "
        "AND s.target_entity = conflict.entity AND s.target_id = conflict.row_id "
        "AND s.field = conflict.field AND s.up_to >= conflict.kept_hlc "
        "AND s.up_to >= conflict.lost_hlc)", (SETTLED_ELSEWHERE,))
    return done.rowcount


# ---------------------------------------------------------------- helpers

def _unwrap(text: str) -> Any:
    return json.loads(text).get("v")


def _who(cur: sqlite.Cursor, row_id: str, hlc: str) -> tuple[str, str]:
    row = cur.execute("SELECT device, user FROM change_log WHERE row_id = ? AND hlc = ? LIMIT 1",
                      (row_id, hlc)).fetchone()
    return (row[0], row[1]) if row else (device_of(hlc), "")  # a clock loaded from a snapshot


def _models() -> dict[str, Any]:
    """The model class of every synced table, imported on first use: the start-up reads
    the conflict count and record labels without the ORM."""
    from .models import MODEL_BY_ENTITY

    return MODEL_BY_ENTITY


def _current_value(cur: sqlite.Cursor, entity: str, row_id: str, name: str) -> Any:
    model = _models().get(entity)
    if model is None or name not in model.__table__.columns:  # type: ignore[attr-defined]
        return None
    row = cur.execute(f'SELECT "{name}" FROM "{entity}" WHERE id = ?', (row_id,)).fetchone()
    return row[0] if row else None


def _hlc_time(hlc: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(Timestamp.decode(hlc).wall_ms / 1000, dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _parse_time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _side(store: Store, labels: RecordLabels, entity: str, name: str, value: Any, hlc: str,
          device: str, user: str) -> ConflictSide:
    return ConflictSide(value=value, text=labels.value(entity, name, value), hlc=hlc,
                        device=device, user=user, at=_hlc_time(hlc),
                        this_device=device == store.device_id)


def _column_type(entity: str, name: str) -> Any:
    model = _models().get(entity)
    if model is None:
        return None
    column = model.__table__.columns.get(name)  # type: ignore[attr-defined]
    return column.type if column is not None else None


def _python_value(entity: str, name: str, value: Any) -> Any:
    """A value from the queue (JSON from a change, or raw from the row) as the model's type.

    The merge keeps the winning change's value as JSON (dates as ISO text) and the value
    it replaced as SQLite stored it (booleans as 0/1), so both are brought to one form.
    """
    if value is None:
        return None
    kind = _column_type(entity, name)
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, DateTime):
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if isinstance(kind, Date):
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    if isinstance(kind, Integer):
        return int(value)
    if isinstance(kind, Float):
        return float(value)
    return value


class RecordLabels:
    """Names of records and field values as people read them (the record pages' words),
    looked up once per row within one read transaction."""

    def __init__(self, cur: sqlite.Cursor, lang: str) -> None:
        self._cur = cur
        self._lang = lang
        self._rows: dict[tuple[str, str], str] = {}

    def _fetch(self, entity: str, row_id: str) -> sqlite.Row | None:
        if entity not in ENTITIES:
            return None
        return self._cur.execute(f'SELECT * FROM "{entity}" WHERE id = ?', (row_id,)).fetchone()

    def row(self, entity: str, row_id: str) -> str:
        """A record's name: 王喆（0001）, 王喆（0001）· 2025, 2026-03-02 入户走访, …"""
        key = (entity, row_id)
        if key not in self._rows:
            self._rows[key] = self._row_label(entity, row_id)
        return self._rows[key]

    def _row_label(self, entity: str, row_id: str) -> str:
        r = self._fetch(entity, row_id)
        if r is None:
            return ENTITIES.label(entity, self._lang)  # not made here yet: name its type
        if entity == "household":
            return f"{r['head_name']}（{r['number']}）"
        refs = [(c, p) for c, p in _REFS.get(entity, ()) if r[c]]
        title = self._title(entity, r)
        parts = [self.row(parent, r[column]) for column, parent in refs]
        if title:
            parts.append(title)
        return " · ".join(parts) if parts else ENTITIES.label(entity, self._lang)

    def _title(self, entity: str, r: sqlite.Row) -> str:
        spec = _TITLES.get(entity)
        if spec is None:
            return ""
        return " ".join(t for t in (self.value(entity, c, r[c]) for c in spec) if t and t != self._empty)

    @property
    def _empty(self) -> str:
        return "(empty)" if self._lang.startswith("en") else "（空）"

    def value(self, entity: str, name: str, value: Any) -> str:
        """A field value as the record pages show it."""
        en = self._lang.startswith("en")
        if value is None or value == "":
            return self._empty
        if name == "deleted":
            if en:
                return "Deleted" if value else "Not deleted"
            return "已删除" if value else "未删除"
        catalogue = FIELD_CATALOGUES.get((entity, name))
        if catalogue is not None:
            return catalogue.label(str(value), self._lang)
        parent = _REF_COLUMNS.get((entity, name))
        if parent is not None:
            return self.row(parent, str(value))
        if (entity, name) in MONEY_FIELDS:
            return money_text(float(value), unit='yuan' if en else '元')
        kind = _column_type(entity, name)
        if isinstance(kind, Boolean):
            if en:
                return "Yes" if value else "No"
            return "是" if value else "否"
        if isinstance(kind, DateTime):
            return str(value)[:16]
        if isinstance(kind, Date):
            return str(value)[:10]
        if isinstance(kind, Float):
            return f"{float(value):g}"
        return str(value)


# Parent rows that name a record (a member is named by its household, then its own name),
# and the record's own words after its parents' (domain.entities).
_REFS: dict[str, tuple[tuple[str, str], ...]] = {
    e.name: tuple((n, e.references[n]) for n in e.named_by) for e in DECLARATIONS if e.named_by}
_TITLES: dict[str, tuple[str, ...]] = {e.name: e.title for e in DECLARATIONS if e.title}
# Reference columns: their value is shown as the name of the row they point to.
_REF_COLUMNS: dict[tuple[str, str], str] = {
    (e.name, column): parent for e in DECLARATIONS for column, parent in e.references.items()}
