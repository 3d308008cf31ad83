"""Forms (信息采集) in the store: pre-fill a form from a household's rows, submit it, drafts.

:func:`submit` checks the answers again (whatever the GUI showed), then in ONE write
transaction records the submission (form id, version, answers) and applies every mapped
answer (``"maps_to"``) to the household, its members, the year's income and its
industries, and sets ``form_updated_on`` to today so the 逾期未更新 flag clears. A wrong
answer raises :class:`~workteam_desktop.domain.forms.FormInvalid` before anything is
written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain import rules
from ..domain.forms import ITEM_ID, FieldDef, FormDef, GroupDef, clean
from . import drafts, sqlite
from .households import find_household_id
from .models import FormSubmission, Household, HouseholdIndustry, Income, Member
from .store import Store

DRAFT_KIND = "form"
_MODELS = {"household": Household, "member": Member, "income": Income,
           "household_industry": HouseholdIndustry}
# Columns the form may not set: the row's identity, sync bookkeeping, the update stamp.
_RESERVED = {"id", "updated_hlc", "deleted", "household_id", "village_id", "grid_id",
             "form_updated_on"}
# What an unanswered (or hidden: not applicable) question stores, by answer type.
_EMPTY: dict[str, Any] = {"text": "", "textarea": "", "phone": "", "money": 0.0, "bool": False,
                          "multichoice": []}


@dataclass(slots=True)
class SubmitResult:
    """What a submission wrote."""

    submission_id: str
    household_id: str
    form_id: str
    form_version: int
    members_added: int = 0
    members_updated: int = 0
    members_removed: int = 0
    data: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- mappings


def _mapped(fields: tuple[FieldDef, ...] | Iterator[FieldDef], entity: str
            ) -> list[tuple[FieldDef, str]]:
    out = []
    for f in fields:
        if f.maps_to and f.maps_to.split(".")[0] == entity:
            out.append((f, f.maps_to.split(".")[1]))
    return out


def _member_group(form: FormDef) -> GroupDef | None:
    return next((g for g in form.groups() if g.maps_to == "member"), None)


def mapping_problems(form: FormDef) -> list[str]:
    """``maps_to`` targets that are not columns the form may write (empty when all fit)."""
    problems = []
    targets = [f.maps_to for f in form.fields() if f.maps_to]
    for group in form.groups():
        targets += [f.maps_to for f in group.fields if f.maps_to]
    for target in targets:
        entity, column = target.split(".")
        model = _MODELS[entity]
        if column not in model.model_fields or column in _RESERVED:
            problems.append(f"{form.id} v{form.version}：{target} 不是可以填写的列")
    return problems


def _column_value(f: FieldDef, value: Any) -> Any:
    """An answer as its column stores it; an unanswered or hidden one as the empty value."""
    if value is None or value == "" or value == []:
        return _EMPTY.get(f.type)
    if f.type == "date":
        return dt.date.fromisoformat(value)
    if f.type == "money":
        return float(value)
    return value


def _answer_value(f: FieldDef, value: Any) -> Any:
    """A stored column value as an answer (JSON)."""
    if value is None:
        return [] if f.type == "multichoice" else None
    if f.type == "bool":
        return bool(value)
    if f.type == "money":
        return float(value)
    if f.type == "date":
        return value if isinstance(value, str) else value.isoformat()
    return value


# ---------------------------------------------------------------- prefill


def _prefill(cur: sqlite.Cursor, form: FormDef, hid: str, today: dt.date) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    household = dict(cur.execute("SELECT * FROM household WHERE id = ?", (hid,)).fetchone())
    for f, column in _mapped(form.fields(), "household"):
        answers[f.name] = _answer_value(f, household[column])

    income_fields = _mapped(form.fields(), "income")
    if income_fields:
        row = cur.execute("SELECT * FROM income WHERE household_id = ? AND deleted = 0 "
                          "ORDER BY year DESC, id LIMIT 1", (hid,)).fetchone()
        for f, column in income_fields:
            if row is not None:
                answers[f.name] = _answer_value(f, row[column])
            elif column == "year":
                answers[f.name] = today.year - 1  # 上年度: the year a form usually collects
            else:
                answers[f.name] = None

    for f, _column in _mapped(form.fields(), "household_industry"):
        chosen = {r[0] for r in cur.execute(
            "SELECT industry FROM household_industry WHERE household_id = ? AND deleted = 0",
            (hid,))}
        order = [c.value for c in f.choices]
        answers[f.name] = sorted(chosen, key=lambda c: (order.index(c) if c in order
                                                        else len(order), c))

    group = _member_group(form)
    if group is not None:
        items = []
        for row in cur.execute(
                "SELECT * FROM member WHERE household_id = ? AND deleted = 0 "
                "ORDER BY relation = 'head' DESC, birth_date IS NULL, birth_date, id", (hid,)):
            item: dict[str, Any] = {ITEM_ID: row["id"]}
            for f, column in _mapped(group.fields, "member"):
                item[f.name] = _answer_value(f, row[column])
            items.append(item)
        answers[group.name] = items
    return answers


def prefill(store: Store, form: FormDef, household_key: str, *,
            today: dt.date | None = None) -> dict[str, Any]:
    """Answers for ``form`` from the household's current rows (id or household number).

    Members carry their row id (``_id``), so submitting updates them in place.
    """
    with store.read() as cur:
        hid = find_household_id(cur, household_key)
        return _prefill(cur, form, hid, today or dt.date.today())


# ---------------------------------------------------------------- submit


def _apply_members(w: Any, group: GroupDef, hid: str, items: list[dict[str, Any]],
                   result: SubmitResult) -> None:
    """Update matched members (by row id, else ID number), add new ones, remove the rest."""
    cur = w.cursor
    existing: dict[str, str | None] = {
        r[0]: r[1] for r in cur.execute(
            "SELECT id, id_number FROM member WHERE household_id = ? AND deleted = 0", (hid,))}
    by_id_number = {num: rid for rid, num in existing.items() if num}
    mapped = _mapped(group.fields, "member")
    matched: set[str] = set()
    for item in items:
        values = {column: _column_value(f, item.get(f.name)) for f, column in mapped}
        target = item.get(ITEM_ID)
        if target not in existing or target in matched:
            target = by_id_number.get(values.get("id_number") or "")
            if target in matched:
                target = None
        if target is not None:
            if w.update(Member, target, values):
                result.members_updated += 1
        else:
            target = w.insert(Member, [{"household_id": hid, **values}])[0]
            result.members_added += 1
        matched.add(target)
        item[ITEM_ID] = target  # the submission records which member row each item is
    for rid in existing.keys() - matched:
        w.delete(Member, rid)
        result.members_removed += 1


def _apply_income(w: Any, form: FormDef, hid: str, data: Mapping[str, Any]) -> None:
    fields = _mapped(form.fields(), "income")
    if not fields:
        return
    values = {column: _column_value(f, data.get(f.name)) for f, column in fields}
    row = w.cursor.execute("SELECT id FROM income WHERE household_id = ? AND year = ? "
                           "AND deleted = 0 ORDER BY id LIMIT 1",
                           (hid, values["year"])).fetchone()
    if row is None:
        w.insert(Income, [{"household_id": hid, **values}])
    else:
        w.update(Income, row[0], values)


def _apply_industries(w: Any, form: FormDef, hid: str, data: Mapping[str, Any]) -> None:
    for f, _column in _mapped(form.fields(), "household_industry"):
        chosen = set(data.get(f.name) or [])
        have: dict[str, list[str]] = {}
        for rid, industry in w.cursor.execute(
                "SELECT id, industry FROM household_industry WHERE household_id = ? "
                "AND deleted = 0 ORDER BY id", (hid,)):
            have.setdefault(industry, []).append(rid)
        for industry, ids in have.items():
            if industry not in chosen:
                for rid in ids:
                    w.delete(HouseholdIndustry, rid)
        new = [c.value for c in f.choices if c.value in chosen and c.value not in have]
        w.insert(HouseholdIndustry, [{"household_id": hid, "industry": i} for i in new])


def submit(store: Store, form: FormDef, household_key: str, answers: Mapping[str, Any],
           cadre_id: str | None = None, *, today: dt.date | None = None,
           user: str | None = None, lang: str = "zh") -> SubmitResult:
    """Check ``answers`` and, in one transaction, record the submission and update the
    household's rows from the mapped answers; ``form_updated_on`` becomes ``today``.

    Raises :class:`~workteam_desktop.domain.forms.FormInvalid` (nothing written) when an
    answer is wrong, :class:`~workteam_desktop.domain.problems.DomainError` for an
    unknown household.
    """
    today = today or dt.date.today()
    problems = mapping_problems(form)
    if problems:
        raise ValueError("；".join(problems))
    data = clean(form, answers, today=today, lang=lang)
    with store.write(user) as w:
        hid = find_household_id(w.cursor, household_key)
        result = SubmitResult("", hid, form.id, form.version)
        household = {column: _column_value(f, data.get(f.name))
                     for f, column in _mapped(form.fields(), "household")}
        household["form_updated_on"] = today
        w.update(Household, hid, household)
        group = _member_group(form)
        if group is not None:
            _apply_members(w, group, hid, data.get(group.name, []), result)
        _apply_income(w, form, hid, data)
        _apply_industries(w, form, hid, data)
        result.data = data
        result.submission_id = w.insert(FormSubmission, [{
            "form_id": form.id, "form_version": form.version, "household_id": hid,
            "submitted_at": dt.datetime.now(dt.UTC), "cadre_id": cadre_id,
            "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
        }])[0]
    return result


def submissions(store: Store, household_key: str, form_id: str | None = None
                ) -> list[dict[str, Any]]:
    """A household's submissions, newest first: id, form, version, time (UTC), answers."""
    with store.read() as cur:
        hid = find_household_id(cur, household_key)
        sql = ("SELECT id, form_id, form_version, submitted_at, cadre_id, data "
               "FROM form_submission WHERE household_id = ? AND deleted = 0")
        params: list[Any] = [hid]
        if form_id:
            sql += " AND form_id = ?"
            params.append(form_id)
        rows = cur.execute(sql + " ORDER BY submitted_at DESC, id DESC", params).fetchall()
    return [{"id": r["id"], "form_id": r["form_id"], "form_version": r["form_version"],
             "submitted_at": r["submitted_at"], "cadre_id": r["cadre_id"],
             "data": json.loads(r["data"])} for r in rows]


