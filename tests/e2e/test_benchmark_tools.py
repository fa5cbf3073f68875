"""The benchmarks' walk up the X window tree stops before the root (issue 14).

Asked about a top-level window, xwininfo names the root as its parent, and the root's parent
"0x0": ``xwininfo -id 0`` then waits for a mouse click, which on Xvfb never comes; the idle-CPU
benchmark hung there for good."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from benchmarks import bench_process

pytestmark = [pytest.mark.e2e]

WALK_SECONDS = 60.0


def test_the_walk_up_from_a_window_outside_the_tray_ends(x_display: dict[str, str]) -> None:
    tray_icon = subprocess.Popen(
        [sys.executable, str(bench_process.BASELINE)],
        env=x_display,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not bench_process._windows(x_display, "--pid", str(tray_icon.pid)):
            assert time.monotonic() < deadline, "the bare tray icon showed no window"
            time.sleep(0.1)
        found: list[int | None] = []
        # No window counts as the tray: every walk goes all the way up, to the top.
        walk = threading.Thread(
            target=lambda: found.append(bench_process._embedded(tray_icon.pid, x_display, set())),
            daemon=True,
        )
        walk.start()
        walk.join(WALK_SECONDS)
        assert not walk.is_alive(), "the walk up the window tree still waits (xwininfo -id 0?)"
        assert found == [None]
    finally:
        tray_icon.terminate()
        tray_icon.wait(10)
