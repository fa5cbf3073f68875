"""Forwards tracked calls to Zammad's generic CTI endpoint through the durable outbox.

`on_call_changed` (a tracker listener, synchronous) only writes events to SQLite; `run()` delivers
them. Exactly-once towards Zammad's caller log, as far as Zammad lets a client know:

* every attempt is committed as "maybe applied" before it is sent;
* a newCall answered "already exists" (500) counts as delivered;
* before re-sending an answer or hangup that may have been applied, the caller log is read (with
  the agent's API token) and the event is skipped if Zammad already shows it, because Zammad
  applies a repeated hangup again (a missed call would turn "done");
* an answer or hangup answered 500 is repaired once by sending the call's newCall again: if Zammad
  accepts it, it did not know the call and the event is re-sent; if it says "already exists", the
  500 was something else and the event is retried with back-off;
* whatever cannot be delivered within ``zammad.give_up_after_hours`` is marked failed, kept, and
  listed by `failed_events()` for the user.

The endpoint URL holds Zammad's CTI token, so it is never logged or stored in an error text.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import random
import threading
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import httpx

from ctidesk.clients.backoff import backoff_delay
from ctidesk.clients.zammad.events import (
    CtiEventName,
    CtiOptions,
    encode_form,
    events_for_change,
)
from ctidesk.clients.zammad.models import CallerLogEntry, CallerLogState
from ctidesk.clients.zammad.outbox import Outbox, OutboxEvent
from ctidesk.clients.zammad.replies import CtiReply, ReplyKind, parse_cti_reply
from ctidesk.config.secrets import SecretName, SecretStore
from ctidesk.config.settings import ZammadSettings
from ctidesk.core.calls import Call, CallChanged, CallState, Direction, EndCause, utcnow
from ctidesk.core.ports import PhoneCommandError, PhoneControl, ReachState, SystemStatus
from ctidesk.core.tasks import TaskSet

log = logging.getLogger(__name__)

SYSTEM = "zammad"
NOTE_SOURCE = "zammad"
IDLE_RECHECK_SECONDS = 30.0
STOP_GRACE_SECONDS = 3.0


class CallNotes(Protocol):
    """The part of `CallTracker` the forwarder uses for reply handling."""

    def get(self, call_id: str) -> Call | None: ...

    def note(self, call_id: str, what: str, source: str, detail: str = "") -> None: ...

    async def reject(
        self, call: Call, reject: Callable[[Call], Awaitable[None]], ending: EndCause
    ) -> None: ...


class CallerLogReader(Protocol):
    """Reads one caller-log row by call id (`ZammadLookup.caller_log_entry`)."""

    async def caller_log_entry(self, call_id: str) -> CallerLogEntry | None: ...


@dataclass(frozen=True)
class CallerIdInstruction:
    """Zammad's ``dial`` reply: place the outbound call with this caller id."""

    call_id: str
    caller_id: str
    number: str | None


CallerIdCallback = Callable[[CallerIdInstruction], Awaitable[None] | None]
StatusCallback = Callable[[SystemStatus], None]


def options_from_settings(settings: ZammadSettings) -> CtiOptions:
    return CtiOptions(
        agent_names=tuple(settings.agent_names),
        agent_name=settings.agent_name,
        answering_number=settings.answering_number,
        send_answering_number=settings.send_answering_number,
        queue=settings.queue,
        cause_overrides=dict(settings.cause_overrides),
    )


class _Verdict(Enum):
    APPLIED = "applied"
    NOT_APPLIED = "not applied"
    UNKNOWN = "unknown"


class _Outcome:
    DELIVERED = "delivered"
    RETRY_EVENT = "retry_event"  # this event only; other calls go on
    BACK_OFF = "back_off"  # Zammad as a whole is unwell: pause everything