# ---------------------------------------------------------------- drafts


def draft_key(form_id: str, household_id: str) -> str:
    """The draft key of a form being filled in for a household."""
    return f"form:{form_id}:{household_id}"


def save_form_draft(store: Store, form: FormDef, household_id: str,
                    answers: Mapping[str, Any]) -> None:
    """Autosave the answers typed so far (local, never synced)."""
    drafts.save_draft(store, draft_key(form.id, household_id), DRAFT_KIND, {
        "form_id": form.id, "form_version": form.version, "household_id": household_id,
        "answers": dict(answers),
        "saved_at": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
    })


def load_form_draft(store: Store, form_id: str, household_id: str) -> dict[str, Any] | None:
    """The draft of ``form_id`` for the household, or None."""
    return drafts.load_draft(store, draft_key(form_id, household_id))


def delete_form_draft(store: Store, form_id: str, household_id: str) -> None:
    """Forget the draft (after submitting, or when the user throws it away)."""
    drafts.delete_draft(store, draft_key(form_id, household_id))


# ---------------------------------------------------------------- what the page opens with


@dataclass(slots=True)
class FormOpening:
    """Everything the 信息采集 page shows when it opens a household's form."""

    household: dict[str, Any]  # id, number, head_name, village_name, form_updated_on, overdue
    answers: dict[str, Any]  # pre-filled from the store
    draft: dict[str, Any] | None = None  # an unsubmitted draft, if any
    last_submitted: str | None = None  # local time of the last submission of this form


