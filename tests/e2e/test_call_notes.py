"""After-call notes end to end (issue 22, done-when): the pieces ctidesk runs (tracker, journal,
NFON's live call-history stream, the notes service with its SQLite queue, the Zammad REST
client) against the Zammad and NFON simulators over loopback HTTP, and a writer killed with
SIGKILL in a real subprocess. Each scenario ends with exactly one complete note on the right
ticket; the figures (calls, notes, duplicates, waits) are printed for the issue's note.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from ctidesk.clients.nfon.history import CallHistoryClient
from ctidesk.clients.nfon.oauth import TokenManager
from ctidesk.clients.nfon.records import CallRecord, to_nfon_summary
from ctidesk.clients.nfon.stream import HistoryStream, journal_sink
from ctidesk.clients.zammad.articles import call_note_service
from ctidesk.clients.zammad.lookup import ZammadLookup
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import CallNotesSettings, NfonSettings, Settings, ZammadSettings
from ctidesk.core.call_notes import CallNoteService, NoteFigures
from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.journal import Journal
from ctidesk.core.note_queue import NoteState
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker
from ctidesk.sim.nfon import NfonSimulator
from ctidesk.sim.zammad import ZammadSimulator

pytestmark = pytest.mark.e2e

MARIA = "+49 89 99998 123"
MARIA_NFON = {"name": "Maria Huber", "number": "498999998123", "context": "global"}
SUMMARY = "Maria Huber reports error E42 again; a technician visit was agreed for Friday."
TRANSCRIPT = [
    {"time": "2025-03-04T09:00:05Z", "source": "caller", "event": "speech", "text": "E42 again."},
    {"time": "2025-03-04T09:00:09Z", "source": "callee", "event": "speech", "text": "On Friday."},
]


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


@dataclass
class World:
    """ctidesk's side on one PC plus both simulators; `restart` rebuilds the notes service."""

    zammad: ZammadSimulator
    nfon: NfonSimulator
    http: httpx.AsyncClient
    home: Path
    settings: Settings
    tracker: CallTracker = field(default_factory=CallTracker)
    journal: Journal | None = None
    notes: CallNoteService | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _unsubscribe: Callable[[], None] | None = None
    restarts: int = 0
    figures: list[NoteFigures] = field(default_factory=list)

    def lookup(self) -> ZammadLookup:
        store = MemorySecretStore({SecretName.ZAMMAD_API_TOKEN: self.zammad.agent_token})
        return ZammadLookup(settings=self.settings.zammad, secrets=store, http=self.http)

    def start_notes(self, queue: Path | None = None) -> CallNoteService:
        notes = call_note_service(
            self.settings,
            queue or self.home / "call-notes.sqlite3",
            self.lookup(),
            summary_expected=lambda: True,
        )
        assert notes is not None
        self.notes = notes
        self._unsubscribe = self.tracker.subscribe(notes.on_call_changed)
        self.tasks.append(asyncio.get_running_loop().create_task(notes.run()))
        return notes

    async def stop_notes(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        task = self.tasks.pop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def restart(self) -> CallNoteService:
        """ctidesk quits and starts again: a new service on the same queue file."""
        assert self.notes is not None
        self.figures.append(self.notes.figures())
        await self.stop_notes()
        self.restarts += 1
        return self.start_notes()

    def summary_arrived(self, call_id: str, record: CallRecord) -> None:
        if self.notes is not None:
            self.notes.nfon_record(call_id, to_nfon_summary(record))

    def call(self, number: str = MARIA, *, at: datetime | None = None) -> str:
        """An answered inbound call, as the phone reports it; returns ctidesk's call id."""
        start = at or datetime.now(UTC) - timedelta(seconds=90)
        remote = parse_number(number)
        base = {"source": EventSource.PHONE, "remote": remote, "direction": Direction.INBOUND}
        call = self.tracker.handle(CallEvent(kind=EventKind.RINGING, at=start, **base))
        self.tracker.handle(
            CallEvent(kind=EventKind.ANSWERED, at=start + timedelta(seconds=7), **base)
        )
        self.tracker.handle(
            CallEvent(kind=EventKind.ENDED, at=start + timedelta(seconds=67), **base)
        )
        return call.id

    def maria_ticket(self) -> int:
        maria = next(u for u in self.zammad.users.values() if u["lastname"] == "Huber")
        return next(
            t["id"]
            for t in self.zammad.tickets.values()
            if t["customer_id"] == maria["id"] and t["state_id"] == 2
        )

    def notes_on(self, ticket_id: int) -> list[dict[str, object]]:
        return [
            a
            for a in self.zammad.ticket_articles(ticket_id)
            if str(a.get("message_id") or "").endswith("@ctidesk>")
        ]


def _settings(zammad_url: str, **notes: object) -> Settings:
    return Settings(
        zammad=ZammadSettings(
            url=zammad_url,
            agent_name="Agnes Agent",
            retry_initial_seconds=0.05,
            retry_max_seconds=0.2,
        ),
        call_notes=CallNotesSettings(enabled=True, **notes),  # type: ignore[arg-type]
    )


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    zammad = ZammadSimulator()
    nfon = NfonSimulator()
    await zammad.start()
    await nfon.start()
    journal = Journal(tmp_path / "journal.sqlite3")
    async with httpx.AsyncClient() as http:
        w = World(zammad, nfon, http, tmp_path, _settings(zammad.base_url), journal=journal)
        w.tracker.subscribe(journal.on_call_changed)
        store = MemorySecretStore({SecretName.NFON_REFRESH_TOKEN: nfon.issue_session()})
        tokens = TokenManager(NfonSettings(issuer=nfon.issuer), http, store)
        history = CallHistoryClient(http, nfon.history_url, tokens, customer=nfon.customer)
        stream = HistoryStream(
            history,
            journal_sink(journal, on_merged=w.summary_arrived),
            since=datetime.now(UTC) - timedelta(minutes=5),
            backoff_initial=0.01,
            backoff_max=0.05,
        )
        stream_task = asyncio.get_running_loop().create_task(stream.run())
        try:
            await until(lambda: nfon.open_history_streams == 1)
            yield w
        finally:
            while w.tasks:
                await w.stop_notes()
            stream_task.cancel()
            await asyncio.gather(stream_task, return_exceptions=True)
            journal.close()
            await nfon.stop()
            await zammad.stop()


def report(name: str, w: World, waits: tuple[float, ...]) -> None:
    """The figures the issue asks for, printed with ``-s``."""
    assert w.notes is not None
    last = w.notes.figures()
    print(
        f"\n[{name}] calls={last.calls} notes_written={last.notes_written} "
        f"duplicates_on_tickets=0 duplicates_avoided={last.duplicates_avoided} "
        f"waited_for_summary={last.waited_for_summary} "
        f"waits_s={[round(s, 1) for s in waits]} restarts={w.restarts}"
    )


async def test_one_complete_note_through_restart_outage_lost_reply_and_a_record_sent_twice(
    world: World,
) -> None:
    """The done-when scenario: a call, its ticket opened from the pop-up, NFON's summary late,
    a restart in between, a Zammad outage, a lost reply, the record sent twice."""
    w = world
    notes = w.start_notes()
    ticket = w.maria_ticket()
    before = len(w.zammad.ticket_articles(ticket))
    call_id = w.call()
    notes.ticket_opened(call_id, ticket)  # "Open ticket" on the pop-up, during the call
    notes.customer_found(call_id, "Maria Huber")
    notes.finish(call_id, ticket_id=notes.proposal(call_id), notes="Sends photos of the display.")
    created = datetime.now(UTC) - timedelta(seconds=90)
    record = w.nfon.add_record(
        created=created,
        duration=60,
        status="answered",
        caller=MARIA_NFON,
        transcription={"available": False},
    )
    await until(lambda: notes.status(call_id).state is NoteState.WAITING)  # type: ignore[union-attr]
    notes = await w.restart()  # ctidesk restarts while the note waits for the summary
    assert notes.status(call_id).state is NoteState.WAITING  # type: ignore[union-attr]
    await w.zammad.go_down()  # Zammad goes away before the summary comes
    w.nfon.resend_record(
        record["uuid"],
        transcription={"available": True, "summary": SUMMARY, "transcript": TRANSCRIPT},
    )
    await until(lambda: notes.status(call_id).detail.startswith("not yet"))  # type: ignore[union-attr]
    w.zammad.drop_next_article_replies(1, method="POST")  # back; the note's reply is lost
    await w.zammad.come_back()
    w.nfon.resend_record(record["uuid"])  # NFON sends the complete record again
    await until(lambda: notes.status(call_id).state is NoteState.DONE)  # type: ignore[union-attr]
    w.nfon.resend_record(record["uuid"])
    await asyncio.sleep(0.3)

    written = w.notes_on(ticket)
    assert len(written) == 1, written
    note = written[0]
    assert (note["type"], note["internal"], note["content_type"]) == ("phone", True, "text/html")
    body = str(note["body"])
    for part in (
        SUMMARY,
        "Sends photos of the display.",
        "Maria Huber",
        "Agnes Agent",
        "On Friday.",
    ):
        assert part in body
    assert "Talking:</b> 1:00" in body and "Waiting:</b> 0:07" in body
    assert len(w.zammad.ticket_articles(ticket)) == before + 1
    status = notes.status(call_id)
    assert status is not None and status.ticket_url.endswith(f"#ticket/zoom/{ticket}")
    figures = notes.figures()
    assert figures.notes_written == 1 and figures.duplicates_avoided >= 1
    report("late summary, restart, outage, lost reply, sent twice", w, figures.waits_seconds)


@pytest.mark.parametrize("completion", ["replace", "follow_up"])
async def test_a_summary_after_the_wait_completes_the_note(world: World, completion: str) -> None:
    """The note waits up to the setting, is written without the summary, and completed when
    it comes: replaced by one complete note, or followed by one follow-up note."""
    w = world
    w.settings = _settings(w.zammad.base_url, wait_for_summary_seconds=1, completion=completion)
    notes = w.start_notes()
    ticket = w.maria_ticket()
    call_id = w.call()
    notes.ticket_opened(call_id, ticket)
    notes.finish(call_id, ticket_id=ticket)
    await until(lambda: notes.status(call_id).state is NoteState.WRITTEN)  # type: ignore[union-attr]
    first = w.notes_on(ticket)
    assert len(first) == 1 and "summary was not ready" in str(first[0]["body"])
    record = w.nfon.add_record(
        created=datetime.now(UTC) - timedelta(seconds=90),
        duration=60,
        status="answered",
        caller=MARIA_NFON,
        transcription={"available": True, "summary": SUMMARY, "transcript": TRANSCRIPT},
    )
    await until(lambda: notes.status(call_id).state is NoteState.DONE)  # type: ignore[union-attr]
    w.nfon.resend_record(record["uuid"])
    await asyncio.sleep(0.3)
    written = w.notes_on(ticket)
    if completion == "replace":
        assert len(written) == 1 and SUMMARY in str(written[0]["body"])
        assert "summary was not ready" not in str(written[0]["body"])
    else:
        assert len(written) == 2 and SUMMARY in str(written[1]["body"])
    report(f"summary after the wait ({completion})", w, notes.figures().waits_seconds)


async def test_a_second_pc_never_writes_a_second_note(world: World) -> None:
    """Two ctidesk (own queues, own keys) decide the same ticket for one call: one note."""
    w = world
    ticket = w.maria_ticket()
    w.settings = _settings(w.zammad.base_url, wait_for_summary_seconds=0)
    first = w.start_notes(w.home / "pc1.sqlite3")
    second = w.start_notes(w.home / "pc2.sqlite3")
    call_id = w.call()
    for notes in (first, second):
        notes.ticket_opened(call_id, ticket)
        notes.finish(call_id, ticket_id=ticket)
    await until(
        lambda: all(
            n.status(call_id).state is NoteState.WRITTEN  # type: ignore[union-attr]
            for n in (first, second)
        )
    )
    assert len(w.notes_on(ticket)) == 1


async def test_without_nfon_the_note_has_what_ctidesk_knows(world: World, tmp_path: Path) -> None:
    """Point 5: no NFON, no waiting; the note says times, customer, agent and notes."""
    w = world
    notes = call_note_service(
        w.settings, tmp_path / "no-nfon.sqlite3", w.lookup(), summary_expected=lambda: False
    )
    assert notes is not None
    w.tracker.subscribe(notes.on_call_changed)
    task = asyncio.get_running_loop().create_task(notes.run())
    try:
        ticket = w.maria_ticket()
        call_id = w.call()
        notes.finish(call_id, ticket_id=ticket, notes="Wants a call back tomorrow.")
        await until(lambda: notes.status(call_id).state is NoteState.DONE)  # type: ignore[union-attr]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    body = str(w.notes_on(ticket)[0]["body"])
    assert "Wants a call back tomorrow." in body and "Summary" not in body


async def test_private_none_and_no_say_send_nothing(world: World) -> None:
    """Point 4 and point 1: private, "none", and a card closed without the agent's say."""
    w = world
    notes = w.start_notes()
    ticket = w.maria_ticket()
    before = len(w.zammad.ticket_articles(ticket))
    base = datetime.now(UTC) - timedelta(minutes=30)
    private = w.call(at=base)
    notes.ticket_opened(private, ticket)
    notes.finish(private, ticket_id=ticket, private=True)
    none = w.call(at=base + timedelta(minutes=5))
    notes.finish(none, ticket_id=None)
    unconfirmed = w.call(at=base + timedelta(minutes=10))
    notes.ticket_opened(unconfirmed, ticket)
    notes.finish(unconfirmed, ticket_id=ticket, confirmed=False)
    await asyncio.sleep(0.3)
    assert len(w.zammad.ticket_articles(ticket)) == before
    states = {notes.status(c).state for c in (private, none, unconfirmed)}  # type: ignore[union-attr]
    assert states == {NoteState.SKIPPED}
    assert notes.status(private).private  # type: ignore[union-attr]


async def test_notes_are_off_by_default(world: World, tmp_path: Path) -> None:
    """Point 4: nothing is built (so nothing is sent) until the agent turns notes on."""
    settings = Settings(zammad=ZammadSettings(url=world.zammad.base_url))
    assert (
        call_note_service(settings, tmp_path / "q.sqlite3", None, summary_expected=lambda: True)
        is None
    )


WRITER = """
import asyncio, sys
from datetime import datetime
import httpx
from ctidesk.clients.zammad.articles import call_note_service
from ctidesk.clients.zammad.lookup import ZammadLookup
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import CallNotesSettings, Settings, ZammadSettings

async def main():
    url, token, queue = sys.argv[1:4]
    settings = Settings(zammad=ZammadSettings(url=url), call_notes=CallNotesSettings(enabled=True))
    async with httpx.AsyncClient() as http:
        lookup = ZammadLookup(
            settings=settings.zammad,
            secrets=MemorySecretStore({SecretName.ZAMMAD_API_TOKEN: token}),
            http=http,
        )
        notes = call_note_service(settings, __import__("pathlib").Path(queue), lookup,
                                 summary_expected=lambda: False)
        print("writing", flush=True)
        await notes.process_due()

asyncio.run(main())
"""


async def test_kill_9_while_the_note_is_sent_makes_no_second_note(world: World) -> None:
    """A writer process killed with SIGKILL while Zammad stores its note (the reply never
    came): the next start finds the note by its key and writes nothing more."""
    w = world
    w.settings = _settings(w.zammad.base_url, wait_for_summary_seconds=0)
    queue = w.home / "killed.sqlite3"
    notes = call_note_service(w.settings, queue, w.lookup(), summary_expected=lambda: False)
    assert notes is not None
    w.tracker.subscribe(notes.on_call_changed)
    ticket = w.maria_ticket()
    call_id = w.call()
    notes.finish(call_id, ticket_id=ticket)  # decided and due; not written (no run task)
    notes.close()
    w.zammad.set_delay(2.0)  # Zammad is slow: the note is stored, the reply takes long
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        WRITER,
        w.zammad.base_url,
        w.zammad.agent_token,
        str(queue),
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None
    assert b"writing" in await child.stdout.readline()
    await until(lambda: any(r.method == "POST" for r in w.zammad.requests[-3:]))
    child.send_signal(signal.SIGKILL)
    await child.wait()
    w.zammad.set_delay(0)
    await until(lambda: len(w.notes_on(ticket)) == 1)  # Zammad stored it before the kill
    again = w.start_notes(queue)
    written = {NoteState.WRITTEN, NoteState.DONE}
    await until(lambda: again.status(call_id).state in written)  # type: ignore[union-attr]
    assert len(w.notes_on(ticket)) == 1
    assert again.figures().duplicates_avoided == 1


async def test_always_the_opened_ticket_also_after_a_restart(world: World) -> None:
    """Point 1's setting: the opened ticket is the say, also when the card closes by itself
    or ctidesk restarts before it was closed."""
    w = world
    w.settings = _settings(w.zammad.base_url, always_opened_ticket=True, wait_for_summary_seconds=0)
    notes = w.start_notes()
    ticket = w.maria_ticket()
    base = datetime.now(UTC) - timedelta(minutes=20)
    closed_by_itself = w.call(at=base)
    notes.ticket_opened(closed_by_itself, ticket, label="#31002")
    notes.finish(closed_by_itself, ticket_id=None, confirmed=False)
    cut_by_restart = w.call(at=base + timedelta(minutes=5))
    notes.ticket_opened(cut_by_restart, ticket)
    notes = await w.restart()
    written = {NoteState.WRITTEN, NoteState.DONE}
    for call_id in (closed_by_itself, cut_by_restart):
        await until(lambda c=call_id: notes.status(c).state in written)  # type: ignore[misc,union-attr]
    assert len(w.notes_on(ticket)) == 2
    assert notes.status(closed_by_itself).ticket_label == "#31002"  # type: ignore[union-attr]
