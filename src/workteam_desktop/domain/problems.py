"""Validation problems: a stable code, parameters, and a short message in zh_CN or English.

Messages say what to do, in one sentence, as the UI shows them next to a field
(UI.md: “身份证号第18位校验码应为X”).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_MESSAGES: dict[str, tuple[str, str]] = {
    "id.empty": ("请填写身份证号", "Enter the ID number"),
    "id.length": ("身份证号应为18位，现在是{length}位", "An ID number has 18 characters, not {length}"),
    "id.digits": ("身份证号前17位只能是数字", "The first 17 characters of an ID number must be digits"),
    "id.last_char": ("身份证号第18位应为数字或X", "The 18th character must be a digit or X"),
    "id.region": (
        "身份证号前两位“{region}”不是有效的省级地区码",
        "“{region}” at the start is not a valid province code",
    ),
    "id.birth_date": (
        "身份证号中的出生日期“{birth}”不是有效日期",
        "The birth date “{birth}” in the ID number is not a valid date",
    ),
    "id.birth_future": (
        "身份证号中的出生日期“{birth}”晚于今天",
        "The birth date “{birth}” in the ID number is in the future",
    ),
    "id.checksum": ("身份证号第18位校验码应为{expected}", "The check character (18th) should be {expected}"),
    "phone.invalid": (
        "电话号码应为11位手机号或带区号的固话",
        "Enter an 11-digit mobile number or a landline with area code",
    ),
    "money.invalid": ("“{text}”不是有效金额，请填写数字", "“{text}” is not an amount; enter a number"),
    "money.negative": ("{field}不能为负数", "{field} cannot be negative"),
    "date.invalid": (
        "“{text}”不是有效日期，请按2026-11-29的格式填写",
        "“{text}” is not a date; use the form 2026-11-29",
    ),
    "field.required": ("请填写{field}", "Enter {field}"),
    "field.unknown": ("没有名为“{field}”的字段", "There is no field named “{field}”"),
    "field.readonly": ("“{field}”由系统计算，不能直接修改", "“{field}” is computed and cannot be set"),
    "choice.invalid": (
        "“{value}”不是有效的{field}，可选：{choices}",
        "“{value}” is not a valid {field}; choose one of: {choices}",
    ),
    "int.invalid": ("“{text}”不是整数", "“{text}” is not a whole number"),
    "bool.invalid": ("“{text}”应为 是 或 否", "“{text}” should be yes or no"),
    "members.zero": ("家庭人口至少为1人", "A household has at least one member"),
    "household.not_found": ("找不到农户“{key}”", "No household “{key}”"),
    "household.ambiguous": (
        "户编号“{key}”对应多户，请改用ID",
        "Household number “{key}” matches several households; use the ID",
    ),
    "village.not_found": ("找不到村“{key}”", "No village “{key}”"),
    "cadre.not_found": ("找不到干部“{key}”", "No cadre “{key}”"),
    "roster.unknown_village": (
        "找不到村“{value}”，请填写本地已有的村（社区）名称或12位代码",
        "No village “{value}” here; use the name or 12-digit code of a village in this data home",
    ),
    "roster.duplicate_id": (
        "身份证号与第{other}行重复，本行未导入",
        "The ID number repeats row {other}; this row is not imported",
    ),
    "roster.missing_head": (
        "本户没有户主：请填写户主姓名和户主身份证号",
        "This household has no head: enter the head's name and ID number",
    ),
    "roster.household_skipped": (
        "本户第{rows}行有问题，整户未导入",
        "Row {rows} of this household has a problem; the whole household is not imported",
    ),
    "roster.unreadable": (
        "无法读取花名册文件“{name}”：请另存为 .xlsx 或 .csv 后再导入",
        "Cannot read the roster “{name}”; save it as .xlsx or .csv and try again",
    ),
    "roster.no_header": (
        "在“{name}”的前{rows}行中找不到表头（如 户主姓名、身份证号）",
        "No header row (such as 户主姓名, 身份证号) in the first {rows} rows of “{name}”",
    ),
    "roster.no_sheet": (
        "工作簿中没有工作表“{sheet}”，可选：{choices}",
        "The workbook has no sheet “{sheet}”; choose one of: {choices}",
    ),
    "roster.mapping_file": (
        "列对应文件“{name}”无法使用：{reason}",
        "The column mapping file “{name}” cannot be used: {reason}",
    ),
    "roster.mapping_incomplete": (
        "请指定哪一列是{fields}",
        "Say which column holds {fields}",
    ),
    "date.range": ("开始日期{start}晚于结束日期{end}", "The start date {start} is after the end date {end}"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, with what to do about it."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        """The user-facing message in ``lang`` ("zh" default, or "en")."""
        zh, en = _MESSAGES[self.code]
        template = en if lang.startswith("en") else zh
        return template.format(**self.params)

    def __str__(self) -> str:
        return self.message()


class DomainError(ValueError):
    """Raised when input breaks a domain rule; carries the problem for the user."""

    def __init__(self, problem: Problem, field_name: str | None = None) -> None:
        super().__init__(problem.message())
        self.problem = problem
        self.field_name = field_name

    def message(self, lang: str = "zh") -> str:
        """The message for the user."""
        return self.problem.message(lang)
