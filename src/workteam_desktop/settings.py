"""The program's settings: ``settings.toml`` in the data home.

Pure Python (no Qt): the GUI, the CLI and the store read the same file. It is read with
``tomllib`` and written with ``tomli_w``, atomically (a temporary file, then a rename), so
a crash while saving leaves the old file. A file that cannot be read, or a value that
makes no sense, never stops the program: the default is used and a Chinese warning says
what was ignored (``Settings.warnings``).

Settings that belong to the whole county and must sync (observation thresholds per year
and region) are not here: they are rows of the synced ``observation_threshold`` table.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from .domain.assessment import DEFAULT_WEIGHTS
from .domain.catalogues import EXTENSIBLE

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.toml"
LANGUAGES = ("zh_CN", "en")
ROLES = ("member", "supervisor")
BACKUP_KEEP_RANGE = (1, 365)
FORM_PERIOD_RANGE = (7, 730)
LOCK_MINUTES_RANGE = (0, 240)  # 0: the window never locks by itself
CODE_MAX = 32
LABEL_MAX = 20

# Keys an earlier version kept in gui.ini (QSettings) and where they go now.
LEGACY_KEYS = {"ui/lang": "language", "sync/server": "server_url"}


@dataclass
class Settings:
    """Settings of this laptop (see the module docstring for what is not here)."""

    language: str = "zh_CN"
    role: str = "member"  # or "supervisor"
    server_url: str = ""
    backup_keep: int = 14  # automatic backups kept (daily, before-upgrade)
    form_period_days: int = 92  # a form older than this is 逾期未更新
    lock_minutes: int = 10  # idle minutes before the window locks (0: never)
    assessment_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # catalogue name ("industry", "measure_kind") → extra (code, Chinese label) entries
    catalogue_extensions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # ``[sync] allow_plain_http = true``: allow unencrypted http:// to servers that are not
    # this machine (a test network only; docs/server.md). Edited by hand, no page shows it,
    # so it does not count when a page compares its form with the saved settings.
    allow_plain_http: bool = field(default=False, compare=False)
    # What was ignored while loading (Chinese, for the user); never saved.
    warnings: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def ui_lang(self) -> str:
        """"zh" or "en", as the GUI's translators and catalogue labels take it."""
        return "en" if self.language.startswith("en") else "zh"

    def normalised_weights(self) -> dict[str, float]:
        """The assessment weights scaled to sum 1 (the defaults when all are zero)."""
        total = sum(self.assessment_weights.values())
        if total <= 0:
            return dict(DEFAULT_WEIGHTS)
        return {k: v / total for k, v in self.assessment_weights.items()}


def settings_path(home: str | os.PathLike[str]) -> Path:
    """The settings file of a data home."""
    return Path(home) / SETTINGS_FILE


# --- checking values ----------------------------------------------------------------------


def check_extension(catalogue: str, code: str, label: str,
                    existing: list[tuple[str, str]] | None = None) -> str | None:
    """Why ``(code, label)`` cannot be added to ``catalogue`` (Chinese), or None if it can.

    ``existing`` are the region's entries already there (a code may appear once).
    """
    base = EXTENSIBLE.get(catalogue)
    if base is None:
        return f"目录“{catalogue}”不能扩展"
    code, label = code.strip(), label.strip()
    if not code:
        return "请填写代码"
    if not label:
        return "请填写名称"
    if len(code) > CODE_MAX or any(c.isspace() for c in code):
        return f"代码不能含空格，最多{CODE_MAX}个字符"
    if len(label) > LABEL_MAX:
        return f"名称最多{LABEL_MAX}个字"
    if code in base or any(code == c for c, _ in existing or []):
        return f"代码“{code}”已经存在，请换一个"
    if base.code_for(label) is not None or any(label == lb for _, lb in existing or []):
        return f"名称“{label}”已经存在"
    return None


