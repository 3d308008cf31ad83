"""Quarterly assessment of work teams (季度考核) and half-year star rating (半年星级评定).

Pure scoring: the store gathers each team's raw indicator values (:class:`TeamIndicators`);
this module turns them into 0–100 indicator scores, a weighted total and a stable
ranking, and the two quarters of a half year into 1–5 stars. Nothing here reads a
database, so every rule is tested on its own (tests/domain/test_assessment.py).

The scoring rules, each monotone (a better raw value never lowers its score):

- 走访覆盖率 visit_coverage: households visited in the quarter / households, × 100.
- 十送行动 deliveries: 60 points for breadth (categories with at least one action, of
  ten) and 40 for volume (actions up to :data:`DELIVERY_ACTIONS_TARGET` a quarter).
- 急难诉求解决率 urgent_resolved: needs resolved in the quarter / (resolved + still open
  at its end), × 100; a team with no needs at all scores 100 (nothing left waiting).
- 诉求平均解决天数 resolve_days: 100 at :data:`RESOLVE_DAYS_GOOD` days or fewer, 0 at
  :data:`RESOLVE_DAYS_BAD` or more, linear between; nothing resolved scores 100 when no
  need is open and 0 when some are.
- 表单按期率 forms_current: households whose form is not overdue at the quarter's end, × 100.
- 培训 trainings: trainings held up to :data:`TRAININGS_TARGET` (one a month), × 100.
- 搬迁劳动力就业率 relocated_employment: relocated households with labour that have a
  member in stable work (一户一就业) / such households, × 100; none such scores 100.
- 督导评分 manual: the supervisor's score (0–100); not entered counts 0 and is shown
  as 未录入, so a missing score is visible instead of silently re-weighting the rest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .catalogues import Catalogue

#: Indicator keys and their default weights (sum 1.0). settings.py imports this.
DEFAULT_WEIGHTS: dict[str, float] = {
    "visit_coverage": 0.20,
    "deliveries": 0.15,
    "urgent_resolved": 0.15,
    "resolve_days": 0.10,
    "forms_current": 0.10,
    "trainings": 0.10,
    "relocated_employment": 0.10,
    "manual": 0.10,
}

#: Labels of the indicators (zh first, English for the translated UI).
INDICATOR_LABELS = Catalogue(
    "assessment_indicator",
    [
        ("visit_coverage", "走访覆盖率", "Visit coverage"),
        ("deliveries", "十送行动", "Ten-deliveries actions"),
        ("urgent_resolved", "急难诉求解决率", "Urgent needs resolved"),
        ("resolve_days", "诉求平均解决天数", "Mean days to resolve"),
        ("forms_current", "表单按期率", "Forms current"),
        ("trainings", "培训", "Trainings"),
        ("relocated_employment", "搬迁劳动力就业率", "Relocated labour employed"),
        ("manual", "督导评分", "Supervisor's score"),
    ],
)

INDICATORS: tuple[str, ...] = tuple(DEFAULT_WEIGHTS)
DELIVERY_CATEGORY_COUNT = 10
DELIVERY_ACTIONS_TARGET = 30  # about one action every three days in a quarter
RESOLVE_DAYS_GOOD = 7.0
RESOLVE_DAYS_BAD = 60.0
TRAININGS_TARGET = 3  # 培训制度化: one a month


@dataclass(frozen=True, slots=True)
class TeamIndicators:
    """The raw figures of one team for one quarter, as the store counts them."""

    team_id: str
    team_name: str
    households: int = 0
    households_visited: int = 0
    delivery_actions: int = 0
    delivery_categories: int = 0  # categories with at least one action (0–10)
    needs_resolved: int = 0  # resolved within the quarter
    needs_open: int = 0  # still open at the quarter's end
    mean_resolve_days: float | None = None  # of the needs resolved in the quarter
    forms_current: int = 0  # households whose form is not overdue at the quarter's end
    trainings: int = 0
    relocated_labour_households: int = 0  # relocated households with labour capacity
    relocated_employed_households: int = 0  # … of which a member is in stable work
    manual: float | None = None  # the supervisor's score, 0–100; None: not entered
    deliveries_by_category: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TeamScore:
    """A team's indicator scores (0–100), weighted total and rank."""

    indicators: TeamIndicators
    scores: dict[str, float]
    total: float
    rank: int = 0


