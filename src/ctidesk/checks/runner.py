"""Running checks and showing their results as the command-line tables."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TYPE_CHECKING

from ctidesk.core.ports import ReachState, SystemStatus

if TYPE_CHECKING:
    from ctidesk.app import Context

DoctorCheck = Callable[["Context"], Awaitable[SystemStatus]]
"""A check of one configured system, from the settings and secrets of a `Context`."""

PROBLEM_STATES = frozenset(
    {ReachState.UNREACHABLE, ReachState.AUTH_FAILED, ReachState.MISCONFIGURED}
)
"""The states that need the user to do something."""


class Verdict(StrEnum):
    """How a check came out, for a table: the tray shows the `ReachState` itself."""

    OK = "ok"
    WARNING = "warning"
    SKIPPED = "skipped"
    PROBLEM = "problem"


def verdict(status: SystemStatus) -> Verdict:
    """Unknown is a warning: the check could not tell here (no display, no keyring daemon)."""
    if status.state in PROBLEM_STATES:
        return Verdict.PROBLEM
    return {
        ReachState.OK: Verdict.OK,
        ReachState.DISABLED: Verdict.SKIPPED,
    }.get(status.state, Verdict.WARNING)


def found_problem(results: list[SystemStatus]) -> bool:
    return any(verdict(result) is Verdict.PROBLEM for result in results)


async def run_checks(
    context: Context, checks: list[DoctorCheck], limit_seconds: float = 15.0
) -> list[SystemStatus]:
    """Every check at once; one that hangs or crashes becomes a problem with its reason."""

    async def guarded(check: DoctorCheck) -> SystemStatus:
        name = check.__name__.removeprefix("check_")
        try:
            return await asyncio.wait_for(check(context), limit_seconds)
        except TimeoutError:
            detail = f"no answer within {limit_seconds:.0f} s"
            return SystemStatus(system=name, state=ReachState.UNREACHABLE, detail=detail)
        except Exception as exc:
            detail = f"check failed: {exc}"
            return SystemStatus(system=name, state=ReachState.MISCONFIGURED, detail=detail)

    return list(await asyncio.gather(*(guarded(c) for c in checks)))


_DOCTOR_LABELS = {
    Verdict.OK: "ok",
    Verdict.WARNING: "warning",
    Verdict.SKIPPED: "skipped",
    Verdict.PROBLEM: "PROBLEM",
}
_SELF_CHECK_LABELS = {
    Verdict.OK: "ok",
    Verdict.WARNING: "warn",
    Verdict.SKIPPED: "skip",
    Verdict.PROBLEM: "FAIL",
}


def doctor_table(results: list[SystemStatus]) -> str:
    """`ctidesk doctor`'s table: system, status, what to do."""
    width = max([len(r.system) for r in results] + [6])
    lines = [f"{'system':<{width}}  {'status':<8}  what to do / details"]
    lines += [f"{r.system:<{width}}  {_DOCTOR_LABELS[verdict(r)]:<8}  {r.detail}" for r in results]
    return "\n".join(lines)


def self_check_table(results: list[SystemStatus]) -> str:
    """`ctidesk --self-check`'s table: status, part, what was found."""
    width = max(len(r.system) for r in results)
    return "\n".join(
        f"  {_SELF_CHECK_LABELS[verdict(r)]:<5} {r.system:<{width}}  {r.detail}" for r in results
    )
