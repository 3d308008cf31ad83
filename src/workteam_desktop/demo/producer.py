"""Make the demo county's batches in a helper process while this one writes them.

Writing through the store's logged write path is the slow part of a large demo and runs
on one core; making the rows costs another seventh on top. A helper process makes batch
n+1 while this process writes batch n, on the machine's second core.

The helper is a fresh interpreter (``python -m workteam_desktop.demo.helper``), not a
``multiprocessing`` child: it imports nothing of the caller's program (a Qt GUI, a
script without a ``__main__`` guard) and needs no ``freeze_support()``. It writes
length-prefixed pickles to its stdout; the pipe holds at most one batch in flight, so
memory stays at about two batches. Frozen builds have no separate interpreter, and a
helper that cannot start makes the batches in-process instead: the content is the same.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import BinaryIO

from .county import Batch, batches
from .helper import HEADER


def can_spawn() -> bool:
    """Whether a helper interpreter can be started (not in a frozen build)."""
    return not getattr(sys, "frozen", False) and bool(sys.executable)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def stream(households: int, seed: int, today: dt.date) -> Generator[Batch, None, None]:
    """The same batches as :func:`county.batches`, made in a helper process.

    Closing the generator early (the caller was cancelled or failed) stops the helper.
    """
    package_root = str(Path(__file__).resolve().parents[2])  # the dir holding the package
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    # A file, not a pipe, for the helper's stderr: a pipe nobody reads until the end could
    # fill up with warnings and stall the helper.
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "workteam_desktop.demo.helper",
                 str(households), str(seed), today.isoformat()],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env=env,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))  # no console window
        except OSError:
            process = None
        if process is None:
            yield from batches(households, seed, today)
            return
        stdout = process.stdout
        assert stdout is not None
        received = 0
        try:
            while True:
                header = _read_exactly(stdout, HEADER)
                size = int.from_bytes(header, "little") if header is not None else None
                if size == 0:
                    return
                payload = _read_exactly(stdout, size) if size is not None else None
                if payload is None:  # the helper died: carry on without it, or say why
                    if received == 0:
                        yield from batches(households, seed, today)
                        return
                    process.wait()
                    errors.seek(0)
                    error = errors.read().decode(errors="replace").strip()
                    raise RuntimeError(f"the demo generator process failed: {error}")
                received += 1
                yield pickle.loads(payload)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            stdout.close()
