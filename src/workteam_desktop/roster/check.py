"""Checking a roster against the data home: its villages, and the rules of the domain."""

from __future__ import annotations

import datetime as dt

from ..domain.problems import DomainError
from ..domain.roster_rules import RosterPlan, VillageIndex, build_plan
from ..store import Store
from .mapping import Mapping, resolve
from .read import RosterTable


def village_index(store: Store) -> VillageIndex:
    """The villages and communities of the store, findable by code or name; in a home set
    up for a real county, by the county's administrative divisions."""
    from ..store.setup import home_counties, local_villages

    with store.read() as cur:
        rows = cur.execute(
            "SELECT v.code, v.name, coalesce(t.name, '') FROM area v "
            "LEFT JOIN area t ON t.id = v.parent_id "
            "WHERE v.deleted = 0 AND v.level IN ('village', 'community')").fetchall()
    counties = home_counties(store)
    return VillageIndex(((r[0], r[1], r[2]) for r in rows), counties=counties,
                        extra=local_villages(store) if counties else ())


def check_roster(store: Store, table: RosterTable, mapping: Mapping | None = None,
                 today: dt.date | None = None) -> RosterPlan:
    """Every household of ``table`` that can be imported, and every problem found."""
    mapping = mapping or Mapping()
    fields, layout = resolve(table, mapping)
    villages = village_index(store)
    default_village = None
    if mapping.village:
        default_village, problem = villages.lookup(mapping.village)
        if problem is not None:
            raise DomainError(problem)
    return build_plan(table.headers, table.rows, fields, villages, layout=layout,
                      today=today, default_year=mapping.income_year,
                      default_village=default_village)
