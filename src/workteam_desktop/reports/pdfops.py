"""Writing text into a PDF page directly, for the places that draw the most text.

reportlab's ``canvas.drawString`` builds a text object per call and formats every
number with its pure-Python ``fp_str``; a thousand household files spent most of their
time there. These helpers write the same PDF operators for our TrueType font with
cached pieces: the encoded form of a string (per document: a character's font subset
never changes within one), subset resource names and colour operators.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import getFont

from .text import text_width


def encoded_runs(font: Any, doc: Any, canvas: Any, line: str) -> list[tuple[int, str]]:
    """``line`` as (font subset, ``(…) Tj`` operator) pairs, cached per document: the
    same labels, statuses and dates recur on every household's page."""
    cache = doc.__dict__.setdefault("_workteam_runs", {})
    runs = cache.get((font.fontName, line))
    if runs is None:
        runs = cache[(font.fontName, line)] = [
            (subset, f"({canvas._escape(chunk)}) Tj")
            for subset, chunk in font.splitString(line, doc)]
    return runs


def subset_name(font: Any, doc: Any, subset: int) -> str:
    """The PDF resource name of a font subset (cached per document)."""
    names = doc.__dict__.setdefault("_workteam_subsets", {})
    name = names.get((font.fontName, subset))
    if name is None:
        name = names[(font.fontName, subset)] = font.getSubsetInternalName(subset, doc)
    return name


_fill_ops: dict[str, str] = {}


def fill_op(colour: Any) -> str:
    """The PDF operator setting ``colour`` (an RGB colour) as the fill colour."""
    key = colour.hexval() if hasattr(colour, "hexval") else str(colour)
    op = _fill_ops.get(key)
    if op is None:
        r, g, b = colour.rgb()
        op = _fill_ops[key] = f"{r:.3f} {g:.3f} {b:.3f} rg"
    return op


def draw_string(canvas: Any, x: float, y: float, text: str, font_name: str, size: float,
                colour: Any, alignment: int = 0) -> None:
    """One line of text at (x, y), left-aligned, centred on x or right-aligned to x.

    Falls back to reportlab's own drawing for fonts other than TrueType ones and for a
    canvas whose origin is not at the bottom.
    """
    font = getFont(font_name)
    if alignment == TA_CENTER:
        x -= text_width(text, font_name, size) / 2
    elif alignment == TA_RIGHT:
        x -= text_width(text, font_name, size)
    if not getattr(font, "_dynamicFont", False) or not canvas.bottomup:
        canvas.saveState()
        canvas.setFont(font_name, size)
        canvas.setFillColor(colour)
        canvas.drawString(x, y, text)
        canvas.restoreState()
        return
    doc = canvas._doc
    size_text = f"{size:.2f}"
    ops = [f"q BT {fill_op(colour)} 1 0 0 1 {x:.2f} {y:.2f} Tm"]
    current = None
    for subset, shown in encoded_runs(font, doc, canvas, text):
        if subset != current:
            ops.append(f"{subset_name(font, doc, subset)} {size_text} Tf")
            current = subset
        ops.append(shown)
    ops.append("ET Q")
    canvas._code.append(" ".join(ops))
