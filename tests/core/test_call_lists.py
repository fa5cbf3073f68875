"""Call lists: import (CSV or paste), work through one by one, progress survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctidesk.core.call_lists import (
    CallListError,
    CallListStore,
    EntryStatus,
    Outcome,
    parse_import,
)

CSV_TEXT = """Name;Telefon;Ort
Muster GmbH;030 1234567;Berlin
Erika Mustermann;+49 89 7654321;München
Doppelt;0049 30 1234567;Berlin
Kaputt;abc;Nirgendwo
"""


def test_csv_with_header_picks_number_and_name_columns() -> None:
    parsed = parse_import(CSV_TEXT, "DE")
    assert [(n.number.e164, n.name) for n in parsed.numbers] == [
        ("+49301234567", "Muster GmbH"),
        ("+49897654321", "Erika Mustermann"),
    ]
    assert parsed.duplicates == 1
    assert [(p.line, p.reason) for p in parsed.problems] == [(5, "not a valid phone number")]


def test_pasted_lines_without_header_find_the_number_in_each_line() -> None:
    pasted = "\n# leads from the fair\n+43 1 5350000\n0171 2345678, Max Muster\n12\nanonymous\n"
    parsed = parse_import(pasted, "DE")
    assert [(n.number.e164, n.name) for n in parsed.numbers] == [
        ("+4315350000", ""),
        ("+491712345678", "Max Muster"),
    ]
    assert [p.reason for p in parsed.problems] == ["no phone number found"] * 2


@given(st.text(max_size=300))
def test_parse_import_never_raises(text: str) -> None:
    parsed = parse_import(text)
    assert all(n.number.kind.value in {"e164", "extension", "service"} for n in parsed.numbers)


def test_a_list_survives_a_restart_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "lists.sqlite3"
    store = CallListStore(path)
    result = store.create_list("Fair leads", "0301111111\n0302222222\n0303333333\n0304444444")
    assert (result.imported, result.duplicates, result.problems) == (4, 0, [])
    first = store.current(result.list_id)
    assert first is not None and first.number.e164 == "+49301111111"
    store.mark_dialled(first.id)
    second = store.finish(first.id, Outcome.REACHED, "wants an offer")
    assert second is not None and second.number.e164 == "+49302222222"
    third = store.skip(second.id)
    assert third is not None
    store.mark_dialled(third.id)
    store.set_notes(third.id, "asked for Mr. Huber")
    store.set_paused(result.list_id, True)
    store.close()

    reopened = CallListStore(path)
    current = reopened.current(result.list_id)
    assert current is not None and current.id == third.id
    assert (current.status, current.notes, current.attempts) == (
        EntryStatus.DIALLED,
        "asked for Mr. Huber",
        1,
    )
    summary = reopened.get_list(result.list_id)
    assert (summary.total, summary.finished, summary.skipped, summary.paused) == (4, 1, 1, True)
    assert summary.remaining == 2
    entries = reopened.entries(result.list_id)
    assert (entries[0].outcome, entries[0].notes) == (Outcome.REACHED, "wants an offer")
    assert entries[1].status is EntryStatus.SKIPPED

    after_third = reopened.finish(current.id, Outcome.NO_ANSWER)
    assert after_third is not None and after_third.number.e164 == "+49304444444"
    assert reopened.finish(after_third.id, Outcome.BUSY) is None
    assert reopened.requeue_skipped(result.list_id) == 1
    again = reopened.current(result.list_id)
    assert again is not None and again.id == second.id
    assert again.position > max(e.position for e in entries if e.id != second.id)
    reopened.close()


def test_import_without_numbers_is_refused_with_a_sentence(tmp_path: Path) -> None:
    store = CallListStore(tmp_path / "lists.sqlite3")
    with pytest.raises(CallListError, match="no phone numbers found"):
        store.create_list("empty", "just words\n")
    assert store.lists() == []
    with pytest.raises(CallListError, match="no longer"):
        store.skip(12345)
    store.close()


def test_lists_are_listed_newest_first_and_can_be_deleted(tmp_path: Path) -> None:
    store = CallListStore(tmp_path / "lists.sqlite3")
    older = store.create_list("A", "0301111111").list_id
    newer = store.create_list("B", "0302222222").list_id
    assert [c.id for c in store.lists()] == [newer, older]
    store.rename(newer, "B2")
    store.delete_list(older)
    assert [(c.id, c.name) for c in store.lists()] == [(newer, "B2")]
    assert store.entries(older) == []
    store.close()
