"""Zammad: CTI push with a durable outbox, reply handling, and caller look-ups for the pop-up.

The composition root calls `build_zammad_services` once and wires the pieces (see the bridge
notes in ``docs/zammad.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from ctidesk.clients.zammad.articles import ZammadArticles, call_note_service
from ctidesk.clients.zammad.forwarder import (
    CallerIdCallback,
    CallerIdInstruction,
    CallNotes,
    StatusCallback,
    ZammadForwarder,
)
from ctidesk.clients.zammad.lookup import ZammadApiError, ZammadLookup
from ctidesk.clients.zammad.outbox import Outbox, OutboxEvent
from ctidesk.clients.zammad.probe import probe_api_token, probe_cti_endpoint
from ctidesk.config.secrets import SecretStore
from ctidesk.config.settings import ZammadSettings
from ctidesk.core.ports import PhoneControl

__all__ = [
    "CallerIdInstruction",
    "Outbox",
    "OutboxEvent",
    "ZammadApiError",
    "ZammadArticles",
    "ZammadForwarder",
    "ZammadLookup",
    "ZammadServices",
    "build_zammad_services",
    "call_note_service",
    "probe_api_token",
    "probe_cti_endpoint",
]


@dataclass
class ZammadServices:
    """What the composition root wires: ``forwarder`` is None where this PC must not forward."""

    forwarder: ZammadForwarder | None
    lookup: ZammadLookup | None

    async def close(self) -> None:
        """Stop delivery (stored events stay for the next start) and close the outbox."""
        if self.forwarder is not None:
            await self.forwarder.stop()
        if self.lookup is not None:
            await self.lookup.aclose()


def build_zammad_services(
    settings: ZammadSettings,
    secrets: SecretStore,
    outbox_file: Path,
    *,
    http: httpx.AsyncClient,
    calls: CallNotes | None = None,
    phone: PhoneControl | None = None,
    on_caller_id: CallerIdCallback | None = None,
    on_status: StatusCallback | None = None,
) -> ZammadServices:
    """Build the look-up and (if this PC forwards) the forwarder, sharing one HTTP client.

    The forwarder reads the caller log through the look-up to avoid applying an event twice.
    Subscribe ``forwarder.on_call_changed`` to the tracker and run ``forwarder.run()`` in a task.
    """
    if not settings.enabled:
        return ZammadServices(None, None)
    lookup = ZammadLookup(settings=settings, secrets=secrets, http=http)
    forwarder = None
    if settings.forward_events:
        forwarder = ZammadForwarder(
            settings=settings,
            secrets=secrets,
            outbox=outbox_file,
            http=http,
            calls=calls,
            phone=phone,
            on_caller_id=on_caller_id,
            on_status=on_status,
            caller_log=lookup,
        )
    return ZammadServices(forwarder, lookup)
