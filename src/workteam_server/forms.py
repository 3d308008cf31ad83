"""Form definitions served to the teams: the shipped ``forms/`` plus ``<home>/forms``.

A definition in the server home replaces a shipped one of the same id and version; a new
version put there reaches every team at its next sync. Only definitions that the domain's
form parser accepts are served, so a broken file never reaches a laptop.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import workteam_desktop.domain as domain
from workteam_desktop.domain.forms.definition import FormDefinitionError, find_forms, load_form

log = logging.getLogger(__name__)


def shipped_forms_dir() -> Path | None:
    """The forms folder shipped with the program: inside the installed package, or at the
    top of a source checkout (the same places as the desktop's ``paths.forms_dir``)."""
    package = Path(domain.__file__).resolve().parents[1]  # …/workteam_desktop
    for candidate in (package / "forms", package.parents[1] / "forms"):
        if candidate.is_dir():
            return candidate
    return None


@dataclass(frozen=True, slots=True)
class FormFile:
    """One served form version."""

    form_id: str
    version: int
    sha256: str
    path: Path


def available_forms(home: Path) -> dict[tuple[str, int], FormFile]:
    """Every valid form version, keyed by (form id, version); the home's win."""
    found: dict[tuple[str, int], FormFile] = {}
    for folder in (shipped_forms_dir(), home / "forms"):
        if folder is None:
            continue
        for files in find_forms(folder).values():
            for path in files:
                try:
                    form = load_form(path)
                except FormDefinitionError as e:
                    log.warning("form definition skipped: %s", e)
                    continue
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                found[(form.id, form.version)] = FormFile(form.id, form.version, digest, path)
    return found
