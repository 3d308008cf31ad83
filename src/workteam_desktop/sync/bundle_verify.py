"""Checking a plain ``.wtb`` zip completely before anything is written.

Order: zip sanity (member names, sizes, compression ratios) → manifest and format version
→ signature → signer trust → every member's SHA-256 and size → the changes themselves
(each line a Change of a known entity with known fields; counts as the manifest says).
Every refusal is a :class:`BundleError` with one Chinese line.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..domain.changes import Change
from ..domain.hlc import Timestamp
from . import bundle_format as fmt
from .errors import BundleError
from .keys import TrustedSigners, fingerprint, unb64
from .wire_values import decode_fields

_READ = 1 << 20
MAX_LINE = 16 << 20
MSG_TAMPERED = "数据包内容与签名清单不符（已损坏或被篡改），未导入任何内容"


@dataclass
class Verified:
    """A bundle that passed every check."""

    manifest: dict[str, Any]
    signer: bytes  # raw Ed25519 public key
    newly_trusted: bool  # accepted now through --trust

    @property
    def bundle_id(self) -> str:
        """The bundle's id."""
        return str(self.manifest["bundle_id"])

    @property
    def creator(self) -> dict[str, Any]:
        """Device and user that made the bundle, as the manifest says."""
        return dict(self.manifest["creator"])


def check_members(zf: zipfile.ZipFile) -> None:
    """Only the expected names, no traversal, no duplicates, no zip bomb."""
    infos = zf.infolist()
    if len(infos) > fmt.MAX_MEMBERS:
        raise BundleError(fmt.MSG_CORRUPT)
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise BundleError("数据包中有重复的文件名，拒绝导入")
    total = 0
    for info in infos:
        name = info.filename
        if (name.startswith(("/", "\\")) or ".." in name or "\\" in name or ":" in name
                or "\x00" in name):
            raise BundleError(f"数据包中含有不安全的文件名（{name[:60]!r}），拒绝导入")
        if name not in (fmt.MANIFEST, fmt.SIGNATURE, fmt.CHANGES) and not \
                fmt.ATTACHMENT_NAME.fullmatch(name):
            raise BundleError(f"数据包中含有不应有的文件（{name[:60]!r}），拒绝导入")
        if info.flag_bits & 0x1:
            raise BundleError(fmt.MSG_CORRUPT)  # zip-level encryption is not ours
        total += info.file_size
        if (info.file_size > fmt.MAX_MEMBER or total > fmt.MAX_TOTAL
                or (info.file_size > fmt.RATIO_FROM
                    and info.file_size > fmt.MAX_RATIO * max(info.compress_size, 1))):
            raise BundleError("数据包解压后过大或压缩比异常（疑似压缩炸弹），拒绝导入")
    for required in (fmt.MANIFEST, fmt.SIGNATURE, fmt.CHANGES):
        if required not in names:
            raise BundleError(fmt.MSG_CORRUPT)
    if zf.getinfo(fmt.MANIFEST).file_size > fmt.MAX_MANIFEST \
            or zf.getinfo(fmt.SIGNATURE).file_size != 64:
        raise BundleError(fmt.MSG_CORRUPT)


def _manifest(raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw.decode("utf-8"))
        version = manifest["version"]
        if manifest.get("format") != "workteam-bundle" or not isinstance(version, int):
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BundleError(fmt.MSG_CORRUPT) from None
    if version > fmt.FORMAT_VERSION:
        raise BundleError("此数据包由较新版本生成，请先升级workteam")
    if version != fmt.FORMAT_VERSION:
        raise BundleError(fmt.MSG_CORRUPT)
    return manifest


def _signer(manifest: Mapping[str, Any]) -> bytes:
    try:
        key = unb64(manifest["creator"]["ed25519"])
        if len(key) != 32:
            raise ValueError
        return key
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BundleError(fmt.MSG_CORRUPT) from None


