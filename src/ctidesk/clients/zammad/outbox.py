"""The durable outbox of CTI events: SQLite, written before anything is sent.

One row per (call, event), so repeated tracker changes never enqueue an event twice. Delivery
picks, per call, the lowest-ranked event not yet delivered (newCall, then answer, then hangup);
calls are independent, so one stuck call never holds up the others. Each attempt is committed as
"maybe applied" *before* the request goes out, so after a crash (kill -9 included) the forwarder
knows which events Zammad may already have seen. Failed events stay in the table for the user.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from ctidesk.clients.zammad.events import CtiEvent, CtiEventName
from ctidesk.core.calls import utcnow

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cti_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id TEXT NOT NULL,
    name TEXT NOT NULL,
    rank INTEGER NOT NULL,
    fields TEXT NOT NULL,
    created_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    maybe_applied INTEGER NOT NULL DEFAULT 0,
    repaired INTEGER NOT NULL DEFAULT 0,
    unverified_resends INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_attempt_at REAL,
    last_error TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    finished_at REAL,
    UNIQUE (call_id, name)
);
CREATE INDEX IF NOT EXISTS cti_events_pending ON cti_events(state, next_attempt_at, seq);
CREATE INDEX IF NOT EXISTS cti_events_call ON cti_events(call_id, rank);
"""


class EventState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class OutboxEvent:
    """A stored event and what happened to it so far."""

    seq: int
    call_id: str
    name: CtiEventName
    fields: tuple[tuple[str, str], ...]
    created_at: datetime
    state: EventState
    attempts: int
    maybe_applied: bool
    repaired: bool
    next_attempt_at: datetime
    last_error: str
    outcome: str
    unverified_resends: int = 0

    @property
    def event(self) -> CtiEvent:
        return CtiEvent(self.call_id, self.name, self.fields)

    def get(self, key: str) -> str | None:
        return self.event.get(key)


def _ts(value: datetime) -> float:
    return value.timestamp()


