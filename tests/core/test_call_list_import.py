"""Call-list import keeps a line's name out of its number (issue 14, finding 6).

"0301234567 Test" became +493012345678378 (the name's letters read as keypad digits) and
"+49 89 99998123 Maria Huber" was rejected. A number and a name, in either order, separated by a
space, comma, semicolon or tab (quoted CSV, a BOM), give exactly the number's digits; letters
are keypad digits only in a vanity number, which needs the user's confirmation.
"""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from ctidesk.core.call_lists import CallListStore, ProblemReason, parse_import
from ctidesk.core.numbers import parse_number

NUMBERS = st.sampled_from(
    [
        "0301234567",
        "030 1234567",
        "(030) 123-4567",
        "030/1234567",
        "+49 89 99998123",
        "+4989 99998123",
        "0049 89 99998123",
        "+43 1 5350000",
        "0171 2345678",
        "+44 20 7946 0958",
        "08003569377",
    ]
)
SEPARATORS = st.sampled_from([" ", "  ", ", ", ",", ";", "; ", "\t"])
# Whatever a person's or company's name holds, without line breaks or control characters.
NAME_CHARACTERS = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))


def _starts_like_a_number(word: str) -> bool:
    return word[:1] in set("0123456789+(")


@st.composite
def names(draw: st.DrawFn, *, space_separated: bool, before_number: bool) -> str:
    """Any name a person could type on one line. Next to the number with only a space between,
    a word of digits is part of the number ("030 1234567"): such names ("12 Monkeys" after, or
    "Room 12" before the number) are ambiguous and left out of the space-separated case."""
    name = draw(st.text(NAME_CHARACTERS, min_size=1, max_size=30)).strip()
    words = name.split()
    if not words or name.startswith("#"):
        return "Maria Huber"
    touching = words[-1] if before_number else words[0]
    if space_separated and _starts_like_a_number(touching):
        return "Maria Huber"
    return name


def _digits_of(number: str) -> str:
    parsed = parse_number(number, "DE")
    assert parsed.e164 is not None
    return parsed.e164


@given(NUMBERS, SEPARATORS, st.data())
def test_a_number_followed_by_any_name_keeps_exactly_the_numbers_digits(
    number: str, separator: str, data: st.DataObject
) -> None:
    name = data.draw(names(space_separated=separator.strip() == "", before_number=False))
    parsed = parse_import(f"{number}{separator}{name}\n", "DE")
    assert [n.number.e164 for n in parsed.numbers] == [_digits_of(number)], parsed
    assert not parsed.numbers[0].vanity


@given(NUMBERS, SEPARATORS, st.data())
def test_a_name_followed_by_a_number_keeps_exactly_the_numbers_digits(
    number: str, separator: str, data: st.DataObject
) -> None:
    name = data.draw(names(space_separated=separator.strip() == "", before_number=True))
    parsed = parse_import(f"{name}{separator}{number}\n", "DE")
    assert [n.number.e164 for n in parsed.numbers] == [_digits_of(number)], parsed


@given(NUMBERS, st.text(NAME_CHARACTERS, max_size=30), st.sampled_from([",", ";", "\t"]))
def test_quoted_csv_cells_keep_the_name_whole(number: str, name: str, delimiter: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL).writerow([number, name])
    parsed = parse_import("\ufeff" + buffer.getvalue(), "DE")
    assert [(n.number.e164, n.name) for n in parsed.numbers] == [(_digits_of(number), name.strip())]


def test_the_two_lines_of_the_issue() -> None:
    parsed = parse_import("+49 89 99998123 Maria Huber\n0301234567 Test\n", "DE")
    assert [(n.number.e164, n.name) for n in parsed.numbers] == [
        ("+498999998123", "Maria Huber"),
        ("+49301234567", "Test"),
    ]
    assert parsed.problems == []


def test_bom_tabs_and_name_first_order() -> None:
    text = "\ufeffErika Mustermann\t+49 89 7654321\nMuster GmbH\t030 1234567\n"
    parsed = parse_import(text, "DE")
    assert [(n.line, n.number.e164, n.name) for n in parsed.numbers] == [
        (1, "+49897654321", "Erika Mustermann"),
        (2, "+49301234567", "Muster GmbH"),
    ]


def test_a_vanity_number_is_read_only_when_the_user_accepts_it() -> None:
    text = "0800 FLOWERS\n0301234567 TEST\n"
    offered = parse_import(text, "DE")
    assert [(n.number.e164, n.vanity) for n in offered.numbers] == [
        ("+498003569377", True),
        ("+49301234567", False),
    ]
    declined = parse_import(text, "DE", accept_vanity=False)
    assert [n.number.e164 for n in declined.numbers] == ["+49301234567"]
    assert [(p.line, p.reason) for p in declined.problems] == [(1, ProblemReason.VANITY_DECLINED)]
    store = CallListStore(":memory:")
    assert store.create_list("x", text).imported == 1
    assert store.create_list("y", text, accept_vanity=True).imported == 2
    store.close()


def test_every_unreadable_line_is_reported_with_its_line_number() -> None:
    text = "0301234567 Anna\nno number here\n\n12345678901234567890123\nanonymous\n0301234568\n"
    parsed = parse_import(text, "DE")
    assert [n.line for n in parsed.numbers] == [1, 6]
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (2, ProblemReason.NO_NUMBER),
        (4, ProblemReason.NOT_VALID),
        (5, ProblemReason.NO_NUMBER),
    ]
