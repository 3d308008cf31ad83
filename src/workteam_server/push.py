"""Push: a batch of changes checked, placed in their area, and stored in one transaction.

Every change gets exactly one result, in the order sent: ``accepted``, ``duplicate`` (the
server has that change id already) or ``rejected`` with a code and a Chinese reason. A
change is checked against the declarations of domain/entities.py (the same check a laptop
runs on what it receives), its clock against the server's, its references against the
rows the pusher may read; what is stored is exactly what every laptop can apply.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from typing import Any

import orjson

from workteam_desktop.domain import entities as E

from . import audit, directory, rehome
from . import scope as sc
from .auth import device_refusal
from .limits import MAX_DEPTH, too_deep
from .store import AccountInfo, ServerStore

MAX_BATCH = 20000  # changes in one push (a bulk push: a county's roster; docs/sync-protocol.md)
DEFAULT_SKEW_MS = 10 * 60_000
_SHA256_CHARS = frozenset("0123456789abcdef")

REASONS = {
    "out_of_scope": "记录所在地区（{code}）不在您的管辖范围内",
    "read_only": "您的角色（{role}）不能修改此类记录（{entity}）",
    "unknown_entity": "服务器不认识此类记录（{entity}）",
    "bad_change": "变更格式不正确：{what}",
    "unknown_parent": "找不到记录所属的村（上级记录不在服务器上，也不在本批之前）",
    "parent_refused": "所引用的记录（{field}）在本批中被拒收，此记录也不能接收",
    "parent_unknown": "所引用的记录（{field}）不在服务器上，请先同步它",
    "parent_out_of_scope": "所引用的记录（{field}）不在您的管辖范围内",
    "area_change": "记录不能移到另一个地区（{old} → {new}），请在新地区新建记录",
    "clock_skew": "此变更的时间比服务器快 {ahead}（最多允许 {bound}）：请校正电脑时间，程序会自动重新标记",
}


class TooDeep(ValueError):
    """A push body nesting objects and arrays more than :data:`~.limits.MAX_DEPTH` levels
    deep: refused as a whole (422 ``bad_request``) before anything is stored."""


# The keys the per-change check judges: a change it passes holds there only text, numbers
# and flat objects of them (fields, base), so only its other keys can nest.
_CHECKED_KEYS = frozenset({"id", "entity", "row_id", "hlc", "fields", "base"})
_WIRE_KEYS = _CHECKED_KEYS | {"device", "user"}  # what a laptop sends
_CONTAINERS = (dict, list)


def too_deep_batch(changes: list[Any], problems: list[E.Problem | None]) -> bool:
    """``limits.too_deep(changes, MAX_DEPTH - 1)`` (the body object is the first level),
    walking only what the per-change check (``problems``, from :func:`_shape`) did not
    already find flat: a bulk push of 20,000 changes is not walked value by value twice."""
    for change, problem in zip(changes, problems, strict=True):
        kind = type(change)
        if problem is not None or kind is not dict:
            if kind in _CONTAINERS and too_deep(change, MAX_DEPTH - 2):
                return True
            continue
        if change.keys() <= _WIRE_KEYS:  # the usual change: two keys to look at
            device, user = change.get("device"), change.get("user")
            if (type(device) in _CONTAINERS and too_deep(device, MAX_DEPTH - 3)) or (
                    type(user) in _CONTAINERS and too_deep(user, MAX_DEPTH - 3)):
                return True
            continue
        for key, value in change.items():
            if key not in _CHECKED_KEYS and type(value) in _CONTAINERS and too_deep(
                    value, MAX_DEPTH - 3):
                return True
    return False


def _reject(change_id: str, why: str, **details: object) -> dict[str, str]:
    return {"id": change_id, "status": "rejected", "code": why,
            "reason": REASONS[why].format(**details)}


def _refuse(change_id: str, problem: E.Problem) -> dict[str, str]:
    return {"id": change_id, "status": "rejected", "code": problem.code, "reason": problem.message}


def _span(ms: int) -> str:
    """A duration as people say it, rounded: 3 分钟, 5 小时, 400 天."""
    minutes = round(ms / 60_000)
    if minutes < 120:
        return f"{max(minutes, 1)} 分钟"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} 小时"
    return f"{round(minutes / (24 * 60))} 天"


def _shape(change: Any, plain: bool = False) -> E.Problem | None:
    """What is malformed in a change, or None (``plain``: see ``E.check_fields``)."""
    if not isinstance(change, dict):
        return E.Problem("bad_change", "变更格式不正确：不是 JSON 对象")
    for key in ("id", "entity", "row_id", "hlc"):
        if not isinstance(change.get(key), str) or not change[key]:
            return E.Problem("bad_change", f"变更格式不正确：缺少 {key}")
    return E.check_change(change, plain)


class _Batch:
    """The batch's rows by parent, for rows placed by their children (teams, visits)."""

    def __init__(self, changes: list[Any]) -> None:
        self.changes = changes
        self._children: dict[tuple[str, str, str], list[dict]] | None = None

    def children(self, entity: str, link: str, row_id: str) -> Iterator[dict]:
        if self._children is None:
            self._children = {}
            for ch in self.changes:
                if isinstance(ch, dict) and ch.get("entity") in ("team_area", "visit_household"):
                    fields = ch.get("fields")
                    if isinstance(fields, dict):
                        for key in ("team_id", "visit_id"):
                            if fields.get(key) is not None:
                                self._children.setdefault(
                                    (ch["entity"], key, str(fields[key])), []).append(fields)
        yield from self._children.get((entity, link, row_id), [])


