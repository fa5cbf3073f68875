"""Builds the phone's client, control, listener and poller from the settings and secrets."""

from __future__ import annotations

import secrets as secrets_module
import socket
from collections.abc import Callable

from ctidesk.clients.grandstream.action_url import ActionUrlListener
from ctidesk.clients.grandstream.client import GrandstreamClient
from ctidesk.clients.grandstream.control import GrandstreamPhoneControl
from ctidesk.clients.grandstream.errors import PhoneNotConfigured
from ctidesk.clients.grandstream.models import PhoneFamily
from ctidesk.clients.grandstream.poller import LineStatusPoller
from ctidesk.config.secrets import SecretName, SecretStore
from ctidesk.config.settings import DialingSettings, PhoneModel, PhoneSettings
from ctidesk.core.calls import CallEvent
from ctidesk.core.ports import SystemStatus

_FAMILIES = {
    PhoneModel.GXP: PhoneFamily.GXP,
    PhoneModel.GRP: PhoneFamily.GRP,
    PhoneModel.DP: PhoneFamily.DP,
    PhoneModel.WP: PhoneFamily.WP,
}


def phone_host(settings: PhoneSettings) -> str:
    """The phone's host without port (for the listener's allowed address)."""
    address = settings.address
    if address.startswith("["):
        return address[1:].split("]", 1)[0]
    return address.rsplit(":", 1)[0] if address.count(":") == 1 else address


def client_from_settings(settings: PhoneSettings, store: SecretStore) -> GrandstreamClient:
    if not settings.address:
        raise PhoneNotConfigured("[phone] address is empty")
    passcode = store.get(SecretName.PHONE_PASSCODE)
    if not passcode:
        raise PhoneNotConfigured("no phone password is stored")
    return GrandstreamClient(
        settings.address,
        passcode,
        scheme=settings.scheme,
        family=_FAMILIES.get(settings.model),
        username=settings.username,
        timeout_seconds=settings.timeout_seconds,
        certificate_sha256=settings.certificate_sha256,
        handset=settings.handset,
        make_call_template=settings.make_call_template,
        auth=settings.auth,
    )


def control_from_settings(
    client: GrandstreamClient, dialing: DialingSettings
) -> GrandstreamPhoneControl:
    return GrandstreamPhoneControl(
        client,
        default_region=dialing.default_region,
        outside_line_prefix=dialing.outside_line_prefix,
        default_account=dialing.account,
    )


def action_url_token(store: SecretStore) -> str:
    """The per-install token of the Action URLs; created and stored on first use."""
    token = store.get(SecretName.ACTION_URL_TOKEN)
    if not token:
        token = secrets_module.token_urlsafe(16)
        store.set(SecretName.ACTION_URL_TOKEN, token)
    return token


def listener_from_settings(
    settings: PhoneSettings,
    store: SecretStore,
    *,
    on_event: Callable[[CallEvent], object],
    on_dnd: Callable[[bool], None] | None = None,
    default_region: str = "DE",
) -> ActionUrlListener:
    return ActionUrlListener(
        token=action_url_token(store),
        allowed_hosts=[phone_host(settings)] if settings.address else [],
        on_event=on_event,
        on_dnd=on_dnd,
        default_region=default_region,
        mac=settings.mac or None,
    )


def poller_from_settings(
    settings: PhoneSettings,
    client: GrandstreamClient,
    *,
    on_event: Callable[[CallEvent], object],
    on_status: Callable[[SystemStatus], None] | None = None,
    default_region: str = "DE",
) -> LineStatusPoller:
    return LineStatusPoller(
        client.read_lines,
        on_event=on_event,
        on_status=on_status,
        default_region=default_region,
        idle_interval=settings.poll_idle_seconds,
        active_interval=settings.poll_active_seconds,
        max_backoff=settings.poll_max_backoff_seconds,
    )


def public_host_for(settings: PhoneSettings) -> str:
    """This PC's address as the phone sees it: the setting, else the listener's own address
    when it is one, else the interface that routes to the phone."""
    if settings.action_url_public_host:
        return settings.action_url_public_host
    listen = settings.listen_address.strip()
    if listen and listen not in _EVERY_INTERFACE:
        return listen
    return address_towards_phone(settings)


def listen_address_for(settings: PhoneSettings) -> str:
    """Where the Action URL listener binds: the setting, else only the address that reaches
    the phone (issue 20, finding 6), so the port is not open on every network of the PC."""
    return settings.listen_address.strip() or address_towards_phone(settings)


_EVERY_INTERFACE = ("0.0.0.0", "::")


def address_towards_phone(settings: PhoneSettings) -> str:
    """The local address of a UDP socket "connected" to the phone: the interface that routes
    there. A UDP connect sends no packet."""
    host = phone_host(settings)
    if not host:
        raise PhoneNotConfigured("[phone] address is empty, so this PC's address is unknown")
    try:
        infos = socket.getaddrinfo(host, 80, type=socket.SOCK_DGRAM)
        family, _, _, _, target = infos[0]
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect(target)
            return str(probe.getsockname()[0])
    except OSError as exc:
        raise PhoneNotConfigured(
            f"this PC's address towards the phone cannot be found ({exc}); set "
            "[phone] action_url_public_host and listen_address"
        ) from exc
