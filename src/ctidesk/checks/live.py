"""The tray's checks: how each system of the running network is now, asked again and again.

A client that notices a change reports it at once (the poller, the forwarder, the NFON stream);
these probes ask on their own, so the tray also learns when a quiet system comes back or goes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

from ctidesk.checks.runner import PROBLEM_STATES
from ctidesk.core.ports import NFON, PHONE, ZAMMAD, ReachState, SystemStatus

if TYPE_CHECKING:
    from ctidesk.app import Network

StatusProbe = Callable[[], Awaitable[SystemStatus]]


def status_probes(network: Network) -> list[StatusProbe]:
    """One probe per system this network runs."""
    probes: list[StatusProbe] = []
    if network.phone_client is not None:
        probes.append(partial(phone_status, network))
    if network.zammad is not None and network.zammad.lookup is not None:
        probes.append(partial(zammad_status, network))
    if network.nfon is not None:
        probes.append(partial(nfon_status, network))
    return probes


async def phone_status(network: Network) -> SystemStatus:
    """Does the phone answer?"""
    if network.phone_client is None:
        return network.statuses.get(PHONE) or _not_set_up(PHONE)
    try:
        await network.phone_client.get_phone_status()
    except Exception as exc:
        return SystemStatus(system=PHONE, state=ReachState.UNREACHABLE, detail=str(exc))
    return SystemStatus(system=PHONE, state=ReachState.OK, detail=network.phone_client.address)


async def zammad_status(network: Network) -> SystemStatus:
    """Does the agent's Zammad API token work, and is forwarding calls to Zammad in trouble?"""
    from ctidesk.checks.doctor import from_probe
    from ctidesk.clients.zammad import probe_api_token

    zammad = network.zammad
    if zammad is None or zammad.lookup is None:
        return network.statuses.get(ZAMMAD) or _not_set_up(ZAMMAD)
    settings = network.context.settings.zammad
    result = await probe_api_token(settings, network.context.secrets, zammad.lookup)
    forwarding = zammad.forwarder.status if zammad.forwarder is not None else None
    if result.ok and forwarding is not None and forwarding.state in PROBLEM_STATES:
        return forwarding
    return from_probe(ZAMMAD, result)


async def nfon_status(network: Network) -> SystemStatus:
    """Signed in to NFON? The call history stream reports the rest as it happens."""
    if network.nfon is None:
        return network.statuses.get(NFON) or _not_set_up(NFON)
    if not network.nfon.signed_in:
        return SystemStatus(
            system=NFON, state=ReachState.AUTH_FAILED, detail="signed out: use Login with NFON"
        )
    return network.statuses.get(NFON) or SystemStatus(
        system=NFON, state=ReachState.OK, detail=network.nfon.account_label()
    )


def _not_set_up(system: str) -> SystemStatus:
    return SystemStatus(system=system, state=ReachState.DISABLED, detail="not set up")
