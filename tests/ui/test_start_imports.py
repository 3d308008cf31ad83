"""The start-up imports only what showing the first households needs.

The ORM, pydantic and the model classes are a third of the GUI's start-up time at
200,000 households (BENCHMARKS.md, GUI start); a page or a store module that imports them
at module level puts that time back on every start. Writing, the ORM reads and the other
pages load them on first use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Loaded by the models (sqlmodel and pydantic) or the ORM: none of them before the user
# does something that needs them.
NOT_AT_START = ("sqlmodel", "pydantic", "sqlalchemy.orm", "alembic", "httpx",
                "workteam_desktop.store.models")

PROBE = """
import json, sys, time
from workteam_desktop.ui.app import open_window
app, window = open_window(sys.argv[1])
window.show()
window.show_page("households")
model = window.current_page().model
deadline = time.monotonic() + 60
while not (model.rowCount() > 0 and model.row(0) is not None and model.counted):
    assert time.monotonic() < deadline, "no households shown"
    app.processEvents()
    time.sleep(0.001)
window.ctx.tasks.wait()
print(json.dumps({"rows": model.rowCount(),
                  "loaded": sorted(m for m in sys.modules
                                   if any(m == n or m.startswith(n + ".") for n in NAMES))}))
""".replace("NAMES", repr(NOT_AT_START))


def test_showing_the_first_households_imports_no_orm_and_no_models(ui_home: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", PROBE, str(ui_home)], capture_output=True,
                          text=True, timeout=120, env=env, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["rows"] > 0
    assert found["loaded"] == []


PRELOAD_PROBE = """
import json, sys, time
from workteam_desktop.ui import app as ui_app
app, window = ui_app.open_window(sys.argv[1])
ui_app._start(window, "households")  # as the program starts: the window, then its page
model = window.current_page().model
deadline = time.monotonic() + 60
while not (model.rowCount() > 0 and model.row(0) is not None):
    assert time.monotonic() < deadline, "no households shown"
    app.processEvents()
    time.sleep(0.001)
deadline = time.monotonic() + 20  # the preload starts 1.5 s after the window
while "workteam_desktop.store.models" not in sys.modules and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
window.ctx.tasks.wait()
print(json.dumps({"loaded": "workteam_desktop.store.models" in sys.modules}))
"""


def test_the_models_load_in_the_background_once_the_window_is_up(ui_home: Path) -> None:
    """Left out of the start-up, the ORM and the models are loaded on a thread of their
    own soon after: the first household opened does not wait for them."""
    from workteam_desktop.store import Store
    from workteam_desktop.store.backups import make_backup

    with Store.open(ui_home) as store:  # today's backup is made: none runs at this start
        make_backup(store, "daily")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", PRELOAD_PROBE, str(ui_home)],
                          capture_output=True, text=True, timeout=120, env=env, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"loaded": True}