def problems(settings: Settings) -> list[str]:
    """What is wrong with ``settings`` (Chinese, one sentence each); empty when fine."""
    out = []
    if settings.language not in LANGUAGES:
        out.append(f"界面语言“{settings.language}”无效，可选：{'、'.join(LANGUAGES)}")
    if settings.role not in ROLES:
        out.append(f"角色“{settings.role}”无效，可选：{'、'.join(ROLES)}")
    url = settings.server_url.strip()
    if url and not url.startswith(("http://", "https://")):
        out.append("同步服务器地址应以 http:// 或 https:// 开头")
    low, high = BACKUP_KEEP_RANGE
    if not low <= settings.backup_keep <= high:
        out.append(f"保留的自动备份数应在{low}到{high}之间")
    low, high = FORM_PERIOD_RANGE
    if not low <= settings.form_period_days <= high:
        out.append(f"信息更新周期应在{low}到{high}天之间")
    low, high = LOCK_MINUTES_RANGE
    if not low <= settings.lock_minutes <= high:
        out.append(f"无操作自动锁定的分钟数应在{low}到{high}之间（0为不锁定）")
    weights = settings.assessment_weights
    if set(weights) != set(DEFAULT_WEIGHTS):
        out.append("考核权重的指标不完整")
    elif any(not math.isfinite(w) or w < 0 for w in weights.values()):
        out.append("考核权重不能为负数")
    elif sum(weights.values()) <= 0:
        out.append("考核权重不能全为0")
    for name, entries in settings.catalogue_extensions.items():
        seen: list[tuple[str, str]] = []
        for code, label in entries:
            problem = check_extension(name, code, label, seen)
            if problem:
                out.append(problem)
            seen.append((code, label))
    return out


# --- reading ------------------------------------------------------------------------------


def _warn(warnings: list[str], key: str) -> None:
    warnings.append(f"设置项“{key}”的值无效，已使用默认值")


def _from_mapping(data: Mapping[str, Any], warnings: list[str]) -> Settings:
    """Settings from parsed TOML: each bad value falls back to its default, with a warning."""
    s = Settings()
    language = data.get("language", s.language)
    if language == "zh":  # the old gui.ini spelling
        language = "zh_CN"
    if isinstance(language, str) and language in LANGUAGES:
        s.language = language
    else:
        _warn(warnings, "language")
    role = data.get("role", s.role)
    if isinstance(role, str) and role in ROLES:
        s.role = role
    else:
        _warn(warnings, "role")
    url = data.get("server_url", s.server_url)
    if isinstance(url, str) and (not url.strip() or url.strip().startswith(("http://", "https://"))):
        s.server_url = url.strip()
    else:
        _warn(warnings, "server_url")
    for key, (low, high) in (("backup_keep", BACKUP_KEEP_RANGE),
                             ("form_period_days", FORM_PERIOD_RANGE),
                             ("lock_minutes", LOCK_MINUTES_RANGE)):
        value = data.get(key, getattr(s, key))
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            setattr(s, key, value)
        else:
            _warn(warnings, key)
    weights = data.get("assessment_weights", {})
    if isinstance(weights, Mapping):
        merged = dict(DEFAULT_WEIGHTS)
        for key, value in weights.items():
            ok = (key in DEFAULT_WEIGHTS and isinstance(value, int | float)
                  and not isinstance(value, bool) and math.isfinite(value) and value >= 0)
            if ok:
                merged[key] = float(value)
            else:
                _warn(warnings, f"assessment_weights.{key}")
        if sum(merged.values()) > 0:
            s.assessment_weights = merged
        else:
            _warn(warnings, "assessment_weights")
    else:
        _warn(warnings, "assessment_weights")
    sync = data.get("sync", {})
    if isinstance(sync, Mapping):
        allow = sync.get("allow_plain_http", False)
        if isinstance(allow, bool):
            s.allow_plain_http = allow
        else:
            _warn(warnings, "sync.allow_plain_http")
    else:
        _warn(warnings, "sync")
    extensions = data.get("catalogue_extensions", {})
    if not isinstance(extensions, Mapping):
        _warn(warnings, "catalogue_extensions")
        extensions = {}
    for name, entries in extensions.items():
        kept: list[tuple[str, str]] = []
        for entry in entries if isinstance(entries, list) else [None]:
            good = (isinstance(entry, list | tuple) and len(entry) == 2
                    and all(isinstance(x, str) for x in entry)
                    and check_extension(name, entry[0], entry[1], kept) is None)
            if good:
                kept.append((entry[0].strip(), entry[1].strip()))  # type: ignore[index]
            else:
                _warn(warnings, f"catalogue_extensions.{name}")
        if kept:
            s.catalogue_extensions[name] = kept
    return s


