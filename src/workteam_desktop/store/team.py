"""A work team's life: its cadres, serving and past, and rotation (驻村干部轮换).

Plain functions over a :class:`Store`, shared by ``workteam cadres`` and 设置 → 工作队. A
cadre who leaves gets ``ended_on`` and is never deleted, so the visits and assistance
records they made keep their name. Rotation — one cadre leaves and another takes over on
the same date — is one transaction.

The one rule a team's cadres keep: one first secretary at a time
(:func:`~workteam_desktop.domain.team_setup.check_one_first_secretary`). A cadre's time in
post runs from ``started_on`` (unknown: always) up to, not including, ``ended_on``
(none: still serving). For a cadre who has not left by today the check counts from today
(or a later start), because a role is recorded without its history: a member made first
secretary today was not one while the last first secretary served.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..domain import catalogues as cat
from ..domain import phone
from ..domain.fields import parse_date
from ..domain.problems import DomainError, Problem
from ..domain.team_setup import check_cadre_dates, check_one_first_secretary, clean_name
from . import sqlite, sync_state
from .models import Cadre
from .setup import TEAM_ID
from .store import Store

_ROLE_ORDER = {code: i for i, code in enumerate(cat.CADRE_ROLES.codes())}

CADRE_FIELDS: dict[str, str] = {
    "name": "name", "姓名": "name",
    "role": "role", "职务": "role",
    "phone": "phone", "电话": "phone", "联系电话": "phone",
    "unit": "unit", "单位": "unit", "派出单位": "unit",
    "started_on": "started_on", "start": "started_on", "到岗日期": "started_on",
    "ended_on": "ended_on", "end": "ended_on", "离岗日期": "ended_on",
}
"""Names ``cadres set`` takes (model names, short English, the Chinese labels)."""


# ---------------------------------------------------------------- teams

@dataclass(frozen=True, slots=True)
class TeamInfo:
    """A team as 设置 → 工作队 shows it: name, unit and villages (read-only there)."""

    id: str
    name: str
    unit: str
    started_on: dt.date | None
    villages: tuple[tuple[str, str], ...]  # (code, name), by code
    home: bool  # the team this laptop is set up for


def _fail(code: str, field_name: str | None = None, **params: Any) -> DomainError:
    return DomainError(Problem(code, dict(params)), field_name)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def list_teams(store: Store) -> list[TeamInfo]:
    """Every team here, the home's team first, then by name."""
    home = sync_state.get(store, TEAM_ID)
    with store.read() as cur:
        teams = cur.execute("SELECT id, name, unit, started_on FROM team WHERE deleted = 0 "
                            "ORDER BY name, id").fetchall()
        villages: dict[str, list[tuple[str, str]]] = {}
        for team_id, code, name in cur.execute(
                "SELECT ta.team_id, a.code, a.name FROM team_area ta "
                "JOIN area a ON a.id = ta.area_id WHERE ta.deleted = 0 AND a.deleted = 0 "
                "ORDER BY a.code"):
            villages.setdefault(team_id, []).append((code, name))
    out = [TeamInfo(r["id"], r["name"], r["unit"] or "", _date(r["started_on"]),
                    tuple(villages.get(r["id"], ())), r["id"] == home) for r in teams]
    out.sort(key=lambda t: not t.home)
    return out


def resolve_team(store: Store, key: str | None = None) -> TeamInfo:
    """The team named by ``key`` (id or name); without one, the team this laptop is set up
    for, else the only team here. Several teams and no key (a supervisor's or the demo's
    data) is an error naming them."""
    teams = list_teams(store)
    names = "、".join(t.name for t in teams)
    if key and key.strip():
        key = key.strip()
        found = [t for t in teams if key in (t.id, t.name)]
        if not found:
            raise _fail("team.not_found", key=key, teams=names or "无")
        return found[0]
    if not teams:
        raise _fail("team.not_set_up")
    if teams[0].home or len(teams) == 1:
        return teams[0]
    raise _fail("team.choose", teams=names)


def team_of_cadre(store: Store, cadre_id: str) -> TeamInfo:
    """The team a cadre belongs to."""
    with store.read() as cur:
        row = cur.execute("SELECT team_id FROM cadre WHERE id = ?", (cadre_id,)).fetchone()
    if row is None or row[0] is None:
        raise LookupError(f"cadre {cadre_id} has no team")
    return resolve_team(store, row[0])


