"""The after-call note's text (issue 22 point 2): what it says, within Zammad's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ctidesk.core.note_text import (
    BODY_LIMIT,
    CallFacts,
    NfonSummary,
    NoteKind,
    Transcription,
    TranscriptLine,
    TranscriptMode,
    compose_note,
    find_reference,
    same_call,
)

START = datetime(2025, 3, 4, 9, 0, 0, tzinfo=UTC)
FACTS = CallFacts(
    direction="in",
    number="+498999998123",
    started_at=START,
    answered_at=START + timedelta(seconds=12),
    ended_at=START + timedelta(minutes=4, seconds=17),
    customer="Maria <Huber>",
    agent="Agnes Agent",
)
SUMMARY = NfonSummary(
    uuid="u1",
    transcription=Transcription.READY,
    summary="Error E42 & a visit on Friday.",
    transcript=(TranscriptLine("Maria", "Hello"), TranscriptLine("Agnes", "Hi")),
)


def note(**changes: object) -> tuple[str, int]:
    arguments: dict[str, object] = {
        "key": "k1",
        "kind": NoteKind.NOTE,
        "facts": FACTS,
        "nfon": SUMMARY,
        "agent_notes": "Sends <photos>.",
        "transcript": TranscriptMode.COLLAPSED,
    }
    composed = compose_note(**{**arguments, **changes})  # type: ignore[arg-type]
    return composed.body, len(composed.attachments)


def test_the_note_says_every_fact_and_escapes_what_people_typed() -> None:
    body, attached = note()
    for part in (
        "Incoming call",
        "+498999998123",
        "Maria &lt;Huber&gt;",
        "Waiting:</b> 0:12",
        "Talking:</b> 4:05",
        "Agnes Agent",
        "Error E42 &amp; a visit on Friday.",
        "Sends &lt;photos&gt;.",
        "<details><summary>Transcript (NFON)</summary>",
        "Maria: Hello",
    ):
        assert part in body
    assert attached == 0


def test_the_transcript_is_attached_when_asked_or_too_long_for_the_body() -> None:
    body, attached = note(transcript=TranscriptMode.ATTACHED)
    assert attached == 1 and "attached as a text file" in body and "<details>" not in body
    long = NfonSummary(
        uuid="u1",
        transcription=Transcription.READY,
        summary="s",
        transcript=(TranscriptLine("Maria", "x" * BODY_LIMIT),),
    )
    body, attached = note(nfon=long)
    assert attached == 1 and len(body) < BODY_LIMIT
    body, attached = note(transcript=TranscriptMode.OFF)
    assert attached == 0 and "Transcript" not in body


def test_a_note_is_found_again_by_its_reference_line() -> None:
    """The reference line names the key and the call, so a second PC sees the same call."""
    body, _ = note()
    reference = find_reference(body)
    assert reference is not None and (reference.key, reference.kind) == ("k1", "note")
    assert same_call(reference, FACTS)
    later = CallFacts(direction="in", number=FACTS.number, started_at=START + timedelta(minutes=3))
    assert not same_call(reference, later)


def test_a_note_written_before_the_summary_says_it_follows() -> None:
    body, _ = note(nfon=None, summary_follows=True)
    assert "summary was not ready; it follows" in body
    body, _ = note(nfon=None)
    assert "summary" not in body.lower().replace("<summary>", "")
