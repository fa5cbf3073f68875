"""One id for the app everywhere the desktop matches windows, icons and notifications to it.

`ctidesk.APP_ID` (``org.ctidesk.CTIDesk``) is: the name of the menu entry
(``org.ctidesk.CTIDesk.desktop``) and its ``StartupWMClass``, the X11 window class (Qt takes
it from the application name), the Wayland app id (`QGuiApplication.setDesktopFileName`),
the StatusNotifierItem's id, the ``desktop-entry`` of its notifications, the Windows
AppUserModelID (set here for the process; the installer's Start-menu shortcut carries the
same) and the macOS bundle id (`pyinstaller.spec`). The name people read stays "ctidesk":
every window sets its own title, and the menu entry's Name is ctidesk.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from PySide6.QtGui import QGuiApplication

from ctidesk import APP_ID

log = logging.getLogger(__name__)


def apply_app_identity(app: QGuiApplication, platform: str = sys.platform) -> None:
    """Give the running process the app id (before any window is shown)."""
    app.setApplicationName(APP_ID)
    QGuiApplication.setDesktopFileName(APP_ID)
    if platform == "win32":
        set_windows_app_user_model_id()


def set_windows_app_user_model_id(shell32: Any = None) -> bool:
    """Windows groups the taskbar button, the toasts and the pinned shortcut by this id; the
    installer's shortcut has the same, so the toasts carry ctidesk's name and icon."""
    if shell32 is None:
        import ctypes

        shell32 = ctypes.windll.shell32  # type: ignore[attr-defined]
    result = shell32.SetCurrentProcessExplicitAppUserModelID(APP_ID)
    if result != 0:
        log.warning("Windows did not take the AppUserModelID (HRESULT %#x)", result & 0xFFFFFFFF)
        return False
    return True
