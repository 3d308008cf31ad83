"""A county's administration: its areas, work teams and accounts.

One service for the command line (``workteam-server init | teams | users``) and the HTTP
routes the desktop's 账号与工作队 page calls: each function takes the acting account and
checks what it may do, so a supervisor manages the teams and member accounts of its own
area only, and an administrator everything. Areas and teams are written as ordinary synced
changes through :func:`workteam_server.push.push` (same checks as a laptop's push), so every
laptop in scope receives them by the normal pull.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from workteam_desktop.domain import divisions as dv
from workteam_desktop.domain.areas import (
    AreaRecord,
    area_id,
    area_records,
    full_code,
    reference_change,
)
from workteam_desktop.domain.ids import new_id

from . import directory
from . import scope as sc
from .authoring import CLI_ACTOR, make_changes
from .models import account_table, device_table
from .push import push
from .store import AccountInfo, ServerStore, StoreError, now

NAME_MAX = 64
PASSWORD_MIN = 8


class AdminError(Exception):
    """A refused administrative action: a machine code and one Chinese line."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _refuse(code: str, message: str, status: int = 400) -> AdminError:
    return AdminError(code, message, status)


def _require_admin(actor: AccountInfo) -> None:
    if actor.role != "admin":
        raise _refuse("forbidden", "只有管理员可以这样做", 403)


def _require_manager(actor: AccountInfo) -> None:
    if actor.role not in ("admin", "supervisor"):
        raise _refuse("forbidden", "只有管理员和督导可以管理账号与工作队", 403)


def _pushed(store: ServerStore, actor: AccountInfo, changes: list[dict[str, Any]]) -> tuple[int, int]:
    """Store changes through the one push path; (accepted, duplicate). Anything refused is
    a bug of this module or a scope violation: nothing is half-done, the reason is shown."""
    if not changes:
        return 0, 0
    results, _ = push(store, actor, changes)
    refused = [r for r in results if r["status"] == "rejected"]
    if refused:
        # push() stored the accepted ones of the batch already; the callers check first, so
        # a refusal here means the actor lacks the scope for part of what it asked.
        raise _refuse("refused", f"服务器拒绝了 {len(refused)} 项更改：{refused[0]['reason']}", 403)
    accepted = sum(r["status"] == "accepted" for r in results)
    return accepted, len(results) - accepted


# ---------------------------------------------------------------- areas

@dataclass(frozen=True, slots=True)
class InitResult:
    """What ``init`` did for one county."""

    county: dv.Division
    townships: int
    villages: int
    added: int  # area rows new on the server
    already: int  # area rows the server had


def county_records(county: dv.Division, divisions: dv.Divisions) -> list[AreaRecord]:
    """The area rows of a county, every township and every village, parents first."""
    townships = divisions.townships(county.code)
    return area_records(county, townships, [v for t in townships for v in divisions.villages(t.code)])


def init_county(store: ServerStore, county_code: str, *,
                divisions: dv.Divisions | None = None) -> InitResult:
    """Create a county, its townships and villages as synced area rows (administrators).

    Idempotent: the rows' changes are the same on every run (and on every laptop that sets
    the county up offline), so a second run stores only what a newer edition adds.
    """
    divisions = divisions or dv.shipped()
    county = divisions.get(county_code.strip())
    if county is None or county.level != "county":
        raise _refuse("unknown_county", f"没有行政区划代码为“{county_code.strip()}”的县（区）"
                      f"（{dv.EDITION}年统计用区划代码），请检查")
    records = county_records(county, divisions)
    changes = [_wire(reference_change(r, dv.EDITION)) for r in records]
    added, already = _pushed(store, CLI_ACTOR, changes)
    townships = sum(r.level == "township" for r in records)
    return InitResult(county, townships, len(records) - townships - 1, added, already)


def add_local_village(store: ServerStore, actor: AccountInfo, township_code: str,
                      name: str) -> AreaRecord:
    """Add a village missing from the shipped divisions under its township, with the same
    local code and row a laptop adding it by the same name gets."""
    _require_manager(actor)
    township = dv.shipped().get(township_code.strip())
    if township is None or township.level != "township":
        raise _refuse("unknown_township", f"没有代码为“{township_code.strip()}”的乡镇")
    clean = name.strip()
    if not clean:
        raise _refuse("bad_name", "请填写村名")
    with store.engine.connect() as conn:
        areas = directory.rows(conn, "area")
    if area_id(township.code) not in areas:
        raise _refuse("unknown_township",
                      f"服务器上还没有{township.short}：请先在服务器上设置其所在县（init）")
    taken = {str(f.get("code")): str(f.get("name")) for f in areas.values()
             if str(f.get("code", "")).startswith(township.code[:9])}
    village = dv.local_village(township.code, clean, taken=taken)
    if village.code in taken:  # the same village added before, perhaps spelled 于家窑 for 于家窑村
        return AreaRecord(village.code, taken[village.code], village.level, township.code, local=True)
    record = AreaRecord(village.code, village.short, village.level, township.code, local=True)
    _pushed(store, actor, [_wire(reference_change(record, dv.EDITION))])
    return record


