"""Issue 15, point 5: a call the agent rejects is "rejected", not a missed call owed a callback,
even when the phone reports only that the call ended (a GXP sends "terminated", no cause)."""

from __future__ import annotations

from typing import Any

import pytest

from ctidesk.core.calls import CallEvent, EndCause, EventKind, EventSource
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import DesktopBridge

from .conftest import FakePhone, ring, wait_until

pytestmark = pytest.mark.gui


def test_rejected_by_the_agent_stays_rejected_and_needs_no_callback(
    bridge: DesktopBridge, tracker: CallTracker, phone: FakePhone, run: Any
) -> None:
    call = ring(tracker)
    bridge.reject(call.id)
    run(wait_until(lambda: not tracker.live_calls()))
    ended = tracker.get(call.id)
    assert phone.commands == [("reject", "+49301234567")]
    assert ended is not None and ended.ending is EndCause.REJECTED
    assert not ended.needs_callback


def test_a_reject_that_fails_leaves_no_mark_on_the_call(
    bridge: DesktopBridge, tracker: CallTracker, phone: FakePhone, run: Any
) -> None:
    call = ring(tracker)
    phone.fail_with = "the phone did not answer"
    bridge.reject(call.id)
    run(wait_until(lambda: bool(bridge.status.last_error)))
    phone.fail_with = None
    ended = tracker.handle(
        CallEvent(
            source=EventSource.PHONE,
            kind=EventKind.ENDED,
            remote=call.remote,
            direction=call.direction,
        )
    )
    assert ended.ending is EndCause.MISSED and ended.needs_callback
