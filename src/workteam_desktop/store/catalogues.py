"""The catalogues as this data home has them: built in, plus the region's extensions
(industries, measure kinds) from ``settings.toml``.

The domain stays pure (``domain.catalogues.with_extensions`` takes the entries); this is
where the store reads them, so checks and labels agree with what the GUI offers.
"""

from __future__ import annotations

from pathlib import Path

from ..domain.catalogues import Catalogue, with_extensions
from ..settings import load_settings


def region_catalogue(home: Path, catalogue: Catalogue) -> Catalogue:
    """``catalogue`` with the extensions set in ``home``'s settings (unchanged if none)."""
    return with_extensions(catalogue, load_settings(home).catalogue_extensions)
