"""`ctidesk paths`: where the settings, the journal, the outbox and the log are kept."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    paths = subparsers.add_parser("paths", help="print where settings, journal and logs are kept")
    paths.set_defaults(handler=_paths)


def _paths(args: argparse.Namespace) -> int:
    from ctidesk.config.paths import AppPaths

    paths = AppPaths.default()
    print(f"settings  {args.config or paths.settings_file}")
    print(f"journal   {paths.journal_file}")
    print(f"outbox    {paths.outbox_file}")
    print(f"log       {paths.log_file}")
    return 0
