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


CAUSE_MEANINGS: dict[ZammadCause, str] = {
    ZammadCause.NORMAL_CLEARING: "a party hung up after the call was established",
    ZammadCause.BUSY: "the called party was busy",
    ZammadCause.CANCEL: "the caller hung up before the called party picked up",
    ZammadCause.NO_ANSWER: "the called party rejected the call (e.g. through a DND setting)",
    ZammadCause.CONGESTION: "the called party could not be reached",
    ZammadCause.NOT_FOUND: "the number does not exist or the party is offline",
    ZammadCause.FORWARDED: "the call was forwarded to a different party",
}
"""Zammad's documented meaning of each cause (docs.zammad.org, Generic CTI, hangup event)."""


@dataclass(frozen=True)
class CauseRow:
    """One way a call can end, and the Zammad cause whose documented meaning fits it.

    ``answered`` None matches either; ``direction`` None matches both. ``seen_as`` says where
    ctidesk learns of this ending (phone Action URL or line poll, NFON CTI ``error``, NFON
    history ``status``, or ctidesk's own command); ``because`` ties it to `CAUSE_MEANINGS`.
    """

    ending: EndCause
    direction: Direction | None
    answered: bool | None
    cause: ZammadCause
    seen_as: str
    because: str

    def matches(self, ending: EndCause, direction: Direction, answered: bool) -> bool:
        return (
            self.ending is ending
            and self.direction in (None, direction)
            and self.answered in (None, answered)
        )


IN, OUT = Direction.INBOUND, Direction.OUTBOUND
CAUSE_TABLE: tuple[CauseRow, ...] = (
    # Answered calls: whatever word a source used for the ending, the call was established.
    CauseRow(EndCause.FORWARDED, None, None, ZammadCause.FORWARDED,
             "a source reporting the call transferred or diverted (none does today)",
             "the call was forwarded to a different party"),
    CauseRow(EndCause.VOICEMAIL, IN, False, ZammadCause.NORMAL_CLEARING,
             "a source reporting that the voicemail box took the call (none does today)",
             "the box answered (ctidesk sends answer with user=voicemail, Zammad's voicemail "
             "signal, so the row stays 'callback required'); then a party hung up after the "
             "call was established"),
    CauseRow(EndCause.NORMAL, None, True, ZammadCause.NORMAL_CLEARING,
             "phone 'end' after 'up'; NFON CTI hangup after answer; NFON history 'answered'",
             "a party hung up after the call was established"),
    # Unanswered inbound calls: the caller calls the agent (the called party).
    CauseRow(EndCause.MISSED, IN, False, ZammadCause.CANCEL,
             "phone 'miss' or 'end' while ringing, line poll ringing -> idle; NFON CTI hangup "
             "without answer (no error, or 'timeout'); NFON history 'missed'",
             "the caller hung up before the called party picked up"),
    CauseRow(EndCause.CANCELLED, IN, False, ZammadCause.CANCEL,
             "NFON CTI error 'cancel'; NFON history 'cancelled'",
             "the caller hung up before the called party picked up"),
    CauseRow(EndCause.REJECTED, IN, False, ZammadCause.NO_ANSWER,
             "the agent's Reject (pop-up, hotkey); phone 'rej'; NFON CTI error 'reject'",
             "the called party rejected the call"),
    CauseRow(EndCause.BLOCKED, IN, False, ZammadCause.BUSY,
             "ctidesk rejected it because Zammad replied {action: reject, reason: busy}",
             "the caller is told the called party was busy, the reason Zammad gave"),
    CauseRow(EndCause.BUSY, IN, False, ZammadCause.BUSY,
             "NFON CTI error 'busy' (the agent's extension was busy)",
             "the called party was busy"),
    CauseRow(EndCause.FAILED, IN, False, ZammadCause.CONGESTION,
             "NFON CTI error 'unspecified'",
             "the called party could not be reached"),
    CauseRow(EndCause.UNKNOWN, IN, False, ZammadCause.CANCEL,
             "no source said how it ended (the tracker reads it as missed)",
             "the caller hung up before the called party picked up"),
    # Unanswered outbound calls: the agent is the caller.
    CauseRow(EndCause.CANCELLED, OUT, False, ZammadCause.CANCEL,
             "phone 'end' or line poll idle while dialling; NFON CTI hangup without answer or "
             "error 'cancel'; NFON history 'cancelled'",
             "the caller hung up before the called party picked up"),
    CauseRow(EndCause.MISSED, OUT, False, ZammadCause.CANCEL,
             "NFON history 'missed' on an outbound call (nobody picked up)",
             "the caller hung up before the called party picked up"),
    CauseRow(EndCause.REJECTED, OUT, False, ZammadCause.NO_ANSWER,
             "NFON CTI error 'reject'", "the called party rejected the call"),
    CauseRow(EndCause.BUSY, OUT, False, ZammadCause.BUSY,
             "NFON CTI error 'busy'", "the called party was busy"),
    CauseRow(EndCause.FAILED, OUT, False, ZammadCause.CONGESTION,
             "phone line state 'failed'; NFON CTI error 'unspecified'",
             "the called party could not be reached"),
    CauseRow(EndCause.UNKNOWN, OUT, False, ZammadCause.CANCEL,
             "no source said how it ended (the tracker reads it as cancelled)",
             "the caller hung up before the called party picked up"),
    CauseRow(EndCause.VOICEMAIL, OUT, False, ZammadCause.CANCEL,
             "never today (a callee's voicemail box taking the call shows as answered)",
             "no person picked up: the caller hung up before the called party picked up"),
    CauseRow(EndCause.BLOCKED, OUT, False, ZammadCause.BUSY,
             "never: Zammad blocks inbound callers only",
             "the caller is told the called party was busy"),
    # Any other ending of an answered call (a source's late or odd word) was established.
    *(
        CauseRow(ending, None, True, ZammadCause.NORMAL_CLEARING,
                 "a source's word for a call that had been answered",
                 "a party hung up after the call was established")
        for ending in EndCause
        if ending not in (EndCause.NORMAL, EndCause.FORWARDED)
    ),
    CauseRow(EndCause.NORMAL, None, False, ZammadCause.CANCEL,
             "never from the tracker (it turns an unanswered 'normal' into missed/cancelled)",
             "the caller hung up before the called party picked up"),
)  # fmt: skip
"""How every ending ctidesk knows maps onto Zammad's seven causes: the one place that decides."""


