"""`ctidesk action-urls` and `ctidesk phone ...`: set up and drive the Grandstream phone by hand."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

_ACTIONS = ("status", "answer", "reject", "hold", "resume", "end", "dnd", "dial")


def register(subparsers: Any) -> None:
    urls = subparsers.add_parser(
        "action-urls", help="print the Action URLs to paste into the phone's web page"
    )
    urls.add_argument("--host", help="this PC's address as the phone reaches it")
    urls.add_argument("--port", type=int, help="listener port (default: [phone] listen_port)")
    urls.add_argument("--json", action="store_true", help="print JSON (event -> URL)")
    urls.set_defaults(handler=_action_urls)

    phone = subparsers.add_parser("phone", help="show the phone's lines or control a call")
    phone.add_argument("action", choices=_ACTIONS)
    phone.add_argument(
        "value", nargs="*", help="`on`/`off` for dnd, the number for dial (spaces allowed)"
    )
    phone.set_defaults(handler=_phone)


def _fail(message: str) -> int:
    print(f"ctidesk: {message}", file=sys.stderr)
    return 2


def _action_urls(args: argparse.Namespace) -> int:
    from ctidesk.app import open_context
    from ctidesk.clients.grandstream import (
        EVENT_FIELD_NAMES,
        EVENT_PVALUES,
        GrandstreamError,
        action_url_token,
        action_urls_for,
        public_host_for,
    )

    context = open_context(args.config)
    phone = context.settings.phone
    try:
        host = args.host or public_host_for(phone)
        token = action_url_token(context.secrets)
        urls = action_urls_for(host, args.port or phone.listen_port, token)
    except (GrandstreamError, ValueError) as exc:
        return _fail(str(exc))
    if args.json:
        print(json.dumps(urls, indent=2))
        return 0
    print("Paste each line into the phone's web page (Settings → Outbound Notification →")
    print("Action URL), into the field of the same name; leave slots used by other software.")
    print("The URLs contain a secret token: treat them like a password.\n")
    for event, url in urls.items():
        print(f"{EVENT_FIELD_NAMES[event]} (P{EVENT_PVALUES[event]}):\n  {url}")
    return 0


def _phone(args: argparse.Namespace) -> int:
    import asyncio

    from ctidesk.app import open_context
    from ctidesk.clients.grandstream import GrandstreamError

    context = open_context(args.config)
    args.value = " ".join(args.value) or None
    if args.action == "dnd" and args.value not in ("on", "off"):
        return _fail("say `ctidesk phone dnd on` or `ctidesk phone dnd off`")
    if args.action == "dial" and not args.value:
        return _fail("say which number to dial, e.g. `ctidesk phone dial +4930123456`")
    try:
        output = asyncio.run(_run_phone(context, args.action, args.value))
    except GrandstreamError as exc:
        return _fail(str(exc))
    print(output)
    return 0


async def _run_phone(context: Any, action: str, value: str | None) -> str:
    from ctidesk.clients.grandstream import LineState, LineStatus, build_grandstream_services
    from ctidesk.core.calls import Call, CallState, Direction
    from ctidesk.core.numbers import parse_number

    settings = context.settings
    region = settings.dialing.default_region
    services = build_grandstream_services(settings, context.secrets)
    client, control = services.client, services.control
    try:
        family = await client.family()
        if action == "status":
            lines = await control.lines()
            rows = [
                f"line {line.line}: {line.state.value}"
                + (f"  {line.remote_number}" if line.remote_number else "")
                + (f"  {line.remote_name}" if line.remote_name else "")
                for line in lines
            ]
            return f"{family.value.upper()} at {client.address}\n" + "\n".join(rows)
        if action == "dnd":
            await control.set_dnd(value == "on")
            return f"Do Not Disturb {value}"
        if action == "dial":
            number = parse_number(value, region)
            await control.dial(number)
            return f"dialling {number.display()}"

        def as_call(line: LineStatus) -> Call:
            return Call(
                id="cli",
                direction=Direction.UNKNOWN,
                remote=parse_number(line.remote_number, region),
                line=line.line,
                state=CallState.CONNECTED,
                started_at=datetime.now(UTC),
            )

        states: dict[str, set[LineState]] = {
            "answer": {LineState.RINGING},
            "reject": {LineState.RINGING},
            "hold": {LineState.CONNECTED},
            "resume": {LineState.ONHOLD},
            "end": {s for s in LineState if s is not LineState.IDLE},
        }
        wanted = states[action]
        line = next((line for line in await control.lines() if line.state in wanted), None)
        if line is None:
            return f"no call to {action} on the phone"
        commands: dict[str, Callable[[Call], Awaitable[None]]] = {
            "answer": control.answer,
            "reject": control.reject,
            "hold": control.hold,
            "resume": control.resume,
            "end": control.end,
        }
        await commands[action](as_call(line))
        return f"{action}: done on line {line.line}"
    finally:
        await client.aclose()
