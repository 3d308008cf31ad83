"""``workteam backup``, ``restore`` and ``diagnostics`` as a cadre or support uses them."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import zipfile
from pathlib import Path

import pytest

import dbfile
from workteam_desktop.cli import maintenance
from workteam_desktop.cli.main import CliError, Parser
from workteam_desktop.logs import setup_logging, shutdown_logging
from workteam_desktop.store import Store, migrate, sqlite
from workteam_desktop.store.attachments import read_content
from workteam_desktop.store.home import store_path


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    """The subcommands through a parser like ``cli.main``'s (until main registers them)."""
    parser = Parser(prog="workteam")
    parser.add_argument("--home")
    sub = parser.add_subparsers(dest="command")
    common = Parser(add_help=False)
    common.add_argument("--home", default=argparse.SUPPRESS)
    maintenance.register(sub, common)
    parsed = parser.parse_args(["--home", str(home), *args])
    try:
        code = parsed.handler(parsed)
    except CliError as exc:
        print(f"workteam: {exc}", file=sys.stderr)
        code = 1
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def dump(path: Path) -> dict[str, list[tuple]]:
    db = dbfile.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in names}
    finally:
        db.close()


def records(path: Path) -> dict[str, list[tuple]]:
    """The store's content but what belongs to the laptop (device id, clock, sync state): a
    restore into another home gives that home a device id of its own."""
    return {t: rows for t, rows in dump(path).items()
            if t not in ("device", "clock_state", "sync_state")}


@pytest.fixture
def home(demo_copy) -> Path:
    return demo_copy(60, 1, dt.date(2026, 11, 29))


class Tty:
    def isatty(self) -> bool:
        return True


class NoTty:
    def isatty(self) -> bool:
        return False


def test_backup_on_demand_and_to_a_usb_folder(capsys, home: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, home, "backup")
    assert code == 0 and "已备份到" in out
    [made] = (home / "backups").glob("workteam-*-manual.sqlite3")
    usb = tmp_path / "usb"
    usb.mkdir()
    code, out, _ = run(capsys, home, "backup", "--out", str(usb / "村里.sqlite3"))
    assert code == 0 and (usb / "村里.sqlite3").exists()
    assert dump(made) == dump(usb / "村里.sqlite3") == dump(store_path(home))
    code, _, err = run(capsys, home, "backup", "--out", str(usb / "村里.sqlite3"))
    assert code == 1 and "已存在" in one_line(err)


def test_backup_of_a_home_without_data_is_an_error(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, tmp_path / "nothing", "backup")
    assert code == 1 and "还没有数据" in one_line(err)
    assert not (tmp_path / "nothing").exists()


def test_restore_into_a_fresh_home_with_yes(capsys, home: Path, tmp_path: Path) -> None:
    run(capsys, home, "backup", "--out", str(tmp_path / "b.sqlite3"))
    fresh = tmp_path / "fresh"
    code, out, err = run(capsys, fresh, "restore", str(tmp_path / "b.sqlite3"), "--yes")
    assert code == 0, err
    assert "已恢复" in out
    assert records(store_path(fresh)) == records(store_path(home))
    assert "新的设备编号" in out


def test_restore_into_a_new_home_asks_nothing(capsys, home: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """There is nothing to replace in a new home: no --yes, no question (issue 15)."""
    run(capsys, home, "backup", "--out", str(tmp_path / "b.sqlite3"))
    monkeypatch.setattr(sys, "stdin", NoTty())
    fresh = tmp_path / "new-laptop"
    code, out, err = run(capsys, fresh, "restore", str(tmp_path / "b.sqlite3"))
    assert code == 0, err
    assert "已恢复" in out
    assert records(store_path(fresh)) == records(store_path(home))
    assert "新的设备编号" in out


def test_restore_without_a_tty_needs_yes(capsys, home: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, home, "backup", "--out", str(tmp_path / "b.sqlite3"))
    monkeypatch.setattr(sys, "stdin", NoTty())
    before = dump(store_path(home))
    code, _, err = run(capsys, home, "restore", str(tmp_path / "b.sqlite3"))
    assert code == 1 and "--yes" in one_line(err)
    assert dump(store_path(home)) == before
    assert not list((home / "backups").glob("*before-restore*")) \
        if (home / "backups").exists() else True


@pytest.mark.parametrize(("answer", "restored"), [("y", True), ("n", False), ("", False)])
def test_restore_asks_on_a_tty(capsys, home: Path, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch, answer: str,
                               restored: bool) -> None:
    run(capsys, home, "backup", "--out", str(tmp_path / "b.sqlite3"))
    with Store.open(home) as store, store.write() as w:
        from workteam_desktop.store.models import Area

        w.insert(Area, [{"code": "140215100299", "name": "新村", "level": "village"}])
    edited = dump(store_path(home))
    monkeypatch.setattr(sys, "stdin", Tty())
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or answer)
    code, out, err = run(capsys, home, "restore", str(tmp_path / "b.sqlite3"))
    assert asked and "60 户" in out
    if restored:
        assert code == 0, err
        assert dump(store_path(home)) != edited
        [kept] = (home / "backups").glob("*-before-restore.sqlite3")
        assert dump(kept) == edited
    else:
        assert code == 1 and "已取消" in one_line(err)
        assert dump(store_path(home)) == edited


