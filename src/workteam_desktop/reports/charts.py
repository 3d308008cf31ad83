"""Vector charts for the reports (reportlab.graphics): pies and horizontal bars.

The figures come from the same functions the dashboard uses
(:func:`workteam_desktop.store.figures.area_figures`), and the colours from its palette.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from . import styles as st
from .fonts import register_font

Items = Sequence[tuple[str, float]]


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose default font is ours (else reportlab adds an unembedded Helvetica)."""
    d = Drawing(width, height)
    d.initialFontName = register_font()
    return d


def _empty(width: float, height: float, font: str, size: float) -> Drawing:
    d = _drawing(width, height)
    d.add(String(width / 2, height / 2, "暂无数据", fontName=font, fontSize=size,
                 fillColor=st.MUTED, textAnchor="middle"))
    return d


def pie(items: Items, width: float, height: float, *, font_size: float = 9,
        value_text: Callable[[float], str] = lambda v: f"{v:,.0f}",
        colours: Sequence[str] | None = None, donut: bool = False) -> Drawing:
    """A pie (or donut) with a legend on the right: label, value and share."""
    font = register_font()
    shown = [(label, value) for label, value in items if value and value > 0]
    if not shown:
        return _empty(width, height, font, font_size)
    total = sum(v for _, v in shown)
    palette = list(colours or st.PALETTE)
    texts = [f"{label}  {value_text(value)}（{value / total:.1%}）" for label, value in shown]
    text_w = max(stringWidth(t, font, font_size) for t in texts)
    # The legend needs its text's width beside the pie: the pie takes what is left.
    gap, swatch = 16.0, font_size * 0.9
    diameter = max(40.0, min(height - 8, width - gap - swatch - 10 - text_w - 4))
    d = _drawing(width, height)
    chart = Pie()
    chart.x = 4
    chart.y = (height - diameter) / 2
    chart.width = chart.height = diameter
    chart.data = [v for _, v in shown]
    chart.labels = None
    chart.startAngle = 90
    chart.direction = "clockwise"
    chart.slices.strokeColor = colors.white
    chart.slices.strokeWidth = 0.8
    if donut:
        chart.innerRadiusFraction = 0.45
    for i in range(len(shown)):
        chart.slices[i].fillColor = colors.HexColor(palette[i % len(palette)])
    d.add(chart)
    legend = Legend()
    legend.fontName = font
    legend.fontSize = font_size
    legend.x = 4 + diameter + gap
    legend.y = height / 2 + (len(shown) * font_size * 1.9) / 2
    legend.dx = legend.dy = swatch
    legend.dxTextSpace = 8
    legend.deltay = font_size * 1.9
    legend.columnMaximum = 99
    legend.alignment = "right"
    legend.strokeColor = None
    legend.colorNamePairs = [(colors.HexColor(palette[i % len(palette)]), text)
                             for i, text in enumerate(texts)]
    d.add(legend)
    return d


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def hbar(items: Items, width: float, height: float, *, font_size: float = 9,
         value_text: Callable[[float], str] = lambda v: f"{v:,.0f}",
         colour: str = st.PALETTE[1]) -> Drawing:
    """Horizontal bars, largest on top, each labelled with its value."""
    font = register_font()
    if not items:
        return _empty(width, height, font, font_size)
    ordered = sorted(items, key=lambda kv: kv[1])  # the chart draws bottom-up
    names = [label for label, _ in ordered]
    values = [float(v or 0) for _, v in ordered]
    label_w = max(stringWidth(n, font, font_size) for n in names) + 8
    value_w = max(stringWidth(value_text(v), font, font_size) for v in values) + 8
    d = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x = label_w
    chart.y = font_size * 2.2
    chart.width = max(40.0, width - label_w - value_w)
    chart.height = height - chart.y - 4
    chart.data = [values]
    chart.bars[0].fillColor = colors.HexColor(colour)
    chart.bars[0].strokeColor = None
    chart.barSpacing = 0
    chart.groupSpacing = max(2.0, chart.height / max(1, len(values)) * 0.3)
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = font_size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = st.RULE
    chart.categoryAxis.tickLeft = 0
    top = _nice_max(max(values) * 1.05)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = top / 5
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = font_size * 0.85
    chart.valueAxis.labels.fillColor = st.MUTED
    chart.valueAxis.labelTextFormat = value_text
    chart.valueAxis.strokeColor = st.RULE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e3e8ee")
    chart.valueAxis.gridStrokeWidth = 0.5
    chart.barLabelFormat = value_text
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = font_size
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barLabels.fillColor = st.INK
    d.add(chart)
    return d


def caption(text: str, width: float, font_size: float = 10) -> Drawing:
    """A chart title drawn as part of the chart (stays with it on the page)."""
    font = register_font()
    d = _drawing(width, font_size * 1.8)
    d.add(String(0, font_size * 0.5, text, fontName=font, fontSize=font_size,
                 fillColor=st.ACCENT))
    return d
