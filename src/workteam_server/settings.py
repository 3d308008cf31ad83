"""The server's settings: ``server.toml`` in the server home, every key optional.

    [limits]
    max_clock_skew_minutes = 10     # a change's HLC may run at most this far ahead
    max_body_mb = 32                # a request body, counted while it is read
    pull_page_mb = 8                # a pull page stops growing past this many bytes
    attachment_max_mb = 20          # one attachment file
    attachment_quota_mb = 4096      # the attachment bytes one account may upload
    unreferenced_upload_hours = 24  # an upload no row points to is removed after this

    [logins]
    max_failures = 5                # wrong passwords before the delays start
    lockout_minutes = 15            # the lockout after max_failures * 4 wrong passwords
    refresh_grace_seconds = 60      # a lost refresh answer may be asked for again this long

    [sync]
    snapshot_stale_changes = 50000  # a scope's snapshot is made again after this many changes
    snapshot_store_rows = 20000     # a snapshot this large also gets a store file to copy

Read once when the application starts (and by the CLI); a wrong value is one Chinese line.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path

SETTINGS_FILE = "server.toml"
MB = 1024 * 1024


class SettingsError(ValueError):
    """server.toml cannot be used: one Chinese line."""


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Every setting with its default."""

    max_clock_skew_minutes: float = 10
    max_body_mb: float = 32
    pull_page_mb: float = 8
    attachment_max_mb: float = 20
    attachment_quota_mb: float = 4096
    unreferenced_upload_hours: float = 24
    max_failures: int = 5
    lockout_minutes: float = 15
    refresh_grace_seconds: float = 60
    snapshot_stale_changes: int = 50_000
    # A laptop loads a snapshot from this size on (sync/session.SNAPSHOT_MIN_ROWS): smaller
    # ones need no store file (a test holds the two equal).
    snapshot_store_rows: int = 20_000

    @property
    def max_skew_ms(self) -> int:
        """The clock bound in milliseconds."""
        return int(self.max_clock_skew_minutes * 60_000)

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * MB)

    @property
    def pull_page_bytes(self) -> int:
        return int(self.pull_page_mb * MB)

    @property
    def attachment_max_bytes(self) -> int:
        return int(self.attachment_max_mb * MB)

    @property
    def attachment_quota_bytes(self) -> int:
        return int(self.attachment_quota_mb * MB)


_SECTIONS = {"limits": ("max_clock_skew_minutes", "max_body_mb", "pull_page_mb",
                        "attachment_max_mb", "attachment_quota_mb", "unreferenced_upload_hours"),
             "logins": ("max_failures", "lockout_minutes", "refresh_grace_seconds"),
             "sync": ("snapshot_stale_changes", "snapshot_store_rows")}


def load_settings(home: Path) -> ServerSettings:
    """The settings of a server home (defaults where ``server.toml`` is silent or absent)."""
    path = home / SETTINGS_FILE
    if not path.is_file():
        return ServerSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SettingsError(f"{SETTINGS_FILE} 格式不正确：{e}") from None
    values: dict[str, float] = {}
    for section, keys in _SECTIONS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise SettingsError(f"{SETTINGS_FILE} 的 [{section}] 应为一节设置")
        for key, value in table.items():
            if key not in keys:
                raise SettingsError(f"{SETTINGS_FILE} 的 [{section}] 没有设置项“{key}”")
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise SettingsError(f"{SETTINGS_FILE} 的 {key} 应为正数")
            values[key] = value
    fields = {f.name: f.type for f in dataclasses.fields(ServerSettings)}
    return ServerSettings(**{k: int(v) if fields[k] == "int" else v for k, v in values.items()})
