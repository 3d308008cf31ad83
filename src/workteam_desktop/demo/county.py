"""The demo county's content, batch by batch, without touching a store.

:func:`batches` yields the rows to write, a few thousand households at a time, parents
before children. It imports nothing of the store, so it can run in a helper process while
the main process writes (see :mod:`.producer`). The content depends only on (households,
seed, today): one ``random.Random(seed)`` drives every draw and makes every row id.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Generator
from typing import Any

from .activity import ActivityMaker
from .draw import RowIds, base_ms
from .households import HouseholdMaker, Made
from .names import Namer
from .places import REGION, area_rows, plan_county
from .teams import team_rows

CHUNK_HOUSEHOLDS = 2000
"""Households per batch: large enough for executemany, small enough to stream."""

Batch = tuple[dict[str, list[dict[str, Any]]], int]
"""Rows by table name, and the number of households made so far."""


def batches(households: int, seed: int, today: dt.date) -> Generator[Batch, None, None]:
    """The county's rows: first places, teams and thresholds, then households in batches.

    A batch holds whole villages' slices: every row a batch refers to is in the same
    batch or an earlier one.
    """
    rng = random.Random(seed)
    new_id = RowIds(rng, base_ms(today))
    namer = Namer()
    county = plan_county(households, rng)
    maker = HouseholdMaker(rng, namer, today, REGION, new_id)
    activity = ActivityMaker(rng, today, new_id)
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows["area"] = area_rows(county, new_id)
    teams: dict[str, tuple[str, list[str]]] = {}
    for village in county.villages:
        teams[village.id] = team_rows(rng, today, village, new_id,
                                      lambda male, year: namer.full(rng, male, year), rows)
    rows["observation_threshold"] = [
        {"id": new_id(), "year": today.year - 2, "area_id": county.id, "amount": 8500.0},
        {"id": new_id(), "year": today.year - 1, "area_id": county.id, "amount": 8800.0},
    ]
    yield dict(rows), 0
    rows = defaultdict(list)
    done = pending = 0
    for village in county.villages:
        team_id, cadres = teams[village.id]
        village_ids: list[str] = []
        for start in range(0, village.households, CHUNK_HOUSEHOLDS):
            stop = min(village.households, start + CHUNK_HOUSEHOLDS)
            made: list[Made] = [maker.make(village, serial, rows)
                                for serial in range(start + 1, stop + 1)]
            # Visits pair neighbours within this slice only, so a visit never names a
            # household of a later batch.
            activity.visits(village, made, cadres, rows)
            activity.assistance(made, cadres, rows)
            village_ids.extend(m.id for m in made)
            pending += len(made)
            done += len(made)
            if stop == village.households:
                activity.deliveries(village, team_id, village_ids, rows)
            if pending >= CHUNK_HOUSEHOLDS:
                yield dict(rows), done
                rows = defaultdict(list)
                pending = 0
    if rows:
        yield dict(rows), done