def _wire(change: Any) -> dict[str, Any]:
    return {"id": change.id, "entity": change.entity, "row_id": change.row_id,
            "fields": change.fields, "base": change.base, "hlc": change.hlc,
            "device": change.device, "user": change.user}


# ---------------------------------------------------------------- teams

def _visible_team(actor: AccountInfo, team: directory.TeamInfo) -> bool:
    scope = actor.scope
    if scope.everything:
        return True
    codes = [c for c, _ in team.villages] or ([team.code] if team.code else [])
    return bool(codes) and all(scope.can_write(sc.normalize_code(c)) for c in codes)


def list_teams(store: ServerStore, actor: AccountInfo) -> list[directory.TeamInfo]:
    """The teams the actor manages (an administrator: all; a supervisor: its area's)."""
    _require_manager(actor)
    with store.engine.connect() as conn:
        return [t for t in directory.teams(conn) if _visible_team(actor, t)]


def _one_team(store: ServerStore, actor: AccountInfo, name: str) -> directory.TeamInfo:
    with store.engine.connect() as conn:
        found = directory.team_by_name(conn, name)
    found = [t for t in found if _visible_team(actor, t)]
    if not found:
        raise _refuse("unknown_team", f"没有名为“{name.strip()}”的工作队", 404)
    if len(found) > 1:
        raise _refuse("ambiguous_team", f"有 {len(found)} 个工作队都叫“{name.strip()}”，请先改名")
    return found[0]


def _villages(store: ServerStore, actor: AccountInfo, codes: Sequence[str]) -> list[tuple[str, dict]]:
    """(row id, fields) of the villages named by ``codes``, checked: known on the server,
    villages (not townships), inside the actor's scope."""
    if not codes:
        raise _refuse("no_villages", "请给出工作队所驻的村（12位行政区划代码）")
    with store.engine.connect() as conn:
        areas = directory.rows(conn, "area")
    out: list[tuple[str, dict]] = []
    for raw in codes:
        code = full_code(raw)
        row_id = area_id(code)
        fields = areas.get(row_id)
        if fields is None:
            raise _refuse("unknown_village",
                          f"服务器上没有代码为“{raw.strip()}”的村：请先在服务器上设置其所在县（init）")
        if fields.get("level") not in ("village", "community"):
            raise _refuse("not_a_village", f"“{raw.strip()}”（{fields.get('name')}）不是村或社区")
        if not actor.scope.can_write(sc.normalize_code(code)):
            raise _refuse("out_of_scope", f"{fields.get('name')}（{raw.strip()}）不在您的管辖范围内", 403)
        if row_id not in [r for r, _ in out]:
            out.append((row_id, fields))
    return out


def _check_name(name: str, what: str) -> str:
    clean = " ".join(name.split())
    if not clean or len(clean) > NAME_MAX:
        raise _refuse("bad_name", f"{what}不能为空，最长 {NAME_MAX} 个字符")
    return clean


def add_team(store: ServerStore, actor: AccountInfo, name: str, unit: str,
             village_codes: Sequence[str], started_on: dt.date | None = None) -> directory.TeamInfo:
    """Create a work team on some villages (administrators; supervisors within their area)."""
    _require_manager(actor)
    clean = _check_name(name, "工作队名称")
    villages = _villages(store, actor, village_codes)
    with store.engine.connect() as conn:
        if directory.team_by_name(conn, clean):
            raise _refuse("team_exists", f"工作队“{clean}”已存在", 409)
        _check_free(conn, [v for v, _ in villages], None)
    team_id = new_id()
    rows: list[tuple[str, str, dict[str, Any]]] = [
        ("team", team_id, {"name": clean, "unit": unit.strip(), "started_on": started_on})]
    rows += [("team_area", new_id(), {"team_id": team_id, "area_id": v}) for v, _ in villages]
    _pushed(store, actor, make_changes(store, actor, rows))
    return _one_team(store, actor, clean)


def _check_free(conn: sa.Connection, village_ids: list[str], team_id: str | None) -> None:
    """A village has one work team: refuse villages another team already works in."""
    taken: dict[str, str] = {}
    for link in directory.rows(conn, "team_area").values():
        if link.get("team_id") != team_id:
            taken[str(link.get("area_id"))] = str(link.get("team_id"))
    busy = [v for v in village_ids if v in taken]
    if busy:
        teams = {t.id: t.name for t in directory.teams(conn, {taken[busy[0]]})}
        area = directory.row(conn, "area", busy[0]) or {}
        raise _refuse("village_taken", f"{area.get('name', busy[0])}已由工作队“"
                      f"{teams.get(taken[busy[0]], '?')}”驻村，一个村只能有一个工作队", 409)


