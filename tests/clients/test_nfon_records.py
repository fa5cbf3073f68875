"""Parsing NFON call records: recorded payloads of both schema versions, plus fuzzing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
from hypothesis import given
from hypothesis import strategies as st

from ctidesk.clients.nfon.history import CallHistoryClient
from ctidesk.clients.nfon.records import (
    CallStatus,
    RecordDirection,
    RecordParseError,
    Service,
    parse_record,
    parse_records,
    parse_timestamp,
    to_history_record,
)
from ctidesk.clients.nfon.stream import RecordBook
from ctidesk.core.calls import Direction

# The SSE example of specs/openapi-2.0-early-access.2.yaml (NFON-AG/Call-History-API), verbatim;
# note `updated` inside the history item's callee object (contract 4.6 item 5).
EA2_STREAM = (
    "id: 0\n"
    'data: {"uuid":"110e8400-e29b-41d4-a716-446655440011","duration":30,"direction":"outbound",'
    '"caller":{"name":"Alice","number":"1001","context":"K9999"},"callee":{"name":"Bob",'
    '"number":"4989123456789","context":"global"},"status":"answered",'
    '"created":"2025-06-03T10:12:34Z","trunk_code":"07"}\n\n'
    "id: 1\n"
    'data: {"uuid":"330e8400-e29b-41d4-a716-446655440033","duration":0,"direction":"inbound",'
    '"caller":{"name":"Charlie","number":"1003","context":"K9999"},"callee":{"name":"Alice",'
    '"number":"1001","context":"K9999"},"history":[{"callee":{"name":"Test Group","number":"10",'
    '"context":"K9999","service":"group","updated":"2025-06-03T10:25:26Z"}}],'
    '"status":"cancelled","created":"2025-06-03T10:25:25Z"}\n\n'
    "id: 2\n"
    'data: {"uuid":"220e8400-e29b-41d4-a716-446655440022","duration":30,"direction":"inbound",'
    '"caller":{"name":"Charlie","number":"1003","context":"K9999"},"callee":{"name":"Alice",'
    '"number":"1001","context":"K9999"},"status":"answered","created":"2025-06-03T10:22:24Z",'
    '"transcription":{"available":false}}\n\n'
    "id: 3\n"
    'data: {"uuid":"220e8400-e29b-41d4-a716-446655440022","duration":30,"direction":"inbound",'
    '"caller":{"name":"Charlie","number":"1003","context":"K9999"},"callee":{"name":"Alice",'
    '"number":"1001","context":"K9999"},"status":"answered","created":"2025-06-03T10:22:24Z",'
    '"updated":"2025-06-03T10:22:31Z","transcription":{"available":true}}\n\n'
)

# The ea.2 "call with summary (completed)" example, as JSON.
EA2_COMPLETED = {
    "uuid": "110e8400-e29b-41d4-a716-446655440011",
    "duration": 30,
    "direction": "inbound",
    "caller": {"name": "Charlie", "number": "1003", "context": "K9999"},
    "callee": {"name": "Alice", "number": "1001", "context": "K9999"},
    "status": "answered",
    "created": "2025-06-03T10:22:24Z",
    "updated": "2025-06-03T10:22:29Z",
    "transcription": {
        "available": True,
        "transcript": [
            {"time": "1970-07-22T11:13:10+01:00", "source": "caller", "event": "start"},
            {
                "time": "1970-07-22T11:13:12+01:00",
                "source": "caller",
                "event": "speech",
                "text": "Hello Bob",
            },
        ],
        "summary": "Alice called Bob to say hello.",
        "language_autodetect": True,
    },
    "custom_data": {"crm": "ticket-123", "project": "p1"},
    "customer": "K9999",
    "extension": "1001",
    "call_id": "abc",
}

# A v2.0-early-access record: `destination_type` and a top-level `crm`.
EA_RECORD = {
    "uuid": "440e8400-e29b-41d4-a716-446655440044",
    "created": "2025-06-03T10:30:00Z",
    "duration": 0,
    "direction": "inbound",
    "caller": {"name": "", "number": "4930123456", "context": "global"},
    "callee": {"name": "Hotline", "number": "200", "context": "K9999", "destination_type": "queue"},
    "history": [
        {
            "callee": {"name": "Alice", "number": "1001", "context": "K9999"},
            "updated": "2025-06-03T10:30:05Z",
        }
    ],
    "status": "missed",
    "crm": "ticket-9",
}


async def test_recorded_ea2_stream_parses_and_upserts() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["Accept"] == "text/event-stream"
        assert request.url.params["customer"] == "K9999"
        return httpx.Response(
            200, headers={"Content-Type": "text/event-stream"}, content=EA2_STREAM.encode()
        )

    class Fixed:
        async def access_token(self) -> str:
            return "t"

        async def replace_rejected(self, rejected: str) -> str:
            return "t"

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = CallHistoryClient(
            http, "https://api.nfon.com/call-history", Fixed(), customer="K9999"
        )
        events = [event async for event in client.stream()]
    assert [e.event_id for e in events] == ["0", "1", "2", "3"]
    first, group, pending, done = (e.record for e in events)
    assert first.trunk_code == "07" and first.remote.number == "4989123456789"
    assert group.history[0].callee is not None
    assert group.history[0].callee.service is Service.GROUP
    assert group.history[0].updated == datetime(2025, 6, 3, 10, 25, 26, tzinfo=UTC)
    assert group.status is CallStatus.CANCELLED
    book = RecordBook()
    assert [book.is_news(r) for r in (first, group, pending, done, pending, done)] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert done.transcription is not None and done.transcription.available


def test_recorded_ea2_completed_record() -> None:
    record = parse_record(EA2_COMPLETED)
    assert record.summary == "Alice called Bob to say hello."
    assert record.crm == "ticket-123" and record.custom_data["project"] == "p1"
    assert record.transcription is not None
    assert record.transcription.transcript[1].text == "Hello Bob"
    assert record.customer == "K9999" and record.extension == "1001" and record.call_id == "abc"
    history = to_history_record(record)
    assert history.direction is Direction.INBOUND and history.remote_raw == "1003"
    assert history.summary == "Alice called Bob to say hello."


def test_ea_record_with_destination_type_and_crm() -> None:
    record = parse_record(EA_RECORD)
    assert record.callee.service is Service.QUEUE
    assert record.crm == "ticket-9"
    assert record.history[0].updated == datetime(2025, 6, 3, 10, 30, 5, tzinfo=UTC)
    history = to_history_record(record)
    assert history.remote_e164 == "+4930123456" and history.status == "missed"


def test_future_values_are_tolerated() -> None:
    record = parse_record(
        {
            "uuid": "550e8400-e29b-41d4-a716-446655440055",
            "created": "2025-06-03T10:12:34.123456789+02:00",
            "status": "busy",
            "direction": "sideways",
            "duration": "n/a",
            "caller": {"number": "1003", "context": "pbx-cluster-2", "service": "robot"},
            "callee": None,
            "history": [
                {"transfer": {"number": "1003"}, "updated": "2025-06-03T10:12:40Z"},
                {"caller": {"number": "1"}, "callee": {"number": "2"}, "updated": "x"},
                "junk",
            ],
            "transcription": {"available": "yes", "transcript": "nope"},
            "sentiment": {"score": 0.4},
        }
    )
    assert record.status is CallStatus.UNKNOWN
    assert record.direction is RecordDirection.UNKNOWN
    assert record.caller.is_internal and record.caller.service is Service.EXTENSION
    assert record.history == []
    assert record.duration == 0
    assert record.created == datetime(2025, 6, 3, 8, 12, 34, 123456, tzinfo=UTC)


def test_only_uuid_is_required() -> None:
    received = datetime(2025, 1, 1, tzinfo=UTC)
    record = parse_record({"uuid": "u"}, received)
    assert record.created == received and not record.created_parsed
    parsed = parse_records([{"uuid": "a"}, {"no": "uuid"}, 3], received)
    assert parsed == [parse_record({"uuid": "a"}, received)]


def test_lenient_timestamps() -> None:
    assert parse_timestamp("2013-10-27T13:01:10:00.069620809+02:00") == datetime(
        2013, 10, 27, 11, 1, 10, 69620, tzinfo=UTC
    )
    assert parse_timestamp("2025-06-03T10:12:34Z") == datetime(2025, 6, 3, 10, 12, 34, tzinfo=UTC)
    assert parse_timestamp(1748945554) == datetime(2025, 6, 3, 10, 12, 34, tzinfo=UTC)
    assert parse_timestamp(1748945554000) == datetime(2025, 6, 3, 10, 12, 34, tzinfo=UTC)
    assert parse_timestamp("yesterday") is None and parse_timestamp(True) is None


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
_record_like = st.fixed_dictionaries(
    {"uuid": st.text(min_size=1, max_size=10)},
    optional={
        key: _json
        for key in (
            "created",
            "updated",
            "duration",
            "caller",
            "callee",
            "direction",
            "history",
            "status",
            "transcription",
            "crm",
            "custom_data",
            "extension",
        )
    },
)


@given(_json | _record_like)
def test_parse_record_never_fails_unexpectedly(data: object) -> None:
    try:
        record = parse_record(data)
    except RecordParseError:
        return
    json.loads(record.fingerprint())
    to_history_record(record)


@given(st.text(max_size=60) | st.integers() | st.floats())
def test_parse_timestamp_never_raises(value: object) -> None:
    parsed = parse_timestamp(value)
    assert parsed is None or parsed.tzinfo is not None
