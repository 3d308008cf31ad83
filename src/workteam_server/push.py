"""Push: a batch of changes checked, placed in their area, and stored in one transaction.

Every change gets exactly one result, in the order sent: ``accepted``, ``duplicate`` (the
server has that change id already) or ``rejected`` with a code and a Chinese reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from workteam_desktop.domain.hlc import Timestamp

from . import directory
from . import scope as sc
from .store import AccountInfo, ServerStore

MAX_BATCH = 5000
_MAX_ID = 64
_SHA256_CHARS = frozenset("0123456789abcdef")

REASONS = {
    "out_of_scope": "记录所在地区（{code}）不在您的管辖范围内",
    "read_only": "您的角色（{role}）不能修改此类记录（{entity}）",
    "unknown_entity": "服务器不认识此类记录（{entity}）",
    "bad_change": "变更格式不正确：{what}",
    "unknown_parent": "找不到记录所属的村（上级记录不在服务器上，也不在本批之前）",
    "area_change": "记录不能移到另一个地区（{old} → {new}），请在新地区新建记录",
}


def _reject(change_id: str, why: str, **details: object) -> dict[str, str]:
    return {"id": change_id, "status": "rejected", "code": why,
            "reason": REASONS[why].format(**details)}


def _problem(change: Any) -> str | None:
    """What is malformed in a change, or None."""
    if not isinstance(change, dict):
        return "不是 JSON 对象"
    for key in ("id", "entity", "row_id", "hlc", "device"):
        value = change.get(key)
        if not isinstance(value, str) or not value:
            return f"缺少 {key}"
    if not isinstance(change.get("user", ""), str):  # may be empty: made before any login
        return "user 不是文本"
    if len(change["id"]) > _MAX_ID or len(change["row_id"]) > _MAX_ID:
        return "id 过长"
    if not isinstance(change.get("fields"), dict):
        return "fields 不是对象"
    if not isinstance(change.get("base", {}), dict):
        return "base 不是对象"
    try:
        Timestamp.decode(change["hlc"])
    except ValueError:
        return "hlc 不是混合逻辑时钟"
    return None


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


def push(store: ServerStore, account: AccountInfo,
         changes: list[Any]) -> tuple[list[dict[str, str]], int]:
    """Check and store a batch (one transaction); the per-change results and the end of the
    server's log after the batch."""
    scope = account.scope
    home = scope.prefixes[0] if len(scope.prefixes) == 1 else None
    batch = _Batch(changes)
    results: list[dict[str, str] | None] = [None] * len(changes)
    with store.pushing() as conn:
        ids = [c["id"] for c in changes if isinstance(c, dict) and isinstance(c.get("id"), str)]
        known = store.known_ids(conn, ids)
        keys: set[tuple[str, str]] = set()
        for c in changes:
            if isinstance(c, dict) and c.get("entity") in sc.ENTITIES and isinstance(c.get("fields"), dict):
                keys.add((c["entity"], str(c.get("row_id"))))
                for field, parent in sc.PARENT_FIELDS[c["entity"]]:
                    if c["fields"].get(field) is not None:
                        keys.add((parent, str(c["fields"][field])))
                for child, _link, field, parent in sc.PLACING_CHILDREN.values():
                    if c["entity"] == child and c["fields"].get(field) is not None:
                        keys.add((parent, str(c["fields"][field])))
                owner = c["fields"].get("owner_entity")
                if c["entity"] == "attachment" and owner in sc.ENTITIES and c["fields"].get("owner_id"):
                    keys.add((owner, str(c["fields"]["owner_id"])))
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
        for i, change in enumerate(changes):
            change_id = change.get("id") if isinstance(change, dict) else None
            change_id = change_id if isinstance(change_id, str) else ""
            if change_id and (change_id in known or change_id in seen):
                results[i] = {"id": change_id, "status": "duplicate"}
                continue
            problem = _problem(change)
            if problem:
                results[i] = _reject(change_id, "bad_change", what=problem)
                continue
            entity, row_id, fields = change["entity"], change["row_id"], change["fields"]
            if entity not in sc.ENTITIES:
                results[i] = _reject(change_id, "unknown_entity", entity=entity)
                continue
            code = areas.get((entity, row_id))
            new_row = code is None
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
                        results[i] = _reject(change_id, "area_change", old=code, new=moved)
                        continue
            except sc.Unplaced:
                results[i] = _reject(change_id, "unknown_parent")
                continue
            assert code is not None
            if not sc.role_may_write(account.role, entity):
                results[i] = _reject(change_id, "read_only", role=account.role, entity=entity)
                continue
            if not scope.can_write(code):
                results[i] = _reject(change_id, "out_of_scope", code=code or "全国")
                continue
            if new_row and leans_on_refused[0]:
                # Its parent was refused just now: storing it would leave every laptop a
                # row pointing at a parent that never arrives.
                results[i] = _reject(change_id, "unknown_parent")
                continue
            seen.add(change_id)
            if new_row:
                refused.discard((entity, row_id))
                new_areas[(entity, row_id)] = code
            sha = fields.get("sha256")
            if entity == "attachment" and isinstance(sha, str) and _is_sha256(sha):
                attachments.add((sha, code))
            rows.append({"id": change_id, "entity": entity, "row_id": row_id, "area_code": code,
                         "account": account.name, "body": _body(change)})
            if entity in directory.ENTITIES:
                folded.append(change)
            results[i] = {"id": change_id, "status": "accepted"}
        inserted = store.insert_changes(conn, rows, new_areas, attachments)
        directory.fold(conn, [c for c in folded if c["id"] in inserted])
        end = store.log_end(conn)
    for r in results:
        assert r is not None
        if r["status"] == "accepted" and r["id"] not in inserted:
            r["status"] = "duplicate"  # stored by a concurrent push of the same change
    return results, end  # type: ignore[return-value]


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and set(text) <= _SHA256_CHARS


def _body(change: dict) -> str:
    """The change as stored and served: exactly the wire fields (nothing extra)."""
    return orjson.dumps({
        "id": change["id"], "entity": change["entity"], "row_id": change["row_id"],
        "fields": change["fields"], "base": change.get("base") or {}, "hlc": change["hlc"],
        "device": change["device"], "user": change["user"],
    }).decode()
