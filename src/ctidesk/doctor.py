"""`ctidesk doctor`: check each configured system and say what to fix, as a table."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from ctidesk.app import Context
from ctidesk.config.secrets import SecretName


class Status(StrEnum):
    OK = "ok"
    PROBLEM = "PROBLEM"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class CheckResult:
    system: str
    status: Status
    detail: str


DoctorCheck = Callable[[Context], Awaitable[CheckResult]]


async def check_files(context: Context) -> CheckResult:
    try:
        for folder in (context.paths.data_dir, context.paths.log_dir, context.settings_path.parent):
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder):
                pass
    except OSError as exc:
        return CheckResult("files", Status.PROBLEM, f"cannot write {exc.filename}: {exc.strerror}")
    return CheckResult("files", Status.OK, f"settings {context.settings_path}")


async def check_keyring(context: Context) -> CheckResult:
    if context.keyring_problem is None:
        return CheckResult("keyring", Status.OK, "OS keyring available")
    headless = any(name.env_var in os.environ for name in SecretName)
    status = Status.SKIPPED if headless else Status.PROBLEM
    return CheckResult("keyring", status, context.keyring_problem)


def default_checks() -> list[DoctorCheck]:
    """Every check, in the order they are shown; clients add theirs here."""
    from ctidesk import doctor_checks

    return [check_files, check_keyring, *doctor_checks.CLIENT_CHECKS]


async def run_checks(
    context: Context, checks: list[DoctorCheck], limit_seconds: float = 15.0
) -> list[CheckResult]:
    async def guarded(check: DoctorCheck) -> CheckResult:
        name = check.__name__.removeprefix("check_")
        try:
            return await asyncio.wait_for(check(context), limit_seconds)
        except TimeoutError:
            return CheckResult(name, Status.PROBLEM, f"no answer within {limit_seconds:.0f} s")
        except Exception as exc:
            return CheckResult(name, Status.PROBLEM, f"check failed: {exc}")

    return list(await asyncio.gather(*(guarded(c) for c in checks)))


def format_table(results: list[CheckResult]) -> str:
    width = max([len(r.system) for r in results] + [6])
    lines = [f"{'system':<{width}}  {'status':<8}  what to do / details"]
    lines += [f"{r.system:<{width}}  {r.status.value:<8}  {r.detail}" for r in results]
    return "\n".join(lines)
