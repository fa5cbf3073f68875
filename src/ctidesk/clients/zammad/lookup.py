"""Caller and ticket look-ups for the pop-up, with the agent's Zammad API token.

The caller is found the way Zammad itself finds it: the caller-log row of the call (whose
``preferences`` carry Zammad's known/maybe matches with its own number normalisation), then, if the
token lacks ``cti.agent`` or the row is missing, a user search by number filtered with the same
normalisation. `lookup` never raises: a failing Zammad gives ``CallerInfo(error=...)``.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import phonenumbers

from ctidesk.clients.zammad.models import (
    CallerLogEntry,
    ZammadTicket,
    ZammadUser,
    parse_caller_log,
    parse_ticket,
    parse_ticket_customer,
    parse_ticket_states,
    parse_user,
    parse_users,
)
from ctidesk.config.secrets import SecretName, SecretStore
from ctidesk.config.settings import ZammadSettings
from ctidesk.core.numbers import NumberKind, PhoneNumber
from ctidesk.core.ports import CallerInfo, CustomerMatch, LookupRefused, MatchLevel, TicketSummary

MAX_CUSTOMERS = 5
_NUMBER_RUN = re.compile(r"[\d\s\-(|)]{6,26}")
_COUNTRY_ZERO = re.compile(r"^(00)?(\+?\d\d)\(0?(\d*)\)")


class ZammadApiError(LookupRefused):
    """A Zammad REST call failed; ``str()`` says what to do."""


class ZammadNotConfigured(ZammadApiError):
    pass


class ZammadAuthError(ZammadApiError):
    pass


class ZammadPermissionError(ZammadApiError):
    pass


class ZammadUnreachable(ZammadApiError):
    pass


class ZammadHttpError(ZammadApiError):
    """Zammad answered with an error status (kept in ``status``, e.g. 404 or 422)."""

    def __init__(self, status: int, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


def zammad_caller_ids(text: str | None) -> list[str]:
    """Numbers in ``text`` as Zammad's ``Cti::CallerId`` extracts and normalises them."""
    if not text:
        return []
    found = []
    for run in _NUMBER_RUN.findall(text):
        number = re.sub(r"[\s-]", "", run)
        number = re.sub(r"\D", "", _COUNTRY_ZERO.sub(r"\1\2\3", number, count=1))
        if number.startswith("00"):
            number = number[2:]
        elif number.startswith("0"):
            number = "49" + number[1:]
        if number:
            found.append(number)
    return found


def _national_digits(number: PhoneNumber) -> str:
    if not number.e164:
        return number.digits
    try:
        parsed = phonenumbers.parse(number.e164, None)
    except phonenumbers.NumberParseException:
        return number.digits
    return str(phonenumbers.national_significant_number(parsed))


CACHE_MAX_ENTRIES = 1000


