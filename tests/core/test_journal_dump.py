"""Issue 20, finding 9: the journal can be dumped and restored, a user's first backup.

The search index used to name a column ("remote") that the calls table lacks, so reading the index
through its content table failed: `iterdump` stopped with "no such column: T.remote" and a restored
copy failed FTS5's integrity check. Migration 3 fixes the schema; an old journal upgrades on open.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.journal import _MIGRATIONS, Journal, _split_sql
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
CALLERS = [
    ("+49 30 1234567", "Jane Doe"),
    ("+43 1 5551234", "Max Muster"),
    ("030 9876543", None),
]


def filled_journal(path: Path) -> Journal:
    journal = Journal(path)
    tracker = CallTracker(clock=lambda: T0 + timedelta(hours=1))
    tracker.subscribe(journal.on_call_changed)
    for index, (number, name) in enumerate(CALLERS):
        for step, kind in enumerate((EventKind.RINGING, EventKind.ENDED)):
            tracker.handle(
                CallEvent(
                    source=EventSource.PHONE,
                    kind=kind,
                    remote=parse_number(number),
                    direction=Direction.INBOUND,
                    remote_name=name,
                    at=T0 + timedelta(minutes=index * 10, seconds=step * 5),
                )
            )
    journal.flush()
    first = journal.recent()[-1]
    journal.set_customer(first.id, "Doe Ltd", 7)
    return journal


def index_is_sound(path: Path) -> None:
    """FTS5's own check: the index matches the calls table it is built from."""
    db = sqlite3.connect(path)
    try:
        db.execute("INSERT INTO calls_fts(calls_fts) VALUES ('integrity-check')")
    finally:
        db.close()


def assert_searchable(path: Path) -> None:
    journal = Journal(path)
    try:
        assert journal.schema_version == len(_MIGRATIONS)
        assert journal.count() == len(CALLERS)
        assert [e.remote_name for e in journal.search("Jane")] == ["Jane Doe"]
        assert [e.remote_name for e in journal.search("5551234")] == ["Max Muster"]
        assert [e.remote_raw for e in journal.search("030 987")] == ["030 9876543"]
        assert [e.customer_name for e in journal.search("Doe Ltd")] == ["Doe Ltd"]
    finally:
        journal.close()
    index_is_sound(path)


def restore_iterdump(source: Path, target: Path) -> None:
    """Python's dump, restored the way the sqlite3 shell's own dump is: without INSERTs into a
    virtual table (their rows live in the shadow tables, which are dumped too; CPython
    gh-153729 makes `iterdump` itself skip them)."""
    db = sqlite3.connect(source)
    virtual = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
        )
    ]
    statements = list(db.iterdump())
    db.close()
    skip = tuple(f'INSERT INTO "{name}" VALUES(' for name in virtual)
    restored = sqlite3.connect(target)
    restored.executescript("\n".join(s for s in statements if not s.startswith(skip)))
    restored.close()


def test_journal_dumps_with_iterdump_and_the_copy_opens_and_searches(tmp_path: Path) -> None:
    source = tmp_path / "journal.sqlite3"
    filled_journal(source).close()
    copy = tmp_path / "restored.sqlite3"
    restore_iterdump(source, copy)
    assert_searchable(copy)


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
def test_journal_dumps_with_the_sqlite3_shell_and_the_copy_opens_and_searches(
    tmp_path: Path,
) -> None:
    source = tmp_path / "journal.sqlite3"
    filled_journal(source).close()
    dump = subprocess.run(
        ["sqlite3", str(source), ".dump"], capture_output=True, text=True, timeout=60, check=True
    )
    assert "ERROR" not in dump.stdout and dump.stderr == ""
    copy = tmp_path / "restored.sqlite3"
    restore = subprocess.run(
        ["sqlite3", "-bail", str(copy)],
        input=dump.stdout,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert restore.returncode == 0, restore.stderr
    assert_searchable(copy)


def test_a_journal_of_the_old_schema_upgrades_on_open_and_keeps_every_call(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.sqlite3"
    filled_journal(path).close()
    old = tmp_path / "old.sqlite3"
    db = sqlite3.connect(old, isolation_level=None)
    for number, script in enumerate(_MIGRATIONS[:2], start=1):
        for statement in _split_sql(script):
            db.execute(statement)
        db.execute(f"PRAGMA user_version={number}")
    db.execute("ATTACH ? AS filled", (str(path),))
    db.execute("INSERT INTO calls SELECT * FROM filled.calls")  # the old triggers index them
    db.execute("DETACH filled")
    db.close()

    assert_searchable(old)
    assert len(list(sqlite3.connect(old).iterdump())) > len(CALLERS)
