"""Call lists (pre-dial): import numbers, work through them one by one, survive a restart.

Every step is written to SQLite at once (its own file, passed in by the composition root), so
quitting or crashing in the middle of a list resumes at the same number with the same notes.
Parsing of the imported text is a plain function (`parse_import`) over a string.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import phonenumbers

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
_DELIMITERS = ("\t", ";", ",", "|")
MIN_NUMBER_DIGITS = 3
VANITY_MIN_LETTERS = 3
_NUMBER_WORD = re.compile(r"^\+?\(?[0-9][0-9()\-./]*$")
"""A word that is (part of) a number: ASCII digits and the usual grouping marks, no letters."""
_VANITY = re.compile(r"^(\+?\(?[0-9][0-9()\-./ ]*?)[\s\-]*([A-Za-z][A-Za-z0-9\-]*)$")
_NAME_EDGES = " \t-–—,;:/|"
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_WORD = re.compile(r"[^\s,;|]+")
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


class ProblemReason(StrEnum):
    """Why a line was not imported; the window words it for the user."""

    NO_NUMBER = "no phone number found"
    NOT_VALID = "not a valid phone number"
    ANONYMOUS = "anonymous"
    VANITY_DECLINED = "vanity number not confirmed"


@dataclass(frozen=True)
class ImportedNumber:
    line: int
    number: PhoneNumber
    name: str = ""
    vanity: bool = False
    """Letters of the number were read as keypad digits (``0800 FLOWERS``): only on request."""


@dataclass(frozen=True)
class ImportProblem:
    line: int
    text: str
    reason: ProblemReason


@dataclass
class ParsedImport:
    numbers: list[ImportedNumber] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    duplicates: int = 0

    @property
    def vanity(self) -> list[ImportedNumber]:
        """The numbers read from letters; the window asks before importing them."""
        return [n for n in self.numbers if n.vanity]


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


def _delimiter(lines: list[str]) -> str | None:
    """The cell separator most lines use (tab, semicolon, comma, bar), or None for plain lines.

    Counted per line rather than sniffed: `csv.Sniffer` guesses from character frequencies and
    took the digits' spaces or a name's letters for separators.
    """
    unquoted = [_QUOTED.sub("", line) for line in lines]
    best: str | None = None
    best_count = 0
    for candidate in _DELIMITERS:
        count = sum(candidate in line for line in unquoted)
        if count > best_count:
            best, best_count = candidate, count
    return best


def _cells(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None or delimiter not in line:
        return [line.strip()]
    row = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [line])
    return [cell.strip() for cell in row]


def _header_columns(cells: list[str]) -> tuple[int, int | None] | None:
    """The number and name columns, when ``cells`` is a header row (one without a number)."""
    if any(_digit_count(cell) >= MIN_NUMBER_DIGITS for cell in cells):
        return None
    lowered = [c.strip().lower().strip("\ufeff") for c in cells]
    number_col = next((i for i, c in enumerate(lowered) if c in NUMBER_HEADERS), None)
    if number_col is None:
        return None
    name_col = next((i for i, c in enumerate(lowered) if c in NAME_HEADERS), None)
    return number_col, name_col


@dataclass(frozen=True)
class _Found:
    """A number found in one cell, and the words around it (the name)."""

    number: PhoneNumber
    rest: str
    vanity: bool = False

    @property
    def rank(self) -> int:
        return 2 if self.number.kind is NumberKind.E164 else 1


def _digit_count(text: str) -> int:
    return sum("0" <= ch <= "9" for ch in text)


def _clean_name(text: str) -> str:
    return text.strip(_NAME_EDGES)


def _vanity(cell: str, default_region: str) -> _Found | None:
    """``0800 FLOWERS``: digits that are no number on their own, then one word of letters that
    makes a valid number on the keypad. Anything else with letters is a number and a name."""
    match = _VANITY.match(cell)
    if match is None or len(re.sub(r"[^A-Za-z]", "", match.group(2))) < VANITY_MIN_LETTERS:
        return None
    if parse_number(match.group(1), default_region).kind is NumberKind.E164:
        return None
    keypad = str(phonenumbers.convert_alpha_characters_in_number(cell))
    number = parse_number(keypad, default_region)
    if number.kind is not NumberKind.E164 or number.e164 is None:
        return None
    try:
        valid = phonenumbers.is_valid_number(phonenumbers.parse(number.e164, None))
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        return None
    return _Found(PhoneNumber(raw=cell, kind=NumberKind.E164, e164=number.e164), "", vanity=True)


def _find_number(cell: str, default_region: str) -> _Found | None:
    """The best run of number-like words in ``cell`` (a number and a name in either order,
    separated by spaces or punctuation); letters are never read as digits here. The name is
    the cell's text around the number, as typed."""
    vanity = _vanity(cell, default_region)
    if vanity is not None:
        return vanity
    words = list(_WORD.finditer(cell))
    best: _Found | None = None
    index = 0
    while index < len(words):
        if not _NUMBER_WORD.match(words[index].group()):
            index += 1
            continue
        end = index + 1
        while (
            end < len(words)
            and _NUMBER_WORD.match(words[end].group())
            and not cell[words[end - 1].end() : words[end].start()].strip()
        ):
            end += 1
        start_at, end_at = words[index].start(), words[end - 1].end()
        run = cell[start_at:end_at]
        if _digit_count(run) >= MIN_NUMBER_DIGITS:
            number = parse_number(run, default_region)
            if number.kind in _DIALABLE:
                name = _clean_name(cell[:start_at]) + " " + _clean_name(cell[end_at:])
                found = _Found(number, name.strip())
                if best is None or found.rank > best.rank:
                    best = found
        index = end
    return best


