"""Client of NFON's CTI API (optional source): session, extensions, line states, click-to-dial,
and the call event stream turned into `CallEvent`s.

The CTI credentials are tenant-wide: they see every extension's calls. ctidesk only feeds the
agent's own extension into the tracker; other extensions go to the team view (line, presence,
live legs) and nowhere else.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import httpx
from httpx_sse import aconnect_sse
from pydantic import BaseModel, ConfigDict, field_validator

from ctidesk import USER_AGENT
from ctidesk.clients.backoff import Backoff
from ctidesk.clients.nfon.errors import CtiLoginError, NfonApiError, NfonError, NfonUnreachable
from ctidesk.clients.nfon.history import api_error
from ctidesk.clients.nfon.oauth import BearerAuth
from ctidesk.clients.nfon.records import parse_timestamp
from ctidesk.core.calls import CallEvent, Direction, EndCause, EventKind, EventSource
from ctidesk.core.numbers import NumberKind, PhoneNumber, parse_global_number, parse_number

log = logging.getLogger(__name__)

PasswordSource = Callable[[], str | None]


def cti_user_agent(customer: str) -> str:
    """`ctidesk/<version> (<K-Account>)`, as the CTI API asks."""
    return f"{USER_AGENT} ({customer})" if customer else USER_AGENT


class CtiSession:
    """Login with hyphenated token keys, renew every few minutes, log in again when renew fails."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        username: str,
        password: PasswordSource,
        *,
        customer: str = "",
        renew_seconds: float = 240.0,
        on_new_secret: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._username = username
        self._password = password
        self._renew_seconds = renew_seconds
        self._on_new_secret = on_new_secret or (lambda _value: None)
        self._clock = clock
        self._lock = asyncio.Lock()
        self._access: str | None = None
        self._refresh: str | None = None
        self._issued_at = 0.0
        self.user_agent = cti_user_agent(customer)
        self.logins = 0
        self.renewals = 0

    async def access_token(self) -> str:
        access = self._access
        if access is not None and self._clock() - self._issued_at < self._renew_seconds:
            return access
        return await self._renew(access)

    async def replace_rejected(self, rejected: str) -> str:
        return await self._renew(rejected)

    async def _renew(self, stale: str | None) -> str:
        async with self._lock:
            if (
                self._access is not None
                and self._access != stale
                and self._clock() - self._issued_at < self._renew_seconds
            ):
                return self._access
            if self._refresh is not None:
                try:
                    response = await self._http.put(
                        self._base + "/login",
                        headers={
                            "Authorization": f"Bearer {self._refresh}",
                            "User-Agent": self.user_agent,
                        },
                    )
                except httpx.HTTPError as exc:
                    raise NfonUnreachable("NFON's CTI API", type(exc).__name__) from exc
                if response.status_code == 200 and self._accept(response):
                    self.renewals += 1
                    assert self._access is not None
                    return self._access
                log.info(
                    "CTI session renewal refused (HTTP %s); logging in again", response.status_code
                )
            return await self._login()

    async def _login(self) -> str:
        password = self._password()
        if not self._username or not password:
            raise CtiLoginError("no API username or password is configured")
        try:
            response = await self._http.post(
                self._base + "/login",
                json={"username": self._username, "password": password},
                headers={"User-Agent": self.user_agent},
            )
        except httpx.HTTPError as exc:
            raise NfonUnreachable("NFON's CTI API", type(exc).__name__) from exc
        if response.status_code in (400, 401, 403):
            raise CtiLoginError(f"HTTP {response.status_code}")
        if response.status_code != 200 or not self._accept(response):
            raise api_error("logging in to NFON's CTI API", response)
        self.logins += 1
        assert self._access is not None
        return self._access

    def _accept(self, response: httpx.Response) -> bool:
        try:
            body = response.json()
        except ValueError:
            return False
        if not isinstance(body, dict):
            return False
        access, refresh = body.get("access-token"), body.get("refresh-token")
        if not isinstance(access, str) or not access:
            return False
        self._access = access
        self._refresh = refresh if isinstance(refresh, str) and refresh else None
        self._issued_at = self._clock()
        self._on_new_secret(access)
        if self._refresh:
            self._on_new_secret(self._refresh)
        return True


class LineState(StrEnum):
    """What a line is doing. As in every client: `LineState` is the enum, `LineStatus` the
    reading of one line that holds it."""

    UNKNOWN = "unknown"
    OFFLINE = "offline"
    IDLE = "idle"
    RINGING = "ringing"
    IN_USE = "in-use"


