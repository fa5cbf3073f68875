"""The Hotkey page: global key combinations to dial the selection, answer, hang up, focus."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence

from ctidesk.gui.settings_pages.page import SectionData, SettingsPage

HOTKEY_KEYS = ("dial_selection", "answer", "hang_up", "focus_popup")


class HotkeyPage(SettingsPage):
    section = "hotkey"

    def title(self) -> str:
        return self.tr("&Hotkey")

    def build(self) -> None:
        self.check(self.tr("Use global hotkeys"), "enabled")
        self.hotkey_edit = self.hotkey(
            self.tr("D&ial the selection"),
            "dial_selection",
            self.tr("click and press the keys; avoid Ctrl+Alt (AltGr on many keyboards)"),
        )
        off_when_empty = self.tr("click and press the keys; empty switches it off")
        self.hotkey(self.tr("&Answer the ringing call"), "answer", off_when_empty)
        self.hotkey(
            self.tr("Hang &up"),
            "hang_up",
            self.tr("ends the active call, or rejects the ringing one; empty switches it off"),
        )
        self.hotkey(
            self.tr("&Focus the pop-up"),
            "focus_popup",
            self.tr("Tab moves between its buttons, Esc gives the keyboard back; empty: off"),
        )

    def problems(self, data: SectionData) -> dict[str, str]:
        problems: dict[str, str] = {}
        seen: dict[str, str] = {}
        for key in HOTKEY_KEYS:
            hotkey = str(data[key])
            problem = hotkey_problem(hotkey)
            if not problem and hotkey in seen:
                problem = self.tr("already used by another hotkey above; pick another")
            if problem:
                problems[key] = problem
            elif hotkey:
                seen[hotkey] = key
        return problems


def hotkey_problem(text: str) -> str:
    """What is wrong with a recorded hotkey; empty (switched off) is fine."""
    translate = QCoreApplication.translate
    if not text:
        return ""
    sequence = QKeySequence.fromString(text, QKeySequence.SequenceFormat.PortableText)
    if sequence.isEmpty() or sequence.count() != 1:
        return translate("SettingsDialog", "record one key combination")
    combination = cast(Any, sequence)[0]
    modifiers = combination.keyboardModifiers()
    ctrl_alt = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    if modifiers & ctrl_alt == ctrl_alt:
        return translate(
            "SettingsDialog",
            "Ctrl+Alt types characters on many keyboards (AltGr); pick another combination",
        )
    if not modifiers & ~Qt.KeyboardModifier.KeypadModifier:
        return translate(
            "SettingsDialog", "add Ctrl, Alt, Shift or Meta, or the key cannot be typed any more"
        )
    return ""
