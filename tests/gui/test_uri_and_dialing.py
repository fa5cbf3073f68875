"""tel:/callto: parsing (fuzzed) and the dial plan: normalised, odd numbers flagged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctidesk.gui.dialing import NothingToDial, plan_dial
from ctidesk.gui.uri import DialUriError, is_dial_uri, parse_dial_uri

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    ("uri", "number", "extension"),
    [
        ("tel:+49-30-1234567", "+49301234567", ""),
        ("tel:+49%2030%201234567", "+49301234567", ""),
        ("TEL:+1.415.555.0100;ext=42", "+14155550100", "42"),
        ("tel:030 1234567;phone-context=+49", "0301234567", ""),
        ("callto://+4930123456", "+4930123456", ""),
        ("callto:+49(0)30/123456", "+49030123456", ""),
        ("sip:200@pbx.example", "200", ""),
        ("+49 30 1234567", "+49301234567", ""),
        ("tel:*21#", "*21#", ""),
    ],
)
def test_dial_links(uri: str, number: str, extension: str) -> None:
    target = parse_dial_uri(uri)
    assert (target.number, target.extension) == (number, extension)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("tel:", "holds no number"),
        ("mailto:a@b.example", "mailto: links cannot be dialled"),
        ("tel:+49;ext=abc", "not a phone number"),
        ("tel:%ff%fe", "not valid text"),
        ("tel:" + "1" * 40, "longer than"),
        ("tel:+49<script>", "not a phone number"),
    ],
)
def test_bad_links_say_why(uri: str, message: str) -> None:
    with pytest.raises(DialUriError, match=message):
        parse_dial_uri(uri)


def test_is_dial_uri() -> None:
    assert is_dial_uri("tel:+4930") and is_dial_uri(" CallTo:123")
    assert not is_dial_uri("+4930123") and not is_dial_uri("https://x.example")


@given(st.text(max_size=80))
def test_parser_never_fails_unexpectedly(text: str) -> None:
    try:
        target = parse_dial_uri(text)
    except DialUriError as exc:
        assert str(exc)
        return
    assert target.number
    assert len(target.number) <= 32
    assert all(ch.isascii() and (ch.isalnum() or ch in "+*#") for ch in target.number)


@given(st.from_regex(r"\+?[0-9][0-9 ()./-]{5,20}[0-9]", fullmatch=True))
def test_tel_links_of_numbers_keep_the_digits(number: str) -> None:
    target = parse_dial_uri("tel:" + number)
    assert [c for c in target.number if c.isdigit()] == [c for c in number if c.isdigit()]


@given(st.text(max_size=60))
def test_plan_dial_never_fails_unexpectedly(text: str) -> None:
    try:
        plan = plan_dial(text)
    except NothingToDial as exc:
        assert str(exc)
        return
    assert plan.number.raw or plan.doubts


@pytest.mark.parametrize(
    ("text", "e164", "doubts"),
    [
        ("+49 30 1234567", "+49301234567", ()),
        ("Tel.: 030 1234567", "+49301234567", ()),
        ("tel:+43-1-5123456", "+4315123456", ()),
        ("12", None, ("it is too short",)),
        ("112", None, ("it is an emergency number",)),
        ("1-800-FLOWERS", "+4918003569377", ("it contains letters, dialled as keypad digits",)),
        (
            "030 1234567 or 030 7654321",
            "+49301234567",
            ("the text holds 2 numbers; this is the first",),
        ),
    ],
)
def test_plans(text: str, e164: str | None, doubts: tuple[str, ...]) -> None:
    plan = plan_dial(text)
    assert plan.number.e164 == e164
    assert plan.doubts == doubts


@pytest.mark.parametrize("text", ["", "   ", "hello world", "mailto:x@y.example"])
def test_nothing_to_dial(text: str) -> None:
    with pytest.raises(NothingToDial):
        plan_dial(text)
