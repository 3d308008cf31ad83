"""Shared test set-up: offscreen Qt, the tests' own keyring, fresh data homes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from hypothesis import HealthCheck, settings

from keyring_for_tests import ENV, STORE_SERVICE, FileKeyring
from serverlib import pg_cluster, server, server_db, sqlite_server  # noqa: F401  (a real sync server)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Hypothesis's timing checks (a slow example, slow data generation) measure the machine, not
# the code: on a 2-core CI machine running other work they failed a property test whose
# examples were all correct (test_assessment's weights, under load). What the tests assert
# stays the same; only the wall-clock checks are off.
settings.register_profile("workteam", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("workteam")


@pytest.fixture(scope="session", autouse=True)
def _test_keyring_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One keyring file for the run, seen by the ``workteam`` processes tests start."""
    path = tmp_path_factory.mktemp("keyring") / "keyring.json"
    tests_dir = str(Path(__file__).parent)
    saved = {k: os.environ.get(k) for k in (ENV, "PYTHON_KEYRING_BACKEND", "PYTHONPATH")}
    os.environ[ENV] = str(path)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring_for_tests.FileKeyring"
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (tests_dir, saved["PYTHONPATH"]) if p)
    yield path
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(autouse=True)
def memory_keyring(_test_keyring_file: Path) -> Iterator[FileKeyring]:
    """Every test starts with no token or device key in the keyring; the store keys of
    homes made earlier in the run stay (session fixtures' demo homes open)."""
    previous = keyring.get_keyring()
    backend = FileKeyring()
    backend.clear(keep_service=STORE_SERVICE)
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
