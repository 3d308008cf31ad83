"""The log file: rotated, and never holding an ID number, a phone number or a secret."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from workteam_desktop.logs import MAX_BYTES, redact, setup_logging, shutdown_logging

ID_NUMBER = "14021519850312123X"
PHONE = "13812345678"
TOKEN = "eyJhbGciOiJIUzI1NiJ9Qx7kPz3mVb9LwT2rYd8sNf5Gh"
HEX_SECRET = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = setup_logging(tmp_path / "home")
    yield path
    shutdown_logging()


def test_log_file_has_no_personal_data_or_secrets(log_file: Path) -> None:
    log = logging.getLogger("workteam_desktop.test")
    log.info("saved household head id=%s phone %s", ID_NUMBER, PHONE)
    log.info("sync login token=%s", TOKEN)
    log.info("server said {\"access_token\": \"abc123secretvalue\", \"password\": \"hunter2\"}")
    log.warning("Authorization: Bearer %s", TOKEN)
    log.info("signing key %s", HEX_SECRET)
    log.info("联系电话+86 138-1234-5678，身份证%s", ID_NUMBER.lower())
    try:
        raise ValueError(f"bad id {ID_NUMBER}")
    except ValueError:
        log.exception("failed for %s", PHONE)
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text(encoding="utf-8")
    for secret in (ID_NUMBER, ID_NUMBER.lower(), PHONE, "138-1234-5678", TOKEN, HEX_SECRET,
                   "abc123secretvalue", "hunter2"):
        assert secret not in text
    assert "1402**********123X" in text
    assert "138****5678" in text
    assert "token=***" in text
    assert "saved household head" in text  # the message itself is kept
    assert "ValueError: bad id 1402**********123X" in text


def test_log_file_location_level_and_rotation(log_file: Path, tmp_path: Path) -> None:
    assert log_file == tmp_path / "home" / "logs" / "workteam.log"
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_workteam", False))
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    assert handler.maxBytes == MAX_BYTES == 1_000_000 and handler.backupCount == 5
    logging.getLogger("x").debug("not at INFO")
    logging.getLogger("x").info("at INFO")
    handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "at INFO" in text and "not at INFO" not in text


def test_setting_up_twice_keeps_one_handler(tmp_path: Path) -> None:
    setup_logging(tmp_path / "a")
    setup_logging(tmp_path / "b")
    try:
        mine = [h for h in logging.getLogger().handlers if getattr(h, "_workteam", False)]
        assert len(mine) == 1
    finally:
        shutdown_logging()


@pytest.mark.parametrize(("text", "expected"), [
    ("row 0193a5b2-7c1d-7e00-8000-1234567890ab saved", "row 0193a5b2-7c1d-7e00-8000-1234567890ab saved"),
    ("File \"/opt/app/src/workteam_desktop/store/store.py\", line 3", None),
    ("device 9f86d081884c7d65", None),  # a 16-hex device id is no secret
    ("count 20261129", None),
    ("api_key: s3cr3t", "api_key: ***"),
])
def test_redaction_keeps_ordinary_text(text: str, expected: str | None) -> None:
    assert redact(text) == (expected or text)


def test_nothing_is_made_on_disk_until_something_is_logged(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "missing-home")
    try:
        assert not (tmp_path / "missing-home").exists()
        logging.getLogger("workteam_desktop").info("first record")
        assert path.exists()
    finally:
        shutdown_logging()


def test_rotation_keeps_five_old_files(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "home")
    try:
        log = logging.getLogger("workteam_desktop.volume")
        line = "x" * 1000
        for _ in range(7 * 1000):
            log.info(line)
    finally:
        shutdown_logging()
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["workteam.log", *(f"workteam.log.{i}" for i in range(1, 6))]
    assert all(p.stat().st_size <= MAX_BYTES for p in path.parent.iterdir())
