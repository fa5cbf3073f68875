"""The Ringtones page: ring on this PC, with a tone for internal, external and customer calls."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ctidesk.core.ringtones import RingtoneError, scaled_wav
from ctidesk.gui.settings_pages.page import SectionData, SettingsPage

MAX_SOUND_BYTES = 20 * 1024 * 1024
SOUND_KEYS = ("internal_sound", "external_sound", "customer_sound")


class RingtonesPage(SettingsPage):
    section = "ringtones"

    def title(self) -> str:
        return self.tr("&Ringtones")

    def build(self) -> None:
        explanation = QLabel(
            self.tr(
                "ctidesk can ring on this PC with a distinct tone for internal calls, external "
                "calls and known customers. The desk phone rings as set on the phone."
            )
        )
        explanation.setWordWrap(True)
        self.form.addRow(explanation)
        self.check(self.tr("Ring on this &PC"), "enabled")
        volume = QSpinBox()
        volume.setRange(0, 100)
        volume.setSuffix(" %")
        volume.setValue(round(self.stored("volume") * 100))
        self.add(self.tr("&Volume"), "volume", volume, lambda: volume.value() / 100)
        self.sound_edits: dict[str, QLineEdit] = {}
        labels = (
            self.tr("&Internal calls"),
            self.tr("E&xternal calls"),
            self.tr("Known c&ustomers"),
        )
        for key, label in zip(SOUND_KEYS, labels, strict=True):
            self.sound_edits[key] = self._sound_row(key, label)

    def _sound_row(self, key: str, label: str) -> QLineEdit:
        edit = QLineEdit(str(self.stored(key)))
        edit.setPlaceholderText(self.tr("built-in tone"))
        edit.setAccessibleName(label.replace("&", ""))
        choose = QPushButton(self.tr("Choose…"))
        choose.setAccessibleName(
            self.tr("Choose the sound file for %1").replace("%1", label.replace("&", ""))
        )
        choose.clicked.connect(lambda _=False, edit=edit: self._choose_sound(edit))
        row = QWidget()
        row.setFocusProxy(edit)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(edit, 1)
        line.addWidget(choose)
        self.add(
            label,
            key,
            row,
            partial(_stripped_text, edit),
            self.tr("a 16-bit PCM WAV file; empty for the built-in tone"),
        )
        edit.textChanged.connect(lambda *_: self.edited.emit(self.section))
        return edit

    def _choose_sound(self, edit: QLineEdit) -> None:
        current = edit.text().strip()
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a ringtone"),
            str(Path(current).parent) if current else "",
            self.tr("WAV files (*.wav)"),
        )
        if path:
            edit.setText(path)

    def problems(self, data: SectionData) -> dict[str, str]:
        problems = {key: self._sound_problem(str(data[key])) for key in SOUND_KEYS}
        return {key: problem for key, problem in problems.items() if problem}

    def _sound_problem(self, name: str) -> str:
        """An own ringtone must be a WAV file ctidesk can play (else the built-in tone rings)."""
        if not name:
            return ""
        path = Path(name).expanduser()
        try:
            if not path.is_file():
                return self.tr(
                    "there is no such file; choose a WAV file, or clear the field for the "
                    "built-in tone"
                )
            if path.stat().st_size > MAX_SOUND_BYTES:
                return self.tr("the file is too large for a ringtone; choose a shorter WAV file")
            scaled_wav(path.read_bytes(), 1.0)
        except OSError:
            return self.tr("the file cannot be read; check its permissions or choose another")
        except RingtoneError:
            return self.tr(
                "this is not a 16-bit PCM WAV file; convert it or choose another, or clear the "
                "field for the built-in tone"
            )
        return ""


def _stripped_text(edit: QLineEdit) -> str:
    return edit.text().strip()
