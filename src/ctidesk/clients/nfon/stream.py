"""The live Call History stream, kept complete across drops.

NFON documents neither resume nor replay for the SSE stream, so after every gap (and after an
event it could not read, which may have swallowed the next one) ctidesk lists the records since
the last one it saw and upserts by uuid: a record re-sent (for example when its
transcription is ready) updates, and nothing is reported twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from ctidesk.clients.backoff import Backoff
from ctidesk.clients.nfon.errors import NfonApiError, NfonError, NfonUnreachable, NotSignedIn
from ctidesk.clients.nfon.history import CallHistoryClient, HistoryQuery
from ctidesk.clients.nfon.records import CallRecord, to_history_record
from ctidesk.core.journal import HistoryRecord, Journal

log = logging.getLogger(__name__)

RecordCallback = Callable[[CallRecord], Awaitable[None] | None]
FATAL_STATUSES = frozenset({400, 403, 404})
STABLE_CONNECTION_SECONDS = 30.0


class StreamStatus(StrEnum):
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"


class RecordBook:
    """Which version of each record was last reported; decides what is news (plain logic)."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._capacity = capacity
        self._known: OrderedDict[str, tuple[datetime | None, bytes]] = OrderedDict()
        self.newest_created: datetime | None = None

    def is_news(self, record: CallRecord) -> bool:
        """True when the record is new or a later version; remembers it if so."""
        known = self._known.get(record.uuid)
        # A digest, not the record's JSON: the book remembers up to 20,000 records for a
        # tray app that runs for weeks (16 bytes each instead of about 600).
        fingerprint = hashlib.blake2b(record.fingerprint().encode(), digest_size=16).digest()
        if known is not None:
            known_updated, known_fingerprint = known
            if fingerprint == known_fingerprint:
                return False
            if known_updated is not None and (
                record.updated is None or record.updated < known_updated
            ):
                return False
        self._known[record.uuid] = (record.updated, fingerprint)
        self._known.move_to_end(record.uuid)
        while len(self._known) > self._capacity:
            self._known.popitem(last=False)
        if record.created_parsed and (
            self.newest_created is None or record.created > self.newest_created
        ):
            self.newest_created = record.created
        return True


class HistoryStream:
    """Runs until cancelled; reconnects with jittered back-off and backfills after every gap."""

    def __init__(
        self,
        client: CallHistoryClient,
        on_record: RecordCallback,
        *,
        extension: str | None = None,
        since: datetime | None = None,
        page_size: int = 100,
        overlap: timedelta = timedelta(hours=3),
        fetch_summaries: bool = True,
        backoff_initial: float = 1.0,
        backoff_max: float = 60.0,
        jitter: Callable[[], float] = random.random,
        on_status: Callable[[StreamStatus, str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._on_record = on_record
        self._extension = extension or None
        self._since = since
        self._page_size = page_size
        self._overlap = overlap
        self._fetch_summaries = fetch_summaries
        self.backoff = Backoff(backoff_initial, backoff_max, jitter)
        self._on_status = on_status or (lambda _status, _detail: None)
        self._clock = clock
        self.book = RecordBook()
        self.last_event_id: str | None = None
        self.connections = 0
        self.backfills = 0
        self._watermark: datetime | None = since

    async def run(self) -> None:
        gap = self._since is not None
        while True:
            opened_at: float | None = None
            received = False

            async def opened(needs_backfill: bool = gap) -> None:
                nonlocal opened_at
                opened_at = self._clock()
                self.connections += 1
                if self._watermark is None:
                    self._watermark = datetime.now(UTC)
                self._on_status(StreamStatus.CONNECTED, "")
                if needs_backfill:
                    await self._backfill()

            try:
                async for event in self._client.stream(
                    last_event_id=self.last_event_id,
                    extension=self._extension,
                    on_open=opened,
                    on_unreadable=self._backfill,
                ):
                    received = True
                    if event.event_id is not None:
                        self.last_event_id = event.event_id
                    await self._deliver(event.record)
                detail = "the server closed the stream"
            except NotSignedIn as exc:
                self._on_status(StreamStatus.STOPPED, str(exc))
                raise
            except NfonApiError as exc:
                if exc.status in FATAL_STATUSES:
                    self._on_status(StreamStatus.STOPPED, str(exc))
                    raise
                detail = str(exc)
            except NfonUnreachable as exc:
                detail = str(exc)
            gap = True
            stable = opened_at is not None and (
                received or self._clock() - opened_at >= STABLE_CONNECTION_SECONDS
            )
            if stable:
                self.backoff.reset()
            delay = self.backoff.next_delay()
            log.info("NFON call stream interrupted (%s); reconnecting in %.1f s", detail, delay)
            self._on_status(StreamStatus.RECONNECTING, detail)
            await asyncio.sleep(delay)

    async def _backfill(self) -> None:
        """List everything since the last record seen (with overlap); the book drops repeats."""
        watermark = self.book.newest_created or self._watermark
        since = watermark - self._overlap if watermark is not None else None
        query = HistoryQuery(
            since=since, sort="asc", limit=self._page_size, extension=self._extension
        )
        records = await self._client.all_records(query)
        self.backfills += 1
        for record in records:
            await self._deliver(record)

    async def _deliver(self, record: CallRecord) -> None:
        if not self.book.is_news(record):
            return
        if (
            self._fetch_summaries
            and record.transcription is not None
            and record.transcription.available
            and not record.transcription.summary
        ):
            try:
                full = await self._client.get(record.uuid, complete=True)
                if full.transcription is not None:
                    record = record.model_copy(update={"transcription": full.transcription})
            except NfonError as exc:
                log.warning("could not fetch the summary of NFON call %s: %s", record.uuid, exc)
        result = self._on_record(record)
        if inspect.isawaitable(result):
            await result


def journal_sink(
    journal: Journal,
    default_region: str = "DE",
    also: Callable[[HistoryRecord], None] | None = None,
    on_merged: Callable[[str, CallRecord], None] | None = None,
) -> Callable[[CallRecord], None]:
    """The usual `on_record`: fold each record into the journal (final status, summary).
    ``on_merged(call_id, record)`` hears which journal call each record landed on (the
    after-call notes take the summary from there)."""

    def sink(record: CallRecord) -> None:
        history = to_history_record(record, default_region)
        call_id = journal.merge_history(history)
        if also is not None:
            also(history)
        if on_merged is not None:
            on_merged(call_id, record)

    return sink
