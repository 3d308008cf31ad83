"""Make the two example rosters of tests/data (fake people, checksum-valid fake ID numbers).

Run ``python tests/data/make_rosters.py`` to write them again; the same rows come out every
time. They name the villages of the demo county (``workteam demo``, seed 1, under 1,500
households): 下铺村, 后营村 and 西坪惠民安置社区, so both import into a demo home.

1. 花名册示例_监测系统导出.xlsx: one row per member, a title row and a two-line header as
   the monitoring system exports them, and a few bad rows (BAD_XLSX_ROWS says which).
2. 花名册示例_手工.csv: one row per household, GB18030, the header words a team types.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from workteam_desktop.domain import idnumber  # noqa: E402

XLSX_NAME = "花名册示例_监测系统导出.xlsx"
CSV_NAME = "花名册示例_手工.csv"
REGION = "140221"  # not the demo county's region, so no demo ID number is hit by chance
VILLAGES = ("下铺村", "后营村", "西坪惠民安置社区")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰凤荣海建国志红梅"
TITLE = "云州区西坪镇防返贫监测对象及脱贫户家庭成员花名册"
UPPER = ["序号", "行政村", "户编号", "户主", None, "家庭成员", None, None, None, None, None,
         "户类型", "监测对象类别", "家庭人口（人）", "收入情况", None, "联系电话"]
LOWER = [None, None, None, "姓名", "身份证号", "与户主关系", "姓名", "证件号码", "性别",
         "劳动技能", "务工状态", None, None, None, "人均纯收入（元）", "收入年度", None]
# Excel row → what is wrong with it (rows count from 1; data starts on row 4).
BAD_XLSX_ROWS: dict[int, str] = {}
CSV_HEADERS = ["序号", "村", "户主", "身份证号码", "人口数", "人均收入（元）", "户属性", "监测类型",
               "联系方式", "村民小组", "备注"]
BAD_CSV_ROWS: dict[int, str] = {}


def _person(rng: random.Random, born: tuple[int, int], male: bool, used: set[str]) -> tuple[str, str]:
    while True:
        birth = dt.date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
        seq = rng.randrange(0, 998, 2) + (1 if male else 0)
        number = idnumber.make(REGION, birth, seq)
        if number not in used:
            used.add(number)
            return number, rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))


def build_xlsx_rows() -> list[list[Any]]:
    """The data rows of the system export (row 4 onwards), bad rows included."""
    rng = random.Random(20261129)
    used: set[str] = set()
    rows: list[list[Any]] = []
    BAD_XLSX_ROWS.clear()
    serial = 0
    for h in range(24):
        village = VILLAGES[h % 3]
        number = f"100{201 + h % 3 if h % 3 < 2 else 1:03d}9{h:03d}"
        head_id, head_name = _person(rng, (1950, 1985), rng.random() < 0.8, used)
        kind, status = rng.choice([("脱贫户", ""), ("脱贫户", "脱贫不稳定户"), ("一般农户", ""),
                                   ("一般农户", "边缘易致贫户"), ("脱贫户", "突发严重困难户")])
        size = rng.randint(1, 5)
        income: Any = rng.randint(60, 220) * 100 + rng.choice([0, 0.5])
        phone = f"139{rng.randrange(10**8):08d}"
        people = [("户主", head_name, head_id)]
        spouse_id, spouse = _person(rng, (1952, 1987), head_id[16] in "02468", used)
        relations = ["户主", "配偶", "之子", "之女", "之孙子"]
        for i in range(1, size):
            if i == 1:
                people.append(("配偶", spouse, spouse_id))
            else:
                pid, pname = _person(rng, (1988, 2018), relations[i] in ("之子", "之孙子"), used)
                people.append((relations[i], head_name[0] + pname[1:], pid))
        if h == 5:
            village = "上庄村"  # no such village in the demo county
        if h == 9:
            income = "约3000"
        if h == 14:
            people = people[1:] or [("配偶", spouse, spouse_id)]  # the head's row is missing
        for p_index, (relation, name, pid) in enumerate(people):
            serial += 1
            row_number = 3 + serial
            if h == 3 and p_index == len(people) - 1:
                pid = pid[:17] + ("0" if pid[17] != "0" else "1")  # wrong check character
                BAD_XLSX_ROWS[row_number] = "id.checksum"
            if h == 17 and p_index == len(people) - 1:
                name, pid = rows[0][6], rows[0][7]  # the same person as row 4
                BAD_XLSX_ROWS[row_number] = "roster.duplicate_id"
            if h == 5 and p_index == 0:
                BAD_XLSX_ROWS[row_number] = "roster.unknown_village"
            if h == 9 and p_index == 0:
                BAD_XLSX_ROWS[row_number] = "money.invalid"
            if h == 14 and p_index == 0:
                BAD_XLSX_ROWS[row_number] = "roster.missing_head"
            sex = "男" if int(pid[16]) % 2 else "女"
            work = rng.choice(["省外务工", "县外省内务工", "县内务工", "未务工", "未务工"])
            labour = "普通劳动力" if relation in ("户主", "配偶") else rng.choice(
                ["普通劳动力", "无劳动力", "弱劳动力或半劳动力"])
            rows.append([serial, village, number, head_name, head_id, relation, name, pid, sex,
                         labour, work, kind, status, size, income, 2025, phone])
    return rows


def build_csv_rows() -> list[list[str]]:
    """The rows of the hand-kept roster (one per household), after its header."""
    rng = random.Random(88)
    used: set[str] = set()
    rows: list[list[str]] = []
    BAD_CSV_ROWS.clear()
    for h in range(15):
        head_id, head = _person(rng, (1945, 1985), rng.random() < 0.7, used)
        village = ["下铺", "西坪镇后营村", "140215100001"][h % 3]  # as people write them
        kind = rng.choice(["脱贫户", "一般户", "监测户"])
        status = {"监测户": rng.choice(["监测对象", "风险已消除"])}.get(kind, "未纳入")
        note = ""
        if h == 11:
            kind = "五保户"  # not a household type the program knows
            BAD_CSV_ROWS[2 + h] = "choice.invalid"
        rows.append([str(h + 1), village, head, head_id, str(rng.randint(1, 6)),
                     f"{rng.randint(70, 250) * 100:,}", kind, status,
                     f"13{rng.randint(4, 9)}{rng.randrange(10**8):08d}", f"{h % 4 + 1}组", note])
    return rows


def write_xlsx(path: Path) -> None:
    """The system export: title row, two-line merged header, data, a closing note."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "花名册"
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(UPPER))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(UPPER)
    ws.append(LOWER)
    for col, (upper, lower) in enumerate(zip(UPPER, LOWER, strict=True), start=1):
        if upper is not None and lower is None:
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
        ws.cell(2, col).alignment = Alignment(horizontal="center", vertical="center")
    for start, end in ((4, 5), (6, 11), (15, 16)):
        ws.merge_cells(start_row=2, start_column=start, end_row=2, end_column=end)
    for row in build_xlsx_rows():
        ws.append(row)
        for col in (5, 8):  # ID numbers as text, as the system exports them
            ws.cell(ws.max_row, col).number_format = "@"
    ws.append([])
    ws.append(["填表说明：本表由防返贫监测信息系统导出，人员均为虚构，仅供测试。"])
    book.properties.creator = "workteam tests"
    book.properties.created = book.properties.modified = dt.datetime(2026, 11, 29)
    book.save(path)


def write_csv(path: Path) -> None:
    """The hand-kept roster in GB18030, as Excel on a Chinese Windows saves CSV."""
    with path.open("w", encoding="gb18030", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_HEADERS)
        writer.writerows(build_csv_rows())


def main() -> None:
    """Write both rosters next to this script."""
    write_xlsx(HERE / XLSX_NAME)
    write_csv(HERE / CSV_NAME)
    print(f"wrote {XLSX_NAME} and {CSV_NAME}")


if __name__ == "__main__":
    main()
