"""Start at login and `tel:`/`callto:` link handling, per operating system (no Qt).

The settings dialog calls `desktop_integration()` and then `set_autostart(...)` or
`register_url_handler()`; each method either does the job or raises `DesktopIntegrationError`
with a sentence the dialog can show as it is.

- Linux: an XDG autostart entry in `$XDG_CONFIG_HOME/autostart`, and `xdg-mime default` for the
  `x-scheme-handler/tel` and `callto` types (with a user-level `org.ctidesk.CTIDesk.desktop`
  when the package did not install one).
- Windows: the `HKCU\\...\\Run` value, and `HKCU\\Software\\Classes` URL protocols with the
  Capabilities/RegisteredApplications entries that make ctidesk show up in Default Apps.
- macOS: a LaunchAgent plist; the URL schemes come from the .app's Info.plist.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from ctidesk import APP_ID

DESKTOP_FILE_NAME = f"{APP_ID}.desktop"
"""Named by the app id, as Wayland compositors, portals and notification servers expect."""
LEGACY_DESKTOP_FILE_NAME = "ctidesk.desktop"
"""What versions before the app id was used everywhere wrote; replaced when seen."""
URL_SCHEMES = ("tel", "callto")
RUN_VALUE_NAME = "ctidesk"
PROG_ID = "ctidesk.url"
XDG_MIME_TIMEOUT = 20.0


class DesktopIntegrationError(Exception):
    """The OS refused or lacks a tool; the message says what to do instead."""


class DesktopIntegration(Protocol):
    def autostart_enabled(self) -> bool: ...

    def set_autostart(self, enabled: bool) -> None: ...

    def register_url_handler(self) -> str:
        """Make ctidesk the handler of tel: and callto: links; returns what was done."""
        ...


def launch_command() -> list[str]:
    """How the OS should start this ctidesk: the frozen executable, the script, or the module."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = shutil.which("ctidesk")
    if script:
        return [script]
    return [sys.executable, "-m", "ctidesk"]


