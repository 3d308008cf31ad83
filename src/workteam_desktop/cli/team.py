"""``workteam cadres list|add|set|end`` and ``workteam trainings add|list``: a team's life.

Cadres rotate (驻村干部轮换): ``cadres end NAME --date D --successor NAME2`` ends one post and
starts the next in one transaction. Every value is checked before anything is written; a
refusal is one Chinese line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..domain.fields import parse_date, parse_int
from ..domain.problems import DomainError, Problem
from ..store import Store
from ..store.team import (
    CadreInput,
    TeamInfo,
    add_cadre,
    end_cadre,
    find_cadre,
    list_cadres,
    list_teams,
    parse_cadre_fields,
    resolve_team,
    update_cadre,
)
from ..store.trainings import (
    ParticipantInput,
    TrainingInput,
    count_trainings,
    list_trainings,
    save_training,
    training_detail,
)
from .common import open_store
from .main import CliError
from .output import print_json, print_table

_TEAM_HELP = "工作队名称（本机只有一个工作队或已设置工作队时可省略）"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``cadres`` and ``trainings`` subcommands."""
    p = sub.add_parser("cadres", help="驻村干部：列出、添加、修改、离岗与轮换", parents=[common])
    csub = p.add_subparsers(dest="cadres_command", metavar="ACTION", required=True)

    ls = csub.add_parser("list", help="列出工作队的驻村干部", parents=[common])
    ls.add_argument("--all", action="store_true", help="连同已离岗的干部一起列出")
    ls.add_argument("--team", metavar="NAME", help=_TEAM_HELP)
    ls.add_argument("--json", action="store_true", help="输出JSON")
    ls.set_defaults(handler=_cadres_list)

    add = csub.add_parser("add", help="添加驻村干部", parents=[common])
    add.add_argument("name", metavar="NAME", help="姓名")
    add.add_argument("--role", default="", metavar="职务",
                     help="第一书记、工作队长或驻村工作队员（默认）")
    add.add_argument("--phone", default="", metavar="PHONE", help="联系电话")
    add.add_argument("--unit", default="", metavar="UNIT", help="派出单位（默认：工作队的派驻单位）")
    add.add_argument("--start", metavar="YYYY-MM-DD", help="到岗日期（默认：今天）")
    add.add_argument("--team", metavar="NAME", help=_TEAM_HELP)
    add.add_argument("--json", action="store_true", help="输出JSON")
    add.set_defaults(handler=_cadres_add)

    st = csub.add_parser("set", help="修改干部信息，如 phone=13912345678 role=工作队长",
                         parents=[common])
    st.add_argument("name", metavar="NAME", help="姓名")
    st.add_argument("assignments", metavar="FIELD=VALUE", nargs="+",
                    help="name、role、phone、unit、started_on、ended_on（或 姓名、职务、电话、"
                         "单位、到岗日期、离岗日期）")
    st.add_argument("--team", metavar="NAME", help=_TEAM_HELP)
    st.add_argument("--json", action="store_true", help="输出JSON")
    st.set_defaults(handler=_cadres_set)

    end = csub.add_parser("end", help="干部离岗；给出 --successor 即为轮换（同日接任）",
                          parents=[common])
    end.add_argument("name", metavar="NAME", help="离岗干部的姓名")
    end.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="离岗（交接）日期")
    end.add_argument("--successor", metavar="NAME2", help="接任干部的姓名（同日到岗）")
    end.add_argument("--role", default="", metavar="职务", help="接任干部的职务（默认：与离岗干部相同）")
    end.add_argument("--phone", default="", metavar="PHONE", help="接任干部的联系电话")
    end.add_argument("--team", metavar="NAME", help=_TEAM_HELP)
    end.add_argument("--json", action="store_true", help="输出JSON")
    end.set_defaults(handler=_cadres_end)

    t = sub.add_parser("trainings", help="技能培训：记录、列出", parents=[common])
    tsub = t.add_subparsers(dest="trainings_command", metavar="ACTION", required=True)
    tadd = tsub.add_parser("add", help="记录一次培训", parents=[common])
    tadd.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="培训日期")
    tadd.add_argument("--topic", required=True, metavar="TEXT", help="培训主题")
    tadd.add_argument("--trainer", default="", metavar="NAME", help="授课人")
    tadd.add_argument("--place", default="", metavar="TEXT", help="地点")
    tadd.add_argument("--hours", metavar="H", help="学时，如 3 或 1.5")
    tadd.add_argument("--attendees", metavar="N", help="参训人次（默认：列出的参训人员人数）")
    tadd.add_argument("--participant", action="append", default=[], metavar="姓名或身份证号[:证书]",
                      help="参训的农户成员（可重复），如 王建国:电焊工证 或 1003:中式烹调师证")
    tadd.add_argument("--note", default="", metavar="TEXT", help="备注")
    tadd.add_argument("--team", metavar="NAME", help=_TEAM_HELP)
    tadd.add_argument("--json", action="store_true", help="输出JSON")
    tadd.set_defaults(handler=_trainings_add)

    tls = tsub.add_parser("list", help="列出培训记录", parents=[common])
    tls.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    tls.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    tls.add_argument("--team", metavar="NAME", help="只列这个工作队的培训（默认：本机的工作队或全部）")
    tls.add_argument("--limit", type=int, help="最多列出多少条")
    tls.add_argument("--json", action="store_true", help="输出JSON")
    tls.set_defaults(handler=_trainings_list)


