"""Read side of the journal for the journal window: filtered pages, keyset-paged, own connection.

The window scrolls through 100,000+ rows, so pages continue from the last row shown
(``started_at``, ``rowid``) instead of ``OFFSET`` (which gets slower the deeper one scrolls).
Its own SQLite connections (WAL mode) read while the `Journal` writes; statistics have a
connection of their own so a worker thread computes them while the window keeps paging.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ctidesk.core.journal import _COLUMNS, JournalEntry, JournalFilter, _entry, filter_clause
from ctidesk.core.statistics import CallStatistics, Period, compute_statistics

PAGE_SIZE = 200


@dataclass(frozen=True)
class PageCursor:
    """Where the next page continues: strictly older than this row."""

    started_at: float
    rowid: int


@dataclass(frozen=True)
class Page:
    entries: list[JournalEntry]
    next_cursor: PageCursor | None

    @property
    def is_last(self) -> bool:
        return self.next_cursor is None


class JournalReader:
    """Opened by the composition root on the journal's file; closed at quit."""

    def __init__(self, path: Path | str) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA query_only=ON")
        self._lock = threading.Lock()
        self._stats_db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._stats_db.execute("PRAGMA query_only=ON")
        self._stats_lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()
        with self._stats_lock:
            self._stats_db.close()

    def statistics(self, period: Period) -> CallStatistics:
        """On its own connection, so a worker thread can compute while the window pages."""
        with self._stats_lock:
            return compute_statistics(self._stats_db, period)

    def page(
        self, flt: JournalFilter, after: PageCursor | None = None, limit: int = PAGE_SIZE
    ) -> Page:
        """Up to ``limit`` rows, newest first, older than ``after``."""
        where, params = filter_clause(flt)
        if after is not None:
            where += " AND (started_at < ? OR (started_at = ? AND rowid < ?))"
            params = (*params, after.started_at, after.started_at, after.rowid)
        sql = (
            f"SELECT rowid, started_at, {_COLUMNS} FROM calls WHERE {where} "
            "ORDER BY started_at DESC, rowid DESC LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(sql, (*params, limit + 1)).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        entries = [_entry(tuple(row[2:])) for row in rows]
        cursor = PageCursor(float(rows[-1][1]), int(rows[-1][0])) if more and rows else None
        return Page(entries, cursor)

    def entry(self, call_id: str) -> JournalEntry | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM calls WHERE id=?", (call_id,)
            ).fetchone()
        return _entry(tuple(row)) if row else None

    def count(self, flt: JournalFilter) -> int:
        where, params = filter_clause(flt)
        with self._lock:
            return int(
                self._db.execute(f"SELECT count(*) FROM calls WHERE {where}", params).fetchone()[0]
            )

    def iter_all(self, flt: JournalFilter, batch: int = 2000) -> Iterator[JournalEntry]:
        """Every matching row, newest first, in pages (CSV export of a million rows)."""
        cursor: PageCursor | None = None
        while True:
            page = self.page(flt, cursor, batch)
            yield from page.entries
            if page.next_cursor is None:
                return
            cursor = page.next_cursor
