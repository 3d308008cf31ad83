"""Scope rules as pure functions (hypothesis), and the server's entity table against the
desktop's models."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workteam_server import scope as sc

digits = st.text("0123456789", min_size=1, max_size=12)
village_codes = st.text("0123456789", min_size=12, max_size=12).filter(lambda c: c[9:] != "000")
level_codes = st.sampled_from(sc.LEVEL_LENGTHS).flatmap(
    lambda n: st.text("0123456789", min_size=n, max_size=n))


@given(village_codes)
def test_a_village_code_is_its_own_level(code: str) -> None:
    assert sc.normalize_code(code) == code


@given(st.text("0123456789", min_size=6, max_size=6), st.sampled_from([3, 6]))
def test_trailing_zeros_shorten_to_the_level(prefix: str, zeros: int) -> None:
    full = (prefix + "123")[: 12 - zeros] + "0" * zeros
    short = sc.normalize_code(full)
    assert full.startswith(short) and set(full[len(short):]) <= {"0"}
    assert len(short) in sc.LEVEL_LENGTHS
    assert sc.normalize_code(short) == short or len(short) != 12


@given(digits)
def test_parse_scope_accepts_levels_only(text: str) -> None:
    if len(text) in sc.LEVEL_LENGTHS:
        parsed = sc.parse_scope(text)
        assert text.startswith(parsed)
    else:
        with pytest.raises(sc.ScopeError, match="位数不对"):
            sc.parse_scope(text)


@given(st.one_of(st.text(min_size=1, max_size=14), st.text("٠١٢٣٤٥0123456789", min_size=6, max_size=6)))
def test_parse_scope_refuses_non_codes_with_a_chinese_message(text: str) -> None:
    if text.strip().isdigit() and text.strip().isascii() and len(text.strip()) in sc.LEVEL_LENGTHS:
        return
    with pytest.raises(sc.ScopeError) as e:
        sc.parse_scope(text)
    assert str(e.value).startswith("管辖范围")


@given(st.lists(level_codes, min_size=1, max_size=6))
def test_parse_scopes_keeps_what_the_list_covers(codes: list[str]) -> None:
    scopes = sc.parse_scopes(",".join(codes))
    normalized = [sc.normalize_code(c) for c in codes]
    # Every code typed is covered, and no kept scope lies inside another.
    assert all(any(c.startswith(s) for s in scopes) for c in normalized)
    assert not any(a != b and a.startswith(b) for a in scopes for b in scopes)
    assert set(scopes) <= set(normalized)


@given(st.lists(level_codes, min_size=1, max_size=4), village_codes)
def test_read_filter_matches_can_read(codes: list[str], row: str) -> None:
    """The SQL pieces (ranges and exact codes above) say what can_read says."""
    scope = sc.Scope.of("member", [sc.normalize_code(c) for c in codes])
    for code in [row, *sc.ancestors(row), row + "G01"]:
        ranges, above = scope.read_filter()
        in_sql = any(low <= code < high for low, high in ranges) or code in above
        assert in_sql == scope.can_read(code)
        if scope.can_write(code):
            assert scope.can_read(code)


@given(st.lists(village_codes, min_size=1, max_size=5))
def test_common_area_contains_every_village(codes: list[str]) -> None:
    common = sc.common_area(codes)
    assert all(c.startswith(common) for c in codes)
    assert len(common) in (0, *sc.LEVEL_LENGTHS)


def test_admins_read_and_write_everything() -> None:
    scope = sc.Scope.of("admin", ["140215"])
    assert scope.everything and scope.can_write("") and scope.can_write("990101001001")
    assert scope.read_filter() == ([], [])


def test_the_entity_table_agrees_with_the_desktop_models() -> None:
    """Every synced table is known to the server, and each new row's placing fields are real
    foreign keys of that table to the named parent."""
    from workteam_desktop.store.models import MODEL_BY_ENTITY

    assert set(MODEL_BY_ENTITY) == sc.ENTITIES
    for entity, parents in sc.PARENT_FIELDS.items():
        table = MODEL_BY_ENTITY[entity].__table__  # type: ignore[attr-defined]
        for field, parent in parents:
            targets = {fk.column.table.name for fk in table.c[field].foreign_keys}
            assert targets == {parent}, (entity, field)
    for parent, (child, link, field, target) in sc.PLACING_CHILDREN.items():
        table = MODEL_BY_ENTITY[child].__table__  # type: ignore[attr-defined]
        assert {fk.column.table.name for fk in table.c[link].foreign_keys} == {parent}
        assert {fk.column.table.name for fk in table.c[field].foreign_keys} == {target}


def test_head_revision_constant_is_the_newest_migration(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from workteam_server import store

    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == store.HEAD_REVISION
    s = store.ServerStore.open(f"sqlite:///{tmp_path / 'x.db'}")
    assert store.current_revision(s.engine) == store.HEAD_REVISION
    s.close()
