"""``workteam setup --lock-password-stdin`` sets the lock password (a short one is refused
before anything is set up), and opening a plain home from an older version shows the
encryption's progress on stderr instead of a silent minute."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from cli_helpers import run

from plain_homes import plain_home
from workteam_desktop.cli.common import EncryptProgress, encrypt_with_progress
from workteam_desktop.store import Store, sqlite
from workteam_desktop.store.home import store_path
from workteam_desktop.store.lock import check_lock_password, has_lock_password

VILLAGES = "140226102208,140226102209"
SETUP = ("setup", "--county", "140226", "--villages", VILLAGES, "--team", "店湾工作队",
         "--cadre", "张伟:第一书记")


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


# ------------------------------------------------------------------ --lock-password-stdin

def test_setup_sets_the_lock_password_from_stdin(tmp_path: Path, capsys, monkeypatch) -> None:
    home = tmp_path / "home"
    stdin(monkeypatch, "东关村 2026\n")
    code, out, err = run(capsys, home, *SETUP, "--lock-password-stdin")
    assert code == 0, err
    assert "已设置锁屏密码" in out
    with Store.open(home) as store:
        assert check_lock_password(store, "东关村 2026")  # the line end is not part of it
        assert not check_lock_password(store, "东关村 2026\n")


def test_a_windows_line_end_is_dropped_too(tmp_path: Path, capsys, monkeypatch) -> None:
    home = tmp_path / "home"
    stdin(monkeypatch, "dongguan-2026\r\n")
    code, out, err = run(capsys, home, *SETUP, "--json", "--lock-password-stdin")
    assert code == 0, err
    assert '"lock_password_set": true' in out
    with Store.open(home) as store:
        assert check_lock_password(store, "dongguan-2026")


@pytest.mark.parametrize("typed", ["12345\n", "", "\n"])
def test_a_short_lock_password_is_refused_and_nothing_is_set_up(
        tmp_path: Path, capsys, monkeypatch, typed: str) -> None:
    home = tmp_path / "home"
    stdin(monkeypatch, typed)
    code, out, err = run(capsys, home, *SETUP, "--lock-password-stdin")
    assert code == 1
    assert err.strip() == "workteam: 锁屏密码至少6个字符"
    assert out == ""
    assert not store_path(home).exists()  # nothing set up, no home made


def test_a_short_lock_password_leaves_a_set_up_home_as_it_was(tmp_path: Path, capsys,
                                                              monkeypatch) -> None:
    home = tmp_path / "home"
    assert run(capsys, home, *SETUP)[0] == 0
    stdin(monkeypatch, "abc\n")
    code, _out, err = run(capsys, home, "setup", "--county", "140226", "--villages",
                          "140226102210", "--team", "店湾工作队", "--add",
                          "--lock-password-stdin")
    assert code == 1 and "锁屏密码至少6个字符" in err
    code, out, _err = run(capsys, home, "areas", "list")
    assert code == 0 and "140226102210" not in out  # the village was not added
    with Store.open(home) as store:
        assert not has_lock_password(store)


def test_without_the_option_no_password_is_set_and_stdin_is_not_read(
        tmp_path: Path, capsys, monkeypatch) -> None:
    home = tmp_path / "home"
    stdin(monkeypatch, "dongguan-2026\n")
    code, out, err = run(capsys, home, *SETUP)
    assert code == 0, err
    assert "锁屏密码" not in out
    assert sys.stdin.read() == "dongguan-2026\n"
    with Store.open(home) as store:
        assert not has_lock_password(store)  # the first start of the window asks for it


# ------------------------------------------------------------------ encryption progress

def plain_home_of_60(home: Path) -> int:
    """A home as an older version left it: a plain store (made with no keyring)."""
    return plain_home(home, households=60, seed=3)["household"]


def test_opening_a_plain_home_shows_the_encryption_progress_on_stderr(
        tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    households = plain_home_of_60(home)
    assert sqlite.is_plain(store_path(home))
    code, out, err = run(capsys, home, "areas", "list")
    assert code == 0, err
    assert "正在加密" not in out  # the command's own output stays clean
    lines = err.splitlines()
    assert any("未加密" in line and str(home) in line for line in lines)
    progress = [line for line in lines if line.startswith("正在加密数据目录… ")]
    # Not a terminal (captured): a few plain lines, no carriage returns, ending at 100%.
    assert 2 <= len(progress) <= 5 and progress[-1] == "正在加密数据目录… 100%"
    assert "\r" not in err
    assert "数据目录已加密。" in lines
    assert "恢复码" in err  # the new recovery code is shown once, after the command
    assert not sqlite.is_plain(store_path(home))
    with Store.open(home) as store, store.read() as cur:
        assert cur.execute("SELECT count(*) FROM household").fetchone()[0] == households
    code, _out, err = run(capsys, home, "areas", "list")  # once only
    assert code == 0 and "正在加密" not in err and "恢复码" not in err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_progress_is_one_line_rewritten(tmp_path: Path) -> None:
    home = tmp_path / "home"
    plain_home_of_60(home)
    screen = Terminal()
    code = encrypt_with_progress(home, screen)
    assert code  # a new key, with its recovery code for the caller to show
    text = screen.getvalue()
    assert "\r正在加密数据目录… 100%\n" in text
    assert text.count("\n") == 3  # the notice, the progress line, 已加密
    assert encrypt_with_progress(home, screen) is None  # encrypted: nothing to do


def test_progress_lines_off_a_terminal() -> None:
    log = io.StringIO()
    progress = EncryptProgress(log)
    for done in range(0, 1001, 10):
        assert progress(done, 1000) is False  # never cancels
    progress.end()
    assert log.getvalue().splitlines() == [f"正在加密数据目录… {p}%" for p in (0, 25, 50, 75, 100)]