def _ratio(part: float, whole: float, empty: float) -> float:
    if whole <= 0:
        return empty
    return max(0.0, min(1.0, part / whole))


def indicator_scores(ind: TeamIndicators) -> dict[str, float]:
    """Each indicator's score, 0–100, by the rules in this module's docstring."""
    breadth = min(max(ind.delivery_categories, 0), DELIVERY_CATEGORY_COUNT) / DELIVERY_CATEGORY_COUNT
    volume = min(max(ind.delivery_actions, 0), DELIVERY_ACTIONS_TARGET) / DELIVERY_ACTIONS_TARGET
    if ind.mean_resolve_days is None:
        days = 0.0 if ind.needs_open > 0 else 1.0
    else:
        span = RESOLVE_DAYS_BAD - RESOLVE_DAYS_GOOD
        days = max(0.0, min(1.0, (RESOLVE_DAYS_BAD - ind.mean_resolve_days) / span))
    manual = 0.0 if ind.manual is None or math.isnan(ind.manual) else max(0.0, min(100.0, ind.manual))
    scores = {
        "visit_coverage": 100 * _ratio(ind.households_visited, ind.households, 0.0),
        "deliveries": 60 * breadth + 40 * volume,
        "urgent_resolved": 100 * _ratio(ind.needs_resolved, ind.needs_resolved + ind.needs_open, 1.0),
        "resolve_days": 100 * days,
        "forms_current": 100 * _ratio(ind.forms_current, ind.households, 0.0),
        "trainings": 100 * min(max(ind.trainings, 0), TRAININGS_TARGET) / TRAININGS_TARGET,
        "relocated_employment": 100 * _ratio(ind.relocated_employed_households,
                                             ind.relocated_labour_households, 1.0),
        "manual": manual,
    }
    return {k: round(v, 4) for k, v in scores.items()}


def normalise_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The weights of the known indicators, negative or unreadable ones as 0, scaled to
    sum to 1. All zero (or none given) falls back to :data:`DEFAULT_WEIGHTS`."""
    clean: dict[str, float] = {}
    for key in INDICATORS:
        try:
            value = float((weights or {}).get(key, 0.0))
        except (TypeError, ValueError):
            value = 0.0
        clean[key] = value if math.isfinite(value) and value > 0 else 0.0
    largest = max(clean.values())
    if largest <= 0:
        return dict(DEFAULT_WEIGHTS)
    # Scaled by the largest first: two weights near the float maximum would sum to inf.
    scaled = {k: v / largest for k, v in clean.items()}
    total = sum(scaled.values())
    return {k: v / total for k, v in scaled.items()}


def weighted_total(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The weighted score, 0–100 (weights are normalised first)."""
    norm = normalise_weights(weights)
    return round(sum(norm[k] * scores.get(k, 0.0) for k in INDICATORS), 2)


