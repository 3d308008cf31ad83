"""Parsing and validating typed-in field values (CLI ``field=value``, imports, forms).

Each parser takes the text a person typed and returns the value to store, or raises
:class:`DomainError` with a message that says what to do.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from . import idnumber, phone
from .catalogues import HOUSEHOLD_TYPES, MONITORING_STATUSES, RISK_KINDS, Catalogue
from .problems import DomainError, Problem

_TRUE = {"1", "true", "yes", "y", "是", "有", "对"}
_FALSE = {"0", "false", "no", "n", "否", "无", "不"}


_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?$")


def money_text(value: float | None, *, unit: str = "") -> str:
    """The one way an amount is written: ``1,234.50`` (two decimals, thousands
    separators), followed by `` unit`` when given (``元``/``yuan``); empty when unknown.

    Parsing is :func:`parse_money`; every table, form, PDF and CLI line shows amounts
    through this function so a number reads the same everywhere."""
    if value is None:
        return ""
    text = f"{float(value):,.2f}"
    return f"{text} {unit}" if unit else text


def parse_time(text: str) -> str:
    """"14:30", "1430", "930" or "14" as "HH:MM"; "" for empty; ValueError otherwise (the
    visit time as the GUI and the command line both take it)."""
    t = text.strip().replace("：", ":")
    if not t:
        return ""
    m = _TIME.match(t)
    if not m:
        raise ValueError(text)
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(text)
    return f"{hour:02d}:{minute:02d}"


def parse_date(text: str, field_label: str = "") -> dt.date:
    """A date typed as 2026-11-29 (also 2026/11/29 or 2026年11月29日)."""
    cleaned = text.strip().replace("/", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        return dt.date.fromisoformat(cleaned) if len(cleaned) == 10 else _loose_date(cleaned)
    except ValueError:
        raise DomainError(Problem("date.invalid", {"text": text}), field_label) from None


def _loose_date(text: str) -> dt.date:
    year, month, day = (int(p) for p in text.split("-"))
    return dt.date(year, month, day)


def parse_optional_date(text: str, field_label: str = "") -> dt.date | None:
    """A date, or None for empty text."""
    return parse_date(text, field_label) if text.strip() else None


def parse_int(text: str, field_label: str = "") -> int | None:
    """A whole number, or None for empty text."""
    if not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise DomainError(Problem("int.invalid", {"text": text}), field_label) from None


def parse_money(text: str, field_label: str = "") -> float:
    """An amount in yuan: digits with optional thousands separators and 元."""
    cleaned = text.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
    try:
        value = round(float(cleaned), 2)
    except ValueError:
        raise DomainError(Problem("money.invalid", {"text": text}), field_label) from None
    if not math.isfinite(value):  # float() reads "nan" and "inf"; no amount is either
        raise DomainError(Problem("money.invalid", {"text": text}), field_label)
    if value < 0:
        raise DomainError(Problem("money.negative", {"field": field_label or "金额"}), field_label)
    return value


def parse_bool(text: str, field_label: str = "") -> bool:
    """Yes or no, in Chinese or English."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise DomainError(Problem("bool.invalid", {"text": text}), field_label)


def parse_id_number(text: str, field_label: str = "id_number") -> str | None:
    """A valid ID number (normalized), or None for empty text."""
    if not text.strip():
        return None
    problem = idnumber.problem(text)
    if problem is not None:
        raise DomainError(problem, field_label)
    return idnumber.normalize(text)


def parse_phone(text: str, field_label: str = "phone") -> str:
    """A valid phone number (normalized), or '' for empty text."""
    problem = phone.problem(text)
    if problem is not None:
        raise DomainError(problem, field_label)
    return phone.normalize(text)


def parse_required_text(text: str, field_label: str) -> str:
    """Non-empty text."""
    if not text.strip():
        raise DomainError(Problem("field.required", {"field": field_label}), field_label)
    return text.strip()


def choice_parser(catalogue: Catalogue, label: str) -> Callable[[str, str], str]:
    """A parser accepting a code, a Chinese label or an English label of ``catalogue``."""

    def parse(text: str, field_label: str = "") -> str:
        code = catalogue.code_for(text)
        if code is None:
            choices = "、".join(e.zh for e in catalogue)
            raise DomainError(Problem("choice.invalid",
                                      {"value": text, "field": label, "choices": choices}),
                              field_label)
        return code

    return parse


def _optional_choice(catalogue: Catalogue, label: str) -> Callable[[str, str], str | None]:
    parse = choice_parser(catalogue, label)
    return lambda text, field_label="": parse(text, field_label) if text.strip() else None


def _text(text: str, _field_label: str = "") -> str:
    return text.strip()


# Household fields a person may set by name (CLI ``households set``), with their parsers.
HOUSEHOLD_FIELD_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "number": lambda t, f="": parse_required_text(t, "户编号"),
    "head_name": lambda t, f="": parse_required_text(t, "户主姓名"),
    "id_number": parse_id_number,
    "phone": parse_phone,
    "address": _text,
    "type": choice_parser(HOUSEHOLD_TYPES, "户类型"),
    "relocated": parse_bool,
    "origin_village": _text,
    "resettlement_site": _text,
    "relocation_year": parse_int,
    "monitoring_status": choice_parser(MONITORING_STATUSES, "监测状态"),
    "risk_kind": _optional_choice(RISK_KINDS, "风险类型"),
    "monitoring_since": parse_optional_date,
    "risk_removed_on": parse_optional_date,
    "risk_removed_reason": _text,
    "accident_insured": parse_bool,
    "relapse_insured": parse_bool,
    "form_updated_on": parse_optional_date,
    "note": _text,
}

# Shown in household output but computed: setting them is refused with a clear message.
HOUSEHOLD_COMPUTED_FIELDS = frozenset({
    "id", "per_capita_income", "flags", "id_number_masked", "phone_masked", "member_count",
    "village_name", "updated_hlc", "deleted", "income_year",
})


def parse_household_field(name: str, text: str) -> Any:
    """The value to store for household field ``name`` typed as ``text``."""
    if name in HOUSEHOLD_COMPUTED_FIELDS:
        raise DomainError(Problem("field.readonly", {"field": name}), name)
    parser = HOUSEHOLD_FIELD_PARSERS.get(name)
    if parser is None:
        raise DomainError(Problem("field.unknown", {"field": name}), name)
    return parser(text, name)
