"""Event actions: validated URL templates, URL-encoded values, opened through a fake opener."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.event_actions import (
    CallEventName,
    EventActionConfig,
    EventActions,
    OpenCustomerOn,
    TemplateError,
    UrlTemplate,
)
from ctidesk.core.numbers import parse_number
from ctidesk.core.ports import CallerInfo, CustomerMatch
from ctidesk.core.tracker import CallTracker


def phone_event(
    kind: EventKind, number: str = "+49 30 1234567", name: str | None = None
) -> CallEvent:
    return CallEvent(
        source=EventSource.PHONE,
        kind=kind,
        remote=parse_number(number),
        direction=Direction.INBOUND,
        remote_name=name,
    )


def customer_info(number: str = "+49 30 1234567") -> CallerInfo:
    return CallerInfo(
        number=parse_number(number),
        customers=[
            CustomerMatch(
                user_id=42,
                name="Erika Müller & Söhne",
                url="https://zammad.example/#user/profile/42",
            )
        ],
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("", "empty"),
        ("javascript:alert({number})", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("https://crm.example/?q={phone}", "does not know"),
        ("https://crm.example/?q={number!r}", "without a format"),
        ("https://crm.example/?q={number:>10}", "without a format"),
        ("https://crm.example/?q={number", "unmatched brace"),
        ("https://{name}.example/", "part of the host"),
        ("https://crm.example@{number}/", "part of the host"),
        ("https:///path?q={number}", "host name"),
        ("https://[::1/?q={number}", "not a valid URL"),
    ],
)
def test_bad_templates_are_refused_with_a_sentence(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        UrlTemplate.parse(template)


def test_values_are_url_encoded_and_cannot_escape_the_query() -> None:
    template = UrlTemplate.parse("https://crm.example/search?q={name}&tel={e164}")
    url = template.render({"name": "A&B /x?y=#1", "e164": "+4930123"})
    assert url == "https://crm.example/search?q=A%26B%20%2Fx%3Fy%3D%231&tel=%2B4930123"
    assert template.render({"name": "", "e164": "+4930123"}) is None


@given(st.text(max_size=50))
def test_any_value_stays_inside_its_parameter(value: str) -> None:
    url = UrlTemplate.parse("https://crm.example/s?q={name}").render({"name": value})
    if value:
        assert url is not None
        assert url.startswith("https://crm.example/s?q=")
        assert not set(url[len("https://crm.example/s?q=") :]) & set("&?#/ {}")


def test_config_names_the_event_of_a_bad_template() -> None:
    with pytest.raises(TemplateError, match=r"answered: .*http"):
        EventActionConfig.parse({"answered": ["ftp://x.example/{number}"]})
    with pytest.raises(TemplateError, match="not a call event"):
        EventActionConfig.parse({"hungup": ["https://x.example/"]})
    with pytest.raises(TemplateError, match="never, ringing or answered"):
        EventActionConfig.parse({}, "always")


def test_ringing_opens_crm_search_after_the_customer_lookup() -> None:
    opened: list[str] = []
    config = EventActionConfig.parse(
        {
            "ringing": [
                "https://crm.example/search?tel={e164}",
                "https://crm.example/customer/{zammad_user_id}?n={name}",
            ],
        },
        "ringing",
    )
    actions = EventActions(config, opened.append)
    tracker = CallTracker()
    tracker.subscribe(actions.on_call_changed)
    call = tracker.handle(phone_event(EventKind.RINGING))
    assert opened == []
    actions.on_caller_info(call.id, customer_info())
    assert opened == [
        "https://crm.example/search?tel=%2B49301234567",
        "https://crm.example/customer/42?n=Erika%20M%C3%BCller%20%26%20S%C3%B6hne",
        "https://zammad.example/#user/profile/42",
    ]


def test_templates_without_customer_values_do_not_wait() -> None:
    opened: list[str] = []
    config = EventActionConfig.parse({"answered": ["https://crm.example/log?n={number}"]})
    actions = EventActions(config, opened.append)
    tracker = CallTracker()
    tracker.subscribe(actions.on_call_changed)
    tracker.handle(phone_event(EventKind.RINGING))
    assert opened == []
    tracker.handle(phone_event(EventKind.ANSWERED))
    assert opened == ["https://crm.example/log?n=%2B49%2030%201234567"]


def test_missed_and_ended_run_and_unknown_customer_skips_its_templates() -> None:
    opened: list[str] = []
    config = EventActionConfig.parse(
        {
            "missed": ["https://crm.example/missed?tel={e164}&who={zammad_user_id}"],
            "ended": ["https://crm.example/ended?tel={e164}"],
        },
        OpenCustomerOn.ANSWERED.value,
    )
    actions = EventActions(config, opened.append)
    tracker = CallTracker()
    tracker.subscribe(actions.on_call_changed)
    tracker.handle(phone_event(EventKind.RINGING))
    tracker.handle(phone_event(EventKind.ENDED))
    assert opened == ["https://crm.example/ended?tel=%2B49301234567"]
    assert actions.opened == opened


def test_lookup_that_never_comes_releases_waiting_events_when_the_call_ends() -> None:
    opened: list[str] = []
    config = EventActionConfig.parse({"ringing": ["https://crm.example/s?tel={e164}&n={name}"]})
    actions = EventActions(config, opened.append)
    tracker = CallTracker()
    tracker.subscribe(actions.on_call_changed)
    tracker.handle(phone_event(EventKind.RINGING, name="Phonebook Name"))
    assert opened == []
    tracker.handle(phone_event(EventKind.ENDED, name="Phonebook Name"))
    assert opened == ["https://crm.example/s?tel=%2B49301234567&n=Phonebook%20Name"]


def test_a_failing_opener_is_logged_not_raised() -> None:
    def broken(url: str) -> None:
        raise OSError("no browser")

    config = EventActionConfig.parse({"ringing": ["https://crm.example/s?tel={e164}"]})
    actions = EventActions(config, broken)
    tracker = CallTracker()
    tracker.subscribe(actions.on_call_changed)
    tracker.handle(phone_event(EventKind.RINGING))
    assert actions.opened == []
    assert config.needs_customer(CallEventName.RINGING) is False
    assert EventActionConfig().is_empty