def rank_totals(totals: Sequence[float]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) of the totals, highest first."""
    order = sorted(range(len(totals)), key=lambda i: -totals[i])
    ranks = [0] * len(totals)
    for pos, i in enumerate(order):
        if pos and totals[i] == totals[order[pos - 1]]:
            ranks[i] = ranks[order[pos - 1]]
        else:
            ranks[i] = pos + 1
    return ranks


def assess(teams: Sequence[TeamIndicators], weights: Mapping[str, float] | None = None
           ) -> list[TeamScore]:
    """Score and rank the teams: highest total first; equal totals share a rank and keep
    a stable order (team name, then id), so the table never reshuffles between runs."""
    weights = weights if weights is not None else DEFAULT_WEIGHTS
    scored = [(ind, indicator_scores(ind)) for ind in teams]
    totals = [weighted_total(s, weights) for _, s in scored]
    ranks = rank_totals(totals)
    out = [TeamScore(ind, s, t, r) for (ind, s), t, r in zip(scored, totals, ranks, strict=True)]
    out.sort(key=lambda x: (x.rank, x.indicators.team_name, x.indicators.team_id))
    return out


# ---------------------------------------------------------------- half-year stars

#: Lowest mean score for each star count, highest first.
STAR_BANDS: tuple[tuple[float, int], ...] = ((90.0, 5), (80.0, 4), (70.0, 3), (60.0, 2), (0.0, 1))

STAR_RULE_ZH = (
    "星级按两个季度考核总分的平均分评定：90分及以上五星，80–89.99分四星，70–79.99分三星，"
    "60–69.99分二星，60分以下一星；某季度没有考核数据按0分计。采用固定分数段而不按名次比例，"
    "是为了让每个工作队凭自身工作就能评上高星级，评定结果不取决于导入了哪些工作队；"
    "分数段与干部考核常用的优秀（90分）、良好（80分）、合格（60分）一致。")
STAR_RULE_EN = (
    "Stars come from the mean of the two quarters' totals: 90 and above five stars, 80–89.99 "
    "four, 70–79.99 three, 60–69.99 two, below 60 one; a quarter without an assessment counts "
    "0. Fixed score bands rather than quotas by rank, so every team can earn five stars by its "
    "own work and the rating does not depend on which teams were imported; the bands match the "
    "usual cadre grades 优秀 (90), 良好 (80) and 合格 (60).")


@dataclass(frozen=True, slots=True)
class HalfYear:
    """A half year, e.g. 2026H2 (quarters 3 and 4)."""

    year: int
    number: int  # 1 or 2

    @property
    def code(self) -> str:
        """2026H2."""
        return f"{self.year}H{self.number}"

    @property
    def label(self) -> str:
        """2026年下半年."""
        return f"{self.year}年{'上' if self.number == 1 else '下'}半年"

    @property
    def quarters(self) -> tuple[str, str]:
        """The two quarter codes, e.g. ("2026Q3", "2026Q4")."""
        first = 2 * self.number - 1
        return f"{self.year}Q{first}", f"{self.year}Q{first + 1}"


_HALF = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*[Hh]\s*([12])\s*$")


def parse_half_year(text: str) -> HalfYear | None:
    """``2026H2`` as a :class:`HalfYear`; None when it is not one."""
    m = _HALF.match(text or "")
    return HalfYear(int(m.group(1)), int(m.group(2))) if m else None


def half_year_of_quarter(year: int, quarter: int) -> HalfYear:
    """The half year a quarter belongs to."""
    return HalfYear(year, 1 if quarter <= 2 else 2)


def stars_for(mean_score: float) -> int:
    """1–5 stars for a mean half-year score, by :data:`STAR_BANDS`."""
    for low, stars in STAR_BANDS:
        if mean_score >= low:
            return stars
    return 1


def half_year_mean(first: float | None, second: float | None) -> float:
    """The mean of the two quarters' totals, a missing quarter counting 0."""
    return round(((first or 0.0) + (second or 0.0)) / 2, 2)


# ---------------------------------------------------------------- cadres

#: A cadre's quarterly targets: households visited (about three a week) and assistance
#: measures recorded as the responsible cadre.
CADRE_VISIT_TARGET = 40
CADRE_ASSISTANCE_TARGET = 10
#: How a cadre's score is made up: visits, assistance, urgent needs resolved, supervisor.
CADRE_WEIGHTS: dict[str, float] = {"visits": 0.4, "assistance": 0.2, "needs": 0.2, "manual": 0.2}


@dataclass(frozen=True, slots=True)
class CadreIndicators:
    """One cadre's figures for a quarter."""

    households_visited: int = 0
    assistance_records: int = 0
    needs_raised: int = 0  # on the cadre's visits in the quarter
    needs_resolved: int = 0  # … of which resolved
    manual: float | None = None


def cadre_score(c: CadreIndicators) -> float:
    """A cadre's score, 0–100: 40 % households visited (up to :data:`CADRE_VISIT_TARGET`),
    20 % assistance measures (up to :data:`CADRE_ASSISTANCE_TARGET`), 20 % share of the
    urgent needs they found that are resolved (100 when they found none), 20 % the
    supervisor's score (0 when not entered). Monotone in each figure."""
    visits = min(max(c.households_visited, 0), CADRE_VISIT_TARGET) / CADRE_VISIT_TARGET
    assistance = min(max(c.assistance_records, 0), CADRE_ASSISTANCE_TARGET) / CADRE_ASSISTANCE_TARGET
    needs = _ratio(c.needs_resolved, c.needs_raised, 1.0)
    manual = 0.0 if c.manual is None or math.isnan(c.manual) else max(0.0, min(100.0, c.manual)) / 100
    w = CADRE_WEIGHTS
    return round(100 * (w["visits"] * visits + w["assistance"] * assistance + w["needs"] * needs
                        + w["manual"] * manual), 2)
