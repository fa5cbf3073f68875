"""GUI tests run offscreen on one qasync loop; the ports are small recording fakes.

Pass means the crash handler recorded nothing (issue 14): every GUI test runs with the app's
`CrashHandler` installed (Qt slots through sys.excepthook, threads, the asyncio loop), and a test
during which it caught an error fails, even when the test's own assertions held."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import asyncio
import sys
import threading
from collections.abc import Callable, Coroutine, Generator, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from ctidesk.app import Context, build_core
from ctidesk.config.logs import CrashHandler, Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.config.settings import Settings
from ctidesk.core.calls import Call, CallEvent, Direction, EventKind, EventSource
from ctidesk.core.numbers import PhoneNumber, parse_number
from ctidesk.core.ports import (
    CallerInfo,
    CustomerMatch,
    MatchLevel,
    PhoneCommandError,
    TicketSummary,
)
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.desktop import Desktop
from ctidesk.gui.event_loop import close_event_loop

T = TypeVar("T")


class FakePhone:
    """Records commands and, like the real phone's Action URLs, reports them to the tracker."""

    def __init__(self, tracker: CallTracker) -> None:
        self.tracker = tracker
        self.commands: list[tuple[str, str]] = []
        self.fail_with: str | None = None
        self.dnd = False

    def _report(self, kind: EventKind, call: Call, **extra: Any) -> None:
        self.tracker.handle(
            CallEvent(
                source=EventSource.PHONE,
                kind=kind,
                remote=call.remote,
                direction=call.direction,
                **extra,
            )
        )

    def _record(self, verb: str, what: str) -> None:
        if self.fail_with:
            raise PhoneCommandError(self.fail_with)
        self.commands.append((verb, what))

    async def answer(self, call: Call) -> None:
        self._record("answer", call.remote.key)
        self._report(EventKind.ANSWERED, call)

    async def reject(self, call: Call) -> None:
        self._record("reject", call.remote.key)
        self._report(EventKind.ENDED, call)

    async def hold(self, call: Call) -> None:
        self._record("hold", call.remote.key)
        self._report(EventKind.HELD, call)

    async def resume(self, call: Call) -> None:
        self._record("resume", call.remote.key)
        self._report(EventKind.RESUMED, call)

    async def end(self, call: Call) -> None:
        self._record("end", call.remote.key)
        self._report(EventKind.ENDED, call)

    async def dial(self, number: PhoneNumber, account: int | None = None) -> None:
        self._record("dial", number.key)

    async def set_dnd(self, enabled: bool) -> None:
        self._record("dnd", str(enabled))
        self.dnd = enabled


