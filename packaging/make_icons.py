"""Make the application icon's PNG sizes and the Windows .ico from resources/icons/workteam.svg.

The SVG is the source (drawn by hand); the PNGs are committed so neither the program nor the
packaging needs an SVG renderer at run time. Qt renders the SVG offscreen; Pillow, which
reportlab already brings in, writes the multi-size .ico for Windows (Qt's .ico writer keeps
only one size).

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SOURCE = ICONS / "workteam.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    """Where the PNG of one size lives (the name the .desktop and the program use)."""
    return ICONS / f"workteam-{size}.png"


def render_pngs() -> list[Path]:
    """Render the SVG at every size with Qt (antialiased, transparent background)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE.name}: not a valid SVG")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        if not image.save(str(png_path(size))):
            raise SystemExit(f"could not write {png_path(size)}")
        written.append(png_path(size))
    return written


def write_ico() -> Path:
    """A Windows .ico holding every size (Explorer, taskbar and Start menu pick their own)."""
    from PIL import Image

    target = ICONS / "workteam.ico"
    largest = Image.open(png_path(max(SIZES))).convert("RGBA")
    # Pillow scales the largest image down for each size; hand it the sharper small
    # renderings instead where Qt drew them at that size.
    extra = [Image.open(png_path(s)).convert("RGBA") for s in SIZES if s != max(SIZES)]
    largest.save(target, format="ICO", sizes=[(s, s) for s in SIZES], append_images=extra)
    return target


def main() -> int:
    for path in [*render_pngs(), write_ico()]:
        print(f"{path.name}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
