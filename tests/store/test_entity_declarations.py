"""The declarations of domain/entities.py against the models, the migrated schema and the
data the program itself writes: a declaration that drifts from its table would make the
server refuse good changes or let bad ones through."""

from __future__ import annotations

import datetime as dt
import json
import typing
from pathlib import Path

import orjson
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import dbfile
from workteam_desktop.domain import entities as E
from workteam_desktop.store import Store
from workteam_desktop.store.models import MODEL_BY_ENTITY, SYNCED_MODELS
from workteam_desktop.sync.wire_values import decode_fields

_KINDS = {str: E.TEXT, int: E.INT, float: E.FLOAT, bool: E.BOOL, dt.date: E.DATE,
          dt.datetime: E.DATETIME}


def test_every_synced_table_is_declared_in_the_same_order() -> None:
    assert tuple(m.__tablename__ for m in SYNCED_MODELS) == E.NAMES
    assert set(E.ENTITIES.codes()) == set(MODEL_BY_ENTITY)


@pytest.mark.parametrize("entity", E.NAMES)
def test_fields_match_the_model(entity: str) -> None:
    model = MODEL_BY_ENTITY[entity]
    declared = E.spec(entity)
    columns = [c for c in model.__table__.columns if c.name not in ("id", "updated_hlc", "deleted")]
    assert [f.name for f in declared.fields] == [c.name for c in columns]
    for f, column in zip(declared.fields, columns, strict=True):
        info = model.model_fields[f.name]
        args = typing.get_args(info.annotation)
        base = next(a for a in args if a is not type(None)) if args else info.annotation
        fk = next(iter(column.foreign_keys)).column.table.name if column.foreign_keys else None
        assert f.ref == fk, f.name
        assert f.kind == (E.REF if fk else _KINDS[base]), f.name
        assert f.null == (type(None) in args), f.name
        assert f.required == info.is_required(), f.name
        if f.kind == E.TEXT:
            assert f.size > 0, f.name
            limit = getattr(column.type, "length", None)
            assert limit is None or f.size <= limit, f.name
    for name in (*declared.placed_by, *declared.named_by):
        assert declared.by_name[name].ref is not None, name
    if declared.page_of:
        assert declared.by_name[declared.page_of].ref is not None
    for name in declared.title:
        assert name in declared.by_name


def test_declarations_match_the_migrated_schema(store: Store) -> None:
    with store.read() as cur:
        for declared in E.DECLARATIONS:
            info = {r[1]: r for r in cur.execute(f'PRAGMA table_info("{declared.name}")')}
            assert set(info) == {"id", "updated_hlc", "deleted", *(f.name for f in declared.fields)}
            for f in declared.fields:
                not_null = bool(info[f.name][3])
                assert not_null == (not f.null), (declared.name, f.name)
            fks = {r[3]: r[2] for r in cur.execute(f'PRAGMA foreign_key_list("{declared.name}")')}
            assert fks == declared.references, declared.name


def test_every_change_the_program_writes_passes_the_checks(demo_copy) -> None:
    """A demo county's whole log (households, visits, deliveries, trainings, forms,
    attachments): the server must not refuse any of it."""
    home = Path(demo_copy())
    db = dbfile.connect(next(home.glob("*.sqlite3")))
    checked = 0
    for cid, entity, row_id, fields, base, hlc, device, user in db.execute(
            "SELECT id, entity, row_id, fields, base, hlc, device, user FROM change_log"):
        change = {"id": cid, "entity": entity, "row_id": row_id, "fields": json.loads(fields),
                  "base": json.loads(base), "hlc": hlc, "device": device, "user": user}
        assert E.check_change(change) is None, change
        checked += 1
    assert checked > 5_000
    entities = {r[0] for r in db.execute("SELECT DISTINCT entity FROM change_log")}
    assert len(entities) >= 18


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@given(st.sampled_from(E.NAMES), st.data())
def test_a_value_the_checks_accept_is_one_the_laptop_can_store(entity: str, data) -> None:
    """Random JSON values for random fields: the check never raises, and what it accepts
    decodes into the column's Python type (a laptop never fails on an accepted change)."""
    declared = E.spec(entity)
    names = st.sampled_from([f.name for f in declared.fields] + ["deleted", "no_such_field"])
    fields = data.draw(st.dictionaries(names, _JSON | st.dates().map(dt.date.isoformat)
                                       | st.datetimes().map(str), max_size=4))
    problem = E.check_fields(entity, fields)
    if problem is None:
        decoded = decode_fields(entity, fields)
        for name, value in decoded.items():
            f = declared.by_name[name]
            if value is None:
                assert f.null
            elif f.kind == E.DATE:
                assert isinstance(value, dt.date)
            elif f.kind == E.DATETIME:  # sqlmodel's UTCDateTime columns keep ISO text
                assert isinstance(value, dt.datetime) or dt.datetime.fromisoformat(value)
            elif f.kind in (E.INT, E.FLOAT):
                assert not isinstance(value, bool) and abs(value) <= E.MAX_INT
    else:
        assert problem.code in ("unknown_field", "bad_value", "too_long")
        assert problem.message


