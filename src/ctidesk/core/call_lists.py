"""Call lists (pre-dial): import numbers, work through them one by one, survive a restart.

Every step is written to SQLite at once (its own file, passed in by the composition root), so
quitting or crashing in the middle of a list resumes at the same number with the same notes.
Parsing of the imported text is a plain function (`parse_import`) over a string.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ctidesk.core.numbers import NumberKind, PhoneNumber, parse_number

MAX_IMPORT_LINES = 100_000
NUMBER_HEADERS = (
    "number",
    "phone",
    "telephone",
    "tel",
    "mobile",
    "nummer",
    "telefon",
    "telefonnummer",
    "rufnummer",
    "handy",
    "mobil",
)
NAME_HEADERS = (
    "name",
    "contact",
    "company",
    "customer",
    "kontakt",
    "firma",
    "kunde",
    "ansprechpartner",
)
_SEPARATORS = re.compile(r"[,;\t|]")
_DIALABLE = frozenset({NumberKind.E164, NumberKind.EXTENSION, NumberKind.SERVICE})


class EntryStatus(StrEnum):
    PENDING = "pending"
    DIALLED = "dialled"
    DONE = "done"
    SKIPPED = "skipped"


class Outcome(StrEnum):
    """What came of one number; chosen by the agent (suggested from how the call ended)."""

    REACHED = "reached"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"
    CALL_AGAIN = "call_again"
    OTHER = "other"


@dataclass(frozen=True)
class ImportedNumber:
    line: int
    number: PhoneNumber
    name: str = ""


@dataclass(frozen=True)
class ImportProblem:
    line: int
    text: str
    reason: str


@dataclass
class ParsedImport:
    numbers: list[ImportedNumber] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    duplicates: int = 0


@dataclass(frozen=True)
class ImportResult:
    list_id: int
    imported: int
    duplicates: int
    problems: list[ImportProblem]


@dataclass(frozen=True)
class ListEntry:
    id: int
    list_id: int
    position: int
    number: PhoneNumber
    name: str
    status: EntryStatus
    outcome: Outcome | None
    notes: str
    attempts: int


@dataclass(frozen=True)
class CallList:
    id: int
    name: str
    created_at: float
    paused: bool
    total: int
    finished: int
    skipped: int

    @property
    def remaining(self) -> int:
        return self.total - self.finished - self.skipped


class CallListError(Exception):
    """A call list cannot be used as asked; the message says what to do."""


def _sniff(sample: str) -> type[csv.Dialect] | None:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return None


def _header_columns(cells: list[str]) -> tuple[int, int | None] | None:
    lowered = [c.strip().lower().strip("\ufeff") for c in cells]
    number_col = next((i for i, c in enumerate(lowered) if c in NUMBER_HEADERS), None)
    if number_col is None:
        return None
    name_col = next((i for i, c in enumerate(lowered) if c in NAME_HEADERS), None)
    return number_col, name_col


def _looks_like_number(cell: str) -> bool:
    digits = sum(ch.isdigit() for ch in cell)
    return digits >= 3 and digits >= len(cell.strip()) // 2


def parse_import(text: str, default_region: str = "DE") -> ParsedImport:
    """Numbers (and names) from a CSV file or pasted text; never raises.

    A header row with a "number"/"Telefon"-like column picks the columns; otherwise each line's
    first number-looking cell is the number and the other cells are the name. Blank lines and
    lines starting with ``#`` are ignored; anonymous or unparseable numbers become problems;
    repeated numbers are kept once.
    """
    result = ParsedImport()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:MAX_IMPORT_LINES]
    content = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    content = [(n, line) for n, line in content if not line.lstrip().startswith("#")]
    if not content:
        return result
    sample = "\n".join(line for _, line in content[:20])
    dialect = _sniff(sample) if any(ch in sample for ch in ",;\t|") else None
    rows: list[tuple[int, list[str]]] = []
    for number, line in content:
        if dialect is not None:
            cells = next(csv.reader(io.StringIO(line), dialect), [line])
        else:
            cells = _SEPARATORS.split(line)
        rows.append((number, [c.strip() for c in cells]))
    columns = _header_columns(rows[0][1])
    if columns is not None:
        rows = rows[1:]
    seen: set[str] = set()
    for line_number, cells in rows:
        raw, name = _pick(cells, columns)
        original = " ".join(cells)
        if not raw:
            result.problems.append(ImportProblem(line_number, original, "no phone number found"))
            continue
        parsed = parse_number(raw, default_region)
        if parsed.kind not in _DIALABLE:
            reason = "anonymous" if parsed.is_anonymous else "not a valid phone number"
            result.problems.append(ImportProblem(line_number, original, reason))
            continue
        if parsed.key in seen:
            result.duplicates += 1
            continue
        seen.add(parsed.key)
        result.numbers.append(ImportedNumber(line_number, parsed, name))
    return result


def _pick(cells: list[str], columns: tuple[int, int | None] | None) -> tuple[str, str]:
    if columns is not None:
        number_col, name_col = columns
        raw = cells[number_col] if number_col < len(cells) else ""
        name = cells[name_col] if name_col is not None and name_col < len(cells) else ""
        return raw, name
    for index, cell in enumerate(cells):
        if _looks_like_number(cell):
            rest = [c for i, c in enumerate(cells) if i != index and c]
            return cell, " ".join(rest)
    return "", ""


_SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS lists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        created_at REAL NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY,
        list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        raw TEXT NOT NULL,
        kind TEXT NOT NULL,
        e164 TEXT,
        name TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending',
        outcome TEXT,
        notes TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX IF NOT EXISTS entries_list ON entries(list_id, position)",
]
_ENTRY_COLUMNS = "id, list_id, position, raw, kind, e164, name, status, outcome, notes, attempts"


def _entry(row: tuple[object, ...]) -> ListEntry:
    id_, list_id, position, raw, kind, e164, name, status, outcome, notes, attempts = row
    try:
        number_kind = NumberKind(str(kind))
    except ValueError:
        number_kind = NumberKind.UNPARSEABLE
    return ListEntry(
        id=int(str(id_)),
        list_id=int(str(list_id)),
        position=int(str(position)),
        number=PhoneNumber(raw=str(raw), kind=number_kind, e164=str(e164) if e164 else None),
        name=str(name or ""),
        status=EntryStatus(str(status)),
        outcome=Outcome(str(outcome)) if outcome else None,
        notes=str(notes or ""),
        attempts=int(str(attempts)),
    )


class CallListStore:
    """All call lists of this agent in one SQLite file; every change is committed at once."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        for statement in _SCHEMA:
            self._db.execute(statement)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create_list(self, name: str, text: str, default_region: str = "DE") -> ImportResult:
        """Import ``text`` (CSV or pasted lines) as a new list; raises when nothing is usable."""
        parsed = parse_import(text, default_region)
        if not parsed.numbers:
            raise CallListError(
                "no phone numbers found to import; paste one number per line or a CSV file "
                "with a 'number' column"
            )
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._db.execute(
                    "INSERT INTO lists (name, created_at) VALUES (?, ?)",
                    (name.strip() or "Call list", time.time()),
                )
                list_id = int(cursor.lastrowid or 0)
                self._db.executemany(
                    "INSERT INTO entries (list_id, position, raw, kind, e164, name) "
                    "VALUES (?,?,?,?,?,?)",
                    [
                        (list_id, pos, n.number.raw, n.number.kind.value, n.number.e164, n.name)
                        for pos, n in enumerate(parsed.numbers)
                    ],
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return ImportResult(list_id, len(parsed.numbers), parsed.duplicates, parsed.problems)

    def lists(self) -> list[CallList]:
        with self._lock:
            rows = self._db.execute(
                """
                SELECT l.id, l.name, l.created_at, l.paused, count(e.id),
                       coalesce(sum(e.status = 'done'), 0), coalesce(sum(e.status = 'skipped'), 0)
                FROM lists l LEFT JOIN entries e ON e.list_id = l.id
                GROUP BY l.id ORDER BY l.created_at DESC, l.id DESC
                """
            ).fetchall()
        return [
            CallList(int(r[0]), str(r[1]), float(r[2]), bool(r[3]), r[4], r[5], r[6]) for r in rows
        ]

    def get_list(self, list_id: int) -> CallList:
        for found in self.lists():
            if found.id == list_id:
                return found
        raise CallListError("this call list no longer exists; choose another one")

    def entries(self, list_id: int) -> list[ListEntry]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE list_id=? ORDER BY position",
                (list_id,),
            ).fetchall()
        return [_entry(tuple(r)) for r in rows]

    def entry(self, entry_id: int) -> ListEntry:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE id=?", (entry_id,)
            ).fetchone()
        if row is None:
            raise CallListError("this number is no longer in the list; reload the list")
        return _entry(tuple(row))

    def current(self, list_id: int) -> ListEntry | None:
        """The number being worked on: one dialled and not finished, else the next pending."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE list_id=? "
                "AND status IN ('dialled', 'pending') "
                "ORDER BY status = 'pending', position LIMIT 1",
                (list_id,),
            ).fetchone()
        return _entry(tuple(row)) if row else None

    def _update(self, entry_id: int, sql: str, params: tuple[object, ...]) -> None:
        with self._lock:
            cursor = self._db.execute(
                f"UPDATE entries SET {sql}, updated_at=? WHERE id=?",
                (*params, time.time(), entry_id),
            )
        if cursor.rowcount == 0:
            raise CallListError("this number is no longer in the list; reload the list")

    def mark_dialled(self, entry_id: int) -> ListEntry:
        self._update(entry_id, "status='dialled', attempts=attempts+1", ())
        return self.entry(entry_id)

    def finish(self, entry_id: int, outcome: Outcome, notes: str | None = None) -> ListEntry | None:
        """Record the outcome (and notes) of a number; returns the next number of the list."""
        if notes is None:
            self._update(entry_id, "status='done', outcome=?", (outcome.value,))
        else:
            self._update(entry_id, "status='done', outcome=?, notes=?", (outcome.value, notes))
        return self.current(self.entry(entry_id).list_id)

    def skip(self, entry_id: int) -> ListEntry | None:
        """Put a number aside (it can be re-queued later); returns the next number."""
        self._update(entry_id, "status='skipped'", ())
        return self.current(self.entry(entry_id).list_id)

    def set_notes(self, entry_id: int, notes: str) -> None:
        self._update(entry_id, "notes=?", (notes,))

    def set_outcome(self, entry_id: int, outcome: Outcome | None) -> None:
        self._update(entry_id, "outcome=?", (outcome.value if outcome else None,))

    def requeue_skipped(self, list_id: int) -> int:
        """Skipped numbers go back to the end of the queue, in their order."""
        with self._lock:
            skipped = [
                int(r[0])
                for r in self._db.execute(
                    "SELECT id FROM entries WHERE list_id=? AND status='skipped' ORDER BY position",
                    (list_id,),
                )
            ]
            last = self._db.execute(
                "SELECT coalesce(max(position), 0) FROM entries WHERE list_id=?", (list_id,)
            ).fetchone()[0]
            self._db.executemany(
                "UPDATE entries SET status='pending', position=? WHERE id=?",
                [(int(last) + n, entry_id) for n, entry_id in enumerate(skipped, start=1)],
            )
        return len(skipped)

    def set_paused(self, list_id: int, paused: bool) -> None:
        with self._lock:
            self._db.execute("UPDATE lists SET paused=? WHERE id=?", (int(paused), list_id))

    def rename(self, list_id: int, name: str) -> None:
        with self._lock:
            self._db.execute("UPDATE lists SET name=? WHERE id=?", (name, list_id))

    def delete_list(self, list_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM lists WHERE id=?", (list_id,))
