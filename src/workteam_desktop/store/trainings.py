"""Trainings (技能培训, 培训制度化): save, list, count, delete and undo, with the household
members who took part and the certificate each obtained (人人持证).

Plain functions over a :class:`Store`, called by the 培训 page (off its thread), ``workteam
trainings`` and tests. A training and its participants are written in one transaction
through the Writer, so they sync together. Participants are members of households in the
team's villages; 参训人次 (attendees) is at least the number of participants listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain import catalogues as cat
from ..domain import idnumber
from ..domain.problems import DomainError, Problem
from . import sqlite
from .links import delete_with_links, restore_with_links
from .models import Training, TrainingParticipant
from .store import Store

MAX_HOURS = 1000.0  # a long course counts its hours in total; more is a typing slip
MAX_ATTENDEES = 100_000
TEXT_LIMIT = 64  # a certificate's name

_IN_TEAM = ("h.village_id IN (SELECT ta.area_id FROM team_area ta "
            "WHERE ta.team_id = ? AND ta.deleted = 0)")
"""Households of the team's villages (a household belongs to a team through its village)."""


@dataclass(slots=True)
class ParticipantInput:
    """A member who took part: id, or (CLI) name / ID number / its last digits."""

    member: str
    certificate: str = ""  # 取得的证书; empty: none


@dataclass(slots=True)
class TrainingInput:
    """What a cadre records for a training."""

    team_id: str
    training_date: dt.date
    title: str  # 培训主题
    trainer: str = ""  # 授课人
    place: str = ""
    hours: float = 0.0
    attendees: int | None = None  # 参训人次; None: the number of participants
    note: str = ""
    participants: list[ParticipantInput] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TrainingCounts:
    """Trainings in a period and who took part."""

    trainings: int = 0
    attendees: int = 0  # 参训人次 as recorded
    hours: float = 0.0
    participants: int = 0  # members listed (a member at two trainings counts twice)
    people: int = 0  # different members listed
    certificates: int = 0  # certificates obtained


@dataclass(frozen=True, slots=True)
class DeletedTraining:
    """What :func:`delete_training` tombstoned, so :func:`restore_training` undoes exactly that."""

    training_id: str
    participant_ids: tuple[str, ...]


def _fail(code: str, field_name: str | None = None, **params: Any) -> DomainError:
    return DomainError(Problem(code, dict(params)), field_name)


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def check_training(training: TrainingInput) -> None:
    """Refuse a training that cannot be saved (raises :class:`DomainError` naming the field)."""
    if not _clean(training.title):
        raise _fail("field.required", "title", field="培训主题")
    if not 0 <= training.hours <= MAX_HOURS:
        raise _fail("number.range", "hours", field="学时", low=0, high=f"{MAX_HOURS:,.0f}")
    listed = len({p.member for p in training.participants})
    if training.attendees is not None:
        if not 0 <= training.attendees <= MAX_ATTENDEES:
            raise _fail("number.range", "attendees", field="参训人次", low=0,
                        high=f"{MAX_ATTENDEES:,}")
        if training.attendees < listed:
            raise _fail("training.attendees_below", "attendees", attendees=training.attendees,
                        participants=listed)
    for p in training.participants:
        if len(_clean(p.certificate)) > TEXT_LIMIT:
            raise _fail("text.too_long", "participants", field="证书名称", limit=TEXT_LIMIT)


# ---------------------------------------------------------------- members of a team

def _member_label(name: str, id_number: str | None, village: str) -> str:
    masked = idnumber.mask(id_number) if id_number else "无身份证号"
    return f"{name}（{masked}，{village}）"