def iter_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The lines of ``changes.jsonl``, each ending in a newline and at most ``MAX_LINE``
    long: a forged endless line cannot fill the memory."""
    while line := stream.readline(MAX_LINE):
        if not line.endswith(b"\n"):
            raise BundleError(MSG_TAMPERED)
        yield line


def check_change(line: bytes, tables: Mapping[str, Any]) -> Change:
    """Parse one line and check it names a known entity and known fields."""
    try:
        ch = Change.from_json(line.decode("utf-8"))
        if not all(isinstance(v, str) for v in (ch.id, ch.entity, ch.row_id, ch.hlc,
                                                ch.device, ch.user)):
            raise ValueError
        if not isinstance(ch.fields, dict) or not isinstance(ch.base, dict):
            raise ValueError
        Timestamp.decode(ch.hlc)
        decoded = decode_fields(ch.entity, ch.fields)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BundleError(MSG_TAMPERED) from None
    info = tables.get(ch.entity)
    if info is None or set(ch.fields) - set(info.data_columns) - {"deleted"}:
        raise BundleError("数据包含有本版本不认识的数据类型，请先升级workteam")
    if decoded is ch.fields:
        return ch
    return Change(ch.id, ch.entity, ch.row_id, decoded, ch.hlc, ch.device, ch.user, ch.base)


def parse_verified(line: bytes) -> Change:
    """A line already checked by :func:`check_change` (second, streaming read): parse and
    decode only; a line that fails now changed since and is refused."""
    try:
        ch = Change.from_json(line.decode("utf-8"))
        decoded = decode_fields(ch.entity, ch.fields)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BundleError(MSG_TAMPERED) from None
    if decoded is ch.fields:
        return ch
    return Change(ch.id, ch.entity, ch.row_id, decoded, ch.hlc, ch.device, ch.user, ch.base)


def _check_member(zf: zipfile.ZipFile, name: str, expected: Mapping[str, Any],
                  tables: Mapping[str, Any] | None = None) -> Counter[str]:
    """Hash one member against the manifest; for the changes, also parse every line."""
    digest = hashlib.sha256()
    size = 0
    counts: Counter[str] = Counter()
    with zf.open(name) as member:
        if tables is None:
            while chunk := member.read(_READ):
                digest.update(chunk)
                size += len(chunk)
        else:
            for line in iter_lines(member):
                digest.update(line)
                size += len(line)
                counts[check_change(line, tables).entity] += 1
    if digest.hexdigest() != expected.get("sha256") or size != expected.get("size"):
        raise BundleError(MSG_TAMPERED)
    return counts


def verify(zf: zipfile.ZipFile, tables: Mapping[str, Any], trusted: TrustedSigners,
           own_key: bytes, *, trust: bool) -> Verified:
    """Check everything; returns the manifest and signer, or raises BundleError."""
    check_members(zf)
    raw = zf.read(fmt.MANIFEST)
    manifest = _manifest(raw)
    signer = _signer(manifest)
    try:
        Ed25519PublicKey.from_public_bytes(signer).verify(zf.read(fmt.SIGNATURE), raw)
    except (InvalidSignature, ValueError):
        raise BundleError("数据包签名无效（已损坏或被篡改），未导入任何内容") from None
    try:
        members = manifest["members"]
        counts = manifest["counts"]
        if not isinstance(members, dict) or not isinstance(counts, dict):
            raise TypeError
        if set(members) != set(zf.namelist()) - {fmt.MANIFEST, fmt.SIGNATURE}:
            raise BundleError(MSG_TAMPERED)
        found = _check_member(zf, fmt.CHANGES, members[fmt.CHANGES], tables)
        if dict(found) != counts or sum(found.values()) != manifest["changes"]:
            raise BundleError(MSG_TAMPERED)
        for name in members:
            if name != fmt.CHANGES:
                if name != fmt.ATTACHMENT_PREFIX + str(members[name].get("sha256")):
                    raise BundleError(MSG_TAMPERED)
                _check_member(zf, name, members[name])
        if not isinstance(manifest["bundle_id"], str) or not isinstance(
                manifest["creator"], dict):
            raise TypeError
    except (KeyError, TypeError, AttributeError):
        raise BundleError(MSG_TAMPERED) from None
    # Trust is asked only of a whole, intact bundle: a damaged file must never invite the
    # person to trust it.
    newly = False
    if signer != own_key and not trusted.trusts(signer):
        if not trust:
            creator = manifest.get("creator") or {}
            device = str(creator.get("device", ""))[:40]
            user = str(creator.get("user", ""))[:40]
            who = f"设备 {device}" + (f"，用户 {user}" if user else "")
            raise BundleError(
                f"数据包的签名者尚未受信任：指纹 {fingerprint(signer)}（{who}）"
                "；核对指纹无误后用 --trust 导入")
        newly = True
    return Verified(manifest, signer, newly)
