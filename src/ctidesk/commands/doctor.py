"""`ctidesk doctor`: check each configured system and say what to fix, as a table."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    doctor = subparsers.add_parser(
        "doctor", help="check phone, Zammad and NFON and say what to fix"
    )
    doctor.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    import asyncio

    from ctidesk.app import open_context
    from ctidesk.checks.doctor import doctor_checks
    from ctidesk.checks.runner import doctor_table, found_problem, run_checks

    context = open_context(args.config)
    results = asyncio.run(run_checks(context, doctor_checks()))
    print(doctor_table(results))
    return 1 if found_problem(results) else 0
