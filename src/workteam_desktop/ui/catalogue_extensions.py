"""The region's catalogue extensions (settings.toml) used by every catalogue combo.

Set by the AppContext when it loads or saves the settings (one data home per running
program). A module of its own so that the start-up sets them without importing the
record widgets and the stores behind them.
"""

from __future__ import annotations

from ..domain.catalogues import Catalogue, with_extensions

_region_extensions: dict[str, list[tuple[str, str]]] = {}


def set_region_extensions(extensions: dict[str, list[tuple[str, str]]]) -> None:
    """Use these extra (code, label) entries in every catalogue combo made from now on."""
    _region_extensions.clear()
    _region_extensions.update({k: list(v) for k, v in extensions.items()})


def region_catalogue(catalogue: Catalogue) -> Catalogue:
    """``catalogue`` with the region's extensions (industries, measure kinds)."""
    return with_extensions(catalogue, _region_extensions)
