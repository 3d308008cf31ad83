"""Work off the GUI thread: results come back on the GUI thread, and while any work runs
the GUI's own objects are kept out of the cyclic collector (a full collection caused by the
work's allocations would rescan them all under the GIL and freeze the window)."""

from __future__ import annotations

import gc
import threading

from workteam_desktop.ui.tasks import TaskRunner


def test_gui_objects_are_set_aside_from_the_collector_while_work_runs(qtbot) -> None:
    runner = TaskRunner()
    release = threading.Event()
    during: list[int] = []
    results: list[str] = []
    gui_objects = [{"row": i} for i in range(1000)]  # what the window holds

    def job(tag: str) -> str:
        release.wait(10)
        return tag

    first = runner.run(job, "a", done=results.append)
    second = runner.run(job, "b", done=results.append)
    during.append(gc.get_freeze_count())
    release.set()
    qtbot.waitUntil(lambda: first.finished and second.finished, timeout=10000)
    assert sorted(results) == ["a", "b"]
    assert during[0] >= len(gui_objects)  # frozen while the two jobs ran
    assert gc.get_freeze_count() == 0  # collected as usual once all work ended
    assert runner.active_count == 0
