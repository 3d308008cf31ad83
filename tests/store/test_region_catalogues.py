"""A region's catalogue extensions (settings.toml) are accepted and labelled by the store."""

from __future__ import annotations

import datetime as dt

import pytest

from workteam_desktop.domain import catalogues as cat
from workteam_desktop.domain.problems import DomainError
from workteam_desktop.settings import Settings, save_settings
from workteam_desktop.store import Store
from workteam_desktop.store.assistance import RecordInput, list_records, record_detail, save_record
from workteam_desktop.store.catalogues import region_catalogue


@pytest.fixture
def store(demo_copy):
    with Store.open(demo_copy(60, 1, dt.date(2026, 11, 29))) as s:
        yield s


def first_household(store: Store) -> str:
    with store.read() as cur:
        return cur.execute("SELECT id FROM household ORDER BY number LIMIT 1").fetchone()[0]


def test_an_extended_measure_kind_is_saved_and_labelled(store: Store) -> None:
    record = RecordInput(household=first_household(store), measure_kind="interest_subsidy",
                         content="产业贷款贴息", record_date=dt.date(2026, 11, 1), amount=300)
    with pytest.raises(DomainError):  # not a kind until the region adds it
        save_record(store, record)
    save_settings(store.home, Settings(
        catalogue_extensions={"measure_kind": [("interest_subsidy", "贷款贴息")]}))
    assert region_catalogue(store.home, cat.MEASURE_KINDS).codes()[-1] == "interest_subsidy"
    record_id = save_record(store, record)
    assert record_detail(store, record_id)["measure_label"] == "贷款贴息"
    [row] = [r for r in list_records(store, limit=None) if r["id"] == record_id]
    assert row["measure_label"] == "贷款贴息"
    # Industries are extended on their own: measure kinds do not leak into them.
    assert region_catalogue(store.home, cat.INDUSTRIES) is cat.INDUSTRIES
