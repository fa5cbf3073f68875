"""Issue 15, point 1: every way a call ends reaches Zammad with the cause its documentation
gives that ending, checked row by row over loopback HTTP against the strict simulator.

The seven causes and their meanings are Zammad's (docs.zammad.org, Generic CTI API, "Call
Hangup", attribute ``cause``); the simulator records a violation for a cause whose meaning
contradicts the call it saw.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from ctidesk.clients.zammad.events import (
    CAUSE_MEANINGS,
    CAUSE_TABLE,
    CauseRow,
    CtiOptions,
    ZammadCause,
    cause_row,
    encode_form,
    events_for_call,
)
from ctidesk.core.calls import Call, CallState, Direction, EndCause
from ctidesk.core.numbers import parse_number
from ctidesk.sim.zammad import DOCUMENTED_CAUSES, ZammadSimulator
from tests.clients.zammad_support import Clock

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


def ended_call(row_ending: EndCause, direction: Direction, answered: bool, call_id: str) -> Call:
    return Call(
        id=call_id,
        direction=direction,
        remote=parse_number("+49 89 99998 123"),
        local=parse_number("+49 30 23125 100"),
        state=CallState.ENDED,
        ending=row_ending,
        started_at=T0,
        answered_at=T0 + timedelta(seconds=5) if answered else None,
        ended_at=T0 + timedelta(seconds=60),
    )


def concrete_cases(row: CauseRow) -> list[tuple[Direction, bool]]:
    directions = [row.direction] if row.direction else [Direction.INBOUND, Direction.OUTBOUND]
    answered = [row.answered] if row.answered is not None else [False, True]
    return list(itertools.product(directions, answered))


@pytest.fixture
async def sim() -> AsyncIterator[ZammadSimulator]:
    simulator = ZammadSimulator(clock=Clock())
    await simulator.start()
    yield simulator
    await simulator.stop()


def test_the_code_knows_zammads_seven_causes_with_their_documented_meanings() -> None:
    """docs.zammad.org, hangup event: normalClearing, busy, cancel, noAnswer, congestion,
    notFound, forwarded, each with one meaning; the client and the simulator agree on them."""
    assert {cause.value: text for cause, text in CAUSE_MEANINGS.items()} == DOCUMENTED_CAUSES
    assert {row.cause for row in CAUSE_TABLE} <= set(ZammadCause)


@pytest.mark.parametrize(
    "ending,direction,answered",
    list(itertools.product(EndCause, [Direction.INBOUND, Direction.OUTBOUND], [False, True])),
)
def test_the_table_has_exactly_one_row_for_every_ending(
    ending: EndCause, direction: Direction, answered: bool
) -> None:
    matching = [row for row in CAUSE_TABLE if row.matches(ending, direction, answered)]
    assert len(matching) == 1, matching
    assert cause_row(ended_call(ending, direction, answered, "c")) is matching[0]


@pytest.mark.parametrize(
    "row",
    CAUSE_TABLE,
    ids=[
        f"{r.ending.value}-{r.direction.value if r.direction else 'any'}-"
        f"{'answered' if r.answered else 'unanswered' if r.answered is False else 'either'}"
        f"-{r.cause.value}-{i}"
        for i, r in enumerate(CAUSE_TABLE)
    ],
)
async def test_each_row_reaches_zammad_with_a_cause_whose_meaning_fits_the_call(
    sim: ZammadSimulator, row: CauseRow
) -> None:
    """Each row cites the meaning it relies on (``row.because``), which must be Zammad's
    documented meaning of the row's cause; over HTTP Zammad stores the cause as the row's
    comment and the simulator finds nothing contradicting Zammad's table."""
    meaning = CAUSE_MEANINGS[row.cause].split(" (")[0]
    assert meaning in row.because, (row.because, meaning)
    async with httpx.AsyncClient() as http:
        for index, (direction, answered) in enumerate(concrete_cases(row)):
            call = ended_call(row.ending, direction, answered, f"{row.ending.value}-{index}")
            for event in events_for_call(call, CtiOptions(agent_names=["Agnes Agent"])):
                reply = await http.post(
                    sim.cti_url, content=encode_form(event.fields), headers=FORM
                )
                assert reply.status_code == 200, reply.text
            stored = sim.log_row(call.id)
            assert stored is not None and stored.state == "hangup"
            assert stored.comment == row.cause.value
    assert sim.violations == []


@pytest.mark.parametrize(
    "ending,direction,cause,meaning",
    [
        (EndCause.MISSED, Direction.INBOUND, "cancel", "the caller hung up before the called"),
        (EndCause.REJECTED, Direction.INBOUND, "noAnswer", "the called party rejected the call"),
        (EndCause.BLOCKED, Direction.INBOUND, "busy", "the called party was busy"),
        (EndCause.CANCELLED, Direction.OUTBOUND, "cancel", "the caller hung up before the called"),
        (EndCause.BUSY, Direction.OUTBOUND, "busy", "the called party was busy"),
        (EndCause.FAILED, Direction.OUTBOUND, "congestion", "the called party could not be"),
    ],
)
def test_the_cases_issue_15_names(
    ending: EndCause, direction: Direction, cause: str, meaning: str
) -> None:
    """A missed inbound call (the caller gave up) was sent as noAnswer and the agent's reject
    as busy; both contradict Zammad's documented meanings."""
    row = cause_row(ended_call(ending, direction, False, "c"))
    assert row.cause.value == cause
    assert CAUSE_MEANINGS[row.cause].startswith(meaning)


def test_voicemail_is_an_answer_by_voicemail_so_zammad_keeps_the_callback_open() -> None:
    """Zammad's CTI spec answers a voicemail call with ``user: 'voicemail'``; Cti::Log then
    leaves the row "callback required" (``to_comment == 'voicemail'``)."""
    call = ended_call(EndCause.VOICEMAIL, Direction.INBOUND, False, "vm")
    events = events_for_call(call, CtiOptions(agent_names=["Agnes Agent"]))
    assert [e.name.value for e in events] == ["newCall", "answer", "hangup"]
    assert events[1].get("user") == "voicemail"
    assert events[2].get("cause") == "normalClearing"


async def test_voicemail_row_stays_open_in_the_simulator(sim: ZammadSimulator) -> None:
    call = ended_call(EndCause.VOICEMAIL, Direction.INBOUND, False, "vm")
    async with httpx.AsyncClient() as http:
        for event in events_for_call(call, CtiOptions()):
            await http.post(sim.cti_url, content=encode_form(event.fields), headers=FORM)
    row = sim.log_row("vm")
    assert row is not None and (row.to_comment, row.done) == ("voicemail", False)
    assert sim.violations == []


def test_a_users_override_still_wins() -> None:
    call = ended_call(EndCause.MISSED, Direction.INBOUND, False, "c")
    [_, hangup] = events_for_call(call, CtiOptions(cause_overrides={"missed": "noAnswer"}))
    assert hangup.get("cause") == "noAnswer"


def test_docs_list_each_unanswered_row_with_its_cause() -> None:
    """docs/zammad.md summarises CAUSE_TABLE; a changed row must change the docs too."""
    docs = (Path(__file__).parents[2] / "docs" / "zammad.md").read_text(encoding="utf-8")
    for row in CAUSE_TABLE:
        if row.answered is not False or row.direction is None or "never" in row.seen_as:
            continue
        if row.ending is EndCause.UNKNOWN:
            continue
        line = f"| `{row.ending.value}` | {row.direction.value} | no | `{row.cause.value}`"
        assert line in docs, line