def set_team(store: ServerStore, actor: AccountInfo, name: str, *,
             village_codes: Sequence[str] | None = None, unit: str | None = None,
             rename: str | None = None) -> directory.TeamInfo:
    """Change a team's villages (the set given replaces the old one), unit or name."""
    _require_manager(actor)
    team = _one_team(store, actor, name)
    rows: list[tuple[str, str, dict[str, Any]]] = []
    bases: list[dict[str, str]] = []
    with store.engine.connect() as conn:
        current = directory.row(conn, "team", team.id) or {}
        clocks = directory.clocks(conn, "team", team.id)
        edit: dict[str, Any] = {}
        if unit is not None and unit.strip() != current.get("unit", ""):
            edit["unit"] = unit.strip()
        if rename is not None:
            new_name = _check_name(rename, "工作队名称")
            if new_name != team.name:
                if directory.team_by_name(conn, new_name):
                    raise _refuse("team_exists", f"工作队“{new_name}”已存在", 409)
                edit["name"] = new_name
        if edit:
            rows.append(("team", team.id, edit))
            bases.append({k: clocks[k] for k in edit if k in clocks})
        if village_codes is not None:
            wanted = _villages(store, actor, village_codes)
            _check_free(conn, [v for v, _ in wanted], team.id)
            links = {i: f for i, f in directory.rows(conn, "team_area").items()
                     if f.get("team_id") == team.id}
            have = {str(f.get("area_id")): i for i, f in links.items()}
            for village_id, _ in wanted:
                if village_id not in have:
                    rows.append(("team_area", new_id(), {"team_id": team.id, "area_id": village_id}))
                    bases.append({})
            keep = {v for v, _ in wanted}
            for village_id, link_id in have.items():
                if village_id not in keep:
                    rows.append(("team_area", link_id, {"deleted": True}))
                    bases.append({k: v for k, v in directory.clocks(conn, "team_area", link_id).items()
                                  if k == "deleted"})
    changes = make_changes(store, actor, rows)
    for change, base in zip(changes, bases, strict=True):
        change["base"] = base
    _pushed(store, actor, changes)
    return _one_team(store, actor, rename.strip() if rename else team.name)


# ---------------------------------------------------------------- accounts

def checked_password(password: str) -> str:
    """A new password, refused when too short."""
    if len(password) < PASSWORD_MIN:
        raise _refuse("weak_password", f"密码至少 {PASSWORD_MIN} 个字符")
    return password


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A laptop of an account: when it last synced and what it had left to send."""

    device: str
    first_seen: dt.datetime
    last_sync: dt.datetime
    pending: int | None


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account as the lists show it."""

    name: str
    role: str
    scopes: tuple[str, ...]
    disabled: bool
    team: str  # the team's name ("" when the account has none)
    team_id: str | None
    devices: tuple[DeviceInfo, ...] = field(default_factory=tuple)


def _manages(actor: AccountInfo, role: str, scopes: Sequence[str]) -> bool:
    """An administrator manages every account; a supervisor the members inside its area."""
    if actor.role == "admin":
        return True
    if actor.role != "supervisor" or role != "member":
        return False
    return bool(scopes) and all(actor.scope.can_write(s) for s in scopes)


def list_accounts(store: ServerStore, actor: AccountInfo) -> list[AccountView]:
    """The accounts the actor manages, each with its team and its laptops' last sync."""
    _require_manager(actor)
    a, d = account_table, device_table
    with store.engine.connect() as conn:
        team_names = {t.id: t.name for t in directory.teams(conn)}
        devices: dict[int, list[DeviceInfo]] = {}
        for r in conn.execute(sa.select(d).order_by(d.c.first_seen)):
            devices.setdefault(r.account_id, []).append(DeviceInfo(
                r.device, r.first_seen, r.last_sync_at, r.pending))
        out = []
        for r in conn.execute(sa.select(a).order_by(a.c.name)):
            scopes = tuple(s for s in r.scopes.split(",") if s)
            if not _manages(actor, r.role, scopes):
                continue
            out.append(AccountView(r.name, r.role, scopes, bool(r.disabled),
                                   team_names.get(r.team_id or "", ""), r.team_id,
                                   tuple(devices.get(r.id, []))))
    return out


def account_view(store: ServerStore, actor: AccountInfo, name: str) -> AccountView:
    _require_manager(actor)
    for view in list_accounts(store, actor):
        if view.name == name.strip():
            return view
    raise _refuse("unknown_user", f"没有用户“{name.strip()}”", 404)


