"""The call journal: every call with its timeline, callbacks owed, notes. SQLite in WAL mode.

It listens to the tracker (`record`) and to NFON's call history (`merge_history`), so a call seen
by both is one row. Search uses an FTS5 trigram index, which keeps substring search by number or
name fast at a million rows.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ctidesk.core.callbacks import callable_key, settled_key
from ctidesk.core.calls import Call, CallChanged, ChangeKind, Direction, EndCause

_MIGRATIONS: list[str] = [
    """
    CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        direction TEXT NOT NULL,
        remote_raw TEXT NOT NULL,
        remote_e164 TEXT,
        remote_key TEXT NOT NULL,
        remote_name TEXT,
        local_raw TEXT,
        line INTEGER,
        account TEXT,
        state TEXT NOT NULL,
        ending TEXT,
        started_at REAL NOT NULL,
        answered_at REAL,
        ended_at REAL,
        needs_callback INTEGER NOT NULL DEFAULT 0,
        done INTEGER NOT NULL DEFAULT 0,
        notes TEXT NOT NULL DEFAULT '',
        nfon_uuid TEXT UNIQUE,
        summary TEXT,
        customer_name TEXT,
        zammad_user_id INTEGER,
        timeline TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX calls_started ON calls(started_at DESC);
    CREATE INDEX calls_remote_key ON calls(remote_key, started_at DESC);
    CREATE INDEX calls_callback ON calls(needs_callback, done, started_at DESC);
    CREATE VIRTUAL TABLE calls_fts USING fts5(
        remote, remote_name, customer_name, content='calls', content_rowid='rowid',
        tokenize='trigram'
    );
    CREATE TRIGGER calls_ai AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts(rowid, remote, remote_name, customer_name)
        VALUES (new.rowid, new.remote_raw || ' ' || coalesce(new.remote_e164, ''),
                coalesce(new.remote_name, ''), coalesce(new.customer_name, ''));
    END;
    CREATE TRIGGER calls_ad AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts(calls_fts, rowid, remote, remote_name, customer_name)
        VALUES ('delete', old.rowid, old.remote_raw || ' ' || coalesce(old.remote_e164, ''),
                coalesce(old.remote_name, ''), coalesce(old.customer_name, ''));
    END;
    CREATE TRIGGER calls_au AFTER UPDATE OF remote_raw, remote_e164, remote_name, customer_name
    ON calls BEGIN
        INSERT INTO calls_fts(calls_fts, rowid, remote, remote_name, customer_name)
        VALUES ('delete', old.rowid, old.remote_raw || ' ' || coalesce(old.remote_e164, ''),
                coalesce(old.remote_name, ''), coalesce(old.customer_name, ''));
        INSERT INTO calls_fts(rowid, remote, remote_name, customer_name)
        VALUES (new.rowid, new.remote_raw || ' ' || coalesce(new.remote_e164, ''),
                coalesce(new.remote_name, ''), coalesce(new.customer_name, ''));
    END;
    """,
    # Statistics read only these columns: a covering index keeps a month at 1M calls fast.
    """
    CREATE INDEX calls_stats ON calls(started_at, direction, answered_at, ended_at,
        needs_callback, done);
    """,
    # The search index named a column ("remote") that calls lacks, so reading it (a dump, an
    # FTS 'rebuild') failed (issue 20, finding 9). Its columns are now real columns of calls;
    # the index is rebuilt from the rows, nothing else changes.
    """
    DROP TRIGGER calls_ai;
    DROP TRIGGER calls_ad;
    DROP TRIGGER calls_au;
    DROP TABLE calls_fts;
    CREATE VIRTUAL TABLE calls_fts USING fts5(
        remote_raw, remote_e164, remote_name, customer_name, content='calls',
        content_rowid='rowid', tokenize='trigram'
    );
    CREATE TRIGGER calls_ai AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts(rowid, remote_raw, remote_e164, remote_name, customer_name)
        VALUES (new.rowid, new.remote_raw, new.remote_e164, new.remote_name, new.customer_name);
    END;
    CREATE TRIGGER calls_ad AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts(calls_fts, rowid, remote_raw, remote_e164, remote_name,
            customer_name)
        VALUES ('delete', old.rowid, old.remote_raw, old.remote_e164, old.remote_name,
            old.customer_name);
    END;
    CREATE TRIGGER calls_au AFTER UPDATE OF remote_raw, remote_e164, remote_name, customer_name
    ON calls BEGIN
        INSERT INTO calls_fts(calls_fts, rowid, remote_raw, remote_e164, remote_name,
            customer_name)
        VALUES ('delete', old.rowid, old.remote_raw, old.remote_e164, old.remote_name,
            old.customer_name);
        INSERT INTO calls_fts(rowid, remote_raw, remote_e164, remote_name, customer_name)
        VALUES (new.rowid, new.remote_raw, new.remote_e164, new.remote_name, new.customer_name);
    END;
    INSERT INTO calls_fts(calls_fts) VALUES ('rebuild');
    """,
]

log = logging.getLogger(__name__)

HISTORY_MATCH_WINDOW = timedelta(minutes=2)
MIN_FTS_TERM = 3
"""The trigram index needs three characters; shorter searches fall back to LIKE."""
FLUSH_INTERVAL = 0.2
BATCH_MAX = 500
QUEUE_LIMIT = 2 * BATCH_MAX
"""Beyond this many queued rows ``record`` commits them itself: under a flood that keeps the
calling thread busy the writer thread gets too little of the GIL, and the queue would grow."""


@dataclass(frozen=True)
class JournalEntry:
    """One row as the journal window and the CLI show it."""

    id: str
    direction: str
    remote_raw: str
    remote_e164: str | None
    remote_name: str | None
    state: str
    ending: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    needs_callback: bool
    done: bool
    notes: str
    nfon_uuid: str | None
    summary: str | None
    customer_name: str | None
    timeline: list[dict[str, str]]

    @property
    def number(self) -> str:
        return self.remote_e164 or self.remote_raw


@dataclass(frozen=True)
class HistoryRecord:
    """What the journal needs from an NFON call-history record."""

    uuid: str
    direction: Direction
    remote_raw: str
    remote_e164: str | None
    remote_key: str
    remote_name: str | None
    started_at: datetime
    duration_seconds: int
    status: str
    summary: str | None = None


_COLUMNS = (
    "id, direction, remote_raw, remote_e164, remote_name, state, ending, started_at, answered_at, "
    "ended_at, needs_callback, done, notes, nfon_uuid, summary, customer_name, timeline"
)


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _dt(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


class Journal:
    """The call journal; opened once by the composition root.

    Call rows are written behind: ``record`` only queues the row, and a writer thread commits
    the queue every `FLUSH_INTERVAL` (sooner at `BATCH_MAX` rows). A commit takes 5-10 ms, a
    stall the GUI thread must not see during a burst of calls; only a flood beyond
    `QUEUE_LIMIT` rows makes ``record`` commit itself. Every read and every other
    write commits the queue first, so readers never see stale rows. ``_lock`` guards the
    database, ``_queue_lock`` only the queue, so queueing never waits for a commit.
    """

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._queue_lock = threading.Lock()
        self._pending: dict[str, tuple[object, ...]] = {}
        self._settling: dict[str, tuple[str, float]] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()
        self._writer = threading.Thread(
            target=_write_behind,
            args=(weakref.ref(self), self._wake, self._stop),
            name="ctidesk-journal-writer",
            daemon=True,
        )
        self._writer.start()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._tx():
            version = self.schema_version or _unmarked_version(self._db)
            for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
                for statement in _split_sql(script):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={number}")
            if self.schema_version < version:
                self._db.execute(f"PRAGMA user_version={version}")

    @contextmanager
    def _tx(self, *, flush_first: bool = True) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if flush_first:
                self._flush_locked()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._writer.join()
        with self._lock:
            self._flush_locked()
            self._db.close()

    def on_call_changed(self, change: CallChanged) -> None:
        """Tracker listener: keep the row in step with the call."""
        if change.change in (
            ChangeKind.CREATED,
            ChangeKind.STATE,
            ChangeKind.ENDED,
            ChangeKind.UPDATED,
            ChangeKind.NOTE,
        ):
            self.record(change.call)

    def record(self, call: Call) -> None:
        """Queue the call's row (repeated changes of one call coalesce); the writer thread
        commits it within `FLUSH_INTERVAL`."""
        row = _row(call)  # here, not in the writer: Python work there would hold the GIL
        settles = settled_key(call)
        with self._queue_lock:
            self._pending[call.id] = row
            if settles is not None:
                self._settling[call.id] = (settles, call.started_at.timestamp())
            queued = len(self._pending)
        if queued >= QUEUE_LIMIT:
            self.flush()  # the writer is falling behind (it waits for the GIL): write here
        elif queued >= BATCH_MAX:
            self._wake.set()

    def flush(self) -> None:
        with self._lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        """Commit the queue; the caller holds ``_lock``, so batches land in the order taken."""
        with self._queue_lock:
            rows, self._pending = self._pending, {}
            settling, self._settling = self._settling, {}
        if not rows:
            return
        try:
            with self._tx(flush_first=False) as db:
                db.executemany(_UPSERT, rows.values())
                db.executemany(_SETTLE, settling.values())
        except BaseException:
            with self._queue_lock:
                self._pending = rows | self._pending  # back in the queue; newer changes win
                self._settling = settling | self._settling
            raise

    def merge_history(self, record: HistoryRecord) -> str:
        """Fold an NFON history record into the journal; returns the row id it landed on.

        The same uuid always lands on the same row (re-sent records update). Otherwise a call
        from the tracker with the same number that started within two minutes is the same call.
        """
        missed = record.status == "missed" and record.direction is Direction.INBOUND
        callable_number = callable_key(record.remote_key)
        with self._tx() as db:
            row = db.execute("SELECT id FROM calls WHERE nfon_uuid=?", (record.uuid,)).fetchone()
            if row is None:
                start = record.started_at.timestamp()
                window = HISTORY_MATCH_WINDOW.total_seconds()
                row = db.execute(
                    "SELECT id FROM calls WHERE remote_key=? AND nfon_uuid IS NULL "
                    "AND started_at BETWEEN ? AND ? ORDER BY abs(started_at-?) LIMIT 1",
                    (record.remote_key, start - window, start + window, start),
                ).fetchone()
            if row is None:
                call_id = "nfon-" + record.uuid
                ended = record.started_at + timedelta(seconds=record.duration_seconds)
                ending = {
                    "answered": EndCause.NORMAL,
                    "missed": EndCause.MISSED,
                    "cancelled": EndCause.CANCELLED,
                }.get(record.status, EndCause.UNKNOWN)
                db.execute(
                    """
                    INSERT INTO calls (id, direction, remote_raw, remote_e164, remote_key,
                        remote_name, state, ending, started_at, answered_at, ended_at,
                        needs_callback, nfon_uuid, summary, timeline)
                    VALUES (?,?,?,?,?,?,'ended',?,?,?,?,?,?,?,?)
                    """,
                    (
                        call_id,
                        record.direction.value,
                        record.remote_raw,
                        record.remote_e164,
                        record.remote_key,
                        record.remote_name,
                        ending.value,
                        record.started_at.timestamp(),
                        record.started_at.timestamp() if record.status == "answered" else None,
                        ended.timestamp(),
                        int(missed),
                        record.uuid,
                        record.summary,
                        json.dumps(
                            [
                                {
                                    "at": record.started_at.isoformat(),
                                    "what": record.status,
                                    "source": "nfon_history",
                                    "detail": "",
                                }
                            ]
                        ),
                    ),
                )
                if callable_number and record.status == "answered":
                    db.execute(_SETTLE, (record.remote_key, record.started_at.timestamp()))
                elif callable_number and missed:
                    db.execute(_SETTLED_LATER, (call_id, record.remote_key))
                return call_id
            call_id = str(row[0])
            db.execute(
                "UPDATE calls SET nfon_uuid=?, summary=coalesce(?, summary), "
                "remote_name=coalesce(remote_name, ?) WHERE id=?",
                (record.uuid, record.summary, record.remote_name, call_id),
            )
            return call_id

    def set_done(self, call_id: str, done: bool = True) -> None:
        with self._tx() as db:
            db.execute("UPDATE calls SET done=? WHERE id=?", (int(done), call_id))

    def set_notes(self, call_id: str, notes: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE calls SET notes=? WHERE id=?", (notes, call_id))

    def set_customer(self, call_id: str, name: str | None, zammad_user_id: int | None) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE calls SET customer_name=?, zammad_user_id=? WHERE id=?",
                (name, zammad_user_id, call_id),
            )

    def delete(self, call_id: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM calls WHERE id=?", (call_id,))

    def get(self, call_id: str) -> JournalEntry | None:
        with self._lock:
            self._flush_locked()
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM calls WHERE id=?", (call_id,)
            ).fetchone()
        return _entry(row) if row else None

    def recent(self, limit: int = 100, offset: int = 0) -> list[JournalEntry]:
        return self._select("1", (), limit, offset)

    def callbacks(self, limit: int = 100, offset: int = 0) -> list[JournalEntry]:
        """Calls the agent still owes a callback: unanswered inbound, not marked done."""
        return self._select("needs_callback=1 AND done=0", (), limit, offset)

    def count(self) -> int:
        with self._lock:
            self._flush_locked()
            return int(self._db.execute("SELECT count(*) FROM calls").fetchone()[0])

    def search(
        self, text: str, limit: int = 100, callbacks_only: bool = False
    ) -> list[JournalEntry]:
        """Substring search over number and name, newest first; numbers match in any common
        spelling. The same filter as the journal window's (`filter_clause`)."""
        where, params = filter_clause(JournalFilter(text, callbacks_only))
        return self._select(where, params, limit, 0)

    def _select(
        self, where: str, params: tuple[object, ...], limit: int, offset: int
    ) -> list[JournalEntry]:
        sql = (
            f"SELECT {_COLUMNS} FROM calls WHERE {where} "
            "ORDER BY started_at DESC, rowid DESC LIMIT ? OFFSET ?"
        )
        with self._lock:
            self._flush_locked()
            rows = self._db.execute(sql, (*params, limit, offset)).fetchall()
        return [_entry(r) for r in rows]


