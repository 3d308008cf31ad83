"""``workteam-server``: run the server and manage its users and tokens.

Errors are one Chinese line on stderr and exit status 1 (as the desktop's CLI).
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from .settings import ServerSettings, SettingsError, load_settings
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


class _KeyNeedsPassword(Exception):
    """The TLS key file is encrypted (uvicorn would stop and ask for its password)."""


def _no_password() -> bytes:
    raise _KeyNeedsPassword


def _check_tls(cert: str | None, key: str | None) -> dict[str, str]:
    """uvicorn's ssl_certfile/ssl_keyfile for ``--tls-cert``/``--tls-key``: both or neither,
    readable, a PEM certificate and its own unencrypted key. CliError (Chinese) otherwise."""
    import ssl

    if not cert and not key:
        return {}
    if not cert or not key:
        raise CliError("--tls-cert 和 --tls-key 要一起给出：证书文件和它的私钥文件")
    for option, name in (("--tls-cert", cert), ("--tls-key", key)):
        if not Path(name).is_file():
            raise CliError(f"{option}：找不到文件 {name}")
        if not os.access(name, os.R_OK):
            raise CliError(f"{option}：没有权限读取 {name}（服务器运行的账号要能读取它）")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key, password=_no_password)
    except _KeyNeedsPassword:
        raise CliError(f"私钥文件 {key} 有密码保护：请用不带密码的私钥，"
                       "并只让服务器运行的账号能读取它") from None
    except ssl.SSLError as e:
        reason = "私钥与证书不匹配" if "KEY_VALUES_MISMATCH" in str(e) else "不是 PEM 格式的证书和私钥"
        raise CliError(f"无法使用证书 {cert} 和私钥 {key}：{reason}") from None
    return {"ssl_certfile": cert, "ssl_keyfile": key}


def _check_forwarded(value: str | None) -> str | None:
    """``--forwarded-allow-ips``: the proxies whose X-Forwarded-For is believed (addresses
    or networks, comma-separated). ``*`` is refused: anyone could then choose the address
    the login limits count."""
    import ipaddress

    if value is None:
        return None
    entries = [e.strip() for e in value.split(",") if e.strip()]
    if not entries:
        raise CliError("--forwarded-allow-ips：请写反向代理的IP地址，多个用逗号分隔")
    for entry in entries:
        if entry == "*":
            raise CliError("--forwarded-allow-ips 不能是 *：那样谁都能伪造来源地址、绕过登录次数限制；"
                           "请写反向代理的IP地址")
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise CliError(f"--forwarded-allow-ips：“{entry}”不是IP地址或网段") from None
    return ",".join(entries)


def cmd_serve(args: argparse.Namespace) -> None:
    """Upgrade the database, then serve (uvicorn; several workers share the database);
    over TLS with ``--tls-cert``/``--tls-key``, checked before anything starts."""
    import uvicorn

    tls = _check_tls(args.tls_cert, args.tls_key)
    forwarded = _check_forwarded(args.forwarded_allow_ips)
    home = _home(args)
    home.mkdir(parents=True, exist_ok=True)
    try:
        load_settings(home)  # a wrong server.toml: one line now, not a crash in each worker
    except SettingsError as e:
        raise CliError(str(e)) from None
    url = _db(args, home)
    ServerStore.open(url, pool_size=1).close()  # upgrade once, before the workers start
    os.environ["WORKTEAM_SERVER_HOME"] = str(home)
    os.environ["WORKTEAM_SERVER_DB"] = url
    uvicorn.run("workteam_server.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, access_log=False,
                timeout_keep_alive=30, proxy_headers=True, forwarded_allow_ips=forwarded, **tls)


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


def _seqs(texts: list[str]) -> list[int]:
    try:
        seqs = [int(t) for t in texts]
    except ValueError:
        raise CliError("变更序号应为正整数（pull 的 seq，或审计日志、changes show 中的序号）") from None
    if any(s < 1 for s in seqs):
        raise CliError("变更序号应为正整数")
    return seqs


def cmd_changes_show(args: argparse.Namespace) -> None:
    """Print stored changes by seq (JSON lines), to decide what to quarantine."""
    from . import quarantine

    store = _store(args)
    try:
        found = quarantine.find(store, _seqs(args.seq))
    finally:
        store.close()
    if not found:
        raise CliError("服务器的变更记录中没有这些序号（可能已隔离）")
    for c in found:
        print(json.dumps({"seq": c.seq, "area_code": c.area_code, "account": c.account, **c.body},
                         ensure_ascii=False))


def cmd_changes_quarantine(args: argparse.Namespace) -> None:
    """Take changes out of the pull stream (kept aside, in the audit log)."""
    from . import quarantine

    seqs = _seqs(args.seq)
    if not args.reason.strip():
        raise CliError("请用 --reason 写明隔离原因（记入审计日志）")
    store = _store(args)
    try:
        moved = quarantine.quarantine(store, seqs, by=CLI_ACTOR.name, reason=args.reason.strip())
    finally:
        store.close()
    missing = sorted(set(seqs) - set(moved))
    if not moved:
        raise CliError("服务器的变更记录中没有这些序号（可能已隔离）")
    # The snapshots made before still hold what was taken out: new laptops would load it.
    from . import snapshot

    snapshot.discard(_home(args) / snapshot.FOLDER)
    print(f"已隔离 {len(moved)} 条变更（序号 {', '.join(map(str, moved))}），各笔记本不会再下载它们"
          + (f"；没有找到序号 {', '.join(map(str, missing))}" if missing else ""))


def cmd_changes_quarantined(args: argparse.Namespace) -> None:
    """List the quarantined changes."""
    from . import quarantine

    store = _store(args)
    try:
        found = quarantine.quarantined(store)
    finally:
        store.close()
    if args.json:
        print(json.dumps([{"seq": c.seq, "id": c.id, "entity": c.entity, "row_id": c.row_id,
                           "area_code": c.area_code, "account": c.account,
                           "quarantined_at": c.quarantined_at.isoformat(timespec="seconds") + "Z"
                           if c.quarantined_at else None,
                           "quarantined_by": c.quarantined_by, "reason": c.reason}
                          for c in found], ensure_ascii=False))
        return
    if not found:
        print("没有被隔离的变更")
    for c in found:
        print(f"{c.seq}\t{c.entity}\t{c.row_id}\t{c.account}\t{c.quarantined_at:%Y-%m-%d %H:%M}\t{c.reason}")


def cmd_users_unlock(args: argparse.Namespace) -> None:
    """Clear the failed logins and lockout of a user name and/or a client address."""
    from .auth import unlock

    if not args.name and not args.address:
        raise CliError("请给出用户名，或用 --address 给出IP地址")
    if args.address:
        import ipaddress

        try:
            ipaddress.ip_address(args.address)
        except ValueError:
            raise CliError(f"--address：“{args.address}”不是IP地址") from None
    store = _store(args)
    try:
        cleared = unlock(store, name=args.name, address=args.address, by="cli")
        if not cleared and args.name and store.account_login(args.name) is None:
            raise CliError(f"没有用户“{args.name}”，也没有以此名登录失败的记录")
    finally:
        store.close()
    what = "、".join(x for x in (f"用户 {args.name}" if args.name else "",
                                 f"地址 {args.address}" if args.address else "") if x)
    if cleared:
        print(f"已解除{what} 的登录限制")
    else:
        print(f"{what} 没有登录限制，无需解锁")


def _since(text: str) -> dt.datetime:
    """An ISO date or time as stored (naive UTC); one without a zone is UTC."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"--since：“{text}”不是日期时间，应形如 2026-12-06 或 2026-12-06T08:00:00Z") from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def cmd_audit(args: argparse.Namespace) -> None:
    """Print the audit log, newest first."""
    from . import audit

    since = _since(args.since) if args.since else None
    if args.limit < 1:
        raise CliError("--limit 至少为 1")
    store = _store(args)
    try:
        found = audit.entries(store, since=since, action=args.action, account=args.account,
                              limit=args.limit)
    finally:
        store.close()
    if args.json:
        print(json.dumps([{"id": e.id, "at": e.at.isoformat(timespec="seconds") + "Z",
                           "account": e.account, "address": e.address, "action": e.action,
                           "detail": e.detail} for e in found], ensure_ascii=False))
        return
    if not found:
        print("审计日志中没有符合条件的记录")
    for e in found:
        detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
        print(f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.action}\t{e.account or '-'}\t{e.address or '-'}\t{detail}")


