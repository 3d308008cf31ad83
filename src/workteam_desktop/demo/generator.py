"""The demo county generator: a whole county of realistic, fake data in one transaction.

``workteam demo`` calls :func:`generate`. The rows (see :mod:`.county`) go through the
store's one write path, so every row is in the change log, in batches of a few thousand
households inside ONE write transaction: a cancelled or failed run leaves the store as
it was. Large demos make their rows in a helper process (see :mod:`.producer`).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager

from ..store import Store, home_key, sync_state
from ..store.models import SYNCED_MODELS
from ..store.setup import DEMO
from . import producer
from .county import Batch, batches

PARALLEL_FROM = 20_000
"""From this many households on, rows are made in a helper process (below, starting it
costs more than it saves)."""

_ORDER = [model.__tablename__ for model in SYNCED_MODELS]  # parents before children


class DemoCancelled(Exception):
    """The demo was cancelled; its transaction was rolled back and nothing was written."""


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Millions of short-lived row dicts, none in a cycle: the cyclic collector would only
    # rescan the long-lived objects again and again.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def generate(
    store: Store,
    households: int = 600,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, int]:
    """Fill ``store`` (meant to be empty) with a demo county of ``households`` households.

    The content depends only on (households, seed, today); ``today`` defaults to the
    current date. ``progress(done, total)`` is called after each batch of households
    (first with 0); when ``cancelled()`` then returns True the run stops with
    :class:`DemoCancelled` and the transaction rolls back. Returns the number of rows
    written per table.
    """
    if households < 1:
        raise ValueError("a demo county needs at least one household")
    today = today or dt.date.today()
    if households >= PARALLEL_FROM and producer.can_spawn():
        source: Generator[Batch, None, None] = producer.stream(households, seed, today)
    else:
        source = batches(households, seed, today)
    counts: Counter[str] = Counter()
    with closing(source), _gc_paused(), store.write() as writer:
        for rows, done in source:
            for entity in _ORDER:
                batch = rows.get(entity)
                if batch:
                    writer.insert(entity, batch)
                    counts[entity] += len(batch)
            if progress is not None:
                progress(done, households)
            if cancelled is not None and cancelled():
                raise DemoCancelled()
        # A demo home says so (status bar, set-up and sync refuse to treat it as real).
        sync_state.put(writer.cursor, {DEMO: "1"})
    # Made-up households need no recovery code: a lost key means a new demo.
    home_key.recovery_code_kept(store.home)
    return dict(counts)
