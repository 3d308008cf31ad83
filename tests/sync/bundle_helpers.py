"""Making bundles for tests: a real export, and forged variants of one."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workteam_desktop.store import Store
from workteam_desktop.sync.bundle import export_bundle
from workteam_desktop.sync.keys import TrustedSigners, b64, load_or_create


def export(home: Path, out: Path, **kwargs: Any) -> Path:
    """Export from a data home; returns the bundle path."""
    with Store.open(home) as store:
        assert export_bundle(store, out, **kwargs) is not None
    return out


def trust(receiver: Path, sender: Path) -> None:
    """Make ``receiver`` trust the device key of ``sender`` (as ``--trust`` once would)."""
    with Store.open(sender) as s:
        keys = load_or_create(s.device_id, s.user)
    TrustedSigners(receiver).add(keys.signing_public, keys.device, keys.user)


def members(path: Path) -> dict[str, bytes]:
    """Every member of a plain bundle."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rebuild(path: Path, out: Path, contents: dict[str, bytes], *,
            manifest: dict[str, Any] | None = None, key: Ed25519PrivateKey | None = None,
            sign: bool = True) -> Path:
    """Write a bundle with the given members; the manifest (re-)signed by ``key``."""
    contents = dict(contents)
    if manifest is not None:
        if key is not None:
            pub = key.public_key().public_bytes_raw()
            manifest["creator"]["ed25519"] = b64(pub)
        raw = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        contents["manifest.json"] = raw
        if sign and key is not None:
            contents["manifest.sig"] = key.sign(raw)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
    return out


def manifest_of(path: Path) -> dict[str, Any]:
    """The parsed manifest of a plain bundle."""
    return json.loads(members(path)["manifest.json"])


def device_key(home: Path) -> Ed25519PrivateKey:
    """The signing key of a home's device (from the test keyring)."""
    with Store.open(home) as s:
        return load_or_create(s.device_id, s.user).signing


