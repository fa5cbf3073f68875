"""Start at login and tel:/callto: registration on Linux, against a fake xdg-mime on PATH."""

from __future__ import annotations

import configparser
import plistlib
import stat
from pathlib import Path

import pytest

from ctidesk import APP_ID
from ctidesk.config.desktop_integration import (
    DESKTOP_FILE_NAME,
    LEGACY_DESKTOP_FILE_NAME,
    DesktopIntegrationError,
    LinuxIntegration,
    MacIntegration,
    desktop_entry,
    desktop_integration,
)

# Behaves like xdg-mime for the two calls ctidesk makes: records each call, and keeps the
# defaults in $XDG_CONFIG_HOME/mimeapps.list as the real one does.
FAKE_XDG_MIME = """#!/bin/sh
echo "$@" >> "$FAKE_XDG_MIME_LOG"
list="$XDG_CONFIG_HOME/mimeapps.list"
case "$1" in
  default) mkdir -p "$XDG_CONFIG_HOME"; echo "$3=$2" >> "$list" ;;
  query) [ -f "$list" ] && grep "^$3=" "$list" | tail -n 1 | cut -d= -f2 ;;
  *) echo "xdg-mime: unknown mode $1" >&2; exit 1 ;;
esac
exit 0
"""

COMMAND = ["/opt/ctidesk dir/ctidesk"]


