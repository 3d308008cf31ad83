"""``workteam`` / ``workteam gui``: open the desktop program."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``gui`` subcommand."""
    p = sub.add_parser("gui", help="打开图形界面（不带子命令时的默认动作）", parents=[common])
    p.set_defaults(handler=lambda args: run_gui(getattr(args, "home", None)))


def run_gui(home: str | None) -> int:
    """Start the GUI on the data home; returns the exit code."""
    from ..ui.app import run  # Qt is imported only when the GUI is wanted

    return run(home)
