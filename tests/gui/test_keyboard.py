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
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QKeySequenceEdit, QWidget
from pytestqt.qtbot import QtBot

from ctidesk.app import Context, build_core
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.config.settings import Settings, load_settings
from ctidesk.core.calls import Call, CallEvent, CallState, EventKind, EventSource
from ctidesk.core.journal import Journal
from ctidesk.core.journal_reader import JournalReader
from ctidesk.core.ports import PhoneControl
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.desktop import Desktop, NetworkParts
from ctidesk.gui.hotkey import (
    GlobalHotkeys,
    HotkeyAction,
    HotkeyError,
    SelectionReader,
    X11GlobalHotkey,
)
from ctidesk.gui.journal_window import JournalWindow
from ctidesk.gui.settings_dialog import SettingsDialog

from .conftest import ring, wait_until
from .test_journal_window import add_call

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
    desktop: Desktop, phone: Any, run: Any, loop: Any
) -> None:
    """Offscreen has no PRIMARY selection, like Windows and macOS: the selection is copied
    with the copy keystroke (here the focused program's stand-in) and the clipboard restored."""
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("the agent's clipboard")

    def copy_keystroke() -> None:
        loop.call_soon_threadsafe(clipboard.setText, "+49 30 7654321")

    desktop._selection = SelectionReader(clipboard, copy_keystroke)
    press(desktop, HotkeyAction.DIAL_SELECTION)
    run(wait_until(lambda: phone.dial.await_count == 1))
    assert phone.dial.await_args.args[0].key == "+49307654321"
    assert clipboard.text() == "the agent's clipboard"


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


@pytest.fixture
def journal_parts(
    tmp_path: Path, tracker: CallTracker
) -> Iterator[tuple[Journal, JournalReader, CallTracker]]:
    journal = Journal(tmp_path / "journal.sqlite3")
    reader = JournalReader(tmp_path / "journal.sqlite3")
    tracker.subscribe(journal.on_call_changed)
    for n in range(60):
        add_call(tracker, f"+4930100000{n:02d}", f"Customer {n}", n, answered=True)
    journal.flush()
    yield journal, reader, tracker
    reader.close()
    journal.close()