def _first_household_id(cur: sqlite.Cursor) -> str | None:
    row = cur.execute(
        "SELECT id FROM household WHERE deleted = 0 ORDER BY number, id LIMIT 1").fetchone()
    return row[0] if row else None


def open_form(store: Store, form: FormDef, household_key: str | None, *,
              today: dt.date | None = None,
              period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> FormOpening | None:
    """The household (id or number; None: the first by number), its pre-filled answers,
    its draft and last submission. None when the store has no household at all."""
    today = today or dt.date.today()
    with store.read() as cur:
        hid = find_household_id(cur, household_key) if household_key else _first_household_id(cur)
        if hid is None:
            return None
        row = cur.execute(
            "SELECT h.id, h.number, h.head_name, h.form_updated_on, v.name AS village_name "
            "FROM household h JOIN area v ON v.id = h.village_id WHERE h.id = ?",
            (hid,)).fetchone()
        household = dict(row)
        updated = household["form_updated_on"]
        household["overdue"] = rules.is_form_overdue(
            dt.date.fromisoformat(updated) if updated else None, today, period_days)
        answers = _prefill(cur, form, hid, today)
        last = cur.execute(
            "SELECT submitted_at FROM form_submission WHERE household_id = ? AND form_id = ? "
            "AND deleted = 0 ORDER BY submitted_at DESC LIMIT 1", (hid, form.id)).fetchone()
    draft = load_form_draft(store, form.id, hid)
    last_text = None
    if last is not None:
        stamp = dt.datetime.fromisoformat(last[0])
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.UTC)  # stored in UTC without an offset
        last_text = stamp.astimezone().strftime("%Y-%m-%d %H:%M")
    return FormOpening(household, answers, draft, last_text)
