"""The settings dialog's "Test connection" buttons: the doctor's checks, run on unsaved values.

The agent tests before saving, so each test sees the dialog's candidate settings and the
secrets as they would be after Save (typed ones win, removed ones are gone) layered over the
stored ones, in a throw-away store: a test never writes the keyring.

What a test says is for someone in front of the dialog: a missing address, password or token is
asked for by its field, the command-line hints of the clients' messages (`ctidesk secret set`)
become the dialog's own ("enter it in the … field above and Save"), and an error the HTTP library
raises becomes a sentence instead of its raw text ("Invalid IPv4 address").
"""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from PySide6.QtCore import QCoreApplication

from ctidesk.app import Context
from ctidesk.checks.doctor import check_phone, check_zammad_api, check_zammad_cti
from ctidesk.checks.runner import DoctorCheck, Verdict, verdict
from ctidesk.config.secrets import MemorySecretStore, SecretName, SecretStore
from ctidesk.config.settings import Settings
from ctidesk.gui.settings_dialog import ConnectionTest, SecretValues

translate = QCoreApplication.translate


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


def connection_testers(context: Context, *, in_setup: bool = False) -> dict[str, ConnectionTest]:
    """One test per system the dialog offers a button for; ``in_setup``: for the first-run
    setup, where Next (not Save) keeps what was typed."""
    return {
        "phone": _tester(context, [check_phone], _phone_missing, in_setup),
        "zammad": _tester(context, [check_zammad_api, check_zammad_cti], _zammad_missing, in_setup),
    }


Missing = Callable[[Settings, MemorySecretStore], str]
"""What must be filled in before a test can run, as a sentence; empty when nothing is missing."""


def _tester(
    context: Context, checks: list[DoctorCheck], missing: Missing, in_setup: bool
) -> ConnectionTest:
    async def test(settings: Settings, values: SecretValues) -> str:
        secrets = candidate_secrets(context.secrets, values)
        first = missing(settings, secrets)
        if first:
            raise ConnectionTestFailed(first)
        candidate = Context(
            paths=context.paths,
            settings_path=context.settings_path,
            settings=settings,
            secrets=secrets,
            redactor=context.redactor,
        )
        results = []
        for check in checks:
            try:
                results.append(await check(candidate))
            except Exception as exc:
                raise ConnectionTestFailed(failure_sentence(exc)) from exc
        problems = [r.detail for r in results if verdict(r) is Verdict.PROBLEM]
        if problems or not any(verdict(r) is Verdict.OK for r in results):
            details = problems or [r.detail for r in results]
            raise ConnectionTestFailed("; ".join(for_the_dialog(d, in_setup) for d in details))
        return "; ".join(r.detail for r in results)

    return test


def _phone_missing(settings: Settings, secrets: MemorySecretStore) -> str:
    if not settings.phone.enabled:
        return translate(
            "ConnectionTests", "The phone is switched off; tick “Use the desk phone” to test it."
        )
    if not settings.phone.address:
        return translate("ConnectionTests", "Enter the phone's address first.")
    if not secrets.get(SecretName.PHONE_PASSCODE):
        return translate(
            "ConnectionTests", "Enter the phone's passcode first (the Passcode field)."
        )
    return ""


def _zammad_missing(settings: Settings, secrets: MemorySecretStore) -> str:
    zammad = settings.zammad
    if not zammad.enabled:
        return translate("ConnectionTests", "Zammad is switched off; tick “Use Zammad” to test it.")
    if not zammad.url:
        return translate("ConnectionTests", "Enter Zammad's address first (the URL field).")
    if not secrets.get(SecretName.ZAMMAD_API_TOKEN):
        return translate("ConnectionTests", "Enter an API token first (the API token field).")
    if zammad.forward_events and not secrets.get(SecretName.ZAMMAD_CTI_URL):
        return translate(
            "ConnectionTests",
            "Enter the CTI endpoint URL first, or untick “Send calls to Zammad's caller log”.",
        )
    return ""


def _field_names() -> dict[str, str]:
    return {
        SecretName.PHONE_PASSCODE.value: translate("ConnectionTests", "Passcode"),
        SecretName.ZAMMAD_CTI_URL.value: translate("ConnectionTests", "CTI endpoint URL"),
        SecretName.ZAMMAD_API_TOKEN.value: translate("ConnectionTests", "API token"),
        SecretName.NFON_CTI_PASSWORD.value: translate("ConnectionTests", "CTI password"),
    }


_STORE_WITH = re.compile(
    r"(?:store|put) (?:it|the admin password|a token|the password) with `ctidesk secret set (\w+)`"
)
_IN_BRACKETS = re.compile(r"\(`ctidesk secret set (\w+)`\)")
_SIGN_IN = re.compile(r"(?:sign in|run) (?:with )?`ctidesk login`")


def for_the_dialog(message: str, in_setup: bool = False) -> str:
    """A client's message with its command-line hints turned into what to do in the dialog
    (or in the first-run setup)."""
    names = _field_names()

    def enter(match: re.Match[str]) -> str:
        field = names.get(match.group(1), match.group(1))
        if in_setup:
            return translate(
                "ConnectionTests", "enter it in the %1 field above and press Next"
            ).replace("%1", field)
        return translate("ConnectionTests", "enter it in the %1 field above and Save").replace(
            "%1", field
        )

    def field_name(match: re.Match[str]) -> str:
        field = names.get(match.group(1), match.group(1))
        return translate("ConnectionTests", "(the %1 field above)").replace("%1", field)

    message = _STORE_WITH.sub(enter, message)
    message = _IN_BRACKETS.sub(field_name, message)
    return _SIGN_IN.sub(
        translate("ConnectionTests", "use “Sign in with NFON” on the NFON page"), message
    )


def failure_sentence(exc: BaseException) -> str:
    """An exception a check did not turn into a sentence itself, as one for the user."""
    if isinstance(exc, ConnectionTestFailed):
        return str(exc)
    if isinstance(exc, httpx.InvalidURL):
        return translate(
            "ConnectionTests",
            "The address is not valid; check it for a typing mistake, e.g. a number above 255 "
            "in an IP address.",
        )
    if isinstance(exc, httpx.TimeoutException):
        return translate(
            "ConnectionTests",
            "No answer in time; check the address and that the system is switched on.",
        )
    if isinstance(exc, httpx.ConnectError | OSError):
        return translate(
            "ConnectionTests", "Cannot connect (%1); check the address, the port and the network."
        ).replace("%1", str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.HTTPError):
        return translate(
            "ConnectionTests", "The connection failed (%1); check the address and try again."
        ).replace("%1", str(exc) or type(exc).__name__)
    return translate(
        "ConnectionTests", "The test failed unexpectedly (%1); the log has the details."
    ).replace("%1", str(exc) or type(exc).__name__)
