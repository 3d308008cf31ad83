"""Setting a laptop up for a work team without a server, and the rules of a team's cadres.

Pure rules shared by ``workteam setup``, the first-run page and the 设置 → 工作队 page:
which county and villages, the team's name and unit, its cadres (one first secretary at a
time). Every refusal is a :class:`~workteam_desktop.domain.problems.DomainError` with one
sentence saying what to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import catalogues as cat
from . import divisions as dv
from .problems import DomainError, Problem

NAME_MAX = 64


@dataclass(frozen=True, slots=True)
class CadrePlan:
    """A cadre as set-up takes it: a name and a role (CADRE_ROLES code)."""

    name: str
    role: str = "member"


@dataclass(frozen=True, slots=True)
class SetupPlan:
    """A checked set-up: the county, the team's villages (and the townships above them)."""

    county: dv.Division
    townships: tuple[dv.Division, ...]  # those of the villages, by code
    villages: tuple[dv.Division, ...]
    team_name: str
    unit: str
    cadres: tuple[CadrePlan, ...]


def _fail(code: str, **params: object) -> DomainError:
    return DomainError(Problem(code, dict(params)))


def clean_name(text: str, what_code: str) -> str:
    """A name as stored: single spaces, not empty, at most 64 characters."""
    clean = " ".join(text.split())
    if not clean:
        raise _fail("field.required", field=_FIELD_NAMES[what_code])
    if len(clean) > NAME_MAX:
        raise _fail("text.too_long", field=_FIELD_NAMES[what_code], limit=NAME_MAX)
    return clean


_FIELD_NAMES = {"team": "工作队名称", "cadre": "干部姓名", "unit": "派驻单位", "village": "村名"}


def parse_cadre(text: str) -> CadrePlan:
    """``姓名`` or ``姓名:职务`` (第一书记, 工作队长, 驻村工作队员, or the English word)."""
    name, _, role_text = text.replace("：", ":").partition(":")
    name = clean_name(name, "cadre")
    role = "member"
    if role_text.strip():
        found = cat.CADRE_ROLES.code_for(role_text)
        if found is None:
            raise _fail("choice.invalid", value=role_text.strip(), field="职务",
                        choices="、".join(e.zh for e in cat.CADRE_ROLES))
        role = found
    return CadrePlan(name, role)


def check_one_first_secretary(roles: Iterable[str]) -> None:
    """A team has at most one serving first secretary."""
    if sum(r == "first_secretary" for r in roles) > 1:
        raise _fail("team.two_first_secretaries")


def county_of(text: str, divisions: dv.Divisions | None = None) -> dv.Division:
    """The county a code or a name names (天镇县, 140222)."""
    divisions = divisions or dv.shipped()
    text = text.strip()
    if text.isascii() and text.isdigit():
        found = divisions.get(text)
        if found is None or found.level != "county":
            raise _fail("setup.unknown_county", value=text, edition=dv.EDITION)
        return found
    match = divisions.find_county(text)
    if match.found is not None:
        return match.found
    if match.ambiguous:
        raise _fail("setup.ambiguous_county", value=text,
                    choices="、".join(f"{divisions.full_name(c.code)}（{c.code[:6]}）"
                                     for c in match.candidates))
    raise _fail("setup.unknown_county", value=text, edition=dv.EDITION)


def villages_of(county: dv.Division, texts: Sequence[str], *,
                extra: Iterable[dv.Division] = (),
                divisions: dv.Divisions | None = None) -> tuple[dv.Division, ...]:
    """The villages named by codes or names inside ``county`` (each once, by code);
    ``extra`` are the local villages the home has."""
    divisions = divisions or dv.shipped()
    extra = list(extra)
    if not [t for t in texts if t.strip()]:
        raise _fail("setup.no_villages")
    found: dict[str, dv.Division] = {}
    for text in texts:
        text = text.strip()
        if not text:
            continue
        match = divisions.find_village(county.code, text, extra)
        if match.found is not None:
            found[match.found.code] = match.found
            continue
        if match.ambiguous:
            raise _fail("village.ambiguous", value=text, choices=candidates_text(match, divisions))
        if text.isascii() and text.isdigit():
            other = divisions.get(text)
            if other is not None and not other.code.startswith(county.code[:6]):
                raise _fail("setup.village_outside", value=text, name=divisions.full_name(other.code),
                            county=county.short)
            if other is not None and other.level not in ("village", "community"):
                raise _fail("setup.not_a_village", value=text, name=other.short)
        raise _fail("setup.unknown_village", value=text, county=county.short)
    return tuple(sorted(found.values(), key=lambda d: d.code))


def candidates_text(match: dv.Match, divisions: dv.Divisions | None = None) -> str:
    """The candidates of an ambiguous match as people read them: 水头村（王庄镇）、…"""
    divisions = divisions or dv.shipped()
    parts = []
    for c in match.candidates:
        township = divisions.get(c.parent) if c.parent else None
        parts.append(f"{c.short}（{township.short if township else ''}，{c.code}）")
    return "、".join(parts)


def plan_setup(county_text: str, village_texts: Sequence[str], team_name: str, unit: str = "",
               cadres: Sequence[str] = (), *, extra: Iterable[dv.Division] = ()) -> SetupPlan:
    """Check a set-up as typed (CLI) or picked (first-run page) and make its plan."""
    divisions = dv.shipped()
    county = county_of(county_text, divisions)
    villages = villages_of(county, village_texts, extra=extra, divisions=divisions)
    townships = tuple(t for t in (divisions.get(c) for c in sorted({v.parent for v in villages
                                                                      if v.parent}))
                      if t is not None)
    name = clean_name(team_name, "team")
    unit = " ".join(unit.split())
    plans = tuple(parse_cadre(c) for c in cadres if c.strip())
    check_one_first_secretary(p.role for p in plans)
    if len({p.name for p in plans}) != len(plans):
        raise _fail("team.cadre_twice")
    return SetupPlan(county, townships, villages, name, unit, plans)


def check_cadre_dates(started_on: dt.date | None, ended_on: dt.date | None) -> None:
    """A cadre cannot leave before arriving."""
    if started_on is not None and ended_on is not None and ended_on < started_on:
        raise _fail("cadre.ended_before_start", start=started_on.isoformat(), end=ended_on.isoformat())
