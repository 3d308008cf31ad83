"""``workteam households list|show|set``."""

from __future__ import annotations

import argparse
from typing import Any

from ..domain import catalogues as cat
from ..domain import rules
from ..store.household_detail import household_detail
from ..store.households import HouseholdFilter, list_households, set_household_fields
from .common import open_store
from .main import CliError
from .output import money, print_json, print_table

FLAG_CHOICES = list(rules.FLAGS)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``households`` subcommands."""
    p = sub.add_parser("households", help="农户档案：列出、查看、修改", parents=[common])
    hsub = p.add_subparsers(dest="households_command", metavar="ACTION", required=True)

    ls = hsub.add_parser("list", help="列出农户", parents=[common])
    ls.add_argument("--village", metavar="CODE", help="村的12位行政区划代码")
    ls.add_argument("--flag", choices=FLAG_CHOICES,
                    help="只列出符合规则的农户: observation 观测对象, zero-employment 零就业, "
                         "overdue 逾期未更新")
    ls.add_argument("--search", metavar="TEXT", help="按户主姓名、户编号或身份证号片段查找")
    ls.add_argument("--limit", type=int, help="最多列出多少户")
    ls.add_argument("--json", action="store_true", help="输出JSON")
    ls.set_defaults(handler=_list)

    show = hsub.add_parser("show", help="查看一户的档案", parents=[common])
    show.add_argument("household", metavar="ID_OR_NUMBER")
    show.add_argument("--full-id", action="store_true", help="显示完整身份证号（含个人敏感信息）")
    show.add_argument("--json", action="store_true", help="输出JSON")
    show.set_defaults(handler=_show)

    st = hsub.add_parser("set", help="修改农户字段，如 phone=13800000000", parents=[common])
    st.add_argument("household", metavar="ID_OR_NUMBER")
    st.add_argument("assignments", metavar="FIELD=VALUE", nargs="+")
    st.add_argument("--json", action="store_true", help="输出JSON")
    st.set_defaults(handler=_set)


def _list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        rows = list_households(store, HouseholdFilter(
            village_code=args.village, flag=args.flag, search=args.search), limit=args.limit)
    if args.json:
        print_json(rows)
        return 0
    flag_zh = {k: v[0] for k, v in rules.FLAG_LABELS.items()}
    print_table(
        ["户编号", "户主", "身份证号", "村", "类型", "监测状态", "人均纯收入(元)", "提示"],
        [[r["number"], r["head_name"], r["id_number_masked"], r["village_name"],
          r["type_label"], r["monitoring_status_label"], money(r["per_capita_income"]),
          "、".join(flag_zh[f] for f in r["flags"])] for r in rows],
        right_aligned=[6])
    print(f"共 {len(rows):,} 户")
    return 0


def _show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        detail = household_detail(store, args.household, full_id=args.full_id)
    if args.json:
        print_json(detail)
        return 0
    _print_detail(detail)
    return 0


def _print_detail(d: dict[str, Any]) -> None:
    flag_zh = {k: v[0] for k, v in rules.FLAG_LABELS.items()}
    lines = [
        ("户编号", d["number"]), ("户主", d["head_name"]),
        ("身份证号", d.get("id_number") or d["id_number_masked"]), ("电话", d["phone"]),
        ("地址", d["address"]), ("村", f"{d['village_name']}（{d['village']}）"),
        ("网格", d["grid_name"] or ""), ("户类型", d["type_label"]),
        ("监测状态", d["monitoring_status_label"] + (f"（{d['risk_kind_label']}）"
                                                  if d["risk_kind_label"] else "")),
        ("易地搬迁", f"是，{d['origin_village']} → {d['resettlement_site']}"
         if d["relocated"] else "否"),
        ("人均纯收入", f"{money(d['per_capita_income'])} 元（{d['income_year'] or '—'}年，"
                       f"标准 {money(d['threshold'])} 元）"),
        ("信息更新", d["form_updated_on"] or "从未"),
        ("提示", "、".join(flag_zh[f] for f in d["flags"]) or "无"),
    ]
    for label, value in lines:
        print(f"{label}：{value}")
    print(f"\n家庭成员（{len(d['members'])}人）")
    print_table(["姓名", "关系", "身份证号", "劳动能力", "务工"],
                [[m["name"], m["relation_label"], m.get("id_number") or m["id_number_masked"],
                  m["labour_capacity_label"],
                  (m["employment_place"] + ("（稳定）" if m["employment_stable"] else ""))
                  if m["employed"] else ""] for m in d["members"]])
    if d["rights"]:
        open_items = [r for r in d["rights"] if r["unassigned"] or r["status"] != "secured"]
        print(f"\n权益清单：25项，其中{len(open_items)}项未到位或无人负责")
    print(f"\n最近走访（{len(d['visits'])}次）")
    for v in d["visits"][:5]:
        print(f"  {v['visit_date']}  {v['purpose']}  {'、'.join(v['visitors'])}")


def _set(args: argparse.Namespace) -> int:
    assignments: dict[str, str] = {}
    for item in args.assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"“{item}”应写成 字段=值，例如 phone=13800000000")
        assignments[name.strip()] = value
    with open_store(args) as store:
        changed = set_household_fields(store, args.household, assignments)
    if args.json:
        print_json({"changed": changed})
    elif changed:
        labels = {"type": "户类型", "monitoring_status": "监测状态"}
        shown = []
        for k, v in changed.items():
            if k == "type":
                v = cat.HOUSEHOLD_TYPES.label(v)
            elif k == "monitoring_status":
                v = cat.MONITORING_STATUSES.label(v)
            shown.append(f"{labels.get(k, k)}={v}")
        print("已保存：" + "，".join(shown))
    else:
        print("没有变化")
    return 0
