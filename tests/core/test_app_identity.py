"""Issue 19, point 5: the app's identity is one id everywhere.

`ctidesk.APP_ID` must be the menu entry's file name and its StartupWMClass (the X11 window
class), the Wayland app id (QGuiApplication.setDesktopFileName), the id of the desktop's
notifications, the Windows AppUserModelID (process and installer shortcut) and the macOS bundle
id. Before, the entry was ctidesk.desktop with StartupWMClass=org.ctidesk.CTIDesk while Qt's
window class was "ctidesk", so no desktop matched the windows to the entry.
"""

from __future__ import annotations

import configparser
import plistlib
import re
from pathlib import Path

from ctidesk import APP_ID
from ctidesk.config.desktop_integration import DESKTOP_FILE_NAME, desktop_entry

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def _entry(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser["Desktop Entry"]


def test_the_app_id_is_reverse_dns() -> None:
    assert re.fullmatch(r"[a-z]+(\.[A-Za-z][A-Za-z0-9]*){2,}", APP_ID)


def test_the_menu_entries_are_named_by_the_app_id_and_claim_its_window_class() -> None:
    assert f"{APP_ID}.desktop" == DESKTOP_FILE_NAME
    packaged = PACKAGING / "linux" / DESKTOP_FILE_NAME
    assert packaged.is_file(), "the .deb's menu entry is named by the app id"
    assert not (PACKAGING / "linux" / "ctidesk.desktop").exists()
    assert _entry(packaged.read_text(encoding="utf-8"))["StartupWMClass"] == APP_ID
    written = _entry(desktop_entry(["ctidesk"], autostart=False))
    assert written["StartupWMClass"] == APP_ID


def test_the_deb_installs_the_entry_under_that_name() -> None:
    script = (PACKAGING / "linux" / "build-deb.sh").read_text(encoding="utf-8")
    assert f"usr/share/applications/{DESKTOP_FILE_NAME}" in script
    assert f"packaging/linux/{DESKTOP_FILE_NAME}" in script


def test_the_process_takes_the_id_on_every_platform() -> None:
    """The Qt side is checked against a real QGuiApplication in tests/gui/test_app_identity.py;
    here the installers: the Windows shortcut and the macOS bundle read ctidesk.APP_ID."""
    iss = (PACKAGING / "windows" / "ctidesk.iss").read_text(encoding="utf-8")
    assert 'AppUserModelID: "{#AppId}"' in iss
    build = (PACKAGING / "windows" / "build.ps1").read_text(encoding="utf-8")
    assert "ctidesk.APP_ID" in build
    spec = (ROOT / "pyinstaller.spec").read_text(encoding="utf-8")
    assert "APP_ID = ctidesk.APP_ID" in spec
    assert '"CFBundleIdentifier": APP_ID' in spec and "bundle_identifier=APP_ID" in spec
    additions = plistlib.loads((PACKAGING / "macos" / "Info.additions.plist").read_bytes())
    assert "CFBundleIdentifier" not in additions, "the spec sets it from ctidesk.APP_ID"
