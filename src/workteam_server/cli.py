"""``workteam-server``: run the server and manage its users and tokens.

Errors are one Chinese line on stderr and exit status 1 (as the desktop's CLI).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from . import admin
from . import scope as sc
from .admin import AdminError
from .auth import hash_password
from .authoring import CLI_ACTOR
from .store import ServerStore, StoreError, sqlite_url


class CliError(Exception):
    """A problem reported as one line on stderr."""


class Parser(argparse.ArgumentParser):
    """argparse with the project's error rule: one line on stderr, exit code 1."""
    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"workteam-server: {message}", file=sys.stderr)
        sys.exit(1)


def _home(args: argparse.Namespace) -> Path:
    if args.home:
        return Path(args.home).expanduser().resolve()
    if os.environ.get("WORKTEAM_SERVER_HOME"):
        return Path(os.environ["WORKTEAM_SERVER_HOME"]).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("workteam-server", appauthor=False))


def _db(args: argparse.Namespace, home: Path) -> str:
    url = args.db or os.environ.get("WORKTEAM_SERVER_DB") or sqlite_url(home)
    if not url.startswith(("sqlite", "postgresql")):
        raise CliError(f"不支持的数据库地址：{url.split(':', 1)[0]}（应为 sqlite:/// 或 postgresql+psycopg://）")
    return url


def _store(args: argparse.Namespace) -> ServerStore:
    home = _home(args)
    home.mkdir(parents=True, exist_ok=True)
    return ServerStore.open(_db(args, home), pool_size=1)


def cmd_serve(args: argparse.Namespace) -> None:
    """Upgrade the database, then serve (uvicorn; several workers share the database)."""
    import uvicorn

    home = _home(args)
    home.mkdir(parents=True, exist_ok=True)
    url = _db(args, home)
    ServerStore.open(url, pool_size=1).close()  # upgrade once, before the workers start
    os.environ["WORKTEAM_SERVER_HOME"] = str(home)
    os.environ["WORKTEAM_SERVER_DB"] = url
    uvicorn.run("workteam_server.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, access_log=False,
                timeout_keep_alive=30)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再输一遍：") != password:
            raise CliError("两次输入的密码不一致")
    if len(password) < 8:
        raise CliError("密码至少 8 个字符")
    return password


def cmd_init(args: argparse.Namespace) -> None:
    """Create a county, its townships and villages (synced area rows)."""
    store = _store(args)
    try:
        result = admin.init_county(store, args.county)
    finally:
        store.close()
    county = result.county
    if result.added == 0:
        raise CliError(f"{county.short}（{county.code[:6]}）已经初始化过：{result.townships} 个乡镇、"
                       f"{result.villages} 个村（社区）都已在服务器上，没有新增")
    print(f"已初始化 {county.short}（{county.code[:6]}）：{result.townships} 个乡镇、"
          f"{result.villages} 个村（社区），新增地区 {result.added} 个"
          + (f"（{result.already} 个已有）" if result.already else ""))


def cmd_areas_add_local(args: argparse.Namespace) -> None:
    """Add a village missing from the divisions (a natural village, a new 安置社区)."""
    store = _store(args)
    try:
        record = admin.add_local_village(store, CLI_ACTOR, args.township, args.name)
    finally:
        store.close()
    print(f"已添加 {record.name}（自行添加，代码 {record.code}）")


def _team_line(team) -> str:  # type: ignore[no-untyped-def]
    villages = "、".join(f"{name}（{code}）" for code, name in team.villages) or "（未驻村）"
    return f"{team.name}\t{team.unit or '-'}\t{villages}"


def cmd_teams_add(args: argparse.Namespace) -> None:
    """Create a work team on some villages."""
    store = _store(args)
    try:
        team = admin.add_team(store, CLI_ACTOR, args.name, args.unit or "", _codes(args.villages))
    finally:
        store.close()
    print(f"已添加工作队 {team.name}，驻 {'、'.join(n for _, n in team.villages)}")


def cmd_teams_set(args: argparse.Namespace) -> None:
    """Change a team's villages, unit or name."""
    if args.villages is None and args.unit is None and args.rename is None:
        raise CliError("请给出要改的内容：--villages、--unit 或 --rename")
    store = _store(args)
    try:
        team = admin.set_team(store, CLI_ACTOR, args.name,
                        village_codes=_codes(args.villages) if args.villages is not None else None,
                        unit=args.unit, rename=args.rename)
    finally:
        store.close()
    print(f"已更新工作队 {team.name}：驻 {'、'.join(n for _, n in team.villages) or '（未驻村）'}")


