"""The short push answer (only the changes not accepted, by their place in the batch) read
back into a result per change: what the server answers in full, and nothing that does not
account for the batch exactly (then nothing is marked)."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workteam_desktop.store.outbox import Outgoing
from workteam_desktop.sync.client import PushResult, SyncClient, _whole_answer
from workteam_desktop.sync.errors import ServerError

_STATUS = st.sampled_from(["accepted", "accepted", "duplicate", "rejected"])


def _batch(n: int) -> list[Outgoing]:
    return [Outgoing(i + 1, f"c-{i}", "household", f"h-{i}", "{}") for i in range(n)]


def _full(batch: list[Outgoing], statuses: list[str]) -> list[PushResult]:
    return [PushResult(c.id, s, "bad_value" if s == "rejected" else "",
                       "不对" if s == "rejected" else "") for c, s in zip(batch, statuses, strict=True)]


def _short(full: list[PushResult]) -> tuple[list[PushResult], list[int], int]:
    """What the server sends for ``full``: the results not accepted, their places, the
    count accepted (app.push_changes)."""
    places = [i for i, r in enumerate(full) if r.status != "accepted"]
    return [full[i] for i in places], places, len(full) - len(places)


@given(st.lists(_STATUS, max_size=30))
def test_a_short_answer_reads_back_as_the_full_answer(statuses: list[str]) -> None:
    batch = _batch(len(statuses))
    full = _full(batch, statuses)
    assert _whole_answer(*_short(full), batch) == full


@given(st.lists(_STATUS, min_size=1, max_size=30), st.data())
def test_a_short_answer_that_does_not_fit_the_batch_is_refused(
        statuses: list[str], data: st.DataObject) -> None:
    batch = _batch(len(statuses))
    listed, places, accepted = _short(_full(batch, statuses))
    wrong = data.draw(st.sampled_from(["count", "place", "order", "accepted", "kind"]))
    if wrong == "count":
        accepted += data.draw(st.sampled_from([-1, 1]))
    elif wrong == "place" or not places:
        # A place outside the batch (or, with nothing listed, a listed change too many).
        listed, places = [*listed, PushResult("x", "rejected", "c", "r")], [*places, len(batch)]
        accepted -= 1
    elif wrong == "order":
        places = [*places[1:], places[0]] if len(places) > 1 else [places[0] + len(batch)]
    elif wrong == "accepted":
        listed = [PushResult(listed[0].id, "accepted", "", ""), *listed[1:]]
    else:
        accepted = float(accepted)  # type: ignore[assignment]
    with pytest.raises(ValueError):
        _whole_answer(listed, places, accepted, batch)


def _answer(body: dict) -> httpx.Response:
    return httpx.Response(200, json=body)


def test_the_client_reads_the_short_answer_and_an_older_servers_full_one() -> None:
    batch = _batch(3)
    with SyncClient("http://127.0.0.1:9") as client:
        short = {"results": [{"i": 1, "id": "c-1", "status": "rejected", "code": "bad_value",
                              "reason": "不对"}], "accepted": 2, "cursor": 7, "now": 1}
        full = {"results": [{"id": "c-0", "status": "accepted"},
                            {"id": "c-1", "status": "rejected", "code": "bad_value",
                             "reason": "不对"},
                            {"id": "c-2", "status": "accepted"}], "cursor": 7}
        expected = _full(batch, ["accepted", "rejected", "accepted"])
        assert client.push_answer(_answer(short), batch) == (expected, 7)
        assert client.push_answer(_answer(full), batch) == (expected, 7)
        for bad in ({**short, "accepted": 1}, {**short, "results": [{"id": "c-1",
                                                                     "status": "rejected"}]},
                    {**full, "results": full["results"][::-1]}):
            with pytest.raises(ServerError):  # nothing is marked
                client.push_answer(_answer(bad), batch)
