"""Duplicate households across teams (重复农户): find them, show both side by side, and
merge them as a person decides.

Natural keys collide when two teams keep the same family (a relocated household kept
both at the origin village and at the resettlement community, say). Nothing is merged
automatically: :func:`find_duplicates` lists pairs with the same ID number of the head
or of any member, or the same head name in the same village; a person compares them
(:func:`compare_pair`) and merges (:func:`merge_households`) or dismisses the pair
(:func:`dismiss_pair`), which is remembered.

A merge is one write through :meth:`Store.write` and the :class:`Writer`: the kept
household takes the chosen field values, every child row (members, income, visits
links, rights, assistance, urgent needs, industries, monitoring history, ten-deliveries
beneficiaries, forms, attachments) moves to it, rows that would be doubled are
tombstoned, and the other household is tombstoned. So the merge syncs like any edit.
A local ``household_merge`` row records who merged what, when, with which choices.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain import catalogues as cat
from ..domain import idnumber
from ..domain.entities import household_children
from ..domain.problems import DomainError, Problem
from . import sqlite
from .store import Store
from .supervisor import village_teams
from .writer import Writer

REASON_HEAD_ID = "head_id"
REASON_MEMBER_ID = "member_id"
REASON_NAME_VILLAGE = "name_village"
REASON_LABELS = {
    REASON_HEAD_ID: ("户主身份证号相同", "Same ID number of the head"),
    REASON_MEMBER_ID: ("家庭成员身份证号相同", "Same ID number of a member"),
    REASON_NAME_VILLAGE: ("同村同名户主", "Same head name in the same village"),
}

#: Household fields a person chooses between, in the order the comparison shows them.
#: "village" stands for village_id and grid_id together (a grid belongs to its village).
MERGE_FIELDS: tuple[str, ...] = (
    "number", "head_name", "id_number", "phone", "address", "village", "type", "relocated",
    "origin_village", "resettlement_site", "relocation_year", "monitoring_status", "risk_kind",
    "monitoring_since", "risk_removed_on", "risk_removed_reason", "accident_insured",
    "relapse_insured", "form_updated_on", "note",
)
_FIELD_COLUMNS = {"village": ("village_id", "grid_id")}

#: Child tables: (table, column naming the household, columns that make a row a double
#: of one the kept household already has: such rows are tombstoned instead of moved).
CHILDREN: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(household_children())


def field_label(name: str) -> str:
    """The Chinese label of a mergeable field."""
    return FIELD_LABELS.get(name, name)


FIELD_LABELS = {
    "number": "户编号", "head_name": "户主", "id_number": "户主身份证号", "phone": "电话",
    "address": "地址", "village": "村（社区）/网格", "type": "户类型", "relocated": "易地搬迁",
    "origin_village": "迁出地", "resettlement_site": "安置点", "relocation_year": "搬迁年份",
    "monitoring_status": "监测状态", "risk_kind": "风险类型", "monitoring_since": "纳入监测日期",
    "risk_removed_on": "风险消除日期", "risk_removed_reason": "风险消除原因",
    "accident_insured": "意外险", "relapse_insured": "防返贫保险", "form_updated_on": "信息采集日期",
    "note": "备注",
}


@dataclass(slots=True)
class DuplicatePair:
    """Two households that may be one; ``a`` < ``b`` by id."""

    a: str
    b: str
    reasons: list[str] = field(default_factory=list)
    a_label: str = ""  # 户编号 户主
    b_label: str = ""
    a_team: str = ""
    b_team: str = ""
    a_village: str = ""
    b_village: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """The pair as remembered when dismissed."""
        return self.a, self.b


def _pair(x: str, y: str) -> tuple[str, str]:
    return (x, y) if x < y else (y, x)


def find_duplicates(store: Store, *, include_dismissed: bool = False,
                    limit: int | None = None) -> list[DuplicatePair]:
    """Pairs of live households sharing the head's or a member's ID number, or the head's
    name in the same village; pairs a person dismissed are left out unless asked for.

    Three grouped SQL queries over indexed columns (no loop over households); ordered by
    strength of evidence (ID numbers first), then village and household number.
    """
    found: dict[tuple[str, str], set[str]] = {}
    with store.read() as cur:
        for ids, reason in _same_id_groups(cur):
            _add_group(found, ids, reason)
        for (ids,) in cur.execute(
                "SELECT group_concat(id) FROM household WHERE deleted = 0 AND head_name != '' "
                "GROUP BY village_id, head_name HAVING count(*) > 1"):
            _add_group(found, ids.split(","), REASON_NAME_VILLAGE)
        dismissed = set() if include_dismissed else {
            (a, b) for a, b in cur.execute("SELECT household_a, household_b FROM duplicate_dismissal")}
        keys = [k for k in found if k not in dismissed]
        info = _labels(cur, {h for k in keys for h in k})
    strength = {REASON_HEAD_ID: 0, REASON_MEMBER_ID: 1, REASON_NAME_VILLAGE: 2}
    pairs = []
    for a, b in keys:
        ia, ib = info.get(a), info.get(b)
        if ia is None or ib is None:
            continue
        reasons = sorted(found[(a, b)], key=strength.__getitem__)
        pairs.append(DuplicatePair(a, b, reasons, ia["label"], ib["label"], ia["team"], ib["team"],
                                   ia["village"], ib["village"]))
    pairs.sort(key=lambda p: (strength[p.reasons[0]], info[p.a]["sort"], info[p.b]["sort"]))
    return pairs[:limit] if limit is not None else pairs


_PERSON_SQL = (
    # IDs of heads and members together: a head's number may be kept on the household,
    # on its head member, or both.
    "WITH person(hid, idn, head) AS ("
    "  SELECT id, id_number, 1 FROM household "
    "  WHERE deleted = 0 AND id_number IN (SELECT idn FROM temp.dup_candidate) "
    "  UNION SELECT m.household_id, m.id_number, m.relation = 'head' FROM member m "
    "  JOIN household h ON h.id = m.household_id AND h.deleted = 0 "
    "  WHERE m.deleted = 0 AND m.id_number IN (SELECT idn FROM temp.dup_candidate)) "
    "SELECT group_concat(DISTINCT hid), sum(head) FROM person GROUP BY idn "
    "HAVING count(DISTINCT hid) > 1")


def _same_id_groups(cur: sqlite.Cursor) -> list[tuple[list[str], str]]:
    """Households sharing an ID number, with the reason (the heads' or a member's).

    First the candidate numbers, from the ID-number indexes alone (no table row is read:
    a number that occurs more than once among members, or among households); then only
    those are looked up. ID numbers are stored normalised (upper-case X) by the write
    path, so the indexes can be used as they are. A head recorded only on the household
    row (no member row) is matched against other households' heads, not their members.
    """
    candidates = [r[0] for r in cur.execute(
        "SELECT id_number FROM member WHERE id_number IS NOT NULL AND id_number != '' "
        "GROUP BY id_number HAVING count(*) > 1 "
        "UNION SELECT id_number FROM household WHERE id_number IS NOT NULL AND id_number != '' "
        "GROUP BY id_number HAVING count(*) > 1")]
    if not candidates:
        return []
    # A temporary table on this read connection: the candidates can be many thousands.
    cur.execute("CREATE TEMP TABLE IF NOT EXISTS dup_candidate (idn TEXT PRIMARY KEY)")
    cur.execute("DELETE FROM temp.dup_candidate")
    cur.executemany("INSERT OR IGNORE INTO temp.dup_candidate VALUES (?)",
                    [(c,) for c in candidates])
    try:
        return [(ids.split(","), REASON_HEAD_ID if heads >= 2 else REASON_MEMBER_ID)
                for ids, heads in cur.execute(_PERSON_SQL).fetchall()]
    finally:
        cur.execute("DELETE FROM temp.dup_candidate")


def _add_group(found: dict[tuple[str, str], set[str]], ids: list[str], reason: str) -> None:
    ids = sorted(set(ids))
    for i, x in enumerate(ids):
        for y in ids[i + 1:]:
            reasons = found.setdefault(_pair(x, y), set())
            if reason == REASON_HEAD_ID:
                reasons.discard(REASON_MEMBER_ID)
            if not (reason == REASON_MEMBER_ID and REASON_HEAD_ID in reasons):
                reasons.add(reason)


def _labels(cur: sqlite.Cursor, ids: set[str]) -> dict[str, dict[str, Any]]:
    teams = village_teams(cur)
    out: dict[str, dict[str, Any]] = {}
    id_list = sorted(ids)
    for i in range(0, len(id_list), 500):
        chunk = id_list[i:i + 500]
        for r in cur.execute(
                f"SELECT h.id, h.number, h.head_name, h.village_id, v.name, v.code FROM household h "
                f"JOIN area v ON v.id = h.village_id WHERE h.id IN ({','.join('?' * len(chunk))})",
                chunk):
            team = teams.get(r[3])
            out[r[0]] = {"label": f"{r[1]} {r[2]}", "team": team.name if team else "",
                         "village": r[4], "sort": (r[5], r[1])}
    return out


# ---------------------------------------------------------------- comparison

def _side(cur: sqlite.Cursor, hid: str, teams: Mapping[str, Any], full_id: bool,
          lang: str = "zh") -> dict[str, Any]:
    row = cur.execute(
        "SELECT h.*, v.name AS village_name, g.name AS grid_name FROM household h "
        "JOIN area v ON v.id = h.village_id LEFT JOIN area g ON g.id = h.grid_id WHERE h.id = ?",
        (hid,)).fetchone()
    if row is None or row["deleted"]:
        raise DomainError(Problem("household.not_found", {"key": hid}))
    h = dict(row)
    team = teams.get(h["village_id"])
    values: dict[str, Any] = {}
    shown: dict[str, str] = {}
    for name in MERGE_FIELDS:
        if name == "village":
            values[name] = (h["village_id"], h["grid_id"])
            shown[name] = h["village_name"] + (f" / {h['grid_name']}" if h["grid_name"] else "")
            continue
        values[name] = h[name]
        shown[name] = _show(name, h[name], full_id, lang)
    members = [dict(r) for r in cur.execute(
        "SELECT id, name, relation, sex, birth_date, id_number, labour_capacity, "
        "employment_stable FROM member WHERE household_id = ? AND deleted = 0 "
        "ORDER BY relation = 'head' DESC, birth_date", (hid,))]
    for m in members:
        m["relation_label"] = cat.RELATIONS.label(m["relation"], lang)
        m["id_number_shown"] = m["id_number"] if full_id else idnumber.mask(m["id_number"])
    counts = {}
    for table, column, _ in CHILDREN:
        counts[table] = cur.execute(
            f'SELECT count(*) FROM "{table}" WHERE "{column}" = ? AND deleted = 0', (hid,)
        ).fetchone()[0]
    return {"id": hid, "team": team.name if team else "", "values": values, "shown": shown,
            "members": members, "counts": counts, "visits": counts["visit_household"],
            "label": f"{h['number']} {h['head_name']}"}


def _show(name: str, value: Any, full_id: bool, lang: str = "zh") -> str:
    if value is None or value == "":
        return ""
    en = lang.startswith("en")
    if name == "id_number":
        return value if full_id else idnumber.mask(value)
    if name == "type":
        return cat.HOUSEHOLD_TYPES.label(value, lang)
    if name == "monitoring_status":
        return cat.MONITORING_STATUSES.label(value, lang)
    if name == "risk_kind":
        return cat.RISK_KINDS.label(value, lang)
    if name in ("relocated", "accident_insured", "relapse_insured"):
        return ("Yes" if value else "No") if en else ("是" if value else "否")
    return str(value)


def compare_pair(store: Store, a: str, b: str, *, full_id: bool = False,
                 lang: str = "zh") -> dict[str, Any]:
    """Both households side by side: fields (values and as shown, in ``lang``), members,
    counts of children, team; ``differs`` lists the fields whose values differ."""
    with store.read() as cur:
        teams = village_teams(cur)
        left, right = (_side(cur, a, teams, full_id, lang),
                       _side(cur, b, teams, full_id, lang))
    differs = [n for n in MERGE_FIELDS if left["values"][n] != right["values"][n]]
    return {"a": left, "b": right, "differs": differs,
            "fields": [(n, field_label(n)) for n in MERGE_FIELDS]}


# ---------------------------------------------------------------- dismiss, merge

def dismiss_pair(store: Store, a: str, b: str, user: str | None = None) -> None:
    """Remember that ``a`` and ``b`` are not duplicates (a local record)."""
    x, y = _pair(a, b)
    with store.write(user) as w:
        w.cursor.execute(
            "INSERT OR REPLACE INTO duplicate_dismissal (household_a, household_b, dismissed_at, "
            "dismissed_by) VALUES (?, ?, ?, ?)",
            (x, y, _now(), user if user is not None else store.user))


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What a merge did."""

    kept_id: str
    merged_id: str
    fields_taken: list[str]  # fields given the other household's value
    moved: dict[str, int]  # table → rows moved to the kept household
    dropped: dict[str, int]  # table → rows tombstoned as doubles
    record_id: int


