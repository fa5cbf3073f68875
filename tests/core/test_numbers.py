from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctidesk.core.numbers import NumberKind, dial_string, parse_global_number, parse_number


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+49 30 1234567", "+49301234567"),
        ("030 1234567", "+49301234567"),
        ("0049 (0)30 1234567", "+49301234567"),
        ("+4930-123 45 67", "+49301234567"),
        ("0043 1 5551234", "+4315551234"),
    ],
)
def test_international_and_national_numbers_become_e164(raw: str, e164: str) -> None:
    number = parse_number(raw, "DE")
    assert number.kind is NumberKind.E164
    assert number.e164 == e164
    assert number.raw == raw
    assert number.digits == e164[1:]


@pytest.mark.parametrize("raw", ["", "anonymous", "Anonymous", "$remote", "private", None, "  "])
def test_hidden_callers_are_anonymous(raw: str | None) -> None:
    number = parse_number(raw)
    assert number.is_anonymous
    assert number.digits == "anonymous"
    assert number.display() == "Anonymous"


@pytest.mark.parametrize("raw", ["1", "22", "101", "4711", "12345"])
def test_short_internal_extensions_stay_as_they_are(raw: str) -> None:
    number = parse_number(raw)
    assert number.kind is NumberKind.EXTENSION
    assert number.e164 is None
    assert number.key == raw


def test_default_region_decides_national_numbers() -> None:
    assert parse_number("01 5551234", "AT").e164 == "+4315551234"


def test_nfon_global_digits_without_plus() -> None:
    assert parse_global_number("4989123456789").e164 == "+4989123456789"
    assert parse_global_number("0891234567").e164 == "+49891234567"
    assert parse_global_number("102").kind is NumberKind.EXTENSION


def test_display_and_country() -> None:
    number = parse_number("+43 1 5551234")
    assert number.display() == "+43 1 5551234"
    assert number.country() == "AT"


def test_dial_string_uses_national_format_and_the_outside_line_prefix() -> None:
    assert dial_string(parse_number("+49 30 1234567"), "0") == "00301234567"
    assert dial_string(parse_number("+43 1 5551234"), "") == "004315551234"
    assert dial_string(parse_number("101"), "0") == "101"


@given(st.text(max_size=40), st.sampled_from(["DE", "AT", "CH", "US", "xx"]))
def test_any_text_parses_without_raising(text: str, region: str) -> None:
    number = parse_number(text, region)
    assert number.raw == text.strip()
    assert isinstance(number.key, str)
    assert isinstance(number.display(), str)
