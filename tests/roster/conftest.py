"""Roster tests work on private copies of the default demo county (600 households, seed 1),
whose villages the example rosters in tests/data name."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
sys.path.insert(0, str(DATA))

import make_rosters  # noqa: E402

XLSX = DATA / make_rosters.XLSX_NAME
CSV = DATA / make_rosters.CSV_NAME


@pytest.fixture
def demo_home(demo_copy) -> Path:
    """A private copy of the demo county for one test."""
    return demo_copy()