def _attachment_settings(args: argparse.Namespace) -> tuple[Path, ServerSettings]:
    """The home and its settings (server.toml) for the attachment commands."""
    home = _home(args)
    try:
        return home, load_settings(home)
    except SettingsError as e:
        raise CliError(str(e)) from None


def _mb(value: int) -> str:
    return f"{value / (1024 * 1024):,.1f} MB"


def cmd_attachments_clean(args: argparse.Namespace) -> None:
    """Remove uploads that no row in their uploader's scope points to, once older than
    ``unreferenced_upload_hours`` (or ``--hours``), and the files no upload is left for.
    The server does the same by itself every hour; this is for an administrator who wants
    the space now, and safe while the server runs."""
    from .attachments import AttachmentFiles, clean_unreferenced

    home, settings = _attachment_settings(args)
    hours = settings.unreferenced_upload_hours if args.hours is None else args.hours
    if hours < 0:
        raise CliError("--hours 不能为负数")
    store = _store(args)
    try:
        done = clean_unreferenced(store, AttachmentFiles(home / "attachments"), dt.timedelta(hours=hours))
    finally:
        store.close()
    if args.json:
        print(json.dumps({"hours": hours, "uploads": done.uploads, "files": done.files,
                          "bytes": done.freed, "incoming": done.incoming}))
        return
    print(f"已清理超过 {hours:g} 小时仍无记录引用的上传 {done.uploads} 个，删除文件 {done.files} 个"
          f"（{_mb(done.freed)}）" + (f"，以及中断的上传 {done.incoming} 个" if done.incoming else ""))


