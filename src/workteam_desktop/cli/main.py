"""The ``workteam`` command: the GUI without a subcommand, headless work with one.

Every subcommand takes ``--home``. Errors print one line on stderr and exit with 1;
nothing is written when the input is bad.
"""

from __future__ import annotations

import argparse
import gettext
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


# argparse's own messages, in Chinese: a cadre who forgets an argument should read the
# problem in the language of the rest of the program (argparse looks its strings up
# through the module-level gettext name ``_``).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "%(type)s 值无效：%(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确：%(option)s 可以是 %(matches)s",
    "ignored explicit argument %r": "多余的参数值 %r",
}


def _use_chinese_argparse_messages() -> None:
    if _lang() == "zh":
        argparse._ = lambda message: _ARGPARSE_ZH.get(message, message)  # type: ignore[attr-defined]
    else:
        argparse._ = gettext.gettext  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """argparse with the project's error rule: one line on stderr, exit code 1."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"workteam: {message}", file=sys.stderr)
        sys.exit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    _use_chinese_argparse_messages()
    from . import (
        bundles,
        demo,
        gui,
        households,
        maintenance,
        recover,
        report,
        roster,
        setup,
        supervisor,
        team,
        visits,
    )
    from . import sync as sync_cli

    parser = Parser(
        prog="workteam", description="驻村工作队工作平台 workteam: 农户档案、走访日志、十送、帮扶记录")
    # Its help text is looked up when the action is made, before the messages are switched
    # to Chinese: given here, in the program's language.
    parser.add_argument("--version", action="version", version=f"workteam {__version__}",
                        help="显示版本号并退出" if _lang() == "zh" else "show the version and exit")
    parser.add_argument("--home", help="数据目录 (默认: $WORKTEAM_HOME 或系统用户数据目录)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = Parser(add_help=False)
    common.add_argument("--home", default=argparse.SUPPRESS,
                        help="数据目录 (默认: $WORKTEAM_HOME 或系统用户数据目录)")
    for module in (gui, demo, setup, households, visits, team, report, bundles, maintenance,
                   supervisor, roster, sync_cli, recover):
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
    from ..store.home_key import RecoveryRefused, StoreLocked
    from ..store.migrate import UpgradeError
    from .common import forget_new_recovery_codes, show_new_recovery_codes

    forget_new_recovery_codes()
    try:
        code = int(args.handler(args) or EXIT_OK)
        if code == EXIT_OK:
            show_new_recovery_codes()
        return code
    except DomainError as exc:
        print(f"workteam: {exc.message(_lang())}", file=sys.stderr)
    except (CliError, UpgradeError, StoreLocked, RecoveryRefused) as exc:
        print(f"workteam: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("workteam: 已取消，未保存任何更改", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