def cause_row(call: Call) -> CauseRow:
    """The `CAUSE_TABLE` row for how this call ended (the table is total)."""
    ending = call.ending or EndCause.UNKNOWN
    direction = Direction.OUTBOUND if call.direction is Direction.OUTBOUND else Direction.INBOUND
    return next(row for row in CAUSE_TABLE if row.matches(ending, direction, call.was_answered))


def answered_by_voicemail(call: Call) -> bool:
    """Zammad learns of a voicemail by an answer with ``user=voicemail`` (its own spec does so)."""
    return (
        call.direction is Direction.INBOUND
        and not call.was_answered
        and call.ending is EndCause.VOICEMAIL
    )


VOICEMAIL_USER = "voicemail"


@dataclass(frozen=True)
class CtiOptions:
    """The settings the mapping needs (from `ZammadSettings`), as plain values."""

    agent_names: Sequence[str] = ()
    agent_name: str = ""
    answering_number: str = ""
    send_answering_number: bool = False
    queue: str = ""
    cause_overrides: Mapping[str, str] = field(default_factory=dict)

    @property
    def answering_agent(self) -> str:
        """The one agent at this PC: ``agent_name``, else the first of ``agent_names``."""
        if self.agent_name.strip():
            return self.agent_name.strip()
        return next((name for name in self.agent_names if name.strip()), "")


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
    """Zammad's cause for how the call ended: `CAUSE_TABLE`, unless the user overrode it."""
    ending = call.ending or EndCause.UNKNOWN
    if overrides and ending.value in overrides:
        return overrides[ending.value]
    return cause_row(call).cause.value


def own_number(call: Call, options: CtiOptions) -> str:
    """Our side of the call: the phone's own number, the line's account if it is a number,
    else the configured number; empty when none is known (never a made-up word)."""
    own = zammad_number(call.local)
    if own and own != "anonymous":
        return own
    account = (call.account or "").strip().lstrip("+")
    if account.isdigit() and len(account) >= 3:
        return account
    return options.answering_number.strip().lstrip("+")


def _parties(call: Call, options: CtiOptions) -> tuple[str, str]:
    remote = zammad_number(call.remote) or "anonymous"
    own = own_number(call, options)
    return (own, remote) if call.direction is Direction.OUTBOUND else (remote, own)


def events_for_call(call: Call, options: CtiOptions) -> list[CtiEvent]:
    """Every event the call implies so far, in stream order (see module docstring).

    ``to`` is the called number; when it cannot be known (inbound, no own number anywhere)
    newCall carries it empty (Zammad's column must not be null) and answer/hangup leave it out.
    """
    direction = "out" if call.direction is Direction.OUTBOUND else "in"
    from_number, to_number = _parties(call, options)
    ids = (("direction", direction), ("callId", call.id), ("from", from_number))
    base = (*ids, ("to", to_number)) if to_number else ids
    users = tuple(("user[]", name) for name in options.agent_names if name)
    answering: tuple[tuple[str, str], ...] = ()
    if options.send_answering_number and options.answering_number:
        answering = (("answeringNumber", options.answering_number),)

    new_call: tuple[tuple[str, str], ...] = (
        ("event", CtiEventName.NEW_CALL.value),
        *ids,
        ("to", to_number),
        *users,
    )
    if options.queue:
        new_call += (("queue", options.queue),)
    events = [CtiEvent(call.id, CtiEventName.NEW_CALL, new_call)]
    if call.was_answered:
        # Zammad copies `user` of an answer into `to_comment`; outbound that is the callee's
        # name, so only inbound answers say who picked up: this PC's agent, one name.
        agent = options.answering_agent
        answer_user = (("user", agent),) if direction == "in" and agent else ()
        answer = (("event", CtiEventName.ANSWER.value), *base, *answer_user, *answering)
        events.append(CtiEvent(call.id, CtiEventName.ANSWER, answer))
    elif call.state is CallState.ENDED and answered_by_voicemail(call):
        voicemail = (("event", CtiEventName.ANSWER.value), *base, ("user", VOICEMAIL_USER))
        events.append(CtiEvent(call.id, CtiEventName.ANSWER, voicemail))
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
