"""Issue 15, points 2, 3, 5 and 8 through tracker -> outbox -> loopback HTTP -> simulator, and
the simulator's own strictness: what Zammad stores although its documentation rules it out."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from ctidesk.core.calls import Direction, EndCause, EventKind
from ctidesk.sim.zammad import ZammadSimulator
from tests.clients.zammad_support import Clock, Stack, applied_pushes, zammad_stack

MARIA = "+49 89 99998 123"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


async def _answered_call(stack: Stack, source_id: str = "c1") -> str:
    """Ring, answer after 6 s, hang up after 30 s; each event delivered before the next."""
    call = stack.phone_event(EventKind.RINGING, MARIA, source_id=source_id)
    await stack.settle()
    stack.clock.advance(6)
    stack.phone_event(EventKind.ANSWERED, MARIA, source_id=source_id)
    await stack.settle()
    stack.clock.advance(30)
    stack.phone_event(EventKind.ENDED, MARIA, source_id=source_id, cause=EndCause.NORMAL)
    await stack.settle()
    return call.id


# ---------------------------------------------------------------- point 2: one answering agent


async def test_answer_names_the_one_agent_at_this_pc(tmp_path: Path) -> None:
    """Zammad's docs send ``user[]`` on newCall (whose phones ring) and ``user`` on answer;
    Cti::Log joins an array with ", " and records it as the one who answered."""
    async with zammad_stack(
        tmp_path, agent_names=["Agnes Agent", "Bob Builder"], agent_name="Agnes Agent"
    ) as stack:
        call = stack.phone_event(EventKind.RINGING, MARIA)
        await stack.settle()
        row = stack.sim.log_row(call.id)
        assert row is not None and row.to_comment == "Agnes Agent, Bob Builder"
        stack.phone_event(EventKind.ANSWERED, MARIA)
        await stack.settle()
        answer = stack.sim.cti_pushes()[-1]
        assert answer.params["event"] == "answer"
        assert answer.params["user"] == "Agnes Agent"
        assert row.to_comment == "Agnes Agent"


async def test_without_agent_name_the_first_configured_agent_answers(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path, agent_names=["Agnes Agent", "Bob Builder"]) as stack:
        call_id = await _answered_call(stack)
        await stack.settle()
        row = stack.sim.log_row(call_id)
        assert row is not None and row.to_comment == "Agnes Agent"


# ---------------------------------------------------------------- point 3: never to=unknown


async def test_inbound_to_is_the_configured_number_when_the_phone_gives_none(
    tmp_path: Path,
) -> None:
    async with zammad_stack(tmp_path, answering_number="493023125100") as stack:
        stack.own_number = None
        call_id = await _answered_call(stack)
        await stack.settle()
        row = stack.sim.log_row(call_id)
        assert row is not None and row.to == "493023125100"
        assert {p.params.get("to") for p in stack.sim.cti_pushes()} == {"493023125100"}


async def test_inbound_to_truly_unknown_is_empty_on_newcall_and_left_out_later_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Zammad requires ``to`` on newCall (a not-null column) but not on answer/hangup; the
    literal "unknown" would be stored as if it were the number the caller dialled."""
    caplog.set_level(logging.WARNING, logger="ctidesk.clients.zammad.forwarder")
    async with zammad_stack(tmp_path) as stack:
        stack.own_number = None
        first = await _answered_call(stack, "c1")
        second = await _answered_call(stack, "c2")
        await stack.settle()
        pushes = stack.sim.cti_pushes()
        assert [p.params["to"] for p in pushes if p.params["event"] == "newCall"] == ["", ""]
        assert all("to" not in p.params for p in pushes if p.params["event"] != "newCall")
        for call_id in (first, second):
            row = stack.sim.log_row(call_id)
            assert row is not None and row.to == "" and row.state == "hangup"
    warnings = [r for r in caplog.records if "answering_number" in r.getMessage()]
    assert len(warnings) == 1


