"""``workteam login``, ``workteam sync``, ``workteam conflicts list``: network sync headless."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ..domain import idnumber, phone
from ..domain.catalogues import ACCOUNT_ROLES
from ..domain.entities import ENTITIES
from ..store.conflicts import ConflictView, list_conflicts
from ..store.outbox import rejections
from ..store.rejections import group_rejections
from ..sync.account import (
    SERVER_CA_FILE,
    Account,
    check_login_options,
    keyring_available,
    login,
)
from ..sync.errors import PasswordNeeded, SyncError
from ..sync.session import sync_once
from .common import home_path, open_store
from .main import CliError
from .output import print_json, print_table

EXIT_REFUSED = 2  # the sync ran, but the server refused some changes (listed on stdout)

# Personal fields shown masked unless --full (DOMAIN: masked in lists by default).
_MASKS = {"id_number": idnumber.mask, "phone": phone.mask}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the login, sync and conflicts subcommands."""
    lg = sub.add_parser("login", help="登录同步服务器（凭据保存在系统密钥环）", parents=[common])
    lg.add_argument("--server", required=True, metavar="URL", help="同步服务器地址，如 https://服务器:8800")
    lg.add_argument("--user", required=True, metavar="NAME", help="用户名")
    lg.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    lg.add_argument("--ca", metavar="FILE",
                    help="县里自己的证书颁发机构（PEM 文件）：复制到数据目录，以后每次同步都用它验证服务器")
    lg.set_defaults(handler=_login)

    sy = sub.add_parser("sync", help="与同步服务器同步：先上传本机更改，再下载", parents=[common])
    sy.add_argument("--json", action="store_true", help="输出JSON")
    sy.add_argument("--password-stdin", action="store_true",
                    help="从标准输入读取密码（本机没有密钥环时需要）")
    sy.add_argument("--rejections", action="store_true",
                    help="不同步，列出服务器拒绝过的全部更改及原因")
    sy.set_defaults(handler=_sync)

    cf = sub.add_parser("conflicts", help="同步冲突：被覆盖的并发修改", parents=[common])
    csub = cf.add_subparsers(dest="conflicts_command", metavar="ACTION", required=True)
    ls = csub.add_parser("list", help="列出待处理的冲突", parents=[common])
    ls.add_argument("--json", action="store_true", help="输出JSON")
    ls.add_argument("--all", action="store_true", help="也列出已处理的冲突")
    ls.add_argument("--full", action="store_true", help="显示完整身份证号和电话（含个人敏感信息）")
    ls.set_defaults(handler=_conflicts_list)


