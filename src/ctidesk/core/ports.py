"""What the core asks of the outside world, as small protocols the clients implement.

The GUI and the Zammad reply handler send commands through these; they never hold a client.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from ctidesk.core.calls import Call
from ctidesk.core.numbers import PhoneNumber


class PhoneCommandError(Exception):
    """A phone command failed; ``str(exc)`` is a sentence for the user."""


class LookupRefused(Exception):
    """The ticket system refused a request (no such customer, no permission...); ``str(exc)``
    says what to do. Expected in a day's work: reported to the user, not logged as a crash."""


class PhoneControl(Protocol):
    """Call control on the agent's own phone (Grandstream over the LAN)."""

    async def answer(self, call: Call) -> None: ...

    async def reject(self, call: Call) -> None: ...

    async def hold(self, call: Call) -> None: ...

    async def resume(self, call: Call) -> None: ...

    async def end(self, call: Call) -> None: ...

    async def dial(self, number: PhoneNumber, account: int | None = None) -> None: ...

    async def set_dnd(self, enabled: bool) -> None: ...


PHONE = "phone"
ZAMMAD = "zammad"
NFON = "nfon"
SYSTEMS = (PHONE, ZAMMAD, NFON)
"""The names of the external systems in `SystemStatus.system`."""


class ReachState(StrEnum):
    """How an external system looks from here, for the tray icon and tooltip."""

    UNKNOWN = "unknown"
    OK = "ok"
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth_failed"
    MISCONFIGURED = "misconfigured"
    DISABLED = "disabled"


class SystemStatus(BaseModel):
    model_config = ConfigDict(frozen=True)

    system: str
    state: ReachState
    detail: str = ""


class MatchLevel(StrEnum):
    KNOWN = "known"
    MAYBE = "maybe"


class TicketSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    number: str
    title: str
    state: str
    updated_at: datetime | None = None
    url: str = ""
    is_open: bool = True


class CustomerMatch(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: int
    name: str
    organization: str | None = None
    level: MatchLevel = MatchLevel.KNOWN
    url: str = ""
    new_ticket_url: str = ""


class CallerInfo(BaseModel):
    """Who is calling, as Zammad knows it; ``customers`` empty means unknown."""

    model_config = ConfigDict(frozen=True)

    number: PhoneNumber
    customers: list[CustomerMatch] = Field(default_factory=list)
    open_tickets: list[TicketSummary] = Field(default_factory=list)
    closed_tickets: list[TicketSummary] = Field(default_factory=list)
    caller_log_url: str = ""
    error: str | None = None

    @property
    def best(self) -> CustomerMatch | None:
        known = [c for c in self.customers if c.level is MatchLevel.KNOWN]
        ranked = known or self.customers
        return ranked[0] if ranked else None


class CallerLookup(Protocol):
    """Finds the customer and tickets behind a number (Zammad)."""

    async def lookup(self, number: PhoneNumber, call_id: str | None = None) -> CallerInfo: ...

    def cached(self, number: PhoneNumber) -> CallerInfo | None:
        """A fresh answer already at hand (None otherwise), so a repeat caller's card can show
        the customer at once instead of a loop turn later."""
        ...

    async def create_ticket(self, info: CallerInfo, title: str, body: str) -> TicketSummary: ...