def load_settings(home: str | os.PathLike[str]) -> Settings:
    """The settings of a data home; defaults when there is no file.

    Never raises for a bad file: what cannot be used is replaced by its default and
    described in ``warnings`` (Chinese), and logged.
    """
    path = settings_path(home)
    warnings: list[str] = []
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        return Settings()
    except tomllib.TOMLDecodeError as exc:
        warnings.append(f"设置文件 {SETTINGS_FILE} 格式有误（{exc}），已使用默认设置")
        data = {}
    except (OSError, UnicodeDecodeError) as exc:
        warnings.append(f"无法读取设置文件 {SETTINGS_FILE}（{exc}），已使用默认设置")
        data = {}
    settings = _from_mapping(data, warnings)
    settings.warnings = warnings
    for warning in warnings:
        log.warning("settings: %s", warning)
    return settings


# --- writing ------------------------------------------------------------------------------


def _as_toml(settings: Settings) -> dict[str, Any]:
    data: dict[str, Any] = {
        "language": settings.language,
        "role": settings.role,
        "server_url": settings.server_url.strip(),
        "backup_keep": settings.backup_keep,
        "form_period_days": settings.form_period_days,
        "lock_minutes": settings.lock_minutes,
        "assessment_weights": {k: float(settings.assessment_weights[k]) for k in DEFAULT_WEIGHTS},
        "catalogue_extensions": {name: [[code, label] for code, label in entries]
                                 for name, entries in settings.catalogue_extensions.items()
                                 if entries},
    }
    if settings.allow_plain_http:  # only when set: a file without it keeps its shape
        data["sync"] = {"allow_plain_http": True}
    return data


def save_settings(home: str | os.PathLike[str], settings: Settings) -> Path:
    """Write ``settings`` to the home's ``settings.toml`` atomically; returns the file.

    Raises ValueError (Chinese message) for settings :func:`problems` finds fault with;
    the file on disk is then unchanged.
    """
    found = problems(settings)
    if found:
        raise ValueError("；".join(found))
    path = settings_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ("# workteam 设置（由程序写入；也可手工编辑，无效的值会被忽略）\n"
            + tomli_w.dumps(_as_toml(settings)))
    fd, name = tempfile.mkstemp(prefix=".settings-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
    return path


def import_legacy(home: str | os.PathLike[str], values: Mapping[str, object]) -> bool:
    """Move settings an earlier version kept elsewhere (gui.ini's ``ui/lang``, ``sync/server``)
    into ``settings.toml``, once: only when there is no settings file yet and some value was
    found. Returns True if a file was written. Values that make no sense are dropped."""
    if settings_path(home).exists():
        return False
    found = {LEGACY_KEYS[k]: str(v) for k, v in values.items()
             if k in LEGACY_KEYS and v not in (None, "")}
    if not found:
        return False
    settings = _from_mapping(found, [])
    save_settings(home, settings)
    log.info("settings moved from gui.ini to %s: %s", SETTINGS_FILE, ", ".join(sorted(found)))
    return True