def _read_password(from_stdin: bool) -> str:
    """The password from one line of stdin, or typed at a prompt (never echoed)."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("密码：")
    else:
        raise CliError("请输入密码：在终端中运行，或使用 --password-stdin 从标准输入提供")
    if not password:
        raise CliError("密码不能为空")
    return password


def _login(args: argparse.Namespace) -> int:
    try:  # refused before a password is asked or a connection tried
        check_login_options(args.server, home_path(args), args.ca)
    except SyncError as exc:
        raise CliError(exc.message) from None
    password = _read_password(args.password_stdin)
    with open_store(args, create=True) as store:
        try:
            result = login(store, args.server, args.user, password, ca_file=args.ca)
        except SyncError as exc:
            raise CliError(exc.message) from None
    account = result.account
    print(f"已登录 {account.server_url}，用户 {account.username}（{account_where(account)}）")
    if args.ca:
        print(f"已把证书保存到数据目录（{SERVER_CA_FILE}），以后每次同步都用它验证服务器")
    if not result.kept_in_keyring:
        print("workteam: 系统没有可用的密钥环（keyring），登录凭据未保存：每次同步都需要输入密码"
              "（workteam sync --password-stdin）", file=sys.stderr)
    return 0


def account_where(account: Account) -> str:
    """Where an account works, as a person reads it: its team and villages, else its role
    and the codes of its scope."""
    if account.team is not None:
        villages = "、".join(name for _, name in account.team.villages) or "尚未驻村"
        return f"工作队 {account.team.name}：{villages}"
    scopes = "、".join(s for s in account.scopes if "#" not in s) or "全部"
    return f"{ACCOUNT_ROLES.label(account.role)}，范围 {scopes}"


def _sync(args: argparse.Namespace) -> int:
    if args.rejections:
        return _list_rejections(args)
    with open_store(args) as store:
        try:
            account = Account.load(store)
            password = None
            if args.password_stdin or not keyring_available():
                if not args.password_stdin and not sys.stdin.isatty():
                    raise PasswordNeeded(PasswordNeeded.default + "，请使用 --password-stdin")
                password = _read_password(args.password_stdin)
            report = sync_once(store, account, password=password)
        except SyncError as exc:
            raise CliError(exc.message) from None
        groups = group_rejections(store, report.rejections)
    data: dict[str, Any] = report.as_dict()
    data["rejection_groups"] = [g.as_dict() for g in groups]
    refused = EXIT_REFUSED if report.rejected else 0
    if args.json:
        print_json(data)
        return refused
    print(f"上传 {report.pushed} 条（重复 {report.duplicates}，被拒 {report.rejected}），"
          f"下载 {report.pulled} 条（新 {report.applied}），冲突 {report.conflicts} 条")
    if report.snapshot_rows:
        print(f"首次同步：从服务器的数据快照载入 {report.snapshot_rows} 条记录")
    if report.compacted:
        print(f"整理本机数据：压缩已收到的更改 {report.compacted} 条")
    if report.attachments_up or report.attachments_down or report.forms_updated:
        print(f"附件上传 {report.attachments_up} 个，下载 {report.attachments_down} 个；"
              f"表单更新 {report.forms_updated} 个")
    if groups:
        print(f"服务器拒绝了 {report.rejected} 条更改，原因如下（全部列表：workteam sync --rejections）：")
        for g in groups:
            example = f"，例如 {'；'.join(g.examples)}" if g.examples else ""
            print(f"  {g.count} 条：{g.reason}（{g.code}）{example}")
    if report.restamped:
        print(f"本机时钟比服务器快，已为 {report.restamped} 条更改重新标记时间并上传（请校正电脑时间）")
    if report.held_changes:
        print(f"有 {len(report.held_changes)} 条下载的更改本程序无法应用，已暂存（同步照常完成），"
              "升级程序后会自动重试：")
        for h in report.held_changes[:5]:
            print(f"  {ENTITIES.label(h['entity'])} {h['row_id']}：{h['reason']}")
    if report.conflicts:
        print("有冲突待处理：运行 workteam conflicts list 查看")
    return refused


def _list_rejections(args: argparse.Namespace) -> int:
    from ..store.conflicts import RecordLabels

    with open_store(args) as store:
        rows = rejections(store)
        with store.read() as cur:
            labels = RecordLabels(cur, "zh")
            named = [{**r, "record": labels.row(r["entity"], r["row_id"])} for r in rows]
    if args.json:
        print_json(named)
        return 0
    if not named:
        print("服务器没有拒绝过本机的更改")
        return 0
    print_table(["记录类型", "记录", "原因", "代码", "时间"],
                [[ENTITIES.label(r["entity"]), r["record"], r["reason"], r["code"], r["at"]]
                 for r in named])
    return 0


def _shown(view: ConflictView, text: str, full: bool) -> str:
    mask = None if full else _MASKS.get(view.field)
    return mask(text) if mask is not None else text


def _conflicts_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        views = list_conflicts(store, include_resolved=args.all)
    if args.json:
        print_json([{
            "id": v.id, "entity": v.entity, "entity_label": v.entity_label, "row_id": v.row_id,
            "row_label": v.row_label, "field": v.field, "field_label": v.field_label,
            "kept": _side(v, v.kept, args.full), "lost": _side(v, v.lost, args.full),
            "resolved": v.resolved, "resolution": v.resolution,
        } for v in views])
        return 0
    if not views:
        print("没有待处理的冲突")
        return 0
    print_table(
        ["编号", "记录", "字段", "保留的值", "修改人", "被覆盖的值", "修改人"],
        [[v.id, f"{v.entity_label} {v.row_label}", v.field_label,
          _shown(v, v.kept.text, args.full), _who(v.kept),
          _shown(v, v.lost.text, args.full), _who(v.lost)] for v in views],
        right_aligned=[0])
    return 0


def _who(side: Any) -> str:
    when = side.at.strftime("%Y-%m-%d %H:%M") if side.at else ""
    return f"{side.user or side.device} {when}".strip()


def _side(view: ConflictView, side: Any, full: bool) -> dict[str, Any]:
    masked = not full and view.field in _MASKS
    return {"value": _shown(view, str(side.value), full) if masked else side.value,
            "text": _shown(view, side.text, full), "hlc": side.hlc, "device": side.device,
            "user": side.user, "at": side.at.isoformat() if side.at else None}