class Presence(StrEnum):
    OFFLINE = "offline"
    AVAILABLE = "available"
    AWAY = "away"
    BUSY = "busy"
    DND = "dnd"
    NONE = "null"
    UNKNOWN = "unknown"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class ExtensionData(_Model):
    uuid: str = ""
    extension_number: str = ""
    name: str = ""


class LineStatus(_Model):
    """One extension's line and presence (a snapshot item or a stream event)."""

    customer: str = ""
    extension: str
    line: LineState = LineState.UNKNOWN
    presence: Presence = Presence.NONE
    updated: datetime | None = None

    @field_validator("line", mode="before")
    @classmethod
    def _line(cls, value: object) -> LineState:
        try:
            return LineState(str(value))
        except ValueError:
            return LineState.UNKNOWN

    @field_validator("presence", mode="before")
    @classmethod
    def _presence(cls, value: object) -> Presence:
        if value is None:
            return Presence.NONE
        try:
            return Presence(str(value))
        except ValueError:
            return Presence.UNKNOWN

    @field_validator("updated", mode="before")
    @classmethod
    def _time(cls, value: object) -> datetime | None:
        return parse_timestamp(value)


class CtiCall(_Model):
    """One `call` object (POST reply or stream event); `state` stays text: unknown ones occur."""

    uuid: str
    state: str = ""
    caller: str = ""
    caller_context: str = ""
    callee: str = ""
    callee_context: str = ""
    extension: str = ""
    customer: str = ""
    direction: str = ""
    updated: datetime | None = None
    error: str | None = None

    @field_validator("updated", mode="before")
    @classmethod
    def _time(cls, value: object) -> datetime | None:
        return parse_timestamp(value)


def parse_line_status(data: object) -> LineStatus | None:
    if not isinstance(data, dict) or not data.get("extension"):
        return None
    try:
        return LineStatus.model_validate(data)
    except ValueError:
        return None


def parse_cti_call(data: object) -> CtiCall | None:
    if not isinstance(data, dict) or not isinstance(data.get("uuid"), str) or not data["uuid"]:
        return None
    try:
        return CtiCall.model_validate(data)
    except ValueError:
        return None


def _number(raw: str, context: str, default_region: str) -> PhoneNumber:
    if context.lower() == "global":
        return parse_global_number(raw, default_region)
    return parse_number(raw, default_region)


_SETUP = frozenset({"start", "caller-wait", "caller-dial", "caller-ring", "caller-answer", "dial"})
_ERROR_CAUSE = {
    "busy": EndCause.BUSY,
    "reject": EndCause.REJECTED,
    "cancel": EndCause.CANCELLED,
    "unspecified": EndCause.FAILED,
}


@dataclass
class Leg:
    """One extension's part of one call (`uuid` + `extension`), for the tracker and team view."""

    uuid: str
    extension: str
    direction: Direction
    remote: PhoneNumber
    state: str
    started_at: datetime
    answered: bool = False
    last_kind: EventKind | None = None