def merge_households(store: Store, kept: str, merged: str, choices: Mapping[str, str] | None = None,
                     *, user: str | None = None) -> MergeResult:
    """Merge household ``merged`` into ``kept`` in one write transaction.

    ``choices`` maps a field of :data:`MERGE_FIELDS` to "kept" or "merged" (whose value the
    kept household ends up with); fields left out keep the kept household's value.
    """
    choices = dict(choices or {})
    bad = [f for f, c in choices.items() if f not in MERGE_FIELDS or c not in ("kept", "merged")]
    if bad:
        raise ValueError(f"无效的合并选择：{bad[0]}")
    if kept == merged:
        raise ValueError("不能把一户合并到它自己")
    who = user if user is not None else store.user
    with store.write(who) as w:
        cur = w.cursor.connection.cursor()  # reads by column name, inside the write
        cur.row_factory = sqlite.Row
        teams = village_teams(cur)
        k = _side(cur, kept, teams, True)
        m = _side(cur, merged, teams, True)
        update: dict[str, Any] = {}
        taken = []
        for name, choice in choices.items():
            if choice != "merged" or k["values"][name] == m["values"][name]:
                continue
            taken.append(name)
            columns = _FIELD_COLUMNS.get(name, (name,))
            values = m["values"][name] if len(columns) > 1 else (m["values"][name],)
            update.update(dict(zip(columns, values, strict=True)))
        if "id_number" in update:
            # The ID number must not stay on the tombstoned household as well: a later
            # search would find the pair again.
            w.update("household", merged, {"id_number": None})
        if update:
            w.update("household", kept, update)
        moved, dropped = _move_children(w, kept, merged)
        w.delete("household", merged)
        cur.execute("DELETE FROM duplicate_dismissal WHERE household_a IN (?, ?) "
                    "OR household_b IN (?, ?)", (kept, merged, kept, merged))
        cur.execute(
            "INSERT INTO household_merge (kept_id, merged_id, kept_label, merged_label, choices, "
            "moved, merged_at, merged_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kept, merged, _with_team(k), _with_team(m),
             json.dumps({n: choices.get(n, "kept") for n in MERGE_FIELDS}, ensure_ascii=False),
             json.dumps({"moved": moved, "dropped": dropped, "fields": taken}, ensure_ascii=False),
             _now(), who))
        record = cur.lastrowid or 0
    return MergeResult(kept, merged, taken, moved, dropped, record)