class ZammadForwarder:
    """Durable, ordered, retrying CTI push to Zammad. Construct once; `run()` in a task."""

    def __init__(
        self,
        *,
        settings: ZammadSettings,
        secrets: SecretStore,
        outbox: Outbox | Path,
        http: httpx.AsyncClient | None = None,
        calls: CallNotes | None = None,
        phone: PhoneControl | None = None,
        on_caller_id: CallerIdCallback | None = None,
        on_status: StatusCallback | None = None,
        caller_log: CallerLogReader | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self._settings = settings
        self._secrets = secrets
        self._owns_outbox = isinstance(outbox, Path)
        self.outbox = Outbox(outbox, clock) if isinstance(outbox, Path) else outbox
        self._http = http
        self._owns_http = http is None
        self._calls = calls
        self._phone = phone
        self._on_caller_id = on_caller_id
        self._on_status = on_status
        self._caller_log = caller_log
        self._clock = clock
        self._rng = rng or random.Random()
        self._options = options_from_settings(settings)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._action_tasks = TaskSet()
        self._failures_in_row = 0
        self._warned_unknown_own = False
        self._status: SystemStatus | None = None
        self._status_lock = threading.Lock()

    # ------------------------------------------------------------------ tracker side

    def on_call_changed(self, change: CallChanged) -> None:
        """Tracker listener: store the events this change implies; never blocks on the network."""
        if not self._settings.enabled or not self._settings.forward_events:
            return
        if change.call.direction is Direction.UNKNOWN:
            return
        events = events_for_change(change, self._options)
        own = "from" if change.call.direction is Direction.OUTBOUND else "to"
        if not self._warned_unknown_own and events and not events[0].get(own):
            self._warned_unknown_own = True
            log.warning(
                "ctidesk does not know your own number (the phone did not report it), so "
                "Zammad's caller log shows it empty (inbound: the called number, outbound: "
                "the caller). Set [zammad] answering_number to your number, e.g. 4930123456"
            )
        added = self.outbox.add(events)
        if added:
            self._poke()

    def _poke(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._wake.set)

    # ------------------------------------------------------------------ user side

    def failed_events(self) -> list[OutboxEvent]:
        """Events Zammad never accepted in time; kept for the user (tray, journal window)."""
        return self.outbox.failed()

    def retry_failed(self, seqs: list[int] | None = None) -> int:
        """The user's "try again": failed events (whole calls) go back in line."""
        count = self.outbox.retry_failed(seqs)
        if count:
            self._poke()
        return count

    @property
    def status(self) -> SystemStatus | None:
        return self._status

    def pending_count(self) -> int:
        return self.outbox.pending_count()

    async def wait_idle(self, within_seconds: float) -> bool:
        """Wait until nothing is pending (tests, clean shutdown); False if it takes longer."""
        deadline = asyncio.get_running_loop().time() + within_seconds
        while self.outbox.pending_count():
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    # ------------------------------------------------------------------ delivery loop

    async def run(self) -> None:
        """Deliver until `stop()`; never raises for Zammad trouble (it reports status instead)."""
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        if self._http is None:
            self._http = httpx.AsyncClient(follow_redirects=False)
        try:
            if not self._settings.enabled or not self._settings.forward_events:
                self._set_status(ReachState.DISABLED, "forwarding calls to Zammad is switched off")
                await self._stopping.wait()
                return
            self._set_status(ReachState.UNKNOWN, "no call sent to Zammad yet")
            while not self._stopping.is_set():
                await self._cycle()
        finally:
            await self._finish_actions()
            if self._owns_http and self._http is not None:
                await self._http.aclose()
                self._http = None

    async def stop(self) -> None:
        """Stop delivering (undelivered events stay stored) and close what the forwarder owns."""
        self._stopping.set()
        self._wake.set()
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            done, _ = await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
            if not done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._owns_outbox:
            self.outbox.close()

    async def _cycle(self) -> None:
        self._wake.clear()  # before looking: an event stored from now on wakes the idle wait
        url = self._endpoint()
        if url is None:
            self._set_status(
                ReachState.MISCONFIGURED,
                "the Zammad CTI endpoint URL is not set; copy it from Admin > Integrations > "
                "CTI (generic) and store it with `ctidesk secret set zammad_cti_url`",
            )
            await self._idle(IDLE_RECHECK_SECONDS)
            return
        batch = self.outbox.due(self._clock())
        if not batch:
            next_at = self.outbox.next_due_at()
            wait = IDLE_RECHECK_SECONDS
            if next_at is not None:
                wait = min(wait, max(0.0, (next_at - self._clock()).total_seconds()))
            await self._idle(wait)
            return
        for item in batch:
            if self._stopping.is_set():
                return
            outcome = await self._deliver(item, url)
            if outcome == _Outcome.BACK_OFF:
                self._failures_in_row += 1
                await self._pause(self._backoff(self._failures_in_row))
                return
            if outcome == _Outcome.DELIVERED:
                self._failures_in_row = 0
        self._refresh_ok_status()

    async def _idle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=max(seconds, 0.0))

    async def _pause(self, seconds: float) -> None:
        """Back-off: only `stop()` cuts it short; new events wait their turn."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    def _backoff(self, failures: int) -> float:
        settings = self._settings
        return backoff_delay(
            failures, settings.retry_initial_seconds, settings.retry_max_seconds, self._rng.random
        )

    def _endpoint(self) -> str | None:
        try:
            url = self._secrets.get(SecretName.ZAMMAD_CTI_URL)
        except Exception as exc:
            log.warning("cannot read the Zammad CTI endpoint from the secret store: %s", exc)
            return None
        return url.strip() if url and url.strip() else None

    # ------------------------------------------------------------------ one event

    async def _deliver(self, item: OutboxEvent, url: str) -> str:
        if self._give_up_due(item):
            self._give_up(item, item.last_error or "Zammad did not accept it in time")
            return _Outcome.RETRY_EVENT
        if item.maybe_applied and item.name is not CtiEventName.NEW_CALL:
            verdict = await self._caller_log_verdict(item)
            if verdict is _Verdict.APPLIED:
                self.outbox.mark_delivered(item.seq, "found in Zammad's caller log")
                log.info(
                    "%s of call %s was already in Zammad's caller log", item.name, item.call_id
                )
                return _Outcome.DELIVERED
            if verdict is _Verdict.UNKNOWN:
                if item.unverified_resends >= self._settings.unverified_resends:
                    self._count_unverified(item)
                    return _Outcome.DELIVERED
                self.outbox.mark_unverified_resend(item.seq)
        self.outbox.mark_attempt(item.seq)
        reply, error = await self._post(url, item.fields, item.name)
        if reply is None:
            self._retry_later(item, error, reach=ReachState.UNREACHABLE)
            return _Outcome.BACK_OFF
        if reply.delivered:
            outcome = reply.describe()
            if reply.kind is ReplyKind.DUPLICATE and not item.maybe_applied:
                log.warning(
                    "Zammad already knew call %s before ctidesk sent it: is another ctidesk "
                    "forwarding the same calls? (see docs/zammad.md)",
                    item.call_id,
                )
            self.outbox.mark_delivered(item.seq, outcome)
            self._handle_actions(item, reply)
            return _Outcome.DELIVERED
        if reply.status != 500:
            self.outbox.mark_not_applied(item.seq)  # Zammad said no; it applied nothing
        if reply.kind is ReplyKind.UNKNOWN_CALL:
            self.outbox.mark_not_applied(item.seq)  # "No such call_id" is raised before saving
            return await self._repair(item, url, reply)
        if reply.kind is ReplyKind.BAD_EVENT:
            self._give_up(item, reply.describe())
            return _Outcome.RETRY_EVENT
        reach = {
            ReplyKind.AUTH_FAILED: ReachState.AUTH_FAILED,
            ReplyKind.DISABLED: ReachState.MISCONFIGURED,
            ReplyKind.NOT_CONFIGURED: ReachState.MISCONFIGURED,
            ReplyKind.NOT_FOUND: ReachState.MISCONFIGURED,
            ReplyKind.UNEXPECTED: ReachState.MISCONFIGURED,
        }.get(reply.kind, ReachState.UNREACHABLE)
        self._retry_later(item, reply.describe(), reach=reach)
        return _Outcome.BACK_OFF

    async def _post(
        self, url: str, fields: tuple[tuple[str, str], ...], name: CtiEventName
    ) -> tuple[CtiReply | None, str]:
        assert self._http is not None
        try:
            response = await self._http.post(
                url,
                content=encode_form(fields),
                headers={
                    "Accept": "application/json",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                timeout=self._settings.request_timeout_seconds,
            )
        except httpx.TimeoutException:
            return None, "Zammad did not answer in time"
        except httpx.HTTPError as exc:
            text = str(exc).replace(url, "<CTI endpoint>")
            return None, f"Zammad cannot be reached ({type(exc).__name__}: {text})"
        return parse_cti_reply(response.status_code, response.content, name), ""

    async def _caller_log_verdict(self, item: OutboxEvent) -> _Verdict:
        """Whether Zammad's caller log shows this (maybe applied) answer or hangup already.

        UNKNOWN where the log cannot be read (no API token, no ``cti.agent``, Zammad slow) or
        does not show the call (beyond ``view_limit``, or filtered by ``notify_map``).
        """
        if self._caller_log is None or not self._settings.verify_with_caller_log:
            return _Verdict.UNKNOWN
        try:
            entry = await self._caller_log.caller_log_entry(item.call_id)
        except Exception as exc:
            log.info("could not read Zammad's caller log to check call %s: %s", item.call_id, exc)
            return _Verdict.UNKNOWN
        if entry is None:
            return _Verdict.UNKNOWN
        if item.name is CtiEventName.HANGUP:
            applied = entry.state is CallerLogState.HANGUP
        else:
            applied = entry.state in (CallerLogState.ANSWER, CallerLogState.HANGUP)
        return _Verdict.APPLIED if applied else _Verdict.NOT_APPLIED

    def _count_unverified(self, item: OutboxEvent) -> None:
        """The resend cap is reached: stop, accepting that Zammad may have applied it more than
        once (up to once per attempt)."""
        sent = item.attempts
        self.outbox.mark_delivered(
            item.seq,
            f"sent {sent} time(s); Zammad's reply was lost and its caller log could not be read",
        )
        log.warning(
            "%s of call %s: Zammad's reply was lost %d time(s) and its caller log cannot be "
            "read (API token with cti.agent needed), so ctidesk stops sending it; Zammad may "
            "have applied it up to %d time(s) (see docs/zammad.md, lost replies)",
            item.name,
            item.call_id,
            sent,
            sent,
        )

    async def _repair(self, item: OutboxEvent, url: str, reply: CtiReply) -> str:
        """Answer/hangup refused with 500: does Zammad know the call at all?"""
        if item.repaired:
            self._retry_later(item, reply.describe(), reach=None)
            return _Outcome.RETRY_EVENT
        new_call = next(
            (
                e
                for e in self.outbox.events_of_call(item.call_id)
                if e.name is CtiEventName.NEW_CALL
            ),
            None,
        )
        if new_call is None:
            self._give_up(item, "Zammad does not know this call and ctidesk has no newCall for it")
            return _Outcome.RETRY_EVENT
        self.outbox.mark_repaired(item.seq)
        repair_reply, error = await self._post(url, new_call.fields, CtiEventName.NEW_CALL)
        if repair_reply is None:
            self._retry_later(item, error, reach=ReachState.UNREACHABLE)
            return _Outcome.BACK_OFF
        if repair_reply.kind is ReplyKind.DUPLICATE:
            self._retry_later(item, reply.describe(), reach=None)
            return _Outcome.RETRY_EVENT
        if repair_reply.delivered:
            log.warning("Zammad had lost call %s; sent its newCall again", item.call_id)
            self._note(item.call_id, "Zammad did not know the call; ctidesk sent it again")
            self.outbox.mark_retry(item.seq, reply.describe(), self._clock())
            return _Outcome.DELIVERED
        self._retry_later(item, repair_reply.describe(), reach=None)
        return _Outcome.BACK_OFF

    def _give_up_due(self, item: OutboxEvent) -> bool:
        limit = timedelta(hours=self._settings.give_up_after_hours)
        return item.attempts > 0 and self._clock() - item.created_at > limit

    def _give_up(self, item: OutboxEvent, reason: str) -> None:
        failed = self.outbox.fail_call_from(item.seq, reason)
        log.error(
            "gave up sending %d Zammad event(s) of call %s: %s", len(failed), item.call_id, reason
        )
        self._note(item.call_id, "Zammad caller log not updated", reason)
        self._set_status(
            ReachState.UNREACHABLE if self._status is None else self._status.state,
            f"{len(self.outbox.failed())} call event(s) could not be sent to Zammad: {reason}",
            force=True,
        )

    def _retry_later(self, item: OutboxEvent, error: str, reach: ReachState | None) -> None:
        attempts = item.attempts + 1
        next_at = self._clock() + timedelta(seconds=self._backoff(attempts))
        self.outbox.mark_retry(item.seq, error, next_at)
        if reach is not None:
            pending = self.outbox.pending_count()
            self._set_status(reach, f"{error} ({pending} call event(s) waiting)")
        log.info("Zammad %s of call %s not delivered yet: %s", item.name, item.call_id, error)

    # ------------------------------------------------------------------ replies

    def _handle_actions(self, item: OutboxEvent, reply: CtiReply) -> None:
        if item.name is not CtiEventName.NEW_CALL:
            return
        direction = item.get("direction")
        if reply.kind is ReplyKind.REJECT and direction == "in":
            self._spawn(self._reject(item.call_id, reply.reason or "busy"))
        elif reply.kind is ReplyKind.DIAL and direction == "out" and reply.caller_id:
            instruction = CallerIdInstruction(item.call_id, reply.caller_id, reply.number)
            self._spawn(self._use_caller_id(instruction))

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        self._action_tasks.spawn(coroutine)

    async def _finish_actions(self) -> None:
        await self._action_tasks.close(STOP_GRACE_SECONDS)

    async def _reject(self, call_id: str, reason: str) -> None:
        if self._calls is None:
            return
        call = self._calls.get(call_id)
        if call is None or call.state is not CallState.RINGING:
            self._note(call_id, "Zammad: caller is blocked (call no longer ringing)", reason)
            return
        if self._phone is None:
            self._note(call_id, "Zammad: caller is blocked (no phone control to reject)", reason)
            return
        try:
            await self._calls.reject(call, self._phone.reject, EndCause.BLOCKED)
        except PhoneCommandError as exc:
            self._note(call_id, "Zammad: caller is blocked, but rejecting failed", str(exc))
            return
        except Exception as exc:
            log.exception("rejecting blocked call %s failed", call_id)
            self._note(call_id, "Zammad: caller is blocked, but rejecting failed", str(exc))
            return
        self._note(call_id, "Zammad: caller is blocked, call rejected", reason)

    async def _use_caller_id(self, instruction: CallerIdInstruction) -> None:
        self._note(
            instruction.call_id,
            f"Zammad: caller id {instruction.caller_id}",
            f"for {instruction.number}" if instruction.number else "",
        )
        if self._on_caller_id is None:
            return
        try:
            result = self._on_caller_id(instruction)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            log.exception("caller id callback failed for call %s", instruction.call_id)
            self._note(instruction.call_id, "Zammad caller id could not be applied", str(exc))

    def _note(self, call_id: str, what: str, detail: str = "") -> None:
        if self._calls is None:
            return
        try:
            self._calls.note(call_id, what, NOTE_SOURCE, detail)
        except Exception:
            log.exception("could not add a note to call %s", call_id)

    # ------------------------------------------------------------------ status

    def _refresh_ok_status(self) -> None:
        if self._failures_in_row:
            return
        failed = len(self.outbox.failed())
        detail = f"{failed} call event(s) could not be sent to Zammad" if failed else ""
        self._set_status(ReachState.OK, detail)

    def _set_status(self, state: ReachState, detail: str, force: bool = False) -> None:
        status = SystemStatus(system=SYSTEM, state=state, detail=detail)
        with self._status_lock:
            if status == self._status and not force:
                return
            self._status = status
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                log.exception("Zammad status callback failed")
