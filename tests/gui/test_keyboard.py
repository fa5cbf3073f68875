"""Issue 14, finding 7: the day by keyboard. Global hotkeys answer, hang up, dial the selection
and put the keyboard on the pop-up; the pop-up is driven by Tab, Alt+letter and Esc.

The hotkeys go through the real dispatch: `X11GlobalHotkey.activated` (what the X grab emits on
a key press; the grab itself is tested on a real X display in tests/e2e/test_keyboard_x11.py)
→ `GlobalHotkeys.pressed` → `Desktop.hotkey_pressed` → the bridge → the phone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ctidesk.app import Context, build_core
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.config.settings import Settings
from ctidesk.core.calls import Call, CallEvent, CallState, EventKind, EventSource
from ctidesk.core.ports import PhoneControl
from ctidesk.gui.desktop import Desktop, NetworkParts
from ctidesk.gui.hotkey import HotkeyAction, X11GlobalHotkey

from .conftest import ring, wait_until

pytestmark = pytest.mark.gui


def unregistered_key(shortcut: str, parent: QObject | None) -> X11GlobalHotkey:
    """The real hotkey object, without grabbing the key on an X display (there is none)."""
    return X11GlobalHotkey(shortcut, parent)


@pytest.fixture
def phone() -> Any:
    return create_autospec(PhoneControl, instance=True)


@pytest.fixture
def desktop(tmp_path: Path, loop: Any, run: Any, phone: Any) -> Iterator[Desktop]:
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    settings = Settings()
    settings.hotkey.answer = "Meta+Shift+A"
    settings.hotkey.hang_up = "Meta+Shift+H"
    settings.popup.close_when = "answered_elsewhere"
    context = Context(paths, paths.settings_file, settings, MemorySecretStore(), Redactor())
    core = build_core(context)
    desktop = Desktop(
        context,
        core,
        loop,
        tray_available=True,
        opener=lambda _url: None,
        quit_app=lambda: None,
        hotkey_grabber=unregistered_key,
    )
    desktop.show()
    tracker = core.tracker

    def reports(kind: EventKind) -> Any:
        def report(call: Call) -> None:
            tracker.handle(
                CallEvent(
                    source=EventSource.PHONE,
                    kind=kind,
                    remote=call.remote,
                    direction=call.direction,
                )
            )

        return report

    phone.answer.side_effect = reports(EventKind.ANSWERED)
    phone.end.side_effect = reports(EventKind.ENDED)
    phone.reject.side_effect = reports(EventKind.ENDED)
    desktop.attach(NetworkParts(phone=phone))
    yield desktop
    run(desktop.close())
    run(core.close())


def press(desktop: Desktop, action: HotkeyAction) -> None:
    """What the X grab does when the action's key combination is pressed."""
    desktop.hotkeys.registered()[action].activated.emit()


def test_every_hotkey_is_grabbed_as_configured(desktop: Desktop) -> None:
    """Finding 7: four named hotkeys, each its own key combination."""
    keys = {action: key._text for action, key in desktop.hotkeys.registered().items()}
    assert keys == {
        HotkeyAction.DIAL_SELECTION: "Meta+Shift+D",
        HotkeyAction.ANSWER: "Meta+Shift+A",
        HotkeyAction.HANG_UP: "Meta+Shift+H",
        HotkeyAction.FOCUS_POPUP: "Meta+Shift+P",
    }
    assert desktop.hotkey_problem == ""


def test_answer_and_hang_up_hotkeys_reach_the_phone(desktop: Desktop, phone: Any, run: Any) -> None:
    """Finding 7: answer takes the newest ringing call, hang up ends the active one and, with
    none, rejects the ringing one; all through the bridge, as the pop-up's buttons."""
    tracker = desktop.core.tracker
    first = ring(tracker, "+49 30 1111111")
    second = ring(tracker, "+49 30 2222222")
    press(desktop, HotkeyAction.ANSWER)
    run(wait_until(lambda: phone.answer.await_count == 1))
    assert phone.answer.await_args.args[0].id == second.id
    card = desktop.popups.card_for(second.id)
    assert card is not None and card.answered_here, "answered here: the card stays"
    assert tracker.get(second.id).state is CallState.CONNECTED  # type: ignore[union-attr]

    press(desktop, HotkeyAction.HANG_UP)
    run(wait_until(lambda: phone.end.await_count == 1))
    assert phone.end.await_args.args[0].id == second.id
    assert phone.reject.await_count == 0

    press(desktop, HotkeyAction.HANG_UP)
    run(wait_until(lambda: phone.reject.await_count == 1))
    assert phone.reject.await_args.args[0].id == first.id
    assert phone.answer.await_count == 1 and phone.end.await_count == 1


def test_dial_selection_hotkey_dials_what_is_selected(
    desktop: Desktop, phone: Any, run: Any
) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("+49 30 7654321")  # offscreen has no PRIMARY selection: the clipboard
    press(desktop, HotkeyAction.DIAL_SELECTION)
    run(wait_until(lambda: phone.dial.await_count == 1))
    assert phone.dial.await_args.args[0].key == "+49307654321"


def test_focus_popup_hotkey_gives_the_card_the_keyboard_and_esc_gives_it_back(
    desktop: Desktop, phone: Any, run: Any, qtbot: QtBot
) -> None:
    """Finding 7: the card shows without taking focus; the hotkey activates it with the focus
    on its first button, Tab moves on, Alt+letter presses, Esc gives the keyboard back and the
    call goes on."""
    journal = desktop.open_journal()
    qtbot.waitUntil(journal.isActiveWindow)
    call = ring(desktop.core.tracker, "+49 30 1234567")
    card = desktop.popups.card_for(call.id)
    assert card is not None and card.isVisible()
    assert card.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert card.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert journal.isActiveWindow() and not card.isActiveWindow(), "a ring takes no focus"
    assert QGuiApplication.focusWindow() is journal.windowHandle()

    press(desktop, HotkeyAction.FOCUS_POPUP)
    qtbot.waitUntil(card.isActiveWindow)
    assert not card.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert QApplication.focusWidget() is card.answer_button
    qtbot.keyClick(card.answer_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is card.reject_button

    qtbot.keyClick(card.reject_button, Qt.Key.Key_Escape)
    assert card.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert card.isVisible() and desktop.popups.card_for(call.id) is card
    qtbot.waitUntil(journal.isActiveWindow)
    assert phone.reject.await_count == 0 and phone.end.await_count == 0
    assert desktop.core.tracker.get(call.id).state is CallState.RINGING  # type: ignore[union-attr]

    press(desktop, HotkeyAction.FOCUS_POPUP)
    qtbot.waitUntil(card.isActiveWindow)
    qtbot.keyClick(card.answer_button, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    run(wait_until(lambda: phone.answer.await_count == 1))
    assert phone.answer.await_args.args[0].id == call.id


def test_focus_popup_without_a_card_shows_the_last_caller(desktop: Desktop, qtbot: QtBot) -> None:
    call = ring(desktop.core.tracker, "+49 30 1234567")
    desktop.popups.close_card(call.id)
    press(desktop, HotkeyAction.FOCUS_POPUP)
    card = desktop.popups.card_for(call.id)
    assert card is not None
    qtbot.waitUntil(card.isActiveWindow)
    assert QApplication.focusWidget() is card.answer_button