def now_ms() -> int:
    """The server's wall clock in milliseconds (what it tells laptops at every sync)."""
    return time.time_ns() // 1_000_000


# Each record type's reference fields with the type each points to, and whether it has an
# owner (an attachment's record): looked up per change of a bulk push.
_REFERENCES = {e.name: (tuple(e.references.items()), e.owner is not None) for e in E.DECLARATIONS}


def _references(entity: str, fields: dict) -> list[tuple[str, str, str]]:
    """(field, parent entity, parent id) of every reference a change sets (an attachment's
    owner included)."""
    declared, has_owner = _REFERENCES[entity]
    found = []
    for name, parent in declared:  # a loop, not a comprehension: called 120,000 times
        value = fields.get(name)
        if type(value) is str:
            found.append((name, parent, value))
    if has_owner:
        owner = E.owner_of(entity, fields)
        if owner is not None:
            found.append(("owner", *owner))
    return found


def push(store: ServerStore, account: AccountInfo, changes: list[Any], *,
         max_skew_ms: int = DEFAULT_SKEW_MS, plain: bool = False
         ) -> tuple[list[dict[str, str]], int]:
    """Check and store a batch (one transaction); the per-change results and the end of the
    server's log after the batch. A token whose device id another account's laptop holds
    (auth.device_refusal) stores nothing: :class:`~workteam_server.auth.AuthError` (409
    ``device_taken``). Changes stamped by any device id are taken (a laptop restored from a
    backup sends the changes its earlier device id made, as they were made). A body nesting
    too deep stores nothing: :class:`TooDeep`. ``plain``: the body holds no control
    character (``E.json_has_control``), so text values are not searched for one."""
    # Checked before anything reaches the database: an id with a NUL byte or 10,000
    # characters must never be a query parameter (PostgreSQL refuses NUL in text).
    problems = [_shape(c, plain) for c in changes]
    if too_deep_batch(changes, problems):
        # orjson reads 1,024 levels but writes fewer: refused before anything stores it.
        raise TooDeep(f"请求格式不正确（JSON 嵌套超过 {MAX_DEPTH} 层）")
    if account.device:
        with store.engine.connect() as conn:
            refused = device_refusal(conn, account.id, account.device, None)
        if refused is not None:
            audit.record(store, "device_taken", account=account.name, device=account.device,
                         at="push", changes=len(changes))
            raise refused
    return _push(store, account, changes, problems, max_skew_ms=max_skew_ms)