def cmd_teams_list(args: argparse.Namespace) -> None:
    """Print the work teams."""
    store = _store(args)
    try:
        teams = admin.list_teams(store, CLI_ACTOR)
    finally:
        store.close()
    if args.json:
        print(json.dumps([{"id": t.id, "name": t.name, "unit": t.unit,
                           "villages": [{"code": c, "name": n} for c, n in t.villages]}
                          for t in teams], ensure_ascii=False))
        return
    if not teams:
        print("还没有工作队：用 workteam-server teams add 添加")
    for team in teams:
        print(_team_line(team))


def _codes(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]


def cmd_users_add(args: argparse.Namespace) -> None:
    """Create a user."""
    if args.role not in sc.ROLES:
        raise CliError(f"角色只能是 {'、'.join(sc.ROLES)}")
    if args.team and args.scope:
        raise CliError("--team 与 --scope 只能给一个：工作队员的管辖范围就是其工作队所驻的村")
    try:
        scopes = sc.parse_scopes(args.scope) if args.scope else []
    except sc.ScopeError as e:
        raise CliError(str(e)) from None
    store = _store(args)
    try:
        # Everything about the account is checked before the password is asked for.
        admin.check_new_account(store, CLI_ACTOR, args.name, args.role, team=args.team, scopes=scopes)
        password = _password(args)
        view = admin.add_account(store, CLI_ACTOR, args.name, args.role, hash_password(password),
                                 team=args.team, scopes=scopes)
    finally:
        store.close()
    where = f"工作队 {view.team}" if view.team else (",".join(view.scopes) or "全部")
    print(f"已添加用户 {view.name}（{view.role}，{where}）")


def cmd_users_list(args: argparse.Namespace) -> None:
    """Print the users, their teams and each laptop's last sync."""
    store = _store(args)
    try:
        accounts = admin.list_accounts(store, CLI_ACTOR)
    finally:
        store.close()
    if args.json:
        print(json.dumps([{
            "name": a.name, "role": a.role, "scopes": list(a.scopes), "disabled": a.disabled,
            "team": a.team or None,
            "devices": [{"device": d.device, "last_sync": _iso(d.last_sync),
                         "pending": d.pending} for d in a.devices]}
            for a in accounts], ensure_ascii=False))
        return
    for a in accounts:
        state = "（已停用）" if a.disabled else ""
        where = f"工作队 {a.team}" if a.team else (",".join(a.scopes) or "全部")
        print(f"{a.name}\t{a.role}\t{where}{state}")
        for d in a.devices:
            last = d.last_sync.strftime("%Y-%m-%d %H:%M")
            pending = f"，待上传 {d.pending} 条" if d.pending else ""
            print(f"  \u2514 电脑 {d.device}：最近同步 {last}（UTC）{pending}")


def _iso(value) -> str | None:  # type: ignore[no-untyped-def]
    return value.isoformat(timespec="seconds") if value is not None else None


def cmd_users_disable(args: argparse.Namespace) -> None:
    """Disable a user (and revoke the user's tokens)."""
    store = _store(args)
    try:
        store.disable_account(args.name)
    finally:
        store.close()
    print(f"已停用用户 {args.name}，其登录已全部失效")


def cmd_users_enable(args: argparse.Namespace) -> None:
    """Enable a disabled user again."""
    store = _store(args)
    try:
        admin.set_disabled(store, CLI_ACTOR, args.name, False)
    finally:
        store.close()
    print(f"已启用用户 {args.name}")


def cmd_users_passwd(args: argparse.Namespace) -> None:
    """Set a user's password (every login of the user ends)."""
    store = _store(args)
    try:
        admin.account_view(store, CLI_ACTOR, args.name)
        admin.reset_password(store, CLI_ACTOR, args.name, hash_password(_password(args)))
    finally:
        store.close()
    print(f"已为用户 {args.name} 设置新密码，其各台电脑需重新登录")


def cmd_users_set_team(args: argparse.Namespace) -> None:
    """Move a member to another team."""
    store = _store(args)
    try:
        view = admin.set_account_team(store, CLI_ACTOR, args.name, args.team)
    finally:
        store.close()
    print(f"用户 {view.name} 现属工作队 {view.team}")


