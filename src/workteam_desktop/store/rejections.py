"""Changes the server refused, grouped by reason, as a person reads them.

A first sync can have thousands of refusals with a handful of causes; a list of thousands
of lines hides them. Each group is one reason, how many changes it refused and up to a few
examples named as the record pages name them (王喆（0001）, 2026-03-02 入户走访 …).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..domain.entities import ENTITIES
from .conflicts import RecordLabels
from .store import Store

EXAMPLES = 3


@dataclass(slots=True)
class RejectionGroup:
    """Refusals with one reason."""

    code: str
    reason: str
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """For ``--json``."""
        return {"code": self.code, "reason": self.reason, "count": self.count,
                "examples": list(self.examples)}


def group_rejections(store: Store, rejections: Iterable[Mapping[str, str]], *, lang: str = "zh",
                     examples: int = EXAMPLES) -> list[RejectionGroup]:
    """Refusals (``entity``, ``row_id``, ``code``, ``reason`` each) grouped by reason, the
    largest group first, each with up to ``examples`` records named."""
    groups: dict[tuple[str, str], RejectionGroup] = {}
    picked: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for r in rejections:
        key = (r["code"], r["reason"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = RejectionGroup(r["code"], r["reason"])
            picked[key] = []
        group.count += 1
        row = (r["entity"], r["row_id"])
        if len(picked[key]) < examples and row not in picked[key]:
            picked[key].append(row)
    with store.read() as cur:
        labels = RecordLabels(cur, lang)
        for key, group in groups.items():
            group.examples = [f"{ENTITIES.label(entity, lang)} {labels.row(entity, row_id)}"
                              for entity, row_id in picked[key]]
    return sorted(groups.values(), key=lambda g: (-g.count, g.code, g.reason))
