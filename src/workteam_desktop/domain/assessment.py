"""Quarterly assessment of work teams (季度考核) and half-year star rating (半年星级评定).

Pure scoring: the store gathers each team's raw indicator values; this module turns them
into 0–100 scores, a weighted total and a stable ranking. Nothing here reads a database.
"""

from __future__ import annotations

from workteam_desktop.domain.catalogues import Catalogue

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
