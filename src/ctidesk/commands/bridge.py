"""`ctidesk bridge`: the headless call bridge (no tray): phone events to the journal and Zammad.

For a PC without a desktop session, or to run ctidesk as a service: the same clients as the tray
app, built by the composition root. It prints where it listens and the phone's Action URLs once
it is ready (their token hidden: `ctidesk action-urls` prints it), a line whenever a
system's state changes, and stops cleanly on Ctrl+C or SIGTERM
(undelivered Zammad events stay in the outbox for the next start).

With no source of calls at all (no usable phone, not signed in to NFON) it has nothing to do: it
says what is missing and exits with 2, so a service manager shows the failure at once. With at
least one source it runs on what is there and names what is not set up.

Like every module under ``commands``, it imports asyncio and the clients inside its handlers:
the parser is built on every start, and the tray icon should not wait for them.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ctidesk.core.ports import SystemStatus

READY_LINE = "ctidesk bridge ready"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bridge",
        help="run headless: phone events to the call journal and Zammad, until Ctrl+C",
    )
    parser.set_defaults(handler=run_bridge)


def run_bridge(args: argparse.Namespace) -> int:
    import asyncio

    from ctidesk.app import open_context

    context = open_context(args.config, log_to_stderr=True)
    missing = missing_systems(context)
    if "phone" in missing and "nfon" in missing:
        print(
            "ctidesk: the bridge has no source of calls, so it would do nothing; set up at "
            f"least the phone or NFON (settings file: {context.settings_path}):",
            file=sys.stderr,
        )
        for system, fix in missing.items():
            print(f"  {system}: {fix}", file=sys.stderr)
        return 2
    for system, fix in missing.items():
        _say(f"not set up: {system}: {fix}")
    return asyncio.run(_serve(context))


def missing_systems(context: Any) -> dict[str, str]:
    """Each system the bridge cannot use as set up, with what to do about it."""
    from ctidesk.config.secrets import SecretName, SecretStoreUnavailable

    settings = context.settings

    def stored(name: SecretName) -> bool:
        try:
            return bool(context.secrets.get(name))
        except SecretStoreUnavailable:
            return False

    def secret_fix(name: SecretName) -> str:
        return f"set {name.env_var} or run `ctidesk secret set {name.value}`"

    missing: dict[str, str] = {}
    if not settings.phone.enabled:
        missing["phone"] = "switched off ([phone] enabled = false)"
    elif not settings.phone.address:
        missing["phone"] = "no address; put it into [phone] address"
    elif not stored(SecretName.PHONE_PASSCODE):
        missing["phone"] = "no password; " + secret_fix(SecretName.PHONE_PASSCODE)
    if not settings.nfon.enabled:
        missing["nfon"] = "switched off ([nfon] enabled = false)"
    elif not stored(SecretName.NFON_REFRESH_TOKEN):
        missing["nfon"] = "not signed in; run `ctidesk login`"
    zammad = settings.zammad
    if not zammad.enabled:
        missing["zammad"] = "switched off; calls are not sent to Zammad"
    elif not zammad.url:
        missing["zammad"] = "no address; put it into [zammad] url"
    elif zammad.forward_events and not stored(SecretName.ZAMMAD_CTI_URL):
        missing["zammad"] = "no CTI endpoint URL; " + secret_fix(SecretName.ZAMMAD_CTI_URL)
    return missing


def _say(line: str) -> None:
    print(line, flush=True)


async def _serve(context: Any) -> int:
    import asyncio
    import contextlib
    import signal

    from ctidesk.app import build_core, start_network
    from ctidesk.clients.grandstream import masked_action_url

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(number, stop.set)
    shown: dict[str, SystemStatus] = {}

    def on_status(status: SystemStatus) -> None:
        if shown.get(status.system) == status:
            return
        shown[status.system] = status
        detail = f": {status.detail}" if status.detail else ""
        _say(f"{status.system}: {status.state.value}{detail}")

    core = build_core(context)
    try:
        network = await start_network(context, core, on_status=on_status, open_browser=_no_browser)
    except Exception as exc:
        await core.close()
        print(f"ctidesk: the bridge could not start: {exc}", file=sys.stderr)
        return 2
    try:
        if network.listen_address is not None:
            host, port = network.listen_address
            _say(f"listening for the phone's Action URLs on {host}:{port}")
        for event, url in network.action_urls.items():
            _say(f"action url {event}: {masked_action_url(url)}")
        if network.action_urls:
            _say("(the token is hidden: `ctidesk action-urls` prints the URLs to paste)")
        _say(READY_LINE)
        await stop.wait()
        _say("stopping")
    finally:
        await network.close()
        await core.close()
    return 0


def _no_browser(url: str) -> bool:
    """Headless: the login runs with `ctidesk nfon login`, never from inside the bridge."""
    return False
