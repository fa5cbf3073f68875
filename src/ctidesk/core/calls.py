"""The call domain: what sources report (`CallEvent`) and what ctidesk believes (`Call`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ctidesk.core.numbers import PhoneNumber


def utcnow() -> datetime:
    return datetime.now(UTC)


class EventSource(StrEnum):
    """Who reported an event; one real call may be reported by several."""

    PHONE = "phone"
    PHONE_POLL = "phone_poll"
    NFON_CTI = "nfon_cti"
    NFON_HISTORY = "nfon_history"
    AGENT = "agent"


class Direction(StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"
    UNKNOWN = "unknown"


class EventKind(StrEnum):
    RINGING = "ringing"
    DIALING = "dialing"
    ANSWERED = "answered"
    HELD = "held"
    RESUMED = "resumed"
    ENDED = "ended"


class EndCause(StrEnum):
    """How a call ended, in words a caller log understands."""

    NORMAL = "normal"
    MISSED = "missed"
    REJECTED = "rejected"
    BLOCKED = "blocked"  # rejected by ctidesk because Zammad lists the caller as blocked
    CANCELLED = "cancelled"
    BUSY = "busy"
    FORWARDED = "forwarded"
    VOICEMAIL = "voicemail"
    FAILED = "failed"
    UNKNOWN = "unknown"


class CallState(StrEnum):
    RINGING = "ringing"
    DIALING = "dialing"
    CONNECTED = "connected"
    HELD = "held"
    ENDED = "ended"


LIVE_STATES = frozenset({CallState.RINGING, CallState.DIALING, CallState.CONNECTED, CallState.HELD})


class CallEvent(BaseModel):
    """One observation of a call by one source. Sources fill what they know."""

    model_config = ConfigDict(frozen=True)

    source: EventSource
    kind: EventKind
    remote: PhoneNumber
    direction: Direction = Direction.UNKNOWN
    source_call_id: str | None = None
    local: PhoneNumber | None = None
    remote_name: str | None = None
    line: int | None = None
    account: str | None = None
    at: datetime = Field(default_factory=utcnow)
    cause: EndCause | None = None


class TimelineEntry(BaseModel):
    """A line in a call's history, shown in the journal and the pop-up's details."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    what: str
    source: str
    detail: str = ""


class Call(BaseModel):
    """ctidesk's single view of one real call, owned by the `CallTracker`."""

    id: str
    direction: Direction
    remote: PhoneNumber
    local: PhoneNumber | None = None
    remote_name: str | None = None
    line: int | None = None
    account: str | None = None
    state: CallState
    ending: EndCause | None = None
    started_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    source_ids: dict[str, str] = Field(default_factory=dict)
    timeline: list[TimelineEntry] = Field(default_factory=list)

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def was_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def needs_callback(self) -> bool:
        """Unanswered inbound calls and voicemail: the agent owes the caller a call."""
        if self.direction is not Direction.INBOUND or self.is_live:
            return False
        return self.ending in (EndCause.MISSED, EndCause.VOICEMAIL) or (
            not self.was_answered and self.ending in (EndCause.UNKNOWN, EndCause.BUSY)
        )

    @property
    def talk_seconds(self) -> float:
        if self.answered_at is None:
            return 0.0
        end = self.ended_at or utcnow()
        return max(0.0, (end - self.answered_at).total_seconds())

    @property
    def wait_seconds(self) -> float:
        end = self.answered_at or self.ended_at or utcnow()
        return max(0.0, (end - self.started_at).total_seconds())


class ChangeKind(StrEnum):
    CREATED = "created"
    STATE = "state"
    UPDATED = "updated"
    ENDED = "ended"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class CallChanged:
    """What consumers receive: a snapshot of the call after the change and what changed."""

    call: Call
    change: ChangeKind
    previous_state: CallState | None
    event: CallEvent | None = None
