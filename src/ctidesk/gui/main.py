"""`ctidesk` without a command: the GUI composition.

Order matters for a fast, single start: the QApplication, then "is another ctidesk running?"
(if so, hand it our request and leave), then the tray icon, and only then the network, whose
modules are imported lazily.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctidesk.config.paths import AppPaths

if TYPE_CHECKING:
    from ctidesk.config.logs import CrashHandler
    from ctidesk.gui.bridge import DesktopBridge

log = logging.getLogger(__name__)

ALREADY_RUNNING = "ctidesk is already running; its tray icon is the way in"
APP_ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "ctidesk.svg"


def home_key() -> str:
    """What tells apart the ctidesk instances of one user: the settings folder."""
    return str(AppPaths.default().config_dir)


def ensure_gui_application() -> Any:
    """The one QApplication of this process. A clicked link may go on to start the tray app,
    so it must exist before the instance client would create a plain QCoreApplication (Qt
    allows one application object per process)."""
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    return existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])


def run(args: argparse.Namespace) -> int:
    from ctidesk.gui.single_instance import InstanceRequest, instance_name, send_request

    app = ensure_gui_application()
    app.setApplicationName("ctidesk")
    app.setQuitOnLastWindowClosed(False)
    name = instance_name(home_key())
    reply = send_request(name, InstanceRequest("show"))
    if reply is not None:
        print(f"ctidesk: {ALREADY_RUNNING}", file=sys.stderr)
        return 0
    early_tray = show_early_tray_icon()
    if getattr(args, "demo", False):
        with tempfile.TemporaryDirectory(prefix="ctidesk-demo-") as folder:
            return _run_desktop(app, args, name, Path(folder), early_tray)
    return _run_desktop(app, args, name, None, early_tray)


def show_early_tray_icon() -> Any:
    """The tray icon, up before anything slow is imported (settings, windows, network); the
    desktop adopts it. None where there is no system tray (the desktop says why)."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QSystemTrayIcon

    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    icon = QSystemTrayIcon(QIcon(str(APP_ICON)))
    icon.setToolTip("ctidesk")
    icon.show()
    return icon


DESKTOP_MODULES = (
    "qasync",
    "ctidesk.app",
    "ctidesk.config.logs",
    "ctidesk.config.settings",
    "ctidesk.gui.desktop",
    "ctidesk.gui.i18n",
)


def _import_while_painting(app: Any, modules: tuple[str, ...]) -> None:
    """Import the desktop's modules on a worker thread while the Qt loop docks and paints the
    early tray icon: importing them takes a few hundred milliseconds, during which an idle main
    thread would leave an empty slot in the tray. A module that fails here fails again, with
    its real error, when the main thread imports it next."""
    import importlib
    import threading

    def work() -> None:
        for module in modules:
            try:
                importlib.import_module(module)
            except Exception:
                return

    worker = threading.Thread(target=work, name="ctidesk-imports", daemon=True)
    worker.start()
    while worker.is_alive():
        app.processEvents()
        worker.join(0.005)
    app.processEvents()


def _run_desktop(
    app: Any, args: argparse.Namespace, name: str, demo_root: Path | None, early_tray: Any
) -> int:
    _import_while_painting(app, DESKTOP_MODULES)
    release_start_up_memory()
    import qasync
    from PySide6.QtCore import QCoreApplication

    from ctidesk.app import build_core, open_context
    from ctidesk.config.secrets import MemorySecretStore
    from ctidesk.config.settings import SettingsError
    from ctidesk.gui.desktop import Desktop, needs_first_run
    from ctidesk.gui.i18n import Translations
    from ctidesk.gui.notifications import desktop_notifier

    translations = Translations(app)
    translations.apply("system")
    try:
        if demo_root is not None:
            context = open_context(
                paths=AppPaths.under(demo_root), secrets=MemorySecretStore(), log_to_stderr=True
            )
        else:
            context = open_context(args.config)
    except SettingsError as exc:
        _show_fatal(
            QCoreApplication.translate("ctidesk", "ctidesk cannot start: bad settings: %1").replace(
                "%1", str(exc)
            )
        )
        return 2
    translations.apply(context.settings.general.language)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    core = build_core(context)
    shutdown: list[asyncio.Task[None]] = []

    def quit_app() -> None:
        """Close everything while the loop still runs, then leave it (entering the Qt loop a
        second time after quit() can end at once, cutting the shutdown short)."""
        if not shutdown:
            shutdown.append(loop.create_task(_shutdown_then_quit(app, desktop, network)))

    async def connect() -> Any:
        """The network side from the saved settings, again (after connection changes)."""
        from ctidesk.gui.wiring import start_clients

        return await start_clients(context, core, on_status=desktop.bridge.update_status)

    desktop = Desktop(
        context,
        core,
        loop,
        instance_name=name,
        quit_app=quit_app,
        translations=translations,
        connect=None if demo_root is not None else connect,
        tray_icon=early_tray,
        notifier=desktop_notifier(loop),
    )
    crash = crash_handler_for(desktop.bridge)
    crash.install(loop)
    if not desktop.listen():
        print(f"ctidesk: {ALREADY_RUNNING}", file=sys.stderr)
        loop.run_until_complete(core.close())
        loop.close()
        return 0
    desktop.show()
    if demo_root is None and needs_first_run(context):
        desktop.open_first_run()
    _quit_on_signals(app, desktop)
    network = loop.create_task(
        _start_network(
            desktop,
            demo=demo_root is not None,
            dial_on_start=getattr(args, "dial_on_start", None),
        )
    )
    try:
        loop.run_forever()
    finally:
        if not shutdown or not shutdown[0].done():
            loop.run_until_complete(_shutdown(desktop, network))
        loop.close()
        asyncio.set_event_loop(None)
    return 0


