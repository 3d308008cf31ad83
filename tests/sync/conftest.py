"""Fixtures for bundle tests: small demo homes, the CLI with the bundle commands, table dumps."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from workteam_desktop.cli import main as cli_main
from workteam_desktop.store import Store


def _with_bundles(original: Callable[[], argparse.ArgumentParser]
                  ) -> Callable[[], argparse.ArgumentParser]:
    """build_parser plus the bundle subcommands (until cli/main.py registers them)."""
    def build() -> argparse.ArgumentParser:
        from workteam_desktop.cli import bundles

        parser = original()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "import-bundle" not in sub.choices:
            common = cli_main.Parser(add_help=False)
            common.add_argument("--home", default=argparse.SUPPRESS)
            bundles.register(sub, common)
        return parser
    return build


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    """Run ``workteam ARGS…``; returns the exit code."""
    monkeypatch.setattr(cli_main, "build_parser", _with_bundles(cli_main.build_parser))
    return lambda *argv: cli_main.main([str(a) for a in argv])


@pytest.fixture(scope="session")
def small_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo county of 8 households (seed 2), generated once."""
    from workteam_desktop.demo import generate

    home = tmp_path_factory.mktemp("bundle-template")
    with Store.open(home) as store:
        generate(store, households=8, seed=2, today=dt.date(2026, 11, 1))
    return home


@pytest.fixture
def home_a(small_template: Path, tmp_path: Path) -> Path:
    """A private copy of the small county: the exporting laptop."""
    home = tmp_path / "a"
    shutil.copytree(small_template, home)
    return home


@pytest.fixture
def home_b(tmp_path: Path) -> Path:
    """An empty data home: the receiving laptop."""
    home = tmp_path / "b"
    Store.open(home).close()
    return home