def test_restore_of_bad_files_says_so_in_one_line(capsys, home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_text("hello", encoding="utf-8")
    newer = tmp_path / "newer.sqlite3"
    run(capsys, home, "backup", "--out", str(newer))
    db = dbfile.connect(newer)
    db.execute("UPDATE alembic_version SET version_num = 'ffff'")
    db.commit()
    db.close()
    before = dump(store_path(home))
    for path, words in ((bad, "不是"), (newer, "更新版本"), (tmp_path / "nope.sqlite3", "找不到")):
        code, _, err = run(capsys, home, "restore", str(path), "--yes")
        line = one_line(err)
        assert code == 1 and words in line, line
        assert dump(store_path(home)) == before
    with Store.open(home) as store:
        assert migrate.current_revision(store.engine) == migrate.HEAD_REVISION


def test_diagnostics_zip_holds_no_personal_data(capsys, home: Path, tmp_path: Path) -> None:
    db = dbfile.connect(store_path(home))
    people = db.execute("SELECT head_name, id_number, phone FROM household").fetchall()
    members = db.execute("SELECT name, id_number FROM member").fetchall()
    db.close()
    assert len(people) == 60
    setup_logging(home)
    try:
        log = logging.getLogger("workteam_desktop.ui")
        for name, id_number, phone in people[:10]:
            # A careless log line: the filter masks numbers, diagnostics scrubs names too.
            log.info("saved household of %s (%s, %s)", name, id_number, phone)
        log.info("opened %s", Path.home() / "workteam")
    finally:
        shutdown_logging()
    out = tmp_path / "diag.zip"
    code, stdout, err = run(capsys, home, "diagnostics", "--out", str(out))
    assert code == 0, err
    assert "诊断信息" in stdout
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        text = "\n".join(zf.read(n).decode("utf-8") for n in names)
        summary = json.loads(zf.read("diagnostics.json"))
    assert "logs/workteam.log" in names
    assert "saved household of" in text
    for name, id_number, phone in people:
        assert name not in text
        if id_number:
            assert id_number not in text
        if phone:
            assert phone not in text
    for name, id_number in members:
        assert name not in text
        if id_number:
            assert id_number not in text
    assert str(home) not in text and str(Path.home()) not in text
    stats = summary["store"]
    assert stats["revision"] == migrate.HEAD_REVISION
    assert stats["tables"]["household"] == 60
    assert stats["files"]["workteam.sqlite3"] > 0
    versions = summary["versions"]
    assert versions["workteam"] and versions["sqlite"] == sqlite.dbapi.sqlite_version
    assert versions["sqlcipher"].startswith("4.")  # the store is encrypted with SQLCipher 4
    assert versions["python"] and versions["qt"]


def test_diagnostics_needs_a_zip_name(capsys, home: Path, tmp_path: Path) -> None:
    code, _, err = run(capsys, home, "diagnostics", "--out", str(tmp_path / "diag.txt"))
    assert code == 1 and ".zip" in one_line(err)


def test_backup_to_usb_and_restore_carry_the_photos(capsys, home: Path, tmp_path: Path) -> None:
    """A backup on a USB stick brings the visit photos to a new laptop."""
    from workteam_desktop.store.attachments import add_attachment

    photo = tmp_path / "走访.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the visit " * 100)
    with Store.open(home) as store:
        with store.read() as cur:
            visit = cur.execute("SELECT id FROM visit LIMIT 1").fetchone()[0]
        add_attachment(store, photo, "visit", visit)
    usb = tmp_path / "usb"
    usb.mkdir()
    assert run(capsys, home, "backup", "--out", str(usb / "b.sqlite3"))[0] == 0
    fresh = tmp_path / "new-laptop"
    code, out, err = run(capsys, fresh, "restore", str(usb / "b.sqlite3"), "--yes")
    assert code == 0 and err == "" and "已恢复" in out
    [restored] = (fresh / "attachments").glob("*/*")
    assert read_content(fresh, restored.name) == photo.read_bytes()
    assert records(store_path(fresh)) == records(store_path(home))
    assert "新的设备编号" in out


def test_diagnostics_tell_the_settings_without_the_server_address(capsys, home: Path,
                                                                   tmp_path: Path) -> None:
    from workteam_desktop.settings import Settings, save_settings

    save_settings(home, Settings(role="supervisor", server_url="https://sync.county.example",
                                 backup_keep=20,
                                 catalogue_extensions={"industry": [("pepper", "花椒")]}))
    out = tmp_path / "diag.zip"
    assert run(capsys, home, "diagnostics", "--out", str(out))[0] == 0
    with zipfile.ZipFile(out) as zf:
        raw = zf.read("diagnostics.json").decode("utf-8")
    settings = json.loads(raw)["settings"]
    assert (settings["role"], settings["backup_keep"], settings["server_set"]) == (
        "supervisor", 20, True)
    assert settings["catalogue_extensions"] == {"industry": 1}
    assert "sync.county.example" not in raw
