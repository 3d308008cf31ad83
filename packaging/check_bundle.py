"""Start the built one-folder program and check that it works frozen (`make package-test`).

In a fresh data home it fills a small demo county, lists the households (the store and the
alembic migrations work from inside the bundle), and renders the households page offscreen
to a PNG, which must be a real screen with Chinese text drawn in real glyphs: a bundle
missing its font draws every Chinese character as the same empty box ("tofu").

Usage: python packaging/check_bundle.py [dist/workteam] [--keep-png FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1366, 768)
HOUSEHOLDS = 50
NAV_WIDTH = 130  # the navigation column is about 150 px wide at 1366x768; stay inside it
INK = 150  # luminance above which a pixel of the dark navigation column is text


def executable(bundle: Path) -> Path:
    """The command-line executable of the bundle."""
    return bundle / ("workteam.exe" if sys.platform == "win32" else "workteam")


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the frozen program; fail with its stderr if it fails."""
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    took = time.monotonic() - started
    print(f"  {Path(command[0]).name} {' '.join(command[1:3])} … {took:.1f} s, exit {done.returncode}")
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return done


def no_system_fonts(folder: Path) -> Path:
    """A fontconfig configuration that knows no font folder at all."""
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig><cachedir>{folder / 'fontcache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    return conf


def text_lines(image: Image.Image) -> list[bytes]:
    """The text lines of the navigation column, each as its cropped black-and-white bitmap."""
    column = image.convert("L").crop((0, 0, min(NAV_WIDTH, image.width), image.height))
    ink = column.point(lambda v: 255 if v > INK else 0)
    width, height = ink.size
    pixels = ink.load()
    rows = [any(pixels[x, y] for x in range(width)) for y in range(height)]
    lines, start = [], None
    for y, has_ink in enumerate([*rows, False]):
        if has_ink and start is None:
            start = y
        elif not has_ink and start is not None:
            line = ink.crop((0, start, width, y))
            box = line.getbbox()
            if box:
                lines.append(line.crop(box).tobytes() + repr(line.crop(box).size).encode())
            start = None
    return lines


def glyph_problems(png: Path) -> list[str]:
    """Why the screenshot does not show a real page with Chinese glyphs (empty: it does)."""
    image = Image.open(png).convert("RGB")
    problems = []
    if image.size != SIZE:
        problems.append(f"size {image.size}, expected {SIZE}")
    colours = image.getcolors(maxcolors=1 << 16)
    if colours is not None and len(colours) < 64:
        problems.append(f"only {len(colours)} colours: a blank or nearly blank page")
    lines = text_lines(image)
    if len(lines) < 5:
        problems.append(f"{len(lines)} text lines in the navigation, expected its 9 pages")
    elif len(set(lines)) < len(lines):
        # 首页, 报表, 同步 and 设置 are four different words of two characters each: drawn
        # as boxes they are the same picture.
        problems.append(f"navigation labels look alike ({len(set(lines))} different of "
                        f"{len(lines)}): Chinese drawn as boxes, the font is missing")
    return problems


def check(bundle: Path, keep_png: Path | None) -> int:
    """Run the checks on ``bundle``; 0 when everything works."""
    program = executable(bundle)
    if not program.exists():
        print(f"{program} not found: run `make package` first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="workteam-bundle-") as tmp:
        home = Path(tmp) / "home"
        png = Path(tmp) / "households.png"
        # Nothing from the development tree may leak in: no PYTHONPATH, no WORKTEAM_HOME,
        # run from a folder far from the source.
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "WORKTEAM_HOME")}
        env |= {"QT_QPA_PLATFORM": "offscreen", "WORKTEAM_LANG": "zh"}
        if sys.platform.startswith("linux"):
            # Hide the machine's own fonts (a build machine often has a Chinese one) so the
            # page can only draw Chinese with the font inside the bundle.
            env["FONTCONFIG_FILE"] = str(no_system_fonts(Path(tmp)))
        os.chdir(tmp)
        run([str(program), "demo", "--home", str(home), "--households", str(HOUSEHOLDS)], env)
        listed = run([str(program), "households", "list", "--home", str(home), "--json"], env)
        households = json.loads(listed.stdout)
        if len(households) != HOUSEHOLDS:
            print(f"households list gave {len(households)} households, expected {HOUSEHOLDS}",
                  file=sys.stderr)
            return 1
        run([str(program), "gui", "--home", str(home), "--page", "households",
             "--screenshot", str(png), "--size", "x".join(map(str, SIZE))], env)
        problems = glyph_problems(png)
        if keep_png:
            keep_png.write_bytes(png.read_bytes())
            print(f"  screenshot: {keep_png}")
    for problem in problems:
        print(f"screenshot: {problem}", file=sys.stderr)
    if not problems:
        print(f"bundle OK: {HOUSEHOLDS} households listed, households page rendered with Chinese glyphs")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", type=Path, default=ROOT / "dist" / "workteam")
    parser.add_argument("--keep-png", type=Path, help="copy the screenshot here")
    args = parser.parse_args()
    keep = args.keep_png.resolve() if args.keep_png else None
    return check(args.bundle.resolve(), keep)


if __name__ == "__main__":
    sys.exit(main())
