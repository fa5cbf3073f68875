"""Doctor checks of the external systems (phone, Zammad, NFON), one function each."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctidesk.app import Context
    from ctidesk.doctor import CheckResult, DoctorCheck

CLIENT_CHECKS: list[DoctorCheck] = []


async def check_nfon(context: Context) -> CheckResult:
    """Signed in to NFON and the token refresh works; the CTI login too when it is enabled."""
    import httpx

    from ctidesk.clients.nfon import NfonError, build_nfon_services
    from ctidesk.doctor import CheckResult, Status

    nfon = context.settings.nfon
    if not nfon.enabled:
        return CheckResult("nfon", Status.SKIPPED, "NFON is switched off in the settings")
    async with httpx.AsyncClient(timeout=10) as http:
        services = build_nfon_services(
            context.settings,
            http,
            context.secrets,
            on_new_secret=context.redactor.add,
            refresh_lock=context.paths.nfon_refresh_lock,
        )
        if not services.tokens.signed_in:
            return CheckResult("nfon", Status.PROBLEM, "not signed in: run `ctidesk login`")
        try:
            await services.tokens.access_token()
            if services.tokens.save_problem:
                return CheckResult("nfon", Status.PROBLEM, services.tokens.save_problem)
            detail = f"signed in as {services.tokens.account_label()}; token refresh works"
            if services.cti is not None:
                extensions = await services.cti.extensions()
                detail += f"; CTI API login works ({len(extensions)} extensions visible)"
        except NfonError as exc:
            return CheckResult("nfon", Status.PROBLEM, str(exc))
    return CheckResult("nfon", Status.OK, detail)


CLIENT_CHECKS.append(check_nfon)


async def check_zammad_cti(context: Context) -> CheckResult:
    """The CTI endpoint URL is set and accepted; tested with an invalid direction, so no call
    is logged (see `ctidesk.clients.zammad.probe`)."""
    import httpx

    from ctidesk.clients.zammad import probe_cti_endpoint
    from ctidesk.doctor import CheckResult, Status

    async with httpx.AsyncClient(follow_redirects=False) as http:
        result = await probe_cti_endpoint(context.settings.zammad, context.secrets, http)
    status = Status.SKIPPED if result.skipped else Status.OK if result.ok else Status.PROBLEM
    return CheckResult("zammad cti", status, result.detail)


async def check_zammad_api(context: Context) -> CheckResult:
    """The agent's Zammad API token is accepted (users, tickets, caller log)."""
    import httpx

    from ctidesk.clients.zammad import ZammadLookup, probe_api_token
    from ctidesk.doctor import CheckResult, Status

    async with httpx.AsyncClient(follow_redirects=False) as http:
        lookup = ZammadLookup(settings=context.settings.zammad, secrets=context.secrets, http=http)
        result = await probe_api_token(context.settings.zammad, context.secrets, lookup)
    status = Status.SKIPPED if result.skipped else Status.OK if result.ok else Status.PROBLEM
    return CheckResult("zammad api", status, result.detail)


CLIENT_CHECKS.extend([check_zammad_cti, check_zammad_api])


async def check_phone(context: Context) -> CheckResult:
    """The phone answers and accepts the passcode; reports the model family and its lines."""
    from ctidesk.clients.grandstream import (
        GrandstreamError,
        PhoneNotConfigured,
        build_grandstream_services,
    )
    from ctidesk.doctor import CheckResult, Status

    phone = context.settings.phone
    if not phone.enabled:
        return CheckResult("phone", Status.SKIPPED, "the phone is switched off in the settings")
    try:
        client = build_grandstream_services(context.settings, context.secrets).client
    except PhoneNotConfigured as exc:
        return CheckResult("phone", Status.PROBLEM, str(exc))
    try:
        family = await client.family()
        lines = await client.read_lines()
    except GrandstreamError as exc:
        return CheckResult("phone", Status.PROBLEM, str(exc))
    finally:
        await client.aclose()
    busy = sum(1 for line in lines if line.busy)
    detail = (
        f"{family.value.upper()} at {phone.address} reachable, passcode accepted, "
        f"{len(lines)} lines ({busy} busy)"
    )
    return CheckResult("phone", Status.OK, detail)


CLIENT_CHECKS.append(check_phone)
