"""The shipped Chinese font, registered with reportlab once per process.

WenQuanYi Micro Hei (cut to GBK, TrueType outlines) covers every character of a
household roster, rare ones such as 堃, 喆 and 镕 included; reportlab embeds the subset
each PDF uses, so the printout looks the same on any computer.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..paths import resources_dir

FONT_NAME = "WenQuanYiMicroHei"
FONT_FILE = "fonts/wqy-microhei-gbk.ttf"

_lock = threading.Lock()
_registered = False


def register_font() -> str:
    """Register the font (first call only; safe from any thread) and return its name."""
    global _registered
    if _registered:
        return FONT_NAME
    with _lock:
        if not _registered:
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(resources_dir() / FONT_FILE)))
            _registered = True
    return FONT_NAME
