"""The roster's rules, without a store: each kind of bad row, and the parsers."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workteam_desktop.domain import idnumber
from workteam_desktop.domain import roster_values as rv
from workteam_desktop.domain.problems import DomainError
from workteam_desktop.domain.roster_rules import VillageIndex, build_plan, detect_layout

VILLAGES = VillageIndex([("140215100201", "下铺村", "西坪镇"),
                         ("140215100001", "西坪惠民安置社区", "西坪镇")])
TODAY = dt.date(2026, 11, 29)
HEADERS = ["所在村", "户主姓名", "与户主关系", "姓名", "身份证号", "人均纯收入", "户类型", "监测类型"]
MAPPING = ["village", "head_name", "relation", "name", "id_number", "per_capita_income", "type",
           "monitoring"]


def ident(n: int, year: int = 1980) -> str:
    return idnumber.make("140221", dt.date(year, 1, 1 + n), n)


def plan(rows: list[list[str]]):
    return build_plan(HEADERS, list(enumerate(rows, start=2)), MAPPING, VILLAGES, today=TODAY)


def household(head: str, n: int, village: str = "下铺村", income: str = "9000",
              kind: str = "脱贫户", status: str = "") -> list[list[str]]:
    return [[village, head, "户主", head, ident(n), income, kind, status],
            [village, head, "配偶", "李" + head[1:], ident(n + 1), income, kind, status]]


def codes(p) -> dict[int, str]:
    return {x.row: x.problem.code for x in p.problems}


def test_a_clean_household_becomes_one_record_with_its_head_first() -> None:
    p = plan(household("王建国", 10, status="边缘易致贫户"))
    assert not p.problems and p.layout == "member"
    [h] = p.households
    assert h.head_id == ident(10) and h.village_code == "140215100201"
    assert h.fields["monitoring_status"] == "monitored" and h.fields["risk_kind"] == "marginal"
    assert h.fields["type"] == "alleviated"
    assert [m.relation for m in h.members] == ["head", "spouse"]
    assert h.income is not None and h.income.per_capita == 9000 and h.income.year == 2025


def test_bad_checksum_skips_the_member_only() -> None:
    rows = household("王建国", 10)
    rows[1][4] = rows[1][4][:17] + ("1" if rows[1][4][17] != "1" else "2")
    p = plan(rows)
    assert codes(p) == {3: "id.checksum"}
    assert p.skipped_rows == {3}
    assert len(p.households[0].members) == 1


def test_bad_checksum_of_the_head_skips_the_household() -> None:
    rows = household("王建国", 10)
    rows[0][4] = rows[0][4][:17] + ("1" if rows[0][4][17] != "1" else "2")
    p = plan(rows)
    assert codes(p) == {2: "id.checksum", 3: "roster.household_skipped"}
    assert not p.households and p.skipped_rows == {2, 3}


def test_duplicate_id_in_the_file_is_refused_on_its_second_row() -> None:
    rows = household("王建国", 10) + household("赵二虎", 20)
    rows[3][4] = rows[1][4]
    p = plan(rows)
    assert codes(p) == {5: "roster.duplicate_id"}
    assert "第3行" in p.problems[0].message()
    assert [len(h.members) for h in p.households] == [2, 1]


@pytest.mark.parametrize(("column", "value", "code"), [
    (0, "上庄村", "roster.unknown_village"),
    (5, "约3000", "money.invalid"),
    (6, "五保户", "choice.invalid"),
    (7, "重点户", "choice.invalid"),
])
def test_household_level_problems_skip_the_household(column: int, value: str, code: str) -> None:
    rows = household("王建国", 10) + household("赵二虎", 20)
    for row in rows[:2]:
        row[column] = value
    p = plan(rows)
    assert set(codes(p).values()) == {code}
    assert p.skipped_rows == {2, 3}
    assert [h.head_name for h in p.households] == ["赵二虎"]
    assert p.problems[0].value == value and p.problems[0].column == HEADERS[column]


def test_a_household_without_its_head_row_is_refused() -> None:
    rows = household("王建国", 10)[1:]
    p = plan(rows)
    assert codes(p) == {2: "roster.missing_head"}
    assert not p.households


def test_villages_are_found_by_code_name_bare_name_and_township() -> None:
    for text in ("140215100201", "下铺村", "下铺", "西坪镇下铺村", " 下 铺 村 "):
        assert VILLAGES.find(text) == "140215100201", text
    assert VILLAGES.find("西坪惠民") == "140215100001"
    assert VILLAGES.find("上庄村") is None
    shared = VillageIndex([("1", "东村", "甲镇"), ("2", "东村", "乙镇")])
    assert shared.find("东村") is None and shared.find("乙镇东村") == "2"


def test_one_row_per_household() -> None:
    headers = ["村", "户主", "身份证号码", "人口数", "人均收入"]
    mapping = ["village", "head_name", "id_number", "members", "per_capita_income"]
    rows = [(2, ["下铺村", "王建国", ident(1), "3", "12,000"]),
            (3, ["下铺村", "赵二虎", ident(2), "0", "9000"])]
    p = build_plan(headers, rows, mapping, VILLAGES, today=TODAY)
    assert p.layout == "household"
    [h] = p.households
    assert h.head_name == "王建国" and h.income.members == 3 and h.income.per_capita == 12000
    assert codes(p) == {3: "members.zero"}


# ---------------------------------------------------------------- value parsers

@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["", "元", " 元"]),
       st.booleans())
def test_money_reads_digits_with_separators_and_yuan(fen: int, unit: str, commas: bool) -> None:
    yuan = fen / 100
    text = f"{yuan:,.2f}" if commas else f"{yuan:.2f}"
    assert rv.parse_money(text + unit, "人均纯收入") == pytest.approx(yuan)


@given(st.text(min_size=1, max_size=8).filter(
    lambda t: any(c not in "0123456789.,，元+-" and not c.isspace()
                  and unicodedata.normalize("NFKC", c) not in "0123456789.,元+-" for c in t)))
def test_money_refuses_anything_else(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        rv.parse_money(text, "人均纯收入")
    assert caught.value.problem.code in {"money.invalid", "money.negative"}


def test_labels_as_rosters_write_them() -> None:
    assert rv.parse_household_type("一般农户") == "ordinary"
    assert rv.parse_household_type("脱贫户") == "alleviated"
    assert rv.parse_monitoring("突发严重困难户") == ("monitored", "sudden")
    assert rv.parse_monitoring("风险已消除") == ("removed", None)
    assert rv.parse_monitoring("未纳入") == ("none", None)
    assert rv.parse_relation("长子") == "son" and rv.parse_relation("之外孙") == "other"
    assert rv.parse_employed("省外务工") is True and rv.parse_employed("未务工") is False
    assert rv.parse_count("4人", "家庭人口") == 4 and rv.parse_count("4.0", "家庭人口") == 4
    assert rv.parse_labour("技能劳动力") == "full"
    with pytest.raises(DomainError, match="可选"):
        rv.parse_relation("邻居")


def test_layout_comes_from_relation_columns_or_repeated_household_keys() -> None:
    assert detect_layout(["village", "head_name", "relation", "name"]) == "member"
    assert detect_layout(["village", "head_name", "name", "id_number"]) == "member"
    assert detect_layout(["number", "head_name"], [["1", "王伟"], ["1", "王伟"]]) == "member"
    # Two households headed by a 王伟 each: still one row per household.
    assert detect_layout(["village", "head_name", "id_number"],
                         [["下铺村", "王伟", ident(1)], ["下铺村", "王伟", ident(2)]]) == "household"


@pytest.mark.parametrize("text", ["约3000", "3千", "1e3", "nan", "inf", "3000.5.5", "", "元"])
def test_money_that_is_not_a_plain_amount_is_refused(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        rv.parse_money(text, "人均纯收入")
    assert caught.value.problem.code == "money.invalid"
    assert text in caught.value.message()


# ---------------------------------------------------------------- a real county's villages

def _county_index() -> VillageIndex:
    """A home set up for 左云县 whose team works in 店湾镇's 曹家沟村 and 店湾村."""
    return VillageIndex([("140226102208", "曹家沟村", "店湾镇"), ("140226102209", "店湾村", "店湾镇")],
                        counties=["140226000000"])


