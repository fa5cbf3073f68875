"""The network side of the desktop: the composition root's `Network`, as desktop parts.

The clients themselves (phone, Zammad look-up and forwarder, NFON login, history stream and CTI)
are built by `ctidesk.app.start_network`, the same code `ctidesk bridge` runs; this module only
adapts them to what the tray, the pop-up and the settings dialog need.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

from ctidesk.app import Context, Core, Network, StatusCallback, start_network
from ctidesk.checks.live import status_probes
from ctidesk.gui.desktop import NetworkParts


async def start_clients(
    context: Context,
    core: Core,
    *,
    on_status: StatusCallback | None = None,
    open_browser: Callable[[str], object] = webbrowser.open,
) -> NetworkParts:
    """Start the clients for the configured systems and return them as desktop parts."""
    network = await start_network(context, core, on_status=on_status, open_browser=open_browser)
    return parts_from(network)


def parts_from(network: Network) -> NetworkParts:
    """What the desktop gets from a running `Network`; ``network.close`` is the last closer."""
    parts = NetworkParts(
        phone=network.phone,
        lookup=network.zammad.lookup if network.zammad is not None else None,
        nfon_dialler=network.nfon_dialler,
        nfon_account=network.nfon,
        network=network,
        closers=[network.close],
    )
    parts.probes.extend(status_probes(network))
    if network.phone_client is not None:
        parts.subscribe_dnd = network.dnd_listeners.append
    if network.action_urls:
        urls = list(network.action_urls.items())
        parts.action_urls = lambda _settings, _secrets: urls
    if network.action_url_listener is not None:
        parts.wait_for_phone_event = network.action_url_listener.next_accepted
    return parts
