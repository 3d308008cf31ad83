"""Checking a roster against the data home: its villages, and the rules of the domain."""

from __future__ import annotations

import datetime as dt

from ..domain.problems import DomainError, Problem
from ..domain.roster_rules import RosterPlan, VillageIndex, build_plan
from ..store import Store
from .mapping import Mapping, resolve
from .read import RosterTable


def village_index(store: Store) -> VillageIndex:
    """The villages and communities of the store, findable by code or name."""
    with store.read() as cur:
        rows = cur.execute(
            "SELECT v.code, v.name, coalesce(t.name, '') FROM area v "
            "LEFT JOIN area t ON t.id = v.parent_id "
            "WHERE v.deleted = 0 AND v.level IN ('village', 'community')").fetchall()
    return VillageIndex((r[0], r[1], r[2]) for r in rows)


def check_roster(store: Store, table: RosterTable, mapping: Mapping | None = None,
                 today: dt.date | None = None) -> RosterPlan:
    """Every household of ``table`` that can be imported, and every problem found."""
    mapping = mapping or Mapping()
    fields, layout = resolve(table, mapping)
    villages = village_index(store)
    default_village = None
    if mapping.village:
        default_village = villages.find(mapping.village)
        if default_village is None:
            raise DomainError(Problem("roster.unknown_village", {"value": mapping.village}))
    return build_plan(table.headers, table.rows, fields, villages, layout=layout,
                      today=today, default_year=mapping.income_year,
                      default_village=default_village)
