"""Issue 19, point 5: the running app carries `ctidesk.APP_ID` as its application name (the
X11 window class and the StatusNotifierItem id), its desktop file name (the Wayland app id)
and, on Windows, its AppUserModelID."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from ctidesk import APP_ID
from ctidesk.gui.app_identity import apply_app_identity, set_windows_app_user_model_id

pytestmark = pytest.mark.gui


@pytest.fixture
def restored(qapp: QApplication) -> Iterator[QApplication]:
    name, desktop = qapp.applicationName(), QGuiApplication.desktopFileName()
    yield qapp
    qapp.setApplicationName(name)
    QGuiApplication.setDesktopFileName(desktop)


def test_the_application_takes_the_app_id(restored: QApplication) -> None:
    apply_app_identity(restored, platform="linux")
    assert restored.applicationName() == APP_ID
    assert QGuiApplication.desktopFileName() == APP_ID


def test_on_windows_the_process_gets_the_app_user_model_id(
    restored: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(
        "ctidesk.gui.app_identity.set_windows_app_user_model_id", lambda: calls.append("set")
    )
    apply_app_identity(restored, platform="win32")
    assert calls == ["set"]


class Shell32:
    """shell32.dll's one function used here, as ctypes exposes it (returns an HRESULT)."""

    def __init__(self, result: int) -> None:
        self.result = result
        self.ids: list[str] = []

    def SetCurrentProcessExplicitAppUserModelID(self, app_id: str) -> int:
        self.ids.append(app_id)
        return self.result


def test_the_app_user_model_id_is_the_app_id() -> None:
    shell32 = Shell32(0)
    assert set_windows_app_user_model_id(shell32)
    assert shell32.ids == [APP_ID]


def test_a_refused_app_user_model_id_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    assert not set_windows_app_user_model_id(Shell32(-2147024809))
    assert "AppUserModelID" in caplog.text
