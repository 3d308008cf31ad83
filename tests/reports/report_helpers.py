"""Helpers for report tests: read PDFs back with poppler (pdftotext, pdfinfo, pdffonts)."""

from __future__ import annotations

import subprocess
from pathlib import Path

COMMUNITY = "140215100001"  # 西坪振兴安置社区: every household relocated
VILLAGE = "140215100201"  # 三岔铺村


def pdf_text(path: Path, *, layout: bool = False) -> str:
    """The text of a PDF (pages separated by form feeds)."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf_pages(path: Path) -> list[str]:
    """The text of each page."""
    return pdf_text(path).split("\f")[:-1]


def pdf_page_count(path: Path) -> int:
    """The page count pdfinfo reports."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return int(next(line.split(":")[1] for line in out.splitlines()
                    if line.startswith("Pages:")))


def pdf_fonts(path: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) for each font pdffonts lists."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                         check=True).stdout
    fonts = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type… encoding emb sub uni object-id generation
        fonts.append((parts[0], parts[-5] == "yes"))
    return fonts