def crash_handler_for(bridge: DesktopBridge) -> CrashHandler:
    """The crash handler, telling the agent through the tray status what to do."""
    from ctidesk.config.logs import CrashHandler

    return CrashHandler(sink=lambda summary: bridge.report_error(unexpected(summary)))


def unexpected(summary: str) -> str:
    """What the tray says about an error the crash handler caught: what to do, then what it was."""
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate(
        "ctidesk",
        "ctidesk ran into an unexpected error and keeps running. If it happens again, choose "
        "Copy diagnostics in the tray menu and send the result to your administrator. (%1)",
    ).replace("%1", summary)


async def _shutdown_then_quit(app: Any, desktop: Any, network: asyncio.Task[None]) -> None:
    try:
        await _shutdown(desktop, network)
    finally:
        app.quit()


def _quit_on_signals(app: Any, desktop: Any) -> None:
    """Ctrl+C and SIGTERM end ctidesk cleanly (a timer lets Python see signals during exec)."""
    import signal

    from PySide6.QtCore import QTimer

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_args: desktop.quit())
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(300)


async def _start_network(desktop: Any, *, demo: bool, dial_on_start: str | None = None) -> None:
    """Bring up the clients (or the demo's simulators) and plug them into the desktop; then dial
    the link that started ctidesk, if one did."""
    from PySide6.QtCore import QCoreApplication

    try:
        if demo:
            from ctidesk.gui.demo import start_demo

            parts = await start_demo(
                desktop.context, desktop.core, on_status=desktop.bridge.update_status
            )
        else:
            from ctidesk.gui.wiring import start_clients

            parts = await start_clients(
                desktop.context, desktop.core, on_status=desktop.bridge.update_status
            )
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.exception("starting the network side failed")
        desktop.bridge.report_error(
            QCoreApplication.translate("ctidesk", "Could not start: %1").replace("%1", str(exc))
        )
        return
    desktop.attach(parts)
    release_start_up_memory()
    if dial_on_start:
        from ctidesk.gui.single_instance import InstanceRequest

        desktop.handle_request(InstanceRequest("dial", dial_on_start))


def release_start_up_memory() -> None:
    """Give back memory start-up used once and never again, so it does not sit in the tray app
    all day:

    - the source text PySide6 reads into ``linecache`` for every module imported after it (its
      ``__feature__`` support greps each module for "PySide6"): about 10 MB; a traceback that
      needs a line reads it from disk again;
    - heap pages glibc keeps after start-up's temporaries are freed: about 3 MB, returned with
      ``malloc_trim`` (glibc only; elsewhere there is nothing to call)."""
    import ctypes
    import linecache

    linecache.clearcache()
    if sys.platform.startswith("linux"):
        try:
            trim = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            return
        trim(0)


async def _shutdown(desktop: Any, network: asyncio.Task[None]) -> None:
    network.cancel()
    await asyncio.gather(network, return_exceptions=True)
    await desktop.close()
    await desktop.core.close()


def _show_fatal(message: str) -> None:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMessageBox

    print(message, file=sys.stderr)
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "ctidesk", message)
    box.setAccessibleName(QCoreApplication.translate("ctidesk", "ctidesk cannot start"))
    box.exec()
