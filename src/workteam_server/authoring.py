"""Changes the server makes itself: a county's areas, teams and their villages.

They are ordinary changes, stored through the same push (:func:`workteam_server.push.push`,
with the same checks) as a laptop's, so every laptop in scope receives them by the normal
pull. Their clock is the server's own hybrid logical clock: a device id of its own and the
last reading, kept in ``server_clock`` and advanced in its own transaction before use, so it
never goes backwards (a crash after advancing only skips readings).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from workteam_desktop.domain.changes import json_value
from workteam_desktop.domain.hlc import HybridClock
from workteam_desktop.domain.ids import new_id

from .models import clock_table
from .store import AccountInfo, ServerStore

CLI_ACTOR = AccountInfo(0, "workteam-server", "admin", (), False)
"""Who the changes made at the server's command line are by (an administrator)."""


def stamp(store: ServerStore, count: int) -> tuple[str, list[str]]:
    """The server's device id and ``count`` fresh HLCs, in order."""
    c = clock_table
    with store.writing() as conn:
        if store.dialect == "postgresql":
            conn.execute(sa.text("LOCK TABLE server_clock IN EXCLUSIVE MODE"))
        row = conn.execute(sa.select(c.c.device, c.c.wall_ms, c.c.counter).where(c.c.id == 1)).first()
        if row is None:
            device, last = f"srv{secrets.token_hex(6)}", (0, 0)
            conn.execute(c.insert().values(id=1, device=device, wall_ms=0, counter=0))
        else:
            device, last = row.device, (row.wall_ms, row.counter)
        clock = HybridClock(device, last)
        stamps = [clock.now().encode() for _ in range(count)]
        ms, counter = clock.last
        conn.execute(c.update().where(c.c.id == 1).values(wall_ms=ms, counter=counter))
    return device, stamps


def make_changes(store: ServerStore, actor: AccountInfo,
                 rows: Sequence[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Changes as the protocol sends them for ``(entity, row id, fields)`` edits, stamped
    with the server's clock and made by ``actor``."""
    device, stamps = stamp(store, len(rows))
    return [{"id": new_id(), "entity": entity, "row_id": row_id,
             "fields": {k: json_value(v) for k, v in fields.items()}, "base": {}, "hlc": hlc,
             "device": device, "user": actor.name}
            for (entity, row_id, fields), hlc in zip(rows, stamps, strict=True)]
