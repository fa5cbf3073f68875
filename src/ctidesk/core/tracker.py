"""Turns events from several sources into one `Call` per real call.

The phone's Action URLs, its line-status poll and NFON's CTI stream may all report the same call,
in any order, some of them twice. The tracker merges them by the source's own call id first, then
by remote number within a short window, and keeps a small state machine that never goes backwards:
a late "ringing" after "answered" only fills in missing details.
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from ctidesk.core.calls import (
    Call,
    CallChanged,
    CallEvent,
    CallState,
    ChangeKind,
    Direction,
    EndCause,
    EventKind,
    TimelineEntry,
    utcnow,
)

log = logging.getLogger(__name__)

Listener = Callable[[CallChanged], None]

MATCH_WINDOW = timedelta(seconds=90)
CLOCK_SLACK = timedelta(seconds=2)
ENDED_RETENTION = timedelta(minutes=3)
MAX_ENDED_KEPT = 500

_PLACES = frozenset({EndCause.FORWARDED, EndCause.VOICEMAIL, EndCause.FAILED})
"""Endings that say where an unanswered call went; they win over ctidesk's own reject."""

_START_STATE = {
    EventKind.RINGING: CallState.RINGING,
    EventKind.DIALING: CallState.DIALING,
    EventKind.ANSWERED: CallState.CONNECTED,
    EventKind.RESUMED: CallState.CONNECTED,
    EventKind.HELD: CallState.HELD,
}


