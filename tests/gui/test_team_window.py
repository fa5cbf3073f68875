"""Team view follows the NFON CTI simulator's line states and dials a colleague with a click."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import pytest
from pytestqt.qtbot import QtBot

from ctidesk.clients.nfon.cti import CtiClient, CtiSession, LineState, LineStatus, Presence
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.team_window import TeamWindow
from ctidesk.sim.nfon import NfonSimulator
from tests.gui.conftest import FakePhone, wait_until

pytestmark = pytest.mark.gui
Run = Callable[[Coroutine[Any, Any, Any]], Any]


def row_of(window: TeamWindow, extension: str) -> tuple[str, ...]:
    for row in range(window.table.rowCount()):
        texts = window.row_texts(row)
        if texts[0] == extension:
            return texts
    raise AssertionError(f"{extension} not shown")


def test_follows_the_cti_simulator_and_dials_with_a_click(
    qtbot: QtBot, bridge: DesktopBridge, phone: FakePhone, run: Run
) -> None:
    simulator = NfonSimulator(extensions={"1001": "Alice Agent", "1002": "Bob Support"})
    run(simulator.start())
    http = httpx.AsyncClient()
    session = CtiSession(http, simulator.cti_url, "K9999", lambda: "cti-password", customer="K9999")
    client = CtiClient(http, simulator.cti_url, session, customer="K9999", own_extension="1001")
    window = TeamWindow(dial=bridge.dial, submit=bridge.submit, own_extension="1001")
    qtbot.addWidget(window)
    tasks: list[Any] = []
    try:
        tasks.append(window.load_directory(client.extensions))
        tasks.append(window.follow(client.watch_line_states))
        run(wait_until(lambda: len(window.states) == 2 and window.names))
        assert row_of(window, "1002") == ("1002", "Bob Support", "Free", "Available")
        assert row_of(window, "1001")[1] == "Alice Agent (you)"

        simulator.set_line_state("1002", "ringing")
        run(wait_until(lambda: row_of(window, "1002")[2] == "Ringing"))
        simulator.set_line_state("1002", "in-use", "busy")
        run(wait_until(lambda: row_of(window, "1002")[2] == "On a call"))
        assert row_of(window, "1002")[3] == "Busy"
        simulator.set_line_state("1002", "idle", "dnd")
        run(wait_until(lambda: row_of(window, "1002")[3] == "Do not disturb"))

        window.filter_edit.setText("bob")
        assert window.table.rowCount() == 1
        window.table.setCurrentCell(0, 0)
        assert window.call_button.isEnabled()
        window.call_button.click()
        run(wait_until(lambda: phone.commands))
        assert phone.commands == [("dial", "1002")]

        window.filter_edit.setText("")
        window.dial_row(0)  # own extension: nothing to dial
        assert phone.commands == [("dial", "1002")]
    finally:
        for task in tasks:
            task.cancel()
        run(asyncio.gather(*tasks, return_exceptions=True))
        run(http.aclose())
        run(simulator.stop())


def test_an_async_iterator_can_feed_it_too(qtbot: QtBot, bridge: DesktopBridge, run: Run) -> None:
    async def states() -> AsyncIterator[LineStatus]:
        yield LineStatus(extension="200", line=LineState.OFFLINE, presence=Presence.OFFLINE)
        yield LineStatus(extension="30", line=LineState.IN_USE, presence=Presence.AVAILABLE)

    window = TeamWindow(dial=bridge.dial, submit=bridge.submit)
    qtbot.addWidget(window)
    run(asyncio.wait_for(asyncio.shield(window.follow_iterator(states())), 3))  # type: ignore[arg-type]
    assert [window.row_texts(r)[:3] for r in range(2)] == [
        ("30", "", "On a call"),
        ("200", "", "Offline"),
    ]