class CallAggregator:
    """Folds the tenant's raw call events into legs and `CallEvent`s (plain logic, no I/O).

    Quirks handled (contract 5.6): several legs per call, `hangup` without earlier events,
    `dial`/`ring` after `caller-answer` on outbound calls, repeated `end`, unknown states.
    """

    def __init__(self, own_extension: str, default_region: str = "DE") -> None:
        self.own_extension = own_extension
        self._region = default_region
        self.legs: dict[tuple[str, str], Leg] = {}
        self._finished: OrderedDict[tuple[str, str], None] = OrderedDict()

    def live_legs(self, extension: str | None = None) -> list[Leg]:
        return [leg for leg in self.legs.values() if extension in (None, leg.extension)]

    def _leg_extension(self, call: CtiCall) -> str:
        if call.extension:
            return call.extension
        if call.direction == "outbound" and call.caller_context.lower() != "global":
            return call.caller
        return call.callee if call.callee_context.lower() != "global" else ""

    def feed(self, call: CtiCall, now: datetime | None = None) -> list[CallEvent]:
        """Apply one event; returns what the tracker should hear (own extension only)."""
        at = call.updated or now or datetime.now(UTC)
        extension = self._leg_extension(call)
        key = (call.uuid, extension)
        state = call.state.lower()
        if key in self._finished:
            return []
        kind = self._kind(call, state, key)
        if kind is None:
            if state not in _SETUP | {"ring", "answer", "hangup", "end"}:
                log.info("ignored CTI call state %r", call.state)
            return []
        leg = self.legs.get(key)
        if leg is None:
            direction = {"inbound": Direction.INBOUND, "outbound": Direction.OUTBOUND}.get(
                call.direction.lower(), Direction.UNKNOWN
            )
            remote = (
                _number(call.callee, call.callee_context, self._region)
                if direction is Direction.OUTBOUND
                else _number(call.caller, call.caller_context, self._region)
            )
            leg = Leg(call.uuid, extension, direction, remote, state, at)
            self.legs[key] = leg
        leg.state = state
        cause = None
        if kind is EventKind.ANSWERED:
            leg.answered = True
        if kind is EventKind.ENDED:
            cause = self._cause(leg, call.error)
            del self.legs[key]
            self._finished[key] = None
            while len(self._finished) > 2000:
                self._finished.popitem(last=False)
        elif kind is leg.last_kind:
            return []
        leg.last_kind = kind
        if extension != self.own_extension or not extension:
            return []
        local = parse_number(extension, self._region)
        return [
            CallEvent(
                source=EventSource.NFON_CTI,
                kind=kind,
                remote=leg.remote,
                direction=leg.direction,
                source_call_id=f"{call.uuid}/{extension}",
                local=local,
                at=at,
                cause=cause,
            )
        ]

    def _kind(self, call: CtiCall, state: str, key: tuple[str, str]) -> EventKind | None:
        outbound = call.direction.lower() == "outbound"
        if state == "ring":
            return EventKind.DIALING if outbound else EventKind.RINGING
        if state in _SETUP:
            return EventKind.DIALING if outbound or key in self.legs else None
        if state == "answer":
            return EventKind.ANSWERED
        if state in ("hangup", "end"):
            return EventKind.ENDED
        return None

    @staticmethod
    def _cause(leg: Leg, error: str | None) -> EndCause:
        if error and error in _ERROR_CAUSE:
            return _ERROR_CAUSE[error]
        if leg.answered:
            return EndCause.NORMAL
        if error == "timeout" or leg.direction is Direction.INBOUND:
            return EndCause.MISSED if leg.direction is Direction.INBOUND else EndCause.CANCELLED
        return EndCause.CANCELLED


