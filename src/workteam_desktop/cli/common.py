"""Pieces shared by the subcommands: opening the store, parsing dates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from ..store import Store, encrypt, home_key, sqlite
from ..store.home import resolve_home, store_path
from .main import CliError


def open_store(args: argparse.Namespace, *, create: bool = False, demo: bool = False) -> Store:
    """The store of ``--home``; a missing store is an error unless ``create``. A new
    recovery code (a new home, or one encrypted now) is shown, except for a demo home
    (made-up households: a lost key means only a new demo)."""
    home = resolve_home(getattr(args, "home", None))
    if not create and not store_path(home).exists():
        raise CliError(f"数据目录 {home} 中还没有数据：先运行 workteam demo 或导入花名册")
    # A plain home of an older version is encrypted here, with progress on stderr (a
    # county takes a minute), rather than silently inside Store.open.
    code = encrypt_with_progress(home) if store_path(home).exists() else None
    store = Store.open(home)
    code = store.recovery_code or code
    if code:
        if demo:
            home_key.recovery_code_kept(home)
        else:
            _made.append((home, code))
    return store


class EncryptProgress:
    """``正在加密数据目录… 37%`` on ``stream``: one line rewritten in place on a terminal,
    a line at every quarter otherwise (a log file, a pipe)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        isatty = getattr(stream, "isatty", None)
        self.terminal = bool(isatty and isatty())
        self.shown = -1

    def __call__(self, done: int, total: int) -> bool:
        percent = min(100, int(100 * done / max(total, 1)))
        step = 1 if self.terminal else 25
        if percent // step > self.shown // step or self.shown < 0:
            self.shown = percent
            text = f"正在加密数据目录… {percent}%"
            if self.terminal:
                self.stream.write(f"\r{text}")
            else:
                self.stream.write(f"{text}\n")
            self.stream.flush()
        return False  # never cancelled half-way: it finishes or fails

    def end(self) -> None:
        """Finish the rewritten line (the next output starts on a line of its own)."""
        if self.terminal and self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def encrypt_with_progress(home: Path, stream: TextIO | None = None) -> str | None:
    """Encrypt the plain store of ``home`` in place if it needs it (a keyring is there),
    saying so on ``stream`` (stderr) with its progress. Returns the new recovery code
    (None: nothing to do, or an earlier, killed run made the key: its code is pending)."""
    if not encrypt.needs_encryption(home):
        return None
    out = stream if stream is not None else sys.stderr
    print(f"数据目录 {home} 是旧版本的未加密数据，现在加密保存。数据较多时需要几分钟，"
          "请不要关机；中途中断不会丢失数据，下次会重新开始。", file=out, flush=True)
    progress = EncryptProgress(out)
    encrypt.discard_leftovers(home)
    try:
        made = encrypt.encrypt_home(home, progress)
    except (OSError, sqlite.DatabaseError) as exc:
        progress.end()
        if sqlite.is_plain(store_path(home)):
            raise CliError(f"数据未加密，原数据完好：{exc}") from exc
        # Switched, but a backup or photo was not done: the next start finishes them.
        raise CliError(f"数据已加密，但备份或照片还没有加密完（{exc}）：再运行一次即可继续") from exc
    except BaseException:
        progress.end()
        raise
    progress(1, 1)
    progress.end()
    print("数据目录已加密。", file=out, flush=True)
    return made.recovery_code if made is not None else None


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
