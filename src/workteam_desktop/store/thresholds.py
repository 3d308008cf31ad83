"""Observation thresholds per year and region (观测对象标准), as the settings page edits them.

Thresholds are rows of the synced ``observation_threshold`` table: the county sets them
once and every laptop gets them. A row with no area is the county-wide default (全县默认);
a township's or village's row wins over it for households there. Every change goes
through ``Store.write()`` and recomputes the 观测对象 flag of every household in the same
transaction, reporting progress: a county has up to 200,000 households.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from . import facts
from .models import ObservationThreshold
from .store import Store
from .writer import Writer

YEAR_RANGE = (2000, 2100)
AMOUNT_MAX = 1_000_000.0
AREA_LEVELS = ("county", "township", "village", "community")

Progress = Callable[[int, int], None]


class ThresholdError(ValueError):
    """A threshold that cannot be saved; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class ThresholdRow:
    """One threshold as the settings page lists it."""

    id: str
    year: int
    area_id: str | None
    area_name: str  # "" for the county-wide default
    area_level: str
    amount: float


@dataclass(frozen=True)
class ThresholdArea:
    """An area a threshold can be set for."""

    id: str
    code: str
    name: str
    level: str


def threshold_areas(store: Store) -> list[ThresholdArea]:
    """The county, townships, villages and communities, in code order (for the picker)."""
    marks = ",".join("?" * len(AREA_LEVELS))
    with store.read() as cur:
        return [ThresholdArea(r["id"], r["code"], r["name"], r["level"]) for r in cur.execute(
            f"SELECT id, code, name, level FROM area WHERE deleted = 0 AND level IN ({marks}) "
            f"ORDER BY code", AREA_LEVELS)]


def list_thresholds(store: Store) -> list[ThresholdRow]:
    """Every threshold set, newest year first, the county-wide default before regions."""
    with store.read() as cur:
        return [ThresholdRow(r["id"], r["year"], r["area_id"], r["name"] or "", r["level"] or "",
                             r["amount"]) for r in cur.execute(
            "SELECT t.id, t.year, t.area_id, t.amount, a.name, a.level "
            "FROM observation_threshold t LEFT JOIN area a ON a.id = t.area_id "
            "WHERE t.deleted = 0 ORDER BY t.year DESC, t.area_id IS NOT NULL, a.code")]


def _check(year: int, amount: float) -> None:
    low, high = YEAR_RANGE
    if not low <= year <= high:
        raise ThresholdError(f"年度应在{low}到{high}之间")
    if not math.isfinite(amount) or amount <= 0:
        raise ThresholdError("标准金额应大于0")
    if amount > AMOUNT_MAX:
        raise ThresholdError(f"标准金额不应超过{AMOUNT_MAX:,.0f}元")


def save_threshold(store: Store, year: int, area_id: str | None, amount: float, *,
                   threshold_id: str | None = None, progress: Progress | None = None,
                   user: str | None = None) -> str:
    """Add a threshold (or change the one ``threshold_id``); returns its id.

    One threshold per year and area: adding a second is refused. Every household's facts
    are recomputed in the same transaction (``progress(done, total)`` as they are).
    """
    _check(year, amount)
    with store.write(user) as w:
        cur = w.cursor
        if area_id is not None and cur.execute(
                "SELECT 1 FROM area WHERE id = ? AND deleted = 0", (area_id,)).fetchone() is None:
            raise ThresholdError("找不到所选地区")
        clash = cur.execute(
            "SELECT id FROM observation_threshold WHERE deleted = 0 AND year = ? "
            "AND area_id IS ? AND id IS NOT ?", (year, area_id, threshold_id)).fetchone()
        if clash:
            raise ThresholdError(f"{year}年该地区已有标准，请修改那一行")
        fields = {"year": year, "area_id": area_id, "amount": round(float(amount), 2)}
        if threshold_id is None:
            [threshold_id] = w.insert(ObservationThreshold, [fields])
        elif not w.update(ObservationThreshold, threshold_id, fields):
            return threshold_id  # nothing changed: no flags to recompute
        _refresh_all(w, progress)
    return threshold_id


def delete_threshold(store: Store, threshold_id: str, *, progress: Progress | None = None,
                     user: str | None = None) -> None:
    """Remove a threshold (a tombstone, so the removal syncs) and recompute the flags."""
    with store.write(user) as w:
        w.delete(ObservationThreshold, threshold_id)
        _refresh_all(w, progress)


def _refresh_all(w: Writer, progress: Progress | None) -> None:
    # Done here, with progress, instead of by Store.write() at the end without any.
    facts.refresh(w.cursor, progress=progress)
    w.thresholds_changed = False
