"""Which column of a roster holds which field: guessed from the headers, corrected by the
user, saved as JSON to be used again with the next file of the same layout.

A mapping file names columns by their header text, so it fits every export of the same
system even when the columns move::

    {"format": "workteam-roster-mapping", "version": 1,
     "columns": {"户主": "head_name", "证件号码": "id_number", "备注": null},
     "layout": "member", "income_year": 2025, "village": "下铺村"}

``null`` means "do not import this column". Columns the file does not name are guessed.
``village`` (optional) places rows whose village cell is empty: the roster of one village.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.problems import DomainError, Problem
from ..domain.roster_fields import FIELDS_BY_KEY, guess_mapping
from ..domain.roster_rules import LAYOUTS, detect_layout
from .read import RosterTable

FORMAT = "workteam-roster-mapping"
VERSION = 1
# Without these no household can be matched or placed.
REQUIRED_ANY = (("village",), ("head_name", "name"), ("id_number", "head_id_number"))


@dataclass(slots=True)
class Mapping:
    """The target field of each column (by header), the layout, the income year."""

    columns: dict[str, str | None] = field(default_factory=dict)
    layout: str | None = None  # None: detect from the mapping and the rows
    income_year: int | None = None
    village: str | None = None  # name or code of the village of rows that name none

    def fields_for(self, headers: Sequence[str]) -> list[str | None]:
        """The target field of each header: as set here, else guessed; each field once."""
        guessed = guess_mapping(headers)
        out: list[str | None] = []
        for header, guess in zip(headers, guessed, strict=True):
            out.append(self.columns.get(header, guess))
        taken: set[str] = set()
        for i, key in enumerate(out):  # a field named twice keeps its first column
            if key is not None and key in taken:
                out[i] = None
            elif key is not None:
                taken.add(key)
        return out

    def to_json(self) -> dict[str, Any]:
        """The mapping as the JSON object saved in a mapping file."""
        return {"format": FORMAT, "version": VERSION, "columns": dict(self.columns),
                "layout": self.layout, "income_year": self.income_year,
                "village": self.village}

    @classmethod
    def from_json(cls, data: Any, name: str = "") -> Mapping:
        """A mapping from a mapping file's JSON; raises DomainError when it is not one."""
        def bad(reason: str) -> DomainError:
            return DomainError(Problem("roster.mapping_file", {"name": name, "reason": reason}))

        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise bad("不是 workteam 列对应文件")
        if data.get("version") != VERSION:
            raise bad(f"版本 {data.get('version')} 不受支持")
        columns = data.get("columns")
        if not isinstance(columns, dict):
            raise bad("缺少 columns")
        for header, key in columns.items():
            if key is not None and key not in FIELDS_BY_KEY:
                raise bad(f"列“{header}”对应的字段“{key}”不存在")
        layout = data.get("layout")
        if layout is not None and layout not in LAYOUTS:
            raise bad(f"layout 应为 {' 或 '.join(LAYOUTS)}")
        year = data.get("income_year")
        if year is not None and not (isinstance(year, int) and 1990 <= year <= 2100):
            raise bad("income_year 应为年份")
        village = data.get("village")
        if village is not None and not isinstance(village, str):
            raise bad("village 应为村名或代码")
        return cls(dict(columns), layout, year, village or None)

    def save(self, path: str | Path) -> None:
        """Write the mapping file."""
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n",
                              encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        """Read a mapping file; raises DomainError when it cannot be used."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            reason = "文件不存在" if isinstance(exc, FileNotFoundError) else "无法读取"
            raise DomainError(Problem("roster.mapping_file",
                                      {"name": path.name, "reason": reason})) from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            # What a person can act on, never a Python exception's name.
            reason = "不是本程序保存的列对应文件（应为 UTF-8 的 JSON 文本）"
            raise DomainError(Problem("roster.mapping_file",
                                      {"name": path.name, "reason": reason})) from None
        return cls.from_json(data, path.name)


def resolve(table: RosterTable, mapping: Mapping | None = None) -> tuple[list[str | None], str]:
    """The field of each column of ``table`` and the layout (per member or per household).

    Raises DomainError when no column holds one of the fields every import needs.
    """
    mapping = mapping or Mapping()
    fields = mapping.fields_for(table.headers)
    given = set(filter(None, fields)) | ({"village"} if mapping.village else set())
    missing = [names for names in REQUIRED_ANY if not set(names) & given]
    if missing:
        labels = "、".join("或".join(FIELDS_BY_KEY[k].zh for k in names) for names in missing)
        raise DomainError(Problem("roster.mapping_incomplete", {"fields": labels}))
    layout = mapping.layout or detect_layout(
        fields, [[c for c in cells] for _, cells in table.rows[:2000]])
    return fields, layout


def mapping_from_fields(headers: Sequence[str], fields: Sequence[str | None],
                        layout: str | None = None, income_year: int | None = None,
                        village: str | None = None) -> Mapping:
    """A mapping that names every column (what the wizard saves)."""
    return Mapping(dict(zip(headers, fields, strict=True)), layout, income_year, village)
