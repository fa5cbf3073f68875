"""Client of NFON's Call History API: list, get, delete, bulk delete, transcription, live SSE.

Every request carries `User-Agent: ctidesk/<version>` and the agent's bearer token; every error
carries NFON's `X-Request-Id` into the log and the message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

import httpx
from httpx_sse import aconnect_sse

from ctidesk import USER_AGENT
from ctidesk.clients.nfon.errors import (
    BulkDeleteRefused,
    NfonApiError,
    NfonError,
    NfonUnreachable,
)
from ctidesk.clients.nfon.oauth import BearerAuth, TokenSource
from ctidesk.clients.nfon.records import (
    CallRecord,
    RecordParseError,
    Transcription,
    parse_record,
    parse_records,
)

log = logging.getLogger(__name__)

TimeUnit = Literal["s", "ms"]
OpenCallback = Callable[[], Awaitable[None]]


class Filter:
    """Builders for the `filter` terms (all terms must match)."""

    MISSED = "status:missed"
    ANSWERED = "status:answered"
    CANCELLED = "status:cancelled"
    INBOUND = "direction:inbound"
    OUTBOUND = "direction:outbound"
    TRANSCRIPTION = "transcription"

    @staticmethod
    def internal(extension: str) -> str:
        return f"internal:{extension}"

    @staticmethod
    def global_number(digits: str) -> str:
        """A number in global context: E.164 digits, never `+` or `00`."""
        clean = digits.strip().lstrip("+")
        if clean.startswith("00"):
            clean = clean[2:]
        return f"global:{clean}"

    @staticmethod
    def user_uuid(value: str) -> str:
        return f"user_uuid:{value}"


@dataclass(frozen=True)
class HistoryQuery:
    """Every documented parameter of `GET /records`."""

    search: str | None = None
    filters: Sequence[str] = ()
    customer: str | None = None
    extension: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0
    complete: bool = False
    sort: Literal["asc", "desc"] = "desc"


@dataclass(frozen=True)
class DeleteSelection:
    """What a bulk delete may remove; at least one narrowing part is required."""

    uuids: Sequence[str] = ()
    filters: Sequence[str] = ()
    customer: str | None = None
    extension: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def narrowing(self) -> bool:
        """`customer` and `extension` alone do not count: for some tokens NFON ignores them."""
        return bool(self.uuids or self.filters or self.since or self.until)


@dataclass
class StreamEvent:
    event_id: str | None
    record: CallRecord


@dataclass
class _Params:
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, key: str, value: object) -> None:
        if value is None or value == "" or value == ():
            return
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        self.items.append((key, text))


class CallHistoryClient:
    """One per signed-in agent; `http` is the shared `httpx.AsyncClient` of the app."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        tokens: TokenSource,
        *,
        customer: str = "",
        time_unit: TimeUnit = "s",
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._auth = BearerAuth(tokens)
        self._customer = customer
        self._time_unit = time_unit

    def _time(self, moment: datetime) -> str:
        seconds = moment.timestamp()
        return str(int(seconds * 1000)) if self._time_unit == "ms" else str(int(seconds))

    def _query_params(self, query: HistoryQuery) -> list[tuple[str, str]]:
        params = _Params()
        params.add("search", query.search)
        params.add("filter", ",".join(query.filters))
        params.add("customer", query.customer)
        params.add("extension", query.extension)
        params.add("from", self._time(query.since) if query.since else None)
        params.add("to", self._time(query.until) if query.until else None)
        params.add("limit", query.limit)
        params.add("offset", query.offset or None)
        params.add("complete", query.complete)
        params.add("sort", query.sort)
        return params.items

    async def _request(
        self,
        method: str,
        path: str,
        what: str,
        params: list[tuple[str, str]] | None = None,
    ) -> httpx.Response:
        try:
            response = await self._http.request(
                method,
                self._base + path,
                params=tuple(params or ()),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                auth=self._auth,
            )
        except httpx.HTTPError as exc:
            raise NfonUnreachable("NFON's Call History API", type(exc).__name__) from exc
        if response.status_code >= 400:
            raise api_error(what, response)
        return response

    async def records(self, query: HistoryQuery | None = None) -> list[CallRecord]:
        query = query or HistoryQuery()
        response = await self._request(
            "GET", "/records", "listing NFON calls", self._query_params(query)
        )
        try:
            return parse_records(response.json(), datetime.now(UTC))
        except (ValueError, RecordParseError) as exc:
            raise _bad_answer("listing NFON calls", response) from exc

    async def all_records(self, query: HistoryQuery, max_records: int = 10_000) -> list[CallRecord]:
        """Page with limit/offset until a short page (NFON has no cursor and no total)."""
        found: list[CallRecord] = []
        offset = query.offset
        while len(found) < max_records:
            page = await self.records(replace(query, offset=offset))
            found += page
            if len(page) < query.limit or not page:
                break
            offset += len(page)
        return found

    async def get(self, uuid: str, complete: bool = False) -> CallRecord:
        response = await self._request(
            "GET",
            f"/records/{_path_safe(uuid)}",
            "reading an NFON call",
            [("complete", "true")] if complete else None,
        )
        try:
            return parse_record(response.json(), datetime.now(UTC))
        except (ValueError, RecordParseError) as exc:
            raise _bad_answer("reading an NFON call", response) from exc

    async def transcription(self, uuid: str) -> Transcription | None:
        """Full transcript and summary of an answered call, when NFON made one."""
        return (await self.get(uuid, complete=True)).transcription

    async def summary(self, uuid: str) -> str | None:
        transcription = await self.transcription(uuid)
        return transcription.summary if transcription else None

    async def delete(self, uuid: str) -> None:
        response = await self._request(
            "DELETE", f"/records/{_path_safe(uuid)}", "deleting an NFON call"
        )
        _expect_204("deleting an NFON call", response)

    async def delete_matching(self, selection: DeleteSelection, *, confirm: bool = False) -> None:
        """Bulk delete. Never unfiltered: NFON would delete the whole history."""
        if not selection.narrowing():
            raise BulkDeleteRefused("no uuid, filter or time range was given")
        if confirm is not True:
            raise BulkDeleteRefused("it was not confirmed")
        params = _Params()
        for uuid in selection.uuids:
            params.add("uuid", uuid)
        params.add("filter", ",".join(selection.filters))
        params.add("customer", selection.customer)
        params.add("extension", selection.extension)
        params.add("from", self._time(selection.since) if selection.since else None)
        params.add("to", self._time(selection.until) if selection.until else None)
        response = await self._request("DELETE", "/records", "deleting NFON calls", params.items)
        _expect_204("deleting NFON calls", response)

    async def stream(
        self,
        *,
        last_event_id: str | None = None,
        extension: str | None = None,
        on_open: OpenCallback | None = None,
        on_unreadable: OpenCallback | None = None,
    ) -> AsyncIterator[StreamEvent]:
        """One SSE connection; ends when the server closes it. Reconnecting is the caller's job.

        `on_open` runs once the server accepted the stream, before any event is read: the place
        to backfill, so nothing that happens meanwhile is missed (events wait in the socket).
        `on_unreadable` runs after an event that could not be read was skipped: a frame cut off
        by the server swallows the record sent after it, so the caller should backfill.
        """
        params = _Params()
        params.add("customer", self._customer)
        params.add("extension", extension)
        headers = {"User-Agent": USER_AGENT, "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        timeout = httpx.Timeout(10.0, read=None)
        try:
            async with aconnect_sse(
                self._http,
                "GET",
                self._base + "/records",
                params=params.items,
                headers=headers,
                auth=self._auth,
                timeout=timeout,
            ) as source:
                response = source.response
                if response.status_code >= 400:
                    await response.aread()
                    raise api_error("opening the NFON call stream", response)
                if on_open is not None:
                    await on_open()
                async for event in source.aiter_sse():
                    if not event.data.strip():
                        continue
                    try:
                        record = parse_record(json.loads(event.data), datetime.now(UTC))
                    except (ValueError, RecordParseError) as exc:
                        log.warning("skipped an unreadable NFON stream event: %s", exc)
                        if on_unreadable is not None:
                            await on_unreadable()
                        continue
                    yield StreamEvent(event.id or None, record)
        except httpx.HTTPError as exc:
            raise NfonUnreachable("NFON's call stream", type(exc).__name__) from exc


def _path_safe(uuid: str) -> str:
    if not uuid or any(ch in uuid for ch in "/?#%"):
        raise NfonError(f"{uuid!r} is not an NFON record id; copy the uuid from `ctidesk history`.")
    return uuid


def api_error(what: str, response: httpx.Response) -> NfonApiError:
    request_id = response.headers.get("X-Request-Id")
    message = ""
    try:
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            message = body["error"]
    except (ValueError, httpx.ResponseNotRead):
        pass
    hints = {
        400: "NFON did not accept the request; check [nfon] customer and extension in the settings",
        401: "sign in to NFON again with `ctidesk login`",
        403: "your NFON account may not use the Call History API; ask your NFON administrator",
        404: "the call record does not exist (any more)",
        429: "NFON asks to slow down; try again in a minute",
    }
    hint = hints.get(response.status_code, "try again later; if it persists, tell NFON the id")
    log.warning(
        "%s failed: HTTP %s %s (X-Request-Id %s)", what, response.status_code, message, request_id
    )
    return NfonApiError(what, response.status_code, message, request_id, hint)


def _bad_answer(what: str, response: httpx.Response) -> NfonApiError:
    return NfonApiError(
        what,
        response.status_code,
        "the answer could not be read",
        response.headers.get("X-Request-Id"),
        "NFON may have changed its API; update ctidesk or report the id",
    )


def _expect_204(what: str, response: httpx.Response) -> None:
    if response.status_code != 204:
        raise NfonApiError(
            what,
            response.status_code,
            "expected 204 No Content",
            response.headers.get("X-Request-Id"),
            "check in NFON which records are left before trying again",
        )