def find_member(cur: sqlite.Cursor, team_id: str, key: str) -> str:
    """The id of the member of the team's households named by ``key``: a member id, an ID
    number, its last digits (4 or more) or a name that only one member has."""
    key = key.strip()
    if not key:
        raise _fail("member.not_found", "participants", key=key)
    base = ("SELECT m.id, m.name, m.id_number, v.name FROM member m "
            "JOIN household h ON h.id = m.household_id JOIN area v ON v.id = h.village_id "
            f"WHERE m.deleted = 0 AND h.deleted = 0 AND {_IN_TEAM}")
    row = cur.execute(f"{base} AND m.id = ?", (team_id, key)).fetchone()
    if row is not None:
        return row[0]
    number = idnumber.normalize(key)
    if len(number) == 18 and number[:17].isdigit():
        rows = cur.execute(f"{base} AND m.id_number = ?", (team_id, number)).fetchall()
    elif 4 <= len(number) < 18 and number[:-1].isdigit() and (number[-1].isdigit()
                                                                 or number[-1] == "X"):
        rows = cur.execute(f"{base} AND m.id_number LIKE ?", (team_id, f"%{number}")).fetchall()
    else:
        rows = cur.execute(f"{base} AND m.name = ? ORDER BY v.code, h.number",
                           (team_id, key)).fetchall()
    if len(rows) == 1:
        return rows[0][0]
    if not rows:
        elsewhere = cur.execute(
            "SELECT m.name FROM member m JOIN household h ON h.id = m.household_id "
            "WHERE m.deleted = 0 AND h.deleted = 0 AND (m.id = ? OR m.id_number = ?)",
            (key, number)).fetchone()
        if elsewhere is not None:
            raise _fail("member.outside_team", "participants", name=elsewhere[0])
        raise _fail("member.not_found", "participants", key=key)
    shown = "、".join(_member_label(r[1], r[2], r[3]) for r in rows[:8])
    if len(rows) > 8:
        shown += "……"
    raise _fail("member.ambiguous", "participants", key=key, count=len(rows), choices=shown)


def member_choices(store: Store, team_id: str, text: str = "", limit: int = 20,
                   lang: str = "zh") -> list[dict[str, Any]]:
    """Members of the team's households whose name, ID number (e.g. its last 4 characters)
    or household number holds ``text``, for type-ahead: id, name, id_number_masked,
    head_name, household_number, village_name, relation_label."""
    text = text.strip()
    clauses, params = [], [team_id]
    if text:
        clauses.append("(instr(m.name, ?) > 0 OR instr(upper(coalesce(m.id_number, '')), ?) > 0 "
                       "OR instr(h.number, ?) > 0 OR instr(h.head_name, ?) > 0)")
        params += [text, text.upper(), text, text]
    where = " AND ".join(["m.deleted = 0", "h.deleted = 0", _IN_TEAM, *clauses])
    with store.read() as cur:
        rows = [dict(r) for r in cur.execute(
            "SELECT m.id, m.name, m.id_number, m.relation, h.head_name, h.number AS household_number, "
            f"v.name AS village_name FROM member m JOIN household h ON h.id = m.household_id "
            f"JOIN area v ON v.id = h.village_id WHERE {where} "
            f"ORDER BY instr(m.name, ?) <> 1, v.code, h.number, m.name LIMIT ?",
            [*params, text, limit])]
    return [_member_out(r, lang) for r in rows]


def _member_out(r: dict[str, Any], lang: str) -> dict[str, Any]:
    r["id_number_masked"] = idnumber.mask(r.pop("id_number", None))
    r["relation_label"] = cat.RELATIONS.label(r.pop("relation", None), lang)
    return r


def members_by_ids(store: Store, ids: Sequence[str], lang: str = "zh") -> list[dict[str, Any]]:
    """The members ``ids`` that still exist, in the order given (as :func:`member_choices`)."""
    if not ids:
        return []
    with store.read() as cur:
        rows = {r["id"]: dict(r) for r in cur.execute(
            "SELECT m.id, m.name, m.id_number, m.relation, h.head_name, "
            "h.number AS household_number, v.name AS village_name FROM member m "
            "JOIN household h ON h.id = m.household_id JOIN area v ON v.id = h.village_id "
            f"WHERE m.deleted = 0 AND m.id IN ({','.join('?' * len(ids))})", list(ids))}
    return [_member_out(rows[i], lang) for i in ids if i in rows]


# ---------------------------------------------------------------- saving

