"""Saving what a cadre changed on a household's page, in one transaction.

The household's fields, the latest year's income and the rights ledger are parsed first:
one bad value raises :class:`DomainError` and nothing at all is written. Then every change
goes through the Writer (logged for sync), and the rules' facts are refreshed with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .households import find_household_id, parse_household_assignments, write_household_fields
from .income import IncomeEdit, parse_income, write_income
from .rights import RightEdit, write_right
from .store import Store


@dataclass(slots=True)
class SavedEdits:
    """What a save changed."""

    household_id: str
    fields: dict[str, object] = field(default_factory=dict)
    income: bool = False
    rights: int = 0

    @property
    def entities(self) -> set[str]:
        """The entities written (for ``ctx.data_changed``)."""
        out = set()
        if self.fields:
            out.add("household")
        if self.income:
            out.add("income")
        if self.rights:
            out.add("rights_item")
        return out


def save_household_edits(store: Store, key: str, fields: Mapping[str, str] | None = None,
                         income: IncomeEdit | None = None,
                         rights: Sequence[RightEdit] = (),
                         user: str | None = None) -> SavedEdits:
    """Save typed household fields (``{"phone": "138…"}``), an income row and rights
    of the household ``key`` (id or number), all or nothing."""
    parsed, village_code = parse_household_assignments(fields or {})
    if income is not None:
        parse_income(income.texts)  # refuse bad money before anything is written
    with store.write(user) as w:
        household_id = find_household_id(w.cursor, key)
        saved = SavedEdits(household_id)
        if parsed or village_code is not None:
            saved.fields = write_household_fields(w, household_id, parsed, village_code)
        if income is not None:
            saved.income = write_income(w, household_id, income)
        saved.rights = sum(write_right(w, household_id, edit) for edit in rights)
    return saved
