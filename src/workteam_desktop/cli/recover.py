"""``workteam recover``: open a home with its recovery code when the keyring lost the
key (a reinstalled system, another user account, another laptop), or make a new code."""

from __future__ import annotations

import argparse
import getpass
import sys

from ..store import home_key
from ..store.home import store_path
from .common import home_path, open_store, show_recovery_code
from .main import CliError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``recover`` subcommand."""
    p = sub.add_parser("recover", parents=[common],
                       help="用恢复码打开加密的数据目录（密钥环丢失密钥时），或更换恢复码")
    p.add_argument("--code-stdin", action="store_true",
                   help="从标准输入读恢复码（默认在终端中输入，不回显）")
    p.add_argument("--new-code", action="store_true",
                   help="生成新的恢复码（旧恢复码随即作废；需能打开数据目录）")
    p.set_defaults(handler=_recover)


def _read_code(args: argparse.Namespace) -> str:
    if args.code_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    return getpass.getpass("恢复码（25位，如 ABCDE-FGHJK-…）：")


def _recover(args: argparse.Namespace) -> int:
    home = home_path(args)
    if not store_path(home).exists() or not home_key.key_file(home).exists():
        raise CliError(f"数据目录 {home} 中没有加密的数据，无需恢复码")
    if args.new_code:
        with open_store(args) as store:
            assert store.key is not None
            code = home_key.new_recovery_code(home, store.key)
        show_recovery_code(home, code, renewed=True)
        return 0
    try:
        home_key.load(home)
        print("本机密钥环中已有这个数据目录的密钥，无需恢复码")
        return 0
    except home_key.StoreLocked:
        pass
    home_key.recover(home, _read_code(args))
    with open_store(args):
        pass  # the key opens the store (and upgrades it, as any start does)
    if home_key.usable_keyring() is None:
        print("已用恢复码打开数据目录；但本机没有密钥环，下次仍需输入恢复码"
              "（Linux 桌面安装 gnome-keyring 并重新登录后即可记住）")
    else:
        print("已用恢复码打开数据目录，密钥已存入本机密钥环，以后无需再输入")
    return 0