def journal_window(
    qtbot: QtBot, parts: tuple[Journal, JournalReader, CallTracker], bridge: DesktopBridge
) -> JournalWindow:
    journal, reader, _tracker = parts
    window = JournalWindow(journal, reader, dial=bridge.dial, submit=bridge.submit, page_size=50)
    qtbot.addWidget(window)
    window.resize(900, 400)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_ctrl_f_puts_the_keyboard_in_the_journal_search(
    qtbot: QtBot, journal_parts: Any, bridge: DesktopBridge
) -> None:
    """Finding 7: Ctrl+F in the journal focuses its search field, from either tab."""
    window = journal_window(qtbot, journal_parts, bridge)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.search_edit.setText("Customer 1")
    window.apply_filter()
    window.tabs.setCurrentIndex(1)
    qtbot.keyClick(window.tabs, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 0
    assert window.search_edit.hasFocus()
    assert window.search_edit.selectedText() == "Customer 1", "typing replaces the old search"


def top_row_call(window: JournalWindow) -> str:
    entry = window.model.entry(window.table.rowAt(0))
    assert entry is not None
    return entry.id


def test_arriving_calls_keep_the_selection_and_the_rows_on_screen(
    qtbot: QtBot, journal_parts: Any, bridge: DesktopBridge
) -> None:
    """Finding 7: new calls arrive at the top; scrolled down, the selected call stays selected
    and the top visible row stays the same call (the rows do not slide under the pointer)."""
    window = journal_window(qtbot, journal_parts, bridge)
    _journal, _reader, tracker = journal_parts
    window.table.scrollTo(window.model.index(20, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    window.select_row(24)
    top, selected = top_row_call(window), window.selected_entry()
    assert window.table.rowAt(0) == 20 and selected is not None

    newest = [
        add_call(tracker, f"+4940200000{n}", f"New caller {n}", 100 + n, answered=False)
        for n in range(3)
    ]
    window.reload()
    assert window.model.entry(0).id == newest[-1]  # type: ignore[union-attr]
    assert window.selected_entry().id == selected.id  # type: ignore[union-attr]
    assert window.table.currentIndex().row() == 27
    assert top_row_call(window) == top
    assert window.table.rowAt(0) == 23

    window.table.scrollToTop()
    add_call(tracker, "+49 40 2999999", "At the top", 200, answered=False)
    window.reload()
    assert window.table.rowAt(0) == 0, "at the very top the newest call shows"
    assert window.selected_entry().id == selected.id  # type: ignore[union-attr]


def test_settings_dialog_sets_each_hotkey_and_refuses_one_used_twice(
    qtbot: QtBot, bridge: DesktopBridge, tmp_path: Path
) -> None:
    """Finding 7: each hotkey has its field; empty is off; one combination serves one action."""
    path = tmp_path / "settings.toml"
    dialog = SettingsDialog(bridge, path, MemorySecretStore())
    qtbot.addWidget(dialog)
    dialog.phone_address.setText("127.0.0.1")
    answer = dialog.field_widget("hotkey", "answer")
    focus = dialog.field_widget("hotkey", "focus_popup")
    assert isinstance(answer, QKeySequenceEdit) and isinstance(focus, QKeySequenceEdit)
    assert answer.keySequence().isEmpty(), "answering by hotkey is off until chosen"
    assert focus.keySequence().toString() == "Meta+Shift+P"

    answer.setKeySequence(QKeySequence("Meta+Shift+D"))
    assert "already used" in dialog.field_error("hotkey", "answer")
    assert not dialog.save()
    answer.setKeySequence(QKeySequence("Meta+Shift+A"))
    focus.clear()
    assert dialog.field_error("hotkey", "answer") == ""
    assert dialog.field_error("hotkey", "focus_popup") == ""
    assert dialog.save(), dialog.summary.text()
    saved = load_settings(path).hotkey
    assert (saved.dial_selection, saved.answer, saved.hang_up, saved.focus_popup) == (
        "Meta+Shift+D",
        "Meta+Shift+A",
        "",
        "",
    )
    assert saved.shortcuts() == {"dial_selection": "Meta+Shift+D", "answer": "Meta+Shift+A"}


def test_hotkeys_that_cannot_be_had_are_reported_once_each(qapp: QApplication) -> None:
    """Where no hotkey can be grabbed (Wayland) the sentence comes once, naming each hotkey;
    a combination given twice is grabbed for the first action only."""

    def unavailable(shortcut: str, parent: QObject | None) -> X11GlobalHotkey:
        raise HotkeyError("global hotkeys are not available on wayland")

    hotkeys = GlobalHotkeys(unavailable)
    assert hotkeys.register({"dial_selection": "Meta+Shift+D", "answer": "Meta+Shift+A"}) == [
        "dial_selection, answer hotkey: global hotkeys are not available on wayland"
    ]
    hotkeys = GlobalHotkeys(unregistered_key)
    problems = hotkeys.register({"focus_popup": "Meta+Shift+P", "hang_up": "Shift+Meta+p"})
    assert problems == [
        "hang_up hotkey: Shift+Meta+p is already the focus_popup hotkey; pick another in Settings"
    ]
    assert list(hotkeys.registered()) == [HotkeyAction.FOCUS_POPUP]
    hotkeys.unregister()


def test_esc_after_the_window_before_was_closed_keeps_the_card(
    desktop: Desktop, qtbot: QtBot
) -> None:
    other = QWidget()
    other.setWindowTitle("Closed meanwhile")
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    call = ring(desktop.core.tracker, "+49 30 1234567")
    press(desktop, HotkeyAction.FOCUS_POPUP)
    card = desktop.popups.card_for(call.id)
    assert card is not None
    qtbot.waitUntil(card.isActiveWindow)
    other.deleteLater()
    qtbot.waitUntil(lambda: not QApplication.topLevelWidgets().count(other))
    qtbot.keyClick(card.answer_button, Qt.Key.Key_Escape)
    assert card.isVisible() and card.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