def _dt(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


_COLUMNS = (
    "seq, call_id, name, fields, created_at, state, attempts, maybe_applied, repaired, "
    "next_attempt_at, last_error, outcome, unverified_resends"
)


class OutboxClosedError(Exception):
    def __init__(self) -> None:
        super().__init__(
            "the Zammad outbox is already closed (ctidesk is shutting down); the event was not "
            "stored, so restart ctidesk and check the Zammad caller log for this call"
        )


PAGE_CACHE_KIB = 512
"""A queue touches few pages: its head and its tail. SQLite's default page cache (2 MB) would
fill, over a day, with pages of events delivered long ago; the soak saw it grow."""


class Outbox:
    """Thread-safe SQLite store of CTI events (WAL, synchronous=NORMAL)."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = utcnow) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL: a commit survives the process being killed (kill -9 is tested); only
        # an OS crash or power cut may drop the last commits. FULL (an fsync per event) held the
        # event path to ~2,000 events/s on this class of machine, below the 5,000 asked for.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(cti_events)")}
        if "unverified_resends" not in columns:  # an outbox written by an older ctidesk
            self._db.execute(
                "ALTER TABLE cti_events ADD COLUMN unverified_resends INTEGER NOT NULL DEFAULT 0"
            )

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise OutboxClosedError()
        return self._db

    def add(self, events: Iterable[CtiEvent]) -> list[int]:
        """Store events not stored yet (one transaction); returns the new sequence numbers.

        An answer that arrives after the call's hangup was delivered is not stored: Zammad would
        ignore it, and it could no longer change anything.
        """
        now = _ts(self._clock())
        added: list[int] = []
        with self._lock:
            db = self._conn()
            db.execute("BEGIN IMMEDIATE")
            try:
                for event in events:
                    if (
                        event.name is CtiEventName.ANSWER
                        and db.execute(
                            "SELECT 1 FROM cti_events WHERE call_id=? AND name=? AND state=?",
                            (event.call_id, CtiEventName.HANGUP.value, EventState.DELIVERED.value),
                        ).fetchone()
                    ):
                        continue
                    cursor = db.execute(
                        "INSERT OR IGNORE INTO cti_events "
                        "(call_id, name, rank, fields, created_at, next_attempt_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            event.call_id,
                            event.name.value,
                            event.name.rank,
                            json.dumps(event.fields),
                            now,
                            now,
                        ),
                    )
                    if cursor.rowcount:
                        added.append(int(cursor.lastrowid or 0))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return added

    def _select(self, where: str, args: tuple[object, ...] = ()) -> list[OutboxEvent]:
        with self._lock:
            rows = (
                self._conn().execute(f"SELECT {_COLUMNS} FROM cti_events {where}", args).fetchall()
            )
        return [
            OutboxEvent(
                seq=row[0],
                call_id=row[1],
                name=CtiEventName(row[2]),
                fields=tuple((str(k), str(v)) for k, v in json.loads(row[3])),
                created_at=_dt(row[4]),
                state=EventState(row[5]),
                attempts=row[6],
                maybe_applied=bool(row[7]),
                repaired=bool(row[8]),
                next_attempt_at=_dt(row[9]),
                last_error=row[10],
                outcome=row[11],
                unverified_resends=row[12],
            )
            for row in rows
        ]

    _HEAD = (
        "e.state='pending' AND NOT EXISTS (SELECT 1 FROM cti_events p WHERE "
        "p.call_id=e.call_id AND p.rank<e.rank AND p.state!='delivered')"
    )

    def due(self, now: datetime, limit: int = 50) -> list[OutboxEvent]:
        """The next event of each call whose turn has come, oldest first."""
        return self._select(
            f"e WHERE {self._HEAD} AND e.next_attempt_at<=? ORDER BY e.seq LIMIT ?",
            (_ts(now), limit),
        )

    def next_due_at(self) -> datetime | None:
        with self._lock:
            row = (
                self._conn()
                .execute(f"SELECT MIN(e.next_attempt_at) FROM cti_events e WHERE {self._HEAD}")
                .fetchone()
            )
        return _dt(row[0]) if row and row[0] is not None else None

    def get(self, seq: int) -> OutboxEvent | None:
        found = self._select("WHERE seq=?", (seq,))
        return found[0] if found else None

    def events_of_call(self, call_id: str) -> list[OutboxEvent]:
        return self._select("WHERE call_id=? ORDER BY rank", (call_id,))

    def pending(self) -> list[OutboxEvent]:
        return self._select("WHERE state='pending' ORDER BY seq")

    def pending_count(self) -> int:
        with self._lock:
            row = (
                self._conn()
                .execute("SELECT COUNT(*) FROM cti_events WHERE state='pending'")
                .fetchone()
            )
        return int(row[0])

    def failed(self) -> list[OutboxEvent]:
        return self._select("WHERE state='failed' ORDER BY seq")

    def _update(self, sql: str, args: tuple[object, ...]) -> None:
        with self._lock:
            self._conn().execute(sql, args)

    def mark_attempt(self, seq: int) -> None:
        """Committed before the request goes out: from now on Zammad may have applied it."""
        self._update(
            "UPDATE cti_events SET attempts=attempts+1, maybe_applied=1, last_attempt_at=? "
            "WHERE seq=?",
            (_ts(self._clock()), seq),
        )

    def unmark_attempt(self, item: OutboxEvent) -> None:
        """The attempt never left this machine (no connection): Zammad is as unsure of it as
        before, so an event that could not have been applied yet still cannot have been."""
        self._update(
            "UPDATE cti_events SET maybe_applied=?, unverified_resends=? WHERE seq=?",
            (int(item.maybe_applied), item.unverified_resends, item.seq),
        )

    def mark_not_applied(self, seq: int) -> None:
        """Zammad answered the attempt without applying it: a retry cannot apply it twice."""
        self._update("UPDATE cti_events SET maybe_applied=0 WHERE seq=?", (seq,))

    def mark_unverified_resend(self, seq: int) -> None:
        """The next attempt goes out although Zammad may already have this event."""
        self._update(
            "UPDATE cti_events SET unverified_resends=unverified_resends+1 WHERE seq=?", (seq,)
        )

    def mark_delivered(self, seq: int, outcome: str) -> None:
        self._update(
            "UPDATE cti_events SET state='delivered', outcome=?, last_error='', finished_at=? "
            "WHERE seq=?",
            (outcome, _ts(self._clock()), seq),
        )

    def mark_retry(self, seq: int, error: str, next_attempt_at: datetime) -> None:
        self._update(
            "UPDATE cti_events SET last_error=?, next_attempt_at=? WHERE seq=?",
            (error, _ts(next_attempt_at), seq),
        )

    def mark_repaired(self, seq: int) -> None:
        self._update("UPDATE cti_events SET repaired=1 WHERE seq=?", (seq,))

    def fail_call_from(self, seq: int, reason: str) -> list[int]:
        """Give up on this event and the later events of its call (they cannot go first)."""
        with self._lock:
            db = self._conn()
            row = db.execute("SELECT call_id, rank FROM cti_events WHERE seq=?", (seq,)).fetchone()
            if row is None:
                return []
            failed = [
                r[0]
                for r in db.execute(
                    "SELECT seq FROM cti_events WHERE call_id=? AND rank>=? AND state='pending'",
                    (row[0], row[1]),
                )
            ]
            db.executemany(
                "UPDATE cti_events SET state='failed', last_error=?, finished_at=? WHERE seq=?",
                [(reason, _ts(self._clock()), s) for s in failed],
            )
        return failed

    def retry_failed(self, seqs: Iterable[int] | None = None) -> int:
        """Put failed events back in line (a user's "try again"); returns how many."""
        now = _ts(self._clock())
        with self._lock:
            db = self._conn()
            if seqs is None:
                cursor = db.execute(
                    "UPDATE cti_events SET state='pending', created_at=?, next_attempt_at=? "
                    "WHERE state='failed'",
                    (now, now),
                )
                return int(cursor.rowcount)
            count = 0
            for seq in seqs:
                cursor = db.execute(
                    "UPDATE cti_events SET state='pending', created_at=?, next_attempt_at=? "
                    "WHERE state='failed' AND call_id=(SELECT call_id FROM cti_events WHERE seq=?)",
                    (now, now, seq),
                )
                count += int(cursor.rowcount)
            return count