# ---------------------------------------------------------------- cadres

@dataclass(frozen=True, slots=True)
class CadreRow:
    """A cadre of a team with their time in post."""

    id: str
    name: str
    role: str
    role_label: str
    phone: str
    unit: str
    started_on: dt.date | None
    ended_on: dt.date | None
    serving: bool  # in post today
    status_label: str  # 在岗 / 已离岗 / 将于…离岗 / 将于…到岗

    def to_json(self) -> dict[str, Any]:
        """For ``--json``: dates as ISO text."""
        out = asdict(self)
        out["started_on"] = self.started_on.isoformat() if self.started_on else None
        out["ended_on"] = self.ended_on.isoformat() if self.ended_on else None
        return out


@dataclass(slots=True)
class CadreInput:
    """A cadre as typed: 添加干部, ``cadres add``, or a successor in a rotation."""

    name: str
    role: str = ""  # CADRE_ROLES code or label; empty: a member (a successor: the leaver's)
    phone: str = ""
    unit: str = ""  # empty: the team's 派驻单位
    started_on: dt.date | None = None  # empty: today


def serving_on(started_on: dt.date | None, ended_on: dt.date | None, day: dt.date) -> bool:
    """Whether a cadre is in post on ``day``."""
    return (started_on is None or started_on <= day) and (ended_on is None or ended_on > day)


def _status(started_on: dt.date | None, ended_on: dt.date | None, today: dt.date,
            lang: str) -> str:
    en = lang.startswith("en")
    if started_on is not None and started_on > today:
        return f"Arrives {started_on}" if en else f"将于{started_on}到岗"
    if ended_on is None:
        return "Serving" if en else "在岗"
    if ended_on > today:
        return f"Leaves {ended_on}" if en else f"将于{ended_on}离岗"
    return "Left" if en else "已离岗"


def _cadre_row(r: Mapping[str, Any], today: dt.date, lang: str) -> CadreRow:
    start, end = _date(r["started_on"]), _date(r["ended_on"])
    return CadreRow(r["id"], r["name"], r["role"], cat.CADRE_ROLES.label(r["role"], lang),
                    r["phone"] or "", r["unit"] or "", start, end, serving_on(start, end, today),
                    _status(start, end, today, lang))


def list_cadres(store: Store, team_id: str, *, include_past: bool = True,
                today: dt.date | None = None, lang: str = "zh") -> list[CadreRow]:
    """A team's cadres: those in post first (first secretary, leader, members, by name),
    then those to come, then those who left (latest first)."""
    today = today or dt.date.today()
    with store.read() as cur:
        rows = [_cadre_row(r, today, lang) for r in cur.execute(
            "SELECT id, name, role, phone, unit, started_on, ended_on FROM cadre "
            "WHERE team_id = ? AND deleted = 0", (team_id,))]
    if not include_past:
        rows = [r for r in rows if r.ended_on is None or r.ended_on > today]

    def order(r: CadreRow) -> tuple[Any, ...]:
        group = 0 if r.serving else (1 if r.ended_on is None or r.ended_on > today else 2)
        left = -(r.ended_on.toordinal() if r.ended_on else 0)
        return (group, left if group == 2 else 0, _ROLE_ORDER.get(r.role, 9), r.name)

    return sorted(rows, key=order)


def _find_cadre(cur: sqlite.Cursor, team_id: str, key: str) -> dict[str, Any]:
    """The team's cadre whose id or name is ``key``: one in post before one who left, the
    latest to leave among those."""
    key = key.strip()
    found = cur.execute(
        "SELECT id, name, role, phone, unit, started_on, ended_on FROM cadre "
        "WHERE team_id = ? AND deleted = 0 AND (id = ? OR name = ?) "
        "ORDER BY id = ? DESC, ended_on IS NULL DESC, ended_on DESC LIMIT 1",
        (team_id, key, key, key))
    row = found.fetchone()
    if row is None:
        raise _fail("cadre.not_found", key=key)
    return dict(zip([d[0] for d in found.description], row, strict=True))


def find_cadre(store: Store, team_id: str, key: str, *, today: dt.date | None = None,
               lang: str = "zh") -> CadreRow:
    """The team's cadre named by id or name (see :func:`list_cadres` for the fields)."""
    with store.read() as cur:
        return _cadre_row(_find_cadre(cur, team_id, key), today or dt.date.today(), lang)


