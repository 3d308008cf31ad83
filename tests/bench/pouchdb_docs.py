"""The PouchDB side's documents, made from a workteam store (issue 17's benchmark).

One JSON document per household, ``_id`` the household's id, carrying the household's
fields and, embedded, its members and its income rows: the same records workteam's
"households" sync moves (area rows aside). The fields are those of the store's change log,
as the program writes and sends them (each row's changes merged in log order); rows
whose last change is a tombstone are left out, and an embedded row drops its
``household_id`` (the document is the household).

    python tests/bench/pouchdb_docs.py STORE_HOME OUT.jsonl
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import dbfile  # noqa: E402
from workteam_desktop.store.home import store_path  # noqa: E402

EMBEDDED = {"member": "members", "income": "income"}


def _rows(db: Any, entity: str) -> dict[str, dict[str, Any]]:
    """Every live row of ``entity``: row id -> fields (the log's changes merged in order)."""
    rows: dict[str, dict[str, Any]] = {}
    for row_id, fields in db.execute(
            "SELECT row_id, fields FROM change_log WHERE entity = ? ORDER BY seq", (entity,)):
        rows.setdefault(row_id, {}).update(orjson.loads(fields))
    return {k: v for k, v in rows.items() if not v.get("deleted")}


def household_docs(home: Path) -> list[dict[str, Any]]:
    """The documents of the store in ``home``, in household number order."""
    db = dbfile.connect(store_path(home))
    try:
        households = _rows(db, "household")
        children: dict[str, dict[str, list[dict[str, Any]]]] = {
            key: defaultdict(list) for key in EMBEDDED.values()}
        for entity, key in EMBEDDED.items():
            for row_id, fields in _rows(db, entity).items():
                owner = fields.pop("household_id")
                children[key][owner].append({"id": row_id, **fields})
    finally:
        db.close()
    docs = []
    for hid, fields in sorted(households.items(), key=lambda kv: (str(kv[1].get("number")), kv[0])):
        doc = {"_id": hid, **fields}
        for key in EMBEDDED.values():
            doc[key] = children[key].get(hid, [])
        docs.append(doc)
    return docs


def write_docs(home: Path, out: Path) -> dict[str, int]:
    """Write one JSON line per household to ``out``; counts and sizes."""
    docs = household_docs(home)
    total = members = income = 0
    with out.open("wb") as f:
        for doc in docs:
            line = orjson.dumps(doc)
            total += len(line)
            members += len(doc["members"])
            income += len(doc["income"])
            f.write(line + b"\n")
    return {"docs": len(docs), "members": members, "income": income, "bytes": total,
            "average_bytes": round(total / len(docs)) if docs else 0}


if __name__ == "__main__":
    print(orjson.dumps(write_docs(Path(sys.argv[1]), Path(sys.argv[2]))).decode())
