"""Printing for the command line: JSON for scripts, aligned tables for people."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

from ..domain.fields import money_text


def print_json(data: Any) -> None:
    """Print ``data`` as JSON with Chinese kept readable."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                right_aligned: Sequence[int] = ()) -> None:
    """Print rows under headers, columns aligned for CJK text."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    out = sys.stdout
    out.write("  ".join(pad(h, widths[i], i in right_aligned) for i, h in enumerate(headers)))
    out.write("\n")
    for row in cells:
        out.write("  ".join(pad(v, widths[i], i in right_aligned) for i, v in enumerate(row)))
        out.write("\n")


def money(value: float | None) -> str:
    """An amount as 1,234.50 (empty when unknown)."""
    return money_text(value)
