"""工作队季度考核结果 (``workteam report assessment``) read back with pdftotext, and the
``workteam supervisor`` commands' JSON and errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from report_helpers import pdf_page_count, pdf_pages, pdf_text

from workteam_desktop.cli import main as cli_main
from workteam_desktop.domain import assessment as da
from workteam_desktop.store import Store
from workteam_desktop.store.assessment import assess_quarter, set_manual_score
from workteam_desktop.store.quality import quality_checks


@pytest.fixture
def home(report_demo: Path, tmp_path: Path) -> Path:
    """A private copy of the report demo county."""
    target = tmp_path / "home"
    shutil.copytree(report_demo, target)
    return target


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli_main.main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_assessment_pdf_shows_the_ranking_stars_and_rules(
        home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(home) as store:
        team = assess_quarter(store, "2026Q3").teams[-1].indicators
        set_manual_score(store, "2026Q3", team.team_id, 95.0)
        result = assess_quarter(store, "2026Q3")
    out = tmp_path / "考核.pdf"
    code, stdout, err = _run(capsys, "--home", str(home), "report", "assessment",
                             "--quarter", "2026Q3", "--out", str(out))
    assert code == 0, err
    assert "工作队季度考核结果" in stdout
    pages = pdf_pages(out)
    assert len(pages) == pdf_page_count(out) >= 2
    flat = [p.replace(" ", "").replace("\n", "") for p in pages]
    assert "工作队季度考核结果" in flat[0] and "2026年第3季度" in flat[0]
    assert all(f"第{i}页共{len(pages)}页" in p for i, p in enumerate(flat, start=1))
    text = "".join(flat)
    for t in result.teams:
        assert t.indicators.team_name in text
    # Ranked order in the table: the team names appear best first on page 1.
    positions = [flat[0].index(t.indicators.team_name) for t in result.teams]
    assert positions == sorted(positions)
    assert f"{result.teams[0].total:.1f}" in flat[0]
    assert "95.0" in text  # the manual score
    assert "2026年下半年星级评定" in text and "★" in pdf_text(out)
    assert "90分及以上五星" in text
    assert "考核人（签字）" in text
    assert "含个人敏感信息" not in text


def test_supervisor_commands_print_json_and_refuse_bad_input(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--home", str(home), "supervisor", "assess", "--quarter",
                        "2026Q3", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["quarter"] == "2026Q3"
    assert [t["rank"] for t in data["teams"]] == sorted(t["rank"] for t in data["teams"])
    assert sum(data["weights"].values()) == pytest.approx(1.0)

    code, out, _ = _run(capsys, "--home", str(home), "supervisor", "checks", "--json",
                        "--limit", "3")
    assert code == 0
    checks = json.loads(out)
    with Store.open(home) as store:
        assert checks["counts"] == quality_checks(store).counts
    assert all(f["explanation"] for f in checks["findings"])

    code, out, _ = _run(capsys, "--home", str(home), "supervisor", "stars", "--half", "2026H2",
                        "--json")
    assert code == 0
    stars = json.loads(out)
    assert all(t["stars"] == da.stars_for(t["mean"]) for t in stars["teams"])

    code, out, _ = _run(capsys, "--home", str(home), "supervisor", "duplicates", "--json")
    assert code == 0 and isinstance(json.loads(out), list)

    for argv, message in (
            (("assess", "--quarter", "2026Q5"), "2026Q3"),
            (("stars", "--half", "2026H3"), "2026H2"),
            (("score", "没有这个队", "80"), "找不到工作队"),
            (("merge", "a", "b", "--take", "updated_hlc"), "没有可合并的字段")):
        code, out, err = _run(capsys, "--home", str(home), "supervisor", *argv)
        assert code == 1 and message in err and err.count("\n") == 1, (argv, err)
    team = data["teams"][0]["team_id"]
    code, _, err = _run(capsys, "--home", str(home), "supervisor", "score", team, "150")
    assert code == 1 and "0到100" in err
