"""The form engine: read answers against a definition, decide what is shown, validate.

Answers are plain JSON: ``{field: value, group: [{field: value, "_id": row id}, …]}``.
A value may be what a person typed (text) or already typed (a number, ``true``, a list of
codes): both are accepted, so drafts, pre-filled answers and imports go through the same
checks. Parsing uses :mod:`workteam_desktop.domain.fields` and the ID number and phone
rules, so a wrong ID number gets exactly the domain's message ("身份证号第18位校验码应为X").

Nothing here raises on odd input: an answer that cannot be read is a problem of its field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import fields as parsers
from .. import idnumber, phone
from ..problems import DomainError, Problem
from .conditions import evaluate
from .definition import TODAY, FieldDef, FormDef, GroupDef
from .messages import FormProblem, ProblemLike

ITEM_ID = "_id"
"""Key of a group item holding the id of the store row it was pre-filled from."""

_LIST_SPLIT = re.compile(r"[,，、;；\s]+")
_COMPACT_DATE = re.compile(r"^\d{8}$")


def item_path(group: str, index: int, name: str | None = None) -> str:
    """The path of a group item (``members[0]``) or of one of its fields (``members[0].name``)."""
    return f"{group}[{index}]" + (f".{name}" if name else "")


def is_blank(value: Any) -> bool:
    """True for an unanswered question: None, blank text or an empty list."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


# ---------------------------------------------------------------- one value


def _bound_date(bound: Any, today: dt.date) -> dt.date:
    return today if bound == TODAY else dt.date.fromisoformat(str(bound))


