"""``workteam report …``: reports from the command line, and its errors (one Chinese line,
exit code 1, no half-written file)."""

from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_helpers import COMMUNITY, VILLAGE, pdf_page_count, pdf_pages, pdf_text

from workteam_desktop.cli import main as cli_main
from workteam_desktop.cli import report as report_cli


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``workteam`` with the ``report`` subcommand registered (whether or not
    cli/main.py lists it yet); returns (exit code, stdout, stderr)."""
    build = cli_main.build_parser

    def with_report() -> argparse.ArgumentParser:
        parser = build()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "report" not in sub.choices:
            common = cli_main.Parser(add_help=False)
            common.add_argument("--home", default=argparse.SUPPRESS)
            report_cli.register(sub, common)
        return parser

    monkeypatch.setattr(cli_main, "build_parser", with_report)
    monkeypatch.delenv("WORKTEAM_LANG", raising=False)

    def call(*argv: str) -> tuple[int, str, str]:
        try:
            code = cli_main.main(list(argv))
        except SystemExit as exc:  # argparse's own errors
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


def test_visits_report_with_workbook(run, report_demo: Path, tmp_path: Path) -> None:
    out, xlsx = tmp_path / "走访.pdf", tmp_path / "走访.xlsx"
    code, stdout, stderr = run("report", "visits", "--home", str(report_demo), "--village",
                               VILLAGE, "--from", "2026-01-01", "--to", "2026-03-31",
                               "--out", str(out), "--xlsx", str(xlsx))
    assert (code, stderr) == (0, "")
    pages = pdf_page_count(out)
    assert f"已生成走访报告：{out}（共 {pages:,} 页）" in stdout
    assert "2026年1月1日至2026年3月31日" in pdf_text(out)
    assert load_workbook(xlsx).sheetnames == ["报表信息", "走访汇总", "走访明细"]


def test_household_files_for_several_households(run, report_demo: Path, tmp_path: Path,
                                                db: sqlite3.Connection) -> None:
    numbers = [r[0] for r in db.execute("SELECT number FROM household WHERE relocated = 0 "
                                        "ORDER BY number LIMIT 3")]
    out = tmp_path / "h.pdf"
    code, stdout, _ = run("report", "household", "--home", str(report_demo), "--household",
                          numbers[0], numbers[1], "--household", numbers[2], "--out", str(out))
    assert code == 0
    assert pdf_page_count(out) == 3
    assert "含个人敏感信息" not in pdf_text(out)
    assert "敏感" not in stdout


def test_full_id_is_marked_on_every_page(run, report_demo: Path, tmp_path: Path,
                                         db: sqlite3.Connection) -> None:
    number, id_number = db.execute("SELECT number, id_number FROM household WHERE relocated = 1 "
                                   "LIMIT 1").fetchone()
    out = tmp_path / "h.pdf"
    code, stdout, _ = run("report", "household", "--home", str(report_demo), "--household",
                          number, "--full-id", "--out", str(out))
    assert code == 0
    assert "个人敏感信息" in stdout
    pages = pdf_pages(out)
    assert len(pages) >= 2
    assert all("含个人敏感信息" in page for page in pages)
    assert id_number in "".join(pages)


def test_default_output_goes_under_the_data_home(run, demo_copy: Path) -> None:
    code, stdout, _ = run("report", "wallchart", "--home", str(demo_copy), "--village",
                          COMMUNITY, "--json")
    assert code == 0
    import json

    result = json.loads(stdout)
    path = Path(result["path"])
    assert path.parent == demo_copy / "reports" and path.name.startswith("挂图作战_")
    assert result["pages"] == pdf_page_count(path)


@pytest.mark.parametrize(("args", "message"), [
    (["visits", "--village", "999999"], "找不到村“999999”"),
    (["quarter", "--quarter", "2026Q5"], "季度“2026Q5”应写成 2026Q3 这样的形式"),
    (["quarter", "--quarter", "第三季度"], "应写成 2026Q3"),
    (["visits", "--from", "2026-13-01"], "“2026-13-01”不是有效日期"),
    (["visits", "--from", "2026-11-20", "--to", "2026-11-01"], "晚于结束日期"),
    (["household", "--household", "不存在的户"], "找不到农户“不存在的户”"),
    (["monthly"], "没有名为“monthly”的报表"),
    (["visits", "--cadre", "无此人"], "找不到干部“无此人”"),
])
def test_bad_input_is_one_chinese_line_and_no_file(run, report_demo: Path, tmp_path: Path,
                                                   args: list[str], message: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, stderr = run("report", *args, "--home", str(report_demo),
                               "--out", str(out / "r.pdf"))
    assert code == 1
    assert stdout == ""
    assert stderr.count("\n") == 1 and stderr.startswith("workteam: ")
    assert message in stderr
    assert list(out.iterdir()) == []


def test_unwritable_output(run, report_demo: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "r.pdf"
    code, _, stderr = run("report", "rights", "--home", str(report_demo), "--out", str(missing))
    assert code == 1 and "文件夹" in stderr and "不存在" in stderr
    assert not missing.parent.exists()

    code, _, stderr = run("report", "rights", "--home", str(report_demo), "--out", str(tmp_path))
    assert code == 1 and "是一个文件夹" in stderr

    code, _, stderr = run("report", "rights", "--home", str(report_demo), "--out",
                          str(tmp_path / "r.txt"))
    assert code == 1 and ".pdf" in stderr

    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            code, _, stderr = run("report", "rights", "--home", str(report_demo), "--out",
                                  str(locked / "r.pdf"))
            assert code == 1 and "权限" in stderr
            assert list(locked.iterdir()) == []
        finally:
            locked.chmod(0o700)


def test_missing_data_home(run, tmp_path: Path) -> None:
    code, _, stderr = run("report", "rights", "--home", str(tmp_path / "empty"))
    assert code == 1 and "还没有数据" in stderr


def test_help_names_every_report_kind() -> None:
    from workteam_desktop.reports import KINDS

    assert "、".join(f"{c}={n}" for c, n in KINDS.items()) == report_cli._KIND_HELP