class CtiClient:
    """REST and SSE calls of the CTI API; reconnecting watchers for line states and calls."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        session: CtiSession,
        *,
        customer: str,
        own_extension: str,
        default_region: str = "DE",
        backoff: Callable[[], Backoff] = Backoff,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._session = session
        self._auth = BearerAuth(session)
        self._customer = customer
        self.own_extension = own_extension
        self._region = default_region
        self._backoff = backoff
        self.aggregator = CallAggregator(own_extension, default_region)
        self.known_states: dict[str, LineStatus] = {}

    def _headers(self, accept: str = "application/json") -> dict[str, str]:
        return {"User-Agent": self._session.user_agent, "Accept": accept}

    async def _request(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        headers = {**self._headers(), **kwargs.pop("headers", {})}
        try:
            response = await self._http.request(
                method, self._base + path, headers=headers, auth=self._auth, **kwargs
            )
        except httpx.HTTPError as exc:
            raise NfonUnreachable("NFON's CTI API", type(exc).__name__) from exc
        if response.status_code >= 400:
            raise api_error(what, response)
        return response

    async def extensions(self) -> list[ExtensionData]:
        response = await self._request("GET", "/extensions/phone/data", "reading NFON extensions")
        body = response.json()
        return [ExtensionData.model_validate(x) for x in body if isinstance(x, dict)]

    async def line_states(self, extensions: Sequence[str] = ()) -> list[LineStatus]:
        """Snapshot; the `extension` filter only works here, not on the stream."""
        response = await self._request(
            "GET",
            "/extensions/phone/states",
            "reading NFON line states",
            params=[("extension", e) for e in extensions],
        )
        found = [parse_line_status(item) for item in response.json()]
        states = [s for s in found if s is not None]
        for state in states:
            self.known_states[state.extension] = state
        return states

    def _dial_target(self, number: PhoneNumber | str) -> tuple[str, str]:
        """NFON wants E.164 digits in `global` context, or a tenant number in the K-Account."""
        parsed = parse_number(number, self._region) if isinstance(number, str) else number
        if parsed.kind is NumberKind.E164 and parsed.e164:
            return parsed.e164.lstrip("+"), "global"
        if parsed.kind is NumberKind.ANONYMOUS:
            raise NfonError("an anonymous caller cannot be called back; dial a number instead.")
        digits = parsed.digits
        if not digits:
            raise NfonError(f"{parsed.raw!r} is not a number NFON can dial; check it.")
        return digits, self._customer

    async def originate(
        self,
        number: PhoneNumber | str,
        *,
        caller_extension: str | None = None,
        answer_timeout: int | None = None,
    ) -> CtiCall:
        """Click-to-dial: NFON rings the agent's extension first, then dials `number`."""
        callee, callee_context = self._dial_target(number)
        extension = caller_extension or self.own_extension
        if not extension:
            raise NfonError(
                "no own extension is configured for click-to-dial; set [nfon] extension."
            )
        body: dict[str, Any] = {
            "caller": extension,
            "caller_context": self._customer,
            "callee": callee,
            "callee_context": callee_context,
            "extension": extension,
        }
        if answer_timeout is not None:
            body["timeout"] = max(1, min(120, answer_timeout))
        response = await self._request(
            "POST", "/extensions/phone/calls", "starting the call through NFON", json=body
        )
        call = parse_cti_call(response.json())
        if call is None:
            raise NfonApiError(
                "starting the call through NFON",
                response.status_code,
                "the answer had no call id",
                response.headers.get("X-Request-Id"),
                "check on the phone whether the call started",
            )
        return call

    async def cancel(self, call_uuid: str) -> None:
        """Cancel a click-to-dial call while it is still being set up (404 once connected)."""
        response = await self._request(
            "DELETE", f"/extensions/phone/calls/{call_uuid}", "cancelling the NFON call"
        )
        if response.status_code != 204:
            raise NfonApiError(
                "cancelling the NFON call",
                response.status_code,
                "expected 204 No Content",
                response.headers.get("X-Request-Id"),
                "end the call on the phone instead",
            )

    async def _events(self, path: str, on_data: Callable[[Any], Awaitable[None] | None]) -> None:
        """One SSE connection: hands every event's JSON to `on_data` until the server closes."""
        try:
            async with aconnect_sse(
                self._http,
                "GET",
                self._base + path,
                headers=self._headers("text/event-stream"),
                auth=self._auth,
                timeout=httpx.Timeout(10.0, read=None),
            ) as source:
                if source.response.status_code >= 400:
                    await source.response.aread()
                    raise api_error(f"opening {path}", source.response)
                async for event in source.aiter_sse():
                    if not event.data.strip():
                        continue
                    try:
                        data = json.loads(event.data)
                    except ValueError:
                        log.warning("skipped an unreadable CTI event")
                        continue
                    result = on_data(data)
                    if result is not None:
                        await result
        except httpx.HTTPError as exc:
            raise NfonUnreachable("NFON's CTI stream", type(exc).__name__) from exc

    async def _forever(self, path: str, on_data: Callable[[Any], None]) -> None:
        backoff = self._backoff()
        while True:
            received = False

            def counting(data: Any) -> None:
                nonlocal received
                received = True
                on_data(data)

            try:
                await self._events(path, counting)
            except NfonApiError as exc:
                if exc.status in (400, 403, 404, 406):
                    raise
                log.info("CTI stream %s failed: %s", path, exc)
            except NfonUnreachable as exc:
                log.info("CTI stream %s interrupted: %s", path, exc)
            if received:
                backoff.reset()
            await asyncio.sleep(backoff.next_delay())

    async def watch_line_states(self, on_state: Callable[[LineStatus], None]) -> None:
        """Runs until cancelled: every extension's line and presence (team view)."""

        def handle(data: Any) -> None:
            state = parse_line_status(data)
            if state is not None:
                self.known_states[state.extension] = state
                on_state(state)

        await self._forever("/extensions/phone/states", handle)

    async def watch_calls(
        self,
        on_event: Callable[[CallEvent], object],
        on_leg: Callable[[CtiCall], None] | None = None,
    ) -> None:
        """Runs until cancelled: own extension's calls as `CallEvent`s; every raw event to
        `on_leg` (team view). Events during a gap are lost: the API does not replay."""

        def handle(data: Any) -> None:
            call = parse_cti_call(data)
            if call is None:
                return
            if on_leg is not None:
                on_leg(call)
            for event in self.aggregator.feed(call):
                on_event(event)

        await self._forever("/extensions/phone/calls", handle)
