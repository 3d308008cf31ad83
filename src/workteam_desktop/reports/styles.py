"""Paragraph styles, colours and number formats shared by every report.

One restrained look, as on screen: grey-blue for structure, red and amber words only for
what needs action (观测对象, 零就业, 逾期未更新, 权益悬空).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle

from ..domain.fields import money_text
from .fonts import register_font

INK = colors.HexColor("#1f2d3d")
MUTED = colors.HexColor("#5b6b7b")
ACCENT = colors.HexColor("#2f5d8a")
RULE = colors.HexColor("#b8c4d0")
HEADER_BG = colors.HexColor("#e6edf5")
ZEBRA = colors.HexColor("#f5f7fa")
RED = colors.HexColor("#c5221f")
AMBER = colors.HexColor("#b06d00")
LEVEL_COLOURS = {"red": RED, "amber": AMBER}

PALETTE = ["#2f6fdb", "#36a2a6", "#f0a030", "#8e6ccf", "#d9534f", "#5cb85c", "#7f8c9a",
           "#e377c2", "#17becf", "#bcbd22", "#8c564b"]
"""Chart colours: the dashboard's palette, so paper and screen look alike."""


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of one report size (A4 or the larger wall charts)."""

    title: ParagraphStyle
    subtitle_line: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    figure: ParagraphStyle
    figure_label: ParagraphStyle
    font: str
    cell_size: float
    scale: float


@functools.cache
def make_styles(scale: float = 1.0) -> Styles:
    """Styles for a report; ``scale`` enlarges everything (wall charts read from afar).

    Cached: one set per scale for the life of the process (tables derive from them)."""
    font = register_font()

    def style(name: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
        kw.setdefault("textColor", INK)
        return ParagraphStyle(f"{name}@{scale}", fontName=font, fontSize=size * scale,
                              leading=leading * scale, wordWrap="CJK", **kw)

    cell = style("cell", 8.8, 12.0)
    return Styles(
        title=style("title", 18, 26, alignment=TA_CENTER, spaceAfter=2 * scale),
        subtitle_line=style("subtitle_line", 10, 15, alignment=TA_CENTER, textColor=MUTED),
        heading=style("heading", 12.5, 18, textColor=ACCENT, spaceBefore=8 * scale,
                      spaceAfter=4 * scale),
        subheading=style("subheading", 10.5, 15, textColor=ACCENT, spaceBefore=4 * scale,
                         spaceAfter=2 * scale),
        body=style("body", 10, 16, spaceAfter=4 * scale),
        small=style("small", 8.5, 12, textColor=MUTED),
        cell=cell,
        figure=style("figure", 22, 28, alignment=TA_CENTER, textColor=ACCENT),
        figure_label=style("figure_label", 9.5, 13, alignment=TA_CENTER, textColor=MUTED),
        font=font,
        cell_size=cell.fontSize,
        scale=scale,
    )


_derived: dict[tuple[int, tuple], ParagraphStyle] = {}


def derive(style: ParagraphStyle, **changes: object) -> ParagraphStyle:
    """``style`` with some attributes changed (cached: styles live for the process)."""
    key = (id(style), tuple(sorted((k, str(v)) for k, v in changes.items())))
    if key not in _derived:
        _derived[key] = ParagraphStyle(f"{style.name}+{len(_derived)}", parent=style, **changes)
    return _derived[key]


def coloured(style: ParagraphStyle, level: str) -> ParagraphStyle:
    """``style`` in red or amber (for words that need action)."""
    return derive(style, textColor=LEVEL_COLOURS[level])


# ---------------------------------------------------------------- formats

def cn_date(value: dt.date | str | None) -> str:
    """2026年11月29日 (the PDFs' date form); empty when unknown."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.year}年{value.month}月{value.day}日"


def money(value: float | None) -> str:
    """1,234.50 (empty when unknown)."""
    return money_text(value)


def yuan(value: float | None) -> str:
    """1,234.50 元 (empty when unknown)."""
    return money_text(value, unit="元")


def count(value: float | None) -> str:
    """A whole number with thousands separators."""
    return "" if value is None else f"{value:,.0f}"


def percent(value: float | None) -> str:
    """85.3% (one decimal)."""
    return "" if value is None else f"{value * 100:.1f}%"
