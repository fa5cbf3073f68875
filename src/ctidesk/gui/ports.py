"""What the desktop needs from the outside beyond `core.ports`, as small protocols.

The composition root adapts the real clients to these; tests pass small fakes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from ctidesk.core.numbers import PhoneNumber
from ctidesk.core.ports import SystemStatus

UrlOpener = Callable[[str], object]
"""Opens a URL in the user's browser (default: `QDesktopServices.openUrl`); returns anything."""

StatusProbe = Callable[[], Awaitable[SystemStatus]]
"""Asks one external system how it is; polled by the bridge for the tray icon."""


class Dialler(Protocol):
    """Anything that can place a call: the phone, or NFON's CTI originate."""

    async def dial(self, number: PhoneNumber, account: int | None = None) -> None: ...


class NfonAccount(Protocol):
    """Login with NFON as the tray menu needs it (the NFON `TokenManager` fits)."""

    @property
    def signed_in(self) -> bool: ...

    def account_label(self) -> str: ...

    async def login(self) -> None: ...

    async def logout(self) -> bool: ...
