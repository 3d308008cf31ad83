"""Form definitions: the data file that describes a form (信息采集表), parsed and checked.

A form is JSON, one file per version (``forms/<form id>/v<version>.json``); the format is
described in ``forms/README.md``. :func:`parse_form` turns the JSON into frozen
dataclasses and refuses a malformed file with a :class:`FormDefinitionError` whose message
names the place (``sections[1].group.fields[8].show_if``) and what is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogues import CATALOGUES, Catalogue
from .conditions import Condition, ConditionError, parse_condition, referenced_fields

FIELD_TYPES = ("text", "textarea", "int", "money", "date", "bool", "choice", "multichoice",
               "id_number", "phone")
"""The answer types a field may have."""

MAPPED_ENTITIES = ("household", "member", "income", "household_industry")
"""Store tables a field may map to (``"household.phone"``)."""

TODAY = "today"
"""A date bound that means the day the form is filled in."""

DERIVABLE = ("birth_date", "sex")
"""What an ID number field can fill in elsewhere (``"fills"``)."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD_KEYS = {"name", "label", "type", "required", "min", "max", "max_length", "choices",
               "catalogue", "help", "show_if", "maps_to", "fills", "placeholder", "wide"}
_GROUP_KEYS = {"name", "item_label", "fields", "maps_to", "min_items", "max_items", "add_label"}
_SECTION_KEYS = {"key", "title", "fields", "group", "columns"}
_FORM_KEYS = {"id", "version", "title", "description", "sections", "$schema", "comment"}


class FormDefinitionError(ValueError):
    """A form definition file is malformed; the message names the place and the fix."""


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: str = "zh") -> str:
        """The text in ``lang`` ("zh" default, or "en")."""
        return self.en if lang.startswith("en") else self.zh


@dataclass(frozen=True, slots=True)
class Choice:
    """One value a choice field may take, with its labels."""

    value: str
    label: Text


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One question of a form."""

    name: str
    label: Text
    type: str
    required: bool = False
    min: float | int | str | None = None  # numbers; ISO dates or "today" for dates
    max: float | int | str | None = None
    max_length: int | None = None
    choices: tuple[Choice, ...] = ()
    catalogue: str | None = None
    help: Text | None = None
    show_if: Condition | None = None
    maps_to: str | None = None  # "household.phone", "member.name", "income.wage", …
    fills: Mapping[str, str] = field(default_factory=dict)  # {"birth_date": "birth_date"}
    placeholder: Text | None = None
    wide: bool = False  # takes a whole row (textarea, multichoice always do)

    def choice_label(self, value: Any, lang: str = "zh") -> str:
        """The label of a choice value ('' for none, the value itself when unknown)."""
        if value in (None, ""):
            return ""
        for choice in self.choices:
            if choice.value == value:
                return choice.label.get(lang)
        return str(value)

    def code_for(self, text: str) -> str | None:
        """The choice value whose value or label (zh or en) is ``text``."""
        text = text.strip()
        for choice in self.choices:
            if text in (choice.value, choice.label.zh) or text.lower() == choice.label.en.lower():
                return choice.value
        return None


@dataclass(frozen=True, slots=True)
class GroupDef:
    """A repeating group: the same questions for each item (e.g. each family member)."""

    name: str
    item_label: Text
    fields: tuple[FieldDef, ...]
    maps_to: str | None = None  # "member"
    min_items: int = 0
    max_items: int | None = None
    add_label: Text | None = None

    def field(self, name: str) -> FieldDef:
        """The group's field ``name``; KeyError when there is none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class SectionDef:
    """A section of the form: plain fields, or one repeating group."""

    key: str
    title: Text
    fields: tuple[FieldDef, ...] = ()
    group: GroupDef | None = None
    columns: int | None = None  # layout hint: label/field pairs per row


@dataclass(frozen=True, slots=True)
class FormDef:
    """A parsed form definition."""

    id: str
    version: int
    title: Text
    sections: tuple[SectionDef, ...]
    description: Text | None = None
    source: str = ""

    def fields(self) -> Iterator[FieldDef]:
        """The top-level fields, in reading order (groups excluded)."""
        for section in self.sections:
            yield from section.fields

    def groups(self) -> Iterator[GroupDef]:
        """The repeating groups, in reading order."""
        for section in self.sections:
            if section.group is not None:
                yield section.group

    def field(self, name: str) -> FieldDef:
        """The top-level field ``name``; KeyError when there is none."""
        for f in self.fields():
            if f.name == name:
                return f
        raise KeyError(name)

    def group(self, name: str) -> GroupDef:
        """The repeating group ``name``; KeyError when there is none."""
        for g in self.groups():
            if g.name == name:
                return g
        raise KeyError(name)

    @property
    def label(self) -> str:
        """Title and version for the screen: 信息采集表 v1."""
        return f"{self.title.zh} v{self.version}"


