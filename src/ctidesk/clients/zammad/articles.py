"""Zammad's ticket articles for the after-call notes (`ctidesk.core.call_notes.TicketArticles`).

As Zammad's ``TicketArticlesController`` has them: ``POST /api/v1/ticket_articles`` (an internal
note of type ``phone``, HTML, attachments as base64), ``GET /api/v1/ticket_articles/by_ticket/:id``
to find a note written before (its ``message_id``), ``DELETE`` to replace a note. There is no
way to change a note's text: ``PUT`` changes only ``internal`` and the highlight.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ctidesk.clients.backoff import backoff_delay
from ctidesk.clients.zammad.lookup import ZammadHttpError, ZammadLookup, ZammadPermissionError
from ctidesk.config.settings import Settings
from ctidesk.core.call_notes import (
    CallNoteService,
    ExistingArticle,
    NoteDeleteRefused,
    NoteRefused,
    NoteSettings,
    NoteTicketGone,
)
from ctidesk.core.note_queue import NoteQueue
from ctidesk.core.note_text import ComposedNote, TranscriptMode


class ZammadArticles:
    """Reads and writes a ticket's articles with the agent's API token."""

    def __init__(self, lookup: ZammadLookup) -> None:
        self._lookup = lookup

    def ticket_url(self, ticket_id: int) -> str:
        return self._lookup.ticket_url(ticket_id)

    async def list_articles(self, ticket_id: int) -> list[ExistingArticle]:
        try:
            data = await self._lookup.request(
                "GET", f"/api/v1/ticket_articles/by_ticket/{int(ticket_id)}"
            )
        except ZammadHttpError as exc:
            if exc.status == 404:
                raise NoteTicketGone(str(ticket_id)) from exc
            raise
        found = []
        for item in data if isinstance(data, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("id"), int):
                continue
            message = item.get("message_id")
            found.append(
                ExistingArticle(
                    id=item["id"],
                    message_id=message if isinstance(message, str) else None,
                    body=str(item.get("body") or ""),
                )
            )
        return found

    async def write_note(self, ticket_id: int, note: ComposedNote) -> int:
        body: dict[str, Any] = {
            "ticket_id": int(ticket_id),
            "type": "phone",
            "internal": True,
            "content_type": note.content_type,
            "subject": note.subject,
            "body": note.body,
            "message_id": note.message_id,
        }
        if note.attachments:
            body["attachments"] = [
                {
                    "filename": item.filename,
                    "mime-type": item.mime_type,
                    "data": base64.b64encode(item.data).decode("ascii"),
                }
                for item in note.attachments
            ]
        try:
            data = await self._lookup.request("POST", "/api/v1/ticket_articles", json_body=body)
        except ZammadHttpError as exc:
            if exc.status == 404:
                raise NoteTicketGone(str(ticket_id)) from exc
            if exc.status == 422:
                raise NoteRefused(exc.detail or str(exc)) from exc
            raise
        if not isinstance(data, dict) or not isinstance(data.get("id"), int):
            raise NoteRefused("Zammad's answer named no article; look at the ticket in Zammad")
        return int(data["id"])

    async def delete_article(self, article_id: int) -> None:
        try:
            await self._lookup.request("DELETE", f"/api/v1/ticket_articles/{int(article_id)}")
        except ZammadPermissionError as exc:
            raise NoteDeleteRefused(
                "Zammad lets agents delete their own notes only for a few minutes"
            ) from exc
        except ZammadHttpError as exc:
            if exc.status == 404:
                return  # deleted already (an earlier attempt whose reply was lost)
            raise


def call_note_service(
    settings: Settings,
    queue_file: Path,
    lookup: ZammadLookup | None,
    *,
    summary_expected: Callable[[], bool],
) -> CallNoteService | None:
    """The after-call notes service when ``[call_notes] enabled`` (None otherwise): its queue
    in ``queue_file``, writing with the agent's token through ``lookup`` (Zammad's address and
    token missing: notes queue up until they are set)."""
    notes = settings.call_notes
    if not notes.enabled:
        return None
    zammad = settings.zammad
    return CallNoteService(
        NoteSettings(
            enabled=True,
            always_opened_ticket=notes.always_opened_ticket,
            wait_for_summary_seconds=notes.wait_for_summary_seconds,
            completion=notes.completion,
            transcript=TranscriptMode(notes.transcript),
            give_up_after_hours=notes.give_up_after_hours,
            retry_initial_seconds=zammad.retry_initial_seconds,
        ),
        NoteQueue(queue_file),
        ZammadArticles(lookup) if lookup is not None else None,
        agent=zammad.agent_name or next(iter(zammad.agent_names), ""),
        summary_expected=summary_expected,
        retry_delay=lambda failures: backoff_delay(
            failures, zammad.retry_initial_seconds, zammad.retry_max_seconds
        ),
    )
