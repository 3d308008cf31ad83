"""Bad bundles: each is refused with one clear Chinese line, exit 1, and the store's content
unchanged (every table dumped before and after). Plus a fuzzer over valid bundles."""

from __future__ import annotations

import os
import random
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from bundle_helpers import device_key, export, manifest_of, members, rebuild, trust
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from store_content import dump
from workteam_desktop.store import Store
from workteam_desktop.store.attachments import add_attachment
from workteam_desktop.sync.bundle_import import import_bundle
from workteam_desktop.sync.errors import BundleError

CHINESE = re.compile(r"[\u4e00-\u9fff]")
FUZZ_MUTATIONS = int(os.environ.get("WORKTEAM_FUZZ_MUTATIONS", "200"))


@pytest.fixture
def bundle(home_a: Path, home_b: Path, tmp_path: Path) -> Path:
    """A valid bundle (with one attachment) from A, whose key B trusts."""
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(bytes(range(256)) * 40)
    with Store.open(home_a) as store:
        with store.read() as cur:
            hid = cur.execute("SELECT id FROM household ORDER BY id LIMIT 1").fetchone()[0]
        add_attachment(store, photo, "household", hid)
    trust(home_b, home_a)
    return export(home_a, tmp_path / "good.wtb")


def refused(cli, capsys, home: Path, path: Path, *extra: str) -> str:
    """Import ``path`` through the CLI; assert the refusal rules; return the message."""
    before = dump(home)
    files_before = sorted(p.relative_to(home) for p in home.rglob("*") if p.is_file())
    capsys.readouterr()
    assert cli("import-bundle", "--home", home, *extra, path) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and CHINESE.search(lines[0]) and "Traceback" not in err, err
    assert dump(home) == before
    files_after = sorted(p.relative_to(home) for p in home.rglob("*") if p.is_file())
    assert files_after == files_before  # no attachment copied, no temp file left
    return lines[0]


