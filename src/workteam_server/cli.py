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

from . import scope as sc
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


def cmd_users_add(args: argparse.Namespace) -> None:
    """Create a user."""
    from .auth import hash_password

    if args.role not in sc.ROLES:
        raise CliError(f"角色只能是 {'、'.join(sc.ROLES)}")
    name = args.name.strip()
    if not name or len(name) > 64:
        raise CliError("用户名不能为空，最长 64 个字符")
    try:
        scopes = sc.parse_scopes(args.scope) if args.scope else []
    except sc.ScopeError as e:
        raise CliError(str(e)) from None
    if not scopes and args.role != "admin":
        raise CliError("请用 --scope 给出管辖范围（县、乡镇或村的行政区划代码）")
    password = _password(args)
    store = _store(args)
    try:
        store.add_account(name, args.role, scopes, hash_password(password))
    finally:
        store.close()
    print(f"已添加用户 {name}（{args.role}，{','.join(scopes) or '全部'}）")


def cmd_users_list(args: argparse.Namespace) -> None:
    """Print the users."""
    store = _store(args)
    try:
        accounts = store.accounts()
    finally:
        store.close()
    if args.json:
        print(json.dumps([{"name": a.name, "role": a.role, "scopes": list(a.scopes),
                           "disabled": a.disabled} for a in accounts], ensure_ascii=False))
        return
    for a in accounts:
        state = "（已停用）" if a.disabled else ""
        print(f"{a.name}\t{a.role}\t{','.join(a.scopes) or '全部'}{state}")


def cmd_users_disable(args: argparse.Namespace) -> None:
    """Disable a user (and revoke the user's tokens)."""
    store = _store(args)
    try:
        store.disable_account(args.name)
    finally:
        store.close()
    print(f"已停用用户 {args.name}，其登录已全部失效")


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

    users = sub.add_parser("users", help="管理用户").add_subparsers(dest="users_command", required=True,
                                                                  parser_class=Parser)
    add = users.add_parser("add", parents=[common], help="添加用户")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="member|supervisor|admin")
    add.add_argument("--scope", default="", help="管辖范围：行政区划代码，多个用逗号分隔")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码")
    add.set_defaults(func=cmd_users_add)
    listing = users.add_parser("list", parents=[common], help="列出用户")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_users_list)
    disable = users.add_parser("disable", parents=[common], help="停用用户")
    disable.add_argument("name")
    disable.set_defaults(func=cmd_users_disable)

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
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
