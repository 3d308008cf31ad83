"""The small condition language that decides whether a form field is shown.

A condition is JSON, never code (no ``eval``): a comparison of one field's answer, or
``all`` / ``any`` / ``not`` over other conditions::

    {"field": "relocated", "equals": true}
    {"field": "labour_capacity", "in": ["full", "partial"]}
    {"all": [{"field": "employed", "equals": true}, {"not": {"field": "sector", "filled": true}}]}

Evaluation never raises: an answer of the wrong type simply does not match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OPERATORS = ("equals", "not_equals", "in", "not_in", "filled", "contains", "gt", "gte", "lt",
             "lte")
"""Comparison operators, one per comparison."""

Lookup = Callable[[str], Any]
"""The normalized answer of a field by name (None when blank, invalid or hidden)."""


class ConditionError(ValueError):
    """A condition in a form definition is malformed; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Compare:
    """``{"field": name, op: operand}``."""

    field: str
    op: str
    operand: Any


@dataclass(frozen=True, slots=True)
class AllOf:
    """True when every part is true (an empty list is true)."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """True when some part is true (an empty list is false)."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """True when the part is false."""

    part: Condition


@dataclass(frozen=True, slots=True)
class Always:
    """A literal ``true`` or ``false``."""

    value: bool


Condition = Compare | AllOf | AnyOf | Not | Always


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def parse_condition(data: Any, where: str = "condition") -> Condition:
    """A condition from its JSON form; :class:`ConditionError` names what is wrong."""
    if isinstance(data, bool):
        return Always(data)
    if not isinstance(data, dict):
        raise ConditionError(f"{where}：条件应为对象，例如 {{\"field\": \"relocated\", \"equals\": true}}")
    keys = set(data)
    for combinator in ("all", "any"):
        if combinator in keys:
            if keys != {combinator}:
                raise ConditionError(f"{where}：“{combinator}”不能与其他键并列")
            parts = data[combinator]
            if not isinstance(parts, list):
                raise ConditionError(f"{where}.{combinator}：应为条件列表")
            parsed = tuple(parse_condition(p, f"{where}.{combinator}[{i}]")
                           for i, p in enumerate(parts))
            return AllOf(parsed) if combinator == "all" else AnyOf(parsed)
    if "not" in keys:
        if keys != {"not"}:
            raise ConditionError(f"{where}：“not”不能与其他键并列")
        return Not(parse_condition(data["not"], f"{where}.not"))
    if "field" not in keys:
        raise ConditionError(f"{where}：条件缺少“field”（或 all / any / not）")
    name = data["field"]
    if not isinstance(name, str) or not name:
        raise ConditionError(f"{where}.field：应为字段名")
    ops = keys - {"field"}
    if len(ops) != 1:
        raise ConditionError(
            f"{where}：比较须且只能有一个运算符，可用：{'、'.join(OPERATORS)}")
    op = ops.pop()
    if op not in OPERATORS:
        raise ConditionError(f"{where}：未知运算符“{op}”，可用：{'、'.join(OPERATORS)}")
    operand = data[op]
    if op in ("in", "not_in"):
        if not isinstance(operand, list) or not all(_scalar(v) for v in operand):
            raise ConditionError(f"{where}.{op}：应为取值列表")
        operand = tuple(operand)
    elif op == "filled":
        if not isinstance(operand, bool):
            raise ConditionError(f"{where}.filled：应为 true 或 false")
    elif op in ("gt", "gte", "lt", "lte"):
        if isinstance(operand, bool) or not isinstance(operand, int | float):
            raise ConditionError(f"{where}.{op}：应为数字")
    elif not _scalar(operand):
        raise ConditionError(f"{where}.{op}：应为单个取值")
    return Compare(name, op, operand)


def referenced_fields(cond: Condition) -> set[str]:
    """The field names a condition reads."""
    if isinstance(cond, Compare):
        return {cond.field}
    if isinstance(cond, AllOf | AnyOf):
        return set().union(*(referenced_fields(p) for p in cond.parts)) if cond.parts else set()
    if isinstance(cond, Not):
        return referenced_fields(cond.part)
    return set()


def _same(value: Any, expected: Any) -> bool:
    # Type-aware equality: in Python True == 1, but a yes/no answer is not the number 1.
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value == expected
    if isinstance(value, list):
        return False
    return bool(value == expected)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _compare(cond: Compare, value: Any) -> bool:
    op, operand = cond.op, cond.operand
    if op == "equals":
        return _same(value, operand)
    if op == "not_equals":
        return not _same(value, operand)
    if op == "in":
        return any(_same(value, v) for v in operand)
    if op == "not_in":
        return not any(_same(value, v) for v in operand)
    if op == "filled":
        return (value not in (None, "", [])) == operand
    if op == "contains":
        return isinstance(value, list) and any(_same(v, operand) for v in value)
    number = _number(value)
    if number is None:
        return False
    if op == "gt":
        return number > operand
    if op == "gte":
        return number >= operand
    if op == "lt":
        return number < operand
    return number <= operand  # lte


def evaluate(cond: Condition | None, lookup: Lookup) -> bool:
    """Whether ``cond`` holds for the answers ``lookup`` gives; no condition is true."""
    if cond is None:
        return True
    if isinstance(cond, Always):
        return cond.value
    if isinstance(cond, Compare):
        return _compare(cond, lookup(cond.field))
    if isinstance(cond, AllOf):
        return all(evaluate(p, lookup) for p in cond.parts)
    if isinstance(cond, AnyOf):
        return any(evaluate(p, lookup) for p in cond.parts)
    return not evaluate(cond.part, lookup)
