"""`ctidesk secret`: store, remove or list the passwords and tokens in the OS keyring."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ctidesk.config.secrets import SecretName


def register(subparsers: Any) -> None:
    secret = subparsers.add_parser(
        "secret", help="store or remove a password or token in the keyring"
    )
    secret.add_argument("action", choices=["set", "delete", "status"])
    secret.add_argument("name", nargs="?", choices=[n.value for n in SecretName])
    secret.set_defaults(handler=_secret)


def _secret(args: argparse.Namespace) -> int:
    from ctidesk.app import open_context

    if args.action != "status" and not args.name:
        print(
            f"ctidesk: name which secret to {args.action}, "
            "e.g. `ctidesk secret set phone_passcode`",
            file=sys.stderr,
        )
        return 2
    context = open_context(args.config, require_keyring=args.action != "status")
    if args.action == "status":
        for name in SecretName:
            value = context.secrets.get(name)
            print(f"{name.value:<20} {'set' if value else 'not set'}")
        return 0
    name = SecretName(args.name)
    if args.action == "delete":
        context.secrets.delete(name)
        print(f"{name.value} removed from the keyring")
        return 0
    value = (
        sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty()
        else getpass.getpass(f"{name.value}: ")
    )
    if not value:
        print("ctidesk: nothing entered; the secret was not changed", file=sys.stderr)
        return 2
    context.secrets.set(name, value)
    print(f"{name.value} stored in the OS keyring")
    return 0