# ---------------------------------------------------------------- cadres

def _cadre_json(row: Any) -> dict[str, Any]:
    return row.to_json()


def _print_cadres(team: TeamInfo, rows: list[Any]) -> None:
    print_table(["姓名", "职务", "电话", "单位", "到岗日期", "离岗日期", "状态"],
                [[r.name, r.role_label, r.phone, r.unit, r.started_on or "", r.ended_on or "",
                  r.status_label] for r in rows])
    print(f"{team.name}：共 {len(rows):,} 人，其中在岗 {sum(r.serving for r in rows):,} 人")


def _cadres_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        team = resolve_team(store, args.team)
        rows = list_cadres(store, team.id, include_past=args.all)
    if args.json:
        print_json([_cadre_json(r) for r in rows])
    else:
        _print_cadres(team, rows)
    return 0


def _cadres_add(args: argparse.Namespace) -> int:
    start = parse_date(args.start, "start") if args.start else None
    with open_store(args) as store:
        team = resolve_team(store, args.team)
        cadre_id = add_cadre(store, team.id, CadreInput(args.name, args.role, args.phone,
                                                        args.unit, start))
        row = find_cadre(store, team.id, cadre_id)
    if args.json:
        print_json(_cadre_json(row))
    else:
        print(f"已添加：{row.name}（{row.role_label}），{row.started_on}到岗，{team.name}")
    return 0


def _assignments(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"“{item}”应写成 字段=值，例如 phone=13912345678")
        out[name.strip()] = value
    return out


def _cadres_set(args: argparse.Namespace) -> int:
    fields = parse_cadre_fields(_assignments(args.assignments))
    with open_store(args) as store:
        team = resolve_team(store, args.team)
        changed = update_cadre(store, team.id, args.name, fields)
        row = find_cadre(store, team.id, fields.get("name") or args.name)
    if args.json:
        print_json({"changed": {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                for k, v in changed.items()}, "cadre": _cadre_json(row)})
    elif changed:
        print(f"已保存：{row.name}（{row.role_label}，{row.status_label}）")
    else:
        print("没有变化")
    return 0


