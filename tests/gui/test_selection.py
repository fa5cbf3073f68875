"""Issue 19, point 1: "dial the selection" (the hotkey, `ctidesk dial --selection`) dials what
is selected, never the clipboard; where the selection has to be copied (Windows, macOS) the
user's clipboard is put back afterwards.

Offscreen Qt has no PRIMARY selection, like Windows and macOS; the copy keystroke is a stand-in
playing the focused program, which puts its selection on the clipboard when asked to copy.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtGui import QClipboard, QGuiApplication

from ctidesk.gui.hotkey import SelectionReader, platform_copy_keystroke

pytestmark = pytest.mark.gui

USER_CLIPBOARD = "the agent's own copied text"


@pytest.fixture
def clipboard(qapp: Any) -> QClipboard:
    board = QGuiApplication.clipboard()
    assert board is not None and not board.supportsSelection()
    board.setText(USER_CLIPBOARD)
    return board


def _program_with_selection(
    clipboard: QClipboard, loop: asyncio.AbstractEventLoop, selected: str
) -> Any:
    """The focused program: on the copy keystroke its selection goes to the clipboard (on the
    GUI thread, as the system delivers it)."""
    copies: list[str] = []

    def copy() -> None:
        copies.append(selected)
        if selected:
            loop.call_soon_threadsafe(clipboard.setText, selected)

    copy.copies = copies  # type: ignore[attr-defined]
    return copy


def test_the_selection_is_copied_and_the_clipboard_put_back(
    clipboard: QClipboard, loop: Any, run: Any
) -> None:
    copy = _program_with_selection(clipboard, loop, "+49 30 7654321")
    reader = SelectionReader(clipboard, copy, wait_seconds=2.0)
    assert run(reader.read()) == "+49 30 7654321"
    assert copy.copies == ["+49 30 7654321"]
    assert clipboard.text() == USER_CLIPBOARD


def test_nothing_selected_gives_nothing_not_the_clipboard(
    clipboard: QClipboard, loop: Any, run: Any
) -> None:
    reader = SelectionReader(clipboard, _program_with_selection(clipboard, loop, ""), 0.2)
    assert run(reader.read()) == ""
    assert clipboard.text() == USER_CLIPBOARD


def test_without_a_way_to_read_the_selection_the_clipboard_is_not_dialled(
    clipboard: QClipboard, run: Any
) -> None:
    """Before, a desktop without PRIMARY selection and without a copy keystroke (Wayland
    without primary selection, the offscreen tests) got the clipboard as "the selection"."""
    reader = SelectionReader(clipboard, platform="linux")
    assert run(reader.read()) == ""


def test_each_system_copies_with_its_own_keystroke() -> None:
    from ctidesk.gui import hotkey_macos, hotkey_windows

    assert platform_copy_keystroke("win32") is hotkey_windows.send_copy_keystroke
    assert platform_copy_keystroke("darwin") is hotkey_macos.send_copy_keystroke
    assert platform_copy_keystroke("linux") is None
