"""The CLI tests work on a private copy of the default demo county (600 households)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def demo_home(demo_copy) -> Path:
    """A private copy of the demo county for one test."""
    return demo_copy()