def _with_team(side: Mapping[str, Any]) -> str:
    return f"{side['label']}（{side['team']}）" if side["team"] else side["label"]


def _move_children(w: Writer, kept: str, merged: str) -> tuple[dict[str, int], dict[str, int]]:
    cur = w.cursor
    moved: dict[str, int] = {}
    dropped: dict[str, int] = {}
    for table, column, same in CHILDREN:
        taken: set[tuple[Any, ...]] = set()
        if same:
            cols = ", ".join(f'"{c}"' for c in same)
            taken = {tuple(r) for r in cur.execute(
                f'SELECT {cols} FROM "{table}" WHERE "{column}" = ? AND deleted = 0', (kept,))}
            taken = {t for t in taken if all(v not in (None, "") for v in t)}
        rows = cur.execute(
            f'SELECT id{", " + ", ".join(chr(34) + c + chr(34) for c in same) if same else ""} '
            f'FROM "{table}" WHERE "{column}" = ? AND deleted = 0', (merged,)).fetchall()
        for row in rows:
            if same and tuple(row[1:]) in taken:
                w.delete(table, row[0])
                dropped[table] = dropped.get(table, 0) + 1
            else:
                w.update(table, row[0], {column: kept})
                moved[table] = moved.get(table, 0) + 1
    for (aid,) in cur.execute(
            "SELECT id FROM attachment WHERE owner_entity = 'household' AND owner_id = ? "
            "AND deleted = 0", (merged,)).fetchall():
        w.update("attachment", aid, {"owner_id": kept})
        moved["attachment"] = moved.get("attachment", 0) + 1
    return moved, dropped


def merge_history(store: Store, household_id: str) -> list[dict[str, Any]]:
    """The merges into (or of) this household, newest first, for its detail page."""
    with store.read() as cur:
        rows = [dict(r) for r in cur.execute(
            "SELECT * FROM household_merge WHERE kept_id = ? OR merged_id = ? "
            "ORDER BY merged_at DESC, id DESC", (household_id, household_id))]
    for r in rows:
        r["choices"] = json.loads(r["choices"])
        r["moved"] = json.loads(r["moved"])
    return rows