def _as_text(raw: Any) -> str | None:
    """Text of a scalar answer; None for something that is not text (a list, a dict)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    return None


def _number_limits(f: FieldDef, value: float, label: str) -> ProblemLike | None:
    if f.min is not None and value < float(f.min):  # type: ignore[arg-type]
        return FormProblem("number.min", {"field": label, "min": number_text(f.min, f.type)})
    if f.max is not None and value > float(f.max):  # type: ignore[arg-type]
        return FormProblem("number.max", {"field": label, "max": number_text(f.max, f.type)})
    return None


def number_text(value: Any, kind: str = "money") -> str:
    """A bound as people write it: amounts as 8,500 or 0.50, whole numbers (years) as 2015."""
    number = float(value)
    if kind != "money":
        return str(int(number)) if number.is_integer() else str(number)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


def _read_int(f: FieldDef, raw: Any, label: str) -> tuple[Any, ProblemLike | None]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str):
        try:
            value = parsers.parse_int(raw, label)
        except DomainError as exc:
            return None, exc.problem
        except ValueError:  # int() of a string of thousands of digits
            return None, Problem("int.invalid", {"text": raw[:20]})
    else:
        return None, Problem("int.invalid", {"text": str(raw)[:20]})
    return value, _number_limits(f, value, label)


def _read_money(f: FieldDef, raw: Any, label: str) -> tuple[Any, ProblemLike | None]:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            value = round(float(raw), 2)
        except OverflowError:
            return None, Problem("money.invalid", {"text": str(raw)[:20]})
        if value < 0:
            return None, Problem("money.negative", {"field": label})
    elif isinstance(raw, str):
        try:
            value = parsers.parse_money(raw, label)
        except DomainError as exc:
            return None, exc.problem
    else:
        return None, Problem("money.invalid", {"text": str(raw)[:20]})
    if not math.isfinite(value):  # "nan", "inf", "1e400" parse as floats
        return None, Problem("money.invalid", {"text": str(raw)[:20]})
    return value, _number_limits(f, value, label)


def _read_date(f: FieldDef, raw: Any, label: str, today: dt.date
               ) -> tuple[Any, ProblemLike | None]:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if _COMPACT_DATE.match(text):  # 19800501: the quickest way to type a date
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        try:
            value = parsers.parse_date(text, label)
        except DomainError as exc:
            return None, Problem("date.invalid", {"text": raw.strip()[:20]}) \
                if exc.problem.code == "date.invalid" else exc.problem
        except (ValueError, OverflowError):
            return None, Problem("date.invalid", {"text": raw.strip()[:20]})
    else:
        return None, Problem("date.invalid", {"text": str(raw)[:20]})
    problem: ProblemLike | None = None
    if f.min is not None and value < _bound_date(f.min, today):
        problem = FormProblem("date.min", {"field": label,
                                           "min": _bound_date(f.min, today).isoformat()})
    elif f.max is not None and value > _bound_date(f.max, today):
        problem = (FormProblem("date.future", {"field": label}) if f.max == TODAY
                   else FormProblem("date.max", {"field": label, "max": str(f.max)}))
    return value.isoformat(), problem


def _choice_problem(f: FieldDef, text: str, label: str, lang: str) -> Problem:
    choices = "、".join(c.label.get(lang) for c in f.choices)
    return Problem("choice.invalid", {"value": text[:20], "field": label, "choices": choices})


def _read_multichoice(f: FieldDef, raw: Any, label: str, lang: str
                      ) -> tuple[Any, ProblemLike | None]:
    if isinstance(raw, str):
        items: list[Any] = [p for p in _LIST_SPLIT.split(raw) if p]
    elif isinstance(raw, list | tuple):
        items = list(raw)
    else:
        return None, FormProblem("value.unreadable", {"field": label})
    chosen: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            return None, FormProblem("value.unreadable", {"field": label})
        code = f.code_for(item)
        if code is None:
            return None, _choice_problem(f, item, label, lang)
        chosen.add(code)
    # Choice order, not click order: the same answers always read the same.
    return [c.value for c in f.choices if c.value in chosen], None


def read_value(f: FieldDef, raw: Any, *, today: dt.date | None = None, lang: str = "zh"
               ) -> tuple[Any, ProblemLike | None]:
    """The normalized answer to ``f`` (None when blank or unreadable) and its problem.

    Normalized values are JSON: text, int, float (money), ISO date text, bool, a choice
    code, a list of codes. ``required`` is not checked here (see :func:`check_form`).
    """
    today = today or dt.date.today()
    label = f.label.get(lang)
    if is_blank(raw):
        return ([] if f.type == "multichoice" else None), None
    kind = f.type
    if kind == "int":
        return _read_int(f, raw, label)
    if kind == "money":
        return _read_money(f, raw, label)
    if kind == "date":
        return _read_date(f, raw, label, today)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, str):
            try:
                return parsers.parse_bool(raw, label), None
            except DomainError as exc:
                return None, exc.problem
        return None, FormProblem("value.unreadable", {"field": label})
    if kind == "multichoice":
        return _read_multichoice(f, raw, label, lang)
    text = _as_text(raw)
    if text is None:
        return None, FormProblem("value.unreadable", {"field": label})
    if kind == "choice":
        code = f.code_for(text)
        return (code, None) if code is not None else (None, _choice_problem(f, text, label, lang))
    if kind == "id_number":
        problem = idnumber.problem(text, today)
        return (idnumber.normalize(text), None) if problem is None else (None, problem)
    if kind == "phone":
        problem = phone.problem(text)
        return (phone.normalize(text), None) if problem is None else (None, problem)
    value = text.strip()  # text, textarea
    if f.max_length is not None and len(value) > f.max_length:
        return None, FormProblem("text.too_long", {"field": label, "max": f.max_length,
                                                   "length": len(value)})
    return value, None


def derived_values(f: FieldDef, raw: Any, scope: Sequence[FieldDef],
                   today: dt.date | None = None) -> dict[str, Any]:
    """What a valid ID number answer fills in (``"fills"``): {field name: value}.

    The birth date and sex encoded in the number, for the fields the definition names.
    Empty when ``raw`` is not a valid ID number.
    """
    if f.type != "id_number" or not f.fills or not isinstance(raw, str):
        return {}
    if idnumber.problem(raw, today) is not None:
        return {}
    by_name = {x.name: x for x in scope}
    out: dict[str, Any] = {}
    for what, target in f.fills.items():
        if what == "birth_date":
            out[target] = idnumber.birth_date(raw).isoformat()
        elif what == "sex":
            sex = idnumber.sex(raw)
            target_field = by_name.get(target)
            if target_field is not None and target_field.code_for(sex) is not None:
                out[target] = target_field.code_for(sex)
    return out


# ---------------------------------------------------------------- the whole form


@dataclass(slots=True)
class FormCheck:
    """What the engine makes of a set of answers.

    ``visible`` and ``values`` are keyed by path (``head_name``, ``members[0].name``);
    ``problems`` hold only shown fields (and a group's own problem under its name).
    ``cleaned`` is the answers to keep: shown fields only, normalized, group items with
    their ``_id``.
    """

    visible: dict[str, bool] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, ProblemLike] = field(default_factory=dict)
    cleaned: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing needs fixing."""
        return not self.problems


def _items(answers: Mapping[str, Any], group: GroupDef) -> list[Mapping[str, Any]]:
    raw = answers.get(group.name)
    if not isinstance(raw, list | tuple):
        return []
    return [item if isinstance(item, Mapping) else {} for item in raw]


def _check_field(f: FieldDef, raw: Any, path: str, lookup: Any, check: FormCheck,
                 out: dict[str, Any], today: dt.date, lang: str) -> None:
    shown = evaluate(f.show_if, lookup)
    check.visible[path] = shown
    if not shown:
        check.values[path] = None  # a hidden answer counts as unanswered for later conditions
        return
    value, problem = read_value(f, raw, today=today, lang=lang)
    if problem is None and f.required and is_blank(value):
        problem = Problem("field.required", {"field": f.label.get(lang)})
    check.values[path] = value
    if problem is not None:
        check.problems[path] = problem
    out[f.name] = value


def check_form(form: FormDef, answers: Any, *, today: dt.date | None = None,
               lang: str = "zh") -> FormCheck:
    """Visibility, normalized values, problems and cleaned answers, in one pass.

    Top-level conditions read earlier top-level answers; a group field's condition reads
    the same item's earlier answers, else the top-level ones (the definition guarantees it).
    """
    today = today or dt.date.today()
    answers = answers if isinstance(answers, Mapping) else {}
    check = FormCheck()
    top: dict[str, Any] = {}

    def top_lookup(name: str) -> Any:
        return check.values.get(name)

    for f in form.fields():
        _check_field(f, answers.get(f.name), f.name, top_lookup, check, top, today, lang)
    check.cleaned.update(top)
    for group in form.groups():
        cleaned_items: list[dict[str, Any]] = []
        items = _items(answers, group)
        for index, item in enumerate(items):
            own: dict[str, Any] = {}
            names = {f.name for f in group.fields}

            def lookup(name: str, _group: str = group.name, _index: int = index,
                       _names: set[str] = names) -> Any:
                if name in _names:
                    return check.values.get(item_path(_group, _index, name))
                return check.values.get(name)

            for f in group.fields:
                _check_field(f, item.get(f.name), item_path(group.name, index, f.name), lookup,
                             check, own, today, lang)
            row_id = item.get(ITEM_ID)
            if isinstance(row_id, str) and row_id:
                own[ITEM_ID] = row_id
            cleaned_items.append(own)
        label = group.item_label.get(lang)
        if len(items) < group.min_items:
            check.problems[group.name] = FormProblem("group.min",
                                                     {"field": label, "min": group.min_items})
        elif group.max_items is not None and len(items) > group.max_items:
            check.problems[group.name] = FormProblem("group.max",
                                                     {"field": label, "max": group.max_items})
        check.cleaned[group.name] = cleaned_items
    return check


def validate(form: FormDef, answers: Any, *, today: dt.date | None = None,
             lang: str = "zh") -> dict[str, ProblemLike]:
    """Problems of the shown fields, by path; empty when the answers can be submitted."""
    return check_form(form, answers, today=today, lang=lang).problems


def visible_paths(form: FormDef, answers: Any, *, today: dt.date | None = None) -> set[str]:
    """Paths of the fields shown for these answers."""
    check = check_form(form, answers, today=today)
    return {path for path, shown in check.visible.items() if shown}


class FormInvalid(ValueError):
    """Answers that cannot be submitted; ``problems`` by path, message lists the first few."""

    def __init__(self, problems: Mapping[str, ProblemLike], lang: str = "zh") -> None:
        self.problems = dict(problems)
        first = [p.message(lang) for p in list(self.problems.values())[:3]]
        more = "…" if len(self.problems) > 3 else ""
        super().__init__(f"表单有{len(self.problems)}处需要修改：" + "；".join(first) + more)


def clean(form: FormDef, answers: Any, *, today: dt.date | None = None,
          lang: str = "zh") -> dict[str, Any]:
    """The answers to keep: shown fields only, normalized; :class:`FormInvalid` if any is wrong."""
    check = check_form(form, answers, today=today, lang=lang)
    if check.problems:
        raise FormInvalid(check.problems, lang)
    return check.cleaned
