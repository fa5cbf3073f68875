"""The outbox under faults: Zammad down, replies lost, unknown calls, giving up, bad tokens."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from ctidesk.clients.backoff import backoff_delay
from ctidesk.config.secrets import SecretName
from ctidesk.core.calls import EndCause, EventKind
from ctidesk.core.ports import ReachState
from tests.clients.zammad_support import Stack, applied_pushes, zammad_stack

MARIA = "+49 89 99998 123"
ANNA_SIGNATURE = "+49 40 66969 456"


def assert_each_event_applied_once_in_order(stack: Stack) -> None:
    applied = applied_pushes(stack.sim)
    assert all(count == 1 for count in Counter(applied).values()), applied
    per_call: dict[str, list[str]] = {}
    for call_id, event in applied:
        per_call.setdefault(call_id, []).append(event)
    order = ["newCall", "answer", "hangup"]
    for events in per_call.values():
        assert events == sorted(events, key=order.index)
        assert events[0] == "newCall"


async def _missed_call(stack: Stack, source_id: str, ring_seconds: float = 10) -> str:
    call = stack.phone_event(EventKind.RINGING, MARIA, source_id=source_id)
    stack.clock.advance(ring_seconds)
    stack.phone_event(EventKind.ENDED, MARIA, source_id=source_id)
    return call.id


async def test_zammad_down_then_back_delivers_everything_in_order(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path) as stack:
        await stack.sim.go_down()
        ids = [await _missed_call(stack, f"p{i}") for i in range(3)]
        answered = stack.phone_event(EventKind.RINGING, MARIA, source_id="p9")
        stack.phone_event(EventKind.ANSWERED, MARIA, source_id="p9")
        stack.phone_event(EventKind.ENDED, MARIA, source_id="p9", cause=EndCause.NORMAL)
        await stack.wait_until(
            lambda: (
                stack.forwarder.status is not None
                and stack.forwarder.status.state is ReachState.UNREACHABLE
            )
        )
        assert stack.forwarder.pending_count() == 9
        await stack.sim.come_back()
        await stack.settle()

        for call_id in ids:
            row = stack.sim.log_row(call_id)
            assert row is not None and (row.state, row.done) == ("hangup", False)
        row = stack.sim.log_row(answered.id)
        assert row is not None and (row.state, row.done) == ("hangup", True)
        assert len(stack.sim.log) == 4
        assert_each_event_applied_once_in_order(stack)
        assert stack.statuses[-1].state is ReachState.OK


async def test_zammad_slow_and_failing_is_retried_with_backoff(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path) as stack:
        stack.sim.fail_next(3, status=502)
        call_id = await _missed_call(stack, "p1")
        await stack.settle()
        pushes = stack.sim.cti_pushes()
        assert [p.status for p in pushes] == [502, 502, 502, 200, 200]
        events = [parse_qs(p.body.decode())["event"][0] for p in pushes]
        assert events == ["newCall", "newCall", "newCall", "newCall", "hangup"]
        row = stack.sim.log_row(call_id)
        assert row is not None and (row.state, row.done) == ("hangup", False)


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    for failures, low, high in [(1, 0.5, 1.0), (2, 1.0, 2.0), (5, 8.0, 16.0), (40, 150.0, 300.0)]:
        for _ in range(20):
            assert low <= backoff_delay(failures, 1.0, 300.0, rng.random) <= high
    assert len({backoff_delay(3, 1.0, 300.0, rng.random) for _ in range(10)}) > 1


async def test_lost_replies_after_zammad_applied_them_are_not_applied_twice(
    tmp_path: Path,
) -> None:
    async with zammad_stack(tmp_path) as stack:
        stack.sim.drop_next_replies(2)  # the newCall and the hangup: applied, reply lost
        call = stack.phone_event(EventKind.RINGING, MARIA)
        await stack.settle()
        stack.clock.advance(12)
        stack.phone_event(EventKind.ENDED, MARIA)
        await stack.settle()

        pushes = [(p.params.get("event"), p.status, p.dropped) for p in stack.sim.cti_pushes()]
        # newCall re-sent and answered "already exists"; the hangup found in the caller log
        assert pushes == [("newCall", 200, True), ("newCall", 500, False), ("hangup", 200, True)]
        row = stack.sim.log_row(call.id)
        assert row is not None
        assert (row.state, row.done, row.duration_waiting_time) == ("hangup", False, 12)
        delivered = stack.forwarder.outbox.events_of_call(call.id)
        assert [e.outcome for e in delivered] == [
            "Zammad already had this call",
            "found in Zammad's caller log",
        ]


async def test_lost_hangup_reply_without_caller_log_access_is_sent_again(tmp_path: Path) -> None:
    """Without the caller log Zammad cannot be asked; the event is repeated (documented)."""
    async with zammad_stack(tmp_path, verify=False) as stack:
        stack.sim.drop_next_replies(1)
        call = stack.phone_event(EventKind.ENDED, MARIA)
        await stack.settle()
        events = [p.params.get("event") for p in stack.sim.cti_pushes()]
        assert events == ["newCall", "newCall", "hangup"]
        assert stack.sim.log_row(call.id) is not None


async def test_answer_for_a_call_zammad_lost_is_repaired_with_its_newcall(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path, allow_violations=True) as stack:
        call = stack.phone_event(EventKind.RINGING, MARIA)
        await stack.settle()
        stack.sim.log.clear()  # e.g. an admin restored an older Zammad database
        stack.phone_event(EventKind.ANSWERED, MARIA)
        await stack.settle()

        pushes = [(p.params.get("event"), p.status) for p in stack.sim.cti_pushes()]
        assert pushes == [("newCall", 200), ("answer", 500), ("newCall", 200), ("answer", 200)]
        row = stack.sim.log_row(call.id)
        assert row is not None and row.state == "answer"
        timeline = [e.what for e in stack.tracker.get(call.id).timeline]  # type: ignore[union-attr]
        assert "Zammad did not know the call; ctidesk sent it again" in timeline
        assert [(v.event, v.rule) for v in stack.sim.violations] == [("answer", "call-id")]


async def test_undeliverable_events_are_kept_and_shown_then_retried(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path, give_up_after_hours=0.00005) as stack:
        stack.sim.set_unavailable(503)
        call_id = await _missed_call(stack, "p1")
        await stack.wait_until(lambda: len(stack.forwarder.failed_events()) == 2, seconds=1.8)
        failed = stack.forwarder.failed_events()
        assert [(e.call_id, e.name.value) for e in failed] == [
            (call_id, "newCall"),
            (call_id, "hangup"),
        ]
        assert "503" in failed[0].last_error
        assert "could not be sent to Zammad" in stack.statuses[-1].detail
        assert stack.forwarder.pending_count() == 0

        stack.sim.set_unavailable(None)
        assert stack.forwarder.retry_failed() == 2
        await stack.settle()
        assert stack.forwarder.failed_events() == []
        row = stack.sim.log_row(call_id)
        assert row is not None and row.state == "hangup"


async def test_wrong_token_reports_auth_failure_and_keeps_events(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path) as stack:
        good_url = stack.sim.cti_url
        stack.secrets.set(SecretName.ZAMMAD_CTI_URL, stack.sim.base_url + "/api/v1/cti/wrong")
        await _missed_call(stack, "p1")
        await stack.wait_until(
            lambda: (
                stack.forwarder.status is not None
                and stack.forwarder.status.state is ReachState.AUTH_FAILED
            )
        )
        assert "zammad_cti_url" in stack.forwarder.status.detail  # type: ignore[union-attr]
        assert stack.forwarder.pending_count() == 2
        stack.secrets.set(SecretName.ZAMMAD_CTI_URL, good_url)
        await stack.settle()
        assert len(stack.sim.log) == 1


async def test_endpoint_token_never_reaches_logs_or_stored_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with zammad_stack(tmp_path) as stack:
        token = stack.sim.config.token
        await stack.sim.go_down()
        await _missed_call(stack, "p1")
        await stack.wait_until(lambda: stack.sim.cti_pushes() == [] and bool(stack.statuses))
        await stack.wait_until(
            lambda: any(e.last_error for e in stack.forwarder.outbox.pending()), seconds=1.5
        )
        errors = [e.last_error for e in stack.forwarder.outbox.pending()]
        await stack.sim.come_back()
        await stack.settle()
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("ctidesk")]
    assert ours and not any(token in message for message in ours)
    assert not any(token in error for error in errors)
    assert not any(token in s.detail for s in stack.statuses)


async def test_maybe_match_from_a_customer_signature(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path) as stack:
        call = stack.phone_event(EventKind.RINGING, ANNA_SIGNATURE)
        await stack.settle()
        row = stack.sim.log_row(call.id)
        assert row is not None
        assert row.from_comment == "maybe Anna Schmidt"
        assert [e["level"] for e in row.preferences["from"]] == ["maybe"]


async def test_zammad_down_for_minutes_mid_burst_then_up_delivers_each_event_once_in_order(
    tmp_path: Path,
) -> None:
    """40 overlapping calls, 10 s apart on the clock; Zammad is gone for six minutes in the middle
    (calls ring before and end during the outage, others ring and end while it is down)."""
    rng = random.Random(2025)
    async with zammad_stack(tmp_path, clock_drives_retries=True) as stack:
        expected: dict[str, list[str]] = {}
        open_calls: list[tuple[str, bool, int]] = []  # source id, answered, steps left
        applied_before_outage = applied_during_outage = 0
        for step in range(60):
            if step == 12:
                await stack.wait_until(lambda: stack.forwarder.pending_count() < 6)
                await stack.sim.go_down()
                applied_before_outage = len(applied_pushes(stack.sim))
            if step == 48:
                applied_during_outage = len(applied_pushes(stack.sim)) - applied_before_outage
                waiting = stack.forwarder.pending_count()
                await stack.sim.come_back()
            if step < 40:
                source_id = f"burst{step}"
                call = stack.phone_event(
                    EventKind.RINGING, f"+49 30 5550 {step:04d}", source_id=source_id
                )
                answered = rng.random() < 0.6
                expected[call.id] = (
                    ["newCall", "answer", "hangup"] if answered else ["newCall", "hangup"]
                )
                open_calls.append((source_id, answered, rng.randint(1, 4)))
            still_open = []
            for source_id, answered, left in open_calls:
                number = f"+49 30 5550 {int(source_id[5:]):04d}"
                if answered and left == 1:
                    stack.phone_event(EventKind.ANSWERED, number, source_id=source_id)
                if left <= 0:
                    stack.phone_event(EventKind.ENDED, number, source_id=source_id)
                else:
                    still_open.append((source_id, answered, left - 1))
            open_calls = still_open
            stack.clock.advance(10)
            await asyncio.sleep(0.02)
        assert not open_calls
        await stack.settle()

        assert applied_before_outage > 0
        assert applied_during_outage == 0
        assert waiting > 30, "the outage should have held back a good part of the burst"
        applied = applied_pushes(stack.sim)
        assert all(count == 1 for count in Counter(applied).values()), applied
        per_call: dict[str, list[str]] = {}
        for call_id, event in applied:
            per_call.setdefault(call_id, []).append(event)
        assert per_call == expected
        assert len(stack.sim.log) == 40
        assert stack.forwarder.failed_events() == []
        assert any(s.state is ReachState.UNREACHABLE for s in stack.statuses)
        assert stack.statuses[-1].state is ReachState.OK
