"""The program's log: ``<home>/logs/workteam.log``, rotated, with personal data redacted.

Every record that reaches the log file passes :class:`RedactingFilter` first: 18-character
ID numbers, mobile numbers and anything that looks like a token or secret are masked, so
a log sent to support (``workteam diagnostics``) carries none of them. No Qt here: the
CLI and the GUI both call :func:`setup_logging` once at start.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

LOG_DIR = "logs"
LOG_FILE = "workteam.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_MASK = "***"

# key=value / "key": "value" where the key names a secret.
_SECRET_PAIR = re.compile(
    r"""(?ix)
    ((?<![\w.-])["']?[\w.-]{0,40}?(?:token|password|passwd|pwd|secret|key|auth|credential)
     [\w.-]{0,40}["']?\s*[=:]\s*)
    ("[^"]*"|'[^']*'|[^\s,;&)}\]]+)""")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[^\s,;]+")
_HEX = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])")
_BASE64 = re.compile(r"[A-Za-z0-9+/_]{32,}={0,2}")
# 18-character ID numbers (17 digits and a digit or X).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally with +86 and separators.
_PHONE = re.compile(r"(?<![\d+])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")


def _mask_base64(match: re.Match[str]) -> str:
    text = match.group(0)
    # A random token mixes cases and digits; a long identifier or path run does not.
    if (any(c.isdigit() for c in text) and any(c.islower() for c in text)
            and any(c.isupper() for c in text)):
        return _MASK
    return text


def redact(text: str) -> str:
    """``text`` with ID numbers, mobile numbers and secrets masked."""
    if not text:
        return text
    text = _SECRET_PAIR.sub(lambda m: m.group(1) + _MASK, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {_MASK}", text)
    text = _HEX.sub(_MASK, text)
    text = _BASE64.sub(_mask_base64, text)
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2).upper()}", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class RedactingFilter(logging.Filter):
    """Masks personal data and secrets in a record's message, traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, redacted
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _LogFile(logging.handlers.RotatingFileHandler):
    """Rotating file whose folder is made on the first record, not at set-up: a command
    that fails on a data home that does not exist leaves no folder behind."""

    def _open(self):  # type: ignore[no-untyped-def]
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


def log_dir(home: Path) -> Path:
    """Where a data home keeps its log files."""
    return Path(home) / LOG_DIR


def setup_logging(home: str | Path, level: int = logging.INFO) -> Path:
    """Log to ``<home>/logs/workteam.log`` (1 MB × 5 files); returns the log file.

    Nothing is made on disk until the first record is written.

    Calling it again (another home, a test) replaces the earlier file handler.
    """
    path = log_dir(Path(home)) / LOG_FILE
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_workteam", False)]:
        root.removeHandler(old)
        old.close()
    handler = _LogFile(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)
    handler._workteam = True  # type: ignore[attr-defined]
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    logging.captureWarnings(True)
    return path


def shutdown_logging() -> None:
    """Remove and close the log file handler (tests, before a data home is removed)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_workteam", False)]:
        root.removeHandler(old)
        old.close()
