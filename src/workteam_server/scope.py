"""Scopes and the area code of a synced row.

A scope is an administrative code prefix: 2 digits a province, 4 a prefecture, 6 a county,
9 a township, 12 a village. Every synced row belongs to one area code; a user reads and
writes rows whose code starts with one of the user's scopes, and reads (never writes) the
rows of the areas above a scope (the county and township of a village), so a village team
sees its county's area rows and county-wide thresholds.

A work team's own rows (the team, its cadres, its trainings) carry a *team code*: the
smallest area holding the team's villages, ``#`` and a key of the team
(``140222206#3f2a…``). It starts with that area's code, so supervisors above see it; the
team's member accounts have it among their prefixes (with the team's villages), so they
read and write their team's rows; members of other teams in the same township do not see it
(a team code is never an "area above" anyone).

Pure Python: the rules here are shared by push (write checks), pull (the SQL filter) and
the tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workteam_desktop.domain.entities import DECLARATIONS, owner_of, writable_by

LEVEL_LENGTHS = (2, 4, 6, 9, 12)
"""Lengths of the administrative levels of a code (province … village)."""

ROLES = ("member", "supervisor", "admin")

EVERYTHING = ""
"""The scope of an admin: the empty prefix, which every code starts with."""

TEAM_MARK = "#"


def team_code(area: str, team_id: str) -> str:
    """The code of a team's own rows: its area, ``#`` and 16 hex digits of its row id's
    SHA-256 (short enough for the code columns, unique in practice)."""
    return f"{area}{TEAM_MARK}{hashlib.sha256(team_id.encode()).hexdigest()[:16]}"


class ScopeError(ValueError):
    """A scope code that cannot be used; the message is one Chinese line."""


def normalize_code(code: str) -> str:
    """An area code shortened to its level: ``130123000000`` → ``130123``.

    Codes longer than 12 characters (grids: village code + ``G01``) are kept as they are, so
    they still start with their village's code.
    """
    code = code.strip()
    if len(code) != 12 or not code.isdigit():
        return code
    for length in LEVEL_LENGTHS[:-1]:
        if set(code[length:]) == {"0"}:
            return code[:length]
    return code


def parse_scope(text: str) -> str:
    """One scope code as typed by an administrator (a county, township or village code)."""
    code = text.strip()
    if not code:
        raise ScopeError("管辖范围不能为空")
    if not (code.isascii() and code.isdigit()):
        raise ScopeError(f"管辖范围“{code}”不是行政区划代码（只能是数字）")
    if len(code) not in LEVEL_LENGTHS:
        raise ScopeError(f"管辖范围“{code}”的位数不对（应为 2、4、6、9 或 12 位行政区划代码）")
    return normalize_code(code)


def parse_scopes(text: str) -> list[str]:
    """A comma-separated list of scopes (``130123,140215101``), without repeats or codes
    already covered by a shorter one in the list."""
    parts = [p for p in text.replace("，", ",").split(",") if p.strip()]
    if not parts:
        raise ScopeError("管辖范围不能为空")
    return minimal_scopes(parse_scope(p) for p in parts)


def minimal_scopes(scopes: Iterable[str]) -> list[str]:
    """Scopes without those inside another one of the list, sorted."""
    result: list[str] = []
    for s in sorted(set(scopes), key=lambda c: (len(c), c)):
        if not any(s.startswith(kept) for kept in result):
            result.append(s)
    return sorted(result)


def ancestors(code: str) -> list[str]:
    """The codes of the areas above ``code`` (shorter level prefixes), and the global ``""``."""
    return [EVERYTHING] + [code[:n] for n in LEVEL_LENGTHS if n < len(code)]


def common_area(codes: Sequence[str]) -> str:
    """The smallest area containing every code: their common prefix cut to a level."""
    if not codes:
        return EVERYTHING
    first, last = min(codes), max(codes)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    if n == len(first) == len(last):
        return first
    levels = [length for length in LEVEL_LENGTHS if length <= n]
    return first[:levels[-1]] if levels else EVERYTHING


@dataclass(frozen=True, slots=True)
class Scope:
    """What one user may see: code prefixes (``[""]`` for an admin)."""

    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, role: str, scopes: Iterable[str]) -> Scope:
        """The scope of a user with ``role`` and ``scopes``: admins see everything."""
        if role == "admin":
            return cls((EVERYTHING,))
        return cls(tuple(minimal_scopes(scopes)))

    @property
    def everything(self) -> bool:
        """True for an admin's scope."""
        return EVERYTHING in self.prefixes

    def can_write(self, code: str) -> bool:
        """A row of area ``code`` lies inside the scope."""
        return any(code.startswith(p) for p in self.prefixes)

    def can_read(self, code: str) -> bool:
        """Inside the scope, or an area above it (its township, county, province, global).
        A team code is never above anything: only its team and the areas above read it."""
        return self.can_write(code) or (
            TEAM_MARK not in code and any(p.startswith(code) for p in self.prefixes))

    def read_filter(self) -> tuple[list[tuple[str, str]], list[str]]:
        """The pull filter as index-friendly pieces: code ranges ``[low, high)`` (one per
        prefix) and the exact codes above the scope. Empty lists for an admin."""
        if self.everything:
            return [], []
        ranges = [(p, p[:-1] + chr(ord(p[-1]) + 1)) for p in self.prefixes]
        above = sorted({a for p in self.prefixes for a in ancestors(p.split(TEAM_MARK)[0])}
                       - set(self.prefixes))
        return ranges, above


