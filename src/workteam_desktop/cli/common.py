"""Pieces shared by the subcommands: opening the store, parsing dates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..store import Store, home_key
from ..store.home import resolve_home, store_path
from .main import CliError


def open_store(args: argparse.Namespace, *, create: bool = False, demo: bool = False) -> Store:
    """The store of ``--home``; a missing store is an error unless ``create``. A new
    recovery code (a new home, or one encrypted now) is shown, except for a demo home
    (made-up households: a lost key means only a new demo)."""
    home = resolve_home(getattr(args, "home", None))
    if not create and not store_path(home).exists():
        raise CliError(f"数据目录 {home} 中还没有数据：先运行 workteam demo 或导入花名册")
    store = Store.open(home)
    if store.recovery_code:
        if demo:
            home_key.recovery_code_kept(home)
        else:
            _made.append((home, store.recovery_code))
    return store


# Recovery codes made by this command: shown when it succeeds (a failed command that made
# a new home removes it again, and a code for a home that is not there helps nobody).
_made: list[tuple[Path, str]] = []


def forget_new_recovery_codes() -> None:
    """Start a command with no code to show (an earlier failed command's are gone)."""
    _made.clear()


def show_new_recovery_codes() -> None:
    """Show the codes made by this command whose homes still exist (once each)."""
    while _made:
        home, code = _made.pop(0)
        if home_key.key_file(home).exists():
            show_recovery_code(home, code)


def show_recovery_code(home: Path, code: str, *, renewed: bool = False) -> None:
    """Print a home's new recovery code once (on stderr, apart from the command's own
    output), with what it is for; then it is kept nowhere but on the person's paper."""
    what = "新的恢复码（旧恢复码已作废）" if renewed else "数据已加密保存。恢复码"
    print(f"\n{what}：\n\n    {code}\n\n"
          "请抄写或打印，由第一书记和乡镇各保管一份：系统重装、换电脑或密钥环丢失时，"
          f"只有它能打开数据目录 {home}（workteam recover）。此码只显示这一次。\n",
          file=sys.stderr)
    home_key.recovery_code_kept(home)



def home_path(args: argparse.Namespace) -> Path:
    """The data home named by ``--home`` or the environment."""
    return resolve_home(getattr(args, "home", None))
