"""NFON call-history records: tolerant parsing of every schema version, as plain functions.

Handles v2.0-early-access ("ea"), v2.0-early-access.2 ("ea.2") and whatever comes next: renamed
`destination_type`/`service`, `crm` vs `custom_data.crm`, unknown contexts, statuses, history
items and fields, and timestamps in several shapes (contract sections 4.5–4.7).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ctidesk.core.calls import Direction
from ctidesk.core.journal import HistoryRecord
from ctidesk.core.note_text import NfonSummary
from ctidesk.core.note_text import Transcription as NoteTranscription
from ctidesk.core.note_text import TranscriptLine as NoteLine
from ctidesk.core.numbers import PhoneNumber, parse_global_number, parse_number

_EXTRA_COLON = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d):\d\d(\.\d+)")
_FRACTION = re.compile(r"\.(\d+)")


def parse_timestamp(value: object) -> datetime | None:
    """RFC 3339 with or without `Z`, nanoseconds, NFON's extra `:00`, or Unix seconds/ms."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(" ", "T", 1)
    text = _EXTRA_COLON.sub(r"\1\2", text)
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6], text, count=1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class CallStatus(StrEnum):
    ANSWERED = "answered"
    MISSED = "missed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


class RecordDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    UNKNOWN = "unknown"


class Service(StrEnum):
    """Where an internal call went; `destination_type` in ea, `service` in ea.2."""

    EXTENSION = "extension"
    QUEUE = "queue"
    SKILL = "skill"
    IVR = "ivr"
    GROUP = "group"
    TIME_CONTROL = "time-control"
    VOICEMAIL = "voicemail"


def _enum(kind: type[StrEnum], value: object, fallback: StrEnum) -> Any:
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        return fallback


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Party(_Model):
    name: str = ""
    number: str = ""
    context: str = ""
    service: Service = Service.EXTENSION

    @field_validator("name", "number", "context", mode="before")
    @classmethod
    def _text(cls, value: object) -> str:
        return "" if value is None else str(value)

    @field_validator("service", mode="before")
    @classmethod
    def _service(cls, value: object) -> Service:
        return _enum(Service, value, Service.EXTENSION)  # type: ignore[no-any-return]

    @property
    def is_global(self) -> bool:
        return self.context.lower() == "global"

    @property
    def is_internal(self) -> bool:
        """Unknown contexts count as the tenant's own (the spec says: interpret as K-number)."""
        return self.context.lower() not in ("global", "emergency", "short", "conference")

    def phone_number(self, default_region: str = "DE") -> PhoneNumber:
        if self.is_global:
            return parse_global_number(self.number, default_region)
        return parse_number(self.number, default_region)


class HistoryStep(_Model):
    """One diversion: exactly one of caller/callee changed at `updated`."""

    caller: Party | None = None
    callee: Party | None = None
    updated: datetime | None = None

    @field_validator("updated", mode="before")
    @classmethod
    def _time(cls, value: object) -> datetime | None:
        return parse_timestamp(value)


class TranscriptLine(_Model):
    time: datetime | None = None
    source: str = ""
    event: str = ""
    text: str = ""

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, value: object) -> datetime | None:
        return parse_timestamp(value)

    @field_validator("source", "event", "text", mode="before")
    @classmethod
    def _text(cls, value: object) -> str:
        return "" if value is None else str(value)


class Transcription(_Model):
    available: bool = False
    summary: str | None = None
    language_autodetect: bool | None = None
    transcript: list[TranscriptLine] = Field(default_factory=list)


class CallRecord(_Model):
    """One finished call as NFON's Call History reports it, in one version-neutral shape."""

    uuid: str
    created: datetime
    created_parsed: bool = True
    updated: datetime | None = None
    duration: int = 0
    caller: Party = Field(default_factory=Party)
    callee: Party = Field(default_factory=Party)
    direction: RecordDirection = RecordDirection.UNKNOWN
    history: list[HistoryStep] = Field(default_factory=list)
    status: CallStatus = CallStatus.UNKNOWN
    trunk_code: str | None = None
    transcription: Transcription | None = None
    crm: str | None = None
    custom_data: dict[str, str] = Field(default_factory=dict)
    call_id: str | None = None
    customer: str | None = None
    extension: str | None = None
    user_uuid: str | None = None

    @property
    def summary(self) -> str | None:
        return self.transcription.summary if self.transcription else None

    @property
    def remote(self) -> Party:
        """The other side from the owner's point of view."""
        return self.callee if self.direction is RecordDirection.OUTBOUND else self.caller

    def version_key(self) -> tuple[datetime, str]:
        """Orders copies of the same record; the later `updated` wins."""
        return (self.updated or self.created, self.fingerprint())

    def fingerprint(self) -> str:
        """Content identity; a `created` that was only the receive time does not count."""
        exclude = {"created"} if not self.created_parsed else set()
        return json.dumps(self.model_dump(mode="json", exclude=exclude), sort_keys=True)


