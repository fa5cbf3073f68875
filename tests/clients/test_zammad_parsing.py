"""Pure parts: event mapping and encoding, the reply parser (fuzzed), REST payload parsers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st

from ctidesk.clients.zammad.events import CtiOptions, encode_form, events_for_call, zammad_cause
from ctidesk.clients.zammad.models import (
    CallerLogState,
    parse_caller_log,
    parse_ticket_customer,
    parse_users,
)
from ctidesk.clients.zammad.replies import ReplyKind, parse_cti_reply
from ctidesk.core.calls import Call, CallState, Direction, EndCause
from ctidesk.core.numbers import parse_number
from ctidesk.sim.zammad import normalize_number, parse_rails_params

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def make_call(**changes: object) -> Call:
    values: dict[str, object] = {
        "id": "c1",
        "direction": Direction.INBOUND,
        "remote": parse_number("+49 89 99998 123"),
        "local": parse_number("+49 30 23125 100"),
        "state": CallState.RINGING,
        "started_at": T0,
    }
    values.update(changes)
    return Call.model_validate(values)


def test_ringing_call_is_one_newcall_with_documented_fields() -> None:
    options = CtiOptions(agent_names=["Agnes Agent", "Bob"], queue="support")
    [event] = events_for_call(make_call(), options)
    assert event.fields == (
        ("event", "newCall"),
        ("direction", "in"),
        ("callId", "c1"),
        ("from", "498999998123"),
        ("to", "493023125100"),
        ("user[]", "Agnes Agent"),
        ("user[]", "Bob"),
        ("queue", "support"),
    )


def test_call_seen_only_when_ended_implies_newcall_then_hangup() -> None:
    call = make_call(state=CallState.ENDED, ending=EndCause.MISSED, ended_at=T0)
    events = events_for_call(call, CtiOptions())
    assert [e.name.value for e in events] == ["newCall", "hangup"]
    assert events[1].get("cause") == "cancel"  # the caller hung up before anyone picked up


def test_answered_and_ended_call_with_answering_number() -> None:
    call = make_call(
        state=CallState.ENDED,
        ending=EndCause.NORMAL,
        answered_at=T0 + timedelta(seconds=5),
        ended_at=T0 + timedelta(seconds=60),
    )
    options = CtiOptions(answering_number="493023125100", send_answering_number=True)
    newcall, answer, hangup = events_for_call(call, options)
    assert answer.get("answeringNumber") == "493023125100"
    assert hangup.get("cause") == "normalClearing"
    assert hangup.get("answeringNumber") == "493023125100"
    assert newcall.get("answeringNumber") is None


def test_outbound_answer_does_not_overwrite_the_callee_name() -> None:
    call = make_call(
        direction=Direction.OUTBOUND, state=CallState.CONNECTED, answered_at=T0 + timedelta(1)
    )
    _, answer = events_for_call(call, CtiOptions(agent_names=["Agnes"]))
    assert answer.get("user[]") is None
    assert (answer.get("from"), answer.get("to")) == ("493023125100", "498999998123")


def test_anonymous_caller_and_unknown_own_number() -> None:
    call = make_call(remote=parse_number("anonymous"), local=None)
    [event] = events_for_call(call, CtiOptions(answering_number="4930231250"))
    assert (event.get("from"), event.get("to")) == ("anonymous", "4930231250")


def test_cause_mapping_covers_every_ending_with_zammad_words() -> None:
    documented = {"normalClearing", "busy", "cancel", "noAnswer", "congestion", "notFound"}
    documented.add("forwarded")
    for ending in EndCause:
        for answered in (None, T0):
            call = make_call(state=CallState.ENDED, ending=ending, answered_at=answered)
            assert zammad_cause(call) in documented
    call = make_call(state=CallState.ENDED, ending=EndCause.MISSED)
    assert zammad_cause(call, {"missed": "cancel"}) == "cancel"


def test_form_encoding_escapes_plus_and_rails_reads_arrays() -> None:
    body = encode_form([("from", "+4930 1"), ("user[]", "A&B"), ("user[]", "C")])
    assert b"+" not in body
    params = parse_rails_params("", "application/x-www-form-urlencoded", body)
    assert params == {"from": "+4930 1", "user": ["A&B", "C"]}


def test_rails_params_quirks() -> None:
    form = "application/x-www-form-urlencoded"
    assert parse_rails_params("", form, b"user=A&user=B")["user"] == "B"
    assert parse_rails_params("", form, b"from=+4930")["from"] == " 4930"
    assert parse_rails_params("", "application/json", b'{"user":["A","B"]}')["user"] == ["A", "B"]


def test_zammad_number_normalisation_examples() -> None:
    assert normalize_number("49 (0)30 123-45") == "493012345"
    assert normalize_number("030 1234567") == "49301234567"
    assert normalize_number("0041 44 123 45 67") == "41441234567"


def test_reply_actions_accept_both_caller_id_spellings() -> None:
    reply = parse_cti_reply(200, b'{"action":"dial","callerId":"4930","number":"43"}', "newCall")
    assert (reply.kind, reply.caller_id, reply.number) == (ReplyKind.DIAL, "4930", "43")
    reply = parse_cti_reply(200, b'{"action":"dial","caller_id":"4931"}', "newCall")
    assert (reply.kind, reply.caller_id) == (ReplyKind.DIAL, "4931")
    reply = parse_cti_reply(200, b'{"action":"reject","reason":"busy"}', "newCall")
    assert (reply.kind, reply.reason) == (ReplyKind.REJECT, "busy")


def test_reply_statuses() -> None:
    dup = b'{"error":"Object already exists!","error_human":"Object already exists!"}'
    assert parse_cti_reply(500, dup, "newCall").kind is ReplyKind.DUPLICATE
    assert parse_cti_reply(500, dup, "newCall").delivered
    assert parse_cti_reply(500, b"<html>", "newCall").kind is ReplyKind.SERVER_ERROR
    assert parse_cti_reply(500, b"<html>", "hangup").kind is ReplyKind.UNKNOWN_CALL
    assert parse_cti_reply(401, b"{}", "hangup").kind is ReplyKind.AUTH_FAILED
    disabled = b'{"error":"Feature is disable, please contact your admin to enable it!"}'
    assert parse_cti_reply(422, disabled, "newCall").kind is ReplyKind.DISABLED
    invalid = b'{"error":"Invalid direction!"}'
    assert parse_cti_reply(422, invalid, "newCall").kind is ReplyKind.BAD_EVENT
    assert parse_cti_reply(503, b"", "answer").retryable
    assert parse_cti_reply(404, b"", "answer").kind is ReplyKind.NOT_FOUND


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
action_bodies = st.fixed_dictionaries(
    {"action": st.sampled_from(["dial", "reject", "other", 3, None])},
    optional={"caller_id": json_values, "callerId": json_values, "reason": json_values},
)


@given(
    status=st.integers(min_value=-1, max_value=1000),
    body=st.binary(max_size=200)
    | json_values.map(lambda v: json.dumps(v).encode())
    | action_bodies.map(lambda v: json.dumps(v).encode()),
    event=st.sampled_from(["newCall", "answer", "hangup", "", None, "weird"]),
)
def test_reply_parser_never_raises(status: int, body: bytes, event: str | None) -> None:
    reply = parse_cti_reply(status, body, event)
    assert isinstance(reply.kind, ReplyKind)
    assert reply.describe()
    if reply.kind is ReplyKind.DIAL:
        assert reply.caller_id


@given(data=json_values)
def test_rest_parsers_never_raise(data: object) -> None:
    parse_caller_log(data)
    parse_caller_log({"list": data, "assets": {"User": data, "Organization": data}})
    parse_users(data)
    parse_ticket_customer(data)
    parse_ticket_customer({"ticket_ids_open": data, "assets": {"Ticket": data}})


def test_caller_log_row_with_unknown_state_and_matches() -> None:
    entries, users, _ = parse_caller_log(
        {
            "list": [
                {
                    "id": 3,
                    "call_id": "x",
                    "state": "transfer",
                    "from": "4930",
                    "direction": "in",
                    "preferences": {"from": [{"user_id": 7, "level": "maybe"}]},
                }
            ],
            "assets": {"User": {"7": {"id": 7, "firstname": "A", "lastname": "B"}}},
        }
    )
    assert entries[0].state is CallerLogState.UNKNOWN
    assert [(m.user_id, m.level) for m in entries[0].matches()] == [(7, "maybe")]
    assert users[7].fullname == "A B"


def test_parsed_form_body_round_trip() -> None:
    body = encode_form([("a b", "c+d/e")])
    assert parse_qsl(body.decode()) == [("a b", "c+d/e")]