async def test_outbound_to_is_the_dialled_number(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path) as stack:
        stack.own_number = None
        call = stack.phone_event(EventKind.DIALING, MARIA, Direction.OUTBOUND)
        stack.phone_event(EventKind.ENDED, MARIA, Direction.OUTBOUND)
        await stack.settle()
        row = stack.sim.log_row(call.id)
        assert row is not None and (row.to, row.comment) == ("498999998123", "cancel")
        assert row.from_ == ""  # our own number is unknown here: empty, never "unknown"


# ---------------------------------------------------------------- point 5: the agent rejects


async def test_call_rejected_by_the_agent_reaches_zammad_as_noanswer(tmp_path: Path) -> None:
    """ "noAnswer: the called party rejected the call" (Zammad's hangup docs); the phone (a
    GXP) reports only "terminated", which used to make it a missed call (noAnswer before,
    cancel now) owed a callback."""
    async with zammad_stack(tmp_path) as stack:
        call = stack.phone_event(EventKind.RINGING, MARIA)
        await stack.settle()
        await stack.tracker.reject(call, stack.phone.reject, EndCause.REJECTED)
        await stack.settle()
        ended = stack.tracker.get(call.id)
        assert ended is not None and ended.ending is EndCause.REJECTED
        assert not ended.needs_callback
        row = stack.sim.log_row(call.id)
        assert row is not None and (row.state, row.comment) == ("hangup", "noAnswer")


# ---------------------------------------------------------------- point 8: lost replies


async def test_answer_whose_reply_is_lost_again_and_again_is_applied_once(
    tmp_path: Path,
) -> None:
    """Zammad applies a repeated answer again (Cti::Log.process resets start_at); with the API
    token ctidesk reads the caller log (GET /api/v1/cti/log) before any retry."""
    async with zammad_stack(tmp_path) as stack:
        stack.sim.drop_next_replies(5, event="answer")
        stack.sim.drop_next_replies(5, event="hangup")
        call_id = await _answered_call(stack)
        await stack.settle()
        applied = Counter(applied_pushes(stack.sim))
        assert applied == {(call_id, "newCall"): 1, (call_id, "answer"): 1, (call_id, "hangup"): 1}
        row = stack.sim.log_row(call_id)
        assert row is not None
        assert (row.duration_waiting_time, row.duration_talking_time) == (6, 30)
        outcomes = [e.outcome for e in stack.forwarder.outbox.events_of_call(call_id)]
        assert outcomes[1:] == ["found in Zammad's caller log"] * 2
        log_reads = [r for r in stack.sim.requests if r.path == "/api/v1/cti/log"]
        assert len(log_reads) == 2


