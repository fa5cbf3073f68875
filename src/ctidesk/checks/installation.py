"""`ctidesk --self-check`'s checks: is this installation complete enough to run?

Meant for the frozen bundle (PyInstaller), where a missing hidden import, Qt plugin, keyring
backend or resource only shows up at run time on the user's desk. Each check says what it found:
a missing piece is `MISCONFIGURED` (the command fails); what depends on the session rather than on
the installation (no keyring daemon, no X display) is `UNKNOWN`, a warning; `DISABLED` is a part
this build does not have.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from ctidesk.core.ports import ReachState, SystemStatus

PROBE_ENV = "CTIDESK_SELF_CHECK_PLATFORM"
PROBE_TIMEOUT = 30.0
_SKIPPED_MODULES = frozenset({"ctidesk.__main__"})


def installation_checks() -> list[Callable[[], SystemStatus]]:
    """Every check of `--self-check`, in the order it shows them."""
    return [check_imports, check_qt_platforms, check_keyring, check_translations, check_data_dirs]


def _result(name: str, state: ReachState, detail: str) -> SystemStatus:
    return SystemStatus(system=name, state=state, detail=detail)


def check_imports() -> SystemStatus:
    """Every ctidesk module imports: catches hidden imports PyInstaller did not see."""
    import ctidesk

    broken: list[str] = []
    names = list(_module_names(ctidesk.__path__, broken))
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:
            broken.append(f"{name} ({type(exc).__name__}: {exc})")
    if broken:
        return _result("imports", ReachState.MISCONFIGURED, "cannot import " + "; ".join(broken))
    return _result("imports", ReachState.OK, f"{len(names)} ctidesk modules import")


def _module_names(path: list[str], broken: list[str]) -> Iterator[str]:
    def failed(name: str) -> None:
        broken.append(f"{name} (cannot be listed: {sys.exc_info()[1]})")

    for info in pkgutil.walk_packages(path, "ctidesk.", onerror=failed):
        if info.name not in _SKIPPED_MODULES:
            yield info.name


def platform_plugins() -> list[str]:
    """The Qt platform plugins this OS needs: offscreen everywhere plus the native one."""
    native = {"win32": "windows", "darwin": "cocoa"}.get(sys.platform, "xcb")
    return ["offscreen", native]


def check_qt_platforms() -> SystemStatus:
    """Each platform plugin loads, and starts in a child process (Qt allows one per process)."""
    try:
        from PySide6.QtCore import QPluginLoader
    except ImportError as exc:
        return _result("qt platform", ReachState.MISCONFIGURED, f"PySide6 is missing ({exc})")
    problems: list[str] = []
    notes: list[str] = []
    warn = False
    for name in platform_plugins():
        plugin = _find_platform_plugin(name)
        if plugin is None:
            problems.append(f"{name}: plugin file not found in {_plugin_dirs()}")
            continue
        loader = QPluginLoader(str(plugin))
        if not loader.load():
            problems.append(f"{name}: {plugin.name} does not load ({loader.errorString()})")
            continue
        if name == "xcb" and not os.environ.get("DISPLAY"):
            warn = True
            notes.append("xcb loads, not started: no X display here (DISPLAY is unset)")
            continue
        started, detail = _start_platform(name)
        if started:
            notes.append(f"{name} starts{detail}")
        else:
            problems.append(f"{name}: {plugin.name} loads but Qt cannot start it ({detail})")
    if problems:
        return _result("qt platform", ReachState.MISCONFIGURED, "; ".join(problems))
    return _result("qt platform", ReachState.UNKNOWN if warn else ReachState.OK, "; ".join(notes))


def _plugin_dirs() -> list[Path]:
    from PySide6.QtCore import QCoreApplication, QLibraryInfo

    folders = [Path(p) for p in QCoreApplication.libraryPaths()]
    folders.append(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)))
    return list(dict.fromkeys(folders))


def _find_platform_plugin(name: str) -> Path | None:
    for folder in _plugin_dirs():
        for candidate in sorted((folder / "platforms").glob(f"*q{name}.*")):
            if candidate.suffix in {".so", ".dll", ".dylib"}:
                return candidate
    return None


def _start_platform(name: str) -> tuple[bool, str]:
    env = {**os.environ, PROBE_ENV: name, "QT_QPA_PLATFORM": name}
    try:
        result = subprocess.run(
            [*self_command(), "--self-check"],
            env=env,
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"no answer within {PROBE_TIMEOUT:.0f} s"
    if result.returncode == 0 and result.stdout.startswith("platform "):
        tray = result.stdout.split("tray=", 1)[-1].strip()
        return True, " (system tray available)" if tray == "yes" else ""
    last = (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])[-1]
    return False, last


def self_command() -> list[str]:
    """How to start this same ctidesk again: the frozen executable, or the module."""
    if _frozen():
        return [sys.executable]
    return [sys.executable, "-m", "ctidesk"]


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


_KEYRING_BACKENDS = {
    "win32": "keyring.backends.Windows",
    "darwin": "keyring.backends.macOS",
}


def check_keyring() -> SystemStatus:
    """The platform's keyring backend is bundled; warn (not fail) when its daemon is not running."""
    module_name = _KEYRING_BACKENDS.get(sys.platform, "keyring.backends.SecretService")
    try:
        import keyring
        from keyring.backends import fail

        module = importlib.import_module(module_name)
        if module_name.endswith("SecretService"):
            importlib.import_module("secretstorage")
    except ImportError as exc:
        return _result("keyring", ReachState.MISCONFIGURED, f"{module_name} is missing ({exc})")
    try:
        module.Keyring.priority  # noqa: B018 - the property raises when the backend cannot work
    except Exception as exc:
        return _result(
            "keyring",
            ReachState.UNKNOWN,
            f"{module_name} is installed, but no keyring daemon is running here ({exc}); "
            "start or unlock one (GNOME Keyring, KWallet) to store passwords, "
            "or use the CTIDESK_* environment variables",
        )
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return _result(
            "keyring",
            ReachState.MISCONFIGURED,
            f"{module_name} works but keyring does not find it (its entry points are missing)",
        )
    chained = getattr(backend, "backends", None) or [backend]
    names = ", ".join(type(b).__module__.removeprefix("keyring.backends.") for b in chained)
    return _result("keyring", ReachState.OK, f"in use: {names}")


