"""Household income for a year (收入构成) and per-capita net income (人均纯收入)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Income:
    """A household's income for one year, in yuan."""

    wage: float = 0.0
    operating: float = 0.0
    property: float = 0.0
    transfer: float = 0.0
    costs: float = 0.0

    @builtins.property  # the field named `property` hides the builtin here
    def gross(self) -> float:
        """Sum of the four income kinds."""
        return self.wage + self.operating + self.property + self.transfer

    @builtins.property  # the field named `property` hides the builtin here
    def net(self) -> float:
        """Income less production costs."""
        return self.gross - self.costs


def per_capita_net(income: Income, members: int) -> float | None:
    """Per-capita net income = (income − costs) / members, in yuan, rounded to fen.

    None when the household has no members counted: a figure divided by zero would be
    shown as a real number and mislead the monitoring rule.
    """
    if members <= 0:
        return None
    return round(income.net / members, 2)
