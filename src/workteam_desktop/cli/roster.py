"""``workteam import-roster`` and ``workteam export-roster``: household rosters (花名册)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..domain.problems import DomainError
from ..domain.roster_fields import FIELDS_BY_KEY
from ..domain.roster_rules import PER_MEMBER, RosterPlan
from ..roster.check import check_roster
from ..roster.export import export_roster
from ..roster.mapping import Mapping, resolve
from ..roster.read import read_roster
from ..roster.report import write_report
from ..store.roster import ImportResult, import_households
from .common import open_store
from .main import EXIT_ERROR, CliError
from .output import print_json, print_table

SHOWN_PROBLEMS = 30  # the rest are in --report / --json


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``import-roster`` and ``export-roster``."""
    p = sub.add_parser("import-roster", parents=[common],
                       help="从Excel或CSV花名册导入农户和家庭成员（按身份证号更新，不重复）")
    p.add_argument("file", metavar="FILE", help=".xlsx 或 .csv（UTF-8 或 GB18030）")
    p.add_argument("--mapping", metavar="MAP.json", help="列对应文件（可由 --save-mapping 生成）")
    p.add_argument("--save-mapping", metavar="MAP.json", help="把本次使用的列对应保存到文件")
    p.add_argument("--sheet", metavar="NAME", help="工作表名称（默认第一个）")
    p.add_argument("--year", type=int, help="收入年度（花名册没有“收入年度”列时；默认去年）")
    p.add_argument("--village", metavar="NAME_OR_CODE",
                   help="所在村（花名册没有“所在村”列或该列为空时，如一个村的花名册）")
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    p.add_argument("--strict", action="store_true", help="任何一行有问题就什么都不导入")
    p.add_argument("--report", metavar="OUT.xlsx", help="把问题清单保存为Excel")
    p.add_argument("--json", action="store_true", help="输出JSON")
    p.set_defaults(handler=_import)

    e = sub.add_parser("export-roster", parents=[common],
                       help="把全部农户和家庭成员导出为Excel花名册（可再导入）")
    e.add_argument("--out", metavar="FILE.xlsx", required=True)
    e.add_argument("--full-id", action="store_true",
                   help="导出完整身份证号和电话（个人敏感信息；再导入更新需要它）。默认遮盖")
    e.add_argument("--json", action="store_true", help="输出JSON")
    e.set_defaults(handler=_export)


def _import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"找不到文件 {path}")
    mapping = Mapping.load(args.mapping) if args.mapping else Mapping()
    if args.year is not None:
        mapping.income_year = args.year
    if args.village:
        mapping.village = args.village
    table = read_roster(path, args.sheet)
    if not table.rows:
        raise CliError(f"花名册 {path.name} 只有表头，没有数据行：请检查文件（或 --sheet 是否选对了工作表）")
    try:
        fields, layout = resolve(table, mapping)
    except DomainError as exc:
        if exc.problem.code != "roster.mapping_incomplete":
            raise
        # The wizard asks in the GUI; here say how to answer on the command line.
        raise CliError(exc.message() + "：所在村可用 --village 村名或代码 指定（一个村的花名册）；"
                       "其他列请用 --mapping 列对应文件（格式见 --save-mapping 保存的文件，"
                       "或在程序的“导入花名册”中保存）") from None
    if args.save_mapping:
        Mapping(dict(zip(table.headers, fields, strict=True)), layout,
                mapping.income_year, mapping.village).save(args.save_mapping)
    with open_store(args) as store:
        plan = check_roster(store, table, mapping)
        if args.report:
            write_report(plan, args.report, path.name)
        if args.strict and plan.problems:
            _print(args, table.headers, fields, plan, None)
            print(f"workteam: 花名册有{len(plan.problems)}个问题（{len(plan.skipped_rows)}行），"
                  "按 --strict 未导入任何数据", file=sys.stderr)
            return EXIT_ERROR
        if not plan.households:
            _print(args, table.headers, fields, plan, None)
            print(f"workteam: 没有可导入的行（{len(plan.skipped_rows)}行有问题）", file=sys.stderr)
            return EXIT_ERROR
        result = import_households(store, plan.households, dry_run=args.dry_run)
    _print(args, table.headers, fields, plan, result)
    if plan.skipped_rows:
        print(f"workteam: 跳过{len(plan.skipped_rows)}行（有问题，未导入）", file=sys.stderr)
    return 0


def _print(args: argparse.Namespace, headers: list[str], fields: list[str | None],
           plan: RosterPlan, result: ImportResult | None) -> None:
    if args.json:
        print_json({
            "file": Path(args.file).name,
            "layout": plan.layout,
            "columns": [{"header": h, "field": f} for h, f in zip(headers, fields, strict=True)],
            "rows": plan.rows_total,
            "households": len(plan.households),
            "members": plan.member_count,
            "skipped_rows": sorted(plan.skipped_rows),
            "problems": [{"row": p.row, "column": p.column, "value": p.value,
                          "code": p.problem.code, "message": p.message()}
                         for p in plan.problems],
            "result": result.to_json() if result is not None else None,
        })
        return
    mapped = "，".join(f"{h}→{FIELDS_BY_KEY[f].zh}" for h, f in zip(headers, fields, strict=True)
                      if f and h != FIELDS_BY_KEY[f].zh)
    layout = "每行一名家庭成员" if plan.layout == PER_MEMBER else "每行一户"
    print(f"{Path(args.file).name}：{plan.rows_total}行，{layout}"
          + (f"；列对应：{mapped}" if mapped else ""))
    if plan.problems:
        print(f"\n问题（{len(plan.problems)}个）：")
        print_table(["行", "列", "内容", "问题"],
                    [[p.row, p.column, p.value, p.message()]
                     for p in plan.problems[:SHOWN_PROBLEMS]], right_aligned=[0])
        if len(plan.problems) > SHOWN_PROBLEMS:
            print(f"……另有{len(plan.problems) - SHOWN_PROBLEMS}个，见 --report 问题清单")
    if result is None:
        return
    verb = "检查完毕（--dry-run，未写入）：将" if result.dry_run else "已导入："
    print(f"\n{verb}新增{result.households_added}户、更新{result.households_updated}户"
          f"（{result.households_unchanged}户无变化），新增成员{result.members_added}人、"
          f"更新{result.members_updated}人，收入{result.incomes_written}条；"
          f"记录变更{result.changes_logged}条")


def _export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CliError("导出文件名应以 .xlsx 结尾")
    with open_store(args) as store:
        households, rows = export_roster(store, out, full_id=args.full_id)
    where = out.resolve()
    if args.json:
        print_json({"out": str(where), "households": households, "rows": rows,
                    "full_id": args.full_id})
    else:
        print(f"已导出{households}户、{rows}名家庭成员到 {where}")
    if args.full_id:
        print(f"注意：{where} 含完整身份证号和电话，且未加密：请妥善保管，用完即删",
              file=sys.stderr)
    else:
        print("身份证号和电话已遮盖；要再导入更新农户信息，请加 --full-id 导出", file=sys.stderr)
    return 0
