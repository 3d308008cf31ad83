"""Bundles that should work: round trips, encryption, --since-last, replays, dry runs, keys."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import keyring
import pytest
from bundle_helpers import export, trust
from keyring.backends import fail

import dbfile
from store_content import dump, schema
from workteam_desktop.domain.changes import Change
from workteam_desktop.store import Store
from workteam_desktop.store.attachments import add_attachment, content_path, read_content
from workteam_desktop.store.changes import all_changes, apply
from workteam_desktop.store.home import store_path
from workteam_desktop.store.models import SYNCED_MODELS, Household
from workteam_desktop.store.writer import table_infos
from workteam_desktop.sync.bundle_import import import_bundle
from workteam_desktop.sync.bundle_verify import check_change
from workteam_desktop.sync.errors import BundleError
from workteam_desktop.sync.keys import SERVICE, load_or_create

SYNCED = [m.__tablename__ for m in SYNCED_MODELS]


def _rows(home: Path, table: str) -> list[tuple]:
    con = dbfile.connect(store_path(home))
    try:
        return con.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
    finally:
        con.close()


def _attach(home: Path, tmp_path: Path) -> str:
    photo = tmp_path / "门牌.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg " * 500)
    with Store.open(home) as store, store.read() as cur:
        hid = cur.execute("SELECT id FROM household ORDER BY id LIMIT 1").fetchone()[0]
    with Store.open(home) as store:
        add_attachment(store, photo, "household", hid, caption="门牌")
    return hid


def test_round_trip_between_two_stores(home_a: Path, home_b: Path, tmp_path: Path,
                                       cli) -> None:
    _attach(home_a, tmp_path)
    out = tmp_path / "a.wtb"
    assert cli("export-bundle", "--home", home_a, "--out", out) == 0
    assert cli("import-bundle", "--home", home_b, out) == 1  # signer not trusted yet
    assert cli("import-bundle", "--home", home_b, "--trust", out) == 0
    for table in SYNCED:
        assert _rows(home_b, table) == _rows(home_a, table), table
    with Store.open(home_b) as b, Store.open(home_a) as a:
        assert sum(1 for _ in all_changes(b)) == sum(1 for _ in all_changes(a))
        sha = _rows(home_b, "attachment")[0]
        sha = next(v for v in sha if isinstance(v, str) and len(v) == 64)
        assert read_content(b.home, sha) == read_content(a.home, sha)
        # Each home seals the photo with its own key.
        assert content_path(b.home, sha).read_bytes() != content_path(a.home, sha).read_bytes()
    signers = json.loads((home_b / "trusted_signers.json").read_text())["signers"]
    assert len(signers) == 1
    # b was empty: the import was a bulk load, and ends with a's schema and every fact.
    assert schema(home_b) == schema(home_a)
    assert dump(home_b)["household_facts"] == dump(home_a)["household_facts"]


def test_encrypted_round_trip_and_wrong_recipient(home_a: Path, home_b: Path, tmp_path: Path,
                                                  cli, capsys) -> None:
    pub = tmp_path / "b.pub.json"
    assert cli("keys", "export", "--home", home_b, "--out", pub) == 0
    out = tmp_path / "sealed.wtb"
    assert cli("export-bundle", "--home", home_a, "--out", out, "--to", pub) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"WTB1ENC")
    assert "门".encode() not in raw and b"household" not in raw  # nothing readable
    other = tmp_path / "c"
    Store.open(other).close()
    before = dump(other)
    capsys.readouterr()
    assert cli("import-bundle", "--home", other, "--trust", out) == 1
    assert "加密给另一台设备" in capsys.readouterr().err
    assert dump(other) == before
    assert cli("import-bundle", "--home", home_b, "--trust", out) == 0
    assert _rows(home_b, "household") == _rows(home_a, "household")


def test_since_last_exports_only_new_changes(home_a: Path, tmp_path: Path, cli,
                                             capsys) -> None:
    first = export(home_a, tmp_path / "1.wtb")
    with Store.open(home_a) as a:
        total = sum(1 for _ in all_changes(a))
    assert json.loads(_member(first, "manifest.json"))["changes"] == total
    capsys.readouterr()
    assert cli("export-bundle", "--home", home_a, "--out", tmp_path / "2.wtb") == 0
    assert "没有需要导出的新更改" in capsys.readouterr().out
    assert not (tmp_path / "2.wtb").exists()
    with Store.open(home_a) as a, a.write() as w:
        hid = w.cursor.execute("SELECT id FROM household LIMIT 1").fetchone()[0]
        w.update(Household, hid, {"phone": "13900001111"})
    third = export(home_a, tmp_path / "3.wtb")
    lines = _member(third, "changes.jsonl").decode().splitlines()
    assert len(lines) == 1 and Change.from_json(lines[0]).fields == {"phone": "13900001111"}
    state = json.loads((home_a / "bundles.json").read_text())
    assert len(state["exported"]) == 2
    assert list(tmp_path.glob(".*")) == []  # no temporary file left beside the target


def _member(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def test_reimport_is_a_noop(home_a: Path, home_b: Path, tmp_path: Path, cli, capsys) -> None:
    out = export(home_a, tmp_path / "a.wtb")
    trust(home_b, home_a)
    assert cli("import-bundle", "--home", home_b, out) == 0
    after_first = dump(home_b)
    capsys.readouterr()
    assert cli("import-bundle", "--home", home_b, "--json", out) == 0
    [result] = json.loads(capsys.readouterr().out)
    assert result["replay"] and result["applied"] == 0 and result["duplicate"] == result["changes"]
    assert cli("import-bundle", "--home", home_b, out) == 0
    assert "都已导入过" in capsys.readouterr().out
    assert {k: v for k, v in dump(home_b).items() if k != "clock_state"} == \
        {k: v for k, v in after_first.items() if k != "clock_state"}


def test_dry_run_writes_nothing(home_a: Path, home_b: Path, tmp_path: Path, cli,
                                capsys) -> None:
    out = export(home_a, tmp_path / "a.wtb")
    before = dump(home_b)
    capsys.readouterr()
    assert cli("import-bundle", "--home", home_b, "--dry-run", "--trust", "--json", out) == 0
    [result] = json.loads(capsys.readouterr().out)
    assert result["dry_run"] and result["applied"] == result["changes"]
    assert result["per_entity"]["household"]["new"] == 8
    assert cli("import-bundle", "--home", home_b, "--dry-run", "--trust", out) == 0
    table = capsys.readouterr().out
    assert "试运行" in table and "household" in table
    assert dump(home_b) == before
    assert not (home_b / "trusted_signers.json").exists()  # a dry run trusts no one


def test_same_changes_by_bundle_and_by_another_path_apply_once(
        home_a: Path, home_b: Path, tmp_path: Path) -> None:
    out = export(home_a, tmp_path / "a.wtb")
    with Store.open(home_a) as a:
        changes = [c for _, c in all_changes(a)]
    half = len(changes) // 2
    trust(home_b, home_a)
    with Store.open(home_b) as b:
        # The network delivers the first half (JSON round trip as on the wire).
        tables = table_infos(b.engine.dialect)
        apply(b, [check_change((c.to_json() + "\n").encode(), tables) for c in changes[:half]])
        result = import_bundle(b, out)
        assert (result.applied, result.duplicate) == (len(changes) - half, half)
        assert sum(1 for _ in all_changes(b)) == len(changes)
    assert _rows(home_b, "household") == _rows(home_a, "household")


def test_private_keys_live_only_in_the_keyring(home_a: Path, tmp_path: Path, cli,
                                               memory_keyring, capsys) -> None:
    _attach(home_a, tmp_path)
    export(home_a, tmp_path / "a.wtb")
    assert cli("keys", "show", "--home", home_a) == 0
    shown = capsys.readouterr().out
    assert cli("keys", "export", "--home", home_a, "--out", home_a / "pub.json") == 0
    [(service, _user)] = memory_keyring.secrets
    assert service == SERVICE
    secret = json.loads(next(iter(memory_keyring.secrets.values())))
    needles = []
    for text in secret.values():
        raw = base64.b64decode(text)
        needles += [raw, text.encode(), raw.hex().encode()]
    for path in home_a.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(n in data for n in needles), path
    pub = json.loads((home_a / "pub.json").read_text())
    assert pub["fingerprint"] in shown and set(pub) >= {"device", "user", "ed25519", "x25519"}


def test_no_usable_keyring_is_refused(home_a: Path, tmp_path: Path, cli, capsys) -> None:
    keyring.set_keyring(fail.Keyring())
    assert cli("export-bundle", "--home", home_a, "--out", tmp_path / "a.wtb") == 1
    err = capsys.readouterr().err
    assert "密钥环" in err and "gnome-keyring" in err  # what to do, not only what is wrong
    assert not (tmp_path / "a.wtb").exists()
    with Store.open(home_a) as a, pytest.raises(BundleError):
        load_or_create(a.device_id, a.user)


def test_changes_jsonl_lines_are_change_to_json(home_a: Path, tmp_path: Path) -> None:
    out = export(home_a, tmp_path / "a.wtb", everything=True)
    lines = _member(out, "changes.jsonl").decode().splitlines()
    with Store.open(home_a) as a:
        assert lines == [c.to_json() for _, c in all_changes(a)]


def test_plaintext_keyring_is_refused(home_a: Path, cli, capsys, memory_keyring) -> None:
    # Named like keyrings.alt's plain-text file backend: must be refused, never used.
    plaintext = type("PlaintextKeyring", (type(memory_keyring),), {})
    keyring.set_keyring(plaintext())
    assert cli("keys", "show", "--home", home_a) == 1
    assert "密钥环" in capsys.readouterr().err
