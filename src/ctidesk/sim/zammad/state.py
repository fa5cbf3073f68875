"""Zammad's state and rules, without HTTP: what the simulator's routes read and change.

Data (users, organisations, tickets, articles, the caller log), the CTI state machine with its
checks in Zammad's order, caller matching with Zammad's number normalisation, the ticket-article
rules, and the injected faults. `ctidesk.sim.zammad.routes` puts it on aiohttp.

Zammad stores almost anything a client sends. Where a client breaks what Zammad documents (a
cause whose meaning contradicts the call, several agents on ``answer``, ``to=unknown``, an event
applied twice), the state stores it as Zammad does and records a `ProtocolViolation` that
tests read from ``violations``; it never invents an HTTP error Zammad would not send.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import phonenumbers

DISABLED_ERROR = "Feature is disabled, please contact your administrator!"
NOT_CONFIGURED_ERROR = "Feature not configured, please contact your admin!"
INVALID_TOKEN_ERROR = "Invalid token, please contact your admin!"
INVALID_DIRECTION_ERROR = "Invalid direction!"
ALREADY_EXISTS_ERROR = "Object already exists!"

_NUMBER_RUN = re.compile(r"[\d\s\-(|)]{6,26}")
_COUNTRY_ZERO = re.compile(r"^(00)?(\+?\d\d)\(0?(\d*)\)")
_TIMESTAMP_KEYS = frozenset({"created_at", "updated_at", "last_login"})


def normalize_number(number: str) -> str:
    """Zammad's ``Cti::CallerId.normalize_number`` (Germany hard-coded for a leading ``0``)."""
    number = re.sub(r"[\s-]", "", number)
    number = _COUNTRY_ZERO.sub(r"\1\2\3", number, count=1)
    number = re.sub(r"\D", "", number)
    if number.startswith("00"):
        return number[2:]
    if number.startswith("0"):
        return "49" + number[1:]
    return number


def extract_numbers(text: object) -> list[str]:
    """Zammad's ``Cti::CallerId.extract_numbers``: runs of 6–26 number-ish characters."""
    if not isinstance(text, str):
        return []
    return [normalize_number(run) for run in _NUMBER_RUN.findall(text)]


def pretty_number(number: str) -> str:
    """``from_pretty``: international format when valid, else the raw value."""
    try:
        parsed = phonenumbers.parse("+" + number.lstrip("+"), None)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_valid_number(parsed):
        return number
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def error_id() -> str:
    return f"Error ID {secrets.token_urlsafe(6)}: Please contact your administrator."


def parse_rails_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Parameters as Rails sees them: query merged with a JSON or form body.

    Form keys ending in ``[]`` collect arrays, a repeated plain key keeps its last value, and a
    bare ``+`` decodes to a space.
    """
    params: dict[str, Any] = {}

    def merge_pairs(pairs: list[tuple[str, str]]) -> None:
        for key, value in pairs:
            if key.endswith("[]"):
                current = params.get(key[:-2])
                if not isinstance(current, list):
                    current = []
                    params[key[:-2]] = current
                current.append(value)
            else:
                params[key] = value

    merge_pairs(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        try:
            data = json.loads(body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParamsError(str(exc)) from exc
        if isinstance(data, dict):
            params.update(data)
    elif kind == "application/x-www-form-urlencoded" or not kind:
        merge_pairs(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return params


class ParamsError(Exception):
    pass


class ZammadError(Exception):
    """An exception inside Zammad's processing; mapped by the shared error handler."""

    def __init__(self, status: int, body: dict[str, str]) -> None:
        super().__init__(body.get("error", ""))
        self.status = status
        self.body = body


DOCUMENTED_CAUSES = {
    "normalClearing": "a party hung up after the call was established",
    "busy": "the called party was busy",
    "cancel": "the caller hung up before the called party picked up",
    "noAnswer": "the called party rejected the call (e.g. through a DND setting)",
    "congestion": "the called party could not be reached",
    "notFound": "the number does not exist or the party is offline",
    "forwarded": "the call was forwarded to a different party",
}
"""docs.zammad.org, Generic CTI API, hangup event: the causes and what each means."""
_UNANSWERED_CAUSES = frozenset({"busy", "cancel", "noAnswer", "congestion", "notFound"})


@dataclass(frozen=True)
class ProtocolViolation:
    """Something a client sent that Zammad stores but its documentation rules out."""

    call_id: str
    event: str
    rule: str
    detail: str


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    params: dict[str, Any]
    status: int
    at: datetime
    dropped: bool = False


@dataclass
class CtiConfig:
    """``cti_integration``, ``cti_token`` and ``cti_config`` settings of a Zammad instance."""

    enabled: bool = True
    configured: bool = True
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    block_caller_ids: list[dict[str, str]] = field(default_factory=list)
    routing_table: list[dict[str, str]] = field(default_factory=list)
    default_caller_id: str = ""
    notify_map: list[dict[str, Any]] = field(default_factory=list)
    view_limit: int = 60
    customer_last_activity_days: int = 30


