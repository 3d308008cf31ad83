"""Deleting a record together with its link rows, and undoing that.

A ten-deliveries action and its beneficiaries, a training and its participants: the links
are rows of their own (synced), so deleting the record tombstones its live links in the same
transaction, and the undo brings back exactly those links (not ones deleted earlier).
"""

from __future__ import annotations

from .models import Synced
from .writer import Writer


def delete_with_links(w: Writer, model: type[Synced], row_id: str, link: type[Synced],
                      column: str) -> tuple[str, ...]:
    """Tombstone ``row_id`` and its live ``link`` rows (whose ``column`` names it); the ids
    of the links tombstoned. LookupError when the record is deleted already."""
    table = link.__tablename__  # type: ignore[attr-defined]
    links = tuple(r[0] for r in w.cursor.execute(
        f'SELECT id FROM "{table}" WHERE "{column}" = ? AND deleted = 0', (row_id,)))
    if not w.delete(model, row_id):
        raise LookupError(f"{model.__tablename__} {row_id} is already deleted")  # type: ignore[attr-defined]
    for link_id in links:
        w.delete(link, link_id)
    return links


def restore_with_links(w: Writer, model: type[Synced], row_id: str, link: type[Synced],
                       link_ids: tuple[str, ...]) -> None:
    """Undo :func:`delete_with_links`: the record and the same links are live again."""
    w.update(model, row_id, {"deleted": False})
    for link_id in link_ids:
        w.update(link, link_id, {"deleted": False})
