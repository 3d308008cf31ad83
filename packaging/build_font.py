"""Rebuild resources/fonts/wqy-microhei-gbk.ttf: WenQuanYi Micro Hei cut to the GBK range.

The full font is 5 MB; GBK (about 21,900 Chinese characters plus symbols) covers every
name a household roster holds, rare ones such as 堃, 喆 and 镕 included, in about 3 MB.
TrueType outlines matter: reportlab cannot embed CFF/OTF outlines.

Usage (Debian/Ubuntu): apt-get install fonts-wqy-microhei; python packaging/build_font.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
TARGET = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "wqy-microhei-gbk.ttf"


def gbk_code_points() -> list[int]:
    """Every code point GBK can encode (ASCII included)."""
    points = []
    for cp in range(0x20, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        try:
            chr(cp).encode("gbk")
        except UnicodeEncodeError:
            continue
        points.append(cp)
    return points


def main() -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} not found: apt-get install fonts-wqy-microhei", file=sys.stderr)
        return 1
    font = TTCollection(str(SOURCE)).fonts[0]  # 0: Micro Hei (1 is the monospaced face)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False  # smaller; Micro Hei's hints matter little at screen sizes
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=gbk_code_points())
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    print(f"{TARGET.name}: {TARGET.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
