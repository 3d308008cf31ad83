"""Scope on the real server: roles × scopes (village, township, county, another county) ×
read and write, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from serverlib import AREAS, PgCluster, RunningServer, area_changes, pull_all, push, start_server, wire_change

SCOPES = {
    "village": "140215101201",
    "township": "140215101",
    "county": "140215",
    "other_county": "140216",
}
ROLES = ("member", "supervisor", "admin")
HOUSEHOLDS = {"h_v1": "village1", "h_v2": "village2", "h_v3": "village3", "h_b": "village_b"}
PASSWORD = "matrix-pass-1"


def code(area: str) -> str:
    return AREAS[area][0]


def inside(scope: str, area: str) -> bool:
    """The area's code (shortened like the server does) starts with the scope."""
    return _short(code(area)).startswith(scope)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def matrix_server(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server per database with the test county, a team and a household per village."""
    db = None
    if request.param == "postgresql":
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        db = cluster.database()
    with start_server(tmp_path_factory.mktemp("matrix") / "server", db) as server:
        server.add_user("root", "admin", "", PASSWORD)
        for role in ROLES:
            for name, scope in SCOPES.items():
                server.add_user(f"{role}_{name}", role, scope, PASSWORD)
        seed = area_changes()
        seed.append(wire_change("team", "t1", {"name": "一队", "unit": "县农业局"}))
        seed.append(wire_change("team_area", "t1-a", {"team_id": "t1", "area_id": "village1"}))
        seed.append(wire_change("cadre", "c1", {"name": "王书记", "team_id": "t1"}))
        for hh, village in HOUSEHOLDS.items():
            seed.append(wire_change("household", hh, {"number": hh, "village_id": village}))
            seed.append(wire_change("member", f"{hh}-m", {"household_id": hh, "name": "户主"}))
        with server.client("root", PASSWORD) as c:
            assert {r["status"] for r in push(c, seed)} == {"accepted"}
        yield server


def visible_rows(client: httpx.Client) -> dict[str, set[str]]:
    changes, _ = pull_all(client)
    rows: dict[str, set[str]] = {}
    for ch in changes:
        rows.setdefault(ch["entity"], set()).add(ch["row_id"])
    return rows


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_read_scope(matrix_server: RunningServer, role: str, scope_name: str) -> None:
    scope = SCOPES[scope_name]
    with matrix_server.client(f"{role}_{scope_name}", PASSWORD) as c:
        rows = visible_rows(c)
    everything = role == "admin"
    expected_households = {h for h, v in HOUSEHOLDS.items() if everything or inside(scope, v)}
    assert rows.get("household", set()) & set(HOUSEHOLDS) == expected_households
    assert {m[:-2] for m in rows.get("member", set()) if m[:-2] in HOUSEHOLDS} == expected_households
    # Areas: those inside the scope, and those above it (readable, for names and levels).
    expected_areas = {a for a in AREAS if everything or inside(scope, a)}
    above = {a for a in AREAS if not everything and a not in expected_areas
             and scope.startswith(_short(code(a)))}
    assert rows["area"] & set(AREAS) == expected_areas | above
    # The team works in village1: visible where village1 is.
    assert ("t1" in rows.get("team", set())) == (everything or inside(scope, "village1"))
    assert ("c1" in rows.get("cadre", set())) == (everything or inside(scope, "village1"))


def _short(c: str) -> str:
    for n in (2, 4, 6, 9):
        if set(c[n:]) == {"0"}:
            return c[:n]
    return c


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_write_scope(matrix_server: RunningServer, role: str, scope_name: str) -> None:
    scope = SCOPES[scope_name]
    everything = role == "admin"
    batch: list[dict] = []
    expect: list[tuple[str, str | None]] = []  # (status, rejection code)
    for hh, village in HOUSEHOLDS.items():
        ok = everything or inside(scope, village)
        # An edit of an existing household, a new member of it, and a new household there.
        batch.append(wire_change("household", hh, {"note": f"{role} {scope_name}"}))
        batch.append(wire_change("member", f"{hh}-{role}-{scope_name}", {"household_id": hh, "name": "新"}))
        batch.append(wire_change("household", f"new-{village}-{role}-{scope_name}",
                                 {"number": "N1", "village_id": village}))
        expect += [("accepted", None) if ok else ("rejected", "out_of_scope")] * 3
    # Reference data: a village's area row, and the township above a village scope.
    for area in ("village1", "town1"):
        batch.append(wire_change("area", area, {"name": f"{area} 改名"}))
        if role == "member":
            expect.append(("rejected", "read_only"))
        elif everything or inside(scope, area):
            expect.append(("accepted", None))
        else:
            expect.append(("rejected", "out_of_scope"))
    batch.append(wire_change("team", "t1", {"unit": "改"}))
    if role == "member":
        expect.append(("rejected", "read_only"))
    else:
        ok = everything or inside(scope, "village1")
        expect.append(("accepted", None) if ok else ("rejected", "out_of_scope"))
    with matrix_server.client(f"{role}_{scope_name}", PASSWORD) as c:
        results = push(c, batch)
    got = [(r["status"], r.get("code")) for r in results]
    assert got == expect
    for r in results:
        if r["status"] == "rejected":
            assert r["reason"]  # a reason a person can read, never a silent drop
