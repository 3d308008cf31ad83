"""Diagnostics for support: versions, store statistics (counts and sizes only) and the
logs with personal data scrubbed, written as one zip. Used by the CLI (`diagnostics`) and
the GUI's 帮助 → 导出诊断信息."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import platform
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from .. import __version__
from ..logs import LOG_FILE, log_dir, redact
from . import backups, home_key, sqlite
from .home import store_path


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def versions() -> dict[str, Any]:
    """Versions of the program and what it runs on (Qt without importing it)."""
    return {
        "workteam": __version__,
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "sqlite": sqlite.dbapi.sqlite_version,
        "sqlcipher": sqlite.cipher_version(),
        "qt": _version("PySide6") or _version("PySide6-Essentials"),
        **{name.lower(): _version(name) for name in ("SQLAlchemy", "sqlmodel", "alembic",
                                                     "reportlab", "keyring")},
    }


def store_statistics(home: Path) -> dict[str, Any]:
    """Counts and sizes only: no row content, no names, no paths."""
    path = store_path(home)
    stats: dict[str, Any] = {"store_exists": path.exists()}
    files = {}
    for suffix in ("", "-wal", "-shm"):
        f = Path(f"{path}{suffix}")
        if f.exists():
            files[f"workteam.sqlite3{suffix}"] = f.stat().st_size
    stats["files"] = files
    stats["backups"] = [{"name": b.path.name, "size": b.size, "reason": b.reason}
                        for b in backups.list_backups(home)]
    attachments = home / "attachments"
    if attachments.is_dir():
        sizes = [f.stat().st_size for f in attachments.rglob("*") if f.is_file()]
        stats["attachments"] = {"files": len(sizes), "bytes": sum(sizes)}
    if not path.exists():
        return stats
    try:
        key = home_key.key_for_file(home, path)
    except (home_key.StoreLocked, home_key.RecoveryRefused, OSError):
        stats["locked"] = True  # the key is not in this keyring: sizes only
        return stats
    stats["encrypted"] = key is not None
    db = sqlite.connect(path, key, readonly=True)
    try:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        stats["tables"] = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                           for t in tables}
        stats["revision"] = (db.execute("SELECT version_num FROM alembic_version").fetchone()
                             or [None])[0] if "alembic_version" in tables else None
        for pragma in ("page_size", "page_count", "freelist_count", "journal_mode"):
            stats[pragma] = db.execute(f"PRAGMA {pragma}").fetchone()[0]
    finally:
        db.close()
    return stats


def settings_summary(home: Path) -> dict[str, Any]:
    """settings.toml as the program read it (the server address redacted, warnings kept):
    support sees what the user set without anything personal."""
    from ..settings import load_settings, settings_path

    s = load_settings(home)
    return {"file_exists": settings_path(home).exists(), "language": s.language, "role": s.role,
            "server_set": bool(s.server_url), "backup_keep": s.backup_keep,
            "form_period_days": s.form_period_days, "assessment_weights": s.assessment_weights,
            "catalogue_extensions": {k: len(v) for k, v in s.catalogue_extensions.items()},
            "warnings": [redact(w) for w in s.warnings]}


_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")


def _personal_names(home: Path) -> set[str]:
    """Every person's name in the store, to scrub from log text."""
    path = store_path(home)
    if not path.exists():
        return set()
    try:
        db = sqlite.connect(path, home_key.key_for_file(home, path), readonly=True)
    except (home_key.StoreLocked, home_key.RecoveryRefused, OSError, sqlite.Error):
        return set()  # the store cannot be read: the logs are scrubbed by pattern only
    names: set[str] = set()
    try:
        for table, column in (("household", "head_name"), ("member", "name"),
                              ("cadre", "name"), ("device", "user")):
            try:
                names.update(r[0] for r in db.execute(f"SELECT {column} FROM {table}") if r[0])
            except sqlite.Error:
                continue
    finally:
        db.close()
    return {n.strip() for n in names if len(n.strip()) >= 2}


def scrub(text: str, names: set[str]) -> str:
    """Log text with personal data, known names and the user's folder masked."""
    text = redact(text)
    for folder in {str(Path.home()), str(Path.home()).replace("\\", "/")}:
        if len(folder) > 1:
            text = text.replace(folder, "~")
    if not names:
        return text
    lengths = sorted({len(n) for n in names}, reverse=True)

    def run(m: re.Match[str]) -> str:
        s = m.group(0)
        out, i = [], 0
        while i < len(s):
            for n in lengths:
                if s[i:i + n] in names:
                    out.append("*" * n)
                    i += n
                    break
            else:
                out.append(s[i])
                i += 1
        return "".join(out)

    text = _CJK_RUN.sub(run, text)
    # Names in Latin letters (rare): whole-word replacement.
    for name in (n for n in names if not _CJK_RUN.fullmatch(n)):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "***", text)
    return text


def write_diagnostics(home: Path, out: Path) -> Path:
    """The diagnostics zip: versions, store statistics and the (scrubbed) logs."""
    names = _personal_names(home)
    logs = sorted(log_dir(home).glob(f"{LOG_FILE}*")) if log_dir(home).is_dir() else []
    tmp = out.with_name(out.name + ".partial")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            summary = {"made_at": dt.datetime.now().isoformat(timespec="seconds"),
                       "versions": versions(), "store": store_statistics(home),
                       "settings": settings_summary(home),
                       "logs": [p.name for p in logs]}
            zf.writestr("diagnostics.json", json.dumps(summary, ensure_ascii=False, indent=2))
            for p in logs:
                text = p.read_text(encoding="utf-8", errors="replace")
                zf.writestr(f"logs/{p.name}", scrub(text, names))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
