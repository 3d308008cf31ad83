"""``workteam backup``, ``workteam restore``, ``workteam new-device`` and ``workteam diagnostics``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..domain.problems import Problem
from ..store import backups, sqlite
from ..store.diagnostics import write_diagnostics
from ..store.home import store_path
from ..store.setup import home_is_empty
from .common import home_path, open_store
from .main import EXIT_ERROR, CliError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``backup``, ``restore`` and ``diagnostics`` subcommands."""
    p = sub.add_parser("backup", help="立即备份数据", parents=[common])
    p.add_argument("--out", metavar="FILE",
                   help="备份写到这个文件（或文件夹，如U盘），默认写到数据目录的 backups 文件夹")
    p.set_defaults(handler=_backup)

    p = sub.add_parser("restore", help="用备份文件恢复数据（当前数据会先另存为备份）",
                       parents=[common])
    p.add_argument("file", metavar="FILE", help="备份文件（.sqlite3）")
    p.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    p.set_defaults(handler=_restore)

    p = sub.add_parser("new-device", help="本机换用新的设备编号（数据目录是从另一台电脑复制来的）",
                       parents=[common])
    p.add_argument("--yes", action="store_true", help="不再询问，直接更换")
    p.set_defaults(handler=_new_device)

    p = sub.add_parser("diagnostics", help="打包诊断信息（日志、版本、数据统计，不含个人信息）",
                       parents=[common])
    p.add_argument("--out", metavar="FILE.zip", required=True, help="写到这个zip文件")
    p.set_defaults(handler=_diagnostics)


def _size(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB" if n >= 100_000 else f"{n / 1000:,.1f} KB"


def _backup(args: argparse.Namespace) -> int:
    home = home_path(args)
    if not store_path(home).exists():
        raise CliError(f"数据目录 {home} 中还没有数据，无需备份")
    try:
        path = backups.make_backup(home, "manual", out=args.out)
    except backups.BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"已备份到 {path}（{_size(path.stat().st_size)}）")
    return 0


def _ask(check: backups.BackupCheck, home: Path) -> bool:
    current = "当前数据会先另存到 backups 文件夹，" if store_path(home).exists() else ""
    photos = f"，{check.attachments:,} 个附件" if check.attachments else ""
    print(f"将用备份 {check.path.name}（{check.households:,} 户{photos}，数据库版本 {check.revision}）"
          f"替换数据目录 {home} 中的数据；{current}可以再恢复回来。")
    try:
        answer = input("确定要恢复吗？输入 y 确认：")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes", "是"}


def _restore(args: argparse.Namespace) -> int:
    home = home_path(args)
    # Into a new or empty home there is nothing to replace: nothing to confirm.
    nothing_here = home_is_empty(home)
    if not args.yes and not nothing_here and not sys.stdin.isatty():
        raise CliError("恢复会替换当前数据：请在命令后加 --yes 确认")
    confirm = None if args.yes or nothing_here else (lambda check: _ask(check, home))
    try:
        result = backups.restore(args.file, home, confirm=confirm)
    except backups.BackupError as exc:
        raise CliError(str(exc)) from None
    if result is None:
        print("workteam: 已取消，未做任何更改", file=sys.stderr)
        return EXIT_ERROR
    kept = f"；原来的数据已另存为 {result.previous}" if result.previous else ""
    print(f"已恢复到数据目录 {home}{kept}")
    if result.new_device:
        print(Problem("backup.new_device", {"device": result.device_id,
                                            "old": result.backup_device_id}).message())
    if result.missing_attachments:
        print(f"workteam: 注意：有 {result.missing_attachments:,} 个附件（照片）在备份和数据目录中都找不到，"
              "相应记录会显示为缺少附件", file=sys.stderr)
    return 0


def _new_device(args: argparse.Namespace) -> int:
    home = home_path(args)
    if not store_path(home).exists():
        raise CliError(f"数据目录 {home} 中还没有数据")
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError("更换设备编号后须重新登录同步服务器：请在命令后加 --yes 确认")
        print("只有当这个数据目录是从另一台电脑复制来的（两台电脑用着同一个设备编号）时才需要更换；"
              "已有的记录不变，更换后须重新登录同步服务器。")
        try:
            answer = input("确定要更换吗？输入 y 确认：")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in {"y", "yes", "是"}:
            print("workteam: 已取消，未做任何更改", file=sys.stderr)
            return EXIT_ERROR
    with open_store(args) as store:  # an older plain home is encrypted first, with progress
        old = store.device_id
        try:
            new = store.take_new_device()
        except OSError as exc:
            raise CliError(str(exc)) from None
    print(Problem("device.changed", {"device": new, "old": old}).message())
    return 0


# --- diagnostics ------------------------------------------------------------------------


def _diagnostics(args: argparse.Namespace) -> int:
    home = home_path(args)
    out = Path(args.out)
    if out.suffix.lower() != ".zip":
        raise CliError(f"诊断文件应以 .zip 结尾，例如 {out.stem}.zip")
    if not out.parent.is_dir():
        raise CliError(f"文件夹 {out.parent} 不存在")
    try:
        write_diagnostics(home, out)
    except (OSError, sqlite.Error) as exc:
        raise CliError(f"无法写出诊断文件 {out}（{exc}）") from None
    print(f"诊断信息已写到 {out}（不含姓名、身份证号、电话），可以发给技术支持")
    return 0

