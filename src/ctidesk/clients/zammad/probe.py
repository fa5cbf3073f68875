"""Checks for `ctidesk doctor`: is the CTI endpoint URL accepted, is the API token accepted?

Testing the CTI token without logging a call: Zammad checks, in this order, integration enabled
(422), configured (422), token (401), then ``direction`` (422 "Invalid direction!", nothing
logged). So a push with a deliberately invalid direction and no call id answers 422 "Invalid
direction!" exactly when the integration is on, configured and the token is right; 401 means a
wrong token; the other 422s name the configuration problem. Nothing reaches the caller log and no
agent is notified. (A newCall would create a caller-log row that cannot be removed.)
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from ctidesk.clients.zammad.events import encode_form
from ctidesk.clients.zammad.lookup import ZammadApiError, ZammadLookup, ZammadPermissionError
from ctidesk.clients.zammad.replies import ReplyKind, parse_cti_reply
from ctidesk.config.secrets import SecretName, SecretStore
from ctidesk.config.settings import ZammadSettings

PROBE_DIRECTION = "ctidesk-doctor"


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    detail: str
    skipped: bool = False


async def probe_cti_endpoint(
    settings: ZammadSettings, secrets: SecretStore, http: httpx.AsyncClient
) -> ProbeResult:
    """Whether Zammad accepts the CTI endpoint URL, without logging a call (module docstring)."""
    if not settings.enabled or not settings.forward_events:
        return ProbeResult(True, "forwarding calls to Zammad is off on this PC", skipped=True)
    url = (secrets.get(SecretName.ZAMMAD_CTI_URL) or "").strip()
    if not url:
        return ProbeResult(
            False,
            "the CTI endpoint URL is not set; copy it from Zammad (Admin > Integrations > "
            "CTI (generic) > Endpoint) and store it with `ctidesk secret set zammad_cti_url`",
        )
    fields = (("event", "newCall"), ("direction", PROBE_DIRECTION))
    try:
        response = await http.post(
            url,
            content=encode_form(fields),
            headers={
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            timeout=settings.request_timeout_seconds,
        )
    except httpx.HTTPError as exc:
        return ProbeResult(
            False,
            f"the CTI endpoint cannot be reached ({type(exc).__name__}); check the URL and the "
            "network",
        )
    reply = parse_cti_reply(response.status_code, response.content, "newCall")
    if reply.status == 422 and "invalid direction" in reply.message.lower():
        return ProbeResult(True, "CTI endpoint accepted (checked without logging a call)")
    if reply.kind in (ReplyKind.AUTH_FAILED, ReplyKind.DISABLED, ReplyKind.NOT_CONFIGURED):
        return ProbeResult(False, reply.describe())
    if reply.delivered:
        return ProbeResult(
            False,
            f"the CTI endpoint answered {reply.status} to an invalid event; is the URL really "
            "Zammad's CTI (generic) endpoint?",
        )
    return ProbeResult(False, reply.describe())


async def probe_api_token(
    settings: ZammadSettings, secrets: SecretStore, lookup: ZammadLookup
) -> ProbeResult:
    """Whether the agent's API token works for users, tickets and (optionally) the caller log."""
    if not settings.enabled:
        return ProbeResult(True, "Zammad is switched off", skipped=True)
    if not settings.url or not secrets.get(SecretName.ZAMMAD_API_TOKEN):
        missing = "address" if not settings.url else "API token"
        return ProbeResult(
            False,
            f"the Zammad {missing} is not set, so the pop-up cannot show customers and tickets; "
            "set the address in the Zammad settings and store a token with "
            "`ctidesk secret set zammad_api_token`",
        )
    try:
        me = await lookup.current_user()
    except ZammadApiError as exc:
        return ProbeResult(False, str(exc))
    try:
        await lookup.caller_log()
    except ZammadPermissionError:
        return ProbeResult(
            True,
            f"API token of {me} accepted; it lacks cti.agent, so callers are found by user "
            "search only (add cti.agent for Zammad's own caller matching)",
        )
    except ZammadApiError as exc:
        return ProbeResult(False, f"API token of {me} accepted, but the caller log failed: {exc}")
    return ProbeResult(True, f"API token of {me} accepted (tickets and caller log)")
