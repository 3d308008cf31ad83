"""Helpers of the network sync tests: replicas with a village, accounts, table dumps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workteam_desktop.store import Store, sync_state
from workteam_desktop.store.models import MODEL_BY_ENTITY, Area, Household
from workteam_desktop.sync.account import Account, login

PASSWORD = "secret-pass-1"
COUNTY = "140215"
VILLAGE_CODE = "140215100201"
OTHER_VILLAGE_CODE = "140399100201"  # another county: outside a 140215 scope
# Fixed ids: every replica talks about the same village.
VILLAGE_ID = "00000000-0000-7000-8000-0000000a0001"
OTHER_VILLAGE_ID = "00000000-0000-7000-8000-0000000a0002"


def add_village(store: Store, *, other: bool = False) -> str:
    """The village every test replica works in (or one outside the scope)."""
    vid, code = (OTHER_VILLAGE_ID, OTHER_VILLAGE_CODE) if other else (VILLAGE_ID, VILLAGE_CODE)
    with store.write() as w:
        w.insert(Area, [{"id": vid, "code": code, "name": "东村", "level": "village"}])
    return vid


def add_households(store: Store, n: int, *, village: str = VILLAGE_ID, start: int = 0) -> list[str]:
    """``n`` households in ``village``."""
    with store.write() as w:
        return w.insert(Household, [{"number": f"{start + i:04d}", "head_name": f"户主{start + i}",
                                     "village_id": village} for i in range(n)])


def connect(store: Store, url: str, user: str, password: str = PASSWORD) -> Account:
    """Log the replica in (the token goes to the test's in-memory keyring)."""
    return login(store, url, user, password).account


def synced_tables(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table's rows (without ``updated_hlc``, which records the order of
    application, not the data), sorted: what replicas must agree on."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as cur:
        for entity in sorted(MODEL_BY_ENTITY):
            cols = [r[1] for r in cur.execute(f'PRAGMA table_info("{entity}")')
                    if r[1] != "updated_hlc"]
            names = ", ".join(f'"{c}"' for c in cols)
            out[entity] = sorted(tuple(r) for r in cur.execute(f'SELECT {names} FROM "{entity}"'))
    return out


def change_ids(store: Store) -> list[str]:
    """Every logged change id (local and received)."""
    with store.read() as cur:
        return [r[0] for r in cur.execute("SELECT id FROM change_log")]


def server_changes(url: str, user: str, password: str = PASSWORD) -> list[dict[str, Any]]:
    """Everything the server holds for ``user``, pulled page by page over HTTP."""
    import httpx

    with httpx.Client(base_url=url, timeout=60) as http:
        token = http.post("/api/v1/auth/login", json={
            "username": user, "password": password, "device": "check"}).json()["access_token"]
        out: list[dict[str, Any]] = []
        after = 0
        while True:
            page = http.get("/api/v1/changes", params={"after": after, "limit": 20000},
                            headers={"Authorization": f"Bearer {token}"}).json()
            out += page["changes"]
            after = page["cursor"]
            if not page["more"]:
                return out


def scan_for(home: Path, secret: str) -> list[Path]:
    """Files under ``home`` whose bytes contain ``secret`` (a token must be in none)."""
    needle = secret.encode()
    return [p for p in home.rglob("*") if p.is_file() and needle in p.read_bytes()]


def state(store: Store) -> dict[str, str]:
    """The sync_state table."""
    return sync_state.read_all(store)


def dumps(data: Any) -> str:
    """JSON for assertion messages."""
    return json.dumps(data, ensure_ascii=False, default=str)
