"""The rights ledger (权益清单) of a relocated household: change a right's status and the
person in charge. The ledger itself is read by :func:`household_detail.rights_ledger`."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import catalogues as cat
from .models import RightsItem
from .store import Store
from .writer import Writer


@dataclass(frozen=True, slots=True)
class RightEdit:
    """What a cadre set for one right: status code (or None: not yet checked) and who
    is in charge."""

    right: str
    status: str | None
    responsible: str
    note: str = ""


def write_right(w: Writer, household_id: str, edit: RightEdit) -> bool:
    """Write ``edit`` inside the write ``w``: update the right's row, or create it when
    the right was missing from the ledger. True if anything changed."""
    cat.right_side(edit.right)  # KeyError for a code that is no right
    if edit.status is not None and edit.status not in cat.RIGHT_STATUSES:
        raise ValueError(f"unknown right status {edit.status}")
    values = {"status": edit.status, "responsible": edit.responsible.strip(),
              "note": edit.note.strip()}
    row = w.cursor.execute(
        "SELECT id FROM rights_item WHERE household_id = ? AND right = ? AND deleted = 0 "
        "ORDER BY id LIMIT 1", (household_id, edit.right)).fetchone()
    if row is None:
        w.insert(RightsItem, [{"household_id": household_id, "right": edit.right,
                               "side": cat.right_side(edit.right), **values}])
        return True
    return w.update(RightsItem, row[0], values)


def responsible_names(store: Store) -> list[str]:
    """Names to offer as the person in charge: the cadres and everyone already named
    in a ledger, most used first."""
    with store.read() as cur:
        counted = {r[0]: r[1] for r in cur.execute(
            "SELECT responsible, count(*) FROM rights_item WHERE deleted = 0 "
            "AND responsible != '' GROUP BY responsible")}
        for (name,) in cur.execute("SELECT name FROM cadre WHERE deleted = 0"):
            counted.setdefault(name, 0)
    return sorted(counted, key=lambda n: (-counted[n], n))
