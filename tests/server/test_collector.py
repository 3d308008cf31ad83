"""The cyclic collector paused while pushes run (server/collector.py): off while any push
holds it, back as it was when the last one ends (also after a failure), and a collection
still made under back-to-back pushes."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from workteam_server.collector import CollectorPause


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_off_while_any_push_holds_it_and_back_after_the_last() -> None:
    pause = CollectorPause()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def second() -> None:
        first_in.wait(5)
        with pause.held():
            second_in.set()
            assert first_out.wait(5)
            seen["after the first left"] = gc.isenabled()
        seen["after the last left"] = gc.isenabled()

    worker = threading.Thread(target=second)
    worker.start()
    with pause.held():
        seen["inside"] = gc.isenabled()
        first_in.set()
        assert second_in.wait(5)
    first_out.set()
    worker.join(5)
    assert seen == {"inside": False, "after the first left": False,
                    "after the last left": True}
    assert gc.isenabled()


def test_a_failing_push_gives_the_collector_back_and_an_off_collector_stays_off() -> None:
    pause = CollectorPause()
    with pytest.raises(ValueError), pause.held():
        raise ValueError("refused")
    assert gc.isenabled()
    gc.disable()  # someone else turned it off: the pause does not turn it on
    with pause.held():
        pass
    assert not gc.isenabled()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _collected_under_back_to_back_pushes(pause: CollectorPause) -> bool:
    """Whether a cycle made during one push is gone once a second push, begun and ended
    inside the first, has left (the first still running)."""
    with pause.held():
        cycle = _Cycle()
        gone = weakref.ref(cycle)
        del cycle
        with pause.held():
            pass
        assert not gc.isenabled()  # the first push still holds the pause
        collected = gone() is None
    gc.collect()
    assert gone() is None
    return collected


def test_back_to_back_pushes_still_collect_after_the_longest_pause() -> None:
    assert _collected_under_back_to_back_pushes(CollectorPause(longest=0.0))
    # Within the longest pause: nothing collected until the pushes end.
    assert not _collected_under_back_to_back_pushes(CollectorPause(longest=3600.0))