_SETTLE = """
    UPDATE calls SET done=1
    WHERE remote_key=? AND needs_callback=1 AND done=0 AND started_at<?
"""
"""A call answered with this number settles its earlier missed calls (`callbacks.settled_key`):
they stay in the journal as "Done", as if the agent had ticked them."""
_SETTLED_LATER = """
    UPDATE calls SET done=1 WHERE id=?1 AND EXISTS (
        SELECT 1 FROM calls AS later
        WHERE later.remote_key=?2 AND later.answered_at IS NOT NULL
        AND later.started_at > (SELECT started_at FROM calls WHERE id=?1)
    )
"""
"""A missed call learnt late (from NFON's history) that a later answered call already settled."""

_UPSERT = """
    INSERT INTO calls (id, direction, remote_raw, remote_e164, remote_key, remote_name,
        local_raw, line, account, state, ending, started_at, answered_at, ended_at,
        needs_callback, timeline)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
    ON CONFLICT(id) DO UPDATE SET
        direction=excluded.direction, remote_name=excluded.remote_name,
        local_raw=excluded.local_raw, line=excluded.line, account=excluded.account,
        state=excluded.state, ending=excluded.ending, started_at=excluded.started_at,
        answered_at=excluded.answered_at, ended_at=excluded.ended_at,
        needs_callback=excluded.needs_callback, timeline=excluded.timeline
"""


