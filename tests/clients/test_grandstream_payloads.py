"""Recorded reply bodies from the CTI guides, parsed by the plain functions and the client."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctidesk.clients.grandstream.client import (
    GrandstreamClient,
    PhoneOperation,
    SysRequest,
    render_make_call,
)
from ctidesk.clients.grandstream.errors import (
    GrandstreamError,
    PhoneAuthRejected,
    PhoneNotConfigured,
    PhoneProtocolError,
    PhoneRefused,
    SessionLocked,
    SessionLoginFailed,
)
from ctidesk.clients.grandstream.models import (
    LineState,
    PhoneFamily,
    PhoneState,
    decode_reply,
    family_from_model_name,
    parse_account_status,
    parse_accounts,
    parse_hs_line_status,
    parse_hs_status,
    parse_line_status,
    parse_phone_status,
)

FIXTURES = Path(__file__).parent / "fixtures" / "grandstream"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def test_gxp_guide_line_status_with_remotenumner_typo() -> None:
    lines = parse_line_status(load("line_status_gxp_guide.json")["body"])
    assert [line.state for line in lines] == [LineState.CONNECTED, LineState.IDLE, LineState.IDLE]
    assert lines[0].remote_number == "+4930123456"
    assert lines[0].remote_name == "Jane Doe"
    assert lines[0].account == "1"
    assert lines[1].account == ""


def test_generic_guide_line_status_with_remotenum() -> None:
    lines = parse_line_status(load("line_status_generic_guide.json")["body"])
    assert len(lines) == 4
    assert lines[0].state is LineState.RINGING
    assert lines[0].remote_number == "4930123456"
    assert lines[0].remote_name == ""


def test_wp826_line_status_integer_acct_and_unreliable_active() -> None:
    lines = parse_line_status(load("line_status_wp826.json")["body"])
    assert lines[0].state is LineState.CONNECTED
    assert lines[0].active is False
    assert lines[0].busy
    assert lines[0].account == "0"
    assert lines[0].remote_number == "4930123456"


def test_first_present_remote_number_spelling_wins() -> None:
    lines = parse_line_status(
        [
            {
                "line": 1,
                "state": "ringing",
                "remotenumber": "1",
                "remotenumner": "2",
                "remotenum": "3",
            }
        ]
    )
    assert lines[0].remote_number == "1"


def test_unknown_state_is_kept_as_busy_unknown() -> None:
    lines = parse_line_status([{"line": 2, "state": "conference", "acct": 1}])
    assert lines[0].state is LineState.UNKNOWN
    assert lines[0].raw_state == "conference"
    assert lines[0].busy


def test_phone_status_and_accounts() -> None:
    status = parse_phone_status(load("phone_status.json"))
    assert status.state is PhoneState.AVAILABLE
    assert status.misc == "0"
    assert parse_phone_status({"body": "sleeping"}).state is PhoneState.UNKNOWN
    accounts = parse_accounts(load("accounts_gxp.json")["body"])
    assert [(a.id, a.sip_id, a.registered) for a in accounts] == [(1, "1001", True), (2, "", False)]


def test_dp_model_keys() -> None:
    account = parse_account_status(load("account_status_dp.json"), 1)
    assert account.registered and account.active and account.hs_mode == "Circular"
    handset = parse_hs_status(load("hs_status_dp.json"), 1)
    assert handset.initialized and handset.subscribed and handset.status == "idle"
    lines = parse_hs_line_status(load("hs_line_status_dp.json"), 1)
    assert [(line.line, line.state) for line in lines] == [
        (1, LineState.CONNECTED),
        (2, LineState.IDLE),
        (10, LineState.IDLE),
    ]
    with pytest.raises(PhoneProtocolError):
        parse_hs_status(load("hs_status_dp.json"), 2)


def test_decode_reply_rejects_non_json_with_a_sentence() -> None:
    with pytest.raises(PhoneProtocolError) as caught:
        decode_reply("api-get_line_status", 200, b"<html>hello</html>")
    assert "not JSON" in str(caught.value)
    assert decode_reply("x", 200, b'{"response":"success","body":true}')["body"] is True


def test_family_from_model_names() -> None:
    assert family_from_model_name('var model = "GXP2170";') is PhoneFamily.GXP
    assert family_from_model_name("GRP2614") is PhoneFamily.GRP
    assert family_from_model_name("DP752") is PhoneFamily.DP
    assert family_from_model_name("WP826") is PhoneFamily.WP
    assert family_from_model_name("HT812") is None


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), st.lists, max_leaves=8))
def test_line_status_parser_never_raises_anything_untyped(body: object) -> None:
    with contextlib.suppress(GrandstreamError):
        parse_line_status(body if not isinstance(body, list) else [{"state": body, "line": body}])


def test_make_call_templates_render_every_variant() -> None:
    common = {"number": "+49301", "account": 1, "hs": 2, "passcode": "p&w", "username": "admin"}
    assert render_make_call("phonenumber={number}", **common) == [
        ("passcode", "p&w"),
        ("phonenumber", "+49301"),
    ]
    assert render_make_call("hs={hs}&phonenumber={number}", **common)[1:] == [
        ("hs", "2"),
        ("phonenumber", "+49301"),
    ]
    assert render_make_call(
        "phonenumber={number}&account={account0}&password={passcode}", **common
    ) == [("phonenumber", "+49301"), ("account", "0"), ("password", "p&w")]
    assert render_make_call(
        "username={username}&password={passcode}&phonenumber={number}&account={account0}",
        **common,
    )[0] == ("username", "admin")
    with pytest.raises(PhoneNotConfigured):
        render_make_call("phonenumber={nummer}", **common)
    with pytest.raises(PhoneNotConfigured):
        render_make_call("account={account}", **common)


def replay(name: str, status: int = 200) -> httpx.MockTransport:
    content = (FIXTURES / name).read_bytes() if name.endswith(".json") else name.encode()
    return httpx.MockTransport(lambda request: httpx.Response(status, content=content))


async def test_false_body_becomes_phone_refused_sentence() -> None:
    async with GrandstreamClient(
        "phone.example", "pw", family=PhoneFamily.GXP, transport=replay("operation_false.json")
    ) as client:
        with pytest.raises(PhoneRefused) as caught:
            await client.phone_operation(PhoneOperation.ACCEPT)
    assert "did not answer the call" in str(caught.value)


@pytest.mark.parametrize("name", ["send_key_unknown.json", "generic_failed.json"])
async def test_unknown_and_failed_bodies_are_refusals(name: str) -> None:
    async with GrandstreamClient(
        "phone.example", "pw", family=PhoneFamily.GXP, transport=replay(name)
    ) as client:
        with pytest.raises(PhoneRefused):
            await client.send_keys("1:SEND")


async def test_guide_success_bodies_are_accepted() -> None:
    async with GrandstreamClient(
        "phone.example",
        "pw",
        family=PhoneFamily.DP,
        transport=replay("sys_operation_reboot_dp.json"),
    ) as client:
        assert await client.sys_operation(SysRequest.REBOOT, confirm=True) == "directreboot"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("Unauthorized", 401),
        ('{"response":"error","body":"Unauthorized"}', 200),
        ("Unauthorized", 200),
    ],
)
async def test_unauthorized_in_every_shape(body: str, status: int) -> None:
    async with GrandstreamClient(
        "phone.example", "pw", family=PhoneFamily.GXP, transport=replay(body, status)
    ) as client:
        with pytest.raises(PhoneAuthRejected) as caught:
            await client.get_line_status()
    assert "Pop up Window Support" in str(caught.value)


async def test_non_json_reply_is_a_protocol_error() -> None:
    async with GrandstreamClient(
        "phone.example", "pw", family=PhoneFamily.GXP, transport=replay("<html>oops</html>", 500)
    ) as client:
        with pytest.raises(PhoneProtocolError):
            await client.get_phone_status()


@pytest.mark.parametrize(
    ("name", "error"),
    [("login_wrong.json", SessionLoginFailed), ("login_locked.json", SessionLocked)],
)
async def test_login_failures_from_recorded_bodies(name: str, error: type[Exception]) -> None:
    async with GrandstreamClient(
        "phone.example", "pw", family=PhoneFamily.GXP, transport=replay(name)
    ) as client:
        with pytest.raises(error):
            await client.login()
