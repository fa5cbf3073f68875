"""The flaky segfault after the GUI tests: a closed qasync loop's Qt timers outlived it.

Each GUI test closes its loop; qasync's closed loop keeps a QObject with its pending timers in a
reference cycle, which Python's cycle collector freed later on whatever thread allocated then
(the journal's writer thread). Qt then could not unregister the timers ("Timers cannot be stopped
from another thread") and delivered the next one to freed memory inside ``processEvents``: the
segfault in pytest-qt's ``_process_events`` in the first core tests. `close_event_loop` deletes
the loop's Qt objects on the GUI thread, so a later collection anywhere frees only Python objects.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

CHILD = """
import gc, threading, time
import qasync
from PySide6.QtWidgets import QApplication
from ctidesk.gui.event_loop import close_event_loop

app = QApplication([])

def closed_loop_with_a_pending_timer() -> None:
    loop = qasync.QEventLoop(app)
    loop.call_later(0.2, print, "a callback of a closed loop ran")
    close_event_loop(loop)

closed_loop_with_a_pending_timer()
collector = threading.Thread(target=gc.collect, name="like-the-journal-writer")
collector.start()
collector.join()
deadline = time.monotonic() + 0.8
while time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print("alive")
"""


def test_a_closed_loop_collected_on_another_thread_leaves_no_timer_behind() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", CHILD],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Timers cannot be stopped from another thread" not in result.stderr
    assert (result.returncode, result.stdout.strip()) == (0, "alive"), result.stderr
