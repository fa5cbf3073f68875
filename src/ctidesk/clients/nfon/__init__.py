"""NFON: Login with NFON (OAuth PKCE), the Call History API with its live stream, the CTI API.

`build_nfon_services` is what the composition root calls: it only constructs objects; the
caller owns the shared `httpx.AsyncClient` and starts the long-running watchers as tasks.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx

from ctidesk.clients.nfon.cti import (
    CtiClient,
    CtiSession,
    ExtensionData,
    LineState,
    LineStatus,
    Presence,
)
from ctidesk.clients.nfon.errors import NfonError
from ctidesk.clients.nfon.history import CallHistoryClient, Filter, HistoryQuery
from ctidesk.clients.nfon.oauth import TokenManager
from ctidesk.clients.nfon.records import CallRecord, to_nfon_summary
from ctidesk.clients.nfon.stream import HistoryStream, RecordCallback, StreamStatus, journal_sink
from ctidesk.config.secrets import SecretName, SecretStore
from ctidesk.config.settings import Settings

__all__ = [
    "CallHistoryClient",
    "CallRecord",
    "CtiClient",
    "CtiSession",
    "ExtensionData",
    "Filter",
    "HistoryQuery",
    "HistoryStream",
    "LineState",
    "LineStatus",
    "NfonError",
    "NfonServices",
    "Presence",
    "StreamStatus",
    "TokenManager",
    "build_nfon_services",
    "journal_sink",
    "to_nfon_summary",
]


@dataclass
class NfonServices:
    tokens: TokenManager
    history: CallHistoryClient
    stream: HistoryStream | None
    cti: CtiClient | None


def build_nfon_services(
    settings: Settings,
    http: httpx.AsyncClient,
    secrets: SecretStore,
    *,
    on_record: RecordCallback | None = None,
    on_stream_status: Callable[[StreamStatus, str], None] | None = None,
    open_browser: Callable[[str], object] = webbrowser.open,
    on_new_secret: Callable[[str], None] | None = None,
    refresh_lock: Path | None = None,
) -> NfonServices:
    """Token manager and history client always; the stream when `on_record` is given; the CTI
    client only when `[nfon] cti_enabled` (its credentials see the whole company's calls).
    `refresh_lock` (`AppPaths.nfon_refresh_lock`) keeps processes from refreshing at once."""
    nfon = settings.nfon
    tokens = TokenManager(
        nfon,
        http,
        secrets,
        open_browser=open_browser,
        on_new_secret=on_new_secret,
        refresh_lock=refresh_lock,
    )
    history = CallHistoryClient(
        http,
        nfon.call_history_url,
        tokens,
        customer=nfon.customer,
        time_unit=nfon.history_time_unit,
    )
    stream = None
    if on_record is not None:
        stream = HistoryStream(
            history,
            on_record,
            page_size=nfon.history_page_size,
            overlap=timedelta(seconds=nfon.history_backfill_overlap_seconds),
            on_status=on_stream_status,
        )
    cti = None
    if nfon.cti_enabled:
        session = CtiSession(
            http,
            nfon.cti_url,
            nfon.cti_username,
            lambda: secrets.get(SecretName.NFON_CTI_PASSWORD),
            customer=nfon.customer,
            renew_seconds=nfon.cti_renew_seconds,
            on_new_secret=on_new_secret,
        )
        cti = CtiClient(
            http,
            nfon.cti_url,
            session,
            customer=nfon.customer,
            own_extension=nfon.extension,
            default_region=settings.dialing.default_region,
        )
    return NfonServices(tokens=tokens, history=history, stream=stream, cti=cti)