@dataclass
class CallerIdRecord:
    id: int
    caller_id: str
    level: str
    object: str
    o_id: int
    user_id: int
    created_at: datetime

    def attributes(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "caller_id": self.caller_id,
            "comment": None,
            "level": self.level,
            "object": self.object,
            "o_id": self.o_id,
            "user_id": self.user_id,
            "preferences": None,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.created_at),
        }


@dataclass
class CtiLogRow:
    id: int
    direction: str
    state: str
    from_: str
    from_comment: str | None
    to: str
    to_comment: str | None
    queue: str | None
    call_id: str
    comment: str | None
    initialized_at: datetime
    start_at: datetime | None
    end_at: datetime | None
    duration_waiting_time: int | None
    duration_talking_time: int | None
    done: bool
    preferences: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "direction": self.direction,
            "state": self.state,
            "from": self.from_,
            "from_comment": self.from_comment,
            "from_pretty": pretty_number(self.from_),
            "to": self.to,
            "to_comment": self.to_comment,
            "to_pretty": pretty_number(self.to),
            "queue": self.queue,
            "call_id": self.call_id,
            "comment": self.comment,
            "initialized_at": _iso(self.initialized_at),
            "start_at": _iso(self.start_at),
            "end_at": _iso(self.end_at),
            "duration_waiting_time": self.duration_waiting_time,
            "duration_talking_time": self.duration_talking_time,
            "done": self.done,
            "preferences": self.preferences,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }


TICKET_STATES: list[dict[str, Any]] = [
    {"id": 1, "name": "new", "state_type": "new"},
    {"id": 2, "name": "open", "state_type": "open"},
    {"id": 3, "name": "pending reminder", "state_type": "pending reminder"},
    {"id": 4, "name": "closed", "state_type": "closed"},
    {"id": 5, "name": "merged", "state_type": "merged"},
    {"id": 6, "name": "pending close", "state_type": "pending action"},
]
OPEN_STATE_TYPES = frozenset({"new", "open", "pending reminder", "pending action"})


def _int_seconds(later: datetime, earlier: datetime) -> int:
    """Zammad subtracts ``to_i`` timestamps: whole epoch seconds, truncated."""
    return int(later.timestamp()) - int(earlier.timestamp())


