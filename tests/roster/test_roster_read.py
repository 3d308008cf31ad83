"""Reading roster files: header rows found under titles, two-line headers, encodings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import make_rosters
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workteam_desktop.domain.problems import DomainError
from workteam_desktop.domain.roster_fields import (
    FIELDS_BY_KEY,
    TARGET_FIELDS,
    guess_field,
    guess_mapping,
    normalize_header,
)
from workteam_desktop.roster.mapping import Mapping, resolve
from workteam_desktop.roster.read import cell_text, read_roster

DATA = Path(make_rosters.__file__).parent


def test_system_export_header_is_found_under_the_title_and_merged_two_lines() -> None:
    table = read_roster(DATA / make_rosters.XLSX_NAME)
    assert table.header_row == 3
    fields, layout = resolve(table)
    named = dict(zip(table.headers, fields, strict=True))
    assert named["户主姓名"] == "head_name"  # 户主 over 姓名
    assert named["户主身份证号"] == "head_id_number"  # 户主 over 身份证号
    assert named["行政村"] == "village"  # merged down over both lines
    assert named["证件号码"] == "id_number"
    assert named["人均纯收入（元）"] == "per_capita_income"
    assert named["序号"] is None
    assert layout == "member"
    # Row numbers are Excel's; the closing note row is not data.
    assert table.rows[0][0] == 4
    assert table.rows[0][1][7] == make_rosters.build_xlsx_rows()[0][7]  # ID stays text
    assert len(table.rows) == len(make_rosters.build_xlsx_rows()) + 1  # + the note
    assert table.sheets == ["花名册"]


def test_committed_examples_are_what_the_script_makes() -> None:
    table = read_roster(DATA / make_rosters.XLSX_NAME)
    expected = [[cell_text(v) for v in row] for row in make_rosters.build_xlsx_rows()]
    assert [cells for _, cells in table.rows[:len(expected)]] == expected
    csv_table = read_roster(DATA / make_rosters.CSV_NAME)
    assert csv_table.encoding == "gb18030"
    assert [cells for _, cells in csv_table.rows] == make_rosters.build_csv_rows()


def test_hand_kept_csv_in_gb18030_is_one_row_per_household() -> None:
    table = read_roster(DATA / make_rosters.CSV_NAME)
    fields, layout = resolve(table)
    assert layout == "household"
    assert dict(zip(table.headers, fields, strict=True))["户主"] == "head_name"
    assert table.rows[0][0] == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = tmp_path / "r.csv"
    lines = ["花名册", delimiter.join(["户主姓名", "身份证号", "所在村"]),
             delimiter.join(["王建国", "140221198001010011", "下铺村"])]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    table = read_roster(path)
    assert table.headers == ["户主姓名", "身份证号", "所在村"]
    assert table.rows == [(3, ["王建国", "140221198001010011", "下铺村"])]


def test_unreadable_files_and_missing_sheets_say_so(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(DomainError, match="无法读取"):
        read_roster(bad)
    old = tmp_path / "x.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(DomainError, match="xlsx"):
        read_roster(old)
    nohead = tmp_path / "n.csv"
    nohead.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DomainError, match="找不到表头"):
        read_roster(nohead)
    with pytest.raises(DomainError, match="没有工作表“名单”"):
        read_roster(DATA / make_rosters.XLSX_NAME, "名单")


def test_cell_text() -> None:
    assert cell_text(3000.0) == "3000"
    assert cell_text(3000.5) == "3000.5"
    assert cell_text(dt.datetime(2026, 1, 2)) == "2026-01-02"
    assert cell_text(None) == ""
    assert cell_text(" 王 ") == "王"


def test_mapping_file_overrides_guesses_and_round_trips(tmp_path: Path) -> None:
    table = read_roster(DATA / make_rosters.CSV_NAME)
    mapping = Mapping({"备注": None, "村民小组": "address"}, "household", 2024)
    mapping.save(tmp_path / "m.json")
    loaded = Mapping.load(tmp_path / "m.json")
    assert loaded == mapping
    fields = loaded.fields_for(table.headers)
    named = dict(zip(table.headers, fields, strict=True))
    assert named["村民小组"] == "address" and named["备注"] is None
    assert named["户主"] == "head_name"  # not named in the file: guessed
    (tmp_path / "bad.json").write_text('{"format": "workteam-roster-mapping", "version": 1, '
                                       '"columns": {"户主": "boss"}}', encoding="utf-8")
    with pytest.raises(DomainError, match="boss"):
        Mapping.load(tmp_path / "bad.json")
    # Garbage (a photo renamed, a file in GBK): a reason a person can act on, in Chinese,
    # never a Python exception's name (issue 15).
    (tmp_path / "garbage.json").write_bytes(b"\xff\xd8\xff\xe0JFIF\x00\x01")
    (tmp_path / "gbk.json").write_bytes("户主".encode("gbk"))
    for name in ("garbage.json", "gbk.json", "absent.json"):
        with pytest.raises(DomainError) as caught:
            Mapping.load(tmp_path / name)
        message = caught.value.message()
        assert name in message and "Error" not in message, message


# ---------------------------------------------------------------- header guessing

_SYNONYMS = [(f.key, word) for f in TARGET_FIELDS for word in (f.zh, *f.synonyms)]
_NOISE = st.sampled_from(["", " ", "  ", "\n", "\u3000", "*", "："])
_UNIT = st.sampled_from(["", "（元）", "(元)", "（人）", "[必填]", "（单位：元）"])


@given(st.sampled_from(_SYNONYMS), _NOISE, _NOISE, _UNIT, st.sampled_from(["", "1.", "12、"]))
def test_headers_are_recognised_through_spaces_brackets_units_and_numbering(
        pair: tuple[str, str], before: str, after: str, unit: str, numbering: str) -> None:
    key, word = pair
    spaced = before.join(word) if before.strip() == "" else word
    assert guess_field(numbering + spaced + unit + after) == key


@given(st.text(max_size=20))
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_header(text)
    assert normalize_header(once) == once


@given(st.lists(st.sampled_from([w for _, w in _SYNONYMS] + ["序号", "", "其他"]), max_size=12))
def test_a_guessed_mapping_gives_each_field_to_one_column(headers: list[str]) -> None:
    fields = [f for f in guess_mapping(headers) if f]
    assert len(fields) == len(set(fields))
    assert set(fields) <= set(FIELDS_BY_KEY)