def _role(text: str) -> str:
    code = cat.CADRE_ROLES.code_for(text or "member")
    if code is None:
        raise _fail("choice.invalid", "role", value=text.strip(), field="职务",
                    choices="、".join(e.zh for e in cat.CADRE_ROLES))
    return code


def _phone(text: str) -> str:
    problem = phone.problem(text or "")
    if problem is not None:
        raise DomainError(problem, "phone")
    return phone.normalize(text or "")


def _name(text: str) -> str:
    try:
        return clean_name(text, "cadre")
    except DomainError as exc:
        raise DomainError(exc.problem, "name") from None


def _window(start: dt.date | None, end: dt.date | None,
            today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The dates a first secretary's post is checked over (None: unbounded)."""
    if end is not None and end <= today:  # left already: their own time in post
        return (start if start is not None else end), end
    return (max(start, today) if start is not None else today), end


def _overlap(a: tuple[dt.date | None, dt.date | None],
             b: tuple[dt.date | None, dt.date | None]) -> bool:
    (a0, a1), (b0, b1) = a, b
    if a0 is not None and a1 is not None and a0 >= a1:
        return False  # an empty window
    return ((a0 is None or b1 is None or a0 < b1)
            and (b0 is None or a1 is None or b0 < a1))


def check_first_secretary(cur: sqlite.Cursor, team_id: str, role: str,
                          started_on: dt.date | None, ended_on: dt.date | None, *,
                          cadre_id: str | None = None, today: dt.date | None = None) -> None:
    """Refuse a first secretary whose time in post meets another's in the team; the error
    names the first secretary in post."""
    if role != "first_secretary":
        return
    today = today or dt.date.today()
    window = _window(started_on, ended_on, today)
    others = [r for r in cur.execute(
        "SELECT id, name, role, started_on, ended_on FROM cadre WHERE team_id = ? "
        "AND deleted = 0 AND role = 'first_secretary' AND id IS NOT ?", (team_id, cadre_id))
        if _overlap(window, (_date(r[3]), _date(r[4])))]
    try:
        check_one_first_secretary([role, *(r[2] for r in others)])
    except DomainError:
        raise _fail("team.first_secretary_taken", "role", name=others[0][1]) from None


def _check_name_free(cur: sqlite.Cursor, team_id: str, name: str, today: dt.date,
                     cadre_id: str | None = None) -> None:
    for (end,) in cur.execute(
            "SELECT ended_on FROM cadre WHERE team_id = ? AND deleted = 0 "
            "AND name = ? AND id IS NOT ?", (team_id, name, cadre_id)):
        end = _date(end)
        if end is None or end > today:
            raise _fail("cadre.exists", "name", name=name)


def insert_cadre(w: Any, team_id: str, cadre: CadreInput, today: dt.date) -> str:
    """Add a cadre inside a write transaction, by the team's rules (name, role, phone, one
    first secretary); its id."""
    cur = w.cursor
    name = _name(cadre.name)
    role = _role(cadre.role)
    number = _phone(cadre.phone)
    started_on = cadre.started_on or today
    _check_name_free(cur, team_id, name, today)
    check_first_secretary(cur, team_id, role, started_on, None, today=today)
    unit = " ".join(cadre.unit.split())
    if not unit:
        row = cur.execute("SELECT unit FROM team WHERE id = ?", (team_id,)).fetchone()
        unit = row[0] if row and row[0] else ""
    [cadre_id] = w.insert(Cadre, [{"name": name, "role": role, "team_id": team_id,
                                   "phone": number, "unit": unit, "started_on": started_on}])
    return cadre_id


def add_cadre(store: Store, team_id: str, cadre: CadreInput, *, user: str | None = None,
              today: dt.date | None = None) -> str:
    """Add a cadre to the team (starting today unless a date is given); returns the id.
    Checked before anything is written: name, role, phone, one first secretary."""
    today = today or dt.date.today()
    with store.write(user) as w:
        return insert_cadre(w, team_id, cadre, today)


def parse_cadre_fields(assignments: Mapping[str, str]) -> dict[str, Any]:
    """``field=value`` texts (CLI ``cadres set``) as values to store; every one checked."""
    out: dict[str, Any] = {}
    for raw, text in assignments.items():
        name = CADRE_FIELDS.get(raw.strip()) or CADRE_FIELDS.get(raw.strip().lower())
        if name is None:
            raise _fail("field.unknown", raw, field=raw)
        if name == "name":
            out[name] = _name(text)
        elif name == "role":
            out[name] = _role(text)
        elif name == "phone":
            out[name] = _phone(text)
        elif name == "unit":
            out[name] = " ".join(text.split())
        else:
            out[name] = parse_date(text, name) if text.strip() else None
    return out


def update_cadre(store: Store, team_id: str, key: str, fields: Mapping[str, Any], *,
                 user: str | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Change a cadre's fields (as :func:`parse_cadre_fields` gives them); returns what
    changed. Dates and the one-first-secretary rule are checked on the result."""
    today = today or dt.date.today()
    with store.write(user) as w:
        cur = w.cursor
        row = _find_cadre(cur, team_id, key)
        merged = {"name": row["name"], "role": row["role"], "started_on": _date(row["started_on"]),
                  "ended_on": _date(row["ended_on"]), **fields}
        if "name" in fields and fields["name"] != row["name"]:
            _check_name_free(cur, team_id, merged["name"], today, row["id"])
        try:
            check_cadre_dates(merged["started_on"], merged["ended_on"])
        except DomainError as exc:
            raise DomainError(exc.problem, "ended_on" if "ended_on" in fields else "started_on") \
                from None
        if {"role", "started_on", "ended_on"} & set(fields):
            check_first_secretary(cur, team_id, merged["role"], merged["started_on"],
                                  merged["ended_on"], cadre_id=row["id"], today=today)
        changed = {k: v for k, v in fields.items()
                   if (_date(row[k]) if k in ("started_on", "ended_on") else row[k]) != v}
        if changed:
            w.update(Cadre, row["id"], changed)
    return changed


@dataclass(frozen=True, slots=True)
class Rotation:
    """What :func:`end_cadre` wrote."""

    cadre_id: str
    name: str
    ended_on: dt.date
    successor_id: str | None = None
    successor_name: str | None = None
    successor_role: str | None = None


def end_cadre(store: Store, team_id: str, key: str, ended_on: dt.date,
              successor: CadreInput | None = None, *, user: str | None = None,
              today: dt.date | None = None) -> Rotation:
    """A cadre leaves on ``ended_on`` (离岗); with ``successor``, another takes over the
    same day (驻村干部轮换: the successor's role defaults to the leaver's). One
    transaction: a refused successor leaves the cadre in post."""
    today = today or dt.date.today()
    with store.write(user) as w:
        cur = w.cursor
        row = _find_cadre(cur, team_id, key)
        if row["ended_on"] is not None:
            raise _fail("cadre.already_ended", "ended_on", name=row["name"],
                        date=_date(row["ended_on"]).isoformat())
        try:
            check_cadre_dates(_date(row["started_on"]), ended_on)
        except DomainError as exc:
            raise DomainError(exc.problem, "ended_on") from None
        w.update(Cadre, row["id"], {"ended_on": ended_on})
        if successor is None:
            return Rotation(row["id"], row["name"], ended_on)
        if " ".join(successor.name.split()) == row["name"]:
            raise _fail("cadre.successor_self", "successor")
        plan = CadreInput(successor.name, successor.role or row["role"], successor.phone,
                          successor.unit or row["unit"], ended_on)
        try:
            new_id = insert_cadre(w, team_id, plan, today)
        except DomainError as exc:
            # Point the form at the successor's fields, not the leaver's.
            raise DomainError(exc.problem, f"successor_{exc.field_name or 'name'}") from None
        return Rotation(row["id"], row["name"], ended_on, new_id,
                        " ".join(successor.name.split()), _role(plan.role))


def serving_first_secretary(store: Store, team_id: str, today: dt.date | None = None) -> str | None:
    """The name of the team's first secretary in post today (None: none)."""
    for row in list_cadres(store, team_id, include_past=False, today=today):
        if row.serving and row.role == "first_secretary":
            return row.name
    return None


# ---------------------------------------------------------------- handover (交接清单)

@dataclass(slots=True)
class Handover:
    """What an outgoing cadre hands over (交接清单): the team's households and its open work
    on the handover date. Lists hold plain dicts ready to lay out."""

    team: TeamInfo
    cadre: CadreRow
    successor: CadreRow | None
    on: dt.date
    villages: list[dict[str, Any]]  # code, name, households, people, monitored, relocated
    households: list[dict[str, Any]]
    urgent_needs: list[dict[str, Any]]
    assistance: list[dict[str, Any]]
    deliveries: list[dict[str, Any]]
    rights: list[dict[str, Any]]  # one per item left 悬空, with its household


def _handover_successor(store: Store, team_id: str, cadre: CadreRow, on: dt.date,
                        key: str | None, lang: str) -> CadreRow | None:
    if key:
        return find_cadre(store, team_id, key, lang=lang)
    # A recorded rotation: whoever arrived the day the cadre left, the same role first.
    arrived = [r for r in list_cadres(store, team_id, today=on, lang=lang)
               if r.id != cadre.id and r.started_on == (cadre.ended_on or on)]
    arrived.sort(key=lambda r: r.role != cadre.role)
    return arrived[0] if arrived else None


def handover(store: Store, cadre_key: str, *, on: dt.date | None = None,
             successor: str | None = None, team_key: str | None = None,
             full_id: bool = False, lang: str = "zh") -> Handover:
    """The handover of the cadre named ``cadre_key`` (a name or id; in the home's team, or
    the team named, or whichever team has a cadre of that name) on ``on`` (default: the
    day they left, else today).

    Open work is what is open on that day: urgent needs raised by then and not resolved
    by then; assistance measures not completed (planned ones included, whatever their
    date); ten-deliveries actions dated after the handover, or up to it without an
    outcome recorded; rights of relocated households missing from the ledger, with no one
    in charge, with a problem, or in the charge of the cadre who leaves.
    """
    from ..domain import idnumber
    from .household_detail import rights_ledger

    team = _team_for_cadre(store, cadre_key, team_key)
    cadre = find_cadre(store, team.id, cadre_key, lang=lang)
    on = on or cadre.ended_on or dt.date.today()
    # The cadre as they stood on the handover day (the status words only).
    cadre = find_cadre(store, team.id, cadre.id, today=on, lang=lang)
    successor_row = _handover_successor(store, team.id, cadre, on, successor, lang)
    day = on.isoformat()
    in_team = ("h.village_id IN (SELECT ta.area_id FROM team_area ta "
               "WHERE ta.team_id = ? AND ta.deleted = 0)")
    with store.read() as cur:
        villages = [dict(r) for r in cur.execute(
            "SELECT v.code, v.name, count(h.id) AS households, "
            "coalesce(sum(f.member_count), 0) AS people, "
            "coalesce(sum(h.monitoring_status = 'monitored'), 0) AS monitored, "
            "coalesce(sum(h.relocated), 0) AS relocated FROM area v "
            "JOIN team_area ta ON ta.area_id = v.id AND ta.deleted = 0 AND ta.team_id = ? "
            "LEFT JOIN household h ON h.village_id = v.id AND h.deleted = 0 "
            "LEFT JOIN household_facts f ON f.household_id = h.id "
            "GROUP BY v.id ORDER BY v.code", (team.id,))]
        households = []
        for r in cur.execute(
                f"SELECT h.id, h.number, h.head_name, h.id_number, h.type, h.monitoring_status, "
                f"h.risk_kind, h.relocated, v.name AS village_name FROM household h "
                f"JOIN area v ON v.id = h.village_id WHERE h.deleted = 0 AND {in_team} "
                f"ORDER BY v.code, h.number", (team.id,)):
            row = dict(r)
            number = row.pop("id_number")
            row["id_number_masked"] = idnumber.mask(number)
            if full_id:
                row["id_number"] = number or ""
            row["type_label"] = cat.HOUSEHOLD_TYPES.label(row["type"], lang)
            row["monitoring_label"] = cat.MONITORING_STATUSES.label(row["monitoring_status"], lang)
            row["risk_label"] = cat.RISK_KINDS.label(row["risk_kind"], lang)
            households.append(row)
        needs = [dict(r) for r in cur.execute(
            f"SELECT u.category, u.text, u.raised_on, u.due_date, u.status, u.resolved_on, "
            f"h.number, h.head_name, v.name AS village_name FROM urgent_need u "
            f"JOIN household h ON h.id = u.household_id JOIN area v ON v.id = h.village_id "
            f"WHERE u.deleted = 0 AND h.deleted = 0 AND {in_team} AND u.raised_on <= ? "
            f"AND NOT (u.status = 'resolved' AND coalesce(u.resolved_on, u.raised_on) <= ?) "
            f"ORDER BY u.raised_on, h.number", (team.id, day, day))]
        for n in needs:
            n["category_label"] = cat.URGENT_NEED_CATEGORIES.label(n["category"], lang)
            n["status_label"] = cat.URGENT_NEED_STATUSES.label(n["status"], lang)
            n["days_open"] = (on - dt.date.fromisoformat(n["raised_on"])).days
        assistance = [dict(r) for r in cur.execute(
            f"SELECT r.measure_kind, r.content, r.amount, r.record_date, r.status, r.cadre_id, "
            f"c.name AS cadre_name, h.number, h.head_name, v.name AS village_name "
            f"FROM assistance_record r JOIN household h ON h.id = r.household_id "
            f"JOIN area v ON v.id = h.village_id LEFT JOIN cadre c ON c.id = r.cadre_id "
            f"WHERE r.deleted = 0 AND h.deleted = 0 AND {in_team} AND r.status <> 'done' "
            f"ORDER BY r.record_date, h.number", (team.id,))]
        for a in assistance:
            a["measure_label"] = cat.MEASURE_KINDS.label(a["measure_kind"], lang)
            a["status_label"] = cat.ASSISTANCE_STATUSES.label(a["status"], lang)
            a["cadre_name"] = a["cadre_name"] or ""
            a["leaver"] = a["cadre_id"] == cadre.id
        deliveries = [dict(r) for r in cur.execute(
            "SELECT a.category, a.action_date, a.title, a.place, a.outcome, "
            "v.name AS village_name FROM delivery_action a LEFT JOIN area v ON v.id = a.village_id "
            "WHERE a.deleted = 0 AND (a.team_id = ? OR a.village_id IN (SELECT ta.area_id "
            "FROM team_area ta WHERE ta.team_id = ? AND ta.deleted = 0)) "
            "AND (a.action_date > ? OR trim(a.outcome) = '') ORDER BY a.action_date",
            (team.id, team.id, day))]
        for d in deliveries:
            d["category_label"] = cat.DELIVERY_CATEGORIES.label(d["category"], lang)
            d["planned"] = d["action_date"] > day
        rights = []
        relocated = cur.execute(
            f"SELECT h.id, h.number, h.head_name, v.name AS village_name FROM household h "
            f"JOIN area v ON v.id = h.village_id WHERE h.deleted = 0 AND h.relocated = 1 "
            f"AND {in_team} ORDER BY v.code, h.number", (team.id,)).fetchall()
        for h in relocated:
            for item in rights_ledger(cur, h["id"]):
                issues = []
                if item["missing"]:
                    issues.append("missing")
                elif not item["responsible"]:
                    issues.append("unassigned")
                elif item["responsible"] == cadre.name:
                    issues.append("leaver")
                if item["status"] == "problem":
                    issues.append("problem")
                if issues:
                    rights.append({**item, "household_number": h["number"],
                                   "head_name": h["head_name"], "village_name": h["village_name"],
                                   "side_label": cat.RIGHT_SIDES.label(item["side"], lang),
                                   "issues": issues})
    return Handover(team, cadre, successor_row, on, villages, households, needs, assistance,
                    deliveries, rights)


def _team_for_cadre(store: Store, cadre_key: str, team_key: str | None) -> TeamInfo:
    if team_key:
        return resolve_team(store, team_key)
    teams = list_teams(store)
    with store.read() as cur:
        holding = {r[0] for r in cur.execute(
            "SELECT team_id FROM cadre WHERE deleted = 0 AND (id = ? OR name = ?)",
            (cadre_key.strip(), cadre_key.strip()))}
    found = [t for t in teams if t.id in holding]
    if not found:
        raise _fail("cadre.not_found", "cadre", key=cadre_key.strip())
    # The home's team first (list_teams puts it first); else the only team with that name.
    if len(found) == 1 or found[0].home:
        return found[0]
    raise _fail("team.choose", "cadre", teams="、".join(t.name for t in found))
