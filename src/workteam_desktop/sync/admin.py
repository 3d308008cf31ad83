"""The county's accounts and teams, managed from a laptop (账号与工作队).

A signed-in administrator or supervisor lists, adds and changes accounts and work teams
through the server's ``/api/v1/admin`` routes; the server checks every action against the
caller's role and scope (a supervisor manages the member accounts and teams of its own
area). County staff do not use a shell: this is what the 账号与工作队 page calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from ..store.store import Store
from .account import Account
from .client import SyncClient, TeamRef
from .errors import ServerError


@dataclass(frozen=True, slots=True)
class LaptopInfo:
    """A laptop of an account: its device id, last sync (UTC) and unsent changes."""

    device: str
    last_sync: dt.datetime | None
    pending: int | None


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """A server account as the 账号与工作队 page lists it."""

    name: str
    role: str
    scopes: tuple[str, ...]
    disabled: bool
    team: str
    laptops: tuple[LaptopInfo, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AccountInfo:
        """One entry of the server's accounts list."""
        return cls(str(data["name"]), str(data["role"]),
                   tuple(str(s) for s in data.get("scopes") or []), bool(data.get("disabled")),
                   str(data.get("team") or ""),
                   tuple(LaptopInfo(str(d.get("device", "")), _time(d.get("last_sync")),
                                    d.get("pending")) for d in data.get("devices") or []))


def _time(text: Any) -> dt.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class AdminClient:
    """The administration calls, over one logged-in :class:`SyncClient`."""

    def __init__(self, client: SyncClient) -> None:
        self._client = client

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._client.call(method, f"admin/{path}", body)

    def teams(self) -> list[TeamRef]:
        """The teams the signed-in account manages."""
        return [_team(t) for t in self._call("GET", "teams")]

    def add_team(self, name: str, unit: str, villages: Sequence[str]) -> TeamRef:
        """Create a work team on some villages (12-digit codes)."""
        return _team(self._call("POST", "teams", {"name": name, "unit": unit,
                                                  "villages": list(villages)}))

    def edit_team(self, name: str, *, villages: Sequence[str] | None = None,
                  unit: str | None = None, rename: str | None = None) -> TeamRef:
        """Change a team's villages (replacing them), unit or name."""
        body: dict[str, Any] = {}
        if villages is not None:
            body["villages"] = list(villages)
        if unit is not None:
            body["unit"] = unit
        if rename is not None:
            body["rename"] = rename
        return _team(self._call("PATCH", f"teams/{quote(name, safe='')}", body))

    def accounts(self) -> list[AccountInfo]:
        """The accounts the signed-in account manages, with their laptops."""
        return [AccountInfo.from_json(a) for a in self._call("GET", "accounts")]

    def add_account(self, name: str, role: str, password: str, *, team: str | None = None,
                    scopes: Sequence[str] = ()) -> AccountInfo:
        """Create an account (a member on a team, or with a scope)."""
        return AccountInfo.from_json(self._call("POST", "accounts", {
            "name": name, "role": role, "password": password, "team": team,
            "scopes": list(scopes)}))

    def edit_account(self, name: str, *, disabled: bool | None = None,
                     password: str | None = None, team: str | None = None) -> AccountInfo:
        """Disable or enable an account, reset its password, or move it to another team."""
        body = {k: v for k, v in (("disabled", disabled), ("password", password), ("team", team))
                if v is not None}
        return AccountInfo.from_json(self._call("PATCH", f"accounts/{quote(name, safe='')}", body))


def _team(data: Any) -> TeamRef:
    team = TeamRef.from_json(data)
    if team is None:
        raise ServerError("同步服务器对工作队的回答无法识别")
    return team


@contextmanager
def admin_session(store: Store, password: str | None = None, *,
                  transport: httpx.BaseTransport | None = None) -> Iterator[AdminClient]:
    """An :class:`AdminClient` signed in with the home's sync account (its kept login, or
    ``password`` when the machine has no keyring)."""
    account = Account.load(store)
    with account.connect(password, device=store.device_id, transport=transport) as client:
        yield AdminClient(client)
