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
    "id_number.taken": (
        "身份证号已属于农户{number}（户主{head}）：一个人只能在一户中；如确是同一户，请由督导用“重复户合并”",
        "This ID number already belongs to household {number} (head {head}): a person belongs "
        "to one household; if they are the same household, a supervisor merges the duplicates"),
    "visit.follow_up_before": (
        "回访日期{follow_up}早于走访日期{visit}：回访应在走访之后",
        "The follow-up date {follow_up} is before the visit date {visit}: a follow-up comes after"),
    "visit.in_future": (
        "走访日期{date}晚于今天（{today}）：只能记录已经进行的走访",
        "The visit date {date} is after today ({today}): only visits that took place are logged"),
    "visit.before_team_start": (
        "走访日期{date}早于工作队进驻日期{start}，请核对",
        "The visit date {date} is before the team arrived ({start}); please check it"),
    "visit.long_ago": (
        "走访日期{date}是一年多以前，请核对",
        "The visit date {date} is more than a year ago; please check it"),
    "lock.too_short": ("锁屏密码至少{min}个字符", "The lock password has at least {min} characters"),
    "visit.time_invalid": (
        "走访时间“{value}”不对，应为 0:00–23:59，如 14:30",
        "The visit time “{value}” is not valid; use 0:00–23:59, e.g. 14:30"),
    "household.ambiguous_name": (
        "户主姓名“{key}”对应多户：{candidates}；请改用户编号",
        "Several households have the head “{key}”: {candidates}; use the household number"),
    "text.too_long": ("{field}最长{limit}个字符", "{field} has at most {limit} characters"),
    "setup.unknown_county": (
        "没有行政区划代码或名称为“{value}”的县（区）（{edition}年统计用区划代码），请检查",
        "No county “{value}” in the {edition} administrative divisions; check the code or name",
    ),
    "setup.ambiguous_county": (
        "“{value}”可以是几个县（区）：{choices}，请改用6位代码",
        "“{value}” could be several counties: {choices}; use the 6-digit code",
    ),
    "setup.no_villages": (
        "请给出工作队所驻的村（12位代码或村名，逗号分隔）",
        "Name the villages the team works in (12-digit codes or names, separated by commas)",
    ),
    "setup.unknown_village": (
        "{county}没有村“{value}”；不在统计用区划代码中的自然村请先添加（自行添加的村）",
        "{county} has no village “{value}”; add a village missing from the divisions first",
    ),
    "setup.village_outside": (
        "代码{value}（{name}）不在{county}内",
        "Code {value} ({name}) is not in {county}",
    ),
    "setup.not_a_village": (
        "代码{value}（{name}）不是村或社区，请给出村的12位代码",
        "Code {value} ({name}) is not a village; give a village's 12-digit code",
    ),
    "setup.other_county": (
        "本机已设置为{county}的数据，不能再设置为{other}；请另用一个数据目录（--home）",
        "This data home is set up for {county}, not {other}; use another data home (--home)",
    ),
    "setup.other_villages": (
        "本机已设置为工作队“{team}”（驻{villages}）；要把{added}加入本工作队，请加 --add",
        "This laptop is set up for the team “{team}” ({villages}); add --add to add {added} to it",
    ),
    "setup.done_already": (
        "本机已设置为工作队“{team}”（驻{villages}），没有需要更改的",
        "This laptop is already set up for the team “{team}” ({villages}); nothing to change",
    ),
    "setup.other_team": (
        "本机已设置为工作队“{team}”，不能再设置为“{other}”；另一个工作队请另用一个数据目录（--home）",
        "This laptop is set up for the team “{team}”, not “{other}”; use another data home (--home)",
    ),
    "setup.joined_server": (
        "本机已登录服务器 {server}，工作队和所驻村由服务器下发，请同步而不是单机设置",
        "This laptop is signed in to {server}: its team and villages come from the server; sync instead",
    ),
    "setup.has_data": (
        "这个数据目录里已有农户数据，不能再单机设置；请另用一个数据目录（--home）",
        "This data home already holds households; set up in another data home (--home)",
    ),
    "setup.demo_home": (
        "这个数据目录里是演示数据，不能设置为真实的县；请另用一个数据目录（--home）",
        "This data home holds demo data; set up a real county in another data home (--home)",
    ),
    "village.ambiguous": (
        "“{value}”可以是几个村：{choices}；请写上乡镇名或改用12位代码",
        "“{value}” could be several villages: {choices}; add the township or use the 12-digit code",
    ),
    "village.outside_team": (
        "“{value}”是{name}，不是本工作队所驻的村（{villages}）",
        "“{value}” is {name}, not one of this team's villages ({villages})",
    ),
    "team.two_first_secretaries": (
        "一个工作队只能有一名在岗的第一书记",
        "A team has one serving first secretary at a time",
    ),
    "team.cadre_twice": ("同一名干部列了两次", "The same cadre is listed twice"),
    "team.not_set_up": (
        "本机还没有设置工作队：先运行 workteam setup（或在首次启动页面选“单机开始”），或登录服务器同步",
        "No work team is set up here: run workteam setup (or choose Start offline), or log in and sync",
    ),
    "cadre.ended_before_start": (
        "离岗日期{end}早于到岗日期{start}",
        "The date of leaving {end} is before the start {start}",
    ),
    "team.first_secretary_taken": (
        "{name}是本工作队在岗的第一书记，一个工作队只能有一名在岗的第一书记；请先为{name}办理离岗或轮换",
        "{name} is this team's serving first secretary and a team has one at a time; "
        "end {name}'s post or rotate first",
    ),
    "team.choose": (
        "本机有几个工作队（{teams}），请用 --team 指定是哪一个",
        "This data home holds several teams ({teams}); name one with --team",
    ),
    "team.not_found": (
        "找不到工作队“{key}”；本机的工作队：{teams}", "No team “{key}”; the teams here: {teams}",
    ),
    "cadre.exists": ("本工作队已有在岗干部“{name}”", "{name} already serves in this team"),
    "cadre.already_ended": ("{name}已于{date}离岗，不能再次离岗", "{name} already left on {date}"),
    "cadre.successor_self": ("接任干部不能是离岗干部本人", "The successor cannot be the cadre who leaves"),
    "number.range": ("{field}应在{low}到{high}之间", "{field} must be between {low} and {high}"),
    "training.attendees_below": (
        "参训人次{attendees}少于列出的参训人员{participants}人，请至少填{participants}",
        "Attendance {attendees} is below the {participants} participants listed; "
        "enter at least {participants}",
    ),
    "member.not_found": (
        "本工作队所驻村的农户成员中找不到“{key}”，请填写姓名或身份证号",
        "No household member “{key}” in this team's villages; give a name or ID number",
    ),
    "member.ambiguous": (
        "“{key}”有{count}人：{choices}；请改用身份证号（或后4位）",
        "“{key}” matches {count} people: {choices}; use the ID number (or its last 4 characters)",
    ),
    "member.outside_team": (
        "{name}不是本工作队所驻村的农户成员，不能列为参训人员",
        "{name} is not a member of a household in this team's villages",
    ),
    # A laptop's device id (store/store.py, docs/sync-protocol.md: Devices).
    "backup.new_device": (
        "备份来自另一个数据目录：本机已换用新的设备编号 {device}（原编号 {old} 的记录保持不变）；"
        "如已登录同步服务器，请重新登录",
        "The backup came from another data home: this laptop now has the new device id {device} "
        "(the records of {old} stay as they are); if it syncs with a server, log in again",
    ),
    "device.changed": (
        "本机已换用新的设备编号 {device}（原编号 {old} 的记录保持不变），请重新登录同步服务器",
        "This laptop now has the new device id {device} (the records of {old} stay as they are); "
        "log in to the sync server again",
    ),
    "sync.device_taken": (
        "设备编号 {device} 正由另一台电脑上的登录使用：这个数据目录是从那台电脑复制来的。"
        "请在本机运行 workteam new-device 换用新的设备编号后再登录",
        "Device id {device} is in use by a login on another laptop: this data home was copied "
        "from it. Run workteam new-device on this laptop for a device id of its own, then log in again",
    ),
    "sync.new_device_login": (
        "本机已换用新的设备编号（数据是从另一个数据目录恢复或复制来的），原来的登录不能再用，请重新登录",
        "This laptop has a new device id (its data was restored or copied from another data home): "
        "the earlier login cannot be used; log in again",
    ),
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
