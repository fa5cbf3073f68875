"""Fuzz of the parsers that read the outside world and had no fuzz test yet: phone replies,
NFON CTI objects, OIDC discovery and tokens, and whole SSE byte streams. The property is always
the same: anything at all goes in, and nothing but the documented error comes out."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctidesk.clients.grandstream.errors import GrandstreamError
from ctidesk.clients.grandstream.models import (
    decode_reply,
    is_unauthorized,
    parse_account_status,
    parse_accounts,
    parse_hs_line_status,
    parse_hs_status,
    parse_phone_status,
)
from ctidesk.clients.nfon.cti import parse_cti_call, parse_line_status
from ctidesk.clients.nfon.errors import DiscoveryError, NfonError
from ctidesk.clients.nfon.history import CallHistoryClient
from ctidesk.clients.nfon.oauth import jwt_claims, parse_discovery
from ctidesk.clients.nfon.records import CallRecord

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=16,
)
phone_keys = st.sampled_from(
    ["response", "body", "account", "line", "state", "hs", "status", "name", "number", "1", "0"]
)
phone_objects = st.recursive(
    json_values,
    lambda inner: st.dictionaries(phone_keys | st.text(max_size=8), inner, max_size=6),
    max_leaves=20,
)


@given(
    status=st.integers(0, 600),
    content=st.binary(max_size=300)
    | phone_objects.map(lambda v: json.dumps(v).encode())
    | st.just(b"<!DOCTYPE html><html><body>Login</body></html>"),
)
def test_phone_reply_decoding_raises_only_its_own_error(status: int, content: bytes) -> None:
    assert isinstance(is_unauthorized(status, content), bool)
    with contextlib.suppress(GrandstreamError):
        assert isinstance(decode_reply("api-get_phone_status", status, content), dict)


@given(envelope=st.dictionaries(phone_keys, phone_objects, max_size=6), number=st.integers(-1, 9))
def test_phone_json_parsers_raise_only_their_own_error(
    envelope: dict[str, Any], number: int
) -> None:
    for parse in (
        lambda: parse_phone_status(envelope),
        lambda: parse_accounts(envelope.get("body")),
        lambda: parse_account_status(envelope, number),
        lambda: parse_hs_status(envelope, number),
        lambda: parse_hs_line_status(envelope, number),
    ):
        with contextlib.suppress(GrandstreamError):
            parse()


cti_keys = st.sampled_from(["uuid", "extension", "line", "presence", "state", "direction", "from"])


@given(data=st.dictionaries(cti_keys | st.text(max_size=8), json_values, max_size=7) | json_values)
def test_nfon_cti_objects_never_raise(data: object) -> None:
    parse_cti_call(data)
    parse_line_status(data)


@given(token=st.text(max_size=80) | st.lists(st.text(max_size=30), max_size=4).map(".".join))
def test_jwt_claims_never_raise(token: str) -> None:
    assert isinstance(jwt_claims(token), dict)


discovery_keys = st.sampled_from(
    ["issuer", "authorization_endpoint", "token_endpoint", "end_session_endpoint", "jwks_uri"]
)


@given(
    document=st.dictionaries(
        discovery_keys,
        st.text(max_size=30) | st.sampled_from(["https://x/a", "http://127.0.0.1/t"]) | json_values,
    )
    | json_values
)
def test_discovery_parser_raises_only_discovery_error(document: object) -> None:
    with contextlib.suppress(DiscoveryError):
        parse_discovery(document, "https://issuer.example")


sse_lines = st.sampled_from(
    [
        b"data: {}\n",
        b'data: {"uuid": "u1", "status": "missed"}\n',
        b'data: {"uuid": "u2", "created": 1700000000, "caller": {"number": "4930"}}\n',
        b"data: [1]\n",
        b"data: \xff\xfe\n",
        b"id: 7\n",
        b"id\n",
        b"event: x\n",
        b"retry: 10\n",
        b": comment\n",
        b"\n",
        b"\r\n",
        b"data:",
    ]
)


async def _read_stream(body: bytes, content_type: str) -> list[CallRecord]:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": content_type}, content=body)

    class Fixed:
        async def access_token(self) -> str:
            return "t"

        async def replace_rejected(self, rejected: str) -> str:
            return "t"

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = CallHistoryClient(http, "https://api.example/call-history", Fixed())
        records = []
        with contextlib.suppress(NfonError):
            async for event in client.stream():
                records.append(event.record)
        return records


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.lists(sse_lines, max_size=12).map(b"".join) | st.binary(max_size=200),
    content_type=st.sampled_from(["text/event-stream", "text/html", "application/json"]),
)
def test_any_bytes_on_the_call_stream_give_records_or_an_nfon_error(
    body: bytes, content_type: str
) -> None:
    records = asyncio.run(_read_stream(body, content_type))
    assert all(isinstance(record, CallRecord) and record.uuid for record in records)