class ZammadState:
    """One Zammad instance's data and rules; `ZammadSimulator` serves it over HTTP."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        seed: bool = True,
        elasticsearch: bool = True,
        cti_token: str | None = None,
        agent_token: str | None = None,
    ) -> None:
        self.clock = clock
        self.config = CtiConfig()
        if cti_token:
            self.config.token = cti_token
        self.elasticsearch = elasticsearch
        self.requests: list[RecordedRequest] = []
        self.users: dict[int, dict[str, Any]] = {}
        self.organizations: dict[int, dict[str, Any]] = {}
        self.tickets: dict[int, dict[str, Any]] = {}
        self.log: list[CtiLogRow] = []
        self.api_tokens: dict[str, tuple[int, frozenset[str]]] = {}
        self._next_id = {
            "user": 1,
            "organization": 1,
            "ticket": 1,
            "log": 1,
            "caller_id": 1,
            "article": 1,
        }
        self.articles: dict[int, dict[str, Any]] = {}
        self.article_delete_timeframe = timedelta(minutes=10)
        self._article_faults: list[tuple[int | None, str | None]] = []
        self._delay = 0.0
        self._fail_next: list[int] = []
        self._drop_rules: list[str | None] = []
        self.violations: list[ProtocolViolation] = []
        self._down_status: int | None = None
        self._lock = asyncio.Lock()
        self.agent_id = self.add_user(
            firstname="Agnes",
            lastname="Agent",
            email="agnes.agent@helpdesk.example",
            phone="+49 30 23125 100",
            permissions=("ticket.agent", "cti.agent"),
        )
        self.agent_token = agent_token or secrets.token_urlsafe(24)
        agent_rights = frozenset({"ticket.agent", "cti.agent"})
        self.api_tokens[self.agent_token] = (self.agent_id, agent_rights)
        if seed:
            self.seed_demo_data()

    # ------------------------------------------------------------------ faults

    def set_delay(self, seconds: float) -> None:
        """Answer every request this much later (a slow Zammad)."""
        self._delay = seconds

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answer the next ``count`` CTI pushes with ``status`` without applying them."""
        self._fail_next.extend([status] * count)

    def set_unavailable(self, status: int | None = 503) -> None:
        """Answer every CTI push with ``status`` (a proxy before a stopped Zammad); None ends."""
        self._down_status = status

    def drop_next_replies(self, count: int, event: str | None = None) -> None:
        """Lose the reply: apply the next ``count`` CTI pushes (of ``event`` only, if given),
        then close the connection without replying, as a proxy timing out would."""
        self._drop_rules.extend([event] * count)

    def _take_drop_rule(self, event: object) -> bool:
        for index, wanted in enumerate(self._drop_rules):
            if wanted is None or wanted == event:
                del self._drop_rules[index]
                return True
        return False

    # ------------------------------------------------------------------ data

    def _new_id(self, kind: str) -> int:
        value = self._next_id[kind]
        self._next_id[kind] = value + 1
        return value

    def add_organization(self, name: str) -> int:
        org_id = self._new_id("organization")
        now = self.clock()
        self.organizations[org_id] = {
            "id": org_id,
            "name": name,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        return org_id

    def add_user(
        self,
        *,
        firstname: str,
        lastname: str,
        email: str = "",
        phone: str = "",
        mobile: str = "",
        fax: str = "",
        note: str = "",
        organization_id: int | None = None,
        permissions: tuple[str, ...] = (),
    ) -> int:
        user_id = self._new_id("user")
        now = self.clock()
        self.users[user_id] = {
            "id": user_id,
            "login": email or f"user{user_id}",
            "firstname": firstname,
            "lastname": lastname,
            "email": email,
            "phone": phone,
            "mobile": mobile,
            "fax": fax,
            "note": note,
            "organization_id": organization_id,
            "active": True,
            "permissions": list(permissions),
            "created_at": now,
            "updated_at": now,
        }
        return user_id

    def add_ticket(
        self,
        *,
        customer_id: int,
        title: str,
        state: str = "open",
        first_article_body: str = "",
        first_article_sender: str = "Customer",
        group: str = "Users",
        age: timedelta = timedelta(0),
    ) -> int:
        ticket_id = self._new_id("ticket")
        when = self.clock() - age
        state_id = next(s["id"] for s in TICKET_STATES if s["name"] == state)
        self.tickets[ticket_id] = {
            "id": ticket_id,
            "number": str(31000 + ticket_id),
            "title": title,
            "group": group,
            "state_id": state_id,
            "customer_id": customer_id,
            "organization_id": self.users[customer_id].get("organization_id"),
            "created_at": when,
            "updated_at": when,
        }
        self.store_article(
            ticket_id=ticket_id,
            type_name="phone",
            sender=first_article_sender,
            subject=title,
            body=first_article_body,
            created_by_id=customer_id,
            at=when,
        )
        return ticket_id

    def seed_demo_data(self) -> None:
        """A few German and Austrian customers with phones, tickets and one signature match."""
        huber = self.add_organization("Bäckerei Huber GmbH")
        mayr = self.add_organization("Wiener Kaffeehaus Mayr KG")
        mueller = self.add_organization("Müller Maschinenbau AG")
        maria = self.add_user(
            firstname="Maria",
            lastname="Huber",
            email="maria.huber@baeckerei-huber.example",
            phone="+49 89 99998 123",
            organization_id=huber,
        )
        stefan = self.add_user(
            firstname="Stefan",
            lastname="Mayr",
            email="stefan.mayr@kaffeehaus-mayr.example",
            phone="+43 1 5123456",
            organization_id=mayr,
        )
        juergen = self.add_user(
            firstname="Jürgen",
            lastname="Müller",
            email="j.mueller@mueller-maschinenbau.example",
            phone="0711 123-4567",
            mobile="0152 28817386",
            organization_id=mueller,
        )
        anna = self.add_user(
            firstname="Anna",
            lastname="Schmidt",
            email="anna.schmidt@mail.example",
        )
        self.add_ticket(
            customer_id=maria,
            title="Rechnung März fehlt",
            state="closed",
            age=timedelta(days=40),
        )
        self.add_ticket(
            customer_id=maria,
            title="Brötchenautomat zeigt Fehler E42",
            state="open",
            age=timedelta(days=2),
        )
        self.add_ticket(
            customer_id=stefan,
            title="Kaffeemaschine entkalken",
            state="new",
            age=timedelta(hours=3),
        )
        self.add_ticket(
            customer_id=stefan,
            title="Wartungsvertrag verlängern",
            state="closed",
            age=timedelta(days=90),
        )
        self.add_ticket(
            customer_id=juergen,
            title="Ersatzteil für Fräse bestellt",
            state="pending reminder",
            age=timedelta(days=5),
        )
        self.add_ticket(
            customer_id=anna,
            title="Lieferung unvollständig",
            state="open",
            first_article_body="Hallo, es fehlt ein Karton.\n--\nAnna Schmidt\nTel. 040 66969 456",
            age=timedelta(days=1),
        )

    # ------------------------------------------------------------------ caller ids

    def _caller_id_records(self) -> list[CallerIdRecord]:
        """What ``Cti::CallerId.rebuild`` would store for the current users and tickets."""
        records: list[CallerIdRecord] = []
        next_id = 1

        def add(numbers: list[str], level: str, obj: str, o_id: int, user_id: int) -> None:
            nonlocal next_id
            for number in dict.fromkeys(numbers):
                records.append(
                    CallerIdRecord(next_id, number, level, obj, o_id, user_id, self.clock())
                )
                next_id += 1

        for user in self.users.values():
            numbers: list[str] = []
            for key, value in user.items():
                if key not in _TIMESTAMP_KEYS and isinstance(value, str) and value:
                    numbers += extract_numbers(value)
            add(numbers, "known", "User", user["id"], user["id"])
        for ticket in self.tickets.values():
            articles = self.ticket_articles(ticket["id"])
            if not articles or articles[0]["sender"] != "Customer":
                continue
            first = articles[0]
            numbers = []
            for key in ("subject", "body"):
                numbers += extract_numbers(first.get(key))
            add(numbers, "maybe", "Ticket", ticket["id"], first["created_by_id"])
        return records

    def caller_lookup(self, numbers: list[str]) -> list[CallerIdRecord]:
        """``Cti::CallerId.lookup``: known if any, else maybe; one per user, newest, ≤ 20."""
        records = [r for r in self._caller_id_records() if r.caller_id in numbers]
        for level in ("known", "maybe"):
            newest: dict[int, CallerIdRecord] = {}
            for record in records:
                if record.level != level:
                    continue
                kept = newest.get(record.user_id)
                if kept is None or record.id > kept.id:
                    newest[record.user_id] = record
            if newest:
                return sorted(newest.values(), key=lambda r: r.id, reverse=True)[:20]
        return []

    def comment_and_preferences(
        self, number: str, direction: str
    ) -> tuple[str | None, dict[str, Any]]:
        known: list[str] = []
        maybe: list[str] = []
        prefs_known: list[dict[str, Any]] = []
        prefs_maybe: list[dict[str, Any]] = []
        for record in self.caller_lookup(extract_numbers(number)):
            user = self.users.get(record.user_id)
            name = self.fullname(user) if user else ""
            if record.level == "known":
                prefs_known.append(record.attributes())
                known.append(name)
            else:
                prefs_maybe.append(record.attributes())
                maybe.append(name)
        if "".join(known):
            return ",".join(known), {direction: prefs_known}
        if "".join(maybe):
            return "maybe " + ",".join(maybe), {direction: prefs_maybe}
        return None, {}

    @staticmethod
    def fullname(user: dict[str, Any]) -> str:
        name = f"{user.get('firstname') or ''} {user.get('lastname') or ''}".strip()
        return name or str(user.get("email") or user.get("login") or "")

    # ------------------------------------------------------------------ CTI log helpers

    def log_row(self, call_id: str) -> CtiLogRow | None:
        return next((row for row in self.log if row.call_id == call_id), None)

    def cti_pushes(self) -> list[RecordedRequest]:
        """Recorded CTI push requests (any token), oldest first."""
        return [r for r in self.requests if r.method == "POST" and _is_cti_push_path(r.path)]

    def _process(self, params: dict[str, Any]) -> dict[str, Any]:
        direction = params["direction"]
        event = params.get("event")
        result: dict[str, Any] = {}
        if direction == "in" and event == "newCall":
            for item in self.config.block_caller_ids:
                if item.get("caller_id") == params.get("from"):
                    result = {"action": "reject", "reason": "busy"}
                    break
        if direction == "out" and event == "newCall":
            dial = self._routing(params)
            if dial is not None:
                params["from"] = dial["caller_id"]
                result = dial
        self._log_process(params)
        return result

    def _routing(self, params: dict[str, Any]) -> dict[str, Any] | None:
        to = params.get("to")
        if not isinstance(to, str) or not to:
            return None
        for row in self.config.routing_table:
            dest = str(row.get("dest", "")).replace("*", ".+?")
            try:
                matched = re.search(f"^{dest}$", to)
            except re.error as exc:
                raise ZammadError(500, {"error": error_id()}) from exc
            if matched:
                return {"action": "dial", "caller_id": row.get("caller_id", ""), "number": to}
        if self.config.default_caller_id:
            return {"action": "dial", "caller_id": self.config.default_caller_id, "number": to}
        return None

    def _log_process(self, params: dict[str, Any]) -> None:
        """``Cti::Log.process``: the caller-log state machine."""
        cause = _scalar(params.get("cause"))
        call_id = _scalar(params["callId"] if "callId" in params else params.get("call_id"))
        user_param = params.get("user")
        user = ", ".join(map(str, user_param)) if isinstance(user_param, list) else user_param
        user = _scalar(user)
        direction = params["direction"]
        event = params.get("event")
        queue = _scalar(params.get("queue")) or None
        from_number = _scalar(params.get("from"))
        to_number = _scalar(params.get("to"))
        if queue is None:
            queue = to_number if direction == "in" else from_number
        self._check_protocol(params, call_id, event, user_param, cause)
        done = True
        from_comment: str | None
        to_comment: str | None
        if direction == "in":
            to_comment = user if user else queue
            from_comment, preferences = self.comment_and_preferences(from_number or "", "from")
            if event == "newCall":
                done = False
        else:
            from_comment = user
            to_comment, preferences = self.comment_and_preferences(to_number or "", "to")
        now = self.clock()
        if event == "newCall":
            for name, value in (("from", from_number), ("to", to_number), ("call_id", call_id)):
                if value is None:
                    raise ZammadError(
                        422,
                        {
                            "error": f"Attribute '{name}' required!",
                            "error_human": f"Attribute '{name}' required!",
                        },
                    )
            assert call_id is not None and from_number is not None and to_number is not None
            if self.log_row(call_id) is not None:
                raise ZammadError(
                    500, {"error": ALREADY_EXISTS_ERROR, "error_human": ALREADY_EXISTS_ERROR}
                )
            self.log.append(
                CtiLogRow(
                    id=self._new_id("log"),
                    direction=direction,
                    state="newCall",
                    from_=from_number,
                    from_comment=from_comment,
                    to=to_number,
                    to_comment=to_comment,
                    queue=queue,
                    call_id=call_id,
                    comment=cause,
                    initialized_at=now,
                    start_at=None,
                    end_at=None,
                    duration_waiting_time=None,
                    duration_talking_time=None,
                    done=done,
                    preferences=preferences,
                    created_at=now,
                    updated_at=now,
                )
            )
            return
        if event == "answer":
            row = self.log_row(call_id) if call_id else None
            if row is None:
                raise ZammadError(500, {"error": error_id()})
            if row.state == "hangup":
                return
            row.state = "answer"
            row.start_at = now
            row.duration_waiting_time = _int_seconds(now, row.initialized_at)
            if "user" in params:
                row.to_comment = user
            row.done = done
            row.comment = cause
            row.updated_at = now
            return
        if event == "hangup":
            row = self.log_row(call_id) if call_id else None
            if row is None:
                raise ZammadError(500, {"error": error_id()})
            row.done = done
            if direction == "in":
                missed = row.state == "newCall" and cause != "forwarded"
                if missed or row.to_comment == "voicemail":
                    row.done = False
            row.state = "hangup"
            row.end_at = now
            if row.start_at is not None:
                row.duration_talking_time = _int_seconds(now, row.start_at)
            elif row.duration_waiting_time is None:
                row.duration_waiting_time = _int_seconds(now, row.initialized_at)
            row.comment = cause
            row.updated_at = now
            return
        raise ZammadError(422, {"error": error_id()})

    def _violation(self, call_id: str | None, event: object, rule: str, detail: str) -> None:
        self.violations.append(ProtocolViolation(call_id or "", str(event), rule, detail))

    def _check_protocol(
        self,
        params: dict[str, Any],
        call_id: str | None,
        event: object,
        user_param: object,
        cause: str | None,
    ) -> None:
        """Record what Zammad stores but documents otherwise (see `ProtocolViolation`)."""
        for name in ("from", "to"):
            if _scalar(params.get(name)) == "unknown":
                self._violation(
                    call_id, event, "number", f"`{name}` is the literal 'unknown', not a number"
                )
        row = self.log_row(call_id) if call_id else None
        if event in ("answer", "hangup"):
            if row is None:
                self._violation(
                    call_id, event, "call-id", "no newCall was sent with this callId before"
                )
                return
            if params.get("direction") != row.direction:
                self._violation(
                    call_id, event, "direction", f"newCall said {row.direction!r}, this event not"
                )
            to_number = _scalar(params.get("to"))
            if to_number is not None and to_number != row.to:
                self._violation(
                    call_id, event, "to", f"newCall said to={row.to!r}, this event {to_number!r}"
                )
        if event == "answer":
            assert row is not None
            given = user_param if isinstance(user_param, list) else [user_param]
            names = [str(name) for name in given if name is not None]
            if len(names) > 1 or any(", " in name for name in names):
                self._violation(
                    call_id,
                    event,
                    "answer-user",
                    f"answer names {names!r}; Zammad records all of them as the one who answered",
                )
            if row.state == "answer":
                self._violation(call_id, event, "applied-twice", "a second answer for the call")
            elif row.state == "hangup":
                self._violation(call_id, event, "applied-twice", "an answer after the hangup")
        if event == "hangup":
            assert row is not None
            if row.state == "hangup":
                self._violation(call_id, event, "applied-twice", "a second hangup for the call")
                return
            self._check_cause(call_id, cause, answered=row.state == "answer")

    def _check_cause(self, call_id: str | None, cause: str | None, *, answered: bool) -> None:
        if cause is None or cause not in DOCUMENTED_CAUSES:
            self._violation(
                call_id, "hangup", "cause", f"{cause!r} is none of Zammad's documented causes"
            )
            return
        meaning = DOCUMENTED_CAUSES[cause]
        if cause == "normalClearing" and not answered:
            self._violation(
                call_id, "hangup", "cause", f"{cause} ({meaning}) for a call never answered"
            )
        elif cause in _UNANSWERED_CAUSES and answered:
            self._violation(
                call_id, "hangup", "cause", f"{cause} ({meaning}) for a call that was answered"
            )

    def _public_user(self, user: dict[str, Any], expand: bool = False) -> dict[str, Any]:
        data = {k: v for k, v in user.items() if k != "permissions"}
        data["created_at"] = _iso(user["created_at"])
        data["updated_at"] = _iso(user["updated_at"])
        if expand:
            org = self.organizations.get(user.get("organization_id") or 0)
            data["organization"] = org["name"] if org else None
        return data

    def _public_org(self, org: dict[str, Any]) -> dict[str, Any]:
        return {
            **org,
            "created_at": _iso(org["created_at"]),
            "updated_at": _iso(org["updated_at"]),
        }

    def _public_ticket(self, ticket: dict[str, Any]) -> dict[str, Any]:
        data = {k: v for k, v in ticket.items() if k != "group"}
        data["created_at"] = _iso(ticket["created_at"])
        data["updated_at"] = _iso(ticket["updated_at"])
        data["group_id"] = 1
        return data

    def _user_assets(self, user_ids: list[int]) -> dict[str, Any]:
        users: dict[str, Any] = {}
        orgs: dict[str, Any] = {}
        for user_id in user_ids:
            user = self.users.get(user_id)
            if user is None:
                continue
            users[str(user_id)] = self._public_user(user)
            org = self.organizations.get(user.get("organization_id") or 0)
            if org is not None:
                orgs[str(org["id"])] = self._public_org(org)
        assets: dict[str, Any] = {"User": users}
        if orgs:
            assets["Organization"] = orgs
        return assets

    def _user_queues(self, user: dict[str, Any]) -> set[str]:
        queues: set[str] = set()
        for row in self.config.notify_map:
            if user["id"] in row.get("user_ids", []):
                queues.add(str(row.get("queue", "")))
        for key in ("phone", "mobile"):
            queues.update(extract_numbers(user.get(key)))
        return queues

    def _user_matches(self, user: dict[str, Any], query: str) -> bool:
        """Database search (names, e-mail, login) or, with Elasticsearch, phones as well."""
        terms = [t for t in re.split(r"\s+OR\s+|\s+", query) if t]
        for term in terms:
            field_name, _, value = term.rpartition(":")
            value = value.strip('*"').lower()
            if not value:
                continue
            text_fields = ["firstname", "lastname", "email", "login"]
            in_text = any(value in str(user.get(name) or "").lower() for name in text_fields)
            if in_text and (not field_name or field_name in text_fields):
                return True
            if self.elasticsearch and value.isdigit():
                for name in ("phone", "mobile", "fax"):
                    if field_name and field_name != name:
                        continue
                    digits = re.sub(r"\D", "", str(user.get(name) or ""))
                    if digits and value in digits:
                        return True
        return False

    def _state_type(self, state_id: int) -> str:
        return next((s["state_type"] for s in TICKET_STATES if s["id"] == state_id), "")

    # ------------------------------------------------------------------ ticket articles
    #
    # The rules of Zammad's ticket-article API, as its code has them (zammad/zammad):
    # app/controllers/ticket_articles_controller.rb (create, index_by_ticket, update, destroy),
    # app/controllers/concerns/creates_ticket_articles.rb (required body, type/sender defaults,
    # attachment checks), app/models/ticket/article.rb (check_body: the body limit) and
    # db/migrate/20120101000010_create_ticket.rb (column limits and defaults), and
    # app/policies/ticket/article_policy.rb (who may delete an article).

    def fail_next_articles(self, count: int, status: int = 503, method: str | None = None) -> None:
        """Answer the next ``count`` article requests (of ``method`` only, if given) with
        ``status``, applying nothing."""
        self._article_faults.extend([(status, method)] * count)

    def drop_next_article_replies(self, count: int, method: str | None = None) -> None:
        """Apply the next ``count`` article requests (of ``method`` only, if given), then lose
        the reply (a proxy timing out)."""
        self._article_faults.extend([(None, method)] * count)

    def take_article_fault(self, method: str) -> tuple[bool, int | None]:
        """(True, status) for an injected failure, (True, None) for a lost reply, else
        (False, None)."""
        for index, (status, wanted) in enumerate(self._article_faults):
            if wanted is None or wanted == method:
                del self._article_faults[index]
                return True, status
        return False, None

    def ticket_articles(self, ticket_id: int) -> list[dict[str, Any]]:
        """A ticket's articles in the order Zammad lists them (oldest first)."""
        return sorted(
            (a for a in self.articles.values() if a["ticket_id"] == ticket_id),
            key=lambda a: (a["created_at"], a["id"]),
        )

    def store_article(
        self,
        *,
        ticket_id: int,
        type_name: str,
        sender: str,
        body: str,
        created_by_id: int,
        subject: str | None = None,
        internal: bool = False,
        content_type: str = "text/plain",
        message_id: str | None = None,
        preferences: dict[str, Any] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """Store an article that already passed the checks (seeding uses it directly)."""
        article_id = self._new_id("article")
        when = at or self.clock()
        article = {
            "id": article_id,
            "ticket_id": ticket_id,
            "type": type_name,
            "sender": sender,
            "from": None,
            "to": None,
            "subject": subject,
            "message_id": message_id,
            "content_type": content_type,
            "body": body,
            "internal": internal,
            "preferences": preferences or {},
            "attachments": attachments or [],
            "created_by_id": created_by_id,
            "updated_by_id": created_by_id,
            "created_at": when,
            "updated_at": when,
        }
        self.articles[article_id] = article
        ticket = self.tickets.get(ticket_id)
        if ticket is not None and at is None:
            ticket["updated_at"] = when
        return article

    def _ticket_or_404(self, value: object) -> dict[str, Any]:
        """``Ticket.find``: an unknown or missing id is ActiveRecord::RecordNotFound, a 404."""
        try:
            ticket = self.tickets.get(int(str(value)))
        except ValueError:
            ticket = None
        if ticket is None:
            raise ZammadError(404, {"error": f"Couldn't find Ticket with 'id'={value}"})
        return ticket

    def _article_or_404(self, value: object) -> dict[str, Any]:
        try:
            article = self.articles.get(int(str(value)))
        except ValueError:
            article = None
        if article is None:
            raise ZammadError(404, {"error": f"Couldn't find Ticket::Article with 'id'={value}"})
        return article

    def create_article(self, user: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """``TicketArticlesController#create`` with ``CreatesTicketArticles#article_create``."""
        ticket = self._ticket_or_404(params.get("ticket_id"))
        body = params.get("body")
        if body is None:
            raise _unprocessable("Need at least an 'article body' field.")
        body = str(body)
        type_name = str(params.get("type") or "note")
        if type_name not in ARTICLE_TYPES:
            raise _unprocessable(f"No lookup value found for 'type': {json.dumps(type_name)}")
        is_agent = "ticket.agent" in user.get("permissions", [])
        sender = str(params.get("sender") or ("Agent" if is_agent else "Customer"))
        if sender not in ARTICLE_SENDERS:
            raise _unprocessable(f"No lookup value found for 'sender': {json.dumps(sender)}")
        content_type = params.get("content_type")
        content_type = "text/plain" if content_type in (None, "") else str(content_type)
        if len(content_type) > CONTENT_TYPE_LIMIT:
            raise _unprocessable(f"Value too long for content_type (limit {CONTENT_TYPE_LIMIT})")
        if len(body) > BODY_LIMIT:
            raise _unprocessable(
                f"body if article is to large, {len(body)} chars - only {BODY_LIMIT} allowed"
            )
        subject = params.get("subject")
        if subject is not None:
            subject = re.sub(r"[\s\t\r]", " ", str(subject))
            if len(subject) > STRING_LIMIT:
                raise _unprocessable(f"Value too long for subject (limit {STRING_LIMIT})")
        message_id = params.get("message_id")
        if message_id is not None and len(str(message_id)) > STRING_LIMIT:
            raise _unprocessable(f"Value too long for message_id (limit {STRING_LIMIT})")
        internal = _rails_boolean(params.get("internal"))
        if not is_agent:
            sender, internal = "Customer", False
            if type_name not in ("note", "web"):
                type_name = "note"
        attachments = _article_attachments(params.get("attachments"))
        preferences = params.get("preferences")
        return self.store_article(
            ticket_id=ticket["id"],
            type_name=type_name,
            sender=sender,
            body=body,
            created_by_id=user["id"],
            subject=subject,
            internal=internal,
            content_type=content_type,
            message_id=None if message_id is None else str(message_id),
            preferences=preferences if isinstance(preferences, dict) else None,
            attachments=attachments,
        )

    def articles_by_ticket(self, ticket_id: object) -> list[dict[str, Any]]:
        """``GET /ticket_articles/by_ticket/:id``: every article of the ticket, oldest first."""
        ticket = self._ticket_or_404(ticket_id)
        return self.ticket_articles(ticket["id"])

    def show_article(self, article_id: object) -> dict[str, Any]:
        return self._article_or_404(article_id)

    def update_article(self, article_id: object, params: dict[str, Any]) -> dict[str, Any]:
        """``#update``: only ``internal`` and ``preferences.highlight`` change; Zammad ignores
        everything else (a new ``body`` too) and still answers 200."""
        article = self._article_or_404(article_id)
        ignored = sorted(set(params) - {"id", "internal", "preferences", "ticket_id"})
        if ignored:
            self._violation(
                str(article["id"]),
                "article-update",
                "article-update-ignored",
                f"Zammad updates only internal and preferences.highlight; ignored: {ignored}",
            )
        if params.get("internal") is not None:
            article["internal"] = _rails_boolean(params["internal"])
        preferences = params.get("preferences")
        if isinstance(preferences, dict) and preferences.get("highlight"):
            article["preferences"] = {
                **article["preferences"],
                "highlight": str(preferences["highlight"]),
            }
        article["updated_at"] = self.clock()
        return article

    def delete_article(self, user: dict[str, Any], article_id: object) -> None:
        """``#destroy`` under ``Ticket::ArticlePolicy#destroy?``: agents delete their own notes
        (internal, or of a non-communication type) within the delete timeframe."""
        article = self._article_or_404(article_id)
        refusal = None
        if "ticket.agent" not in user.get("permissions", []):
            refusal = "agent permission required"
        elif article["created_by_id"] != user["id"]:
            refusal = "you can only delete your own notes"
        elif article["type"] not in ("note", "web") and not article["internal"]:
            refusal = "communication articles cannot be deleted"
        elif article["created_at"] <= self.clock() - self.article_delete_timeframe:
            refusal = "note is too old to be deleted"
        if refusal is not None:
            raise ZammadError(403, {"error": "Not authorized", "error_human": refusal})
        del self.articles[article["id"]]

    def public_article(self, article: dict[str, Any]) -> dict[str, Any]:
        """``attributes_with_association_names``: ids and names of type, sender and users."""
        creator = self.users.get(article["created_by_id"], {})
        return {
            "id": article["id"],
            "ticket_id": article["ticket_id"],
            "type_id": ARTICLE_TYPES.index(article["type"]) + 1,
            "type": article["type"],
            "sender_id": ARTICLE_SENDERS.index(article["sender"]) + 1,
            "sender": article["sender"],
            "from": article["from"],
            "to": article["to"],
            "cc": None,
            "subject": article["subject"],
            "reply_to": None,
            "message_id": article["message_id"],
            "in_reply_to": None,
            "content_type": article["content_type"],
            "references": None,
            "body": article["body"],
            "internal": article["internal"],
            "preferences": article["preferences"],
            "updated_by_id": article["updated_by_id"],
            "created_by_id": article["created_by_id"],
            "created_by": creator.get("login"),
            "updated_by": creator.get("login"),
            "origin_by_id": None,
            "created_at": _iso(article["created_at"]),
            "updated_at": _iso(article["updated_at"]),
            "attachments": [
                {
                    "id": index + 1,
                    "filename": item["filename"],
                    "size": str(len(item["data"])),
                    "preferences": item["preferences"],
                }
                for index, item in enumerate(article["attachments"])
            ],
        }


ARTICLE_TYPES = (
    "email",
    "sms",
    "chat",
    "fax",
    "phone",
    "twitter status",
    "twitter direct-message",
    "facebook feed post",
    "facebook feed comment",
    "note",
    "web",
    "telegram personal-message",
)
"""Zammad's seeded ``Ticket::Article::Type`` names (db/seeds/ticket_article_types.rb)."""
ARTICLE_SENDERS = ("Agent", "Customer", "System")
BODY_LIMIT = 1_500_000
"""``Ticket::Article#check_body``: longer bodies are refused (422) unless the mail importer."""
CONTENT_TYPE_LIMIT = 20
"""``ticket_articles.content_type``: string(20), not null, default ``text/plain``."""
STRING_LIMIT = 3000
"""``subject``, ``message_id``, ``from``, ``to``: string(3000)."""
_ATTACHMENT_KEYS = ("mime-type", "filename", "data")


def _unprocessable(message: str) -> ZammadError:
    return ZammadError(422, {"error": message, "error_human": message})


def _rails_boolean(value: object) -> bool:
    """ActiveRecord's boolean cast: false, 0, "0", "f", "false", "off" (any case) are false."""
    if value is None or value == "":
        return False
    return str(value).strip().lower() not in ("false", "0", "f", "off", "n", "no")


def _article_attachments(value: object) -> list[dict[str, Any]]:
    """``article_create_attachments_params``: each needs mime-type, filename and strict
    base64 data (line breaks removed first), else 422 naming the index."""
    if not value:
        return []
    if not isinstance(value, list):
        raise _unprocessable("Attachments must be a list")
    found = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise _unprocessable(
                f"Attachment needs 'mime-type' param for attachment with index '{index}'"
            )
        for key in _ATTACHMENT_KEYS:
            if not item.get(key):
                raise _unprocessable(
                    f"Attachment needs '{key}' param for attachment with index '{index}'"
                )
        try:
            data = base64.b64decode(re.sub(r"[\r\n]", "", str(item["data"])), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _unprocessable(f"Invalid base64 for attachment with index '{index}'") from exc
        preferences = {"Mime-Type": str(item["mime-type"])}
        if item.get("charset"):
            preferences["Charset"] = str(item["charset"])
        found.append({"filename": str(item["filename"]), "data": data, "preferences": preferences})
    return found


def _scalar(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _is_cti_push_path(path: str) -> bool:
    parts = path.strip("/").split("/")
    return len(parts) == 4 and parts[:3] == ["api", "v1", "cti"] and parts[3] not in ("log",)
