"""The Action URL request parser: what phones really send, and garbage that must not crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ctidesk.clients.grandstream.action_url import (
    ActionUrlListener,
    action_urls_for,
    hit_to_dnd,
    hit_to_event,
    match_action,
    parse_params,
    parse_request,
    split_target,
)
from ctidesk.core.calls import Direction, EndCause, EventKind, EventSource
from ctidesk.core.numbers import NumberKind

TOKEN = "tok3nTOKEN_abc-1"


def test_raw_spaces_in_the_request_line_are_part_of_the_target() -> None:
    request = parse_request(
        f"GET /gs/{TOKEN}/in?m=000b82a1b2c3&r=+4930123456&n=Jane Doe HTTP/1.1\r\n"
        "Host: x\r\n\r\n".encode()
    )
    assert request is not None
    assert request.method == "GET" and request.version == "HTTP/1.1"
    assert request.params == {"m": "000b82a1b2c3", "r": "+4930123456", "n": "Jane Doe"}


def test_plus_stays_plus_and_percent_escapes_decode() -> None:
    assert parse_params("r=+49%2030&n=M%C3%BCller+GmbH") == {"r": "+49 30", "n": "Müller+GmbH"}


def test_unfilled_variables_mean_empty() -> None:
    assert parse_params("r=$remote&c=$call-id&n=Bob") == {"r": "", "c": "", "n": "Bob"}


def test_raw_ampersand_in_a_name_stays_in_the_name() -> None:
    assert parse_params("r=1&n=Smith & Sons") == {"r": "1", "n": "Smith & Sons"}


def test_grandstream_slash_form_and_absolute_form() -> None:
    assert split_target("/gs/t/in/mac=00&remote=+491") == (
        "/gs/t/in",
        {"mac": "00", "remote": "+491"},
    )
    assert split_target("http://pc.example:8765/gs/t/in?r=1") == ("/gs/t/in", {"r": "1"})
    assert split_target("/plain") == ("/plain", {})


def test_not_http_is_none() -> None:
    for data in (
        b"",
        b"\r\n",
        b"GET\r\n",
        b"hello world\r\n",
        b"GET / SPDY\r\n",
        b"\x00 / HTTP/1.1",
    ):
        assert parse_request(data) is None


def test_hits_become_call_events() -> None:
    request = parse_request(
        f"GET /gs/{TOKEN}/in?m=00&r=+4930123456&l=1001&u=1&c=$call-id&n=Jane Doe HTTP/1.1".encode()
    )
    assert request is not None
    hit = match_action(request, TOKEN)
    assert hit is not None
    event = hit_to_event(hit, "DE")
    assert event is not None
    assert event.source is EventSource.PHONE
    assert event.kind is EventKind.RINGING and event.direction is Direction.INBOUND
    assert event.remote.e164 == "+4930123456"
    assert event.remote_name == "Jane Doe"
    assert event.account == "1" and event.source_call_id is None
    assert event.local is not None and event.local.raw == "1001"


def test_missed_and_anonymous() -> None:
    request = parse_request(f"GET /gs/{TOKEN}/miss?r=$remote&n=$display_remote HTTP/1.1".encode())
    assert request is not None
    hit = match_action(request, TOKEN)
    assert hit is not None
    event = hit_to_event(hit)
    assert event is not None
    assert event.kind is EventKind.ENDED and event.cause is EndCause.MISSED
    assert event.remote.kind is NumberKind.ANONYMOUS
    assert event.remote_name is None


def test_dnd_hits_are_not_call_events() -> None:
    request = parse_request(f"GET /gs/{TOKEN}/dndon?m=00 HTTP/1.1".encode())
    assert request is not None
    hit = match_action(request, TOKEN)
    assert hit is not None
    assert hit_to_event(hit) is None
    assert hit_to_dnd(hit) is True


def test_wrong_token_path_or_event_is_no_hit() -> None:
    for target in (
        "/gs/other-token-123/in?r=1",
        f"/gs/{TOKEN}/reboot?r=1",
        f"/xx/{TOKEN}/in?r=1",
        f"/gs/{TOKEN}/in/extra?r=1",
        f"/gs/{TOKEN}",
    ):
        request = parse_request(f"GET {target} HTTP/1.1".encode())
        assert request is not None
        assert match_action(request, TOKEN) is None, target


def test_action_urls_are_short_and_carry_token_and_mac() -> None:
    urls = action_urls_for("pc-of-agent.example", 65535, TOKEN)
    assert set(urls) >= {"incoming_call", "missed_call", "open_dnd", "close_dnd", "hold_call"}
    for url in urls.values():
        assert len(url) <= 256 and TOKEN in url and "$mac" in url
        assert url.startswith("http://pc-of-agent.example:65535/gs/")
    assert action_urls_for("::1", 80, TOKEN)["incoming_call"].startswith("http://[::1]:80/")


def listener() -> ActionUrlListener:
    return ActionUrlListener(
        token=TOKEN, allowed_hosts=["127.0.0.1"], on_event=lambda e: None, mac="00:0B:82:A1:B2:C3"
    )


def test_decide_checks_address_token_and_mac() -> None:
    ok = f"GET /gs/{TOKEN}/in?m=000b82a1b2c3&r=1 HTTP/1.1\r\n\r\n".encode()
    subject = listener()
    subject._allowed = {"127.0.0.1"}
    assert subject.decide("127.0.0.1", ok)[0] == 200
    assert subject.decide("127.0.0.2", ok)[0] == 403
    assert subject.decide("127.0.0.1", ok.replace(TOKEN.encode(), b"x" * len(TOKEN)))[0] == 403
    assert subject.decide("127.0.0.1", ok.replace(b"000b82a1b2c3", b"000b82ffffff"))[0] == 403
    assert subject.decide("127.0.0.1", b"\x16\x03\x01garbage")[0] == 400


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_arbitrary_bytes_never_raise_nor_invent(data: bytes) -> None:
    parse_request(data)
    subject = listener()
    subject._allowed = {"127.0.0.1"}
    status, hit = subject.decide("127.0.0.1", data)
    assert status in (400, 403)
    assert hit is None


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["GET", "POST", "HEAD", "G"]),
    st.text(max_size=200),
    st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/9", ""]),
)
def test_fuzz_request_lines_with_the_right_token(method: str, tail: str, version: str) -> None:
    data = f"{method} /gs/{TOKEN}/{tail} {version}\r\n\r\n".encode("utf-8", "surrogatepass")
    request = parse_request(data)
    if request is None:
        return
    hit = match_action(request, TOKEN)
    if hit is not None:
        assert hit.code in {
            "in",
            "out",
            "up",
            "end",
            "miss",
            "rej",
            "hold",
            "unhold",
            "dndon",
            "dndoff",
        }
        hit_to_event(hit)
