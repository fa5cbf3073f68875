"""The GUI tests' own pass condition (issue 14, finding 3): "Pass means ... the crash handler
recorded nothing". A small test file runs with this folder's conftest in a separate pytest; each
test that lets an error reach the crash handler (a Qt slot, a Qt timer, an asyncio task, an
asyncio callback) must fail although it asserts nothing, and the clean one must pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]

ROOT = Path(__file__).parents[2]

SAMPLE = """
import asyncio

from PySide6.QtCore import QObject, QTimer, Signal


class Emitter(QObject):
    fired = Signal()


def test_slot_raises(qapp):
    emitter = Emitter()
    emitter.fired.connect(lambda: 1 / 0)
    emitter.fired.emit()


def test_timer_slot_raises(run):
    def boom():
        raise KeyError("from a timer")

    QTimer.singleShot(0, boom)
    run(asyncio.sleep(0.05))


def test_task_fails(loop, run):
    async def fail():
        raise ValueError("from a task")

    loop.create_task(fail())
    run(asyncio.sleep(0.05))


def test_callback_fails(loop, run):
    def fail():
        raise LookupError("from a callback")

    loop.call_soon(fail)
    run(asyncio.sleep(0.05))


def test_clean(loop, run):
    run(asyncio.sleep(0.01))
"""


def test_an_error_caught_by_the_crash_handler_fails_the_test(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(SAMPLE, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.gui.conftest",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(ROOT),
            "-q",
            "-rfE",
            str(sample),
        ],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    failed = {line.split("::")[1].split()[0] for line in output.splitlines() if "FAILED" in line}
    assert failed == {
        "test_slot_raises",
        "test_timer_slot_raises",
        "test_task_fails",
        "test_callback_fails",
    }, output
    assert "4 failed, 1 passed" in output, output
    assert "error" not in output.splitlines()[-1], "failed in the test, not in its teardown"
