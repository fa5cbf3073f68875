"""`ctidesk doctor`'s checks: each configured system, from the settings alone, says what to fix.

The settings dialog's "Test connection" buttons run the phone and Zammad checks on unsaved values.
"""

from __future__ import annotations

import os
import tempfile
from typing import TYPE_CHECKING, Protocol

from ctidesk.config.secrets import SecretName
from ctidesk.core.ports import NFON, PHONE, ReachState, SystemStatus

if TYPE_CHECKING:
    from ctidesk.app import Context
    from ctidesk.checks.runner import DoctorCheck


def doctor_checks() -> list[DoctorCheck]:
    """Every check, in the order `ctidesk doctor` shows them."""
    return [check_files, check_keyring, check_nfon, check_zammad_cti, check_zammad_api, check_phone]


async def check_files(context: Context) -> SystemStatus:
    """The folders for settings, journal and logs accept a file."""
    try:
        for folder in (context.paths.data_dir, context.paths.log_dir, context.settings_path.parent):
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder):
                pass
    except OSError as exc:
        detail = f"cannot write {exc.filename}: {exc.strerror}"
        return SystemStatus(system="files", state=ReachState.MISCONFIGURED, detail=detail)
    return SystemStatus(
        system="files", state=ReachState.OK, detail=f"settings {context.settings_path}"
    )


async def check_keyring(context: Context) -> SystemStatus:
    """The OS keyring works; without one, a headless run on CTIDESK_* variables is fine."""
    if context.keyring_problem is None:
        return SystemStatus(system="keyring", state=ReachState.OK, detail="OS keyring available")
    headless = any(name.env_var in os.environ for name in SecretName)
    state = ReachState.DISABLED if headless else ReachState.UNREACHABLE
    return SystemStatus(system="keyring", state=state, detail=context.keyring_problem)


async def check_nfon(context: Context) -> SystemStatus:
    """Signed in to NFON and the token refresh works; the CTI login too when it is enabled."""
    import httpx

    from ctidesk.clients.nfon import NfonError, build_nfon_services

    nfon = context.settings.nfon
    if not nfon.enabled:
        return _nfon(ReachState.DISABLED, "NFON is switched off in the settings")
    async with httpx.AsyncClient(timeout=10) as http:
        services = build_nfon_services(
            context.settings,
            http,
            context.secrets,
            on_new_secret=context.redactor.add,
            refresh_lock=context.paths.nfon_refresh_lock,
        )
        if not services.tokens.signed_in:
            return _nfon(ReachState.AUTH_FAILED, "not signed in: run `ctidesk login`")
        try:
            await services.tokens.access_token()
            if services.tokens.save_problem:
                return _nfon(ReachState.MISCONFIGURED, services.tokens.save_problem)
            detail = f"signed in as {services.tokens.account_label()}; token refresh works"
            if services.cti is not None:
                extensions = await services.cti.extensions()
                detail += f"; CTI API login works ({len(extensions)} extensions visible)"
        except NfonError as exc:
            return _nfon(ReachState.UNREACHABLE, str(exc))
    return _nfon(ReachState.OK, detail)


def _nfon(state: ReachState, detail: str) -> SystemStatus:
    return SystemStatus(system=NFON, state=state, detail=detail)


async def check_zammad_cti(context: Context) -> SystemStatus:
    """The CTI endpoint URL is set and accepted; tested with an invalid direction, so no call
    is logged (see `ctidesk.clients.zammad.probe`)."""
    import httpx

    from ctidesk.clients.zammad import probe_cti_endpoint

    async with httpx.AsyncClient(follow_redirects=False) as http:
        result = await probe_cti_endpoint(context.settings.zammad, context.secrets, http)
    return from_probe("zammad cti", result)


async def check_zammad_api(context: Context) -> SystemStatus:
    """The agent's Zammad API token is accepted (users, tickets, caller log)."""
    import httpx

    from ctidesk.clients.zammad import ZammadLookup, probe_api_token

    async with httpx.AsyncClient(follow_redirects=False) as http:
        lookup = ZammadLookup(settings=context.settings.zammad, secrets=context.secrets, http=http)
        result = await probe_api_token(context.settings.zammad, context.secrets, lookup)
    return from_probe("zammad api", result)


class ProbeAnswer(Protocol):
    """What the Zammad client's probes answer."""

    @property
    def ok(self) -> bool: ...

    @property
    def skipped(self) -> bool: ...

    @property
    def detail(self) -> str: ...


def from_probe(name: str, result: ProbeAnswer) -> SystemStatus:
    """A Zammad probe's answer as a check result (the doctor's and the tray's)."""
    if result.skipped:
        state = ReachState.DISABLED
    else:
        state = ReachState.OK if result.ok else ReachState.UNREACHABLE
    return SystemStatus(system=name, state=state, detail=result.detail)


async def check_phone(context: Context) -> SystemStatus:
    """The phone answers and accepts the passcode; reports the model family and its lines."""
    from ctidesk.clients.grandstream import (
        GrandstreamError,
        PhoneNotConfigured,
        build_grandstream_services,
    )

    phone = context.settings.phone
    if not phone.enabled:
        return _phone(ReachState.DISABLED, "the phone is switched off in the settings")
    try:
        client = build_grandstream_services(context.settings, context.secrets).client
    except PhoneNotConfigured as exc:
        return _phone(ReachState.MISCONFIGURED, str(exc))
    try:
        family = await client.family()
        lines = await client.read_lines()
    except GrandstreamError as exc:
        return _phone(ReachState.UNREACHABLE, str(exc))
    finally:
        await client.aclose()
    busy = sum(1 for line in lines if line.busy)
    detail = (
        f"{family.value.upper()} at {phone.address} reachable, passcode accepted, "
        f"{len(lines)} lines ({busy} busy)"
    )
    return _phone(ReachState.OK, detail)


def _phone(state: ReachState, detail: str) -> SystemStatus:
    return SystemStatus(system=PHONE, state=state, detail=detail)
