"""The demo helper process: ``python -m workteam_desktop.demo.helper HOUSEHOLDS SEED TODAY``.

Started by :mod:`.producer`; writes the county's batches to stdout as length-prefixed
pickles (an 8-byte little-endian length, then the pickle; length 0 ends the stream).
"""

from __future__ import annotations

import datetime as dt
import pickle
import sys
from typing import BinaryIO

from .county import batches

HEADER = 8  # bytes of the length before each pickle


def serve(households: int, seed: int, today: dt.date, out: BinaryIO) -> None:
    """Write every batch to ``out``, then the end mark."""
    for batch in batches(households, seed, today):
        data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(len(data).to_bytes(HEADER, "little"))
        out.write(data)
        out.flush()
    out.write(bytes(HEADER))
    out.flush()


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), dt.date.fromisoformat(sys.argv[3]),
          sys.stdout.buffer)