def cmd_tokens_revoke(args: argparse.Namespace) -> None:
    """Revoke every token of a user: the next call of each of the user's laptops fails."""
    store = _store(args)
    try:
        n = store.revoke_tokens(args.name)
    finally:
        store.close()
    print(f"已撤销用户 {args.name} 的 {n} 个令牌")


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    common = Parser(add_help=False)
    common.add_argument("--home", help="服务器数据目录（附件、表单、默认的 SQLite 数据库）")
    common.add_argument("--db", help="数据库地址，如 postgresql+psycopg://user@host/db；"
                                     "默认用 home 里的 SQLite")
    parser = Parser(prog="workteam-server", description="驻村工作队数据同步服务器")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    serve = sub.add_parser("serve", parents=[common], help="运行服务器")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8800)
    serve.add_argument("--workers", type=int, default=1, help="进程数（多个进程共用数据库）")
    serve.add_argument("--log-level", default="warning")
    serve.set_defaults(func=cmd_serve)

    init = sub.add_parser("init", parents=[common], help="按行政区划代码建立本县的乡镇和村（可重复运行）")
    init.add_argument("--county", required=True, metavar="CODE", help="县（区）的6位或12位行政区划代码")
    init.set_defaults(func=cmd_init)

    areas = sub.add_parser("areas", help="地区").add_subparsers(dest="areas_command", required=True,
                                                              parser_class=Parser)
    local = areas.add_parser("add-local", parents=[common],
                             help="添加统计用区划代码中没有的村（自然村、新安置社区）")
    local.add_argument("name", help="村名，如 于家窑村")
    local.add_argument("--township", required=True, metavar="CODE", help="所属乡镇的9位或12位代码")
    local.set_defaults(func=cmd_areas_add_local)

    teams = sub.add_parser("teams", help="管理工作队").add_subparsers(dest="teams_command", required=True,
                                                                  parser_class=Parser)
    tadd = teams.add_parser("add", parents=[common], help="添加工作队")
    tadd.add_argument("name", help="工作队名称")
    tadd.add_argument("--unit", default="", help="派驻单位")
    tadd.add_argument("--villages", required=True, metavar="CODE[,CODE…]", help="所驻村的12位代码，逗号分隔")
    tadd.set_defaults(func=cmd_teams_add)
    tlist = teams.add_parser("list", parents=[common], help="列出工作队")
    tlist.add_argument("--json", action="store_true")
    tlist.set_defaults(func=cmd_teams_list)
    tset = teams.add_parser("set", parents=[common], help="修改工作队的驻村、派驻单位或名称")
    tset.add_argument("name")
    tset.add_argument("--villages", metavar="CODE[,CODE…]", help="新的驻村名单（替换原有的）")
    tset.add_argument("--unit", help="派驻单位")
    tset.add_argument("--rename", metavar="NAME", help="新名称")
    tset.set_defaults(func=cmd_teams_set)

    users = sub.add_parser("users", help="管理用户").add_subparsers(dest="users_command", required=True,
                                                                  parser_class=Parser)
    add = users.add_parser("add", parents=[common], help="添加用户")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="member|supervisor|admin")
    add.add_argument("--team", help="所属工作队（工作队员：管辖范围即该队所驻的村）")
    add.add_argument("--scope", default="", help="管辖范围：行政区划代码，多个用逗号分隔（督导）")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码")
    add.set_defaults(func=cmd_users_add)
    listing = users.add_parser("list", parents=[common], help="列出用户")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_users_list)
    disable = users.add_parser("disable", parents=[common], help="停用用户")
    disable.add_argument("name")
    disable.set_defaults(func=cmd_users_disable)
    enable = users.add_parser("enable", parents=[common], help="重新启用用户")
    enable.add_argument("name")
    enable.set_defaults(func=cmd_users_enable)
    passwd = users.add_parser("passwd", parents=[common], help="重设用户密码")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码")
    passwd.set_defaults(func=cmd_users_passwd)
    set_team = users.add_parser("set-team", parents=[common], help="把工作队员调到另一个工作队")
    set_team.add_argument("name")
    set_team.add_argument("team")
    set_team.set_defaults(func=cmd_users_set_team)

    tokens = sub.add_parser("tokens", help="管理令牌").add_subparsers(dest="tokens_command", required=True,
                                                                   parser_class=Parser)
    revoke = tokens.add_parser("revoke", parents=[common], help="撤销某用户的全部令牌")
    revoke.add_argument("name")
    revoke.set_defaults(func=cmd_tokens_revoke)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``workteam-server``."""
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (CliError, StoreError) as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    except AdminError as e:
        print(f"错误：{e.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
