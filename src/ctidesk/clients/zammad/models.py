"""Zammad's REST payloads, as tolerant pydantic models (unknown keys ignored, odd values dropped).

Parsing is plain functions over decoded JSON so it can be fuzzed; each returns ``None`` or an
empty result instead of raising on a shape it does not understand.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CallerLogState(StrEnum):
    NEW_CALL = "newCall"
    ANSWER = "answer"
    HANGUP = "hangup"
    UNKNOWN = "unknown"


class CallerIdEntry(_Model):
    """One ``preferences.from[]``/``to[]`` entry: a user Zammad matched for the number."""

    user_id: int | None = None
    level: str = "known"
    caller_id: str = ""
    object: str = ""
    o_id: int | None = None


class CallerLogEntry(_Model):
    """One row of Zammad's caller log (``GET /api/v1/cti/log``)."""

    id: int
    call_id: str
    direction: str = ""
    state: CallerLogState = CallerLogState.UNKNOWN
    from_: str = Field(default="", alias="from")
    to: str = ""
    from_comment: str | None = None
    to_comment: str | None = None
    comment: str | None = None
    done: bool = False
    duration_waiting_time: int | None = None
    duration_talking_time: int | None = None
    preferences: dict[str, list[CallerIdEntry]] = Field(default_factory=dict)

    @field_validator("state", mode="before")
    @classmethod
    def _known_state(cls, value: object) -> object:
        return value if value in {s.value for s in CallerLogState} else CallerLogState.UNKNOWN

    @field_validator("preferences", mode="before")
    @classmethod
    def _only_lists(cls, value: object) -> object:
        if not isinstance(value, dict):
            return {}
        return {k: v for k, v in value.items() if isinstance(v, list)}

    def matches(self) -> list[CallerIdEntry]:
        """The caller's (inbound) or callee's (outbound) matches, as Zammad ranked them."""
        key = "to" if self.direction == "out" else "from"
        return [entry for entry in self.preferences.get(key, []) if entry.user_id]


class ZammadUser(_Model):
    id: int
    firstname: str | None = None
    lastname: str | None = None
    email: str | None = None
    login: str | None = None
    phone: str | None = None
    mobile: str | None = None
    fax: str | None = None
    organization_id: int | None = None
    organization: str | None = None

    @property
    def fullname(self) -> str:
        name = f"{self.firstname or ''} {self.lastname or ''}".strip()
        return name or self.email or self.login or f"User {self.id}"


class ZammadTicket(_Model):
    id: int
    number: str = ""
    title: str = ""
    state_id: int | None = None
    state: str | None = None
    customer_id: int | None = None
    updated_at: datetime | None = None

    @field_validator("number", mode="before")
    @classmethod
    def _number_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


def _validate(model: type[_Model], data: object) -> Any:
    if not isinstance(data, dict):
        return None
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


def parse_caller_log(
    data: object,
) -> tuple[list[CallerLogEntry], dict[int, ZammadUser], dict[int, str]]:
    """Rows, ``assets.User`` by id and ``assets.Organization`` names by id."""
    if not isinstance(data, dict):
        return [], {}, {}
    rows = data.get("list")
    entries = (
        [e for e in (_validate(CallerLogEntry, r) for r in rows or []) if e is not None]
        if isinstance(rows, list)
        else []
    )
    assets = data.get("assets")
    users: dict[int, ZammadUser] = {}
    orgs: dict[int, str] = {}
    if isinstance(assets, dict):
        raw_users = assets.get("User")
        if isinstance(raw_users, dict):
            for value in raw_users.values():
                user = _validate(ZammadUser, value)
                if user is not None:
                    users[user.id] = user
        raw_orgs = assets.get("Organization")
        if isinstance(raw_orgs, dict):
            for value in raw_orgs.values():
                if isinstance(value, dict) and isinstance(value.get("id"), int):
                    name = value.get("name")
                    if isinstance(name, str):
                        orgs[value["id"]] = name
    return entries, users, orgs


def parse_users(data: object) -> list[ZammadUser]:
    if not isinstance(data, list):
        return []
    return [u for u in (_validate(ZammadUser, item) for item in data) if u is not None]


def parse_user(data: object) -> ZammadUser | None:
    user: ZammadUser | None = _validate(ZammadUser, data)
    return user


def parse_ticket(data: object) -> ZammadTicket | None:
    ticket: ZammadTicket | None = _validate(ZammadTicket, data)
    return ticket


def parse_ticket_states(data: object) -> dict[int, str]:
    if not isinstance(data, list):
        return {}
    return {
        item["id"]: item["name"]
        for item in data
        if isinstance(item, dict)
        and isinstance(item.get("id"), int)
        and isinstance(item.get("name"), str)
    }


def parse_ticket_customer(data: object) -> tuple[list[ZammadTicket], list[ZammadTicket]]:
    """Open and closed tickets from ``ticket_customer``, newest first as Zammad sent them."""
    if not isinstance(data, dict):
        return [], []
    assets = data.get("assets")
    raw = assets.get("Ticket") if isinstance(assets, dict) else None
    tickets: dict[int, ZammadTicket] = {}
    if isinstance(raw, dict):
        for value in raw.values():
            ticket = parse_ticket(value)
            if ticket is not None:
                tickets[ticket.id] = ticket

    def pick(key: str) -> list[ZammadTicket]:
        ids = data.get(key)
        if not isinstance(ids, list):
            return []
        return [tickets[i] for i in ids if isinstance(i, int) and i in tickets]

    return pick("ticket_ids_open"), pick("ticket_ids_closed")
