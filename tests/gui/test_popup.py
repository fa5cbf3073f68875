"""The caller pop-up: shown at once on ringing, filled in by Zammad, buttons drive the phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from ctidesk.core.calls import CallEvent, CallState, Direction, EventKind, EventSource
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.popup import PopupStack

from .conftest import FakeLookup, FakePhone, phone_reports, ring, wait_until

pytestmark = pytest.mark.gui


@pytest.fixture
def stack(bridge: DesktopBridge) -> Any:
    popups = PopupStack(bridge)
    yield popups
    popups.close_all()


def test_ring_shows_card_at_once_then_customer_and_tickets(
    stack: PopupStack, tracker: CallTracker, lookup: FakeLookup, run: Any
) -> None:
    call = ring(tracker, "+49 30 1234567", name="Front desk")
    card = stack.card_for(call.id)
    assert card is not None and card.isVisible()
    assert "+49 30 1234567" in card.number_label.text()
    assert "Germany" in card.number_label.text()
    assert card.name_label.text() == "Front desk"
    assert card.windowTitle() == "Incoming call from Front desk (+49 30 1234567)"
    assert card.customer_label.text() == "Looking up in Zammad…"
    assert card.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert card.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert card.windowFlags() & Qt.WindowType.WindowStaysOnTopHint

    lookup.release.set()
    run(wait_until(lambda: "Erika" in card.customer_label.text()))
    text = card.customer_label.text()
    assert "Erika Mustermann, Muster GmbH" in text
    assert "Max Muster  (maybe" in text
    assert card.tickets.topLevelItemCount() == 2
    first = card.tickets.topLevelItem(0)
    assert [first.text(i) for i in range(3)] == ["#31001", "Printer on fire", "open"]
    assert card.tickets.topLevelItem(1).text(0) == "#31000"


def test_each_button_drives_the_phone(
    stack: PopupStack, tracker: CallTracker, phone: FakePhone, run: Any
) -> None:
    call = ring(tracker)
    card = stack.card_for(call.id)
    assert card is not None
    assert not card.hold_button.isEnabled() and not card.end_button.isEnabled()
    card.answer_button.click()
    run(wait_until(lambda: card.call.state is CallState.CONNECTED))
    assert not card.answer_button.isEnabled()
    card.hold_button.click()
    run(wait_until(lambda: card.call.state is CallState.HELD))
    assert card.hold_button.text() == "Res&ume"
    card.hold_button.click()
    run(wait_until(lambda: card.call.state is CallState.CONNECTED))
    card.end_button.click()
    run(wait_until(lambda: card.after_call))
    card.done_button.click()
    assert stack.card_for(call.id) is None
    assert [verb for verb, _ in phone.commands] == ["answer", "hold", "resume", "end"]


def test_reject_closes_the_card(
    stack: PopupStack, tracker: CallTracker, phone: FakePhone, run: Any
) -> None:
    call = ring(tracker)
    card = stack.card_for(call.id)
    assert card is not None
    card.reject_button.click()
    run(wait_until(lambda: stack.card_for(call.id) is None))
    assert phone.commands == [("reject", "+49301234567")]


def test_zammad_buttons_open_urls_and_create_ticket(
    stack: PopupStack, tracker: CallTracker, lookup: FakeLookup, opened: list[str], run: Any
) -> None:
    lookup.release.set()
    call = ring(tracker)
    card = stack.card_for(call.id)
    assert card is not None
    run(wait_until(lambda: card.customer_button.isEnabled()))
    card.customer_button.click()
    card.ticket_button.click()
    card.tickets.setCurrentItem(card.tickets.topLevelItem(1))
    card.ticket_button.click()
    assert opened == [
        "https://zammad.example/#user/profile/7",
        "https://zammad.example/#ticket/zoom/1",
        "https://zammad.example/#ticket/zoom/2",
    ]
    card.create_button.click()
    run(wait_until(lambda: len(opened) == 4))
    assert lookup.created == [("+49301234567", "Call from Erika Mustermann")]
    assert opened[-1] == "https://zammad.example/#ticket/zoom/3"


def test_phone_failure_reaches_the_user(
    stack: PopupStack, bridge: DesktopBridge, tracker: CallTracker, phone: FakePhone, run: Any
) -> None:
    errors: list[str] = []
    bridge.error.connect(errors.append)
    phone.fail_with = "The phone did not answer; check that it is switched on."
    call = ring(tracker)
    card = stack.card_for(call.id)
    assert card is not None
    card.answer_button.click()
    run(wait_until(lambda: errors))
    assert errors == ["Answering failed: The phone did not answer; check that it is switched on."]
    assert bridge.status.last_error == errors[0]


def test_calls_stack_and_outbound_cards_are_smaller(
    stack: PopupStack, tracker: CallTracker, run: Any
) -> None:
    first = ring(tracker, "+49 30 1111111")
    second = ring(tracker, "+44 20 7946 0000")
    outbound = tracker.handle(
        CallEvent(
            source=EventSource.PHONE,
            kind=EventKind.DIALING,
            remote=parse_number("+33 1 23 45 67 89"),
            direction=Direction.OUTBOUND,
        )
    )
    calls = (first, second, outbound)
    run(wait_until(lambda: all(stack.card_for(c.id) for c in calls)))
    cards = [stack.card_for(c.id) for c in calls]
    assert all(card is not None and card.isVisible() for card in cards)
    a, b, c = (card for card in cards if card is not None)
    assert {a.y(), b.y(), c.y()} == {a.y(), b.y(), c.y()} and len({a.y(), b.y(), c.y()}) == 3
    assert "United Kingdom" in b.number_label.text()
    assert c.compact and c.width() < a.width()
    assert c.windowTitle().startswith("Call to ")
    assert not c.answer_button.isVisible()


def test_dismiss_and_close_policies(
    stack: PopupStack, bridge: DesktopBridge, tracker: CallTracker, run: Any
) -> None:
    call = ring(tracker)
    card = stack.card_for(call.id)
    assert card is not None
    card.close_button.click()
    assert stack.card_for(call.id) is None

    bridge.settings.popup.close_when = "dismissed"
    kept = ring(tracker, "+49 40 7654321")
    phone_reports(tracker, kept, EventKind.ENDED)
    run(wait_until(lambda: stack.card_for(kept.id) is not None))
    kept_card = stack.card_for(kept.id)
    assert kept_card is not None
    assert kept_card.state_label.text() == "Incoming call: ended, missed"

    bridge.settings.popup.close_when = "answered_elsewhere"
    elsewhere = ring(tracker, "+49 89 5555555")
    run(wait_until(lambda: stack.card_for(elsewhere.id) is not None))
    phone_reports(tracker, elsewhere, EventKind.ANSWERED)
    assert stack.card_for(elsewhere.id) is None


def test_every_control_has_an_accessible_name(stack: PopupStack, tracker: CallTracker) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton, QTreeWidget

    call = ring(tracker)
    card = stack.card_for(call.id)
    assert card is not None
    controls = card.findChildren(QPushButton) + card.findChildren(QTreeWidget)
    controls += card.findChildren(QLabel)
    assert controls
    assert all(control.accessibleName() for control in controls)


def test_popup_disabled_shows_nothing(
    stack: PopupStack, bridge: DesktopBridge, tracker: CallTracker
) -> None:
    bridge.settings.popup.enabled = False
    call = ring(tracker)
    assert stack.card_for(call.id) is None


def test_the_phones_name_is_not_repeated_when_zammad_says_it(
    stack: PopupStack, tracker: CallTracker, lookup: FakeLookup, run: Any
) -> None:
    call = ring(tracker, "+49 30 1234567", name="Erika Mustermann")
    card = stack.card_for(call.id)
    assert card is not None and card.name_label.isVisible()
    lookup.release.set()
    run(wait_until(lambda: "Erika" in card.customer_label.text()))
    assert not card.name_label.isVisible(), "the customer line already names her"
    phone_reports(tracker, call, EventKind.ANSWERED)
    run(wait_until(lambda: card.call.state is CallState.CONNECTED))
    assert not card.name_label.isVisible(), "a state change does not bring it back"


def test_ticket_rows_give_the_time_for_today_and_the_date_before() -> None:
    from datetime import UTC, datetime, timedelta

    from ctidesk.core.ports import TicketSummary
    from ctidesk.gui.formatting import short_date, short_time
    from ctidesk.gui.popup import format_ticket

    now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    today = TicketSummary(
        id=1, number="31001", title="Printer on fire", state="open", url="", updated_at=now
    )
    older = TicketSummary(
        id=2,
        number="31000",
        title="Invoice",
        state="closed",
        url="",
        updated_at=now - timedelta(days=40),
    )
    local_today = now.astimezone()
    assert format_ticket(today, now)[3] == short_time(local_today)
    assert format_ticket(older, now)[3] == short_date((now - timedelta(days=40)).astimezone())
    assert format_ticket(today, now)[:3] == ["#31001", "Printer on fire", "open"]


def test_a_repeat_callers_card_opens_with_the_customer_already_in_it(
    stack: PopupStack, tracker: CallTracker, lookup: FakeLookup, run: Any
) -> None:
    lookup.release.set()
    first = ring(tracker, "+49 30 1234567")
    run(wait_until(lambda: "Erika" in stack.card_for(first.id).customer_label.text()))
    phone_reports(tracker, first, EventKind.ENDED)
    run(wait_until(lambda: stack.card_for(first.id) is None))
    assert lookup.looked_up == [first.remote.key]

    again = tracker.handle(
        CallEvent(
            source=EventSource.PHONE,
            kind=EventKind.RINGING,
            remote=first.remote,
            direction=Direction.INBOUND,
            at=datetime.now(UTC) + timedelta(seconds=5),
        )
    )
    assert again.id != first.id, "a new call, not a late report of the first"
    run(wait_until(lambda: stack.card_for(again.id) is not None))
    card = stack.card_for(again.id)
    assert card is not None
    assert "Erika Mustermann, Muster GmbH" in card.customer_label.text(), "built with it"
    assert card.tickets.topLevelItemCount() == 2
    assert lookup.looked_up == [first.remote.key], "answered from the cache, not asked again"


def test_only_the_recent_callers_zammad_answers_are_kept(
    bridge: DesktopBridge,
    tracker: CallTracker,
    lookup: FakeLookup,
    run: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ctidesk.gui.bridge as bridge_module

    monkeypatch.setattr(bridge_module, "CALLER_INFOS_KEPT", 3)
    lookup.release.set()
    calls = []
    for index in range(5):
        call = ring(tracker, f"+49 30 555000{index}")
        run(wait_until(lambda call=call: bridge.caller_info(call.id) is not None))
        phone_reports(tracker, call, EventKind.ENDED)
        calls.append(call)
    assert [bridge.caller_info(c.id) is not None for c in calls] == [False, False, True, True, True]


def test_a_storm_of_calls_gets_one_card_per_frame_for_the_calls_still_ringing(
    stack: PopupStack, tracker: CallTracker, run: Any
) -> None:
    import time
    from itertools import pairwise

    from ctidesk.gui.popup import CARD_BUILD_INTERVAL_MS

    built_at: list[float] = []
    show_call = stack.show_call

    def timed_show_call(call: Any) -> Any:
        built_at.append(time.monotonic())
        return show_call(call)

    stack.show_call = timed_show_call  # type: ignore[method-assign]
    announced: list[str] = []
    stack.card_shown.connect(announced.append)
    first = ring(tracker, "+49 30 1000000")
    assert stack.card_for(first.id) is not None, "a lone ring gets its card at once"
    storm = [ring(tracker, f"+49 30 20000{index:02d}") for index in range(6)]
    assert all(stack.card_for(call.id) is None for call in storm), "not all in one go"
    for gone in storm[::2]:
        phone_reports(tracker, gone, EventKind.ENDED)
    ringing = storm[1::2]
    run(wait_until(lambda: all(stack.card_for(call.id) for call in ringing)))
    built = [card.call_id for card in stack.cards()]
    assert built == [first.id, *(call.id for call in ringing)], "in ring order, no ended ones"
    assert announced == built
    assert all(stack.card_for(call.id) is None for call in storm[::2])
    gaps = [(later - earlier) * 1000 for earlier, later in pairwise(built_at)]
    assert len(gaps) == 3 and min(gaps) >= CARD_BUILD_INTERVAL_MS * 0.8


def test_cards_stay_on_the_screen_and_a_ringing_call_is_never_kept_waiting(
    stack: PopupStack, bridge: DesktopBridge, tracker: CallTracker, run: Any
) -> None:
    """Journey finding: after-call, missed and ringing cards piled up below the screen's
    bottom edge (y=1010..1663 on an 800 px screen), out of the agent's reach."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    area = screen.availableGeometry()

    def shown() -> list[Any]:
        cards: list[Any] = [*stack.cards(), *stack.missed_cards()]
        return [card for card in cards if card.isVisible()]

    def all_on_screen() -> bool:
        boxes = [card.frameGeometry() for card in shown()]
        apart = all(not a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
        return apart and all(area.contains(box) for box in boxes)

    bridge.settings.popup.after_call_seconds = 0
    for index in range(4):  # answered and ended: after-call cards, which grow
        done = ring(tracker, f"+49 30 30000{index:02d}")
        run(wait_until(lambda done=done: stack.card_for(done.id) is not None))
        phone_reports(tracker, done, EventKind.ANSWERED)
        phone_reports(tracker, done, EventKind.ENDED)
        card = stack.card_for(done.id)
        assert card is not None and card.after_call
    for index in range(3):  # missed: notification cards
        missed = ring(tracker, f"+49 40 40000{index:02d}")
        run(wait_until(lambda missed=missed: stack.card_for(missed.id) is not None))
        stack.show_missed(phone_reports(tracker, missed, EventKind.ENDED))
    ringing = []
    for index in range(8):
        call = ring(tracker, f"+49 89 50000{index:02d}")
        ringing.append(call)
        run(wait_until(lambda call=call: stack.card_for(call.id) is not None))
        newest = stack.card_for(call.id)
        assert newest is not None and newest.isVisible(), "a ringing call is always visible"
        assert all_on_screen(), [card.frameGeometry() for card in shown()]
    assert all_on_screen()
    hidden = [card for card in stack.cards() if not card.isVisible()]
    assert hidden, "more cards than fit: some wait"
    assert len({card.x() for card in shown()}) >= 2, "a second column before waiting"

    for call in ringing:
        card = stack.card_for(call.id)
        if card is not None:
            card.close_button.click()
    run(wait_until(lambda: all(card.isVisible() for card in stack.cards())))
    assert all_on_screen()
    assert all(card.after_call for card in stack.cards()) and len(stack.cards()) == 4