def test_truncated_file(bundle: Path, home_b: Path, tmp_path: Path, cli, capsys) -> None:
    data = bundle.read_bytes()
    for cut in (0, 10, len(data) // 3, len(data) // 2, len(data) - 30, len(data) - 1):
        bad = tmp_path / f"cut{cut}.wtb"
        bad.write_bytes(data[:cut])
        refused(cli, capsys, home_b, bad)


def test_flipped_bytes_in_the_changes(bundle: Path, home_b: Path, tmp_path: Path, cli,
                                      capsys) -> None:
    data = bundle.read_bytes()
    with zipfile.ZipFile(bundle) as zf:
        info = zf.getinfo("changes.jsonl")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len  # the deflated data
    with zipfile.ZipFile(bundle) as zf:
        original = zf.read("changes.jsonl")
    checked = 0
    for i, pos in enumerate(range(start, start + info.compress_size, info.compress_size // 25)):
        bad = tmp_path / f"flip{i}.wtb"
        bad.write_bytes(data[:pos] + bytes([data[pos] ^ 0x5A]) + data[pos + 1:])
        # A flip in deflate's unused padding bits decompresses to the very same bytes: that
        # bundle is not damaged, and importing it is right. Every other flip is refused.
        try:
            with zipfile.ZipFile(bad) as zf:
                harmless = zf.read("changes.jsonl") == original
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
            harmless = False
        if harmless:
            continue
        refused(cli, capsys, home_b, bad)
        checked += 1
    assert checked >= 20


def test_a_damaged_bundle_from_an_untrusted_laptop_says_damaged_not_trust(
        bundle: Path, tmp_path: Path, cli, capsys) -> None:
    """A fresh home (trusting nobody) gets a file with one flipped byte: it is told the file
    is damaged, never invited to --trust it (issue 15)."""
    fresh = tmp_path / "fresh"
    Store.open(fresh).close()
    contents = members(bundle)
    contents["changes.jsonl"] = contents["changes.jsonl"].replace(b"1", b"7", 1)
    bad = rebuild(bundle, tmp_path / "damaged.wtb", contents)  # A's signature, kept as it was
    message = refused(cli, capsys, fresh, bad)
    assert "不符" in message and "--trust" not in message and "信任" not in message


def test_manifest_lying_about_counts_resigned_by_an_untrusted_key(
        bundle: Path, home_b: Path, tmp_path: Path, cli, capsys) -> None:
    manifest = manifest_of(bundle)
    manifest["counts"]["household"] += 1
    manifest["changes"] += 1
    bad = rebuild(bundle, tmp_path / "lie.wtb", members(bundle), manifest=manifest,
                  key=Ed25519PrivateKey.generate())
    # The lie is caught before trust is even asked (a damaged file never invites trust),
    # and also when the user would accept the attacker's key.
    assert "不符" in refused(cli, capsys, home_b, bad)
    assert "不符" in refused(cli, capsys, home_b, bad, "--trust")


def test_manifest_lying_about_hashes_resigned_by_an_untrusted_key(
        bundle: Path, home_b: Path, tmp_path: Path, cli, capsys) -> None:
    contents = members(bundle)
    contents["changes.jsonl"] = contents["changes.jsonl"].replace(b"13", b"14", 1)
    manifest = manifest_of(bundle)
    bad = rebuild(bundle, tmp_path / "lie.wtb", contents, manifest=manifest,
                  key=Ed25519PrivateKey.generate())
    assert "不符" in refused(cli, capsys, home_b, bad)
    assert "不符" in refused(cli, capsys, home_b, bad, "--trust")


def test_trusted_signature_over_a_wrong_hash(bundle: Path, home_a: Path, home_b: Path,
                                             tmp_path: Path, cli, capsys) -> None:
    manifest = manifest_of(bundle)
    manifest["members"]["changes.jsonl"]["sha256"] = "0" * 64
    bad = rebuild(bundle, tmp_path / "badhash.wtb", members(bundle), manifest=manifest,
                  key=device_key(home_a))
    assert "不符" in refused(cli, capsys, home_b, bad)
    # And a member that is not in the manifest (a smuggled attachment).
    contents = members(bundle)
    contents["attachments/" + "ab" * 32] = b"smuggled"
    bad2 = rebuild(bundle, tmp_path / "extra.wtb", contents)
    assert "不符" in refused(cli, capsys, home_b, bad2)


def test_signature_not_matching_the_manifest(bundle: Path, home_b: Path, tmp_path: Path,
                                             cli, capsys) -> None:
    manifest = manifest_of(bundle)
    manifest["created_at"] = "2020-01-01T00:00:00+00:00"
    bad = rebuild(bundle, tmp_path / "unsigned.wtb", members(bundle), manifest=manifest,
                  sign=False)
    assert "签名无效" in refused(cli, capsys, home_b, bad)


def test_untrusted_signer(home_a: Path, home_b: Path, tmp_path: Path, cli, capsys) -> None:
    good = export(home_a, tmp_path / "a.wtb")
    message = refused(cli, capsys, home_b, good)
    assert "--trust" in message and "指纹" in message


def test_replayed_bundle_is_a_noop_and_says_so(bundle: Path, home_b: Path, cli,
                                               capsys) -> None:
    assert cli("import-bundle", "--home", home_b, bundle) == 0
    before = dump(home_b)
    capsys.readouterr()
    assert cli("import-bundle", "--home", home_b, bundle) == 0
    assert "都已导入过" in capsys.readouterr().out
    after = dump(home_b)
    # Only the clock may move (it advances past every clock it sees): no row changes.
    assert {k: v for k, v in after.items() if k != "clock_state"} == \
        {k: v for k, v in before.items() if k != "clock_state"}


def test_newer_format_version(bundle: Path, home_a: Path, home_b: Path, tmp_path: Path,
                              cli, capsys) -> None:
    manifest = manifest_of(bundle)
    manifest["version"] = 2
    bad = rebuild(bundle, tmp_path / "v2.wtb", members(bundle), manifest=manifest,
                  key=device_key(home_a))
    assert "较新版本" in refused(cli, capsys, home_b, bad)


def test_encrypted_to_another_key(home_a: Path, home_b: Path, tmp_path: Path, cli,
                                  capsys) -> None:
    other = tmp_path / "other"
    pub = tmp_path / "other.pub"
    assert cli("keys", "export", "--home", other, "--out", pub) == 0
    assert cli("export-bundle", "--home", home_a, "--out", tmp_path / "s.wtb", "--to", pub) == 0
    assert "另一台设备" in refused(cli, capsys, home_b, tmp_path / "s.wtb", "--trust")


def test_zip_bomb(bundle: Path, home_b: Path, tmp_path: Path, cli, capsys) -> None:
    contents = members(bundle)
    contents["changes.jsonl"] = b"\n" * (16 << 20)  # 16 MiB → a few KB deflated
    bad = rebuild(bundle, tmp_path / "bomb.wtb", contents)
    assert "压缩炸弹" in refused(cli, capsys, home_b, bad)


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil", "attachments/../../evil",
                                  "attachments\\..\\evil", "notes.txt"])
def test_unsafe_or_unexpected_member_names(bundle: Path, home_b: Path, tmp_path: Path,
                                           name: str, cli, capsys) -> None:
    contents = members(bundle)
    contents[name] = b"owned"
    bad = tmp_path / "trav.wtb"
    with zipfile.ZipFile(bad, "w") as zf:
        for member, data in contents.items():
            info = zipfile.ZipInfo("x")
            info.filename = member  # bypass zipfile's own clean-up of the name
            zf.writestr(info, data)
    message = refused(cli, capsys, home_b, bad)
    assert "文件" in message
    assert not (tmp_path / "evil.txt").exists() and not (home_b.parent / "evil").exists()


# ---------------------------------------------------------------- fuzzing

def _mutate(data: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(("flip", "flip", "truncate", "insert", "delete"))
    pos = rng.randrange(len(data))
    if kind == "flip":
        return data[:pos] + bytes([data[pos] ^ rng.randrange(1, 256)]) + data[pos + 1:]
    if kind == "truncate":
        return data[:pos]
    if kind == "insert":
        return data[:pos] + rng.randbytes(rng.randrange(1, 9)) + data[pos:]
    return data[:pos] + data[pos + rng.randrange(1, 9):]


def _without_clock(d: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {k: v for k, v in d.items() if k != "clock_state"}


@pytest.mark.slow
def test_fuzzed_bundles_are_refused_or_imported_correctly(
        bundle: Path, home_a: Path, home_b: Path, tmp_path: Path, cli) -> None:
    pub = tmp_path / "b.pub"
    assert cli("keys", "export", "--home", home_b, "--out", pub) == 0
    sealed = tmp_path / "sealed.wtb"
    assert cli("export-bundle", "--home", home_a, "--all", "--out", sealed, "--to", pub) == 0
    pristine = tmp_path / "pristine"
    shutil.copytree(home_b, pristine)
    reference = tmp_path / "reference"
    shutil.copytree(home_b, reference)
    with Store.open(reference) as store:
        import_bundle(store, bundle)
    expected = _without_clock(dump(reference))
    empty = dump(home_b)
    rng = random.Random(20261129)
    sources = [bundle.read_bytes(), sealed.read_bytes()]
    outcomes = {"refused": 0, "imported": 0}
    for i in range(FUZZ_MUTATIONS):
        source = sources[0] if i % 4 else sources[1]
        bad = tmp_path / "fuzz.wtb"
        bad.write_bytes(_mutate(source, rng))
        with Store.open(home_b) as store:
            try:
                import_bundle(store, bad)
            except BundleError as exc:
                assert CHINESE.search(exc.message) and "\n" not in exc.message
                outcomes["refused"] += 1
                assert dump(home_b) == empty, f"mutation {i} changed the store"
                continue
        # A harmless mutation (zip padding, a local header field): the import is complete.
        outcomes["imported"] += 1
        assert _without_clock(dump(home_b)) == expected, f"mutation {i} imported wrongly"
        shutil.rmtree(home_b)
        shutil.copytree(pristine, home_b)
    assert outcomes["refused"] > FUZZ_MUTATIONS // 2
    print("fuzz outcomes", outcomes)


def test_nothing_is_created_by_a_failed_import_or_a_dry_run_into_a_new_home(
        bundle: Path, tmp_path: Path, cli, capsys) -> None:
    """A failed import into a --home that did not exist, and a dry run there, leave no
    folder and no database behind (issue 15); a real import then creates the home."""
    bad = tmp_path / "bad.wtb"
    bad.write_bytes(b"not a bundle")
    new = tmp_path / "new-laptop"
    assert cli("import-bundle", "--home", new, bad) == 1
    assert not new.exists()
    capsys.readouterr()
    assert cli("import-bundle", "--home", new, "--dry-run", "--trust", bundle) == 0
    assert "household" in capsys.readouterr().out  # what would arrive, listed
    assert not new.exists()
    assert cli("import-bundle", "--home", new, "--trust", bundle) == 0
    assert (new / "workteam.sqlite3").exists()