def resources_dir() -> Path:
    return Path(str(resources.files("ctidesk"))) / "resources"


def check_translations() -> SystemStatus:
    """Compiled translations are present and load whenever the installation has translations."""
    folder = resources_dir() / "i18n"
    sources = sorted(folder.glob("*.ts")) if folder.is_dir() else []
    compiled = sorted(folder.glob("*.qm")) if folder.is_dir() else []
    if not compiled:
        if sources and not _frozen():
            return _result(
                "translations",
                ReachState.UNKNOWN,
                f"{len(sources)} .ts file(s) in {folder} but no .qm; "
                "they are compiled when the installer is built",
            )
        if _frozen() and folder.is_dir():
            return _result("translations", ReachState.MISCONFIGURED, f"no .qm files in {folder}")
        return _result("translations", ReachState.DISABLED, "this build has no translations")
    from PySide6.QtCore import QTranslator

    broken = [qm.name for qm in compiled if not QTranslator().load(str(qm))]
    if broken:
        return _result("translations", ReachState.MISCONFIGURED, "cannot load " + ", ".join(broken))
    return _result("translations", ReachState.OK, "loaded " + ", ".join(qm.stem for qm in compiled))


def check_data_dirs() -> SystemStatus:
    """Settings, journal, outbox and log folders exist (or can be made) and accept a file."""
    from ctidesk.config.paths import AppPaths

    paths = AppPaths.default()
    problems: list[str] = []
    for folder in (paths.config_dir, paths.data_dir, paths.log_dir, paths.runtime_dir):
        probe = folder / f".ctidesk-self-check-{os.getpid()}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe.write_text("ok", encoding="utf-8")
            probe.unlink()
        except OSError as exc:
            problems.append(f"{folder} ({exc.strerror or exc})")
    if problems:
        return _result(
            "data dirs", ReachState.MISCONFIGURED, "not writable: " + "; ".join(problems)
        )
    return _result("data dirs", ReachState.OK, f"writable, journal in {paths.data_dir}")
