"""``workteam`` / ``workteam gui``: open the desktop program, or render a page to PNG."""

from __future__ import annotations

import argparse
from pathlib import Path

from .main import CliError

SCREENSHOT_PAGES = ("dashboard", "households", "household", "visits", "visit", "deliveries",
                    "assistance", "trainings", "form", "reports", "sync", "settings", "supervisor",
                    "quality", "duplicates", "assessment", "backups", "accounts")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``gui`` subcommand."""
    p = sub.add_parser("gui", help="打开图形界面（不带子命令时的默认动作）", parents=[common])
    p.add_argument("--page", choices=SCREENSHOT_PAGES, help="打开的页面")
    p.add_argument("--screenshot", metavar="FILE.png", help="把页面截图保存到文件后退出（无需显示器）")
    p.add_argument("--size", default="1366x768", metavar="WxH", help="截图窗口大小，默认1366x768")
    p.add_argument("--household", metavar="ID_OR_NUMBER", help="household/form 页面显示的农户")
    p.set_defaults(handler=_gui)


def _gui(args: argparse.Namespace) -> int:
    home = getattr(args, "home", None)
    if not args.screenshot:
        return run_gui(home, args.page)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise CliError(f"窗口大小“{args.size}”应写成 宽x高，例如 1366x768") from None
    params: dict[str, object] = {}
    if args.household:
        params["household"] = args.household
    from ..store.home import resolve_home, store_path
    if not store_path(resolve_home(home)).exists():
        raise CliError(f"数据目录 {resolve_home(home)} 中还没有数据：先运行 workteam demo")
    from ..ui.app import screenshot

    return screenshot(home, args.page or "dashboard", Path(args.screenshot), (width, height),
                      params)


def run_gui(home: str | None, page: str | None = None) -> int:
    """Start the GUI on the data home; returns the exit code."""
    from ..ui.app import run  # Qt is imported only when the GUI is wanted

    return run(home, page)