class FakeLookup:
    """Answers lookups when the test releases them, to show the card does not wait."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.looked_up: list[str] = []
        self.answered: set[str] = set()
        self.created: list[tuple[str, str]] = []

    def info_for(self, number: PhoneNumber) -> CallerInfo:
        return CallerInfo(
            number=number,
            customers=[
                CustomerMatch(
                    user_id=7,
                    name="Erika Mustermann",
                    organization="Muster GmbH",
                    url="https://zammad.example/#user/profile/7",
                ),
                CustomerMatch(user_id=8, name="Max Muster", level=MatchLevel.MAYBE),
            ],
            open_tickets=[
                TicketSummary(
                    id=1,
                    number="31001",
                    title="Printer on fire",
                    state="open",
                    url="https://zammad.example/#ticket/zoom/1",
                )
            ],
            closed_tickets=[
                TicketSummary(
                    id=2,
                    number="31000",
                    title="Password reset",
                    state="closed",
                    is_open=False,
                    url="https://zammad.example/#ticket/zoom/2",
                )
            ],
        )

    def cached(self, number: PhoneNumber) -> CallerInfo | None:
        return self.info_for(number) if number.key in self.answered else None

    async def lookup(self, number: PhoneNumber, call_id: str | None = None) -> CallerInfo:
        self.looked_up.append(number.key)
        await self.release.wait()
        self.answered.add(number.key)
        return self.info_for(number)

    async def create_ticket(self, info: CallerInfo, title: str, body: str) -> TicketSummary:
        self.created.append((info.number.key, title))
        return TicketSummary(
            id=3,
            number="31002",
            title=title,
            state="new",
            url="https://zammad.example/#ticket/zoom/3",
        )


@pytest.fixture(autouse=True)
def crash_handler() -> Iterator[CrashHandler]:
    """The app's crash handler, installed as `gui.main` installs it (the ``loop`` fixture gives
    it the asyncio loop too); what it catches fails the test (`pytest_runtest_call` below for
    the test itself, here for its fixtures' teardown)."""
    handler = CrashHandler()
    previous = sys.excepthook, threading.excepthook
    handler.install()
    try:
        yield handler
    finally:
        sys.excepthook, threading.excepthook = previous
    if handler.count:
        pytest.fail(_crash_report(handler), pytrace=False)


def _crash_report(handler: CrashHandler) -> str:
    caught = "\n  ".join(handler.caught)
    return (
        f"the crash handler caught {handler.count} error(s) (tracebacks in the captured log):"
        f"\n  {caught}"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """A test during which the crash handler caught anything fails, like a failed assert."""
    handler = getattr(item, "funcargs", {}).get("crash_handler")
    try:
        result = yield
    except BaseException:
        _forget(handler)  # the test failed already; its log shows what the handler caught
        raise
    if isinstance(handler, CrashHandler) and handler.count:
        report = _crash_report(handler)
        _forget(handler)
        pytest.fail(report, pytrace=False)
    return result


def _forget(handler: object) -> None:
    """Reported with the test: its teardown then reports only what comes after."""
    if isinstance(handler, CrashHandler):
        handler.count = 0
        handler.caught.clear()


@pytest.fixture
def loop(qapp: QApplication, crash_handler: CrashHandler) -> Iterator[asyncio.AbstractEventLoop]:
    """The qasync loop, marked running for the whole test as it is in the real app.

    qasync only marks its loop running inside ``run_forever``, so callbacks that Qt delivers
    while a test pumps events would find no running loop; the app never pumps outside it.
    """
    event_loop = qasync.QEventLoop(qapp)
    crash_handler.install(event_loop)
    asyncio.events._set_running_loop(event_loop)
    try:
        yield event_loop
        pending = [t for t in asyncio.all_tasks(event_loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            _pump(qapp, asyncio.gather(*pending, return_exceptions=True), event_loop, 5.0)
    finally:
        asyncio.events._set_running_loop(None)
        close_event_loop(event_loop)


def _pump(
    qapp: QApplication,
    awaitable: Any,
    event_loop: asyncio.AbstractEventLoop,
    timeout: float,
) -> Any:
    """Spin a local Qt event loop until the awaitable is done (one ``exec`` call: PySide6 6.12
    leaks a reference to None on every ``processEvents`` call, which crashes long tests)."""
    future = asyncio.ensure_future(awaitable, loop=event_loop)
    local = QEventLoop()
    future.add_done_callback(lambda _f: local.quit())
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(local.quit)
    timer.start(int((timeout + 1.0) * 1000))
    if not future.done():
        local.exec()
    timer.stop()
    if not future.done():
        future.cancel()
        raise AssertionError("the coroutine did not finish in time")
    return future.result()


@pytest.fixture
def run(
    qapp: QApplication, loop: asyncio.AbstractEventLoop
) -> Callable[[Coroutine[Any, Any, Any]], Any]:
    """Run a coroutine on the Qt loop with a time limit (Qt events are processed meanwhile)."""

    def runner(coroutine: Coroutine[Any, Any, Any], timeout: float = 5.0) -> Any:
        return _pump(qapp, asyncio.wait_for(coroutine, timeout), loop, timeout)

    return runner


async def wait_until(predicate: Callable[[], object], limit: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + limit
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


@pytest.fixture
def tracker() -> CallTracker:
    return CallTracker()


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def phone(tracker: CallTracker) -> FakePhone:
    return FakePhone(tracker)


@pytest.fixture
def lookup() -> FakeLookup:
    return FakeLookup()


@pytest.fixture
def opened() -> list[str]:
    return []


@pytest.fixture
def bridge(
    qapp: QApplication,
    tracker: CallTracker,
    settings: Settings,
    loop: asyncio.AbstractEventLoop,
    phone: FakePhone,
    lookup: FakeLookup,
    opened: list[str],
) -> Iterator[DesktopBridge]:
    desktop = DesktopBridge(
        tracker, settings, loop, phone=phone, lookup=lookup, opener=opened.append
    )
    desktop.start()
    yield desktop
    _pump(qapp, desktop.close(), loop, 5.0)


def ring(tracker: CallTracker, number: str = "+49 30 1234567", name: str | None = None) -> Call:
    return tracker.handle(
        CallEvent(
            source=EventSource.PHONE,
            kind=EventKind.RINGING,
            remote=parse_number(number),
            direction=Direction.INBOUND,
            remote_name=name,
        )
    )


def phone_reports(tracker: CallTracker, call: Call, kind: EventKind) -> Call:
    """The phone reports a later event (answered, ended) of an inbound call."""
    return tracker.handle(
        CallEvent(
            source=EventSource.PHONE,
            kind=kind,
            remote=call.remote,
            direction=Direction.INBOUND,
        )
    )


@pytest.fixture
def desktop(tmp_path: Path, loop: asyncio.AbstractEventLoop, run: Any) -> Iterator[Desktop]:
    """The real desktop (tray, windows, bridge) before its network side is up."""
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    settings = Settings()
    settings.phone.enabled = False
    context = Context(paths, paths.settings_file, settings, MemorySecretStore(), Redactor())
    core = build_core(context)
    desktop = Desktop(
        context,
        core,
        loop,
        tray_available=True,
        opener=lambda _url: None,
        enable_hotkey=False,
        quit_app=lambda: None,
    )
    desktop.show()
    yield desktop
    run(desktop.close())
    run(core.close())