# ---------------------------------------------------------------- parsing


def _fail(where: str, message: str) -> FormDefinitionError:
    return FormDefinitionError(f"{where}：{message}")


def _text(data: Any, where: str, *, optional: bool = False) -> Text | None:
    if data is None and optional:
        return None
    if isinstance(data, str) and data.strip():
        return Text(data, data)
    if isinstance(data, dict):
        unknown = set(data) - {"zh", "en"}
        if unknown:
            raise _fail(where, f"未知的键“{sorted(unknown)[0]}”，文字只有 zh 和 en")
        zh = data.get("zh")
        en = data.get("en", zh)
        if isinstance(zh, str) and zh.strip() and isinstance(en, str) and en.strip():
            return Text(zh, en)
    raise _fail(where, "应为文字，例如 {\"zh\": \"户主姓名\", \"en\": \"Head of household\"}")


def _required_text(data: Any, where: str) -> Text:
    text = _text(data, where)
    assert text is not None
    return text


def _name(data: Any, where: str) -> str:
    if not isinstance(data, str) or not _NAME.match(data):
        raise _fail(where, f"名称“{data}”应由小写英文字母、数字和下划线组成，以字母开头")
    return data


def _int(data: Any, where: str, low: int = 0) -> int:
    if isinstance(data, bool) or not isinstance(data, int) or data < low:
        raise _fail(where, f"应为不小于{low}的整数")
    return data


def _date_bound(data: Any, where: str) -> str:
    if data == TODAY:
        return TODAY
    if isinstance(data, str):
        try:
            return dt.date.fromisoformat(data).isoformat()
        except ValueError:
            pass
    raise _fail(where, "日期上下限应为 2026-11-29 这样的日期或 \"today\"")


def _bound(data: Any, type_: str, where: str) -> float | int | str | None:
    if data is None:
        return None
    if type_ == "date":
        return _date_bound(data, where)
    if type_ in ("int", "money"):
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise _fail(where, "数值上下限应为数字")
        if type_ == "int" and not float(data).is_integer():
            raise _fail(where, "整数字段的上下限应为整数")
        return data
    raise _fail(where, f"“{type_}”类型的字段不能设上下限（只有 int、money、date 可以）")


def _choices(raw: dict[str, Any], type_: str, where: str,
             catalogues: Mapping[str, Catalogue]) -> tuple[tuple[Choice, ...], str | None]:
    has_inline, has_catalogue = "choices" in raw, "catalogue" in raw
    if type_ not in ("choice", "multichoice"):
        if has_inline or has_catalogue:
            raise _fail(where, f"“{type_}”类型的字段不能有选项")
        return (), None
    if has_inline == has_catalogue:
        raise _fail(where, "选择题须给出 choices（选项列表）或 catalogue（目录名）之一")
    if has_catalogue:
        name = raw["catalogue"]
        if name not in catalogues:
            raise _fail(f"{where}.catalogue",
                        f"没有名为“{name}”的目录，可用：{'、'.join(sorted(catalogues))}")
        entries = catalogues[name]
        return tuple(Choice(e.code, Text(e.zh, e.en)) for e in entries), name
    items = raw["choices"]
    if not isinstance(items, list) or not items:
        raise _fail(f"{where}.choices", "应为非空列表")
    out: list[Choice] = []
    for i, item in enumerate(items):
        at = f"{where}.choices[{i}]"
        if not isinstance(item, dict) or set(item) - {"value", "label"} or "value" not in item:
            raise _fail(at, "选项应为 {\"value\": \"code\", \"label\": {\"zh\": …, \"en\": …}}")
        value = item["value"]
        if not isinstance(value, str) or not value.strip():
            raise _fail(f"{at}.value", "应为非空文字")
        label = _text(item.get("label", value), f"{at}.label")
        assert label is not None
        out.append(Choice(value, label))
    values = [c.value for c in out]
    if len(set(values)) != len(values):
        raise _fail(f"{where}.choices", "选项值重复")
    return tuple(out), None