class ZammadLookup:
    """Implements `ctidesk.core.ports.CallerLookup` against Zammad's REST API."""

    def __init__(
        self,
        *,
        settings: ZammadSettings,
        secrets: SecretStore,
        http: httpx.AsyncClient | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        cache_max_entries: int = CACHE_MAX_ENTRIES,
    ) -> None:
        self._settings = settings
        self._cache_max_entries = cache_max_entries
        self._secrets = secrets
        self._http = http or httpx.AsyncClient(follow_redirects=False)
        self._owns_http = http is None
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, CallerInfo]] = {}
        self._states: dict[int, str] | None = None
        self._caller_log_forbidden = False

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    # ------------------------------------------------------------------ links

    @property
    def base_url(self) -> str:
        return self._settings.url.strip().rstrip("/")

    def user_url(self, user_id: int) -> str:
        return f"{self.base_url}/#user/profile/{user_id}"

    def ticket_url(self, ticket_id: int) -> str:
        return f"{self.base_url}/#ticket/zoom/{ticket_id}"

    def new_ticket_url(self, user_id: int) -> str:
        return f"{self.base_url}/#ticket/create/customer/{user_id}"

    @property
    def caller_log_url(self) -> str:
        return f"{self.base_url}/#cti" if self.base_url else ""

    # ------------------------------------------------------------------ HTTP

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
    ) -> Any:
        if not self.base_url:
            raise ZammadNotConfigured(
                "Zammad's address is not set; enter it (e.g. https://helpdesk.example.com) in "
                "the Zammad settings"
            )
        token = self._secrets.get(SecretName.ZAMMAD_API_TOKEN)
        if not token:
            raise ZammadNotConfigured(
                "no Zammad API token is stored; create one in Zammad (Profile > Token Access, "
                "permissions ticket.agent and cti.agent) and store it with "
                "`ctidesk secret set zammad_api_token`"
            )
        try:
            response = await self._http.request(
                method,
                self.base_url + path,
                params=params,
                json=json_body,
                headers={"Authorization": f"Token token={token}", "Accept": "application/json"},
                timeout=self._settings.lookup_timeout_seconds,
            )
        except httpx.TimeoutException as exc:
            raise ZammadUnreachable(
                "Zammad did not answer in time; the caller's details will appear once it does"
            ) from exc
        except httpx.HTTPError as exc:
            raise ZammadUnreachable(
                f"Zammad cannot be reached at {self.base_url} ({type(exc).__name__}); check the "
                "address and the network"
            ) from exc
        status = response.status_code
        if status == 401:
            reason = response.headers.get("X-Failure", "")
            detail = f" ({reason})" if reason else ""
            raise ZammadAuthError(
                f"Zammad refused the API token{detail}; create a new token in Zammad (Profile > "
                "Token Access) and store it with `ctidesk secret set zammad_api_token`"
            )
        if status == 403:
            raise ZammadPermissionError(
                f"the Zammad API token may not use {path.split('?')[0]}; give the token the "
                "permissions ticket.agent and cti.agent"
            )
        if status >= 400:
            raise ZammadHttpError(
                status,
                f"Zammad answered {status} to {method} {path.split('?')[0]}; try again later, "
                "and if it persists ask the Zammad admin",
                _error_text(response),
            )
        try:
            return response.json()
        except ValueError as exc:
            raise ZammadApiError(
                f"Zammad sent an unreadable answer to {path.split('?')[0]}; check that the "
                "Zammad address points to Zammad itself"
            ) from exc

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
    ) -> Any:
        """One REST call with the agent's token (the after-call notes use it); every failure is
        a `ZammadApiError` whose text says what to do."""
        return await self._request(method, path, params=params, json_body=json_body)

    async def current_user(self) -> str:
        """The token owner's name (``GET /api/v1/users/me``): proves the token works."""
        user = parse_user(await self._request("GET", "/api/v1/users/me"))
        if user is None:
            raise ZammadApiError(
                "Zammad's answer about the token owner was unreadable; check the Zammad address"
            )
        return user.fullname

    # ------------------------------------------------------------------ caller log

    async def caller_log(
        self,
    ) -> tuple[list[CallerLogEntry], dict[int, ZammadUser], dict[int, str]]:
        """The agent's caller log (newest first) with user and organisation assets."""
        return parse_caller_log(await self._request("GET", "/api/v1/cti/log"))

    async def caller_log_entry(self, call_id: str) -> CallerLogEntry | None:
        """The caller-log row of one call, or None if Zammad does not show it."""
        entries, _, _ = await self.caller_log()
        return next((entry for entry in entries if entry.call_id == call_id), None)

    async def mark_done(self, log_id: int, done: bool = True) -> None:
        """Tick (or untick) a caller-log row, e.g. after calling a missed caller back."""
        await self._request("POST", f"/api/v1/cti/done/{int(log_id)}", json_body={"done": done})

    async def mark_all_done(self, log_ids: list[int]) -> None:
        await self._request("POST", "/api/v1/cti/done/bulk", json_body={"ids": list(log_ids)})

    # ------------------------------------------------------------------ lookup

    def cached(self, number: PhoneNumber) -> CallerInfo | None:
        entry = self._cache.get(number.key)
        if entry is not None and self._monotonic() < entry[0]:
            return entry[1]
        return None

    async def lookup(self, number: PhoneNumber, call_id: str | None = None) -> CallerInfo:
        """Who calls, with tickets; fast "unknown" for anonymous numbers and extensions."""
        if number.kind in (NumberKind.ANONYMOUS, NumberKind.EXTENSION) or not number.digits:
            return CallerInfo(number=number, caller_log_url=self.caller_log_url)
        known = self.cached(number)
        if known is not None:
            return known
        try:
            async with asyncio.timeout(self._settings.lookup_timeout_seconds * 2):
                info = await self._lookup(number, call_id)
        except ZammadApiError as exc:
            return CallerInfo(number=number, caller_log_url=self.caller_log_url, error=str(exc))
        except TimeoutError:
            return CallerInfo(
                number=number,
                caller_log_url=self.caller_log_url,
                error="Zammad is slow to answer; the caller's details are not shown this time",
            )
        if info.error is None and self._settings.lookup_cache_seconds > 0:
            self._remember(number.key, info)
        return info

    @property
    def cache_size(self) -> int:
        return len(self._cache)

    def _remember(self, key: str, info: CallerInfo) -> None:
        """Cache an answer and drop the expired ones, and beyond the limit the oldest: so the
        cache holds about the last ``lookup_cache_seconds`` of callers (the soak test found it
        holding 1,000 long-expired answers on a busy desk). Entries are kept in the order
        they were stored, which is the order they expire in."""
        now = self._monotonic()
        self._cache.pop(key, None)
        self._cache[key] = (now + self._settings.lookup_cache_seconds, info)
        while self._cache:
            oldest, (expires, _info) = next(iter(self._cache.items()))
            if expires > now and len(self._cache) <= self._cache_max_entries:
                break
            del self._cache[oldest]

    def forget(self, number: PhoneNumber) -> None:
        """Drop a cached answer (after creating a ticket or customer for the number)."""
        self._cache.pop(number.key, None)

    async def _lookup(self, number: PhoneNumber, call_id: str | None) -> CallerInfo:
        matches, users, orgs = await self._matches_from_caller_log(number, call_id)
        if not matches:
            found = await self._search_users(number)
            matches = [(user.id, MatchLevel.KNOWN) for user in found]
            users.update({user.id: user for user in found})
        customers: list[CustomerMatch] = []
        for user_id, level in matches[:MAX_CUSTOMERS]:
            user = users.get(user_id)
            organization = orgs.get(user.organization_id or 0) if user else None
            if user is None or (organization is None and user.organization_id):
                user = parse_user(
                    await self._request(
                        "GET", f"/api/v1/users/{user_id}", params={"expand": "true"}
                    )
                )
                if user is None:
                    continue
                organization = user.organization
            customers.append(
                CustomerMatch(
                    user_id=user.id,
                    name=user.fullname,
                    organization=organization,
                    level=level,
                    url=self.user_url(user.id),
                    new_ticket_url=self.new_ticket_url(user.id),
                )
            )
        info = CallerInfo(number=number, customers=customers, caller_log_url=self.caller_log_url)
        best = info.best
        if best is None:
            return info
        opened, closed = await self._tickets(best.user_id)
        return info.model_copy(update={"open_tickets": opened, "closed_tickets": closed})

    async def _matches_from_caller_log(
        self, number: PhoneNumber, call_id: str | None
    ) -> tuple[list[tuple[int, MatchLevel]], dict[int, ZammadUser], dict[int, str]]:
        if self._caller_log_forbidden:
            return [], {}, {}
        try:
            entries, users, orgs = await self.caller_log()
        except ZammadPermissionError:
            self._caller_log_forbidden = True
            return [], {}, {}
        entry = next((e for e in entries if call_id and e.call_id == call_id), None)
        if entry is None:
            digits = number.digits
            entry = next(
                (
                    e
                    for e in entries
                    if (e.to if e.direction == "out" else e.from_) == digits and e.matches()
                ),
                None,
            )
        if entry is None:
            return [], users, orgs
        matches: list[tuple[int, MatchLevel]] = []
        for match in entry.matches():
            level = MatchLevel.MAYBE if match.level == "maybe" else MatchLevel.KNOWN
            if match.user_id is not None and all(m[0] != match.user_id for m in matches):
                matches.append((match.user_id, level))
        return matches, users, orgs

    async def _search_users(self, number: PhoneNumber) -> list[ZammadUser]:
        """User search by number, keeping only users whose numbers Zammad would match.

        Without Elasticsearch Zammad searches names, e-mail and login only, so this finds
        nothing there; the caller log is the reliable path.
        """
        query = _national_digits(number)
        if len(query) < 6:
            return []
        data = await self._request(
            "GET", "/api/v1/users/search", params={"query": query, "limit": "20"}
        )
        wanted = number.digits
        return [
            user
            for user in parse_users(data)
            if any(
                wanted in zammad_caller_ids(value) for value in (user.phone, user.mobile, user.fax)
            )
        ]

    async def _ticket_states(self) -> dict[int, str]:
        if self._states is None:
            self._states = parse_ticket_states(await self._request("GET", "/api/v1/ticket_states"))
        return self._states

    def _summary(
        self, ticket: ZammadTicket, states: dict[int, str], is_open: bool
    ) -> TicketSummary:
        state = ticket.state or states.get(ticket.state_id or 0, "")
        return TicketSummary(
            id=ticket.id,
            number=ticket.number,
            title=ticket.title,
            state=state,
            updated_at=ticket.updated_at,
            url=self.ticket_url(ticket.id),
            is_open=is_open,
        )

    async def _tickets(self, user_id: int) -> tuple[list[TicketSummary], list[TicketSummary]]:
        data = await self._request(
            "GET", "/api/v1/ticket_customer", params={"customer_id": str(user_id)}
        )
        opened, closed = parse_ticket_customer(data)
        states = await self._ticket_states()
        return (
            [self._summary(t, states, True) for t in opened],
            [self._summary(t, states, False) for t in closed],
        )

    # ------------------------------------------------------------------ tickets

    async def create_ticket(self, info: CallerInfo, title: str, body: str) -> TicketSummary:
        """A new ticket for the best-matching customer, with a phone article."""
        best = info.best
        if best is None:
            raise ZammadApiError(
                "this caller is not a Zammad customer yet; open Zammad, create the customer "
                f"with the number {info.number.display()}, then create the ticket"
            )
        data = await self._request(
            "POST",
            "/api/v1/tickets",
            json_body={
                "title": title,
                "group": self._settings.ticket_group,
                "customer_id": best.user_id,
                "article": {
                    "subject": title,
                    "body": body,
                    "type": "phone",
                    "internal": False,
                    "sender": "Customer",
                },
            },
        )
        ticket = parse_ticket(data)
        if ticket is None:
            raise ZammadApiError(
                "Zammad created no readable ticket; look for it in Zammad before trying again"
            )
        self.forget(info.number)
        states = await self._ticket_states()
        return self._summary(ticket, states, True)


def _error_text(response: httpx.Response) -> str:
    """Zammad's own words for an error (``error_human``, else ``error``), if it sent JSON."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    return str(body.get("error_human") or body.get("error") or "")
