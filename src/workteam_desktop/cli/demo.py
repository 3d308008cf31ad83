"""``workteam demo``: fill a data home with a realistic demo county."""

from __future__ import annotations

import argparse
import sys
import time

from ..store.home import store_path
from .common import home_path, open_store
from .main import CliError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``demo`` subcommand."""
    p = sub.add_parser("demo", help="生成演示县的数据（约600户）", parents=[common])
    p.add_argument("--households", type=int, default=600, metavar="N", help="农户数（默认600）")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="随机种子（相同种子得到相同数据）")
    p.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    from ..demo import generate

    if args.households < 1:
        raise CliError("农户数至少为1")
    home = home_path(args)
    if store_path(home).exists():
        with open_store(args) as store, store.read() as cur:
            if cur.execute("SELECT count(*) FROM household").fetchone()[0]:
                raise CliError(f"数据目录 {home} 中已有农户数据；演示数据只能生成到空的数据目录")
    started = time.monotonic()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if sys.stderr.isatty() and now - last[0] > 0.5:
            last[0] = now
            print(f"\r正在生成演示数据 {done:,}/{total:,} 户", end="", file=sys.stderr)

    with open_store(args, create=True, demo=True) as store:
        counts = generate(store, households=args.households, seed=args.seed, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    seconds = time.monotonic() - started
    print(f"已生成演示数据：{counts.get('household', 0):,} 户，"
          f"{counts.get('member', 0):,} 名成员，{counts.get('visit', 0):,} 次走访，"
          f"用时 {seconds:.1f} 秒。数据目录：{home}")
    return 0
