"""A demo county generated once per test session; tests that write get their own copy."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from workteam_desktop.store import Store


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo county (600 households, seed 1), generated once."""
    from workteam_desktop.demo import generate

    home = tmp_path_factory.mktemp("demo-template")
    with Store.open(home) as store:
        generate(store, households=600, seed=1, today=dt.date.today())
    return home


@pytest.fixture
def demo_home(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo county for one test."""
    home = tmp_path / "home"
    shutil.copytree(demo_template, home)
    return home
