"""The durable queue of after-call notes: one row per call, in SQLite, written before Zammad.

Like the CTI outbox, every decision and every attempt is committed before anything is sent,
so a kill -9, a restart or a Zammad outage loses nothing: the row says what is owed to which
ticket, its idempotency key, and what was written already.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from ctidesk.core.note_text import CallFacts, NfonSummary, Transcription, TranscriptLine

_SCHEMA = """
CREATE TABLE IF NOT EXISTS call_notes (
    call_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    next_attempt_at REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS call_notes_due ON call_notes(state, next_attempt_at);
"""


class NoteState(StrEnum):
    OPEN = "open"  # the call is on or in its after-call card: no ticket decided yet
    WAITING = "waiting"  # ticket decided; waiting for NFON's summary until the deadline
    DUE = "due"  # to be written
    WRITTEN = "written"  # written without the summary; completed if it still comes
    COMPLETING = "completing"  # the summary came after the note: follow-up or replacement due
    DONE = "done"
    SKIPPED = "skipped"  # no note: none chosen, private, no say from the agent
    FAILED = "failed"


ACTIVE_STATES = frozenset({NoteState.DUE, NoteState.COMPLETING})
FINAL_STATES = frozenset({NoteState.DONE, NoteState.SKIPPED, NoteState.FAILED})


@dataclass(frozen=True)
class NoteRecord:
    """One call's note: what is owed, where, and what happened so far."""

    call_id: str
    key: str
    state: NoteState
    created_at: datetime
    facts: CallFacts | None = None
    proposal_ticket: int | None = None
    proposal_source: str = ""
    proposal_label: str = ""
    ticket_id: int | None = None
    ticket_label: str = ""
    ticket_source: str = ""
    agent_notes: str = ""
    nfon: NfonSummary | None = None
    deadline: datetime | None = None
    article_id: int | None = None
    extra_article_id: int | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str = ""
    outcome: str = ""
    written_at: datetime | None = None
    completed_at: datetime | None = None
    waited_seconds: float | None = None
    summary_missing: bool = False
    duplicates_avoided: int = 0
    history: tuple[str, ...] = field(default=())

    def but(self, **changes: Any) -> NoteRecord:
        return replace(self, **changes)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$dt"}:
            return datetime.fromisoformat(value["$dt"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _to_json(record: NoteRecord) -> str:
    return json.dumps(_encode(asdict(record)))


def _from_json(text: str) -> NoteRecord:
    data = _decode(json.loads(text))
    if data.get("facts") is not None:
        data["facts"] = CallFacts(**data["facts"])
    if data.get("nfon") is not None:
        nfon = data["nfon"]
        data["nfon"] = NfonSummary(
            uuid=nfon["uuid"],
            transcription=Transcription(nfon["transcription"]),
            summary=nfon.get("summary"),
            transcript=tuple(TranscriptLine(**line) for line in nfon.get("transcript", [])),
        )
    data["state"] = NoteState(data["state"])
    data["history"] = tuple(data.get("history", ()))
    return NoteRecord(**data)


class NoteQueue:
    """Thread-safe SQLite store of `NoteRecord`s (WAL; a commit survives kill -9)."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the after-call notes queue is closed (ctidesk is shutting down)")
        return self._db

    def get(self, call_id: str) -> NoteRecord | None:
        """The call's row; None also once the queue is closed (the network side is being
        rebuilt: the new side's queue, on the same file, has it)."""
        with self._lock:
            if self._db is None:
                return None
            row = self._db.execute(
                "SELECT data FROM call_notes WHERE call_id=?", (call_id,)
            ).fetchone()
        return _from_json(row[0]) if row else None

    def put(self, record: NoteRecord) -> None:
        """Insert or replace the call's row; committed when this returns."""
        next_at = (record.next_attempt_at or record.created_at).timestamp()
        with self._lock:
            self._conn().execute(
                "INSERT OR REPLACE INTO call_notes (call_id, state, next_attempt_at, data) "
                "VALUES (?, ?, ?, ?)",
                (record.call_id, record.state.value, next_at, _to_json(record)),
            )

    def in_states(self, states: frozenset[NoteState] | set[NoteState]) -> list[NoteRecord]:
        marks = ",".join("?" for _ in states)
        with self._lock:
            rows = (
                self._conn()
                .execute(
                    f"SELECT data FROM call_notes WHERE state IN ({marks}) "
                    "ORDER BY next_attempt_at",
                    tuple(s.value for s in states),
                )
                .fetchall()
            )
        return [_from_json(row[0]) for row in rows]

    def all(self) -> list[NoteRecord]:
        return self.in_states(set(NoteState))
