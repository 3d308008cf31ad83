"""Keeping this laptop's clock within the server's bound, and re-stamping what ran ahead.

A laptop whose date is wrong stamps its changes with a wrong HLC. Behind is harmless (the
HLC still orders what the laptop saw before what it did); far ahead, the server refuses
the changes (``clock_skew``): they would win every later edit on every laptop. At every
sync the server tells its time; the laptop keeps the offset (the HLC then reads a corrected
wall clock) and gives its changes that are not yet accepted and run ahead of the server
by more than the bound new stamps — in their order, later than everything it has seen —
before it sends them again. Nothing is lost: the values stay, only their clocks change,
and no one else has seen the old clocks.
"""

from __future__ import annotations

import json

from ..domain.changes import dumps
from ..domain.hlc import Timestamp, wall_ms
from . import row_clock
from .outbox import REJECTED, UNSENT
from .store import Store
from .sync_state import CLOCK_OFFSET, put

RESTAMP_BOUND_MS = 5 * 60_000
"""Own changes further ahead of the server's time than this are re-stamped before they are
sent (half the server's default bound of 10 minutes)."""
OFFSET_NOISE_MS = 60_000
"""Offsets smaller than this are taken as zero (network delay, a clock a little off)."""


def learn_offset(store: Store, server_clock: tuple[int, int] | None) -> None:
    """Remember the server's clock minus this laptop's, for every later stamp.
    ``server_clock``: the server's time and the laptop's wall clock (``hlc.wall_ms``) when
    it arrived (the sync client's ``server_clock``)."""
    if server_clock is None:
        return
    server_ms, received_at = server_clock
    # The store's own wall clock (tests turn it), read now, less the time since the answer.
    offset_ms = server_ms - (store.wall() - (wall_ms() - received_at))
    offset = offset_ms if abs(offset_ms) >= OFFSET_NOISE_MS else 0
    if offset == store.clock_offset_ms:
        return
    store.clock_offset_ms = offset
    with store.engine.begin() as conn:
        put(conn.connection.driver_connection.cursor(), {CLOCK_OFFSET: str(offset)})


def restamp_ahead(store: Store, bound_ms: int = RESTAMP_BOUND_MS) -> int:
    """Give new stamps to this laptop's changes not yet accepted by the server whose clock
    runs more than ``bound_ms`` ahead of the (corrected) wall clock, and set the clock back
    to the latest reading within the bound. How many were re-stamped."""
    limit = store.corrected_wall() + bound_ms
    limit_text = f"{limit:012x}"
    with store.write() as w:
        if w.clock.last[0] < limit:
            # The clock is at or past every stamp it made and every clock it received: below
            # the bound, nothing here runs ahead (the usual sync: no scan of the whole log,
            # which holds millions of changes on a county's laptop).
            return 0
        cur = w.cursor
        ahead = cur.execute(
            "SELECT c.seq, c.id, c.entity, c.row_id, c.base, c.hlc, "
            "c.pushed = ? OR coalesce(r.code, '') = 'clock_skew' FROM change_log c "
            "LEFT JOIN sync_rejection r ON r.change_id = c.id "
            "WHERE c.origin = 'local' AND c.pushed IN (?, ?) AND c.hlc > ? ORDER BY c.hlc",
            (UNSENT, UNSENT, REJECTED, limit_text)).fetchall()
        # Back to the latest reading that is not one of those: everything received counts,
        # even a change from a clock ahead (a bundle), so every new stamp stays later than
        # all this laptop has seen — a re-stamped value never loses here yet wins elsewhere.
        [latest] = cur.execute(
            "SELECT max(hlc) FROM change_log WHERE NOT (origin = 'local' AND pushed IN (?, ?) "
            "AND hlc > ?)", (UNSENT, REJECTED, limit_text)).fetchone()
        latest = row_clock.newest(cur, latest)  # rows loaded from a snapshot count too
        last = Timestamp.decode(latest) if latest else None
        w.clock.rewind((last.wall_ms, last.counter) if last else (0, 0))
        if not ahead:
            return 0
        renamed: dict[str, str] = {}
        for seq, change_id, entity, row_id, base_text, old, resend in ahead:
            new = w.clock.now().encode()
            renamed[old] = new
            base = json.loads(base_text or "{}")
            base = {name: renamed.get(hlc, hlc) for name, hlc in base.items()}
            cur.execute("UPDATE change_log SET hlc = ?, base = ? WHERE seq = ?",
                        (new, dumps(base), seq))
            if resend:  # refused for its clock only: sent again with the new one
                cur.execute("UPDATE change_log SET pushed = ? WHERE seq = ?", (UNSENT, seq))
                cur.execute("DELETE FROM sync_rejection WHERE change_id = ?", (change_id,))
            # The row's clock is the latest of its changes: it was this one, now renamed.
            cur.execute(f'UPDATE "{entity}" SET updated_hlc = ? WHERE id = ? AND updated_hlc = ?',
                        (new, row_id, old))
            cur.execute("UPDATE conflict SET kept_hlc = ? WHERE kept_hlc = ? AND row_id = ?",
                        (new, old, row_id))
            cur.execute("UPDATE conflict SET lost_hlc = ? WHERE lost_hlc = ? AND row_id = ?",
                        (new, old, row_id))
        return len(ahead)