# What each role may write (domain.entities: household work is every member's job; who
# works where — areas, teams, their villages, thresholds — is set by supervisors for their
# area; admins may write everything).
MEMBER_WRITES = writable_by("member")
SUPERVISOR_WRITES = writable_by("supervisor")


def role_may_write(role: str, entity: str) -> bool:
    """Whether a user with ``role`` may write rows of ``entity`` at all (scope aside)."""
    if role == "admin":
        return True
    if role == "supervisor":
        return entity in SUPERVISOR_WRITES
    return entity in MEMBER_WRITES


# ---------------------------------------------------------------- the area code of a row

PARENT_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    e.name: e.parent_fields for e in DECLARATIONS}
"""Every synced entity and the foreign keys that give a new row its area code, tried in
order (from the declarations in domain.entities)."""

ENTITIES = frozenset(PARENT_FIELDS)

# Children that, earlier or later in the same batch, place a new row with no area field of its
# own: a team works in the villages of its team_area rows; a visit without a village is where
# its visited households are.
PLACING_CHILDREN: dict[str, tuple[str, str, str, str]] = {
    "team": ("team_area", "team_id", "area_id", "area"),
    "visit": ("visit_household", "visit_id", "household_id", "household"),
}

# Rows that only make sense as a part of their parent; when the parent field is empty the
# row cannot be placed (rather than falling back to the user's own area).
NEEDS_PARENT = frozenset(e.name for e in DECLARATIONS if e.needs_parent)


class Unplaced(Exception):
    """A new row whose area cannot be found (``unknown_parent``)."""


def row_area(entity: str, row_id: str, fields: dict[str, object], *, lookup, batch_children,
             home: str | None) -> str:
    """The area code of a row the server has not seen before, from its first change.

    ``lookup(entity, row_id)`` gives the code of a known row (the server's or one earlier
    in the batch) or None; ``batch_children(child_entity, field, row_id)`` the changes of
    the batch that name the row as their parent; ``home`` is where rows with no area of
    their own go (the user's single scope) or None when the user has several.
    Raises :class:`Unplaced` when the row's area cannot be found.
    """
    if entity == "area":
        code = fields.get("code")
        if not isinstance(code, str) or not code.strip():
            raise Unplaced
        return normalize_code(code)
    for field, parent in PARENT_FIELDS[entity]:
        parent_id = fields.get(field)
        if parent_id is None:
            continue
        code = lookup(parent, str(parent_id))
        if code is None:
            raise Unplaced
        return code
    if entity == "observation_threshold" and "area_id" in fields:
        return EVERYTHING  # a nationwide threshold (no area)
    if entity in PLACING_CHILDREN:
        child, link, field, parent = PLACING_CHILDREN[entity]
        codes = []
        for child_fields in batch_children(child, link, row_id):
            parent_id = child_fields.get(field)
            code = lookup(parent, str(parent_id)) if parent_id is not None else None
            if code is not None:
                codes.append(code)
        if codes:
            area = common_area(codes)
            return team_code(area, row_id) if entity == "team" else area
    owner = owner_of(entity, fields)  # a photo, a conflict settlement: where their record is
    if owner is not None:
        code = lookup(*owner)
        if code is not None:
            return code
    if entity in NEEDS_PARENT or home is None:
        raise Unplaced
    return team_code(home, row_id) if entity == "team" else home


def moved_area(entity: str, fields: dict[str, object], *, lookup) -> str | None:
    """For a change to a known row: the area its fields now place it in, or None when the
    change does not touch the fields that place the row (most changes)."""
    if entity == "area":
        code = fields.get("code")
        return normalize_code(code) if isinstance(code, str) and code.strip() else None
    for field, parent in PARENT_FIELDS[entity][:1]:
        parent_id = fields.get(field)
        if parent_id is not None:
            return lookup(parent, str(parent_id))
    return None
