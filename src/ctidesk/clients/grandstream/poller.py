"""Line-status poller: call events from `api-get_line_status` when Action URLs are not set up.

Fast while a call is live, slow when idle, backing off while the phone is unreachable. A line's
new state counts only after it was read the same way ``confirmations`` times in a row, so a
flapping reading invents no call. Reachability goes to ``on_status`` for the tray; a rejected
passcode stops polling until `resume()` (the phone may lock the account after retries).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ctidesk.clients.grandstream.errors import (
    GrandstreamError,
    PhoneAuthRejected,
    PhoneUnreachable,
    SessionLocked,
    SessionLoginFailed,
)
from ctidesk.clients.grandstream.models import LineState, LineStatus
from ctidesk.core.calls import CallEvent, Direction, EndCause, EventKind, EventSource
from ctidesk.core.numbers import parse_number
from ctidesk.core.ports import ReachState, SystemStatus

log = logging.getLogger(__name__)

LineReader = Callable[[], Awaitable[list[LineStatus]]]
SYSTEM = "phone"


@dataclass(frozen=True)
class _Reading:
    state: LineState
    number: str = ""
    name: str = ""
    account: str = ""

    @property
    def idle(self) -> bool:
        return self.state is LineState.IDLE

    def same_call(self, other: _Reading) -> bool:
        return not self.number or not other.number or self.number == other.number


_IDLE = _Reading(LineState.IDLE)
_STARTS = {
    LineState.RINGING: (EventKind.RINGING, Direction.INBOUND),
    LineState.CALLING: (EventKind.DIALING, Direction.OUTBOUND),
    LineState.CONNECTED: (EventKind.ANSWERED, Direction.UNKNOWN),
    LineState.ONHOLD: (EventKind.HELD, Direction.UNKNOWN),
}


class LineStatusPoller:
    """Polls ``read_lines`` (e.g. ``GrandstreamClient.read_lines``) and emits `CallEvent`s."""

    def __init__(
        self,
        read_lines: LineReader,
        *,
        on_event: Callable[[CallEvent], object],
        on_status: Callable[[SystemStatus], None] | None = None,
        default_region: str = "DE",
        idle_interval: float = 5.0,
        active_interval: float = 1.0,
        max_backoff: float = 60.0,
        confirmations: int = 2,
    ) -> None:
        self._read = read_lines
        self._on_event = on_event
        self._on_status = on_status
        self._region = default_region
        self.idle_interval = idle_interval
        self.active_interval = active_interval
        self.max_backoff = max_backoff
        self._confirmations = max(1, confirmations)
        self._confirmed: dict[int, _Reading] = {}
        self._pending: dict[int, tuple[_Reading, int]] = {}
        self._directions: dict[int, Direction] = {}
        self._backoff = 0.0
        self._status: SystemStatus | None = None
        self._task: asyncio.Task[None] | None = None
        self._paused = False
        self._wake = asyncio.Event()

    @property
    def status(self) -> SystemStatus | None:
        return self._status

    @property
    def paused(self) -> bool:
        """True after the phone rejected the credentials; `resume()` polls again."""
        return self._paused

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def resume(self) -> None:
        """Poll again now (after the agent fixed the passcode, or to refresh at once)."""
        self._paused = False
        self._backoff = 0.0
        self._wake.set()

    async def _run(self) -> None:
        while True:
            delay = await self.poll_once()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay if not self._paused else None):
                    await self._wake.wait()

    def next_interval(self) -> float:
        if self._backoff:
            return self._backoff
        live = any(not r.idle for r in self._confirmed.values()) or bool(self._pending)
        return self.active_interval if live else self.idle_interval

    async def poll_once(self) -> float:
        """One reading; returns the delay until the next. Never raises."""
        if self._paused:
            return self.max_backoff
        try:
            lines = await self._read()
        except (PhoneAuthRejected, SessionLoginFailed, SessionLocked) as exc:
            self._paused = True
            self._report(ReachState.AUTH_FAILED, str(exc))
            return self.max_backoff
        except PhoneUnreachable as exc:
            self._backoff = min(self.max_backoff, max(self.idle_interval, self._backoff * 2))
            self._report(ReachState.UNREACHABLE, str(exc))
            return self._backoff
        except GrandstreamError as exc:
            self._backoff = min(self.max_backoff, max(self.idle_interval, self._backoff * 2))
            self._report(ReachState.MISCONFIGURED, str(exc))
            return self._backoff
        except Exception as exc:
            log.exception("line status poll failed")
            self._backoff = self.max_backoff
            self._report(ReachState.MISCONFIGURED, f"unexpected error: {exc}")
            return self._backoff
        self._backoff = 0.0
        self._report(ReachState.OK, "")
        self.feed(lines)
        return self.next_interval()

    def _report(self, state: ReachState, detail: str) -> None:
        status = SystemStatus(system=SYSTEM, state=state, detail=detail)
        if status == self._status:
            return
        self._status = status
        log.info("phone status: %s %s", state.value, detail)
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                log.exception("phone status listener failed")

    def feed(self, lines: list[LineStatus]) -> None:
        """One reading of the lines (from the poll, or re-read after a command)."""
        for line in lines:
            reading = _Reading(line.state, line.remote_number, line.remote_name, line.account)
            confirmed = self._confirmed.get(line.line, _IDLE)
            if reading == confirmed:
                self._pending.pop(line.line, None)
                continue
            pending, count = self._pending.get(line.line, (reading, 0))
            count = count + 1 if pending == reading else 1
            if count < self._confirmations:
                self._pending[line.line] = (reading, count)
                continue
            self._pending.pop(line.line, None)
            self._confirmed[line.line] = reading
            self._transition(line.line, confirmed, reading)

    def _transition(self, line: int, old: _Reading, new: _Reading) -> None:
        started = line in self._directions
        if started and (new.idle or not new.same_call(old)):
            cause = EndCause.FAILED if old.state is LineState.FAILED else None
            self._emit(line, EventKind.ENDED, old, cause)
            self._directions.pop(line, None)
            started = False
        if new.idle:
            return
        if new.state is LineState.FAILED:
            if started:
                self._emit(line, EventKind.ENDED, new, EndCause.FAILED)
                self._directions.pop(line, None)
            return
        if not started:
            start = _STARTS.get(new.state)
            if new.state is LineState.DIALING and new.number:
                start = (EventKind.DIALING, Direction.OUTBOUND)
            if start is not None:
                self._directions[line] = start[1]
                self._emit(line, start[0], new)
            return
        if new.state is LineState.CONNECTED:
            if old.state is LineState.ONHOLD:
                self._emit(line, EventKind.RESUMED, new)
            elif old.state is not LineState.CONNECTED:
                self._emit(line, EventKind.ANSWERED, new)
        elif new.state is LineState.ONHOLD and old.state is not LineState.ONHOLD:
            self._emit(line, EventKind.HELD, new)

    def _emit(
        self, line: int, kind: EventKind, reading: _Reading, cause: EndCause | None = None
    ) -> None:
        name = reading.name if reading.name and reading.name != reading.number else None
        event = CallEvent(
            source=EventSource.PHONE_POLL,
            kind=kind,
            remote=parse_number(reading.number, self._region),
            direction=self._directions.get(line, Direction.UNKNOWN),
            remote_name=name,
            line=line,
            account=reading.account or None,
            cause=cause,
        )
        try:
            self._on_event(event)
        except Exception:
            log.exception("call event listener failed on %s", kind.value)
