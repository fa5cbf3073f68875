"""Subcommands contributed by each part of ctidesk.

Each module here has ``register(subparsers)`` that adds its commands with a ``handler``; the list
below fixes their order in ``ctidesk --help``.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import Any

_MODULES: list[str] = ["bridge", "nfon", "desktop", "phone", "sim"]

REGISTRARS: list[Callable[[Any], None]] = [
    importlib.import_module(f"ctidesk.commands.{name}").register for name in _MODULES
]


def run_desktop(args: argparse.Namespace) -> int:
    """`ctidesk` without a command: the tray application (or the demo with --demo)."""
    from ctidesk.gui.main import run

    exit_code: int = run(args)
    return exit_code
