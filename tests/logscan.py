"""Scan log files for personal data and secrets (used after every test run).

The program's log passes ``RedactingFilter``; this is the independent check that nothing
slipped through: after the whole suite, every log file the tests wrote (their data homes
under pytest's basetemp) is read, and an 18-character ID number (GB 11643 shape: region,
a real birth date, sequence, check character), a mainland mobile number or something that
looks like a token or a password is a finding that fails the run, named by file and line.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}(\d{8})\d{3}[\dXx](?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9A-Za-z])")
# secrets.token_urlsafe(32) and friends: 32+ characters of the url-safe alphabet mixing
# upper case, lower case and digits (hex digests and UUIDs have no upper case).
TOKEN = re.compile(r"(?<![A-Za-z0-9_\-+/])[A-Za-z0-9_\-+/]{32,}={0,2}(?![A-Za-z0-9_\-+/])")
SECRET_PAIR = re.compile(
    r"(?i)(?<![\w])(password|passwd|pwd|secret|token|api_key|private_key)[\"']?\s*[=:]\s*"
    r"[\"']?(?!\*\*\*)([^\s\"',;&)}\]]{4,})")
LOG_NAME = re.compile(r"(^workteam\.log(\.\d+)?$)|(\.log(\.\d+)?$)")
PREVIEW = 6  # characters of a finding shown in the report (never the whole value)


@dataclass(frozen=True)
class Finding:
    """Something personal or secret in a log file."""

    path: Path
    line: int
    kind: str  # "ID number", "phone", "token", "secret"
    preview: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind} ({self.preview}…)"


def _birth_date_ok(text: str) -> bool:
    try:
        born = dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date(2100, 12, 31)


def _looks_random(text: str) -> bool:
    return (any(c.isupper() for c in text) and any(c.islower() for c in text)
            and any(c.isdigit() for c in text))


def scan_text(text: str) -> Iterator[tuple[int, str, str]]:
    """(line number, kind, value) of each finding in ``text``."""
    for number, line in enumerate(text.splitlines(), start=1):
        for m in ID_NUMBER.finditer(line):
            if _birth_date_ok(m.group(1)):
                yield number, "ID number", m.group(0)
        for m in PHONE.finditer(line):
            yield number, "phone", m.group(0)
        for m in TOKEN.finditer(line):
            if _looks_random(m.group(0)):
                yield number, "token", m.group(0)
        for m in SECRET_PAIR.finditer(line):
            yield number, "secret", m.group(2)


def log_files(roots: Iterable[Path]) -> Iterator[Path]:
    """Every log file under ``roots``: ``workteam.log`` and its rotations, and ``*.log``
    files in a ``logs`` folder (a data home's)."""
    for root in roots:
        if not root.is_dir():
            continue
        for folder, _dirs, files in os.walk(root):
            for name in files:
                in_logs = Path(folder).name == "logs"
                if LOG_NAME.search(name) and (in_logs or name.startswith("workteam.log")):
                    yield Path(folder) / name


def scan(roots: Iterable[Path]) -> list[Finding]:
    """The findings in every log file under ``roots``."""
    found = []
    for path in log_files(roots):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line, kind, value in scan_text(text):
            found.append(Finding(path, line, kind, value[:PREVIEW]))
    return found
