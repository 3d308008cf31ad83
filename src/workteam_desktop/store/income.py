"""A household's yearly income (收入构成): parse what a cadre typed, write it, preview it.

The per-capita figure the GUI shows while typing and the one the rules store in
``household_facts`` come from the same domain function, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..domain import fields
from ..domain.income import Income as IncomeFigures
from ..domain.income import per_capita_net
from ..domain.problems import DomainError, Problem
from .models import Income
from .writer import Writer

MONEY_FIELDS = ("wage", "operating", "property", "transfer", "costs")
INCOME_FIELDS = (*MONEY_FIELDS, "members")
FIELD_LABELS = {
    "wage": "工资性收入", "operating": "经营净收入", "property": "财产净收入",
    "transfer": "转移净收入", "costs": "生产经营费用", "members": "家庭人口",
}


@dataclass(frozen=True, slots=True)
class IncomeEdit:
    """The typed text of one year's income row; empty text is 0 (money) or "count the
    member rows" (members)."""

    year: int
    texts: Mapping[str, str]


def parse_income_field(name: str, text: str) -> Any:
    """The value to store for income field ``name`` typed as ``text``.

    Money: yuan, thousands separators allowed, never negative; empty is 0.
    ``members``: a whole number of at least 1, or None (count the member rows).
    Raises :class:`DomainError` with the message to show next to the field.
    """
    if name in MONEY_FIELDS:
        return fields.parse_money(text, FIELD_LABELS[name]) if text.strip() else 0.0
    if name == "members":
        value = fields.parse_int(text, FIELD_LABELS[name])
        if value is not None and value < 1:
            raise DomainError(Problem("members.zero"), name)
        return value
    raise DomainError(Problem("field.unknown", {"field": name}), name)


def parse_income(texts: Mapping[str, str]) -> dict[str, Any]:
    """Every field of ``texts`` parsed; raises for the first bad one."""
    return {name: parse_income_field(name, text) for name, text in texts.items()}


def preview_per_capita(texts: Mapping[str, str], member_rows: int) -> float | None:
    """Per-capita net income for typed text, or None while a field is not a number
    (or nobody is counted). ``member_rows`` counts when the members field is empty."""
    try:
        values = parse_income({n: texts.get(n, "") for n in INCOME_FIELDS})
    except DomainError:
        return None
    figures = IncomeFigures(*(values[n] for n in MONEY_FIELDS))
    return per_capita_net(figures, values["members"] or member_rows)


def write_income(w: Writer, household_id: str, edit: IncomeEdit) -> bool:
    """Write ``edit`` as the household's income row for its year (new row if none);
    inside the write ``w`` so the rules' facts are refreshed with it. True if changed."""
    values = parse_income(edit.texts)
    row = w.cursor.execute(
        "SELECT id FROM income WHERE household_id = ? AND year = ? AND deleted = 0 "
        "ORDER BY id LIMIT 1", (household_id, edit.year)).fetchone()
    if row is None:
        w.insert(Income, [{"household_id": household_id, "year": edit.year, **values}])
        return True
    return w.update(Income, row[0], values)