def parse_import(
    text: str, default_region: str = "DE", *, accept_vanity: bool = True
) -> ParsedImport:
    """Numbers (and names) from a CSV file or pasted text; never raises.

    A header row with a "number"/"Telefon"-like column picks the columns; otherwise a line's
    cells (tab, semicolon, comma or bar separated; quoted CSV cells allowed) and the words of a
    cell are searched for a number, and the rest is the name, before or after the number.
    Letters are keypad digits only in a vanity number (``0800 FLOWERS``), marked ``vanity``;
    ``accept_vanity=False`` reports those lines as problems instead. Blank lines and lines
    starting with ``#`` are ignored; repeated numbers are kept once.
    """
    result = ParsedImport()
    text = text.lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:MAX_IMPORT_LINES]
    content = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    content = [(n, line) for n, line in content if not line.lstrip().startswith("#")]
    if not content:
        return result
    delimiter = _delimiter([line for _, line in content])
    rows = [(number, line, _cells(line, delimiter)) for number, line in content]
    columns = _header_columns(rows[0][2])
    if columns is not None:
        rows = rows[1:]
    seen: set[str] = set()
    for line_number, line, cells in rows:
        found, reason = _pick(cells, columns, default_region)
        if found is None:
            result.problems.append(ImportProblem(line_number, line.strip(), reason))
            continue
        if found.vanity and not accept_vanity:
            result.problems.append(
                ImportProblem(line_number, line.strip(), ProblemReason.VANITY_DECLINED)
            )
            continue
        if found.number.key in seen:
            result.duplicates += 1
            continue
        seen.add(found.number.key)
        result.numbers.append(
            ImportedNumber(line_number, found.number, found.rest, vanity=found.vanity)
        )
    return result


def _pick(
    cells: list[str], columns: tuple[int, int | None] | None, default_region: str
) -> tuple[_Found | None, ProblemReason]:
    """The line's number with its name, or why there is none."""
    if columns is not None:
        number_col, name_col = columns
        raw = cells[number_col] if number_col < len(cells) else ""
        name = cells[name_col] if name_col is not None and name_col < len(cells) else ""
        if not raw:
            return None, ProblemReason.NO_NUMBER
        if parse_number(raw, default_region).is_anonymous:
            return None, ProblemReason.ANONYMOUS
        found = _find_number(raw, default_region)
        if found is None:
            return None, ProblemReason.NOT_VALID
        return _Found(found.number, name or found.rest, found.vanity), ProblemReason.NO_NUMBER
    best: tuple[int, _Found] | None = None
    for index, cell in enumerate(cells):
        found = _find_number(cell, default_region)
        if found is not None and (best is None or found.rank > best[1].rank):
            best = (index, found)
    if best is None and len(cells) > 1:
        whole = _find_number(" ".join(cells), default_region)
        cells = [" ".join(cells)]
        best = (0, whole) if whole is not None else None
    if best is None:
        digits = any(_digit_count(cell) >= MIN_NUMBER_DIGITS for cell in cells)
        return None, ProblemReason.NOT_VALID if digits else ProblemReason.NO_NUMBER
    index, found = best
    others = [c for i, c in enumerate(cells) if i != index and c]
    name = (
        " ".join(part for part in [found.rest, *others] if part) if found.rest else " ".join(others)
    )
    return _Found(found.number, name, found.vanity), ProblemReason.NO_NUMBER


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

    def create_list(
        self, name: str, text: str, default_region: str = "DE", *, accept_vanity: bool = False
    ) -> ImportResult:
        """Import ``text`` (CSV or pasted lines) as a new list; raises when nothing is usable.

        Vanity numbers (``0800 FLOWERS``) are imported only with ``accept_vanity``, which the
        window passes once the user has confirmed them.
        """
        parsed = parse_import(text, default_region, accept_vanity=accept_vanity)
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