def save_training(store: Store, training: TrainingInput, training_id: str | None = None,
                  user: str | None = None) -> str:
    """Insert (or, with ``training_id``, update) a training and its participants; returns
    its id.

    Everything is checked before anything is written, in one transaction: an unknown or
    ambiguous participant writes nothing. On update, members no longer listed are
    tombstoned and ones listed again revived, so each member has at most one live row.
    """
    check_training(training)
    with store.write(user) as w:
        cur = w.cursor
        if cur.execute("SELECT 1 FROM team WHERE id = ? AND deleted = 0",
                       (training.team_id,)).fetchone() is None:
            raise LookupError(f"team {training.team_id} does not exist")
        certificates: dict[str, str] = {}
        for p in training.participants:
            member_id = find_member(cur, training.team_id, p.member)
            # A member listed twice: the certificate given counts once.
            certificates[member_id] = certificates.get(member_id) or _clean(p.certificate)
        attendees = training.attendees if training.attendees is not None else len(certificates)
        if attendees < len(certificates):
            raise _fail("training.attendees_below", "attendees", attendees=attendees,
                        participants=len(certificates))
        fields = {
            "team_id": training.team_id, "training_date": training.training_date,
            "title": _clean(training.title), "trainer": _clean(training.trainer),
            "place": _clean(training.place), "hours": round(float(training.hours), 1),
            "attendees": int(attendees), "note": training.note.strip(),
        }
        if training_id is None:
            [training_id] = w.insert(Training, [fields])
            links: dict[str, tuple[str, bool, str]] = {}
        else:
            if cur.execute("SELECT 1 FROM training WHERE id = ?", (training_id,)).fetchone() is None:
                raise LookupError(f"training {training_id} does not exist")
            w.update(Training, training_id, {**fields, "deleted": False})
            links = {r[1]: (r[0], bool(r[2]), r[3]) for r in cur.execute(
                # Live rows come last so they win over old tombstones of the same member.
                "SELECT id, member_id, deleted, certificate FROM training_participant "
                "WHERE training_id = ? ORDER BY deleted DESC", (training_id,))}
        for member_id, (link_id, deleted, certificate) in links.items():
            if member_id in certificates:
                change: dict[str, Any] = {}
                if deleted:
                    change["deleted"] = False
                if certificate != certificates[member_id]:
                    change["certificate"] = certificates[member_id]
                if change:
                    w.update(TrainingParticipant, link_id, change)
            elif not deleted:
                w.delete(TrainingParticipant, link_id)
        w.insert(TrainingParticipant, [
            {"training_id": training_id, "member_id": m, "certificate": c}
            for m, c in certificates.items() if m not in links])
    return training_id


def delete_training(store: Store, training_id: str, user: str | None = None) -> DeletedTraining:
    """Tombstone a training and its live participants; returns what to undo."""
    with store.write(user) as w:
        links = delete_with_links(w, Training, training_id, TrainingParticipant, "training_id")
    return DeletedTraining(training_id, links)


def restore_training(store: Store, deleted: DeletedTraining, user: str | None = None) -> None:
    """Undo :func:`delete_training`: the training and the same participants are live again."""
    with store.write(user) as w:
        restore_with_links(w, Training, deleted.training_id, TrainingParticipant,
                           deleted.participant_ids)


# ---------------------------------------------------------------- reading

def _where(team_id: str | None, date_from: dt.date | None,
           date_to: dt.date | None) -> tuple[str, list[Any]]:
    clauses, params = ["t.deleted = 0"], []
    if team_id:
        clauses.append("t.team_id = ?")
        params.append(team_id)
    if date_from:
        clauses.append("t.training_date >= ?")
        params.append(date_from.isoformat())
    if date_to:
        clauses.append("t.training_date <= ?")
        params.append(date_to.isoformat())
    return " AND ".join(clauses), params