_EDGE_VALUES = [E.MAX_INT, -E.MAX_INT, E.MAX_INT + 1, -E.MAX_INT - 1, True, False, 0.5,
                float(E.MAX_INT), -float(E.MAX_INT), 2.0 * E.MAX_INT, -2.0 * E.MAX_INT,
                float("inf"), float("-inf"), float("nan"), "", "a" * 64, "a" * 65, "x\x07", "2025-06-15",
                "019a-b:c_d.e"]
_EDGE = st.sampled_from(_EDGE_VALUES)


@given(st.sampled_from(E.NAMES), st.data())
def test_the_fast_field_check_judges_as_the_value_check(entity: str, data) -> None:
    """check_fields passes common values without calling _value_problem: it must accept
    exactly what checking each value on its own (check_value) accepts, and refuse with the
    same problem."""
    declared = E.spec(entity)
    chosen = data.draw(st.lists(st.sampled_from([*declared.fields, E.DELETED]), max_size=5,
                                unique_by=lambda f: f.name))
    fields = {}
    for f in chosen:
        around_size = st.sampled_from([f.size - 1, f.size, f.size + 1]).map(
            lambda n: "村" * max(n, 0))
        around_bound = st.sampled_from([E.MAX_INT, E.MAX_INT + 1, -E.MAX_INT, -E.MAX_INT - 1])
        fields[f.name] = data.draw(_JSON | _EDGE | around_size | around_bound)
    expected = next((p for name, value in fields.items()
                     if (p := E.check_value(declared, declared.by_name[name], value))), None)
    assert E.check_fields(entity, fields) == expected
    try:
        raw = orjson.dumps(fields)
    except orjson.JSONEncodeError:  # an integer past 64 bits: no body holds it
        return
    # Told by the server that the body holds no control character: the same judgement.
    assert E.check_fields(entity, fields, not E.json_has_control(raw)) == expected


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (k, *_texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


# Every control character, DEL, and what their escapes are made of.
_NEAR_CONTROL = st.text(alphabet=[chr(c) for c in range(0x21)] + ["\x7f", "\\", "u", "0", "1",
                                                                  "f", "b", "村"], max_size=8)


@given(_JSON | st.lists(_NEAR_CONTROL, max_size=4) | st.dictionaries(_NEAR_CONTROL, _NEAR_CONTROL))
@example(["删除\x7f"])  # written raw by JSON
@example(["\x00", "\x08"])
@example({"a": "\x0c"})
@example(["x\x1f"])
def test_a_body_said_to_hold_no_control_character_holds_none(value: object) -> None:
    try:
        raw = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return
    if not E.json_has_control(raw):
        assert not any(E._CONTROL.search(t) for t in _texts(orjson.loads(raw)))


@pytest.mark.parametrize("entity", E.NAMES)
def test_the_fast_field_check_judges_every_bound_as_the_value_check(entity: str) -> None:
    """Every field with the values at and beyond its bounds, one at a time."""
    declared = E.spec(entity)
    for f in (*declared.fields, E.DELETED):
        values = [None, 1.5, 3, *_EDGE_VALUES,
                  *("村" * n for n in (f.size - 1, f.size, f.size + 1) if n >= 0)]
        for value in values:
            assert E.check_fields(entity, {f.name: value}) == E.check_value(declared, f, value), (
                f.name, value)


@given(st.text(max_size=40))
def test_only_canonical_clocks_pass(text: str) -> None:
    ok = E.check_hlc(text) is None
    assert ok == bool(E.HLC_PATTERN.fullmatch(text))
    if ok:
        assert text == text.lower() and len(text) > 16
