"""Problems a form answer can have beyond those of :mod:`workteam_desktop.domain.problems`.

They behave like :class:`~workteam_desktop.domain.problems.Problem` (a code, parameters,
``message(lang)``), so the GUI shows either kind the same way. ID numbers, phones, dates,
amounts and required fields keep the domain's own messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

_MESSAGES: dict[str, tuple[str, str]] = {
    "text.too_long": ("{field}最多{max}个字，现在是{length}个字",
                      "{field} takes at most {max} characters, not {length}"),
    "number.min": ("{field}不能小于{min}", "{field} cannot be less than {min}"),
    "number.max": ("{field}不能大于{max}", "{field} cannot be more than {max}"),
    "date.min": ("{field}不能早于{min}", "{field} cannot be before {min}"),
    "date.max": ("{field}不能晚于{max}", "{field} cannot be after {max}"),
    "date.future": ("{field}不能晚于今天", "{field} cannot be in the future"),
    "value.unreadable": ("{field}的内容无法识别，请重新填写", "{field} could not be read; enter it again"),
    "group.min": ("{field}至少要有{min}项", "{field} needs at least {min} entries"),
    "group.max": ("{field}最多{max}项", "{field} takes at most {max} entries"),
}


class ProblemLike(Protocol):
    """What the GUI needs of a problem: a code and a message."""

    code: str

    def message(self, lang: str = "zh") -> str:
        """The user-facing sentence."""
        ...


@dataclass(frozen=True, slots=True)
class FormProblem:
    """A problem with one answer of a form, with what to do about it."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        """The user-facing message in ``lang`` ("zh" default, or "en")."""
        zh, en = _MESSAGES[self.code]
        return (en if lang.startswith("en") else zh).format(**self.params)

    def __str__(self) -> str:
        return self.message()
