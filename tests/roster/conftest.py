"""Roster tests work on private copies of the default demo county (600 households, seed 1),
whose villages the example rosters in tests/data name; make_rosters (tests/data) is
importable so tests can know which rows of the examples are bad."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))


@pytest.fixture
def demo_home(demo_copy) -> Path:
    """A private copy of the demo county for one test."""
    return demo_copy()
