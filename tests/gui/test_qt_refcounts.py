"""The Qt binding must not eat references to None: PySide6 6.12.0 dropped one on every Python
``timerEvent`` (which qasync runs for each asyncio callback) and every ``processEvents`` call, so
a running ctidesk died with "deallocating None" after some thousands of callbacks, minutes into
a busy day. pyproject.toml keeps that version out; this test keeps it out for good."""

from __future__ import annotations

import asyncio
import gc
import sys
from typing import Any

import pytest

pytestmark = pytest.mark.gui

CALLBACKS = 2000
"""Few enough that a leaking binding fails this test instead of crashing the test run."""
NOISE = CALLBACKS // 4
"""References to None that the rest of the process may drop meanwhile (objects of earlier tests
freed); a leaking binding drops one per callback, far more."""


def test_asyncio_callbacks_on_the_qt_loop_keep_none_alive(run: Any) -> None:
    async def callbacks() -> None:
        for index in range(CALLBACKS):
            await asyncio.sleep(0 if index % 2 else 0.0001)

    gc.collect()  # what earlier tests left to the collector must not count as lost here
    gc.disable()
    try:
        before = sys.getrefcount(None)
        run(callbacks(), 60.0)
        lost = before - sys.getrefcount(None)
    finally:
        gc.enable()
    assert lost < NOISE, (
        f"{lost} references to None lost over {CALLBACKS} loop callbacks: this Qt binding "
        "would crash ctidesk after a while; pin another PySide6 version"
    )