def _field(raw: Any, where: str, catalogues: Mapping[str, Catalogue]) -> FieldDef:
    if not isinstance(raw, dict):
        raise _fail(where, "字段应为对象")
    unknown = set(raw) - _FIELD_KEYS
    if unknown:
        raise _fail(where, f"未知的键“{sorted(unknown)[0]}”，可用：{'、'.join(sorted(_FIELD_KEYS))}")
    name = _name(raw.get("name"), f"{where}.name")
    where = f"{where}（{name}）"
    type_ = raw.get("type")
    if type_ not in FIELD_TYPES:
        raise _fail(f"{where}.type", f"未知的字段类型“{type_}”，可用：{'、'.join(FIELD_TYPES)}")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise _fail(f"{where}.required", "应为 true 或 false")
    max_length = raw.get("max_length")
    if max_length is not None:
        if type_ not in ("text", "textarea"):
            raise _fail(f"{where}.max_length", "只有 text 和 textarea 字段可以限制长度")
        max_length = _int(max_length, f"{where}.max_length", 1)
    low = _bound(raw.get("min"), type_, f"{where}.min")
    high = _bound(raw.get("max"), type_, f"{where}.max")
    if (low is not None and high is not None and low != TODAY and high != TODAY
            and (low > high)):  # type: ignore[operator]
        raise _fail(where, f"下限{low}大于上限{high}")
    choices, catalogue = _choices(raw, type_, where, catalogues)
    try:
        show_if = (parse_condition(raw["show_if"], f"{where}.show_if")
                   if "show_if" in raw else None)
    except ConditionError as exc:
        raise FormDefinitionError(str(exc)) from None
    maps_to = raw.get("maps_to")
    if maps_to is not None:
        parts = maps_to.split(".") if isinstance(maps_to, str) else []
        if len(parts) != 2 or parts[0] not in MAPPED_ENTITIES or not _NAME.match(parts[1]):
            raise _fail(f"{where}.maps_to",
                        f"应为“表.列”，表可用：{'、'.join(MAPPED_ENTITIES)}，例如 household.phone")
    fills = raw.get("fills", {})
    if fills:
        if type_ != "id_number":
            raise _fail(f"{where}.fills", "只有身份证号字段可以自动填写其他字段")
        if not isinstance(fills, dict) or set(fills) - set(DERIVABLE) or not all(
                isinstance(v, str) for v in fills.values()):
            raise _fail(f"{where}.fills",
                        f"应为 {{\"birth_date\": 字段名, \"sex\": 字段名}}，可填：{'、'.join(DERIVABLE)}")
    wide = raw.get("wide", False)
    if not isinstance(wide, bool):
        raise _fail(f"{where}.wide", "应为 true 或 false")
    return FieldDef(
        name=name, label=_required_text(raw.get("label"), f"{where}.label"), type=type_,
        required=required, min=low, max=high, max_length=max_length, choices=choices,
        catalogue=catalogue, help=_text(raw.get("help"), f"{where}.help", optional=True),
        show_if=show_if, maps_to=maps_to, fills=dict(fills),
        placeholder=_text(raw.get("placeholder"), f"{where}.placeholder", optional=True),
        wide=wide or type_ in ("textarea", "multichoice"),
    )


