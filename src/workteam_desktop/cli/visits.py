"""``workteam visits add|list``."""

from __future__ import annotations

import argparse

from ..domain import catalogues as cat
from ..domain.fields import parse_date
from ..domain.problems import DomainError, Problem
from ..store.visits import EARLY_CODES, UrgentNeedInput, VisitInput, add_visit, list_visits
from .common import open_store
from .main import CliError
from .output import print_json, print_table


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``visits`` subcommands."""
    p = sub.add_parser("visits", help="走访日志：记录、列出", parents=[common])
    vsub = p.add_subparsers(dest="visits_command", metavar="ACTION", required=True)

    add = vsub.add_parser("add", help="记录一次走访", parents=[common])
    add.add_argument("--household", required=True, action="append", metavar="ID_OR_NUMBER",
                     help="走访的农户（可重复）")
    add.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="走访日期")
    add.add_argument("--time", default="", metavar="HH:MM", help="走访时间")
    add.add_argument("--purpose", required=True, metavar="TEXT", help="走访事由")
    add.add_argument("--findings", default="", metavar="TEXT", help="发现的情况")
    add.add_argument("--measures", default="", metavar="TEXT", help="商定的措施")
    add.add_argument("--follow-up", metavar="YYYY-MM-DD", help="回访日期")
    add.add_argument("--urgent", action="append", default=[], metavar="[类别:]TEXT",
                     help="急难愁盼问题（可重复），如 就医:老人需要慢病卡")
    add.add_argument("--visitor", action="append", default=[], metavar="NAME",
                     help="走访干部姓名（可重复）")
    add.add_argument("--confirm-date", action="store_true",
                     help="确认早于工作队进驻（或一年多以前）的走访日期无误")
    add.add_argument("--json", action="store_true", help="输出JSON")
    add.set_defaults(handler=_add)

    ls = vsub.add_parser("list", help="列出走访记录", parents=[common])
    ls.add_argument("--household", metavar="ID_OR_NUMBER")
    ls.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    ls.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    ls.add_argument("--limit", type=int)
    ls.add_argument("--json", action="store_true", help="输出JSON")
    ls.set_defaults(handler=_list)


def _urgent(text: str) -> UrgentNeedInput:
    """``类别:内容`` (or ``内容`` alone, filed under 其他). A category that is not one of the
    catalogue's is refused with the list, never silently filed under 其他."""
    category, sep, rest = text.partition(":")
    if not sep:
        category, sep, rest = text.partition("：")
    if not sep:
        return UrgentNeedInput(text=text)
    code = cat.URGENT_NEED_CATEGORIES.code_for(category)
    if code is None:
        raise DomainError(Problem("choice.invalid", {
            "value": category, "field": "急难愁盼类别",
            "choices": "、".join(e.zh for e in cat.URGENT_NEED_CATEGORIES)}), "urgent_needs")
    return UrgentNeedInput(text=rest, category=code)


def _add(args: argparse.Namespace) -> int:
    visit = VisitInput(
        households=args.household,
        visit_date=parse_date(args.date, "date"),
        visit_time=args.time,
        purpose=args.purpose,
        findings=args.findings,
        measures=args.measures,
        follow_up_date=parse_date(args.follow_up, "follow_up") if args.follow_up else None,
        visitors=args.visitor,
        urgent_needs=[_urgent(t) for t in args.urgent],
        early_date_confirmed=args.confirm_date,
    )
    with open_store(args) as store:
        try:
            visit_id = add_visit(store, visit)
        except DomainError as e:
            if e.problem.code in EARLY_CODES:
                raise CliError(f"{e.message('zh')}；如确认无误，请加 --confirm-date 再次运行"
                               ) from None
            raise
        [saved] = [v for v in list_visits(store, household=args.household[0])
                   if v["id"] == visit_id]
    if args.json:
        print_json(saved)
    else:
        names = "、".join(h["head_name"] for h in saved["households"])
        print(f"已记录走访：{saved['visit_date']} {names}（{saved['purpose']}）")
    return 0


def _list(args: argparse.Namespace) -> int:
    date_from = parse_date(args.date_from, "from") if args.date_from else None
    date_to = parse_date(args.date_to, "to") if args.date_to else None
    with open_store(args) as store:
        visits = list_visits(store, household=args.household, date_from=date_from,
                             date_to=date_to, limit=args.limit)
    if args.json:
        print_json(visits)
        return 0
    print_table(["日期", "农户", "事由", "走访干部", "急难愁盼"],
                [[v["visit_date"], "、".join(h["head_name"] for h in v["households"]),
                  v["purpose"], "、".join(v["visitors"]),
                  "；".join(f"{n['text']}（{n['status_label']}）" for n in v["urgent_needs"])]
                 for v in visits])
    print(f"共 {len(visits):,} 次走访")
    return 0