def _make_tool(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    tool.write_text(body, encoding="utf-8")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return tool


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    _make_tool(bin_dir, "xdg-mime", FAKE_XDG_MIME)
    return {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_DATA_DIRS": str(tmp_path / "system-share"),
        "FAKE_XDG_MIME_LOG": str(tmp_path / "xdg-mime.log"),
    }


def _integration(environ: dict[str, str], tmp_path: Path) -> LinuxIntegration:
    chosen = desktop_integration("linux", COMMAND, environ, tmp_path / "home")
    assert isinstance(chosen, LinuxIntegration)
    return chosen


def _read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_autostart_entry_goes_to_xdg_config_home_and_comes_back_out(
    environ: dict[str, str], tmp_path: Path
) -> None:
    linux = _integration(environ, tmp_path)
    target = tmp_path / "config" / "autostart" / DESKTOP_FILE_NAME
    assert not linux.autostart_enabled()

    linux.set_autostart(True)

    assert linux.autostart_file == target
    assert linux.autostart_enabled()
    entry = _read_entry(target)
    assert entry["Type"] == "Application"
    assert entry["Exec"] == '"/opt/ctidesk dir/ctidesk"'
    assert "MimeType" not in entry
    linux.set_autostart(False)
    assert not target.exists()
    assert not linux.autostart_enabled()
    linux.set_autostart(False)


def test_an_autostart_entry_of_an_older_version_counts_and_is_replaced(
    environ: dict[str, str], tmp_path: Path
) -> None:
    """Issue 19, point 5: the entry is now named by the app id; the old name must neither
    start ctidesk twice nor survive "Start at login" being switched off."""
    legacy = tmp_path / "config" / "autostart" / LEGACY_DESKTOP_FILE_NAME
    legacy.parent.mkdir(parents=True)
    legacy.write_text(desktop_entry(["ctidesk"], autostart=True), encoding="utf-8")
    linux = _integration(environ, tmp_path)
    assert linux.autostart_enabled()

    linux.set_autostart(True)
    assert not legacy.exists() and linux.autostart_file.is_file()
    legacy.write_text(desktop_entry(["ctidesk"], autostart=True), encoding="utf-8")
    linux.set_autostart(False)
    assert not legacy.exists() and not linux.autostart_enabled()


def test_without_xdg_config_home_autostart_uses_dot_config(
    environ: dict[str, str], tmp_path: Path
) -> None:
    del environ["XDG_CONFIG_HOME"]
    linux = _integration(environ, tmp_path)
    linux.set_autostart(True)
    assert (tmp_path / "home" / ".config" / "autostart" / DESKTOP_FILE_NAME).is_file()


def test_autostart_into_an_unusable_folder_says_what_to_check(
    environ: dict[str, str], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    environ["XDG_CONFIG_HOME"] = str(blocker)
    with pytest.raises(DesktopIntegrationError, match="check that the folder is yours"):
        _integration(environ, tmp_path).set_autostart(True)


def test_url_handler_registration_sets_both_schemes_and_writes_a_user_entry(
    environ: dict[str, str], tmp_path: Path
) -> None:
    linux = _integration(environ, tmp_path)
    assert not linux.url_handler_registered()

    message = linux.register_url_handler()

    calls = Path(environ["FAKE_XDG_MIME_LOG"]).read_text(encoding="utf-8").splitlines()
    assert f"default {DESKTOP_FILE_NAME} x-scheme-handler/tel" in calls
    assert f"default {DESKTOP_FILE_NAME} x-scheme-handler/callto" in calls
    user_entry = tmp_path / "data" / "applications" / DESKTOP_FILE_NAME
    assert str(user_entry) in message
    entry = _read_entry(user_entry)
    assert entry["MimeType"] == "x-scheme-handler/tel;x-scheme-handler/callto;"
    assert entry["Exec"] == '"/opt/ctidesk dir/ctidesk" %u'
    assert linux.url_handler_registered()


def test_an_installed_desktop_file_is_used_instead_of_a_user_copy(
    environ: dict[str, str], tmp_path: Path
) -> None:
    installed = tmp_path / "system-share" / "applications" / DESKTOP_FILE_NAME
    installed.parent.mkdir(parents=True)
    installed.write_text(desktop_entry(["ctidesk"], autostart=False), encoding="utf-8")
    linux = _integration(environ, tmp_path)

    message = linux.register_url_handler()

    assert linux.installed_desktop_file() == installed
    assert not (tmp_path / "data" / "applications" / DESKTOP_FILE_NAME).exists()
    assert message == "ctidesk now opens tel: and callto: links"
    assert linux.url_handler_registered()


def test_missing_xdg_mime_is_a_sentence_naming_the_package(
    environ: dict[str, str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    environ["PATH"] = str(empty)
    linux = _integration(environ, tmp_path)
    with pytest.raises(DesktopIntegrationError, match="install xdg-utils"):
        linux.register_url_handler()
    assert not linux.url_handler_registered()


def test_xdg_mime_refusing_passes_on_its_reason(environ: dict[str, str], tmp_path: Path) -> None:
    _make_tool(tmp_path / "bin", "xdg-mime", "#!/bin/sh\necho 'no desktop database' >&2\nexit 4\n")
    with pytest.raises(DesktopIntegrationError, match="no desktop database"):
        _integration(environ, tmp_path).register_url_handler()


def test_exec_line_quotes_what_the_desktop_spec_reserves() -> None:
    entry = desktop_entry(["/usr/bin/ctidesk", "--config", '/tmp/a "b" $HOME'], autostart=True)
    assert 'Exec=/usr/bin/ctidesk --config "/tmp/a \\"b\\" \\$HOME"\n' in entry


def test_macos_login_item_is_a_launch_agent_plist(tmp_path: Path) -> None:
    mac = desktop_integration(
        "darwin", ["/Applications/ctidesk.app/Contents/MacOS/ctidesk"], {}, tmp_path
    )
    assert isinstance(mac, MacIntegration)
    mac.set_autostart(True)
    agent = tmp_path / "Library" / "LaunchAgents" / f"{APP_ID}.plist"
    loaded = plistlib.loads(agent.read_bytes())
    assert loaded["Label"] == APP_ID
    assert loaded["ProgramArguments"] == ["/Applications/ctidesk.app/Contents/MacOS/ctidesk"]
    assert loaded["RunAtLoad"] is True
    assert mac.autostart_enabled()
    mac.set_autostart(False)
    assert not agent.exists()


def test_windows_integration_off_windows_refuses_with_a_sentence(tmp_path: Path) -> None:
    windows = desktop_integration("win32", ["ctidesk.exe"], {}, tmp_path)
    with pytest.raises(DesktopIntegrationError, match="only be changed on Windows"):
        windows.set_autostart(True)
