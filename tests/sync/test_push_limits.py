"""A server set up with a smaller request limit than the laptop's push batches: the laptop
sends the same changes in smaller batches, nothing is refused, lost or sent twice."""

from __future__ import annotations

from pathlib import Path

from synclib import PASSWORD, add_households, add_village

from serverlib import start_server
from workteam_desktop.store import Store
from workteam_desktop.store.outbox import pending_count
from workteam_desktop.sync import session
from workteam_desktop.sync.account import login
from workteam_desktop.sync.session import sync_once


def test_a_push_larger_than_the_servers_limit_goes_up_in_smaller_batches(
        tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "server"
    home.mkdir()
    # 40 KB a request (a county may set it lower than the default 32 MB).
    (home / "server.toml").write_text("[limits]\nmax_body_mb = 0.0390625\n", encoding="utf-8")
    monkeypatch.setattr(session, "PUSH_BATCH", 1000)  # about 250 KB a batch: refused
    with start_server(home) as server:
        server.add_user("li", "supervisor", ["140215"], PASSWORD)
        store = Store.open(tmp_path / "laptop")
        add_village(store)
        add_households(store, 600)
        sent = pending_count(store)
        report = sync_once(store, login(store, server.url, "li", PASSWORD).account)
        assert (report.pushed, report.duplicates, report.rejected) == (sent, 0, 0)
        assert pending_count(store) == 0
        with server.client("li", PASSWORD) as c:
            stored = c.get("/api/v1/changes", params={"limit": 5000}).json()["changes"]
            assert len(stored) == sent
        store.close()
