"""One GUI measurement in a fresh process (run by test_bench_gui.py, one mode per run).

    python gui_probe.py bare                 a bare QApplication + QMainWindow, shown
    python gui_probe.py start HOME           the main window with the first households shown
    python gui_probe.py search HOME SEED     household searches until the table holds results
    python gui_probe.py scroll HOME          scroll the whole list top to bottom; peak RSS

Prints one JSON line. ``ready_at`` is the wall-clock time (time.time()) at which the
window was usable, so the caller can measure from before it started this process.
"""

from __future__ import annotations

import time

STARTED = time.time()  # before any heavy import: start-up includes importing Qt

import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402

from benchlib import peak_rss_mb  # noqa: E402  (beside this file)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _immortal_singletons() -> None:
    """Work around PySide6 6.12.0 on CPython < 3.12: every call of a Qt method returning
    void (bool) drops a reference to None (True/False) it never took, so a long run dies
    with "deallocating None". From 3.12 these objects are immortal; make them so here,
    or the scroll benchmark crashes long before the end of the list."""
    if sys.version_info >= (3, 12):
        return
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


_immortal_singletons()


def wait(app, condition, timeout: float = 60.0) -> None:
    """Process events until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the GUI did not get there in time")
        app.processEvents()
        time.sleep(0.0005)


def bare() -> dict:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1366, 740)
    window.show()
    wait(app, lambda: window.windowHandle() is not None and window.windowHandle().isExposed())
    app.processEvents()
    return {"ready_at": time.time(), "peak_rss_mb": round(peak_rss_mb(), 1)}


def _households(home: str, marks: dict[str, float] | None = None):
    marks = {} if marks is None else marks
    from pathlib import Path

    from workteam_desktop.store.setup import home_is_empty
    from workteam_desktop.ui.app import open_window

    marks["imported"] = time.time()
    # What ui.app.run() asks first: a new or empty home gets the first-run page instead.
    assert not home_is_empty(Path(home))
    app, window = open_window(home)
    marks["window_built"] = time.time()
    window.resize(1366, 740)
    window.show()
    window.show_page("households")
    marks["page_shown"] = time.time()
    page = window.current_page()
    model = page.model
    wait(app, lambda: model.rowCount() > 0 and model.row(0) is not None)
    app.processEvents()  # the rows are painted
    return app, window, page


def start(home: str) -> dict:
    marks: dict[str, float] = {}
    app, window, page = _households(home, marks)
    ready = time.time()
    shown = page.model.rowCount()
    stages = {"imports_s": marks["imported"] - STARTED,
              "store_and_window_s": marks["window_built"] - marks["imported"],
              "households_page_s": marks["page_shown"] - marks["window_built"],
              "first_rows_s": ready - marks["page_shown"]}
    wait(app, lambda: page.model.counted)
    window.ctx.tasks.wait()
    return {"ready_at": ready, "rows_shown": shown, "total": page.model.total,
            "encrypted": window.store.key is not None,
            "stages": {k: round(v, 3) for k, v in stages.items()},
            "peak_rss_mb": round(peak_rss_mb(), 1)}


def search(home: str, seed: int) -> dict:
    from workteam_desktop.store.households import HouseholdFilter, list_households

    app, window, page = _households(home)
    model = page.model
    with window.store.read() as cur:
        heads = [tuple(r) for r in cur.execute(
            "SELECT head_name, id_number FROM household ORDER BY random() LIMIT 500")]
    rng = random.Random(seed)
    sample = rng.sample(heads, 34)
    queries = ([("full_name", n) for n, _ in sample]
               + [("fragment", n[1:] if len(n) > 2 else n[-1]) for n, _ in sample]
               + [("id_last4", i[-4:]) for _, i in sample])
    times: dict[str, list[float]] = {}
    misses = 0
    tasks = window.ctx.tasks
    loaded_at = [0.0]

    def loaded() -> None:  # the moment the model holds the first page of results
        loaded_at[0] = time.perf_counter()

    model.sig_loaded.connect(loaded)
    for kind, text in queries:
        # The user types the next search with the list showing the last one's results
        # (and its count): nothing of the previous query is still running.
        wait(app, lambda: model.counted and tasks.active_count == 0)
        started = time.perf_counter()
        page.search_box.setText(text)  # starts the type-ahead timer
        page.apply_search()  # what the timer does when it fires
        wait(app, lambda: not model.loading)
        times.setdefault(kind, []).append((loaded_at[0] - started) * 1000)
        shown = [r.id for r in model.loaded_rows()[:50]]
        expected = [r["id"] for r in list_households(window.store, HouseholdFilter(search=text),
                                                      limit=50)]
        misses += shown != expected or not shown
    window.ctx.tasks.wait()
    every = sorted(t for ts in times.values() for t in ts)

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 2)

    return {"queries": len(every), "p50_ms": pct(every, 0.5), "p95_ms": pct(every, 0.95),
            "max_ms": round(every[-1], 2), "mismatches": misses,
            "by_kind": {k: {"p50_ms": pct(v, 0.5), "p95_ms": pct(v, 0.95)}
                        for k, v in times.items()}}


def scroll(home: str) -> dict:
    app, window, page = _households(home)
    model, table = page.model, page.table
    wait(app, lambda: model.counted)
    bar = table.verticalScrollBar()
    started = time.perf_counter()
    steps = 0
    rss_start = peak_rss_mb()
    while True:
        viewport = table.viewport()
        app.processEvents()  # paint: the view asks for the rows it shows
        first = table.rowAt(0)
        last = table.rowAt(viewport.height() - 1)
        last = model.rowCount() - 1 if last < 0 else last
        wait(app, lambda f=first, lst=last: model.is_loaded(f, lst))
        steps += 1
        if bar.value() >= bar.maximum():
            break
        bar.setValue(bar.value() + bar.pageStep())
    elapsed = time.perf_counter() - started
    bottom = model.household_id(model.rowCount() - 1)
    window.ctx.tasks.wait()
    return {"rows": model.rowCount(), "view_pages": steps, "seconds": round(elapsed, 1),
            "cached_pages": model.cached_pages(), "last_row_loaded": bottom is not None,
            "rss_before_scroll_mb": round(rss_start, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1)}


def main(argv: list[str]) -> None:
    mode = argv[1]
    if mode == "bare":
        out = bare()
    elif mode == "start":
        out = start(argv[2])
    elif mode == "search":
        out = search(argv[2], int(argv[3]) if len(argv) > 3 else 7)
    elif mode == "scroll":
        out = scroll(argv[2])
    else:
        raise SystemExit(f"unknown mode {mode}")
    out["started_at"] = STARTED
    print(json.dumps(out, ensure_ascii=False), flush=True)
    os._exit(0)  # skip Qt's teardown: it is not what is measured


if __name__ == "__main__":
    main(sys.argv)
