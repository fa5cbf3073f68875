"""Issue 19, point 6: a `tel:` link clicked on macOS while ctidesk runs arrives as Qt's
QFileOpenEvent (an Apple Event, not a second start) and is dialled like any other link."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from ctidesk.gui.url_open_events import UrlOpenEvents

pytestmark = pytest.mark.gui


def test_a_link_opened_by_the_system_is_dialled_and_a_file_is_left_alone(
    qapp: QApplication,
) -> None:
    dialled: list[str] = []
    events = UrlOpenEvents(dialled.append)
    qapp.installEventFilter(events)
    try:
        QCoreApplication.sendEvent(qapp, QFileOpenEvent(QUrl("tel:+49-30-1234567")))
        QCoreApplication.sendEvent(qapp, QFileOpenEvent(QUrl("callto:+4930999")))
        QCoreApplication.sendEvent(qapp, QFileOpenEvent(QUrl.fromLocalFile("/tmp/notes.txt")))
    finally:
        qapp.removeEventFilter(events)
    assert dialled == ["tel:+49-30-1234567", "callto:+4930999"]
