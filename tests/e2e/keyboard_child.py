"""A desktop on a real X display for tests/e2e/test_keyboard_x11.py: its global hotkeys are
real X key grabs, its phone a `create_autospec` stand-in that reports back like the phone.

Reads one command per line on stdin (``ring``, ``journal``, ``state``) and answers each with
one JSON line on stdout: the focused window and widget, the cards, the phone's commands.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import qasync
from PySide6.QtCore import QSocketNotifier
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from ctidesk.app import Context, build_core
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.config.settings import Settings
from ctidesk.core.calls import Call, CallEvent, Direction, EventKind, EventSource
from ctidesk.core.numbers import parse_number
from ctidesk.core.ports import PhoneControl
from ctidesk.gui.desktop import Desktop, NetworkParts


def main() -> None:
    app = QApplication(sys.argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    home = Path(tempfile.mkdtemp(prefix="ctidesk-keys-"))
    paths = AppPaths.under(home)
    paths.ensure()
    settings = Settings()
    settings.hotkey.answer = "Meta+Shift+A"
    settings.hotkey.hang_up = "Meta+Shift+H"
    context = Context(paths, paths.settings_file, settings, MemorySecretStore(), Redactor())
    core = build_core(context)
    desktop = Desktop(context, core, loop, opener=lambda _url: None, quit_app=app.quit)
    phone = create_autospec(PhoneControl, instance=True)
    commands: list[str] = []

    def reports(verb: str, kind: EventKind) -> Any:
        def report(call: Call) -> None:
            commands.append(f"{verb} {call.remote.key}")
            core.tracker.handle(
                CallEvent(
                    source=EventSource.PHONE,
                    kind=kind,
                    remote=call.remote,
                    direction=call.direction,
                )
            )

        return report

    phone.answer.side_effect = reports("answer", EventKind.ANSWERED)
    phone.end.side_effect = reports("end", EventKind.ENDED)
    phone.reject.side_effect = reports("reject", EventKind.ENDED)
    desktop.show()
    desktop.attach(NetworkParts(phone=phone))

    def state() -> dict[str, Any]:
        window = QGuiApplication.focusWindow()
        widget = QApplication.focusWidget()
        return {
            "focus_window": window.title() if window is not None else None,
            "focus_widget": widget.objectName() if widget is not None else None,
            "cards": [c.windowTitle() for c in desktop.popups.cards() if c.isVisible()],
            "phone": commands,
            "hotkeys": sorted(desktop.hotkeys.registered()),
            "hotkey_problem": desktop.hotkey_problem,
        }

    def command(line: str) -> None:
        if line == "ring":
            core.tracker.handle(
                CallEvent(
                    source=EventSource.PHONE,
                    kind=EventKind.RINGING,
                    remote=parse_number("+49 30 1234567"),
                    direction=Direction.INBOUND,
                )
            )
        elif line == "journal":
            desktop.open_journal()
        elif line == "quit":
            app.quit()
            return
        print(json.dumps(state()), flush=True)

    def read_stdin() -> None:
        line = sys.stdin.readline()
        if not line:
            app.quit()
            return
        command(line.strip())

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(read_stdin)
    print(json.dumps(state()), flush=True)
    with loop:
        loop.run_until_complete(_until_quit(app))
    notifier.setEnabled(False)


async def _until_quit(app: QApplication) -> None:
    done = asyncio.Event()
    app.aboutToQuit.connect(done.set)
    await done.wait()


if __name__ == "__main__":
    main()