async def test_without_the_caller_log_a_lost_answer_is_resent_at_most_the_cap(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No API token (or no cti.agent): Zammad cannot be asked. Each re-send of an answer it
    already stored is applied again, so re-sends are capped (``unverified_resends``, default
    1): at most two answers instead of one per lost reply."""
    async with zammad_stack(tmp_path, verify=False, allow_violations=True) as stack:
        stack.sim.drop_next_replies(5, event="answer")
        call_id = await _answered_call(stack)
        await stack.settle()
        applied = Counter(applied_pushes(stack.sim))
        answers = sum(1 for p in stack.sim.cti_pushes() if p.params.get("event") == "answer")
        assert answers == 2
        assert applied[(call_id, "hangup")] == 1
        assert [(v.event, v.rule) for v in stack.sim.violations] == [("answer", "applied-twice")]
        answer = stack.forwarder.outbox.events_of_call(call_id)[1]
        assert answer.outcome.startswith("sent 2 time(s)")
    assert any("may have applied it up to 2 time(s)" in r.getMessage() for r in caplog.records)


async def test_a_proxy_error_is_no_lost_reply_and_does_not_use_up_the_cap(
    tmp_path: Path,
) -> None:
    """A 503 is an answer: Zammad applied nothing, so the event is sent until it gets through."""
    async with zammad_stack(tmp_path, verify=False, unverified_resends=0) as stack:
        call = stack.phone_event(EventKind.RINGING, MARIA)
        await stack.settle()
        stack.sim.fail_next(3, status=503)
        stack.phone_event(EventKind.ENDED, MARIA)
        await stack.settle()
        row = stack.sim.log_row(call.id)
        assert row is not None and (row.state, row.comment) == ("hangup", "cancel")


# ---------------------------------------------------------------- the simulator's strictness


@pytest.fixture
async def sim() -> AsyncIterator[ZammadSimulator]:
    simulator = ZammadSimulator(clock=Clock())
    await simulator.start()
    yield simulator
    await simulator.stop()


async def _push(sim: ZammadSimulator, body: str) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(sim.cti_url, content=body.encode(), headers=FORM)


NEW = "event=newCall&direction=in&from=4989&to=4930&callId=a"


@pytest.mark.parametrize(
    "events,rule",
    [
        # cancel: "the caller hung up before the called party picked up"
        (["event=answer&direction=in&callId=a", "event=hangup&direction=in&callId=a&cause=cancel"],
         "cause"),
        # normalClearing: "a party hung up after the call was established"
        (["event=hangup&direction=in&callId=a&cause=normalClearing"], "cause"),
        # busy, noAnswer: both say nobody picked up
        (["event=answer&direction=in&callId=a", "event=hangup&direction=in&callId=a&cause=busy"],
         "cause"),
        (["event=hangup&direction=in&callId=a&cause=hungUp"], "cause"),
        # answer: "user" is the one agent who answered (docs: user on answer)
        (["event=answer&direction=in&callId=a&user%5B%5D=Alice&user%5B%5D=Bob"], "answer-user"),
        (["event=answer&direction=in&callId=a&user=Alice%2C+Bob"], "answer-user"),
        # to: the called number
        (["event=hangup&direction=in&callId=a&to=unknown&cause=cancel"], "number+to"),
        # the same callId, direction and to from newCall to hangup
        (["event=hangup&direction=out&callId=a&cause=cancel"], "direction"),
        (["event=hangup&direction=in&callId=a&to=4931&cause=cancel"], "to"),
        # answer and hangup applied once (Cti::Log applies a repeat again)
        (["event=answer&direction=in&callId=a", "event=answer&direction=in&callId=a"],
         "applied-twice"),
        (["event=hangup&direction=in&callId=a&cause=cancel",
          "event=hangup&direction=in&callId=a&cause=cancel"], "applied-twice"),
    ],
)  # fmt: skip
async def test_the_simulator_stores_like_zammad_and_records_the_violation(
    sim: ZammadSimulator, events: list[str], rule: str
) -> None:
    assert (await _push(sim, NEW)).status_code == 200
    for body in events:
        assert (await _push(sim, body)).status_code == 200  # Zammad stores it all
    assert [v.rule for v in sim.violations] == rule.split("+")
    assert sim.log_row("a") is not None


async def test_an_event_for_a_callid_never_announced_is_a_500_and_a_violation(
    sim: ZammadSimulator,
) -> None:
    reply = await _push(sim, "event=hangup&direction=in&callId=zzz&cause=cancel")
    assert reply.status_code == 500
    assert [(v.call_id, v.rule) for v in sim.violations] == [("zzz", "call-id")]


async def test_a_clean_call_leaves_no_violation(sim: ZammadSimulator) -> None:
    for body in (
        NEW + "&user%5B%5D=Alice&user%5B%5D=Bob",
        "event=answer&direction=in&callId=a&to=4930&user=Alice",
        "event=hangup&direction=in&callId=a&to=4930&cause=normalClearing",
    ):
        assert (await _push(sim, body)).status_code == 200
    assert sim.violations == []


async def test_lose_the_reply_of_one_event_kind_stores_it_and_drops_the_connection(
    sim: ZammadSimulator,
) -> None:
    sim.drop_next_replies(1, event="answer")
    assert (await _push(sim, NEW)).status_code == 200
    with pytest.raises(httpx.HTTPError):
        await _push(sim, "event=answer&direction=in&callId=a")
    row = sim.log_row("a")
    assert row is not None and row.state == "answer"
    assert [r.dropped for r in sim.cti_pushes()] == [False, True]
