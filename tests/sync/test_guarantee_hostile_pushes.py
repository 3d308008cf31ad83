"""Random well- and ill-formed changes pushed by a member (entities, fields, value types,
clocks, parents), then two laptops of the village sync: the server never answers 500,
every change it accepted applies on every laptop (nothing kept aside, nothing failing),
and the laptops converge. On SQLite and on PostgreSQL."""

from __future__ import annotations

import time
import uuid

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synclib import PASSWORD, VILLAGE_CODE, VILLAGE_ID, add_households, add_village, synced_tables

from serverlib import RunningServer
from workteam_desktop.domain import entities as E
from workteam_desktop.store import Store
from workteam_desktop.sync.account import login
from workteam_desktop.sync.session import sync_once

ENTITIES = ("household", "member", "income", "visit", "visit_household", "urgent_need")
# Only what JSON can carry: a laptop cannot send an infinite float (its own encoder refuses).
_JUNK = st.recursive(st.none() | st.booleans() | st.integers()
                     | st.floats(allow_nan=False, allow_infinity=False)
                     | st.text(max_size=12), lambda inner: st.lists(inner, max_size=2)
                     | st.dictionaries(st.text(max_size=4), inner, max_size=2), max_leaves=4)
_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)


def _now_hlc(device: str = "hostile") -> str:
    return f"{int(time.time() * 1000):012x}0000{device}"


def _value(f: E.FieldSpec):
    if f.kind == E.TEXT:
        return _TEXT
    if f.kind == E.INT:
        return st.integers(-5, 3000)
    if f.kind == E.FLOAT:
        return st.floats(-1e6, 1e6, allow_nan=False)
    if f.kind == E.BOOL:
        return st.booleans()
    if f.kind == E.DATE:
        return st.dates().map(lambda d: d.isoformat())
    if f.kind == E.DATETIME:
        return st.datetimes().map(str)
    # An index into the rows known when the batch is made (the draws themselves must not
    # depend on what earlier examples stored).
    return st.integers(0, 1000).map(lambda i: _Pick(f.ref or "", i))


class _Pick:
    """A known row of ``entity`` (the ``index``-th, wrapping), or a new id if none is."""

    def __init__(self, entity: str, index: int) -> None:
        self.entity, self.index = entity, index

    def resolve(self, ids: dict[str, list[str]]) -> str:
        known = ids.get(self.entity, [])
        return known[self.index % len(known)] if known else str(uuid.uuid4())


@st.composite
def change(draw) -> dict:
    entity = draw(st.sampled_from(ENTITIES) | st.sampled_from(["spaceship", "", "Household"]))
    declared = E.BY_NAME.get(entity)
    row_id = draw(st.integers(0, 1000).map(lambda i: _Pick(entity, i))
                  | st.uuids().map(str) | st.sampled_from(["", "x\u0000", "y" * 70]))
    fields: dict = {}
    if declared is not None:
        for f in draw(st.lists(st.sampled_from(declared.fields), max_size=5, unique=True)):
            well_formed = draw(st.integers(0, 9)) < 8
            fields[f.name] = draw(_value(f) if well_formed else _JUNK)
        if draw(st.integers(0, 9)) == 0:
            fields["not_a_field"] = 1
    hlc = draw(st.sampled_from(["now", "now", "now", "ffffffffffff0000hostile", "upper", "0x1"]))
    return {"id": str(uuid.uuid4()), "entity": entity, "row_id": row_id, "fields": fields,
            "base": {}, "hlc": hlc, "device": "hostile", "user": "someone"}


def _resolve(recipe: dict, ids: dict[str, list[str]]) -> dict:
    """A drawn change with its picks of known rows and its clock made concrete."""
    def concrete(value):
        return value.resolve(ids) if isinstance(value, _Pick) else value

    hlc = _now_hlc() if recipe["hlc"] == "now" else (
        _now_hlc().upper() if recipe["hlc"] == "upper" else recipe["hlc"])
    return {**recipe, "id": str(uuid.uuid4()), "row_id": concrete(recipe["row_id"]),
            "fields": {k: concrete(v) for k, v in recipe["fields"].items()}, "hlc": hlc}


def test_random_pushes_never_break_a_laptop(server: RunningServer, tmp_path) -> None:
    server.add_user("sup", "supervisor", "140215", PASSWORD)
    server.add_user("m", "member", VILLAGE_CODE, PASSWORD)
    first, second = Store.open(tmp_path / "first"), Store.open(tmp_path / "second")
    add_village(first)
    households = add_households(first, 3)
    acc_first = login(first, server.url, "sup", PASSWORD).account
    acc_second = login(second, server.url, "m", PASSWORD).account
    sync_once(first, acc_first)
    sync_once(second, acc_second)
    ids: dict[str, list[str]] = {"household": households, "area": [VILLAGE_ID]}
    token = server.login("m", PASSWORD)["access_token"]
    http = httpx.Client(base_url=server.url, timeout=60,
                        headers={"Authorization": f"Bearer {token}"})

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def one_round(data) -> None:
        batch = [_resolve(r, ids) for r in data.draw(st.lists(change(), min_size=1, max_size=12))]
        answer = http.post("/api/v1/changes/push", json={"changes": batch})
        assert answer.status_code == 200, answer.text
        results = answer.json()["results"]
        assert len(results) == len(batch)
        accepted = [c for c, r in zip(batch, results, strict=True) if r["status"] == "accepted"]
        for c, r in zip(batch, results, strict=True):
            assert r["status"] in ("accepted", "duplicate", "rejected")
            if r["status"] == "rejected":
                assert r["code"] and r["reason"]
            else:  # what the server stores is what a laptop can apply
                assert E.check_change(c) is None
        for c in accepted:
            ids.setdefault(c["entity"], []).append(c["row_id"])
        for store, account in ((first, acc_first), (second, acc_second)):
            report = sync_once(store, account)
            assert report.held == 0
        with first.read() as cur:
            logged = {r[0] for r in cur.execute("SELECT id FROM change_log")}
        assert {c["id"] for c in accepted} <= logged
        assert synced_tables(first) == synced_tables(second)

    try:
        one_round()
    finally:
        http.close()
        first.close()
        second.close()
