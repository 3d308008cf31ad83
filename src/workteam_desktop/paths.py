"""Where the shipped data lives: resources/ (font, translations, icons) and forms/.

In an installed program both are inside the package (``pip install .`` puts them there);
in a source checkout with an editable install they are at the top of the repository. The
one-folder program (packaging/workteam.spec) has the installed layout: PyInstaller gives
frozen modules a ``__file__`` under its ``_internal`` folder, where the spec puts
``workteam_desktop/resources`` and ``workteam_desktop/forms``, so no special case is needed.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    checkout = _PACKAGE.parents[1] / name  # src/workteam_desktop -> repository root
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"workteam data folder {name!r} is missing from the installation")


def resources_dir() -> Path:
    """The resources folder (fonts, translations, icons, style sheet)."""
    return _data_dir("resources")


def forms_dir() -> Path:
    """The folder of form definitions."""
    return _data_dir("forms")
