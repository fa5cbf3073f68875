"""The agent's Grandstream phone: CTI client, call control, Action URL listener, poller.

`build_grandstream_services` is what the composition root calls: it only constructs objects;
the caller starts the listener (`await listener.start(...)`) and, where no Action URL arrives,
the poller, and closes what it started.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from ctidesk.clients.grandstream.action_url import (
    EVENT_FIELD_NAMES,
    EVENT_PVALUES,
    ActionUrlListener,
    action_urls_for,
    masked_action_url,
)
from ctidesk.clients.grandstream.client import GrandstreamClient
from ctidesk.clients.grandstream.control import GrandstreamPhoneControl
from ctidesk.clients.grandstream.errors import GrandstreamError, PhoneNotConfigured
from ctidesk.clients.grandstream.factory import (
    action_url_token,
    client_from_settings,
    control_from_settings,
    listen_address_for,
    listener_from_settings,
    poller_from_settings,
    public_host_for,
)
from ctidesk.clients.grandstream.models import LineState, LineStatus
from ctidesk.clients.grandstream.poller import LineStatusPoller
from ctidesk.config.secrets import SecretStore, SecretStoreUnavailable
from ctidesk.config.settings import Settings
from ctidesk.core.calls import CallEvent
from ctidesk.core.ports import SystemStatus

__all__ = [
    "EVENT_FIELD_NAMES",
    "EVENT_PVALUES",
    "ActionUrlListener",
    "GrandstreamClient",
    "GrandstreamError",
    "GrandstreamPhoneControl",
    "GrandstreamServices",
    "LineState",
    "LineStatus",
    "LineStatusPoller",
    "PhoneNotConfigured",
    "action_url_token",
    "action_urls_for",
    "build_grandstream_services",
    "listen_address_for",
    "masked_action_url",
    "public_host_for",
]


log = logging.getLogger(__name__)


@dataclass
class GrandstreamServices:
    """The phone's client and control always; the call sources when an `on_event` was given."""

    client: GrandstreamClient
    control: GrandstreamPhoneControl
    listener: ActionUrlListener | None
    poller: LineStatusPoller | None


def build_grandstream_services(
    settings: Settings,
    secrets: SecretStore,
    *,
    on_event: Callable[[CallEvent], object] | None = None,
    on_dnd: Callable[[bool], None] | None = None,
    on_status: Callable[[SystemStatus], None] | None = None,
) -> GrandstreamServices:
    """Client and control; with `on_event` also the poller and (when `[phone]
    action_url_enabled` and the listener's token can be read) the Action URL listener.
    Raises `PhoneNotConfigured` when the phone's address or password is missing."""
    phone, region = settings.phone, settings.dialing.default_region
    client = client_from_settings(phone, secrets)
    control = control_from_settings(client, settings.dialing)
    listener = poller = None
    if on_event is not None:
        if phone.action_url_enabled:
            try:
                listener = listener_from_settings(
                    phone, secrets, on_event=on_event, on_dnd=on_dnd, default_region=region
                )
            except SecretStoreUnavailable as exc:
                log.warning("no Action URL token (%s); polling the phone instead", exc)
        poller = poller_from_settings(
            phone, client, on_event=on_event, on_status=on_status, default_region=region
        )
    return GrandstreamServices(client=client, control=control, listener=listener, poller=poller)
