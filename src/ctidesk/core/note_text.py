"""The text of an after-call note: what the agent reads in the Zammad ticket.

One internal phone note per call: direction, number and customer, start, waiting and talking
time, the agent, NFON's summary, the agent's own notes, and NFON's transcript (folded at the
end or attached as text). Every note ends with a reference line and carries a ``message_id``
that name the call, so a later attempt (after a crash, a lost reply, on a second PC) finds the
note already on the ticket instead of writing it again.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

BODY_LIMIT = 1_500_000
"""Zammad refuses longer article bodies (``Ticket::Article#check_body``)."""
SAME_CALL_WINDOW = timedelta(minutes=2)
"""Two notes about calls with one number, one direction and starts this close are one call
(the journal matches NFON's records to calls the same way)."""


class NoteKind(StrEnum):
    """``note``: the note of the call; ``summary``: NFON's summary that came after it;
    ``complete``: a whole note that replaces a first one written without the summary."""

    NOTE = "note"
    SUMMARY = "summary"
    COMPLETE = "complete"


class TranscriptMode(StrEnum):
    COLLAPSED = "collapsed"
    ATTACHED = "attached"
    OFF = "off"


class Transcription(StrEnum):
    """What NFON said about a transcription: ``none`` the tenant has none for this call (the
    record has no transcription), ``pending`` not ready yet, ``ready`` summary/transcript in."""

    NONE = "none"
    PENDING = "pending"
    READY = "ready"


@dataclass(frozen=True)
class TranscriptLine:
    speaker: str
    text: str
    at: datetime | None = None


@dataclass(frozen=True)
class NfonSummary:
    """What an NFON call-history record brings to the note."""

    uuid: str
    transcription: Transcription
    summary: str | None = None
    transcript: tuple[TranscriptLine, ...] = ()

    @property
    def final(self) -> bool:
        """Nothing more will come: a summary, or no transcription for this call at all."""
        return self.transcription is not Transcription.PENDING


@dataclass(frozen=True)
class CallFacts:
    """What ctidesk knows of the call itself (written even without NFON)."""

    direction: str
    number: str
    started_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    customer: str | None = None
    agent: str = ""

    @property
    def waiting_seconds(self) -> int:
        end = self.answered_at or self.ended_at or self.started_at
        return max(0, int((end - self.started_at).total_seconds()))

    @property
    def talking_seconds(self) -> int:
        if self.answered_at is None or self.ended_at is None:
            return 0
        return max(0, int((self.ended_at - self.answered_at).total_seconds()))


@dataclass(frozen=True)
class NoteAttachment:
    filename: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class ComposedNote:
    """An internal phone note as Zammad's article API takes it."""

    subject: str
    body: str
    message_id: str
    content_type: str = "text/html"
    attachments: tuple[NoteAttachment, ...] = field(default=())


def message_id(key: str, kind: NoteKind) -> str:
    """The note's ``message_id``: Zammad stores it as sent and lists it with the article."""
    return f"<{kind.value}.{key}@ctidesk>"


def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def _paragraphs(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text.strip().splitlines())


def transcript_text(lines: tuple[TranscriptLine, ...]) -> str:
    """The transcript as plain text, one line per utterance."""
    rows = []
    for line in lines:
        when = line.at.astimezone().strftime("%H:%M:%S") + " " if line.at else ""
        rows.append(f"{when}{line.speaker}: {line.text}")
    return "\n".join(rows)


def reference_line(key: str, kind: NoteKind, facts: CallFacts) -> str:
    start = facts.started_at.isoformat()
    return f"ctidesk ref {key} {kind.value} · call {facts.direction} {facts.number} {start}"


_REFERENCE = re.compile(r"ctidesk ref (\w+) (\w+) · call (\w+) ([^\s<]+) ([^\s<]+)")


@dataclass(frozen=True)
class NoteReference:
    key: str
    kind: str
    direction: str
    number: str
    started_at: datetime


def find_reference(body: str) -> NoteReference | None:
    """The reference line of a note ctidesk wrote (on any PC), or None."""
    found = _REFERENCE.search(html.unescape(body or ""))
    if found is None:
        return None
    try:
        started = datetime.fromisoformat(found.group(5))
    except ValueError:
        return None
    key, kind, direction, number = found.group(1), found.group(2), found.group(3), found.group(4)
    return NoteReference(key, kind, direction, number, started)


def same_call(reference: NoteReference, facts: CallFacts) -> bool:
    """A note another ctidesk wrote about this call (its own key, the same call)."""
    return (
        reference.direction == facts.direction
        and reference.number == facts.number
        and abs(reference.started_at - facts.started_at) <= SAME_CALL_WINDOW
    )


def compose_note(
    *,
    key: str,
    kind: NoteKind,
    facts: CallFacts,
    nfon: NfonSummary | None,
    agent_notes: str,
    transcript: TranscriptMode,
    summary_follows: bool = False,
) -> ComposedNote:
    """The note (or the follow-up with the summary) as HTML, within Zammad's body limit;
    ``summary_follows``: NFON's summary is still to come (the note says so)."""
    inbound = facts.direction == "in"
    title = "Incoming call" if inbound else "Outgoing call"
    who = facts.customer or facts.number
    subject = f"{title} {'from' if inbound else 'to'} {who}"
    parts: list[str] = []
    if kind is NoteKind.SUMMARY:
        subject = f"NFON summary: {subject}"
        parts.append(
            f"<p>NFON's summary of the call of {html.escape(_local(facts.started_at))}, "
            "which came after the call's note.</p>"
        )
    else:
        rows = [
            ("Call", title),
            ("Number", facts.number),
            ("Customer", facts.customer or "not known in Zammad"),
            ("Start", _local(facts.started_at)),
            ("Waiting", _duration(facts.waiting_seconds)),
            ("Talking", _duration(facts.talking_seconds)),
            ("Agent", facts.agent or "not set"),
        ]
        parts.append(
            "<p>"
            + "<br>".join(f"<b>{html.escape(k)}:</b> {html.escape(v)}" for k, v in rows)
            + "</p>"
        )
    if nfon is not None and nfon.summary:
        parts.append(f"<p><b>Summary (NFON):</b><br>{_paragraphs(nfon.summary)}</p>")
    elif kind is NoteKind.NOTE and summary_follows:
        parts.append("<p><i>NFON's summary was not ready; it follows when NFON sends it.</i></p>")
    if kind is not NoteKind.SUMMARY and agent_notes.strip():
        parts.append(f"<p><b>Notes:</b><br>{_paragraphs(agent_notes)}</p>")
    lines = nfon.transcript if nfon is not None else ()
    attachments: list[NoteAttachment] = []
    footer = f'<p style="color:#888">{html.escape(reference_line(key, kind, facts))}</p>'
    if lines and transcript is not TranscriptMode.OFF:
        text = transcript_text(lines)
        folded = (
            "<details><summary>Transcript (NFON)</summary><p>"
            + _paragraphs(text)
            + "</p></details>"
        )
        fits = sum(map(len, parts)) + len(folded) + len(footer) <= BODY_LIMIT
        if transcript is TranscriptMode.COLLAPSED and fits:
            parts.append(folded)
        else:
            stamp = facts.started_at.strftime("%Y%m%d-%H%M%S")
            attachments.append(
                NoteAttachment(f"transcript-{stamp}.txt", "text/plain", text.encode("utf-8"))
            )
            parts.append("<p>Transcript (NFON): attached as a text file.</p>")
    parts.append(footer)
    return ComposedNote(
        subject=subject,
        body="".join(parts),
        message_id=message_id(key, kind),
        attachments=tuple(attachments),
    )