class RecordParseError(ValueError):
    """A record without even a uuid: skipped and logged, never fatal."""


def _party(value: object) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    party = dict(value)
    service = party.get("service") or party.get("destination_type")
    party["service"] = service
    return party


def parse_record(data: object, received_at: datetime | None = None) -> CallRecord:
    """Turn one record (any schema version) into a `CallRecord`; raises `RecordParseError`."""
    if not isinstance(data, dict):
        raise RecordParseError("record is not a JSON object")
    uuid = data.get("uuid")
    if not isinstance(uuid, str) or not uuid.strip():
        raise RecordParseError("record has no uuid")
    created = parse_timestamp(data.get("created"))
    fields: dict[str, Any] = {
        "uuid": uuid.strip(),
        "created": created or received_at or datetime.now(UTC),
        "created_parsed": created is not None,
        "updated": parse_timestamp(data.get("updated")),
        "direction": _enum(RecordDirection, data.get("direction"), RecordDirection.UNKNOWN),
        "status": _enum(CallStatus, data.get("status"), CallStatus.UNKNOWN),
    }
    duration = data.get("duration")
    if isinstance(duration, int | float) and not isinstance(duration, bool) and duration >= 0:
        fields["duration"] = int(duration)
    for side in ("caller", "callee"):
        party = _party(data.get(side))
        if party is not None:
            fields[side] = party
    steps = []
    raw_history = data.get("history")
    for item in raw_history if isinstance(raw_history, list) else []:
        if not isinstance(item, dict):
            continue
        caller, callee = _party(item.get("caller")), _party(item.get("callee"))
        if (caller is None) == (callee is None):
            continue
        inner = caller or callee or {}
        steps.append(
            {
                "caller": caller,
                "callee": callee,
                "updated": item.get("updated") or inner.get("updated"),
            }
        )
    fields["history"] = steps
    transcription = data.get("transcription")
    if isinstance(transcription, dict):
        fields["transcription"] = {
            "available": bool(transcription.get("available")),
            "summary": transcription.get("summary")
            if isinstance(transcription.get("summary"), str)
            else None,
            "language_autodetect": transcription.get("language_autodetect")
            if isinstance(transcription.get("language_autodetect"), bool)
            else None,
            "transcript": [t for t in transcription.get("transcript") or [] if isinstance(t, dict)]
            if isinstance(transcription.get("transcript"), list)
            else [],
        }
    custom = data.get("custom_data")
    if isinstance(custom, dict):
        fields["custom_data"] = {str(k): str(v) for k, v in custom.items() if v is not None}
    crm = data.get("crm")
    fields["crm"] = crm if isinstance(crm, str) else fields.get("custom_data", {}).get("crm")
    for key in ("trunk_code", "call_id", "customer", "extension", "user_uuid"):
        value = data.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            fields[key] = str(value)
    try:
        return CallRecord.model_validate(fields)
    except ValidationError as exc:
        raise RecordParseError(f"record {uuid}: {exc.errors()[0]['msg']}") from exc


def parse_records(data: object, received_at: datetime | None = None) -> list[CallRecord]:
    """A list answer; records that cannot be read at all are skipped."""
    if not isinstance(data, list):
        raise RecordParseError("the answer is not a JSON array of records")
    found = []
    for item in data:
        try:
            found.append(parse_record(item, received_at))
        except RecordParseError:
            continue
    return found


def to_history_record(record: CallRecord, default_region: str = "DE") -> HistoryRecord:
    """What the journal keeps of a record: the remote party, times, final status, summary."""
    remote = record.remote
    number = remote.phone_number(default_region)
    direction = {
        RecordDirection.INBOUND: Direction.INBOUND,
        RecordDirection.OUTBOUND: Direction.OUTBOUND,
    }.get(record.direction, Direction.UNKNOWN)
    return HistoryRecord(
        uuid=record.uuid,
        direction=direction,
        remote_raw=number.raw,
        remote_e164=number.e164,
        remote_key=number.key,
        remote_name=remote.name or None,
        started_at=record.created,
        duration_seconds=record.duration,
        status=record.status.value,
        summary=record.summary,
    )


def to_nfon_summary(record: CallRecord) -> NfonSummary:
    """What an after-call note takes from a record. No ``transcription`` object: the tenant
    has none for this call; ``available`` false: not ready yet (NFON sends the record again)."""
    transcription = record.transcription
    if transcription is None:
        return NfonSummary(uuid=record.uuid, transcription=NoteTranscription.NONE)
    ready = transcription.available or bool(transcription.summary)
    speakers = {"caller": record.caller.name or "Caller", "callee": record.callee.name or "Callee"}
    lines = tuple(
        NoteLine(speakers.get(line.source, line.source or "?"), line.text, line.time)
        for line in transcription.transcript
        if line.event == "speech" and line.text
    )
    return NfonSummary(
        uuid=record.uuid,
        transcription=NoteTranscription.READY if ready else NoteTranscription.PENDING,
        summary=transcription.summary or None,
        transcript=lines,
    )
