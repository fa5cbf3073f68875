"""What ctidesk tells Zammad's generic CTI endpoint about a call: pure mapping and encoding.

The mapping is state-derived: from any snapshot of a call it returns every event the call implies
so far (newCall always, answer once answered, hangup once ended). The outbox keeps one row per
(call, event), so feeding it every `CallChanged` sends each event exactly once, in Zammad's order,
even for a call first seen already ended.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import quote

from ctidesk.core.calls import Call, CallChanged, CallState, Direction, EndCause
from ctidesk.core.numbers import PhoneNumber


class CtiEventName(StrEnum):
    NEW_CALL = "newCall"
    ANSWER = "answer"
    HANGUP = "hangup"

    @property
    def rank(self) -> int:
        """Position in a call's event stream; delivery per call follows it."""
        return _RANK[self]


_RANK = {CtiEventName.NEW_CALL: 0, CtiEventName.ANSWER: 1, CtiEventName.HANGUP: 2}


class ZammadCause(StrEnum):
    """The seven hangup causes Zammad documents; only ``forwarded`` changes its logic."""

    NORMAL_CLEARING = "normalClearing"
    BUSY = "busy"
    CANCEL = "cancel"
    NO_ANSWER = "noAnswer"
    CONGESTION = "congestion"
    NOT_FOUND = "notFound"
    FORWARDED = "forwarded"


DEFAULT_CAUSES: dict[EndCause, ZammadCause] = {
    EndCause.NORMAL: ZammadCause.NORMAL_CLEARING,
    EndCause.MISSED: ZammadCause.NO_ANSWER,
    EndCause.REJECTED: ZammadCause.BUSY,
    EndCause.CANCELLED: ZammadCause.CANCEL,
    EndCause.BUSY: ZammadCause.BUSY,
    EndCause.FORWARDED: ZammadCause.FORWARDED,
    EndCause.VOICEMAIL: ZammadCause.NO_ANSWER,
    EndCause.FAILED: ZammadCause.CONGESTION,
}


@dataclass(frozen=True)
class CtiOptions:
    """The settings the mapping needs (from `ZammadSettings`), as plain values."""

    agent_names: Sequence[str] = ()
    answering_number: str = ""
    send_answering_number: bool = False
    queue: str = ""
    cause_overrides: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CtiEvent:
    """One event for the CTI endpoint: ordered form fields, repeated keys allowed (``user[]``)."""

    call_id: str
    name: CtiEventName
    fields: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str | None:
        for name, value in self.fields:
            if name == key:
                return value
        return None

    @property
    def direction(self) -> str:
        return self.get("direction") or ""


def zammad_number(number: PhoneNumber | None) -> str:
    """E.164 digits without ``+`` (or ``anonymous``), the only shape Zammad matches reliably."""
    if number is None:
        return ""
    return number.digits


def zammad_cause(call: Call, overrides: Mapping[str, str] | None = None) -> str:
    """Map how the call ended onto Zammad's documented causes; overridable per ending."""
    ending = call.ending or EndCause.UNKNOWN
    if overrides and ending.value in overrides:
        return overrides[ending.value]
    mapped = DEFAULT_CAUSES.get(ending)
    if mapped is not None:
        return mapped.value
    if call.was_answered:
        return ZammadCause.NORMAL_CLEARING.value
    if call.direction is Direction.OUTBOUND:
        return ZammadCause.CANCEL.value
    return ZammadCause.NO_ANSWER.value


def _own_number(call: Call, options: CtiOptions) -> str:
    """Our side of the call: the phone's own number if known, else the configured one."""
    own = zammad_number(call.local)
    if own and own != "anonymous":
        return own
    return options.answering_number or options.queue or "unknown"


def _parties(call: Call, options: CtiOptions) -> tuple[str, str]:
    remote = zammad_number(call.remote) or "anonymous"
    own = _own_number(call, options)
    return (own, remote) if call.direction is Direction.OUTBOUND else (remote, own)


def events_for_call(call: Call, options: CtiOptions) -> list[CtiEvent]:
    """Every event the call implies so far, in stream order (see module docstring)."""
    direction = "out" if call.direction is Direction.OUTBOUND else "in"
    from_number, to_number = _parties(call, options)
    base = (("direction", direction), ("callId", call.id), ("from", from_number), ("to", to_number))
    users = tuple(("user[]", name) for name in options.agent_names if name)
    answering: tuple[tuple[str, str], ...] = ()
    if options.send_answering_number and options.answering_number:
        answering = (("answeringNumber", options.answering_number),)

    new_call: tuple[tuple[str, str], ...] = (("event", CtiEventName.NEW_CALL.value), *base, *users)
    if options.queue:
        new_call += (("queue", options.queue),)
    events = [CtiEvent(call.id, CtiEventName.NEW_CALL, new_call)]
    if call.was_answered:
        # Zammad copies `user` of an answer into `to_comment`; outbound that is the callee's
        # name, so only inbound answers say who picked up.
        answer_users = users if direction == "in" else ()
        answer = (("event", CtiEventName.ANSWER.value), *base, *answer_users, *answering)
        events.append(CtiEvent(call.id, CtiEventName.ANSWER, answer))
    if call.state is CallState.ENDED:
        hangup: tuple[tuple[str, str], ...] = (
            ("event", CtiEventName.HANGUP.value),
            *base,
            ("cause", zammad_cause(call, options.cause_overrides)),
        )
        if call.was_answered:
            hangup += answering
        events.append(CtiEvent(call.id, CtiEventName.HANGUP, hangup))
    return events


def events_for_change(change: CallChanged, options: CtiOptions) -> list[CtiEvent]:
    """The events a tracker change implies; notes and unknown-direction calls imply nothing new."""
    return events_for_call(change.call, options)


def encode_form(fields: Sequence[tuple[str, str]]) -> bytes:
    """``application/x-www-form-urlencoded`` with every reserved character escaped.

    ``quote(..., safe="")`` turns ``+`` into ``%2B`` (Rails reads a bare ``+`` as a space) and keeps
    ``[]`` in ``user[]`` escaped, which Rails decodes back to the array key.
    """
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in fields).encode("ascii")
