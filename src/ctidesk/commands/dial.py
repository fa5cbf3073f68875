"""`ctidesk dial`: hand a number or a tel:/callto: link to the running ctidesk; `ctidesk quit`:
ask it to quit (what the Windows uninstaller does before removing the files)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    dial = subparsers.add_parser(
        "dial",
        help="dial a number or a tel:/callto: link through the running ctidesk",
        description="Dial NUMBER (or a tel:, callto: or sip: link) on the desk phone, through "
        "the ctidesk already running for this user.",
    )
    dial.add_argument(
        "number", nargs="*", help="e.g. +49 30 1234567 (spaces allowed) or tel:+49301234567"
    )
    dial.add_argument(
        "--selection", action="store_true", help="dial the text selected on screen instead"
    )
    dial.add_argument(
        "--start",
        action="store_true",
        help="start ctidesk first when it is not running (what a clicked tel: link does)",
    )
    dial.set_defaults(handler=_dial, config_may_be_new=True)
    quit_command = subparsers.add_parser(
        "quit",
        help="ask the running ctidesk to quit",
        description="Ask the ctidesk running for this user to quit, as its tray menu's Quit "
        "does (undelivered Zammad events stay in the outbox).",
    )
    quit_command.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait up to SECONDS until it has quit (exit status 1 if it has not)",
    )
    quit_command.set_defaults(handler=_quit)


def _quit(args: argparse.Namespace) -> int:
    import time

    from ctidesk.gui.main import home_key
    from ctidesk.gui.single_instance import (
        InstanceProtocolError,
        InstanceRequest,
        instance_name,
        send_request,
    )

    name = instance_name(home_key())
    try:
        reply = send_request(name, InstanceRequest("quit"))
    except InstanceProtocolError as exc:
        print(f"ctidesk: {exc}", file=sys.stderr)
        return 1
    if reply is None:
        print("ctidesk is not running")
        return 0
    if not reply.ok:
        print(f"ctidesk: {reply.message}", file=sys.stderr)
        return 1
    deadline = time.monotonic() + args.wait
    while args.wait > 0:
        try:
            if send_request(name, InstanceRequest("ping")) is None:
                print("ctidesk has quit")
                return 0
        except InstanceProtocolError:
            pass
        if time.monotonic() > deadline:
            print(f"ctidesk: still running after {args.wait:g} s", file=sys.stderr)
            return 1
        time.sleep(0.2)
    print(reply.message)
    return 0


def _dial(args: argparse.Namespace) -> int:
    from ctidesk.gui.dialing import NothingToDial, plan_dial
    from ctidesk.gui.main import ensure_gui_application, home_key
    from ctidesk.gui.single_instance import (
        InstanceProtocolError,
        InstanceRequest,
        instance_name,
        send_request,
    )

    if args.start:
        ensure_gui_application()
    if args.selection:
        request = InstanceRequest("dial_selection")
    else:
        text = " ".join(" ".join(args.number).split())
        if not text:
            print(
                "ctidesk: name the number to dial, e.g. `ctidesk dial +49301234567`",
                file=sys.stderr,
            )
            return 2
        try:
            plan_dial(text)
        except NothingToDial as exc:
            print(f"ctidesk: {exc}", file=sys.stderr)
            return 2
        request = InstanceRequest("dial", text)
    try:
        reply = send_request(instance_name(home_key()), request)
    except InstanceProtocolError as exc:
        print(f"ctidesk: {exc}", file=sys.stderr)
        return 1
    if reply is None and args.start and request.action == "dial":
        from ctidesk.commands import run_desktop

        args.dial_on_start = request.text
        return run_desktop(args)
    if reply is None:
        print(
            "ctidesk: ctidesk is not running; start it first (run `ctidesk`), then dial again",
            file=sys.stderr,
        )
        return 1
    if not reply.ok:
        print(f"ctidesk: {reply.message}", file=sys.stderr)
        return 1
    print(reply.message)
    return 0
