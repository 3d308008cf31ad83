"""``workteam setup`` and ``workteam areas``: a laptop's county and team without a server."""

from __future__ import annotations

import argparse
import sys

from ..domain import divisions as dv
from ..domain.problems import DomainError, Problem
from ..domain.team_setup import plan_setup
from .common import home_path, open_store
from .main import CliError
from .output import print_json, print_table


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``setup`` and ``areas``."""
    p = sub.add_parser("setup", parents=[common],
                       help="单机设置本机的县、工作队和所驻村（没有服务器时；以后可再登录服务器同步）")
    p.add_argument("--county", required=True, metavar="CODE",
                   help="县（区）的6位行政区划代码或名称，如 140222 或 天镇县")
    p.add_argument("--villages", required=True, metavar="CODE[,CODE…]",
                   help="所驻村的12位代码或村名，逗号分隔")
    p.add_argument("--team", required=True, metavar="NAME", help="工作队名称")
    p.add_argument("--unit", default="", metavar="UNIT", help="派驻单位")
    p.add_argument("--cadre", action="append", default=[], metavar="姓名[:职务]",
                   help="驻村干部，如 张伟:第一书记（可多次给出；职务默认驻村工作队员）")
    p.add_argument("--add", action="store_true", help="本机已设置时，把新给出的村和干部加入本工作队")
    p.add_argument("--lock-password-stdin", action="store_true",
                   help="从标准输入读一行作为锁屏密码（至少6个字符；电脑闲置时窗口锁屏，"
                        "输入它才能继续；不是恢复码）")
    p.add_argument("--json", action="store_true", help="输出JSON")
    p.set_defaults(handler=_setup)

    a = sub.add_parser("areas", help="地区：列出本机的村，添加统计用区划代码中没有的村", parents=[common])
    asub = a.add_subparsers(dest="areas_command", metavar="ACTION", required=True)
    local = asub.add_parser("add-local", parents=[common],
                            help="添加统计用区划代码中没有的村（自然村、合并前的村、新安置社区）")
    local.add_argument("name", help="村名，如 于家窑村")
    local.add_argument("--township", required=True, metavar="CODE_OR_NAME", help="所属乡镇的代码或名称")
    local.add_argument("--json", action="store_true", help="输出JSON")
    local.set_defaults(handler=_add_local)
    ls = asub.add_parser("list", parents=[common], help="列出本机的村（社区）")
    ls.add_argument("--json", action="store_true", help="输出JSON")
    ls.set_defaults(handler=_list)


def _codes(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]


def _read_lock_password() -> str:
    """One line of stdin (its line end dropped), checked: a short one is refused."""
    from ..store.lock import check_new_lock_password

    line = sys.stdin.readline()
    password = line[:-1] if line.endswith("\n") else line
    password = password[:-1] if password.endswith("\r") else password
    check_new_lock_password(password)
    return password


def _setup(args: argparse.Namespace) -> int:
    from ..domain.team_setup import county_of
    from ..store.home import store_path
    from ..store.lock import set_lock_password
    from ..store.setup import check_same_county, local_villages, set_up_home

    home = home_path(args)
    # The lock password first: a short one is refused before anything is set up.
    lock_password = _read_lock_password() if args.lock_password_stdin else None
    extra: list[dv.Division] = []
    if store_path(home).exists():
        with open_store(args) as store:
            extra = local_villages(store)
            check_same_county(store, county_of(args.county))
    # Everything is checked before the home is created or opened for writing.
    plan = plan_setup(args.county, _codes(args.villages), args.team, args.unit, args.cadre,
                      extra=extra)
    with open_store(args, create=True) as store:
        result = set_up_home(store, plan, add=args.add)
        if lock_password is not None:
            set_lock_password(store, lock_password)
    if args.json:
        print_json({"county": plan.county.code, "team": plan.team_name, "team_id": result.team_id,
                    "villages": [{"code": v.code, "name": v.short} for v in plan.villages],
                    "villages_added": list(result.villages_added),
                    "cadres_added": list(result.cadres_added),
                    "lock_password_set": lock_password is not None})
        return 0
    if not result.new_team:
        if result.villages_added:
            print(f"已把 {'、'.join(result.villages_added)} 加入工作队“{plan.team_name}”")
    else:
        print(f"已设置：{plan.county.short}，工作队“{plan.team_name}”，驻 "
              f"{'、'.join(v.short for v in plan.villages)}")
    if result.cadres_added:
        print(f"驻村干部：{'、'.join(result.cadres_added)}")
    if lock_password is not None:
        print("已设置锁屏密码")
    print(f"数据目录：{home}。下一步：导入花名册（workteam import-roster 花名册.xlsx）")
    return 0


def _township(text: str, county_code: str) -> dv.Division:
    divisions = dv.shipped()
    text = text.strip()
    if text.isascii() and text.isdigit():
        found = divisions.get(text)
        if found is None or found.level != "township":
            raise CliError(f"没有代码为“{text}”的乡镇")
        return found
    if not county_code:
        raise CliError("本机还没有设置县：乡镇请用9位代码，或先运行 workteam setup")
    match = divisions.find_township(county_code, text)
    if match.found is None:
        if match.ambiguous:
            choices = "、".join(f"{c.short}（{c.code[:9]}）" for c in match.candidates)
            raise CliError(f"“{text}”可以是几个乡镇：{choices}，请改用9位代码")
        county = divisions.get(county_code)
        raise CliError(f"{county.short if county else ''}没有乡镇“{text}”")
    return match.found


def _add_local(args: argparse.Namespace) -> int:
    from ..store import sync_state
    from ..store.setup import COUNTY, add_local_village

    with open_store(args, create=True) as store:
        township = _township(args.township, sync_state.get(store, COUNTY) or "")
        village = add_local_village(store, township, args.name)
    if args.json:
        print_json({"code": village.code, "name": village.short, "township": township.code,
                    "local": True})
    else:
        print(f"已添加 {village.short}（{township.short}，自行添加，代码 {village.code}）")
    return 0


def _list(args: argparse.Namespace) -> int:
    from ..store.setup import villages_here

    with open_store(args) as store:
        rows = villages_here(store)
    if args.json:
        print_json([{"code": r.code, "name": r.name, "township": r.township, "local": r.local,
                     "team": r.team} for r in rows])
        return 0
    if not rows:
        raise DomainError(Problem("team.not_set_up"))
    print_table(["代码", "村（社区）", "乡镇", "工作队", ""],
                [[r.code, r.name, r.township, r.team, "自行添加" if r.local else ""] for r in rows])
    return 0
