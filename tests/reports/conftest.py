"""Report tests: one demo county per session (600 households, seed 1), the reports built
from it once, and poppler's tools (pdftotext, pdfinfo, pdffonts) to read them back."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from report_helpers import COMMUNITY, VILLAGE

import dbfile
from workteam_desktop.reports import ReportRequest, ReportResult, build_report
from workteam_desktop.reports.base import Quarter
from workteam_desktop.store import Store


@dataclass
class Built:
    """A report built for the tests: where it is and what the builder said."""

    result: ReportResult
    request: ReportRequest
    path: Path
    xlsx: Path


@pytest.fixture(scope="session")
def today() -> dt.date:
    """The printing date of every report in the session."""
    return dt.date.today()


@pytest.fixture(scope="session")
def report_demo(tmp_path_factory: pytest.TempPathFactory, today: dt.date) -> Path:
    """The default demo county (600 households, seed 1), generated once."""
    from workteam_desktop.demo import generate

    home = tmp_path_factory.mktemp("report-demo")
    with Store.open(home) as store:
        generate(store, households=600, seed=1, today=today)
    return home


@pytest.fixture(scope="session")
def db(report_demo: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the demo store, for figures computed independently."""
    conn = dbfile.connect(f"file:{report_demo / 'workteam.sqlite3'}?mode=ro", uri=True)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def rare_households(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """(household number, head name) of heads whose names hold 堃, 喆 or 镕."""
    return db.execute(
        "SELECT number, head_name FROM household WHERE deleted = 0 AND (head_name LIKE '%堃%' "
        "OR head_name LIKE '%喆%' OR head_name LIKE '%镕%') ORDER BY number").fetchall()


@pytest.fixture(scope="session")
def last_quarter(today: dt.date) -> Quarter:
    """The last complete quarter (the demo's activity covers the past year)."""
    q = Quarter.containing(today)
    return Quarter(q.year, q.number - 1) if q.number > 1 else Quarter(q.year - 1, 4)


@pytest.fixture(scope="session")
def built(report_demo: Path, tmp_path_factory: pytest.TempPathFactory, today: dt.date,
          last_quarter: Quarter, rare_households: list[tuple[str, str]],
          db: sqlite3.Connection) -> dict[str, Built]:
    """Every report, built once with its workbook."""
    out = tmp_path_factory.mktemp("reports")
    ordinary = [r[0] for r in db.execute(
        "SELECT number FROM household WHERE relocated = 0 AND deleted = 0 ORDER BY number "
        "LIMIT 4")]
    relocated = db.execute("SELECT number FROM household WHERE relocated = 1 AND deleted = 0 "
                           "ORDER BY number LIMIT 1").fetchone()[0]
    requests = {
        "visits": ReportRequest("visits", village=VILLAGE,
                                date_from=today - dt.timedelta(days=60), date_to=today),
        "household": ReportRequest("household", households=(
            *ordinary, rare_households[0][0], relocated)),
        "household_full": ReportRequest("household", households=(ordinary[0], relocated),
                                        full_id=True),
        "quarter": ReportRequest("quarter", quarter=last_quarter.code),
        "wallchart": ReportRequest("wallchart", village=COMMUNITY),
        "rights": ReportRequest("rights", village=COMMUNITY),
    }
    done = {}
    with Store.open(report_demo) as store:
        for name, request in requests.items():
            path, xlsx = out / f"{name}.pdf", out / f"{name}.xlsx"
            result = build_report(store, request, path, xlsx=xlsx, today=today)
            done[name] = Built(result, request, path, xlsx)
    return done


@pytest.fixture
def demo_copy(report_demo: Path, tmp_path: Path) -> Path:
    """A private copy of the demo home (for tests that write reports into it)."""
    home = tmp_path / "home"
    shutil.copytree(report_demo, home)
    return home
