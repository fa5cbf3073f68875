"""The settings dialog's "Test connection" buttons: the doctor's checks, run on unsaved values.

The agent tests before saving, so each test sees the dialog's candidate settings and the
secrets as they would be after Save (typed ones win, removed ones are gone) layered over the
stored ones, in a throw-away store: a test never writes the keyring.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ctidesk.app import Context
from ctidesk.config.secrets import MemorySecretStore, SecretName, SecretStore
from ctidesk.config.settings import Settings
from ctidesk.doctor import CheckResult, Status
from ctidesk.doctor_checks import check_phone, check_zammad_api, check_zammad_cti
from ctidesk.gui.settings_dialog import ConnectionTest, SecretValues

Check = Callable[[Context], Awaitable[CheckResult]]


class ConnectionTestFailed(Exception):
    """A test found a problem; the message says which and what to do."""


def candidate_secrets(stored: SecretStore, values: SecretValues) -> MemorySecretStore:
    """The secrets after Save, without saving them."""
    merged: dict[SecretName, str] = {}
    for name in SecretName:
        value = values[name] if name in values else stored.get(name)
        if value:
            merged[name] = value
    return MemorySecretStore(merged)


def connection_testers(context: Context) -> dict[str, ConnectionTest]:
    """One test per system the dialog offers a button for."""
    return {
        "phone": _tester(context, [check_phone]),
        "zammad": _tester(context, [check_zammad_api, check_zammad_cti]),
    }


def _tester(context: Context, checks: list[Check]) -> ConnectionTest:
    async def test(settings: Settings, values: SecretValues) -> str:
        candidate = Context(
            paths=context.paths,
            settings_path=context.settings_path,
            settings=settings,
            secrets=candidate_secrets(context.secrets, values),
            redactor=context.redactor,
        )
        results = [await check(candidate) for check in checks]
        problems = [r.detail for r in results if r.status is Status.PROBLEM]
        if problems or not any(r.status is Status.OK for r in results):
            raise ConnectionTestFailed("; ".join(problems or [r.detail for r in results]))
        return "; ".join(r.detail for r in results)

    return test