def _cadres_end(args: argparse.Namespace) -> int:
    if (args.role or args.phone) and not args.successor:
        raise CliError("--role 和 --phone 是接任干部的，请同时给出 --successor")
    ended_on = parse_date(args.date, "date")
    successor = (CadreInput(args.successor, args.role, args.phone) if args.successor else None)
    with open_store(args) as store:
        team = resolve_team(store, args.team)
        rotation = end_cadre(store, team.id, args.name, ended_on, successor)
        rows = list_cadres(store, team.id, include_past=False)
    if args.json:
        print_json({"ended": {"id": rotation.cadre_id, "name": rotation.name,
                              "ended_on": rotation.ended_on.isoformat()},
                    "successor": {"id": rotation.successor_id, "name": rotation.successor_name,
                                  "role": rotation.successor_role,
                                  "started_on": rotation.ended_on.isoformat()}
                    if rotation.successor_id else None,
                    "serving": [_cadre_json(r) for r in rows]})
        return 0
    if rotation.successor_id:
        print(f"已轮换：{rotation.name}于{rotation.ended_on}离岗，{rotation.successor_name}同日接任")
    else:
        print(f"已登记离岗：{rotation.name}，{rotation.ended_on}")
    return 0


# ---------------------------------------------------------------- trainings

def _hours(text: str | None) -> float:
    if text is None or not text.strip():
        return 0.0
    try:
        return float(text.strip())
    except ValueError:
        raise CliError(f"学时“{text}”应为数字，如 3 或 1.5") from None


def _participant(text: str) -> ParticipantInput:
    key, _sep, certificate = text.replace("：", ":").partition(":")
    if not key.strip():
        raise DomainError(Problem("field.required", {"field": "参训人员的姓名或身份证号"}))
    return ParticipantInput(key.strip(), certificate.strip())


def _trainings_add(args: argparse.Namespace) -> int:
    # Everything typed is read before the store is opened for writing.
    training_date = parse_date(args.date, "date")
    hours = _hours(args.hours)
    attendees = parse_int(args.attendees, "attendees") if args.attendees else None
    participants = [_participant(p) for p in args.participant]
    with open_store(args) as store:
        team = resolve_team(store, args.team)
        training_id = save_training(store, TrainingInput(
            team.id, training_date, args.topic, args.trainer, args.place, hours, attendees,
            args.note, participants))
        detail = training_detail(store, training_id)
    if args.json:
        print_json(detail)
        return 0
    people = "、".join(p["name"] + (f"（{p['certificate']}）" if p["certificate"] else "")
                      for p in detail["participants"])
    print(f"已记录培训：{detail['training_date']} {detail['title']}，参训 {detail['attendees']:,} 人次"
          + (f"，登记 {len(detail['participants']):,} 人：{people}" if people else ""))
    return 0


def _list_team(store: Store, key: str | None) -> TeamInfo | None:
    if key:
        return resolve_team(store, key)
    teams = list_teams(store)
    if teams and (teams[0].home or len(teams) == 1):
        return teams[0]
    return None  # a supervisor's or the demo's data: every team


def _trainings_list(args: argparse.Namespace) -> int:
    date_from = parse_date(args.date_from, "from") if args.date_from else None
    date_to = parse_date(args.date_to, "to") if args.date_to else None
    with open_store(args) as store:
        team = _list_team(store, args.team)
        team_id = team.id if team else None
        rows = list_trainings(store, team_id, date_from, date_to, limit=args.limit)
        total = count_trainings(store, team_id, date_from, date_to)
    if args.json:
        print_json(rows)
        return 0
    headers = ["日期", "培训主题", "授课人", "地点", "学时", "参训人次", "登记人员", "取得证书"]
    if team is None:
        headers.append("工作队")
    print_table(headers, [[r["training_date"], r["title"], r["trainer"], r["place"],
                           f"{r['hours']:g}", f"{r['attendees']:,}", f"{r['participants']:,}",
                           f"{r['certificates']:,}", *([r["team_name"]] if team is None else [])]
                          for r in rows], right_aligned=[4, 5, 6, 7])
    print(f"共 {total:,} 次培训" + (f"（{team.name}）" if team else ""))
    return 0
