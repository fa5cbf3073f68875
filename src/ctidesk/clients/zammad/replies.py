"""Zammad's answers to CTI events, read into one typed result. Pure and total: never raises.

Zammad keys its meaning on the status code; bodies are JSON when ``Accept: application/json`` was
sent, but a proxy or an old version may still send HTML, so the body is only a hint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ctidesk.clients.zammad.events import CtiEventName


class ReplyKind(StrEnum):
    ACCEPTED = "accepted"  # 200, nothing to do
    REJECT = "reject"  # 200 {"action":"reject"}: the phone should reject the inbound call
    DIAL = "dial"  # 200 {"action":"dial"}: use this caller id for the outbound call
    DUPLICATE = "duplicate"  # 500 "already exists" on newCall: Zammad has the call
    UNKNOWN_CALL = "unknown_call"  # 500 on answer/hangup: Zammad may not know the call id
    SERVER_ERROR = "server_error"  # other 5xx, 408, 429: try again later
    AUTH_FAILED = "auth_failed"  # 401: the token in the endpoint URL is wrong
    DISABLED = "disabled"  # 422: CTI integration switched off
    NOT_CONFIGURED = "not_configured"  # 422: CTI integration has no configuration
    BAD_EVENT = "bad_event"  # 422 for our event (direction, missing field): never accepted
    NOT_FOUND = "not_found"  # 404/405: wrong endpoint URL
    UNEXPECTED = "unexpected"  # anything else (3xx, other 4xx)


@dataclass(frozen=True)
class CtiReply:
    kind: ReplyKind
    status: int
    message: str = ""
    caller_id: str | None = None
    number: str | None = None
    reason: str | None = None

    @property
    def delivered(self) -> bool:
        """Whether Zammad now has this event (a duplicate newCall counts)."""
        return self.kind in (
            ReplyKind.ACCEPTED,
            ReplyKind.REJECT,
            ReplyKind.DIAL,
            ReplyKind.DUPLICATE,
        )

    @property
    def retryable(self) -> bool:
        """Whether sending the same event later may succeed without changing it."""
        return not self.delivered and self.kind is not ReplyKind.BAD_EVENT

    def describe(self) -> str:
        """A short sentence for the tray and the failed-events list."""
        return _DESCRIPTIONS[self.kind].format(status=self.status, message=self.message)


_DESCRIPTIONS = {
    ReplyKind.ACCEPTED: "Zammad accepted the event",
    ReplyKind.REJECT: "Zammad asked to reject the call (blocked caller)",
    ReplyKind.DIAL: "Zammad gave a caller id for the call",
    ReplyKind.DUPLICATE: "Zammad already had this call",
    ReplyKind.UNKNOWN_CALL: "Zammad answered {status}: it may not know this call",
    ReplyKind.SERVER_ERROR: "Zammad answered {status}; ctidesk will try again",
    ReplyKind.AUTH_FAILED: (
        "Zammad refused the CTI endpoint token (401); copy the endpoint URL again from "
        "Admin > Integrations > CTI (generic) and store it with `ctidesk secret set zammad_cti_url`"
    ),
    ReplyKind.DISABLED: (
        "the CTI (generic) integration is switched off in Zammad; ask the Zammad admin to enable it"
    ),
    ReplyKind.NOT_CONFIGURED: (
        "the CTI (generic) integration is not configured in Zammad; ask the Zammad admin to save "
        "its settings once"
    ),
    ReplyKind.BAD_EVENT: "Zammad refused the event ({status}: {message}); this is a ctidesk bug",
    ReplyKind.NOT_FOUND: (
        "the Zammad CTI endpoint URL is wrong ({status}); copy it again from "
        "Admin > Integrations > CTI (generic)"
    ),
    ReplyKind.UNEXPECTED: "Zammad answered {status} unexpectedly; check the CTI endpoint URL",
}


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _error_text(data: dict[str, Any] | None) -> str:
    if data is None:
        return ""
    for key in ("error_human", "error"):
        text = _text(data.get(key))
        if text:
            return text[:300]
    return ""


def parse_cti_reply(status: int, body: bytes, event: CtiEventName | str | None) -> CtiReply:
    """Classify Zammad's answer to one CTI event; total over any status and body."""
    data = _json_object(body)
    message = _error_text(data)
    event_name = str(event) if event is not None else ""
    if 200 <= status < 300:
        return _success(status, data, event_name)
    lowered = message.lower()
    if status == 401:
        return CtiReply(ReplyKind.AUTH_FAILED, status, message)
    if status == 422:
        if "disable" in lowered:
            return CtiReply(ReplyKind.DISABLED, status, message)
        if "not configured" in lowered:
            return CtiReply(ReplyKind.NOT_CONFIGURED, status, message)
        if data is None:
            # An HTML 422 page cannot tell configuration from our mistake: assume configuration,
            # which a person can fix, rather than dropping the event.
            return CtiReply(ReplyKind.NOT_CONFIGURED, status, message)
        return CtiReply(ReplyKind.BAD_EVENT, status, message)
    if status == 500:
        if event_name == CtiEventName.NEW_CALL.value and "already exists" in lowered:
            return CtiReply(ReplyKind.DUPLICATE, status, message)
        if event_name in (CtiEventName.ANSWER.value, CtiEventName.HANGUP.value):
            return CtiReply(ReplyKind.UNKNOWN_CALL, status, message)
        return CtiReply(ReplyKind.SERVER_ERROR, status, message)
    if status >= 500 or status in (408, 425, 429):
        return CtiReply(ReplyKind.SERVER_ERROR, status, message)
    if status in (404, 405):
        return CtiReply(ReplyKind.NOT_FOUND, status, message)
    return CtiReply(ReplyKind.UNEXPECTED, status, message)


def _success(status: int, data: dict[str, Any] | None, event_name: str) -> CtiReply:
    if data is None:
        return CtiReply(ReplyKind.ACCEPTED, status)
    action = _text(data.get("action"))
    if action == "reject":
        reason = _text(data.get("reason")) or "busy"
        return CtiReply(ReplyKind.REJECT, status, reason=reason)
    if action == "dial":
        caller_id = _text(data.get("caller_id")) or _text(data.get("callerId"))
        if caller_id:
            return CtiReply(
                ReplyKind.DIAL, status, caller_id=caller_id, number=_text(data.get("number"))
            )
    return CtiReply(ReplyKind.ACCEPTED, status)