def _push(store: ServerStore, account: AccountInfo, changes: list[Any],
          problems: list[E.Problem | None], *, max_skew_ms: int
          ) -> tuple[list[dict[str, str]], int]:
    scope = account.scope
    home = scope.prefixes[0] if len(scope.prefixes) == 1 else None
    # A batch names a few areas thousands of times: each is judged once.
    can_write = functools.cache(scope.can_write)
    can_read = functools.cache(scope.can_read)
    may_write = functools.cache(functools.partial(sc.role_may_write, account.role))
    results: list[dict[str, str] | None] = [None] * len(changes)
    latest = now_ms() + max_skew_ms
    valid = [c for c, p in zip(changes, problems, strict=True) if p is None]
    batch = _Batch(valid)
    with store.pushing() as conn:
        known = store.known_ids(conn, [c["id"] for c in valid])
        keys: set[tuple[str, str]] = set()
        # Each change's references, found once (keyed by the change object itself).
        references = {id(c): _references(c["entity"], c["fields"]) for c in valid}
        for c in valid:
            keys.add((c["entity"], c["row_id"]))
            for _field, parent, value in references[id(c)]:
                keys.add((parent, value))
        areas = store.row_areas(conn, keys)  # grows as the batch places new rows

        refused: set[tuple[str, str]] = set()  # new rows of this batch that were rejected
        leans_on_refused = [False]

        def lookup(entity: str, row_id: str) -> str | None:
            if (entity, row_id) in refused:
                leans_on_refused[0] = True
            return areas.get((entity, row_id))

        seen: set[str] = set()
        rows: list[dict] = []
        folded: list[dict] = []  # accepted changes of the directory's entities
        new_areas: dict[tuple[str, str], str] = {}
        attachments: set[tuple[str, str]] = set()
        moves: list[rehome.Move] = []
        for i, change in enumerate(changes):
            change_id = change.get("id") if isinstance(change, dict) else None
            change_id = change_id if isinstance(change_id, str) else ""
            problem = problems[i]
            if problem:
                results[i] = _refuse(change_id[:64], problem)
                continue
            if change_id in known or change_id in seen:
                results[i] = {"id": change_id, "status": "duplicate"}
                continue
            entity, row_id, fields = change["entity"], change["row_id"], change["fields"]
            ahead = E.hlc_wall_ms(change["hlc"]) - latest
            if ahead > 0:
                results[i] = _reject(change_id, "clock_skew", ahead=_span(ahead + max_skew_ms),
                                     bound=_span(max_skew_ms))
                continue
            code = areas.get((entity, row_id))
            new_row = code is None
            moving = None
            leans_on_refused[0] = False
            try:
                if new_row:
                    code = sc.row_area(entity, row_id, fields, lookup=lookup,
                                       batch_children=batch.children, home=home)
                    # Known from here on, also when rejected below: its children then get
                    # the same answer (out of scope) rather than "unknown parent".
                    areas[(entity, row_id)] = code
                    refused.add((entity, row_id))  # until accepted below
                else:
                    moved = sc.moved_area(entity, fields, lookup=lookup)
                    if moved is not None and moved != code:
                        # Only someone who may write both areas moves a row (a supervisor's
                        # merge of duplicates from two villages); the row's history follows.
                        if not (account.role in ("supervisor", "admin") and entity != "area"
                                and can_write(code) and can_write(moved)):
                            results[i] = _reject(change_id, "area_change", old=code, new=moved)
                            continue
                        moving = rehome.Move(entity, row_id, code, moved)
            except sc.Unplaced:
                results[i] = _reject(change_id, "unknown_parent")
                continue
            assert code is not None
            if not may_write(entity):
                results[i] = _reject(change_id, "read_only", role=account.role, entity=entity)
                continue
            if not can_write(code):
                results[i] = _reject(change_id, "out_of_scope", code=code or "全国")
                continue
            if new_row and leans_on_refused[0]:
                # Its parent was refused just now: storing it would leave every laptop a
                # row pointing at a parent that never arrives.
                results[i] = _reject(change_id, "unknown_parent")
                continue
            # Every row it points to: known (here or earlier in the batch), not refused in
            # this batch, and one the pusher may read — no links into another team's rows.
            bad_ref = None
            for name, parent, value in references[id(change)]:
                if (parent, value) in refused:
                    bad_ref = _reject(change_id, "parent_refused", field=name)
                elif (parent_code := areas.get((parent, value))) is None:
                    bad_ref = _reject(change_id, "parent_unknown", field=name)
                elif not can_read(parent_code):
                    bad_ref = _reject(change_id, "parent_out_of_scope", field=name)
                if bad_ref is not None:
                    break
            if bad_ref is not None:
                results[i] = bad_ref
                continue
            seen.add(change_id)
            if moving is not None:
                moves.append(moving)
                areas[(entity, row_id)] = moving.new  # later changes of the batch: there
            if new_row:
                refused.discard((entity, row_id))
                new_areas[(entity, row_id)] = code
            sha = fields.get("sha256")
            if entity == "attachment" and isinstance(sha, str) and _is_sha256(sha):
                attachments.add((sha, code))
            rows.append({"id": change_id, "entity": entity, "row_id": row_id, "area_code": code,
                         "account": account.name, "device": account.device or None,
                         "body": _body(change, account)})
            if entity in directory.ENTITIES:
                folded.append(change)
            results[i] = {"id": change_id, "status": "accepted"}
        inserted = store.insert_changes(conn, rows, new_areas, attachments)
        if moves:
            rehome.rehome(conn, moves)
        directory.fold(conn, [c for c in folded if c["id"] in inserted])
        end = store.log_end(conn)
    for r in results:
        assert r is not None
        if r["status"] == "accepted" and r["id"] not in inserted:
            r["status"] = "duplicate"  # stored by a concurrent push of the same change
    return results, end  # type: ignore[return-value]


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and set(text) <= _SHA256_CHARS


def _body(change: dict, account: AccountInfo) -> str:
    """The change as stored and served: exactly the wire fields, with who sent it taken from
    the token (the account and its laptop), never from the body."""
    return orjson.dumps({
        "id": change["id"], "entity": change["entity"], "row_id": change["row_id"],
        "fields": change["fields"], "base": change.get("base") or {}, "hlc": change["hlc"],
        "device": account.device or "?", "user": account.name,
    }).decode()
