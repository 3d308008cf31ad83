"""The ``workteam`` command: the GUI without a subcommand, headless work with one.

Every subcommand takes ``--home``. Errors print one line on stderr and exit with 1;
nothing is written when the input is bad.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__

EXIT_OK = 0
EXIT_ERROR = 1


class CliError(Exception):
    """A problem to report to the user in one line."""


def _lang() -> str:
    return "en" if os.environ.get("WORKTEAM_LANG", "").startswith("en") else "zh"


class Parser(argparse.ArgumentParser):
    """argparse with the project's error rule: one line on stderr, exit code 1."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"workteam: {message}", file=sys.stderr)
        sys.exit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from . import bundles, demo, gui, households, maintenance, report, visits
    from . import sync as sync_cli

    parser = Parser(
        prog="workteam", description="驻村工作队工作平台 workteam: 农户档案、走访日志、十送、帮扶记录")
    parser.add_argument("--version", action="version", version=f"workteam {__version__}")
    parser.add_argument("--home", help="数据目录 (默认: $WORKTEAM_HOME 或系统用户数据目录)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = Parser(add_help=False)
    common.add_argument("--home", default=argparse.SUPPRESS,
                        help="数据目录 (默认: $WORKTEAM_HOME 或系统用户数据目录)")
    for module in (gui, demo, households, visits, report, bundles, maintenance, sync_cli):
        module.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from ..logs import setup_logging
    from ..store.home import resolve_home

    setup_logging(resolve_home(args.home))  # a rotating log with personal data masked
    if args.command is None:
        from .gui import run_gui
        return run_gui(args.home)
    from ..domain.problems import DomainError
    from ..store.migrate import UpgradeError

    try:
        return int(args.handler(args) or EXIT_OK)
    except DomainError as exc:
        print(f"workteam: {exc.message(_lang())}", file=sys.stderr)
    except (CliError, UpgradeError) as exc:
        print(f"workteam: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("workteam: 已取消，未保存任何更改", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