def cmd_attachments_usage(args: argparse.Namespace) -> None:
    """Print per account the attachment bytes it uploaded, against its quota."""
    _home_dir, settings = _attachment_settings(args)
    quota = settings.attachment_quota_bytes
    store = _store(args)
    try:
        usage = store.attachment_usage()
        files, total = store.attachment_totals()
    finally:
        store.close()
    if args.json:
        print(json.dumps({"quota_bytes": quota, "files": files, "bytes": total,
                          "accounts": [{"name": u.name, "role": u.role, "files": u.files,
                                        "bytes": u.bytes} for u in usage]}, ensure_ascii=False))
        return
    for u in usage:
        share = f"{u.bytes / quota:.0%}" if quota else "-"
        print(f"{u.name}\t{u.role}\t{u.files} 个文件\t{_mb(u.bytes)} / {_mb(quota)}（{share}）")
    print(f"合计：服务器保存附件 {files} 个，{_mb(total)}；每个账号上限 {_mb(quota)}")


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
    serve.add_argument("--tls-cert", metavar="FILE",
                       help="HTTPS 证书（PEM，可含中间证书）；与 --tls-key 一起给出")
    serve.add_argument("--tls-key", metavar="FILE", help="证书的私钥（PEM，不带密码）")
    serve.add_argument("--forwarded-allow-ips", metavar="IP[,IP…]",
                       help="相信这些反向代理发来的 X-Forwarded-For（默认只相信 127.0.0.1）")
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
    unlock = users.add_parser("unlock", parents=[common], help="解除登录失败造成的限制和锁定")
    unlock.add_argument("name", nargs="?", help="用户名")
    unlock.add_argument("--address", metavar="IP", help="解除某个IP地址的限制")
    unlock.set_defaults(func=cmd_users_unlock)

    audit = sub.add_parser("audit", parents=[common], help="查看审计日志（登录、锁定、令牌等），最新的在前")
    audit.add_argument("--since", metavar="ISO",
                       help="只看此时间（UTC）之后的，如 2026-12-06 或 2026-12-06T08:00:00Z")
    audit.add_argument("--action", metavar="A",
                       help="只看某一类，如 login_failed、login_locked、refresh_reused")
    audit.add_argument("--account", metavar="NAME", help="只看某个用户名的")
    audit.add_argument("--limit", type=int, default=200, help="最多列出多少条（默认 200）")
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(func=cmd_audit)

    attachments = sub.add_parser("attachments", help="附件（照片）的存储").add_subparsers(
        dest="attachments_command", required=True, parser_class=Parser)
    clean = attachments.add_parser("clean", parents=[common],
                                   help="删除没有任何记录引用的上传（服务器每小时也会自动清理）")
    clean.add_argument("--hours", type=float, metavar="H",
                       help="只删除上传超过 H 小时的（默认取 server.toml 的 unreferenced_upload_hours）")
    clean.add_argument("--json", action="store_true")
    clean.set_defaults(func=cmd_attachments_clean)
    usage = attachments.add_parser("usage", parents=[common], help="列出每个账号上传的附件总量及上限")
    usage.add_argument("--json", action="store_true")
    usage.set_defaults(func=cmd_attachments_usage)

    changes = sub.add_parser("changes", help="查看和隔离服务器上的变更").add_subparsers(
        dest="changes_command", required=True, parser_class=Parser)
    show = changes.add_parser("show", parents=[common], help="按序号显示变更")
    show.add_argument("seq", nargs="+", metavar="SEQ")
    show.set_defaults(func=cmd_changes_show)
    quar = changes.add_parser("quarantine", parents=[common],
                              help="把有问题的变更移出下载队列（保留原样，记入审计日志）")
    quar.add_argument("seq", nargs="+", metavar="SEQ")
    quar.add_argument("--reason", required=True, help="隔离原因")
    quar.set_defaults(func=cmd_changes_quarantine)
    qlist = changes.add_parser("quarantined", parents=[common], help="列出已隔离的变更")
    qlist.add_argument("--json", action="store_true")
    qlist.set_defaults(func=cmd_changes_quarantined)

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
