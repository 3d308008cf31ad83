"""The log scan that runs after the test suite (tests/conftest.py): it finds what it must,
and the program's own log gives it nothing to find."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from logscan import scan, scan_text
from workteam_desktop.domain import idnumber
from workteam_desktop.logs import setup_logging, shutdown_logging

ID = idnumber.make("140212", dt.date(1968, 3, 9), 123)
TOKEN = "q8Zr3Kf0VYtL2mWn7PxA1sGdE5hJcB9uQyT4oR6iNlM"  # like secrets.token_urlsafe(32)


@pytest.fixture
def outside() -> Iterator[Path]:
    """A folder outside pytest's basetemp: the bad logs written here must not fail the run
    itself through the session scan."""
    with tempfile.TemporaryDirectory(prefix="workteam-logscan-") as folder:
        yield Path(folder)


def test_the_scanner_finds_id_numbers_phones_and_tokens_by_file_and_line(outside: Path) -> None:
    logs = outside / "home" / "logs"
    logs.mkdir(parents=True)
    (logs / "workteam.log").write_text(
        "2026-11-29 08:00:00 INFO store: opened\n"
        f"2026-11-29 08:00:01 INFO households: saved {ID}\n"
        "2026-11-29 08:00:02 INFO visits: call 13912345678 back\n"
        f"2026-11-29 08:00:03 DEBUG sync: refresh {TOKEN}\n"
        "2026-11-29 08:00:04 DEBUG sync: login password=hunter2secret\n", encoding="utf-8")
    (logs / "workteam.log.1").write_text(f"old line with +86 139-1234-5678 and {ID.lower()}\n",
                                         encoding="utf-8")
    (outside / "notes.txt").write_text(ID, encoding="utf-8")  # not a log file: not read
    found = sorted((f.path.name, f.line, f.kind) for f in scan([outside]))
    assert found == [("workteam.log", 2, "ID number"), ("workteam.log", 3, "phone"),
                     ("workteam.log", 4, "token"), ("workteam.log", 5, "secret"),
                     ("workteam.log.1", 1, "ID number"), ("workteam.log.1", 1, "phone")]
    # The report names file and line but never the whole value.
    text = "\n".join(str(f) for f in scan([outside]))
    assert f"{logs / 'workteam.log'}:2: ID number" in text
    assert ID not in text and TOKEN not in text


def test_ordinary_log_lines_are_not_findings() -> None:
    quiet = (
        "2026-11-29 08:00:00,123 INFO workteam_desktop.store.backups: backup made: "
        "workteam-20261129-080000-daily.sqlite3 (12345678 bytes)\n"
        "attachment 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 stored\n"
        "row 01937a4e-8c2b-7c3d-9e4f-0123456789ab hlc 0001732870000000-0000-f4b4e271ed467b4c\n"
        "households 200000 in 16.0 s; token=*** password=*** Bearer ***\n"
        f"masked {idnumber.mask(ID)} and 139****5678\n"
        "/tmp/pytest-of-root/pytest-12/test_restore_into_a_fresh_home0/home/workteam.sqlite3\n")
    assert list(scan_text(quiet)) == []


def test_the_programs_log_gives_the_scanner_nothing(outside: Path) -> None:
    """Personal data logged the way code might log it comes out masked."""
    home = outside / "home"
    setup_logging(home)
    log = logging.getLogger("workteam_desktop.test")
    try:
        log.info("household %s phone %s", ID, "13912345678")
        log.warning("sync refresh_token=%s failed", TOKEN)
        log.info("Authorization: Bearer %s", TOKEN)
        try:
            raise ValueError(f"bad row {ID} {TOKEN}")
        except ValueError:
            log.exception("import failed")
    finally:
        shutdown_logging()
    written = (home / "logs" / "workteam.log").read_text(encoding="utf-8")
    assert "import failed" in written and "Traceback" in written
    assert scan([outside]) == []
