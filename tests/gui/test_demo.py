"""The demo end to end in-process: real phone simulator, listener, Grandstream control, Zammad
simulator and lookup, NFON login. A simulated ring shows the card; each button drives the phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ctidesk.app import Context, Core
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.config.settings import Settings
from ctidesk.core.calls import CallState
from ctidesk.core.journal import Journal
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.demo import DemoWorld
from ctidesk.gui.desktop import Desktop
from tests.clients.zammad_support import applied_pushes

from .conftest import wait_until

pytestmark = pytest.mark.gui


@pytest.fixture
def demo(tmp_path: Path, loop: Any, run: Any, opened: list[str]) -> Any:
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    context = Context(paths, paths.settings_file, Settings(), MemorySecretStore(), Redactor())
    core = Core(tracker=CallTracker(), journal=Journal(paths.journal_file))
    desktop = Desktop(
        context,
        core,
        loop,
        tray_available=True,
        opener=opened.append,
        enable_hotkey=False,
        quit_app=lambda: None,
    )
    desktop.show()
    world = DemoWorld(context, core)
    parts = run(world.start())
    desktop.attach(parts)
    yield desktop, world
    run(desktop.close())
    run(core.close())


def test_demo_ring_shows_caller_and_buttons_drive_the_phone(
    demo: Any, run: Any, opened: list[str]
) -> None:
    desktop, world = demo
    assert desktop.bridge.status.nfon_signed_in is True
    assert desktop.tray.simulate_action is not None
    desktop.tray.simulate_action.trigger()

    run(wait_until(lambda: desktop.popups.cards()))
    (card,) = desktop.popups.cards()
    assert "+49 89 99998123" in card.number_label.text() or "+49 89" in card.number_label.text()
    assert card.windowTitle().startswith("Incoming call from Maria Huber")
    run(wait_until(lambda: "Maria Huber" in card.customer_label.text()))
    assert "Bäckerei Huber GmbH" in card.customer_label.text()
    titles = {card.tickets.topLevelItem(i).text(1) for i in range(card.tickets.topLevelItemCount())}
    assert {"Brötchenautomat zeigt Fehler E42", "Rechnung März fehlt"} <= titles

    card.answer_button.click()
    run(wait_until(lambda: card.call.state is CallState.CONNECTED))
    assert world.phone_sim.line(1).state == "connected"
    card.hold_button.click()
    run(wait_until(lambda: world.phone_sim.line(1).state == "onhold"))
    run(wait_until(lambda: card.call.state is CallState.HELD))
    card.hold_button.click()
    run(wait_until(lambda: world.phone_sim.line(1).state == "connected"))
    card.customer_button.click()
    assert opened and "/#user/profile/" in opened[-1]
    card.end_button.click()
    run(wait_until(lambda: card.after_call))
    card.done_button.click()
    assert not desktop.popups.cards()
    assert world.phone_sim.line(1).state == "idle"
    run(wait_until(lambda: [e for _c, e in applied_pushes(world.zammad_sim)][-1:] == ["hangup"]))
    assert [e for _c, e in applied_pushes(world.zammad_sim)] == ["newCall", "answer", "hangup"]
    assert world.zammad_sim.log[0].from_comment == "Maria Huber"


def test_demo_reject_dial_and_dnd(demo: Any, run: Any) -> None:
    desktop, world = demo
    world.simulate_call()
    run(wait_until(lambda: desktop.popups.cards()))
    desktop.popups.cards()[0].reject_button.click()
    run(wait_until(lambda: not desktop.popups.cards()))
    assert world.phone_sim.line(1).state == "idle"

    desktop.bridge.dial("+49 30 1234567")
    run(wait_until(lambda: world.phone_sim.dialed))
    assert world.phone_sim.dialed[0].number.endswith("301234567")

    desktop.tray.dnd_action.trigger()
    run(wait_until(lambda: world.phone_sim.dnd))
    run(wait_until(lambda: desktop.tray.dnd_action.isChecked()))
