"""Benchmark: a 50,000-row Excel roster into a store holding the demo county's villages.

Run as a plain script (``python tests/bench/bench_roster.py [rows]``). The roster (one row
per member, about three and a half members per household, a monitoring-system header, text
in a shared-string table as Excel saves it) is generated once into ``.bench-cache/``.
Prints and records the time split between reading the file, checking the rows and writing
the store (target: under 60 s in all), then re-imports the same file (nothing may change)
and records that too, and the read time of the same roster as openpyxl writes it (inline
strings, like the program's own export).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from benchlib import CACHE, peak_rss_mb, record

from workteam_desktop.demo import generate
from workteam_desktop.domain import idnumber
from workteam_desktop.roster.check import check_roster
from workteam_desktop.roster.read import read_roster
from workteam_desktop.store import Store
from workteam_desktop.store.roster import import_households

HEADERS = ["序号", "行政村", "户编号", "户主姓名", "与户主关系", "姓名", "证件号码", "性别",
           "户类型", "监测对象类别", "家庭人口", "人均纯收入（元）", "联系电话", "劳动技能", "务工状态"]
VILLAGES = ("下铺村", "后营村", "西坪惠民安置社区")  # the demo county of seed 1
RELATIONS = ("户主", "配偶", "之子", "之女", "之孙子", "之孙女")
TODAY = dt.date(2025, 6, 15)
_INLINE = re.compile(r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>(.*?)</t></is></c>')
_SST_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
             b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_SST_REL = (b'<Relationship Id="rIdSharedStrings" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')


def make_roster(path: Path, rows: int) -> None:
    """Write a roster of ``rows`` member rows (fake people, checksum-valid IDs)."""
    import openpyxl

    rng = random.Random(50_000)
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("花名册")
    ws.append(["云州区防返贫监测花名册（基准测试）"])
    ws.append(HEADERS)
    written = household = 0
    while written < rows:
        household += 1
        size = min(rng.randint(1, 6), rows - written)
        village = VILLAGES[household % 3]
        head = rng.choice("王李张刘陈杨赵黄周吴") + rng.choice("伟芳娜敏静丽强磊军洋勇艳杰")
        income = rng.randint(50, 250) * 100
        kind = rng.choice(("脱贫户", "一般农户", "监测户"))
        status = rng.choice(("", "脱贫不稳定户")) if kind == "监测户" else ""
        phone = f"139{rng.randrange(10**8):08d}"
        for m in range(size):
            written += 1
            birth = dt.date(1940 + rng.randrange(75), rng.randint(1, 12), rng.randint(1, 28))
            # Region and sequence from the row count: no two rows share a number.
            number = idnumber.make(f"14{written // 1000 % 100:02d}{21 + written // 100000:02d}",
                                   birth, written % 1000)
            name = head if m == 0 else head[0] + rng.choice("明华英秀兰国平")
            ws.append([written, village, f"B{household:07d}", head, RELATIONS[m], name, number,
                       "男" if int(number[16]) % 2 else "女", kind, status, size, income, phone,
                       "普通劳动力", rng.choice(("省外务工", "未务工"))])
    book.save(path)


def to_shared_strings(source: Path, target: Path) -> None:
    """Rewrite an openpyxl-written workbook with its text in a shared-string table, as
    Excel, WPS and the monitoring system save it (openpyxl writes every text inline,
    which openpyxl reads about twice as slowly: not what a team's roster looks like)."""
    strings: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        index = strings.setdefault(match.group(2), len(strings))
        return f'<c r="{match.group(1)}" t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = _INLINE.sub(shared, data.decode()).encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", _SST_TYPE + b"</Types>")
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", _SST_REL + b"</Relationships>")
            zout.writestr(item, data)
        table = "".join(f"<si><t>{text}</t></si>" for text in strings)  # already escaped
        zout.writestr("xl/sharedStrings.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="'
            'http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{table}</sst>'))


def main() -> None:
    """Import the roster twice into a fresh home and record the times."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", nargs="?", type=int, default=50_000)
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    inline = CACHE / f"roster-{args.rows}-inline.xlsx"
    roster = CACHE / f"roster-{args.rows}.xlsx"
    if not roster.exists() or not inline.exists():
        started = time.perf_counter()
        make_roster(inline.with_suffix(".tmp"), args.rows)
        to_shared_strings(inline.with_suffix(".tmp"), roster.with_suffix(".tmp"))
        inline.with_suffix(".tmp").rename(inline)
        roster.with_suffix(".tmp").rename(roster)
        print(f"roster made in {time.perf_counter() - started:.1f} s")
    home = Path(tempfile.mkdtemp(prefix="workteam-bench-roster-"))
    try:
        with Store.open(home) as store:
            generate(store, households=600, seed=1, today=TODAY)
        with Store.open(home) as store:
            t0 = time.perf_counter()
            table = read_roster(roster)
            t1 = time.perf_counter()
            plan = check_roster(store, table, today=TODAY)
            t2 = time.perf_counter()
            result = import_households(store, plan.households)
            t3 = time.perf_counter()
            again = import_households(store, check_roster(store, read_roster(roster),
                                                          today=TODAY).households)
            t4 = time.perf_counter()
            read_roster(inline)
            t5 = time.perf_counter()
        assert not plan.problems, plan.problems[:3]
        assert again.changes_logged == 0
        record("roster_import", rows=len(table.rows), households=len(plan.households),
               read_s=round(t1 - t0, 2), check_s=round(t2 - t1, 2), write_s=round(t3 - t2, 2),
               total_s=round(t3 - t0, 2), changes=result.changes_logged,
               reimport_total_s=round(t4 - t3, 2), reimport_changes=again.changes_logged,
               read_inline_strings_s=round(t5 - t4, 2),
               peak_rss_mb=round(peak_rss_mb()))
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
