"""Python's cyclic garbage collector paused while a bulk push is parsed and checked.

A push of 20,000 changes makes about half a million small objects (the parsed body, the
rows to insert) that live until the answer and make no reference cycles: the cyclic
collector would only walk them again and again as they pile up (measured: 12 % of the
server's CPU for a 120,000-change first push). Requests run in threads, so the pause
counts its holders: the collector is off while any push runs and back on (if it was on)
when the last one ends. A server that is never without a push still collects: a holder
leaving after the collector has been off ``_LONGEST`` seconds runs one collection.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_LONGEST = 60.0  # seconds the collector may stay off under back-to-back pushes


class CollectorPause:
    """Counts the pushes running; the collector is off while the count is above zero."""

    def __init__(self, longest: float = _LONGEST) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._was_enabled = False
        self._since = 0.0  # when the collector was last off with nothing collected
        self._longest = longest

    @contextmanager
    def held(self) -> Iterator[None]:
        """The collector off for the block (and any other holder's)."""
        with self._lock:
            if self._holders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
                self._since = time.monotonic()
            self._holders += 1
        try:
            yield
        finally:
            collect = False
            with self._lock:
                self._holders -= 1
                if self._holders == 0:
                    if self._was_enabled:
                        gc.enable()
                elif time.monotonic() - self._since > self._longest:
                    collect, self._since = True, time.monotonic()
            if collect:  # outside the lock: the other holders go on meanwhile
                gc.collect()


PUSHING = CollectorPause()
"""The process's pause (one collector per process, however many apps it serves)."""
