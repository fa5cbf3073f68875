"""Whole calls through tracker -> forwarder -> simulator, ending with Zammad's caller log."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctidesk.core.calls import Direction, EndCause, EventKind
from ctidesk.core.journal import Journal
from tests.clients.zammad_support import applied_pushes, zammad_stack

MARIA = "+49 89 99998 123"
STEFAN = "+43 1 5123456"
JUERGEN_MOBILE = "0152 28817386"


async def test_inbound_answered_call_ends_as_zammad_logs_it(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path) as stack:
        call = stack.phone_event(EventKind.RINGING, MARIA)
        await stack.settle()
        stack.clock.advance(7)
        stack.phone_event(EventKind.ANSWERED, MARIA)
        await stack.settle()
        stack.clock.advance(65)
        stack.phone_event(EventKind.ENDED, MARIA, cause=EndCause.NORMAL)
        await stack.settle()

        row = stack.sim.log_row(call.id)
        assert row is not None
        assert (row.direction, row.state, row.done) == ("in", "hangup", True)
        assert (row.from_, row.to) == ("498999998123", "493023125100")
        assert row.from_comment == "Maria Huber"
        assert row.to_comment == "Agnes Agent"
        assert row.comment == "normalClearing"
        assert (row.duration_waiting_time, row.duration_talking_time) == (7, 65)
        assert [e["user_id"] for e in row.preferences["from"]] == [2]
        assert applied_pushes(stack.sim) == [
            (call.id, "newCall"),
            (call.id, "answer"),
            (call.id, "hangup"),
        ]
        push = stack.sim.cti_pushes()[0]
        assert push.headers["Accept"] == "application/json"
        assert push.params["user"] == ["Agnes Agent"]


async def test_inbound_missed_call_stays_open_for_a_callback(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path) as stack:
        call = stack.phone_event(EventKind.RINGING, MARIA)
        await stack.settle()
        stack.clock.advance(20)
        stack.phone_event(EventKind.ENDED, MARIA)
        await stack.settle()

        row = stack.sim.log_row(call.id)
        assert row is not None
        # cancel: "the caller hung up before the called party picked up" (Zammad's hangup docs)
        assert (row.state, row.done, row.comment) == ("hangup", False, "cancel")
        assert (row.duration_waiting_time, row.duration_talking_time) == (20, None)
        assert row.start_at is None


async def test_outbound_call_uses_the_routing_table_caller_id(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path) as stack:
        stack.sim.config.routing_table = [
            {"dest": "49*", "caller_id": "4930231259", "note": "Germany"},
            {"dest": "43*", "caller_id": "4930231250", "note": "Austria"},
        ]
        call = stack.phone_event(EventKind.DIALING, STEFAN, Direction.OUTBOUND)
        await stack.settle()
        stack.clock.advance(4)
        stack.phone_event(EventKind.ANSWERED, STEFAN, Direction.OUTBOUND)
        await stack.settle()
        stack.clock.advance(30)
        stack.phone_event(EventKind.ENDED, STEFAN, Direction.OUTBOUND, cause=EndCause.NORMAL)
        await stack.settle()

        assert [(c.call_id, c.caller_id, c.number) for c in stack.caller_ids] == [
            (call.id, "4930231250", "4315123456")
        ]
        timeline = [entry.what for entry in stack.tracker.get(call.id).timeline]  # type: ignore[union-attr]
        assert "Zammad: caller id 4930231250" in timeline
        row = stack.sim.log_row(call.id)
        assert row is not None
        assert (row.direction, row.state, row.done) == ("out", "hangup", True)
        assert (row.from_, row.to, row.queue) == ("4930231250", "4315123456", "4930231250")
        assert (row.from_comment, row.to_comment) == ("Agnes Agent", "Stefan Mayr")
        assert row.comment == "normalClearing"
        assert (row.duration_waiting_time, row.duration_talking_time) == (4, 30)


@pytest.mark.parametrize(
    "phone_says", [None, EndCause.REJECTED], ids=["gxp-terminated", "wp826-rejected"]
)
async def test_blocked_caller_is_rejected_not_owed_a_callback_and_hung_up_as_busy(
    tmp_path: Path, phone_says: EndCause | None
) -> None:
    """Issue 15, point 5. Zammad replies {"action":"reject","reason":"busy"} for a blocked
    caller (cti_controller.rb); the PBX side rejects and still sends hangup. The hangup's cause
    is busy, the reason Zammad gave ("busy: the called party was busy", Zammad's hangup docs),
    and the journal owes this caller no callback, however the phone reports the end."""
    journal = Journal(tmp_path / "journal.sqlite3")
    async with zammad_stack(tmp_path) as stack:
        stack.phone.reject_cause = phone_says
        stack.tracker.subscribe(journal.on_call_changed)
        stack.sim.config.block_caller_ids = [{"caller_id": "4915228817386", "note": "spam"}]
        call = stack.phone_event(EventKind.RINGING, JUERGEN_MOBILE)
        await stack.wait_until(lambda: bool(stack.phone.rejected))
        await stack.settle()

        assert stack.phone.rejected == [call.id]
        tracked = stack.tracker.get(call.id)
        assert tracked is not None and tracked.ending is EndCause.BLOCKED
        assert not tracked.needs_callback
        notes = [(e.source, e.what, e.detail) for e in tracked.timeline if e.source == "zammad"]
        assert notes == [("zammad", "Zammad: caller is blocked, call rejected", "busy")]
        row = stack.sim.log_row(call.id)
        assert row is not None
        assert (row.state, row.comment) == ("hangup", "busy")
        assert row.done is False  # Zammad's own rule: any unanswered inbound call stays open
        assert row.from_comment == "Jürgen Müller"
        assert row.duration_waiting_time == 0
        assert applied_pushes(stack.sim) == [(call.id, "newCall"), (call.id, "hangup")]
    journal.flush()
    entry = journal.get(call.id)
    assert entry is not None and entry.ending == "blocked" and not entry.needs_callback
    assert journal.callbacks() == []
    journal.close()


async def test_call_first_seen_already_ended_gets_newcall_then_hangup(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path) as stack:
        call = stack.phone_event(EventKind.ENDED, MARIA)
        await stack.settle()
        assert applied_pushes(stack.sim) == [(call.id, "newCall"), (call.id, "hangup")]
        row = stack.sim.log_row(call.id)
        assert row is not None and (row.state, row.done) == ("hangup", False)


async def test_forwarding_switched_off_sends_nothing(tmp_path: Path) -> None:
    async with zammad_stack(tmp_path, forward_events=False) as stack:
        stack.phone_event(EventKind.RINGING, MARIA)
        assert stack.forwarder.pending_count() == 0
        assert stack.sim.cti_pushes() == []


async def test_build_services_honours_forwarding_and_enabled(tmp_path: Path) -> None:
    import httpx

    from ctidesk.clients.zammad import build_zammad_services
    from ctidesk.config.secrets import MemorySecretStore
    from tests.clients.zammad_support import fast_settings

    secrets = MemorySecretStore()
    async with httpx.AsyncClient() as http:
        both = build_zammad_services(fast_settings(), secrets, tmp_path / "o.sqlite3", http=http)
        assert both.forwarder is not None and both.lookup is not None
        await both.close()
        lookup_only = build_zammad_services(
            fast_settings(forward_events=False), secrets, tmp_path / "p.sqlite3", http=http
        )
        assert lookup_only.forwarder is None and lookup_only.lookup is not None
        await lookup_only.close()
        off = build_zammad_services(
            fast_settings(enabled=False), secrets, tmp_path / "q", http=http
        )
        assert (off.forwarder, off.lookup) == (None, None)
