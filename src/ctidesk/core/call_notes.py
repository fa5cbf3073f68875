"""After-call notes: the call, NFON's summary and the agent's notes, once, on the right ticket.

Which ticket, in order of certainty: the one the agent opened or created from the pop-up
during the call or in its after-call card (a proposal), confirmed by "Done" in the after-call
card, or the one the agent picks there (or "none"). Without the agent's say nothing is
written, unless ``[call_notes] always_opened_ticket`` takes the opened ticket as the say.

When: NFON sends a call's summary minutes after it ended (the record comes again when the
summary is ready). A decided note waits for it up to ``wait_for_summary_seconds`` after the
call, then is written without it, and completed when it comes (a follow-up note, or a complete
note that replaces the first). Without NFON the note is written at once with what ctidesk has.

Exactly once: each call has an idempotency key, stored (`NoteQueue`) before anything is sent.
Before every write the ticket's articles are read; a note carrying the key (its
``message_id`` or reference line), or another ctidesk's note about the same call, is taken
as written. So kill -9, a lost reply, a restart, an outage, NFON's record arriving twice, or a
second PC never make a second note.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from ctidesk.core.calls import Call, CallChanged, ChangeKind, utcnow
from ctidesk.core.note_queue import ACTIVE_STATES, FINAL_STATES, NoteQueue, NoteRecord, NoteState
from ctidesk.core.note_text import (
    CallFacts,
    ComposedNote,
    NfonSummary,
    NoteKind,
    TranscriptMode,
    compose_note,
    find_reference,
    message_id,
    same_call,
)

log = logging.getLogger(__name__)

MAX_SLEEP_SECONDS = 30.0


class NoteTicketGone(Exception):
    """Zammad has no such ticket (deleted or merged): the note cannot go there."""


class NoteRefused(Exception):
    """Zammad refused the note itself (422): sending it again would not help."""


class NoteDeleteRefused(Exception):
    """Zammad would not delete a note (too old, not the agent's own)."""


@dataclass(frozen=True)
class ExistingArticle:
    id: int
    message_id: str | None
    body: str


class TicketArticles(Protocol):
    """Zammad's ticket articles as the notes need them (`clients/zammad/articles.py`).

    Errors: `NoteTicketGone`, `NoteRefused`, `NoteDeleteRefused`; anything else is
    transient and retried."""

    async def list_articles(self, ticket_id: int) -> list[ExistingArticle]: ...

    async def write_note(self, ticket_id: int, note: ComposedNote) -> int: ...

    async def delete_article(self, article_id: int) -> None: ...

    def ticket_url(self, ticket_id: int) -> str: ...


@dataclass(frozen=True)
class NoteSettings:
    """The `[call_notes]` settings the service reads (``config`` is not imported in core)."""

    enabled: bool = False
    always_opened_ticket: bool = False
    wait_for_summary_seconds: float = 600.0
    completion: str = "follow_up"
    transcript: TranscriptMode = TranscriptMode.COLLAPSED
    give_up_after_hours: float = 72.0
    retry_initial_seconds: float = 1.0


@dataclass(frozen=True)
class NoteStatus:
    """What the journal shows for a call: the state, the ticket and its link, and a sentence
    (``detail``) saying what was written or why not."""

    state: NoteState
    ticket_id: int | None
    ticket_url: str
    detail: str
    private: bool = False
    ticket_label: str = ""
    """How the agent knows the ticket (its number, ``#31002``); empty: only the id is known."""


@dataclass(frozen=True)
class NoteFigures:
    calls: int
    notes_written: int
    duplicates_avoided: int
    waited_for_summary: int
    waits_seconds: tuple[float, ...]
    completed_later: int
    skipped: int
    failed: int


def facts_of(call: Call, agent: str, customer: str | None = None) -> CallFacts:
    return CallFacts(
        direction=call.direction.value,
        number=call.remote.e164 or call.remote.raw,
        started_at=call.started_at,
        answered_at=call.answered_at,
        ended_at=call.ended_at,
        customer=customer,
        agent=agent,
    )


class CallNoteService:
    """Decides each call's ticket, composes its note and writes it exactly once."""

    def __init__(
        self,
        settings: NoteSettings,
        queue: NoteQueue,
        articles: TicketArticles | None,
        *,
        agent: str = "",
        summary_expected: Callable[[], bool] = lambda: False,
        clock: Callable[[], datetime] = utcnow,
        retry_delay: Callable[[int], float] | None = None,
    ) -> None:
        """``retry_delay(failures)``: seconds before the next attempt after that many failures
        in a row (the composition root passes the clients' one back-off; default: a steady
        ``retry_initial_seconds``)."""
        self.settings = settings
        self._queue = queue
        self._articles = articles
        self._agent = agent
        self._summary_expected = summary_expected
        self._clock = clock
        self._retry_delay = retry_delay or (lambda _failures: settings.retry_initial_seconds)
        self._wakeup: asyncio.Event | None = None
        self._started = clock()

    # ------------------------------------------------------------------ what happens to calls

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    def on_call_changed(self, change: CallChanged) -> None:
        """Tracker subscriber: keep the call's facts; nothing is decided here."""
        if not self.enabled:
            return
        record = self._queue.get(change.call.id)
        if record is None:
            record = NoteRecord(
                call_id=change.call.id,
                key=uuid.uuid4().hex,
                state=NoteState.OPEN,
                created_at=self._clock(),
            )
        customer = record.facts.customer if record.facts else None
        record = record.but(facts=facts_of(change.call, self._agent, customer))
        self._queue.put(record)
        if change.change is ChangeKind.ENDED and record.state is NoteState.WAITING:
            self._schedule(record)

    def customer_found(self, call_id: str, name: str | None) -> None:
        """Zammad's customer for the call (from the pop-up's look-up)."""
        record = self._queue.get(call_id)
        if record is None or record.facts is None or not name or record.state in FINAL_STATES:
            return
        self._queue.put(record.but(facts=replace(record.facts, customer=name)))

    def ticket_opened(
        self, call_id: str, ticket_id: int, source: str = "opened", label: str = ""
    ) -> None:
        """The agent opened (or created, ``source="created"``) a ticket from the pop-up;
        ``label`` is how the agent knows it (its number)."""
        record = self._queue.get(call_id)
        if record is None or record.state is not NoteState.OPEN:
            return
        self._queue.put(
            record.but(
                proposal_ticket=ticket_id,
                proposal_source=source,
                proposal_label=label,
                history=(*record.history, f"ticket {ticket_id} {source} from the pop-up"),
            )
        )

    def proposal(self, call_id: str) -> int | None:
        """The ticket the after-call card preselects (opened or created during the call)."""
        record = self._queue.get(call_id)
        return record.proposal_ticket if record is not None else None

    def finish(
        self,
        call_id: str,
        *,
        ticket_id: int | None,
        notes: str = "",
        private: bool = False,
        confirmed: bool = True,
        ticket_label: str = "",
    ) -> None:
        """The after-call card closed. ``confirmed``: the agent pressed Done with this choice
        (``ticket_id`` None: "none"); otherwise it closed by itself or with ✕."""
        record = self._queue.get(call_id)
        if record is None or record.state is not NoteState.OPEN:
            return
        record = record.but(agent_notes=notes)
        if private:
            self._skip(record, "marked private: nothing was sent")
        elif confirmed and ticket_id is not None:
            source = record.proposal_source if ticket_id == record.proposal_ticket else "picked"
            self._decide(record.but(ticket_label=ticket_label), ticket_id, source)
        elif confirmed:
            self._skip(record, 'no ticket chosen ("none")')
        elif self.settings.always_opened_ticket and record.proposal_ticket is not None:
            proposal = record.proposal_ticket
            record = record.but(ticket_label=record.proposal_label)
            self._decide(record, proposal, "always the opened ticket")
        else:
            self._skip(record, "no ticket chosen: the after-call card closed without one")

    def nfon_record(self, call_id: str, nfon: NfonSummary) -> None:
        """NFON's record for the call (again, when it changes): the summary, maybe."""
        record = self._queue.get(call_id)
        if record is None or record.state in FINAL_STATES:
            return
        kept = record.nfon
        if kept is not None and kept.final and not nfon.final:
            return  # an older copy after the complete one
        if kept == nfon:
            return  # sent twice
        record = record.but(nfon=nfon)
        if record.state is NoteState.WAITING and nfon.final:
            record = record.but(
                state=NoteState.DUE,
                next_attempt_at=self._clock(),
                waited_seconds=self._waited(record),
            )
        elif record.state is NoteState.WRITTEN and nfon.summary:
            record = record.but(state=NoteState.COMPLETING, next_attempt_at=self._clock())
        elif record.state is NoteState.WRITTEN and nfon.final:
            record = record.but(state=NoteState.DONE, outcome=record.outcome + "; NFON had none")
        self._queue.put(record)
        self._wake()

    def resume(self) -> None:
        """At start: calls whose card this process never showed (it started after them)."""
        for record in self._queue.in_states({NoteState.OPEN}):
            ended = record.facts is not None and record.facts.ended_at is not None
            if ended and record.created_at < self._started:
                self.finish(
                    record.call_id, ticket_id=None, notes=record.agent_notes, confirmed=False
                )

    # ------------------------------------------------------------------ decisions

    def _decide(self, record: NoteRecord, ticket_id: int, source: str) -> None:
        record = record.but(
            ticket_id=ticket_id,
            ticket_source=source,
            history=(*record.history, f"ticket {ticket_id} chosen ({source})"),
        )
        self._schedule(record.but(state=NoteState.WAITING))

    def _schedule(self, record: NoteRecord) -> None:
        """WAITING for the summary, or DUE now (NFON has it, or there is no NFON)."""
        now = self._clock()
        ended = record.facts.ended_at if record.facts else None
        if ended is None:
            self._queue.put(record)  # decided during the call: the deadline starts at its end
            return
        expected = self._summary_expected() and (record.nfon is None or not record.nfon.final)
        deadline = ended + timedelta(seconds=self.settings.wait_for_summary_seconds)
        if expected and deadline > now:
            self._queue.put(record.but(state=NoteState.WAITING, deadline=deadline))
        else:
            waited = self._waited(record) if expected or record.nfon is not None else None
            self._queue.put(
                record.but(
                    state=NoteState.DUE,
                    deadline=deadline,
                    next_attempt_at=now,
                    waited_seconds=waited,
                )
            )
        self._wake()

    def _waited(self, record: NoteRecord) -> float | None:
        ended = record.facts.ended_at if record.facts else None
        if ended is None:
            return None
        return max(0.0, (self._clock() - ended).total_seconds())

    def _skip(self, record: NoteRecord, why: str) -> None:
        self._queue.put(record.but(state=NoteState.SKIPPED, outcome=why))

    # ------------------------------------------------------------------ writing

    def _wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    async def run(self) -> None:
        """Write what is due, until cancelled (a task of the composition root); then the
        queue is closed (what is owed stays in it for the next start)."""
        self._wakeup = asyncio.Event()
        try:
            self.resume()
            while True:
                self._wakeup.clear()
                delay = await self.process_due()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=delay)
        finally:
            self.close()

    def close(self) -> None:
        self._queue.close()

    async def process_due(self) -> float:
        """One pass: deadlines passed become due, due notes are written; returns how long to
        sleep before the next pass."""
        now = self._clock()
        for record in self._queue.in_states({NoteState.WAITING}):
            if record.deadline is not None and record.deadline <= now:
                self._queue.put(
                    record.but(
                        state=NoteState.DUE,
                        next_attempt_at=now,
                        waited_seconds=self._waited(record),
                        summary_missing=True,
                    )
                )
        sleep = MAX_SLEEP_SECONDS
        for record in self._queue.in_states(ACTIVE_STATES):
            when = record.next_attempt_at or now
            if when <= now and self._articles is not None:
                record = await self._attempt(record)
                when = record.next_attempt_at or now
            if record.state in ACTIVE_STATES:
                sleep = min(sleep, max(0.05, (when - self._clock()).total_seconds()))
        for record in self._queue.in_states({NoteState.WAITING}):
            if record.deadline is not None:
                sleep = min(sleep, max(0.05, (record.deadline - self._clock()).total_seconds()))
        return sleep

    async def _attempt(self, record: NoteRecord) -> NoteRecord:
        assert self._articles is not None and record.ticket_id is not None
        record = record.but(attempts=record.attempts + 1)
        self._queue.put(record)  # the attempt is on record before anything is sent
        try:
            if record.state is NoteState.DUE:
                record = await self._write_note(record)
            else:
                record = await self._complete(record)
        except NoteTicketGone:
            record = record.but(
                state=NoteState.FAILED,
                outcome=f"Zammad has no ticket {record.ticket_id} any more (deleted or merged); "
                "the note was not written",
            )
        except NoteRefused as exc:
            record = record.but(state=NoteState.FAILED, outcome=f"Zammad refused the note: {exc}")
        except Exception as exc:  # an outage, a timeout, a 5xx: try again later
            record = self._retry_later(record, str(exc) or type(exc).__name__)
        self._queue.put(record)
        return record

    def _retry_later(self, record: NoteRecord, error: str) -> NoteRecord:
        now = self._clock()
        if now - record.created_at > timedelta(hours=self.settings.give_up_after_hours):
            return record.but(
                state=NoteState.FAILED,
                last_error=error,
                outcome=f"Zammad did not take the note for {self.settings.give_up_after_hours:g} "
                f"hours ({error})",
            )
        delay = self._retry_delay(record.attempts)
        log.info(
            "after-call note for call %s not written yet (%s); again in %.1f s",
            record.call_id,
            error,
            delay,
        )
        return record.but(last_error=error, next_attempt_at=now + timedelta(seconds=delay))

    async def _find(self, record: NoteRecord, kinds: set[NoteKind]) -> ExistingArticle | None:
        """The ticket's article that is this note already: our key, or another ctidesk's note
        about the same call."""
        assert self._articles is not None and record.ticket_id is not None and record.facts
        ours = {message_id(record.key, kind) for kind in kinds}
        for article in await self._articles.list_articles(record.ticket_id):
            if article.message_id in ours:
                return article
            reference = find_reference(article.body)
            if (
                reference is not None
                and reference.kind in {k.value for k in kinds}
                and same_call(reference, record.facts)
            ):
                return article
        return None

    async def _settle(self, record: NoteRecord, written: int, kinds: set[NoteKind]) -> int:
        """Two PCs that wrote the same call's note at the same moment: the later of them sees
        both and removes its own, so the note with the lower id is the one kept."""
        assert self._articles is not None and record.ticket_id is not None and record.facts
        kind_names = {k.value for k in kinds}
        same = [written]
        for article in await self._articles.list_articles(record.ticket_id):
            reference = find_reference(article.body)
            if (
                article.id != written
                and reference is not None
                and reference.key != record.key
                and reference.kind in kind_names
                and same_call(reference, record.facts)
            ):
                same.append(article.id)
        first = min(same)
        if first != written:
            try:
                await self._articles.delete_article(written)
            except NoteDeleteRefused:
                return written
        return first

    def _compose(
        self, record: NoteRecord, kind: NoteKind, summary_follows: bool = False
    ) -> ComposedNote:
        assert record.facts is not None
        return compose_note(
            key=record.key,
            kind=kind,
            facts=record.facts,
            nfon=record.nfon,
            agent_notes=record.agent_notes,
            transcript=self.settings.transcript,
            summary_follows=summary_follows,
        )

    async def _write_note(self, record: NoteRecord) -> NoteRecord:
        ticket_id = record.ticket_id
        assert self._articles is not None and ticket_id is not None
        complete = record.nfon is not None and record.nfon.final
        expected = self._summary_expected() or record.nfon is not None
        state = NoteState.DONE if complete or not expected else NoteState.WRITTEN
        found = await self._find(record, {NoteKind.NOTE, NoteKind.COMPLETE})
        now = self._clock()
        if found is not None:
            article_id = found.id
            record = record.but(duplicates_avoided=record.duplicates_avoided + 1)
            how = "found on the ticket already (written before a restart or by another PC)"
        else:
            note = self._compose(record, NoteKind.NOTE, state is NoteState.WRITTEN)
            article_id = await self._articles.write_note(ticket_id, note)
            how = "written"
            kept = await self._settle(record, article_id, {NoteKind.NOTE, NoteKind.COMPLETE})
            if kept != article_id:
                article_id = kept
                record = record.but(duplicates_avoided=record.duplicates_avoided + 1)
                how = "written at the same moment by another PC (its note kept, ours removed)"
        what = "with NFON's summary" if record.nfon and record.nfon.summary else "without a summary"
        return record.but(
            state=state,
            article_id=article_id,
            written_at=now,
            completed_at=now if state is NoteState.DONE else None,
            last_error="",
            outcome=f"note {how} on ticket {ticket_id} {what}",
        )

    async def _complete(self, record: NoteRecord) -> NoteRecord:
        """The summary came after the note: a follow-up note, or a complete one replacing it."""
        ticket_id = record.ticket_id
        assert self._articles is not None and ticket_id is not None
        replacing = self.settings.completion == "replace"
        kind = NoteKind.COMPLETE if replacing else NoteKind.SUMMARY
        found = await self._find(record, {kind})
        if found is not None:
            extra = found.id
            record = record.but(duplicates_avoided=record.duplicates_avoided + 1)
        else:
            extra = await self._articles.write_note(ticket_id, self._compose(record, kind))
        outcome = f"NFON's summary added to ticket {record.ticket_id} as a follow-up note"
        if replacing:
            outcome = f"note on ticket {record.ticket_id} replaced by a complete one"
            record = record.but(extra_article_id=extra)
            self._queue.put(record)
            if record.article_id is not None:
                try:
                    await self._articles.delete_article(record.article_id)
                except NoteDeleteRefused as exc:
                    outcome += f"; the first note stayed ({exc})"
        return record.but(
            state=NoteState.DONE,
            extra_article_id=extra,
            completed_at=self._clock(),
            last_error="",
            outcome=outcome,
        )

    # ------------------------------------------------------------------ what the journal shows

    def status(self, call_id: str) -> NoteStatus | None:
        record = self._queue.get(call_id)
        if record is None:
            return None
        url = ""
        if record.ticket_id is not None and self._articles is not None:
            url = self._articles.ticket_url(record.ticket_id)
        detail = record.outcome
        if record.last_error and record.state in ACTIVE_STATES:
            detail = f"not yet: {record.last_error}"
        return NoteStatus(
            state=record.state,
            ticket_id=record.ticket_id,
            ticket_url=url,
            detail=detail,
            private=record.outcome.startswith("marked private"),
            ticket_label=record.ticket_label,
        )

    def figures(self) -> NoteFigures:
        records = self._queue.all()
        waits = tuple(
            r.waited_seconds
            for r in records
            if r.waited_seconds is not None and r.article_id is not None
        )
        return NoteFigures(
            calls=len(records),
            notes_written=sum(1 for r in records if r.article_id is not None),
            duplicates_avoided=sum(r.duplicates_avoided for r in records),
            waited_for_summary=len(waits),
            waits_seconds=waits,
            completed_later=sum(1 for r in records if r.extra_article_id is not None),
            skipped=sum(1 for r in records if r.state is NoteState.SKIPPED),
            failed=sum(1 for r in records if r.state is NoteState.FAILED),
        )
