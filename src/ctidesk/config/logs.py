"""Logging to a rotating file with secrets redacted, and a crash handler for the rest."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import logging
import logging.handlers
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from ctidesk.config.paths import PRIVATE_FILE_MODE, make_private_dir

_PATTERNS = [
    (
        re.compile(
            r"(?i)((?:passcode|password|passwd|token|secret|access_token|refresh_token|code_verifier|code|sid)=)[^&\s\"']+"
        ),
        r"\1***",
    ),
    (
        re.compile(
            r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:bearer|token token=|basic)?\s*)[^\s'\",]+"
        ),
        r"\1***",
    ),
    (re.compile(r"(/api/v1/cti/)[^/\s?\"']+"), r"\1***"),
    (re.compile(r"(/ctidesk/ua/)[^/\s?\"']+"), r"\1***"),
    (
        re.compile(
            r"(?i)(\"(?:access[-_]token|refresh[-_]token|id_token|password|passcode)\"\s*:\s*\")[^\"]+"
        ),
        r"\1***",
    ),
]


class Redactor:
    """Removes secrets from text: known values verbatim, plus anything shaped like a credential."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        with self._lock:
            self._values.update(v for v in values if v and len(v) >= 4)

    def __call__(self, text: str) -> str:
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, "***")
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


class RedactingFormatter(logging.Formatter):
    def __init__(self, redactor: Redactor, fmt: str) -> None:
        super().__init__(fmt)
        self._redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self._redactor(super().format(record))


LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files only the user can read (0600): they hold callers' numbers."""

    def _open(self) -> Any:
        opener = functools.partial(os.open, mode=PRIVATE_FILE_MODE)
        stream = open(  # noqa: SIM115 (the handler owns and closes it)
            self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors, opener=opener
        )
        if os.name == "posix":
            os.chmod(stream.fileno(), PRIVATE_FILE_MODE)  # a file an older version created
        return stream


def setup_logging(
    redactor: Redactor, log_file: Path | None, level: str = "INFO", to_stderr: bool = False
) -> list[logging.Handler]:
    """Install redacting handlers on the root logger; returns them so callers can remove them."""
    root = logging.getLogger()
    root.setLevel(level)
    handlers: list[logging.Handler] = []
    if log_file is not None:
        make_private_dir(log_file.parent)
        handlers.append(
            PrivateRotatingFileHandler(
                log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
            )
        )
    if to_stderr:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(RedactingFormatter(redactor, LOG_FORMAT))
        root.addHandler(handler)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return handlers


ErrorSink = Callable[[str], None]


class CrashHandler:
    """Logs every unhandled error (threads, asyncio tasks, Qt slots via sys.excepthook).

    ``sink`` receives a one-line summary for the user (the tray status shows it); the app never
    dies silently. The handler never raises and never re-enters its sink: the sink itself may
    fail (a slot of a status signal raising, say), and that error comes back here through
    sys.excepthook; it is logged, but passing it to the sink again would recurse until the
    stack overflows and the process dies. ``count`` and ``caught`` say what it has seen, so a
    test can fail when anything reached it.
    """

    KEPT = 50
    """Summaries kept in ``caught`` (the newest); ``count`` goes on counting."""

    def __init__(self, sink: ErrorSink | None = None) -> None:
        self._sink = sink
        self._log = logging.getLogger("ctidesk.crash")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._in_sink = False
        self.count = 0
        self.caught: collections.deque[str] = collections.deque(maxlen=self.KEPT)

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_hook
        if loop is not None:
            self._loop = loop
            loop.set_exception_handler(self._asyncio_hook)

    def report(self, summary: str, exc_info: Any = None) -> None:
        """Record and log an error, then tell the user through the sink: at once on the main
        thread, through the loop from other threads (the sink touches widgets), and not at all
        while the sink is already running."""
        self.count += 1
        self.caught.append(summary)
        with contextlib.suppress(Exception):  # logging reports its own failures
            self._log.error("unhandled error: %s", summary, exc_info=exc_info)
        if self._sink is None or self._in_sink:
            return
        if threading.current_thread() is threading.main_thread():
            self._deliver(summary)
            return
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # closed meanwhile: the log line stays
                loop.call_soon_threadsafe(self._deliver, summary)

    def _deliver(self, summary: str) -> None:
        if self._sink is None or self._in_sink:
            return
        self._in_sink = True
        try:
            self._sink(summary)
        except Exception:
            self.count += 1
            self.caught.append("error sink failed")
            self._log.exception("error sink failed")
        finally:
            self._in_sink = False

    def _excepthook(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        self.report(_summary(value), (kind, value, tb))

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self.report(
            _summary(args.exc_value) if args.exc_value is not None else args.exc_type.__name__,
            (args.exc_type, args.exc_value, args.exc_traceback),
        )

    def _asyncio_hook(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = context.get("message", "error in a background task")
        if exc is not None:
            self.report(_summary(exc), (type(exc), exc, exc.__traceback__))
        else:
            self.report(str(message))


def _summary(error: BaseException) -> str:
    """``Kind: message``, also for an error whose message itself fails to format."""
    try:
        return f"{type(error).__name__}: {error}"
    except Exception:
        return type(error).__name__