def _fields(raw: Any, where: str, catalogues: Mapping[str, Catalogue]) -> tuple[FieldDef, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(where, "应为非空的字段列表")
    return tuple(_field(f, f"{where}[{i}]", catalogues) for i, f in enumerate(raw))


def _group(raw: Any, where: str, catalogues: Mapping[str, Catalogue]) -> GroupDef:
    if not isinstance(raw, dict):
        raise _fail(where, "重复组应为对象")
    unknown = set(raw) - _GROUP_KEYS
    if unknown:
        raise _fail(where, f"未知的键“{sorted(unknown)[0]}”，可用：{'、'.join(sorted(_GROUP_KEYS))}")
    name = _name(raw.get("name"), f"{where}.name")
    fields = _fields(raw.get("fields"), f"{where}.fields", catalogues)
    maps_to = raw.get("maps_to")
    if maps_to is not None and maps_to != "member":
        raise _fail(f"{where}.maps_to", "重复组目前只能对应 member（家庭成员）")
    min_items = _int(raw.get("min_items", 0), f"{where}.min_items")
    max_items = raw.get("max_items")
    if max_items is not None:
        max_items = _int(max_items, f"{where}.max_items", max(min_items, 1))
    return GroupDef(
        name=name, item_label=_required_text(raw.get("item_label"), f"{where}.item_label"),
        fields=fields, maps_to=maps_to, min_items=min_items, max_items=max_items,
        add_label=_text(raw.get("add_label"), f"{where}.add_label", optional=True))


def _section(raw: Any, where: str, catalogues: Mapping[str, Catalogue]) -> SectionDef:
    if not isinstance(raw, dict):
        raise _fail(where, "节应为对象")
    unknown = set(raw) - _SECTION_KEYS
    if unknown:
        raise _fail(where, f"未知的键“{sorted(unknown)[0]}”，可用：{'、'.join(sorted(_SECTION_KEYS))}")
    key = _name(raw.get("key"), f"{where}.key")
    title = _required_text(raw.get("title"), f"{where}.title")
    if ("fields" in raw) == ("group" in raw):
        raise _fail(where, "节须有 fields（字段列表）或 group（重复组）之一")
    columns = raw.get("columns")
    if columns is not None:
        columns = _int(columns, f"{where}.columns", 1)
    if "group" in raw:
        return SectionDef(key, title, group=_group(raw["group"], f"{where}.group", catalogues),
                          columns=columns)
    return SectionDef(key, title, fields=_fields(raw["fields"], f"{where}.fields", catalogues),
                      columns=columns)


def _check_names_and_references(form: FormDef) -> None:
    """Names are unique; conditions read fields that come first; mappings fit their scope."""
    seen_top: list[str] = []
    top_names = {f.name for f in form.fields()}
    groups = {g.name for g in form.groups()}
    clash = top_names & groups
    if clash:
        raise _fail(form.source or form.id, f"名称“{sorted(clash)[0]}”既是字段又是重复组")
    for s_index, section in enumerate(form.sections):
        base = f"sections[{s_index}]"
        if section.group is None:
            for i, f in enumerate(section.fields):
                where = f"{base}.fields[{i}]（{f.name}）"
                if f.name in seen_top:
                    raise _fail(where, f"字段名“{f.name}”重复")
                for ref in referenced_fields(f.show_if) if f.show_if else ():
                    if ref not in seen_top:
                        raise _fail(f"{where}.show_if",
                                    f"条件引用的“{ref}”不是此前出现的字段（条件只能看前面的问题）")
                if f.maps_to and f.maps_to.split(".")[0] == "member":
                    raise _fail(f"{where}.maps_to", "member.* 只能用在家庭成员重复组里")
                _check_fills(f, {x.name: x for x in form.fields()}, where)
                seen_top.append(f.name)
        else:
            group = section.group
            seen_group: list[str] = []
            for i, f in enumerate(group.fields):
                where = f"{base}.group.fields[{i}]（{f.name}）"
                if f.name in seen_group:
                    raise _fail(where, f"字段名“{f.name}”在组内重复")
                for ref in referenced_fields(f.show_if) if f.show_if else ():
                    if ref not in seen_group and ref not in top_names:
                        raise _fail(f"{where}.show_if",
                                    f"条件引用的“{ref}”既不是本组前面的字段，也不是表单的字段")
                if f.maps_to:
                    entity = f.maps_to.split(".")[0]
                    if entity != group.maps_to:
                        raise _fail(f"{where}.maps_to",
                                    f"组“{group.name}”的字段只能对应 {group.maps_to or '（无）'}.*")
                _check_fills(f, {x.name: x for x in group.fields}, where)
                seen_group.append(f.name)
    mapped = {f.maps_to: f for f in form.fields() if f.maps_to}
    if any(m.startswith("income.") for m in mapped) and "income.year" not in mapped:
        raise _fail(form.source or form.id, "有 income.* 字段时须有一个对应 income.year 的年度字段")
    year = mapped.get("income.year")
    if year is not None and (year.type != "int" or not year.required):
        raise _fail(form.source or form.id, "对应 income.year 的字段须为必填的 int 字段")
    for target, f in mapped.items():
        if target.startswith("household_industry.") and (
                target != "household_industry.industry" or f.type != "multichoice"):
            raise _fail(form.source or form.id,
                        "household_industry 只能由一个多选字段对应 household_industry.industry")
    if sum(1 for g in form.groups() if g.maps_to == "member") > 1:
        raise _fail(form.source or form.id, "只能有一个重复组对应 member")
    targets = [f.maps_to for f in form.fields() if f.maps_to]
    for g in form.groups():
        group_targets = [f.maps_to for f in g.fields if f.maps_to]
        if len(set(group_targets)) != len(group_targets):
            raise _fail(form.source or form.id, f"组“{g.name}”中有两个字段对应同一列")
    if len(set(targets)) != len(targets):
        raise _fail(form.source or form.id, "有两个字段对应同一列")


def _check_fills(f: FieldDef, scope: Mapping[str, FieldDef], where: str) -> None:
    for what, target in f.fills.items():
        other = scope.get(target)
        wanted = "date" if what == "birth_date" else "choice"
        if other is None or other.type != wanted:
            raise _fail(f"{where}.fills.{what}", f"“{target}”应为同一范围内的 {wanted} 字段")


def parse_form(data: Any, source: str = "",
               catalogues: Mapping[str, Catalogue] | None = None) -> FormDef:
    """A form definition from its JSON data; :class:`FormDefinitionError` when malformed.

    ``catalogues`` are the catalogues ``"catalogue"`` names may use (default: the built-in
    ones; pass a region's extended catalogues to offer its extra industries).
    """
    catalogues = CATALOGUES if catalogues is None else catalogues
    where = source or "表单"
    if not isinstance(data, dict):
        raise _fail(where, "表单定义应为 JSON 对象")
    unknown = set(data) - _FORM_KEYS
    if unknown:
        raise _fail(where, f"未知的键“{sorted(unknown)[0]}”，可用：{'、'.join(sorted(_FORM_KEYS))}")
    try:
        form_id = _name(data.get("id"), "id")
        version = _int(data.get("version"), "version", 1)
        title = _required_text(data.get("title"), "title")
        description = _text(data.get("description"), "description", optional=True)
        sections_raw = data.get("sections")
        if not isinstance(sections_raw, list) or not sections_raw:
            raise _fail("sections", "应为非空的节列表")
        sections = tuple(_section(s, f"sections[{i}]", catalogues)
                         for i, s in enumerate(sections_raw))
        keys = [s.key for s in sections]
        if len(set(keys)) != len(keys):
            raise _fail("sections", "节的 key 重复")
        form = FormDef(form_id, version, title, sections, description, source)
        _check_names_and_references(form)
    except FormDefinitionError as exc:
        if source and not str(exc).startswith(source):
            raise FormDefinitionError(f"{source}：{exc}") from None
        raise
    return form


def load_form(path: str | Path, catalogues: Mapping[str, Catalogue] | None = None) -> FormDef:
    """Read and parse a form definition file (UTF-8 JSON)."""
    path = Path(path)
    source = path.name if path.parent.name == "" else f"{path.parent.name}/{path.name}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FormDefinitionError(f"{source}：无法读取（{exc.strerror or exc}）") from None
    except UnicodeDecodeError:
        raise FormDefinitionError(f"{source}：不是 UTF-8 编码的文本") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormDefinitionError(
            f"{source}：不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）") from None
    form = parse_form(data, source, catalogues)
    match = re.fullmatch(r"v(\d+)\.json", path.name)
    if match and int(match.group(1)) != form.version:
        raise FormDefinitionError(f"{source}：文件名是 v{match.group(1)}，version 却是 {form.version}")
    if path.parent.name and path.parent.name != form.id:
        raise FormDefinitionError(f"{source}：所在文件夹是 {path.parent.name}，id 却是 {form.id}")
    return form


def find_forms(folder: str | Path) -> dict[str, list[Path]]:
    """Form definition files under ``folder``: form id → files, oldest version first."""
    out: dict[str, list[Path]] = {}
    root = Path(folder)
    if not root.is_dir():
        return out
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        files = [p for p in sub.glob("v*.json") if re.fullmatch(r"v\d+\.json", p.name)]
        if files:
            out[sub.name] = sorted(files, key=lambda p: int(p.stem[1:]))
    return out


def _folders(folder: str | Path | Sequence[str | Path]) -> list[Path]:
    return [Path(folder)] if isinstance(folder, str | Path) else [Path(f) for f in folder]


def latest_form(folder: str | Path | Sequence[str | Path], form_id: str,
                catalogues: Mapping[str, Catalogue] | None = None) -> FormDef:
    """The newest version of form ``form_id`` in ``folder`` — or in several folders (the
    shipped forms and those a data home received from the sync server): the highest
    version wins, the first folder when two hold the same version."""
    files = [f for one in _folders(folder) for f in find_forms(one).get(form_id, [])]
    if not files:
        raise FormDefinitionError(f"找不到表单“{form_id}”的定义文件")
    newest = max(int(f.stem[1:]) for f in files)
    return load_form(next(f for f in files if int(f.stem[1:]) == newest), catalogues)


def form_version(folder: str | Path | Sequence[str | Path], form_id: str, version: int,
                 catalogues: Mapping[str, Catalogue] | None = None) -> FormDef:
    """Version ``version`` of form ``form_id`` (to read an old submission), from the first
    of the folders that has it."""
    paths = [f / form_id / f"v{version}.json" for f in _folders(folder)]
    path = next((p for p in paths if p.exists()), paths[0])
    if not path.exists():
        raise FormDefinitionError(f"找不到表单“{form_id}”第{version}版的定义文件")
    return load_form(path, catalogues)