def check_new_account(store: ServerStore, actor: AccountInfo, name: str, role: str, *,
                      team: str | None = None,
                      scopes: Sequence[str] = ()) -> tuple[str, str | None, list[str]]:
    """Check a new account before anything is asked or written: its clean name, its team's
    id and its scopes (a member on a team: the team's villages and its own rows)."""
    _require_manager(actor)
    if role not in sc.ROLES:
        raise _refuse("bad_role", f"角色只能是 {'、'.join(sc.ROLES)}")
    if actor.role != "admin" and role != "member":
        raise _refuse("forbidden", "督导只能添加工作队员账号", 403)
    clean = name.strip()
    if not clean or len(clean) > NAME_MAX or any(ch.isspace() or ch == "\x00" for ch in clean):
        raise _refuse("bad_name", f"用户名不能为空、不能含空格，最长 {NAME_MAX} 个字符")
    team_id = None
    scopes = list(scopes)
    if team:
        if role != "member":
            raise _refuse("bad_team", "只有工作队员账号属于工作队；督导账号请给出管辖范围")
        info = _one_team(store, actor, team)
        team_id = info.id
        scopes = directory.team_scopes(info)
        if not scopes:
            raise _refuse("no_villages", f"工作队“{info.name}”还没有驻村，请先为它设置所驻的村")
    elif role != "admin" and not scopes:
        raise _refuse("no_scope", "请给出所属的工作队，或管辖范围（县、乡镇或村的代码）")
    if not _manages(actor, role, scopes):
        raise _refuse("out_of_scope", "这个管辖范围超出了您的管辖范围", 403)
    if any(a.name == clean for a in store.accounts()):
        raise _refuse("user_exists", f"用户“{clean}”已存在", 409)
    return clean, team_id, scopes


def add_account(store: ServerStore, actor: AccountInfo, name: str, role: str, password_hash: str,
                *, team: str | None = None, scopes: Sequence[str] = ()) -> AccountView:
    """Create an account: a member on a team (its scope is the team's villages) or with an
    explicit scope; supervisors and administrators (administrators only)."""
    clean, team_id, scopes = check_new_account(store, actor, name, role, team=team, scopes=scopes)
    try:
        store.add_account(clean, role, scopes, password_hash, team_id=team_id)
    except StoreError as e:
        raise _refuse("user_exists", str(e), 409) from None
    return account_view(store, actor, clean)


def set_disabled(store: ServerStore, actor: AccountInfo, name: str, disabled: bool) -> AccountView:
    """Disable (revoking every login at once) or enable an account."""
    target = account_view(store, actor, name)
    if disabled and target.name == actor.name:
        raise _refuse("self", "不能停用自己的账号")
    with store.writing() as conn:
        conn.execute(account_table.update().where(account_table.c.name == target.name)
                     .values(disabled=disabled))
        if disabled:
            store._revoke(conn, target.name)
    return account_view(store, actor, name)


def reset_password(store: ServerStore, actor: AccountInfo, name: str, password_hash: str) -> None:
    """Set a new password; every login of the account ends (its laptops sign in again)."""
    target = account_view(store, actor, name)
    with store.writing() as conn:
        conn.execute(account_table.update().where(account_table.c.name == target.name)
                     .values(password_hash=password_hash))
        store._revoke(conn, target.name)


def set_account_team(store: ServerStore, actor: AccountInfo, name: str, team: str) -> AccountView:
    """Move a member account to another team (its scope follows)."""
    target = account_view(store, actor, name)
    if target.role != "member":
        raise _refuse("bad_team", "只有工作队员（member）账号属于工作队")
    info = _one_team(store, actor, team)
    scopes = directory.team_scopes(info)
    with store.writing() as conn:
        conn.execute(account_table.update().where(account_table.c.name == target.name)
                     .values(team_id=info.id, scopes=",".join(scopes)))
    return account_view(store, actor, name)


def record_device(store: ServerStore, account: AccountInfo, device: str, *, pending: int,
                  cursor: int) -> None:
    """Remember that a laptop of ``account`` began a sync now with ``pending`` changes to
    send (for the accounts list)."""
    if not device or account.id <= 0:
        return
    d = device_table
    values: dict[str, Any] = {"last_sync_at": now(), "pending": max(0, pending), "cursor": cursor}
    with store.writing() as conn:
        done = conn.execute(d.update().where(d.c.account_id == account.id, d.c.device == device[:100])
                            .values(**values))
        if done.rowcount == 0:
            conn.execute(d.insert().values(account_id=account.id, device=device[:100],
                                           first_seen=values["last_sync_at"], **values))
