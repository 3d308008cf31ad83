"""Shared test set-up: offscreen Qt, an in-memory keyring, fresh data homes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from hypothesis import HealthCheck, settings
from keyring.backend import KeyringBackend

from serverlib import pg_cluster, server, server_db, sqlite_server  # noqa: F401  (a real sync server)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Hypothesis's timing checks (a slow example, slow data generation) measure the machine, not
# the code: on a 2-core CI machine running other work they failed a property test whose
# examples were all correct (test_assessment's weights, under load). What the tests assert
# stays the same; only the wall-clock checks are off.
settings.register_profile("workteam", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("workteam")


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps secrets in a dict: this machine has no keyring service, and the
    real program must never fall back to plain-text files."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def store(tmp_path: Path):
    """An empty store in a fresh data home."""
    from workteam_desktop.store import Store

    s = Store.open(tmp_path / "home")
    yield s
    s.close()


_DEMO_TEMPLATES: dict[tuple[int, int, object], Path] = {}


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory: pytest.TempPathFactory):
    """Demo counties generated once per session, by (households, seed, today)."""
    import datetime as dt

    from workteam_desktop.demo import generate
    from workteam_desktop.store import Store

    def template(households: int = 600, seed: int = 1, today: dt.date | None = None) -> Path:
        key = (households, seed, today or dt.date.today())
        if key not in _DEMO_TEMPLATES:
            home = tmp_path_factory.mktemp(f"demo-{households}-{seed}")
            with Store.open(home) as store:
                generate(store, households=households, seed=seed, today=key[2])
            _DEMO_TEMPLATES[key] = home
        return _DEMO_TEMPLATES[key]

    return template


@pytest.fixture
def demo_copy(demo_templates, tmp_path: Path):
    """A private copy of a demo county for one test: ``demo_copy(households, seed, today)``."""
    import shutil

    def copy(households: int = 600, seed: int = 1, today=None, name: str = "home") -> Path:
        home = tmp_path / name
        shutil.copytree(demo_templates(households, seed, today), home)
        return home

    return copy


# --- log scan after the run ----------------------------------------------------------------


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any log file the tests wrote holds an ID number, a mobile number or
    a token/secret (tests/logscan.py), naming the file and line."""
    from logscan import scan

    factory = getattr(session.config, "_tmp_path_factory", None)
    basetemp = getattr(factory, "_basetemp", None)  # None: no test used a temporary folder
    roots = [Path(basetemp)] if basetemp else []
    if os.environ.get("WORKTEAM_HOME"):
        roots.append(Path(os.environ["WORKTEAM_HOME"]))
    findings = scan(roots)
    if not findings:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = ["personal data or secrets found in log files written by the tests:",
             *(f"  {f}" for f in findings[:50])]
    if len(findings) > 50:
        lines.append(f"  … and {len(findings) - 50} more")
    if reporter is not None:
        reporter.ensure_newline()
    for line in lines:
        if reporter is not None:
            reporter.write_line(line, red=True)
        else:
            print(line)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
