"""The crash handler (issue 14, findings 1 and 3): it records what it caught, never raises and
never re-enters its sink, and tells the user on the loop's thread only."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading

import pytest

from ctidesk.config.logs import CrashHandler


def _raise_into(handler: CrashHandler, error: BaseException) -> None:
    try:
        raise error
    except BaseException:
        kind, value, tb = sys.exc_info()
        assert kind is not None and value is not None
        handler._excepthook(kind, value, tb)


def test_it_records_and_logs_with_the_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Finding 3: a test can read what the handler caught (and the log has the traceback)."""
    told: list[str] = []
    handler = CrashHandler(sink=told.append)
    with caplog.at_level(logging.ERROR, logger="ctidesk.crash"):
        _raise_into(handler, ValueError("bad value"))
    assert handler.count == 1
    assert list(handler.caught) == ["ValueError: bad value"]
    assert told == ["ValueError: bad value"]
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None


def test_a_sink_that_raises_is_logged_and_the_handler_returns() -> None:
    calls: list[str] = []

    def sink(summary: str) -> None:
        calls.append(summary)
        raise RuntimeError("the tray is gone")

    handler = CrashHandler(sink=sink)
    handler.report("KeyError: 'x'")
    assert calls == ["KeyError: 'x'"]
    assert handler.count == 2
    assert list(handler.caught) == ["KeyError: 'x'", "error sink failed"]


def test_an_error_raised_inside_the_sink_does_not_reach_the_sink_again() -> None:
    """Finding 1: the sink emits a Qt signal, a slot of it fails, and PySide6 hands that error
    to sys.excepthook, which is this handler: it must log it, not call the sink again (that
    recursed until the stack overflowed)."""
    calls: list[str] = []

    def sink(summary: str) -> None:
        calls.append(summary)
        _raise_into(handler, RuntimeError("Internal C++ object (QLabel) already deleted."))

    handler = CrashHandler(sink=sink)
    _raise_into(handler, ValueError("first"))
    assert calls == ["ValueError: first"]
    assert handler.count == 2
    assert list(handler.caught)[-1] == "RuntimeError: Internal C++ object (QLabel) already deleted."


def test_an_error_whose_message_fails_is_still_reported() -> None:
    class Unprintable(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no text")

    handler = CrashHandler()
    _raise_into(handler, Unprintable())
    assert list(handler.caught) == ["Unprintable"]


def test_a_thread_error_reaches_the_sink_on_the_loop() -> None:
    """The sink touches widgets: an error on another thread is told on the loop's thread."""
    loop = asyncio.new_event_loop()
    told: list[tuple[str, bool]] = []
    handler = CrashHandler(
        sink=lambda s: told.append((s, threading.current_thread() is threading.main_thread()))
    )
    previous = sys.excepthook, threading.excepthook
    try:
        handler.install(loop)

        def fail() -> None:
            raise OSError("disk full")

        worker = threading.Thread(target=fail)
        worker.start()
        worker.join()
        assert told == []
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        sys.excepthook, threading.excepthook = previous
        loop.close()
    assert told == [("OSError: disk full", True)]
    assert handler.count == 1


def test_an_asyncio_error_is_recorded() -> None:
    loop = asyncio.new_event_loop()
    handler = CrashHandler()
    previous = sys.excepthook, threading.excepthook
    try:
        handler.install(loop)

        def fail() -> None:
            raise LookupError("gone")

        loop.call_soon(fail)
        loop.run_until_complete(asyncio.sleep(0.01))
    finally:
        sys.excepthook, threading.excepthook = previous
        loop.close()
    assert list(handler.caught) == ["LookupError: gone"]
