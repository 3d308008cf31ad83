"""Villages, resettlement communities and their grids, as the household filters offer them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .store import Store


@dataclass(frozen=True, slots=True)
class Grid:
    """A grid (网格) of a village."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class VillageOption:
    """A village or community one can filter households by, with its grids."""

    id: str
    code: str
    name: str
    level: str  # "village" or "community"
    township: str
    grids: list[Grid] = field(default_factory=list)


def village_options(store: Store) -> list[VillageOption]:
    """Villages and communities in code order, each with its grids in code order."""
    with store.read() as cur:
        grids: dict[str, list[Grid]] = {}
        for r in cur.execute("SELECT id, name, parent_id FROM area WHERE level = 'grid' "
                             "AND deleted = 0 ORDER BY code"):
            grids.setdefault(r["parent_id"], []).append(Grid(r["id"], r["name"]))
        return [VillageOption(r["id"], r["code"], r["name"], r["level"], r["township"] or "",
                              grids.get(r["id"], []))
                for r in cur.execute(
                    "SELECT a.id, a.code, a.name, a.level, t.name AS township FROM area a "
                    "LEFT JOIN area t ON t.id = a.parent_id WHERE a.deleted = 0 "
                    "AND a.level IN ('village', 'community') ORDER BY a.code")]