def desktop_integration(
    platform: str = sys.platform,
    command: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> DesktopIntegration:
    """The integration for this OS; the arguments exist for tests."""
    chosen = list(command) if command is not None else launch_command()
    env = environ if environ is not None else os.environ
    home_dir = home if home is not None else Path.home()
    if platform == "win32":
        return WindowsIntegration(chosen)
    if platform == "darwin":
        return MacIntegration(chosen, home_dir)
    return LinuxIntegration(chosen, env, home_dir)


def _desktop_exec_quote(argument: str) -> str:
    """Quote one Exec= argument as the Desktop Entry Specification asks."""
    if argument and not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`="):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def desktop_entry(command: Sequence[str], *, autostart: bool) -> str:
    """The .desktop text: the URL handler entry, or the autostart entry (no %u, no MimeType)."""
    exec_line = " ".join(_desktop_exec_quote(part) for part in command)
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Name=ctidesk",
        "GenericName=Caller pop-ups and phone control",
        "Comment=Caller pop-ups, phone control and a complete Zammad caller log",
        "Icon=ctidesk",
        "Terminal=false",
        "Categories=Office;Network;Telephony;",
    ]
    if autostart:
        lines += [f"Exec={exec_line}", "X-GNOME-Autostart-enabled=true", "NoDisplay=true"]
    else:
        lines += [
            f"Exec={exec_line} %u",
            "MimeType=" + "".join(f"x-scheme-handler/{s};" for s in URL_SCHEMES),
            f"StartupWMClass={APP_ID}",
        ]
    return "\n".join(lines) + "\n"


class LinuxIntegration:
    """XDG: an autostart entry, and xdg-mime (found on the given PATH) for the link types."""

    def __init__(self, command: Sequence[str], environ: Mapping[str, str], home: Path) -> None:
        self._command = list(command)
        self._environ = environ
        self._home = home

    def _xdg_dir(self, variable: str, fallback: str) -> Path:
        value = self._environ.get(variable, "")
        return Path(value) if value and Path(value).is_absolute() else self._home / fallback

    @property
    def autostart_file(self) -> Path:
        return self._xdg_dir("XDG_CONFIG_HOME", ".config") / "autostart" / DESKTOP_FILE_NAME

    @property
    def user_desktop_file(self) -> Path:
        return self._xdg_dir("XDG_DATA_HOME", ".local/share") / "applications" / DESKTOP_FILE_NAME

    @property
    def _legacy_autostart_file(self) -> Path:
        return self.autostart_file.with_name(LEGACY_DESKTOP_FILE_NAME)

    def autostart_enabled(self) -> bool:
        return self.autostart_file.is_file() or self._legacy_autostart_file.is_file()

    def set_autostart(self, enabled: bool) -> None:
        target = self.autostart_file
        try:
            if enabled:
                target.parent.mkdir(parents=True, exist_ok=True)
                _write_atomically(target, desktop_entry(self._command, autostart=True))
            else:
                target.unlink(missing_ok=True)
            self._legacy_autostart_file.unlink(missing_ok=True)
        except OSError as exc:
            raise DesktopIntegrationError(
                f"could not {'write' if enabled else 'remove'} {target} ({exc.strerror or exc}); "
                "check that the folder is yours and writable"
            ) from exc

    def installed_desktop_file(self) -> Path | None:
        """The menu entry the package installed, if any (XDG_DATA_DIRS)."""
        dirs = self._environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
        for folder in dirs.split(":"):
            candidate = Path(folder) / "applications" / DESKTOP_FILE_NAME
            if folder and candidate.is_file():
                return candidate
        return None

    def register_url_handler(self) -> str:
        xdg_mime = shutil.which("xdg-mime", path=self._environ.get("PATH"))
        if xdg_mime is None:
            raise DesktopIntegrationError(
                "xdg-mime is not installed, so tel: and callto: links cannot be registered; "
                "install xdg-utils (e.g. `sudo apt install xdg-utils`) and try again"
            )
        wrote_user_entry = False
        if self.installed_desktop_file() is None:
            entry = self.user_desktop_file
            try:
                entry.parent.mkdir(parents=True, exist_ok=True)
                _write_atomically(entry, desktop_entry(self._command, autostart=False))
            except OSError as exc:
                raise DesktopIntegrationError(
                    f"could not write {entry} ({exc.strerror or exc}); "
                    "check that the folder is yours and writable"
                ) from exc
            wrote_user_entry = True
        for scheme in URL_SCHEMES:
            self._xdg_mime(xdg_mime, ["default", DESKTOP_FILE_NAME, f"x-scheme-handler/{scheme}"])
        done = "ctidesk now opens tel: and callto: links"
        return done + (f" (entry written to {self.user_desktop_file})" if wrote_user_entry else "")

    def url_handler_registered(self) -> bool:
        """True when xdg-mime names ctidesk for every scheme; False if it cannot tell."""
        xdg_mime = shutil.which("xdg-mime", path=self._environ.get("PATH"))
        if xdg_mime is None:
            return False
        try:
            answers = [
                self._xdg_mime(xdg_mime, ["query", "default", f"x-scheme-handler/{scheme}"])
                for scheme in URL_SCHEMES
            ]
        except DesktopIntegrationError:
            return False
        return all(answer.strip() == DESKTOP_FILE_NAME for answer in answers)

    def _xdg_mime(self, program: str, arguments: list[str]) -> str:
        try:
            result = subprocess.run(
                [program, *arguments],
                env=dict(self._environ),
                capture_output=True,
                text=True,
                timeout=XDG_MIME_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DesktopIntegrationError(
                f"xdg-mime did not run ({exc}); check your xdg-utils installation"
            ) from exc
        if result.returncode != 0:
            reason = (result.stderr or result.stdout).strip() or f"exit code {result.returncode}"
            raise DesktopIntegrationError(
                f"xdg-mime refused to set the link handler ({reason}); "
                "choose ctidesk for tel: links in your desktop's default applications settings"
            )
        return str(result.stdout)


def _write_atomically(target: Path, text: str) -> None:
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)


def _windows_command_line(command: Sequence[str]) -> str:
    return subprocess.list2cmdline(list(command))


_NOT_WINDOWS = "the Windows registry settings can only be changed on Windows"


class WindowsIntegration:
    """HKCU only, so no administrator rights are needed (same keys as the Inno Setup script)."""

    RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
    CAPABILITIES_KEY = r"Software\ctidesk\Capabilities"

    def __init__(self, command: Sequence[str]) -> None:
        self._command = list(command)

    def autostart_enabled(self) -> bool:
        if sys.platform != "win32":
            raise DesktopIntegrationError(_NOT_WINDOWS)
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, self.RUN_KEY) as key:
                winreg.QueryValueEx(key, RUN_VALUE_NAME)
        except OSError:
            return False
        return True

    def set_autostart(self, enabled: bool) -> None:
        if sys.platform != "win32":
            raise DesktopIntegrationError(_NOT_WINDOWS)
        import winreg

        try:
            with winreg.CreateKey(winreg.HKEY_CURRENT_USER, self.RUN_KEY) as key:
                if enabled:
                    value = _windows_command_line(self._command)
                    winreg.SetValueEx(key, RUN_VALUE_NAME, 0, winreg.REG_SZ, value)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        winreg.DeleteValue(key, RUN_VALUE_NAME)
        except OSError as exc:
            raise DesktopIntegrationError(
                f"Windows refused to change the start-up entry ({exc}); "
                "use Settings > Apps > Startup instead"
            ) from exc

    def register_url_handler(self) -> str:
        if sys.platform != "win32":
            raise DesktopIntegrationError(_NOT_WINDOWS)
        import winreg

        open_command = _windows_command_line(self._command) + ' "%1"'
        values: list[tuple[str, str, str]] = [
            (rf"Software\Classes\{PROG_ID}", "", "ctidesk phone link"),
            (rf"Software\Classes\{PROG_ID}", "URL Protocol", ""),
            (rf"Software\Classes\{PROG_ID}\shell\open\command", "", open_command),
            (self.CAPABILITIES_KEY, "ApplicationName", "ctidesk"),
            (self.CAPABILITIES_KEY, "ApplicationDescription", "Dial tel: and callto: links"),
            (r"Software\RegisteredApplications", "ctidesk", self.CAPABILITIES_KEY),
        ]
        for scheme in URL_SCHEMES:
            values += [
                (self.CAPABILITIES_KEY + r"\URLAssociations", scheme, PROG_ID),
                # The per-user class is what Windows falls back to before a choice is made.
                (rf"Software\Classes\{scheme}", "", f"URL:{scheme} Protocol"),
                (rf"Software\Classes\{scheme}", "URL Protocol", ""),
                (rf"Software\Classes\{scheme}\shell\open\command", "", open_command),
            ]
        try:
            for path, name, value in values:
                with winreg.CreateKey(winreg.HKEY_CURRENT_USER, path) as key:
                    winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)
        except OSError as exc:
            raise DesktopIntegrationError(
                f"Windows refused to register the link handler ({exc}); "
                "reinstall ctidesk with its installer"
            ) from exc
        return (
            "ctidesk is registered for tel: and callto: links; pick it in "
            "Settings > Apps > Default apps (Windows asks you to confirm the choice)"
        )


class MacIntegration:
    """A per-user LaunchAgent starts ctidesk at login; the .app declares the URL schemes."""

    def __init__(self, command: Sequence[str], home: Path) -> None:
        self._command = list(command)
        self._home = home

    @property
    def launch_agent(self) -> Path:
        return self._home / "Library" / "LaunchAgents" / f"{APP_ID}.plist"

    def autostart_enabled(self) -> bool:
        return self.launch_agent.is_file()

    def set_autostart(self, enabled: bool) -> None:
        target = self.launch_agent
        try:
            if enabled:
                target.parent.mkdir(parents=True, exist_ok=True)
                plist = {
                    "Label": APP_ID,
                    "ProgramArguments": self._command,
                    "RunAtLoad": True,
                    "ProcessType": "Interactive",
                }
                target.write_bytes(plistlib.dumps(plist))
            else:
                target.unlink(missing_ok=True)
        except OSError as exc:
            raise DesktopIntegrationError(
                f"could not change {target} ({exc.strerror or exc}); "
                "use System Settings > General > Login Items instead"
            ) from exc

    def register_url_handler(self) -> str:
        return (
            "ctidesk.app declares tel: and callto: links in its Info.plist; macOS offers it for "
            "those links once the app has been opened from Applications"
        )
