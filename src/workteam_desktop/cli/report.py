"""``workteam report visits|household|quarter|wallchart|rights|assessment|handover``: PDF
reports (and Excel).

Bad parameters (unknown village, a quarter such as 2026Q5, a bad date, an output path
that cannot be written) are refused with one Chinese line before anything is built;
the PDF is written to a temporary file and renamed, so a failure leaves no half file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.fields import parse_date
from .common import open_store
from .main import CliError
from .output import print_json

if TYPE_CHECKING:
    from ..reports import ReportRequest

# Written out (not taken from reports.KINDS) so `workteam --help` need not load reportlab.
_KIND_HELP = ("visits=走访报告、household=一户一档、quarter=工作队季度工作报告、"
              "wallchart=挂图作战、rights=权益清单、assessment=工作队季度考核结果")
# Not a kind of the 报表 page (it needs a cadre and a successor): reports/handover.py.
_HANDOVER_HELP = "handover=驻村干部交接清单"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``report`` subcommand."""
    p = sub.add_parser("report", parents=[common],
                       help="生成PDF报表：走访报告、一户一档、季度工作报告、挂图作战、权益清单、交接清单",
                       description=f"生成PDF报表（{_KIND_HELP}、{_HANDOVER_HELP}）。")
    p.add_argument("kind", metavar="KIND", help=f"报表种类：{_KIND_HELP}、{_HANDOVER_HELP}")
    p.add_argument("--village", metavar="CODE", help="村、社区或乡镇的行政区划代码（默认：全部）")
    p.add_argument("--cadre", metavar="NAME", help="走访报告：只列这位干部的走访；交接清单：交出人")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="交接清单：交接日期（默认：交出人的离岗日期，未离岗则为今天）")
    p.add_argument("--successor", metavar="NAME", help="交接清单：接收人（默认：当天接任的干部）")
    p.add_argument("--team", metavar="NAME", help="交接清单：工作队（几个工作队有同名干部时）")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="开始日期（默认：本月1日）")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="结束日期（默认：今天）")
    p.add_argument("--quarter", metavar="2026Q3", help="季度工作报告、考核结果的季度（默认：本季度）")
    p.add_argument("--household", action="extend", nargs="+", default=[],
                   metavar="ID_OR_NUMBER", help="一户一档：农户的户编号或ID（可多个）")
    p.add_argument("--full-id", action="store_true",
                   help="打印完整身份证号和电话（每页注明“含个人敏感信息”）")
    p.add_argument("--out", metavar="FILE.pdf",
                   help="PDF文件（默认：数据目录下 reports/ 中的中文文件名）")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="同时把报表中的表格写入Excel文件")
    p.add_argument("--json", action="store_true", help="输出JSON")
    p.set_defaults(handler=_report)


def request_from_args(args: argparse.Namespace) -> ReportRequest:
    """The report request the arguments describe (dates parsed, checked)."""
    from ..reports import ReportError, ReportRequest

    request = ReportRequest(
        kind=args.kind.strip().lower(),
        village=args.village,
        cadre=args.cadre,
        date_from=parse_date(args.date_from, "from") if args.date_from else None,
        date_to=parse_date(args.date_to, "to") if args.date_to else None,
        quarter=args.quarter,
        households=tuple(args.household),
        full_id=args.full_id,
    )
    try:
        request.check()
    except ReportError as exc:
        raise CliError(str(exc)) from None
    return request


def _report(args: argparse.Namespace) -> int:
    from ..reports import ReportError, build_report
    from ..reports.build import check_writable

    if args.kind.strip().lower() == "handover":
        return _handover(args)
    for option, given in (("--date", args.date), ("--successor", args.successor),
                          ("--team", args.team)):
        if given:
            raise CliError(f"{option} 只用于交接清单（handover）")
    request = request_from_args(args)
    out = Path(args.out).expanduser() if args.out else None
    xlsx = Path(args.xlsx).expanduser() if args.xlsx else None
    try:  # a folder or a missing folder is named as such, before the file's suffix
        for target in (out, xlsx):
            if target is not None:
                check_writable(target)
    except ReportError as exc:
        raise CliError(str(exc)) from None
    if out is not None and out.suffix.lower() != ".pdf":
        raise CliError(f"--out 应为 .pdf 文件，例如 {out.with_suffix('.pdf')}")
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise CliError(f"--xlsx 应为 .xlsx 文件，例如 {xlsx.with_suffix('.xlsx')}")
    with open_store(args) as store:
        try:
            result = build_report(store, request, out, xlsx=xlsx)
        except ReportError as exc:
            raise CliError(str(exc)) from None
    if args.json:
        print_json({"kind": result.kind, "title": result.title, "path": str(result.path),
                    "pages": result.pages, "sensitive": result.sensitive,
                    "xlsx": str(result.xlsx_path) if result.xlsx_path else None})
        return 0
    print(f"已生成{result.title}：{result.path}（共 {result.pages:,} 页）")
    if result.xlsx_path:
        print(f"表格已写入：{result.xlsx_path}")
    if result.sensitive:
        print("注意：报表含完整身份证号和电话，属于个人敏感信息，请妥善保管。")
    return 0


def _handover(args: argparse.Namespace) -> int:
    """``report handover --cadre NAME [--date D] [--successor NAME] [--full-id] --out F.pdf``."""
    from ..reports import ReportError
    from ..reports.build import check_writable
    from ..reports.handover import HandoverRequest, build_handover

    if not args.cadre:
        raise CliError("交接清单需要 --cadre：离岗（交出）干部的姓名")
    unused = [o for o, v in (("--village", args.village), ("--quarter", args.quarter),
                             ("--from", args.date_from), ("--to", args.date_to),
                             ("--household", args.household), ("--xlsx", args.xlsx)) if v]
    if unused:
        raise CliError(f"交接清单不用 {'、'.join(unused)}；可用 --cadre、--date、--successor、"
                       f"--full-id、--out")
    request = HandoverRequest(args.cadre, parse_date(args.date, "date") if args.date else None,
                              args.successor, args.team, args.full_id)
    out = Path(args.out).expanduser() if args.out else None
    try:
        if out is not None:
            check_writable(out)
    except ReportError as exc:
        raise CliError(str(exc)) from None
    if out is not None and out.suffix.lower() != ".pdf":
        raise CliError(f"--out 应为 .pdf 文件，例如 {out.with_suffix('.pdf')}")
    with open_store(args) as store:
        try:
            result = build_handover(store, request, out)
        except ReportError as exc:
            raise CliError(str(exc)) from None
    if args.json:
        print_json({"kind": result.kind, "title": result.title, "path": str(result.path),
                    "pages": result.pages, "sensitive": result.sensitive, **result.summary})
        return 0
    print(f"已生成{result.title}：{result.path}（共 {result.pages:,} 页）")
    if result.sensitive:
        print("注意：交接清单含完整身份证号，属于个人敏感信息，请妥善保管。")
    return 0
