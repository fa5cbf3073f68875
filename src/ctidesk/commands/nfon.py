"""`ctidesk login`, `ctidesk logout`, `ctidesk history`: NFON from the command line.

The tray uses the same `TokenManager`, so signing in here signs in the desktop app too.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import httpx

    from ctidesk.app import Context
    from ctidesk.clients.nfon import NfonServices

T = TypeVar("T")


class _Failed(Exception):
    """An NFON error, already worded for the user."""


def register(subparsers: Any) -> None:
    login = subparsers.add_parser("login", help="sign in to NFON in the browser")
    login.set_defaults(handler=_login)
    logout = subparsers.add_parser("logout", help="sign out of NFON and forget the tokens")
    logout.add_argument(
        "--switch-account",
        action="store_true",
        help="also end the browser's NFON session, to sign in as someone else next",
    )
    logout.set_defaults(handler=_logout)
    history = subparsers.add_parser("history", help="print your recent NFON calls")
    history.add_argument("--search", help="text in the caller's or callee's name or number")
    history.add_argument("--missed", action="store_true", help="only missed calls")
    history.add_argument("--json", action="store_true", help="print JSON instead of a table")
    history.add_argument("--limit", type=int, default=20, help="how many calls (default 20)")
    history.set_defaults(handler=_history)


def _fail(message: str) -> int:
    print(f"ctidesk: {message}", file=sys.stderr)
    return 2


def _run(work: Callable[[], Awaitable[T]]) -> T:
    """Run one NFON task; its errors come out as ``_Failed`` (asyncio and the NFON client are
    imported here, not when the parser is built on every start)."""
    import asyncio

    from ctidesk.clients.nfon import NfonError

    async def guarded() -> T:
        try:
            return await work()
        except NfonError as exc:
            raise _Failed(str(exc)) from exc

    return asyncio.run(guarded())


def nfon_services(context: Context, http: httpx.AsyncClient) -> NfonServices:
    """The NFON services a command uses: new tokens are redacted from the log at once, and
    the refresh lock keeps this process and a running desktop from refreshing together."""
    from ctidesk.clients.nfon import build_nfon_services

    return build_nfon_services(
        context.settings,
        http,
        context.secrets,
        on_new_secret=context.redactor.add,
        refresh_lock=context.paths.nfon_refresh_lock,
    )


def _login(args: argparse.Namespace) -> int:
    from ctidesk.app import open_context

    context = open_context(args.config, require_keyring=True)

    async def run() -> None:
        import httpx

        async with httpx.AsyncClient(timeout=20) as http:
            services = nfon_services(context, http)
            await services.tokens.login(on_url=_say_opening)
            print(f"Signed in to NFON as {services.tokens.account_label()}.")

    try:
        _run(run)
    except KeyboardInterrupt:
        return _fail("sign-in cancelled; nothing was stored")
    except _Failed as exc:
        return _fail(str(exc))
    return 0


def _say_opening(url: str) -> None:
    """Printed once the sign-in page is known (after discovery worked), before the browser."""
    print("Opening the NFON sign-in page in your browser ...")
    print(f"If no browser opens, visit:\n  {url}\n", flush=True)


def _logout(args: argparse.Namespace) -> int:
    from ctidesk.app import open_context

    context = open_context(args.config)

    async def run() -> bool:
        import httpx

        async with httpx.AsyncClient(timeout=10) as http:
            services = nfon_services(context, http)
            if not services.tokens.signed_in:
                print("Not signed in to NFON; nothing to do.")
                return True
            confirmed = await services.tokens.logout(switch_account=args.switch_account)
            print(
                "Signed out of NFON."
                if confirmed
                else "Signed out on this computer (NFON did not confirm ending the session)."
            )
            if args.switch_account:
                print("Finish signing out in the browser, then run `ctidesk login`.")
            return True

    try:
        _run(run)
    except _Failed as exc:
        return _fail(str(exc))
    return 0


def _history(args: argparse.Namespace) -> int:
    from ctidesk.app import open_context

    if args.limit < 1:
        return _fail("--limit must be at least 1")
    context = open_context(args.config)

    async def run() -> list[Any]:
        import httpx

        from ctidesk.clients.nfon import Filter, HistoryQuery

        async with httpx.AsyncClient(timeout=20) as http:
            services = nfon_services(context, http)
            query = HistoryQuery(
                search=args.search or None,
                filters=[Filter.MISSED] if args.missed else [],
                limit=args.limit,
            )
            return await services.history.records(query)

    try:
        records = _run(run)
    except _Failed as exc:
        return _fail(str(exc))
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in records], indent=2))
        return 0
    if not records:
        print("No calls found.")
        return 0
    print(format_history(records, context.settings.dialing.default_region))
    return 0


def format_history(records: list[Any], default_region: str = "DE") -> str:
    """One line per call: when, direction, status, who, how long, summary."""
    lines = []
    for record in records:
        remote = record.remote
        number = remote.phone_number(default_region).display() if remote.number else "?"
        who = f"{remote.name} ({number})" if remote.name else number
        arrow = {"inbound": "<-", "outbound": "->"}.get(record.direction.value, "  ")
        when = record.created.astimezone().strftime("%Y-%m-%d %H:%M")
        minutes, seconds = divmod(record.duration, 60)
        line = f"{when}  {arrow} {record.status.value:<9} {who:<40} {minutes:>3}:{seconds:02d}"
        if record.summary:
            line += f"  {record.summary}"
        lines.append(line)
    return "\n".join(lines)