def _write_behind(
    journal_ref: weakref.ref[Journal], wake: threading.Event, stop: threading.Event
) -> None:
    """The writer thread: commit the queue every `FLUSH_INTERVAL` until the journal closes
    (or is dropped unclosed: it holds the journal only while committing)."""
    while not stop.is_set():
        wake.wait(FLUSH_INTERVAL)
        wake.clear()
        journal = journal_ref()
        if journal is None or stop.is_set():
            return
        try:
            journal.flush()
        except sqlite3.Error:
            log.exception("writing the call journal failed; retrying with the next batch")
        del journal


def _row(call: Call) -> tuple[object, ...]:
    timeline = json.dumps(
        [
            {"at": e.at.isoformat(), "what": e.what, "source": e.source, "detail": e.detail}
            for e in call.timeline
        ]
    )
    return (
        call.id,
        call.direction.value,
        call.remote.raw,
        call.remote.e164,
        call.remote.key,
        call.remote_name,
        call.local.raw if call.local else None,
        call.line,
        call.account,
        call.state.value,
        call.ending.value if call.ending else None,
        _ts(call.started_at),
        _ts(call.answered_at),
        _ts(call.ended_at),
        int(call.needs_callback),
        timeline,
    )


def _entry(row: tuple[object, ...]) -> JournalEntry:
    (
        id_,
        direction,
        raw,
        e164,
        name,
        state,
        ending,
        started,
        answered,
        ended,
        callback,
        done,
        notes,
        nfon_uuid,
        summary,
        customer,
        timeline,
    ) = row
    return JournalEntry(
        id=str(id_),
        direction=str(direction),
        remote_raw=str(raw),
        remote_e164=str(e164) if e164 else None,
        remote_name=str(name) if name else None,
        state=str(state),
        ending=str(ending) if ending else None,
        started_at=_dt(float(started))  # type: ignore[arg-type]
        or datetime.fromtimestamp(0, UTC),
        answered_at=_dt(answered),  # type: ignore[arg-type]
        ended_at=_dt(ended),  # type: ignore[arg-type]
        needs_callback=bool(callback),
        done=bool(done),
        notes=str(notes or ""),
        nfon_uuid=str(nfon_uuid) if nfon_uuid else None,
        summary=str(summary) if summary else None,
        customer_name=str(customer) if customer else None,
        timeline=json.loads(str(timeline)),
    )