def list_trainings(store: Store, team_id: str | None = None, date_from: dt.date | None = None,
                   date_to: dt.date | None = None, *, limit: int | None = 100,
                   offset: int = 0) -> list[dict[str, Any]]:
    """Trainings matching the filters, newest first, one page (all when ``limit`` is None):
    id, training_date, title, trainer, place, hours, attendees, note, team_id, team_name,
    participants, certificates."""
    where, params = _where(team_id, date_from, date_to)
    # Participant counts are correlated subqueries: they run for the page's rows only.
    sql = (
        "SELECT t.id, t.training_date, t.title, t.trainer, t.place, t.hours, t.attendees, "
        "t.note, t.team_id, tm.name AS team_name, "
        "(SELECT count(*) FROM training_participant p WHERE p.training_id = t.id "
        " AND p.deleted = 0) AS participants, "
        "(SELECT count(*) FROM training_participant p WHERE p.training_id = t.id "
        " AND p.deleted = 0 AND p.certificate <> '') AS certificates "
        f"FROM training t LEFT JOIN team tm ON tm.id = t.team_id WHERE {where} "
        "ORDER BY t.training_date DESC, t.id DESC")
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    with store.read() as cur:
        rows = [dict(r) for r in cur.execute(sql, params)]
    for r in rows:
        r["team_name"] = r["team_name"] or ""
    return rows


def count_trainings(store: Store, team_id: str | None = None, date_from: dt.date | None = None,
                    date_to: dt.date | None = None) -> int:
    """How many trainings match the filters (for the list's pager)."""
    where, params = _where(team_id, date_from, date_to)
    with store.read() as cur:
        return cur.execute(f"SELECT count(*) FROM training t WHERE {where}", params).fetchone()[0]


def training_counts(store: Store, team_id: str | None = None, date_from: dt.date | None = None,
                    date_to: dt.date | None = None) -> TrainingCounts:
    """Trainings, 参训人次, hours, participants listed, different people and certificates
    obtained, for a team (None: all) in a period."""
    where, params = _where(team_id, date_from, date_to)
    with store.read() as cur:
        n, attendees, hours = cur.execute(
            f"SELECT count(*), coalesce(sum(t.attendees), 0), coalesce(sum(t.hours), 0) "
            f"FROM training t WHERE {where}", params).fetchone()
        listed, people, certificates = cur.execute(
            f"SELECT count(*), count(DISTINCT p.member_id), "
            f"coalesce(sum(p.certificate <> ''), 0) FROM training_participant p "
            f"JOIN training t ON t.id = p.training_id WHERE p.deleted = 0 AND {where}",
            params).fetchone()
    return TrainingCounts(n, attendees, float(hours), listed, people, certificates)


def training_detail(store: Store, training_id: str, *, full_id: bool = False,
                    lang: str = "zh") -> dict[str, Any]:
    """One training with all its fields and its participants (by village and household):
    member_id, name, id_number_masked (and id_number with ``full_id``), head_name,
    household_number, village_name, relation_label, certificate."""
    with store.read() as cur:
        row = cur.execute(
            "SELECT t.*, tm.name AS team_name FROM training t LEFT JOIN team tm ON tm.id = t.team_id "
            "WHERE t.id = ? AND t.deleted = 0", (training_id,)).fetchone()
        if row is None:
            raise LookupError(f"training {training_id} does not exist")
        out = dict(row)
        del out["updated_hlc"], out["deleted"]
        out["team_name"] = out["team_name"] or ""
        people = []
        for r in cur.execute(
                "SELECT p.member_id, p.certificate, m.name, m.id_number, m.relation, h.head_name, "
                "h.number AS household_number, v.name AS village_name "
                "FROM training_participant p JOIN member m ON m.id = p.member_id "
                "JOIN household h ON h.id = m.household_id JOIN area v ON v.id = h.village_id "
                "WHERE p.training_id = ? AND p.deleted = 0 ORDER BY v.code, h.number, m.name",
                (training_id,)):
            person = dict(r)
            number = person.pop("id_number")
            person["id_number_masked"] = idnumber.mask(number)
            if full_id:
                person["id_number"] = number or ""
            person["relation_label"] = cat.RELATIONS.label(person.pop("relation"), lang)
            people.append(person)
    out["participants"] = people
    out["certificates"] = sum(1 for p in people if p["certificate"])
    return out
