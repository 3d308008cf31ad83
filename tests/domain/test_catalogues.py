"""Catalogues of coded values with zh_CN and English labels."""

from __future__ import annotations

import pytest

from workteam_desktop.domain import catalogues
from workteam_desktop.domain.catalogues import (
    ALL_RIGHTS,
    CATALOGUES,
    DELIVERY_CATEGORIES,
    DESTINATION_RIGHTS,
    INDUSTRIES,
    ORIGIN_RIGHTS,
    Catalogue,
    Entry,
    right_side,
)

ALL = list(CATALOGUES.values())
IDS = [c.name for c in ALL]


def test_ten_deliveries_in_domain_order() -> None:
    assert len(DELIVERY_CATEGORIES) == 10
    assert [e.zh for e in DELIVERY_CATEGORIES] == [
        "送规划", "送产业", "送就业", "送消费", "送宣讲",
        "送文化", "送人才", "送信心", "送温暖", "送清洁",
    ]
    assert DELIVERY_CATEGORIES.codes()[0] == "planning"
    assert DELIVERY_CATEGORIES.codes()[-1] == "clean"


def test_rights_ledger_has_8_origin_and_17_destination_rights() -> None:
    assert len(ORIGIN_RIGHTS) == 8
    assert len(DESTINATION_RIGHTS) == 17
    assert len(ALL_RIGHTS) == 25
    assert not set(ORIGIN_RIGHTS.codes()) & set(DESTINATION_RIGHTS.codes())


def test_right_side() -> None:
    for code in ORIGIN_RIGHTS.codes():
        assert right_side(code) == "origin"
    for code in DESTINATION_RIGHTS.codes():
        assert right_side(code) == "destination"
    assert right_side("contracted_land") == "origin"
    assert right_side("vote") == "destination"
    assert {right_side(e.code) for e in ALL_RIGHTS} == set(catalogues.RIGHT_SIDES.codes())
    with pytest.raises(KeyError):
        right_side("no_such_right")


def test_every_catalogue_is_registered_under_its_name() -> None:
    assert len(CATALOGUES) == 23
    for name, catalogue in CATALOGUES.items():
        assert catalogue.name == name
    module_catalogues = [v for v in vars(catalogues).values() if isinstance(v, Catalogue)]
    assert {id(c) for c in module_catalogues} == {id(c) for c in ALL}


@pytest.mark.parametrize("catalogue", ALL, ids=IDS)
def test_codes_and_labels_are_distinct_and_filled(catalogue: Catalogue) -> None:
    entries = list(catalogue)
    assert entries
    codes = [e.code for e in entries]
    assert len(set(codes)) == len(codes)
    assert len({e.zh for e in entries}) == len(entries)
    assert len({e.en.lower() for e in entries}) == len(entries)
    for e in entries:
        assert e.code and e.code.isascii() and e.code == e.code.strip()
        assert e.zh.strip() and e.en.strip()
        assert not e.zh.isascii(), f"{catalogue.name}.{e.code} has no Chinese label"
        assert e.en.isascii()
    assert catalogue.codes() == codes
    assert len(catalogue) == len(codes)


@pytest.mark.parametrize("catalogue", ALL, ids=IDS)
def test_code_for_accepts_code_and_both_labels(catalogue: Catalogue) -> None:
    for e in catalogue:
        assert e.code in catalogue
        assert catalogue.get(e.code) == e
        assert catalogue.code_for(e.code) == e.code
        assert catalogue.code_for(e.zh) == e.code
        assert catalogue.code_for(e.en) == e.code
        assert catalogue.code_for(e.en.upper()) == e.code
        assert catalogue.code_for(f"  {e.zh} ") == e.code
        assert catalogue.label(e.code) == e.zh
        assert catalogue.label(e.code, "en") == e.en
        assert catalogue.label(e.code, "en_US") == e.en
        assert e.label() == e.zh
    assert catalogue.code_for("没有这一项") is None
    assert catalogue.code_for("") is None


def test_labels_and_lookups_examples() -> None:
    assert DELIVERY_CATEGORIES.code_for("送温暖") == "warmth"
    assert DELIVERY_CATEGORIES.code_for("warmth") == "warmth"
    assert DELIVERY_CATEGORIES.code_for("Clean Homes") == "clean"
    assert DELIVERY_CATEGORIES.label("jobs") == "送就业"
    assert DELIVERY_CATEGORIES.label("jobs", "en") == "Jobs"
    assert DELIVERY_CATEGORIES.label("unknown-code") == "unknown-code"
    assert DELIVERY_CATEGORIES.label(None) == ""
    assert DELIVERY_CATEGORIES.label("") == ""
    assert "jobs" in DELIVERY_CATEGORIES
    assert "送就业" not in DELIVERY_CATEGORIES
    with pytest.raises(KeyError):
        DELIVERY_CATEGORIES.get("送就业")
    assert Entry("x", "甲", "A").label("en") == "A"


def test_extended_appends_and_skips_duplicates() -> None:
    extra = [
        ("pepper", "花椒", "Sichuan pepper"),
        ("daylily", "黄花菜", "Daylily (renamed)"),  # already present: skipped
        ("tea", "茶叶", "Tea"),
    ]
    wider = INDUSTRIES.extended(extra)
    assert wider.name == INDUSTRIES.name
    assert wider.codes() == [*INDUSTRIES.codes(), "pepper", "tea"]
    assert wider.label("daylily") == "黄花"
    assert wider.code_for("花椒") == "pepper"
    assert wider.code_for("Tea") == "tea"
    # The original is unchanged.
    assert "pepper" not in INDUSTRIES
    assert len(INDUSTRIES) == 8
    assert INDUSTRIES.extended([]).codes() == INDUSTRIES.codes()


def test_duplicate_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate code in catalogue demo"):
        Catalogue("demo", [("a", "甲", "A"), ("a", "乙", "B")])
    with pytest.raises(ValueError, match="duplicate code"):
        INDUSTRIES.extended([("tea", "茶叶", "Tea"), ("tea", "茶", "Tea again")])
