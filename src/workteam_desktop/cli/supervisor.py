"""``workteam supervisor checks|duplicates|merge|dismiss|assess|stars|score``: the
supervisor's work headless, for scripts and tests (the same store functions as the GUI)."""

from __future__ import annotations

import argparse
import dataclasses
from typing import TYPE_CHECKING

from ..domain import assessment as da
from ..domain import quality
from .common import open_store
from .main import CliError
from .output import print_json, print_table

if TYPE_CHECKING:
    from ..settings import Settings
    from ..store import Store


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``supervisor`` subcommands."""
    p = sub.add_parser("supervisor", parents=[common],
                       help="督导：数据质量检查、重复农户、季度考核、星级评定")
    ssub = p.add_subparsers(dest="supervisor_command", metavar="ACTION", required=True)

    checks = ssub.add_parser("checks", parents=[common], help="数据质量检查")
    checks.add_argument("--rule", action="append", choices=list(quality.RULES),
                        help="只查这条规则（可多次）")
    checks.add_argument("--limit", type=int, default=50, help="每条规则最多列出多少条（默认50）")
    checks.add_argument("--json", action="store_true", help="输出JSON")
    checks.set_defaults(handler=_checks)

    dups = ssub.add_parser("duplicates", parents=[common], help="列出疑似重复的农户")
    dups.add_argument("--all", action="store_true", help="也列出已标记为“不是重复”的")
    dups.add_argument("--json", action="store_true", help="输出JSON")
    dups.set_defaults(handler=_duplicates)

    merge = ssub.add_parser("merge", parents=[common], help="把一户合并到另一户（保留前者）")
    merge.add_argument("kept", metavar="KEPT_ID")
    merge.add_argument("merged", metavar="MERGED_ID")
    merge.add_argument("--take", action="append", default=[], metavar="FIELD",
                       help="这个字段取被合并户的值（可多次），如 --take phone")
    merge.add_argument("--json", action="store_true", help="输出JSON")
    merge.set_defaults(handler=_merge)

    dismiss = ssub.add_parser("dismiss", parents=[common], help="标记两户不是重复")
    dismiss.add_argument("a", metavar="ID")
    dismiss.add_argument("b", metavar="ID")
    dismiss.set_defaults(handler=_dismiss)

    assess = ssub.add_parser("assess", parents=[common], help="季度考核得分与排名")
    assess.add_argument("--quarter", metavar="2026Q3", help="季度（默认：本季度）")
    assess.add_argument("--json", action="store_true", help="输出JSON")
    assess.set_defaults(handler=_assess)

    stars = ssub.add_parser("stars", parents=[common], help="半年星级评定")
    stars.add_argument("--half", metavar="2026H2", help="半年（默认：本半年）")
    stars.add_argument("--json", action="store_true", help="输出JSON")
    stars.set_defaults(handler=_stars)

    score = ssub.add_parser("score", parents=[common], help="录入督导评分（0–100）")
    score.add_argument("team", metavar="TEAM_ID_OR_NAME")
    score.add_argument("score", type=float)
    score.add_argument("--quarter", metavar="2026Q3", help="季度（默认：本季度）")
    score.set_defaults(handler=_score)


def _settings(store: Store) -> Settings:
    from ..settings import load_settings

    return load_settings(store.home)


def _quarter(text: str | None) -> str:
    from ..store.assessment import current_quarter, quarter_span

    try:
        return quarter_span(text).code if text else current_quarter()
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _checks(args: argparse.Namespace) -> int:
    from ..store.quality import quality_checks

    with open_store(args) as store:
        settings = _settings(store)
        report = quality_checks(store, period_days=settings.form_period_days, limit=args.limit,
                                only=args.rule)
    if args.json:
        print_json({"counts": report.counts, "total": report.total,
                    "findings": [dataclasses.asdict(f) for f in report.findings]})
        return 0
    print_table(["规则", "数量"], [[quality.RULES[r].zh, f"{n:,}"] for r, n in report.counts.items()],
                right_aligned=[1])
    if report.findings:
        print()
        print_table(["规则", "户编号", "户主", "村（社区）", "工作队", "说明"],
                    [[quality.RULES[f.rule].zh, f.number, f.head_name, f.village_name, f.team_name,
                      f.explanation] for f in report.findings])
    return 0


def _duplicates(args: argparse.Namespace) -> int:
    from ..store.duplicates import REASON_LABELS, find_duplicates

    with open_store(args) as store:
        pairs = find_duplicates(store, include_dismissed=args.all)
    if args.json:
        print_json([dataclasses.asdict(p) for p in pairs])
        return 0
    print_table(["依据", "农户甲", "工作队甲", "农户乙", "工作队乙", "ID甲", "ID乙"],
                [["、".join(REASON_LABELS[r][0] for r in p.reasons), p.a_label, p.a_team,
                  p.b_label, p.b_team, p.a, p.b] for p in pairs])
    print(f"共 {len(pairs):,} 对疑似重复")
    return 0


def _merge(args: argparse.Namespace) -> int:
    from ..store.duplicates import MERGE_FIELDS, merge_households

    unknown = [f for f in args.take if f not in MERGE_FIELDS]
    if unknown:
        raise CliError(f"没有可合并的字段“{unknown[0]}”，可选：{'、'.join(MERGE_FIELDS)}")
    with open_store(args) as store:
        try:
            result = merge_households(store, args.kept, args.merged,
                                      {f: "merged" for f in args.take})
        except ValueError as exc:
            raise CliError(str(exc)) from None
    if args.json:
        print_json(dataclasses.asdict(result))
    else:
        moved = sum(result.moved.values())
        print(f"已合并：保留 {result.kept_id}，另一户已删除，转移记录 {moved:,} 条")
    return 0


def _dismiss(args: argparse.Namespace) -> int:
    from ..store.duplicates import dismiss_pair

    with open_store(args) as store:
        dismiss_pair(store, args.a, args.b)
    print("已标记为不是重复，以后不再列出")
    return 0


def _assess(args: argparse.Namespace) -> int:
    from ..store.assessment import assess_quarter

    quarter = _quarter(args.quarter)
    with open_store(args) as store:
        settings = _settings(store)
        result = assess_quarter(store, quarter, settings.assessment_weights,
                                settings.form_period_days)
    if args.json:
        print_json({"quarter": result.quarter, "weights": result.weights, "teams": [
            {"rank": t.rank, "team_id": t.indicators.team_id, "team": t.indicators.team_name,
             "total": t.total, "scores": t.scores, "indicators": dataclasses.asdict(t.indicators)}
            for t in result.teams]})
        return 0
    labels = [e.zh for e in da.INDICATOR_LABELS]
    print_table(["名次", "工作队", *labels, "总分"],
                [[t.rank, t.indicators.team_name, *[f"{t.scores[k]:.1f}" for k in da.INDICATORS],
                  f"{t.total:.2f}"] for t in result.teams],
                right_aligned=list(range(2, len(labels) + 3)))
    return 0


def _stars(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..store.assessment import star_ratings

    if args.half:
        half = da.parse_half_year(args.half)
        if half is None:
            raise CliError(f"半年“{args.half}”应写成 2026H2 这样的形式（H1上半年，H2下半年）")
    else:
        today = dt.date.today()
        half = da.half_year_of_quarter(today.year, (today.month - 1) // 3 + 1)
    with open_store(args) as store:
        settings = _settings(store)
        ratings = star_ratings(store, half, settings.assessment_weights, settings.form_period_days)
    if args.json:
        print_json({"half_year": half.code, "rule": da.STAR_RULE_ZH,
                    "teams": [dataclasses.asdict(r) for r in ratings]})
        return 0
    first, second = half.quarters
    print_table(["工作队", f"{first}总分", f"{second}总分", "平均分", "星级"],
                [[r.team_name, r.first, r.second, f"{r.mean:.2f}", "★" * r.stars]
                 for r in ratings], right_aligned=[1, 2, 3])
    return 0


def _score(args: argparse.Namespace) -> int:
    from ..store.assessment import set_manual_score
    from ..store.supervisor import team_list

    quarter = _quarter(args.quarter)
    with open_store(args) as store:
        teams = [t for t in team_list(store) if args.team in (t.id, t.name)]
        if len(teams) != 1:
            raise CliError(f"找不到工作队“{args.team}”，请给出工作队的ID或全名")
        try:
            set_manual_score(store, quarter, teams[0].id, args.score)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    print(f"已录入 {teams[0].name} {quarter} 督导评分 {args.score:g}")
    return 0
