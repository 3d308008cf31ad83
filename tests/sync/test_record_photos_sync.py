"""A photo on a 十送 action or a 帮扶 record syncs as a photo on a visit or a household
does: its attachment row goes up with the record, its content once, and comes down to
another laptop of the same area; a photo removed on one laptop is removed on the other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from synclib import PASSWORD, VILLAGE_ID, add_households, add_village

from serverlib import RunningServer, start_server
from workteam_desktop.store import Store
from workteam_desktop.store.assistance import RecordInput, record_detail, save_record
from workteam_desktop.store.attachments import attachments_of, read_content
from workteam_desktop.store.deliveries import ActionInput, action_detail, save_action
from workteam_desktop.sync.account import login
from workteam_desktop.sync.session import sync_once


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with start_server(tmp_path_factory.mktemp("server")) as s:
        yield s


def test_photos_of_an_action_and_a_record_reach_the_other_laptop(tmp_path, server) -> None:
    server.add_user("zhao", "supervisor", ["140215"], PASSWORD)
    a, b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    try:
        add_village(a)
        [hid] = add_households(a, 1)
        scene = tmp_path / "活动现场.jpg"
        scene.write_bytes(b"\xff\xd8\xff the action's scene " * 300)
        receipt = tmp_path / "发放凭证.jpg"
        receipt.write_bytes(b"\xff\xd8\xff a receipt " * 300)
        action = ActionInput(category="culture", action_date=dt.date.today(), title="送戏下乡",
                             village_id=VILLAGE_ID, households=[hid], photos=[str(scene)])
        action_id = save_action(a, action)
        record = RecordInput(household=hid, measure_kind="health", content="医疗救助",
                             record_date=dt.date.today(), photos=[str(receipt)])
        record_id = save_record(a, record)
        acc_a = login(a, server.url, "zhao", PASSWORD).account
        acc_b = login(b, server.url, "zhao", PASSWORD).account
        assert sync_once(a, acc_a).attachments_up == 2
        assert sync_once(b, acc_b).attachments_down == 2
        [photo] = action_detail(b, action_id)["photos"]
        assert photo["filename"] == "活动现场.jpg"
        assert read_content(b.home, photo["sha256"]) == scene.read_bytes()
        [kept] = record_detail(b, record_id)["photos"]
        assert read_content(b.home, kept["sha256"]) == receipt.read_bytes()

        # Removed on b (an edit of the action), gone on a after both synced.
        save_action(b, ActionInput(category="culture", action_date=dt.date.today(),
                                   title="送戏下乡", village_id=VILLAGE_ID, households=[hid],
                                   removed_photos=[photo["id"]]), action_id)
        sync_once(b, acc_b)
        sync_once(a, acc_a)
        assert attachments_of(a, "delivery_action", action_id) == []
        assert [p["id"] for p in attachments_of(a, "assistance_record", record_id)] == [kept["id"]]
    finally:
        a.close()
        b.close()
