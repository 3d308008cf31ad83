"""``<home>/bundles.json``: which bundles this home exported and imported (no secret).

It remembers the change-log sequence up to which this device's changes have gone into a
bundle, so ``export-bundle --since-last`` writes only what is new. It is a plain file, not
a table, because the schema belongs to the store's migrations.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BundleError
from .keys import write_json_atomic

STATE_FILE = "bundles.json"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class BundleState:
    """The contents of ``bundles.json``."""

    path: Path
    last_seq: int = 0
    exported: list[dict[str, Any]] = field(default_factory=list)
    imported: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, home: Path) -> BundleState:
        """Read the file (a missing file is a fresh home)."""
        path = home / STATE_FILE
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, int(data.get("last_seq", 0)), list(data.get("exported", [])),
                       list(data.get("imported", [])))
        except (OSError, ValueError, TypeError, AttributeError):
            raise BundleError(f"数据包记录文件 {path} 已损坏") from None

    def save(self) -> None:
        """Write the file atomically."""
        write_json_atomic(self.path, {"last_seq": self.last_seq, "exported": self.exported,
                                      "imported": self.imported})

    def record_export(self, bundle_id: str, last_seq: int, changes: int) -> None:
        """Remember a written bundle and how far this device's changes have gone out."""
        self.last_seq = last_seq
        self.exported.append({"bundle_id": bundle_id, "at": _now(), "last_seq": last_seq,
                              "changes": changes})
        self.save()

    def record_import(self, bundle_id: str, applied: int, duplicate: int) -> None:
        """Remember an imported bundle."""
        self.imported.append({"bundle_id": bundle_id, "at": _now(), "applied": applied,
                              "duplicate": duplicate})
        self.save()

    def was_imported(self, bundle_id: str) -> bool:
        """Whether a bundle with this id was imported here before."""
        return any(e.get("bundle_id") == bundle_id for e in self.imported)