def _unmarked_version(db: sqlite3.Connection) -> int:
    """The schema version of a journal without one: a copy restored from a dump (`.dump` and
    `iterdump` do not carry ``user_version``), told by what its schema has."""
    names = {str(row[0]) for row in db.execute("SELECT name FROM sqlite_master")}
    if "calls" not in names:
        return 0
    if "calls_stats" not in names:
        return 1
    indexed = {str(row[1]) for row in db.execute("PRAGMA table_info(calls_fts)")}
    return 2 if "remote" in indexed else 3


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    current: list[str] = []
    in_trigger = False
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        current.append(line)
        upper = stripped.upper()
        if upper.startswith("CREATE TRIGGER"):
            in_trigger = True
        if in_trigger:
            if upper == "END;":
                statements.append("\n".join(current))
                current, in_trigger = [], False
        elif stripped.endswith(";"):
            statements.append("\n".join(current))
            current = []
    if current:
        statements.append("\n".join(current))
    return statements


@dataclass(frozen=True)
class JournalFilter:
    """What the journal window shows: a search text and/or only open callbacks."""

    text: str = ""
    callbacks_only: bool = False


def search_terms(text: str) -> list[str]:
    """FTS terms for a search text: as typed, its digits, and its digits without trunk zeros.

    So "030 123", "+4930123" and "30123" all find the same call.
    """
    needle = text.strip()
    digits = "".join(ch for ch in needle if ch.isdigit())
    terms = [needle]
    if digits and len(digits) >= MIN_FTS_TERM and digits != needle:
        terms.append(digits)
    if digits.startswith("0") and len(digits) > MIN_FTS_TERM:
        terms.append(digits.lstrip("0"))
    return [t for t in dict.fromkeys(terms) if len(t) >= MIN_FTS_TERM]


def filter_clause(flt: JournalFilter) -> tuple[str, tuple[object, ...]]:
    """SQL condition and parameters for a filter (no ORDER BY, no paging)."""
    parts: list[str] = []
    params: list[object] = []
    needle = flt.text.strip()
    if needle:
        terms = search_terms(needle)
        if terms:
            parts.append("rowid IN (SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?)")
            params.append(" OR ".join('"' + t.replace('"', '""') + '"' for t in terms))
        else:
            like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            parts.append(
                "(remote_raw LIKE ? ESCAPE '\\' OR remote_name LIKE ? ESCAPE '\\' "
                "OR customer_name LIKE ? ESCAPE '\\')"
            )
            params += [like, like, like]
    if flt.callbacks_only:
        parts.append("needs_callback=1 AND done=0")
    return (" AND ".join(parts) or "1"), tuple(params)
