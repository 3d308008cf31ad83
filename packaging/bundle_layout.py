"""What goes into the one-folder program and what is left out (used by workteam.spec).

Kept free of PyInstaller so the fast tests can check it without building anything.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Folders the program reads from files, copied as they are: (source in the repository, place
# in the bundle). The places are where paths.py and store/migrate.py look in an installed
# package, next to the frozen modules (PyInstaller's _internal/workteam_desktop/...).
# Alembic loads env.py and the version scripts from files, so the migrations ship as source.
DATA_FOLDERS = [
    ("resources", "workteam_desktop/resources"),
    ("forms", "workteam_desktop/forms"),
    ("src/workteam_desktop/store/migrations", "workteam_desktop/store/migrations"),
]
# Caches, and the translation sources (the program reads the compiled .qm).
SKIP_SUFFIXES = {".pyc", ".ts"}

# Qt plugins the program never loads. The virtual keyboard alone drags in QtQuick and QtQml
# (about 20 MB); the embedded-Linux platforms, network plugins and the GTK theme (we draw
# with Fusion) are dead weight on a laptop. Kept: xcb, wayland, offscreen and minimal on
# Linux, windows on Windows, the ibus/compose input contexts (Chinese input methods), image
# formats, the SVG icon engine. None: the whole folder.
UNUSED_PLUGINS: dict[str, set[str] | None] = {
    "platforminputcontexts": {"qtvirtualkeyboardplugin"},
    "platforms": {"qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc"},
    "platformthemes": {"qgtk3"},
    "egldeviceintegrations": None,
    "generic": None,
    "networkinformation": None,
    "tls": None,
}


def data_files(root: Path = ROOT) -> list[tuple[str, str]]:
    """(file, folder in the bundle) for every file of DATA_FOLDERS, caches left out."""
    found = []
    for source, target in DATA_FOLDERS:
        base = root / source
        for path in sorted(base.rglob("*")):
            if path.is_dir() or "__pycache__" in path.parts or path.suffix in SKIP_SUFFIXES:
                continue
            found.append((str(path), (Path(target) / path.parent.relative_to(base)).as_posix()))
    return found


def keep_translation(dest: str) -> bool:
    """False for Qt's own catalogues other than Chinese: only qtbase_zh_CN is ever loaded
    (English needs none); the program's own .qm files are always kept."""
    parts = Path(dest).parts
    if "translations" not in parts or not dest.endswith(".qm") or "workteam_desktop" in parts:
        return True
    return "_zh_CN" in Path(dest).name


def unused_plugin(dest: str) -> bool:
    """True for a Qt plugin in UNUSED_PLUGINS (names differ by platform: libqvnc.so, qvnc.dll)."""
    parts = Path(dest).parts
    if len(parts) < 3 or parts[-3] != "plugins" or parts[-2] not in UNUSED_PLUGINS:
        return False
    names = UNUSED_PLUGINS[parts[-2]]
    stem = Path(dest).name.split(".")[0].removeprefix("lib")
    return names is None or stem in names
