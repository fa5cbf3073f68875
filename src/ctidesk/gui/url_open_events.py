"""`tel:` and `callto:` links clicked on macOS while ctidesk runs.

macOS does not start a second ctidesk for a link (that is how Windows and Linux hand it over,
through `ctidesk dial --start` and the single instance): it sends the running app an Apple
Event, which Qt delivers to the application as a `QFileOpenEvent` carrying the URL. The .app's
Info.plist claims the two schemes; a link that starts ctidesk arrives as a command-line
argument instead (PyInstaller's argv emulation).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent

log = logging.getLogger(__name__)


class UrlOpenEvents(QObject):
    """An application event filter: each opened link goes to ``dial`` (the desktop's
    single-instance request), files are left to Qt."""

    def __init__(self, dial: Callable[[str], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dial = dial

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt API name
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            url = event.url()
            if url.scheme() and not url.isLocalFile():
                log.info("the system opened a %s: link", url.scheme())
                self._dial(url.toString())
                return True
        return super().eventFilter(watched, event)
