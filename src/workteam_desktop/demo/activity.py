"""The work teams' records of a demo year: visits, urgent needs, assistance, ten deliveries.

Visits spread over the last 365 days (a tenth of them in the current month, so this
month's coverage is never empty); each household is visited two or three times a year,
monitored ones more. About a tenth of visits raise an urgent need, most of which are
resolved within two months.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence

from ..domain.catalogues import DELIVERY_CATEGORIES
from . import phrases
from .draw import Pick, one
from .households import Made, Rows
from .places import Village

# Own visits per household (1.6 on average); with the neighbours' visits that also call
# on it, a household is visited about 2.2 times a year.
_VISITS = Pick([(0, 10), (1, 38), (2, 36), (3, 13), (4, 3)])
_PURPOSE = Pick(phrases.VISIT_PURPOSES)
_NEIGHBOUR_SHARE = 0.4  # visits that also call on the household next door
_URGENT_SHARE = 0.10
_URGENT_CATEGORY = Pick(phrases.URGENT_CATEGORY_WEIGHTS)
_ASSISTANCE_COUNT = Pick([(0, 20), (1, 60), (2, 20)])
_ASSISTANCE_KIND = Pick(phrases.ASSISTANCE_KIND_WEIGHTS)
_ASSISTANCE_STATUS = Pick([("done", 70), ("in_progress", 25), ("planned", 5)])
_DELIVERY_CATEGORY = Pick([("planning", 4), ("industry", 14), ("jobs", 14),
                           ("consumption", 10), ("outreach", 14), ("culture", 8),
                           ("talent", 8), ("confidence", 6), ("warmth", 14), ("clean", 8)])
_CATEGORIES = DELIVERY_CATEGORIES.codes()


class ActivityMaker:
    """Makes visits, urgent needs, assistance records and ten-deliveries actions."""

    def __init__(self, rng: random.Random, today: dt.date, new_id: Callable[[], str]) -> None:
        self._rng = rng
        self._today = today
        self._today_ord = today.toordinal()
        self._month_start_ord = today.replace(day=1).toordinal()
        self._new_id = new_id

    def _day(self) -> dt.date:
        """A day of the last year; a tenth of them in the current month."""
        rng = self._rng
        if rng.random() < 0.1:
            return dt.date.fromordinal(rng.randint(self._month_start_ord, self._today_ord))
        return dt.date.fromordinal(self._today_ord - int(rng.random() * 365))

    def visits(self, village: Village, households: Sequence[Made], cadres: Sequence[str],
               out: Rows) -> None:
        """Visits to ``households`` (neighbours in this order) by the village's team."""
        rng = self._rng
        new_id = self._new_id
        visit_rows = out["visit"]
        links = out["visit_household"]
        visitors = out["visit_cadre"]
        last = len(households) - 1
        for index, made in enumerate(households):
            count = _VISITS(rng) + (1 if made.monitored else 0)
            for _ in range(count):
                vid = new_id()
                day = self._day()
                follow_up = (dt.date.fromordinal(day.toordinal() + rng.randint(14, 60))
                             if rng.random() < 0.3 else None)
                confirmed = rng.random() < 0.85
                visit_rows.append({
                    "id": vid, "visit_date": day,
                    "visit_time": f"{rng.randint(8, 17):02d}:{rng.randint(0, 5)}0",
                    "village_id": village.id, "purpose": _PURPOSE(rng),
                    "findings": one(rng, phrases.FINDINGS),
                    "measures": one(rng, phrases.MEASURES),
                    "follow_up_date": follow_up, "confirmed": confirmed,
                    "confirmation_note": one(rng, phrases.CONFIRMATION_NOTES) if confirmed
                    else ""})
                links.append({"id": new_id(), "visit_id": vid, "household_id": made.id})
                if index < last and rng.random() < _NEIGHBOUR_SHARE:
                    links.append({"id": new_id(), "visit_id": vid,
                                  "household_id": households[index + 1].id})
                team = rng.sample(cadres, 2) if len(cadres) > 1 and rng.random() < 0.08 \
                    else [one(rng, cadres)]
                for cadre in team:
                    visitors.append({"id": new_id(), "visit_id": vid, "cadre_id": cadre})
                if rng.random() < _URGENT_SHARE:
                    self._urgent_need(made.id, vid, day, out)

    def _urgent_need(self, household_id: str, visit_id: str, raised: dt.date,
                     out: Rows) -> None:
        rng = self._rng
        category = _URGENT_CATEGORY(rng)
        text, resolution = one(rng, phrases.URGENT_NEEDS[category])
        raised_ord = raised.toordinal()
        status, resolved_on = "open", None
        if rng.random() < 0.82:
            done = raised_ord + rng.randint(2, 60)
            if done <= self._today_ord:
                status, resolved_on = "resolved", dt.date.fromordinal(done)
            else:  # raised too recently to be done yet: being worked on
                status = "in_progress"
        elif rng.random() < 0.4:
            status = "in_progress"
        out["urgent_need"].append({
            "id": self._new_id(), "household_id": household_id, "visit_id": visit_id,
            "category": category, "text": text, "raised_on": raised,
            "due_date": dt.date.fromordinal(raised_ord + rng.randint(15, 30)),
            "status": status, "resolved_on": resolved_on,
            "resolution": resolution if status == "resolved" else ""})

    def assistance(self, households: Sequence[Made], cadres: Sequence[str], out: Rows) -> None:
        """About one assistance record a year per alleviated or monitored household."""
        rng = self._rng
        records = out["assistance_record"]
        for made in households:
            if made.type == "ordinary":
                continue
            for _ in range(_ASSISTANCE_COUNT(rng) + (1 if made.monitored else 0)):
                kind = _ASSISTANCE_KIND(rng)
                contents, (low, high), result = phrases.ASSISTANCE[kind]
                status = _ASSISTANCE_STATUS(rng)
                records.append({
                    "id": self._new_id(), "household_id": made.id, "measure_kind": kind,
                    "content": one(rng, contents),
                    "amount": float(rng.randint(low // 10, high // 10) * 10),
                    "record_date": dt.date.fromordinal(self._today_ord
                                                       - int(rng.random() * 365)),
                    "cadre_id": one(rng, cadres), "status": status,
                    "result": result if status == "done" else "", "visit_id": None})

    def deliveries(self, village: Village, team_id: str, household_ids: Sequence[str],
                   out: Rows) -> None:
        """About three ten-deliveries actions a month, every category at least once."""
        rng = self._rng
        count = rng.randint(30, 42)
        categories = rng.sample(_CATEGORIES, len(_CATEGORIES))
        categories += [_DELIVERY_CATEGORY(rng) for _ in range(count - len(categories))]
        actions = out["delivery_action"]
        beneficiaries = out["delivery_beneficiary"]
        for category in categories:
            titles, description, outcome = phrases.DELIVERIES[category]
            aid = self._new_id()
            actions.append({
                "id": aid, "category": category,
                "action_date": dt.date.fromordinal(self._today_ord - int(rng.random() * 365)),
                "place": village.name + one(rng, phrases.DELIVERY_PLACES),
                "title": one(rng, titles).format(v=village.name),
                "description": description, "people_reached": rng.randint(15, 200),
                "outcome": outcome, "village_id": village.id, "team_id": team_id})
            if not household_ids:
                continue
            chosen = rng.sample(household_ids, min(len(household_ids), rng.randint(3, 20)))
            beneficiaries.extend({"id": self._new_id(), "action_id": aid, "household_id": h}
                                 for h in chosen)