def test_a_real_county_roster_names_its_villages_as_people_write_them() -> None:
    index = _county_index()
    for text in ("店湾", "店湾村", "店湾村村委会", "店湾镇店湾村", "140226102209", "左云县店湾镇店湾村"):
        assert index.lookup(text) == ("140226102209", None), text
    assert index.lookup("店湾镇曹家沟") == ("140226102208", None)


def test_an_ambiguous_or_foreign_village_is_a_problem_that_lists_the_candidates() -> None:
    index = _county_index()
    # 曹家沟村 is in two townships of the county: never a guess, even though the team works in one.
    code, problem = index.lookup("曹家沟")
    assert code is None and problem is not None and problem.code == "village.ambiguous"
    assert "鹊儿山镇曹家沟村（140226101208）" in problem.message()
    assert "店湾镇曹家沟村（140226102208，本队所驻）" in problem.message()
    code, problem = index.lookup("木代村")  # in the county, not the team's
    assert code is None and problem is not None and problem.code == "village.outside_team"
    assert "店湾镇木代村（140226102207）" in problem.message() and "曹家沟村、店湾村" in problem.message()
    code, problem = index.lookup("上庄村")
    assert code is None and problem is not None and problem.code == "roster.unknown_village"


def test_roster_rows_with_village_problems_are_skipped_with_their_reason() -> None:
    headers = ["所在村", "户主姓名", "身份证号", "家庭人口"]
    mapping = ["village", "head_name", "id_number", "members"]
    rows = [(2, ["店湾", "王建国", ident(1), "3"]), (3, ["曹家沟", "赵二虎", ident(2), "2"]),
            (4, ["木代", "刘三", ident(3), "2"])]
    p = build_plan(headers, rows, mapping, _county_index(), today=TODAY)
    assert [h.village_code for h in p.households] == ["140226102209"]
    assert codes(p) == {3: "village.ambiguous", 4: "village.outside_team"}
