"""The demo county's work teams: one team per village, its cadres and monthly trainings.

Teams come from city bureaus (派驻单位 such as 大同市财政局); every team has exactly one
resident first secretary, one leader and one to three members.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from . import phrases
from .draw import one
from .households import Rows
from .places import Village


def team_rows(rng: random.Random, today: dt.date, village: Village, new_id: Callable[[], str],
              cadre_name: Callable[[bool, int], str], out: Rows) -> tuple[str, list[str]]:
    """The village's work team, its 3-5 cadres and a year of monthly trainings.

    Returns the team id and the cadre ids.
    """
    unit = one(rng, phrases.UNITS)
    team_id = new_id()
    out["team"].append({"id": team_id, "name": f"{unit}驻{village.name}工作队", "unit": unit,
                        "started_on": today - dt.timedelta(days=rng.randint(200, 1000))})
    out["team_area"].append({"id": new_id(), "team_id": team_id, "area_id": village.id})
    cadre_ids: list[str] = []
    for index in range(rng.randint(3, 5)):
        role = ("first_secretary", "leader")[index] if index < 2 else "member"
        cid = new_id()
        cadre_ids.append(cid)
        prefix = "1" + one(rng, "3589") + str(rng.randint(0, 9))
        out["cadre"].append({
            "id": cid, "name": cadre_name(rng.random() < 0.75, rng.randint(1965, 1998)),
            "role": role, "team_id": team_id, "unit": unit,
            "phone": prefix + f"{int(rng.random() * 1e8):08d}"})
    start = today.replace(day=1)
    for back in range(12):  # 培训制度化: one training a month
        month = (start.month - back - 1) % 12 + 1
        year = start.year + (start.month - back - 1) // 12
        day = dt.date(year, month, rng.randint(1, 28))
        if day > today:
            day = dt.date(year, month, 1)
        out["training"].append({
            "id": new_id(), "team_id": team_id, "training_date": day,
            "title": one(rng, phrases.TRAINING_TITLES), "attendees": rng.randint(5, 40),
            "hours": float(rng.choice((2, 3, 4, 6, 8)))})
    return team_id, cadre_ids