class CallTracker:
    """Owns call state; consumers subscribe to `CallChanged`.

    Listeners run synchronously in the caller's thread; an exception in one is logged and does
    not stop the others.
    """

    def __init__(
        self,
        clock: Callable[[], datetime] = utcnow,
        id_factory: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._clock = clock
        self._new_id = id_factory
        self._live: dict[str, Call] = {}
        self._ended: OrderedDict[str, Call] = OrderedDict()
        self._by_source_id: dict[tuple[str, str], str] = {}
        self._listeners: list[Listener] = []
        self._state_at: dict[str, datetime] = {}
        self._rejecting: dict[str, EndCause] = {}

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register a listener; returns a function that removes it again."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def live_calls(self) -> list[Call]:
        return sorted(self._live.values(), key=lambda c: c.started_at)

    def get(self, call_id: str) -> Call | None:
        return self._live.get(call_id) or self._ended.get(call_id)

    def find_by_source_id(self, source: str, source_call_id: str) -> Call | None:
        call_id = self._by_source_id.get((source, source_call_id))
        return self.get(call_id) if call_id else None

    def note(self, call_id: str, what: str, source: str, detail: str = "") -> None:
        """Add a timeline line from a consumer (e.g. a Zammad reply) and tell everyone."""
        call = self.get(call_id)
        if call is None:
            log.warning("note for unknown call %s dropped: %s", call_id, what)
            return
        call.timeline.append(
            TimelineEntry(at=self._clock(), what=what, source=source, detail=detail)
        )
        self._emit(call, ChangeKind.NOTE, call.state, None)

    async def reject(
        self, call: Call, reject: Callable[[Call], Awaitable[None]], ending: EndCause
    ) -> None:
        """Reject a ringing call through ``reject`` (the phone) and remember why.

        The phone often reports the end without saying it was rejected (a GXP sends
        "terminated", the line poll sees idle), which would read as missed and ask for a
        callback. ``ending`` (the agent's `EndCause.REJECTED`, or `EndCause.BLOCKED` on
        Zammad's word) is kept for the call unless a source says it went elsewhere
        (voicemail, forwarded, failed). If the command fails, nothing is remembered.
        """
        self._rejecting[call.id] = ending
        try:
            await reject(call)
        except BaseException:
            self._rejecting.pop(call.id, None)
            raise

    def handle(self, event: CallEvent) -> Call:
        """Apply one event; returns the call it was merged into."""
        self._prune()
        call = self._match(event)
        if call is None:
            call = self._create(event)
            self._emit(call, ChangeKind.CREATED, None, event)
            if call.state is CallState.ENDED:
                self._emit(call, ChangeKind.ENDED, None, event)
            return call
        previous = call.state
        changed = self._apply(call, event)
        if call.state is CallState.ENDED and previous is not CallState.ENDED:
            self._retire(call)
            self._emit(call, ChangeKind.ENDED, previous, event)
        elif call.state is not previous:
            self._emit(call, ChangeKind.STATE, previous, event)
        elif changed:
            self._emit(call, ChangeKind.UPDATED, previous, event)
        return call

    def _match(self, event: CallEvent) -> Call | None:
        if event.source_call_id:
            known = self._by_source_id.get((event.source.value, event.source_call_id))
            if known:
                call = self.get(known)
                if call is not None:
                    return call
        candidates = [
            c
            for c in self._live.values()
            if self._same_party(c, event) and not self._has_other_id(c, event)
        ]
        if not candidates:
            now = self._clock()
            candidates = [
                c
                for c in self._ended.values()
                if c.ended_at is not None
                and now - c.ended_at <= MATCH_WINDOW
                and self._same_party(c, event)
                and not self._has_other_id(c, event)
                and self._belongs_to_ended(c, event)
            ]
        if not candidates:
            return None
        return min(candidates, key=lambda c: abs((c.started_at - event.at).total_seconds()))

    @staticmethod
    def _belongs_to_ended(call: Call, event: CallEvent) -> bool:
        """Whether an event can describe a call that already ended (a late or repeated report).

        A hangup is always a repeat. Anything else must have happened before the call ended, with
        some slack for the clocks of other sources; otherwise it is the same caller calling again.
        """
        if event.kind is EventKind.ENDED:
            return True
        assert call.ended_at is not None
        slack = timedelta(0) if event.source.value in call.source_ids else CLOCK_SLACK
        return event.at <= call.ended_at + slack

    @staticmethod
    def _same_party(call: Call, event: CallEvent) -> bool:
        if call.remote.key != event.remote.key:
            return False
        if Direction.UNKNOWN not in (call.direction, event.direction) and (
            call.direction is not event.direction
        ):
            return False
        return not (call.line and event.line and call.line != event.line)

    @staticmethod
    def _has_other_id(call: Call, event: CallEvent) -> bool:
        """A source that gave this call its own id is not describing it under another one."""
        own = call.source_ids.get(event.source.value)
        return own is not None and event.source_call_id is not None and own != event.source_call_id

    def _create(self, event: CallEvent) -> Call:
        direction = event.direction
        if direction is Direction.UNKNOWN:
            direction = Direction.OUTBOUND if event.kind is EventKind.DIALING else Direction.INBOUND
        state = _START_STATE.get(event.kind, CallState.ENDED)
        call = Call(
            id=self._new_id(),
            direction=direction,
            remote=event.remote,
            local=event.local,
            remote_name=event.remote_name,
            line=event.line,
            account=event.account,
            state=state,
            started_at=event.at,
            answered_at=event.at if state in (CallState.CONNECTED, CallState.HELD) else None,
        )
        if event.source_call_id:
            call.source_ids[event.source.value] = event.source_call_id
            self._by_source_id[(event.source.value, event.source_call_id)] = call.id
        call.timeline.append(self._entry(event))
        if state is CallState.ENDED:
            call.ended_at = event.at
            call.ending = self._ending_for(call, event)
            self._ended[call.id] = call
        else:
            self._live[call.id] = call
        return call

    def _apply(self, call: Call, event: CallEvent) -> bool:
        """Merge the event into the call; returns whether anything besides state changed."""
        changed = self._merge_details(call, event)
        call.timeline.append(self._entry(event))
        kind = event.kind
        if call.state is CallState.ENDED:
            return self._apply_late(call, event) or changed
        if event.at < call.started_at:
            call.started_at = event.at
        if kind in (EventKind.ANSWERED, EventKind.RESUMED, EventKind.HELD):
            if call.answered_at is None or event.at < call.answered_at:
                call.answered_at = event.at
            stale = event.at < self._state_at.get(call.id, call.started_at)
            if not stale:
                call.state = CallState.HELD if kind is EventKind.HELD else CallState.CONNECTED
                self._state_at[call.id] = event.at
        elif kind is EventKind.ENDED:
            call.ended_at = max(event.at, call.answered_at or event.at)
            call.ending = self._ending_for(call, event)
            call.state = CallState.ENDED
        return changed

    def _apply_late(self, call: Call, event: CallEvent) -> bool:
        """A slower source reports on a call that already ended: fill in, never reopen."""
        if event.kind in (EventKind.ANSWERED, EventKind.HELD, EventKind.RESUMED):
            if call.answered_at is None and call.ended_at is not None and event.at <= call.ended_at:
                call.answered_at = event.at
                if call.ending in (EndCause.MISSED, EndCause.CANCELLED, EndCause.UNKNOWN):
                    call.ending = EndCause.NORMAL
                return True
            return False
        if (
            event.kind is EventKind.ENDED
            and event.cause
            and call.ending in (None, EndCause.UNKNOWN)
        ):
            call.ending = self._ending_for(call, event)
            return True
        if (
            event.kind is EventKind.ENDED
            and event.cause
            in (
                EndCause.FORWARDED,
                EndCause.VOICEMAIL,
                EndCause.REJECTED,
                EndCause.BUSY,
            )
            and call.ending in (EndCause.MISSED, EndCause.CANCELLED)
            and not call.was_answered
        ):
            call.ending = event.cause
            return True
        if event.at < call.started_at:
            call.started_at = event.at
            return True
        return False

    def _merge_details(self, call: Call, event: CallEvent) -> bool:
        changed = False
        if event.source_call_id and event.source.value not in call.source_ids:
            call.source_ids[event.source.value] = event.source_call_id
            self._by_source_id[(event.source.value, event.source_call_id)] = call.id
            changed = True
        if (
            event.remote_name
            and event.remote_name != call.remote_name
            and (not call.remote_name or call.remote_name == call.remote.raw)
        ):
            call.remote_name = event.remote_name
            changed = True
        if call.line is None and event.line is not None:
            call.line = event.line
            changed = True
        if call.account is None and event.account:
            call.account = event.account
            changed = True
        if call.local is None and event.local is not None:
            call.local = event.local
            changed = True
        return changed

    def _ending_for(self, call: Call, event: CallEvent) -> EndCause:
        cause = event.cause
        rejected = self._rejecting.get(call.id)
        if rejected is not None and not call.was_answered and cause not in _PLACES:
            return rejected
        if cause and cause is not EndCause.UNKNOWN:
            if cause is EndCause.NORMAL and not call.was_answered:
                return (
                    EndCause.MISSED if call.direction is Direction.INBOUND else EndCause.CANCELLED
                )
            return cause
        if call.was_answered:
            return EndCause.NORMAL
        return EndCause.MISSED if call.direction is Direction.INBOUND else EndCause.CANCELLED

    @staticmethod
    def _entry(event: CallEvent) -> TimelineEntry:
        detail = event.cause.value if event.cause else ""
        return TimelineEntry(
            at=event.at, what=event.kind.value, source=event.source.value, detail=detail
        )

    def _retire(self, call: Call) -> None:
        self._live.pop(call.id, None)
        self._state_at.pop(call.id, None)
        self._ended[call.id] = call

    def _prune(self) -> None:
        now = self._clock()
        while self._ended:
            oldest_id, oldest = next(iter(self._ended.items()))
            too_many = len(self._ended) > MAX_ENDED_KEPT
            too_old = oldest.ended_at is None or now - oldest.ended_at > ENDED_RETENTION
            if not (too_many or too_old):
                break
            self._ended.popitem(last=False)
            self._rejecting.pop(oldest_id, None)
            for source, source_id in oldest.source_ids.items():
                if self._by_source_id.get((source, source_id)) == oldest_id:
                    del self._by_source_id[(source, source_id)]

    def _emit(
        self, call: Call, change: ChangeKind, previous: CallState | None, event: CallEvent | None
    ) -> None:
        snapshot = call.model_copy(
            update={"timeline": list(call.timeline), "source_ids": dict(call.source_ids)}
        )
        message = CallChanged(call=snapshot, change=change, previous_state=previous, event=event)
        for listener in list(self._listeners):
            try:
                listener(message)
            except Exception:
                log.exception("call listener %r failed on %s", listener, change)
