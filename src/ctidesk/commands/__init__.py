"""The subcommands of `ctidesk`, one module each, and the tray application itself.

Each command module has ``register(subparsers)`` that adds its commands with a ``handler``;
`ctidesk.cli.build_parser` calls them in the order of ``ctidesk --help``.
"""

from __future__ import annotations

import argparse


def run_desktop(args: argparse.Namespace) -> int:
    """`ctidesk` without a command: the tray application (or the demo with --demo)."""
    from ctidesk.gui.main import run

    exit_code: int = run(args)
    return exit_code
