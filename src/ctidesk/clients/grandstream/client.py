"""Async client of a Grandstream phone's CTI API (and the web-UI session of newer firmware).

Every function of the CTI guide is a typed method. The passcode travels percent-encoded in the
query, as the guide requires, so request URLs are only ever logged with it replaced by ``***``.
"""

from __future__ import annotations

import hashlib
import logging
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from string import Formatter
from typing import Any, Literal
from urllib.parse import quote

import httpx

from ctidesk.clients.grandstream.errors import (
    ConfirmationRequired,
    GrandstreamError,
    PhoneAuthRejected,
    PhoneCertificateMismatch,
    PhoneCertificateUntrusted,
    PhoneFunctionMissing,
    PhoneNotConfigured,
    PhoneProtocolError,
    PhoneRefused,
    PhoneTimeout,
    PhoneUnreachable,
    SessionLocked,
    SessionLoginFailed,
    SessionUnsupported,
)
from ctidesk.clients.grandstream.models import (
    FAMILY_TRAITS,
    Account,
    AccountStatus,
    FamilyTraits,
    HandsetLine,
    HandsetStatus,
    LineStatus,
    PhoneFamily,
    PhoneStatus,
    decode_reply,
    family_from_model_name,
    handset_lines_as_line_status,
    is_unauthorized,
    parse_account_status,
    parse_accounts,
    parse_hs_line_status,
    parse_hs_status,
    parse_line_status,
    parse_phone_status,
)
from ctidesk.clients.grandstream.tls import (
    format_fingerprint,
    mismatch_fingerprint,
    normalize_fingerprint,
    pinned_ssl_context,
)

log = logging.getLogger(__name__)

AuthMode = Literal["passcode", "session"]
_OK_BODIES = (True, "true", "complete", "success", "savereboot", "directreboot", "reset")
_FAILED_BODIES = (False, "false", "failed", "unknown", "error")
TEMPLATE_FIELDS = frozenset({"number", "account", "account0", "hs", "passcode", "username"})


class PhoneOperation(StrEnum):
    """`api-phone_operation` commands (GXP, GRP)."""

    ACCEPT = "acceptcall"
    REJECT = "rejectcall"
    END = "endcall"
    HOLD = "holdcall"
    CANCEL = "cancel"


class DeviceOperation(StrEnum):
    """`api-device_operation` commands (DP75x); the last four take no line."""

    ACCEPT = "acceptcall"
    REJECT = "rejectcall"
    END = "endcall"
    HOLD = "holdcall"
    UNHOLD = "unholdcall"
    CANCEL = "cancel"
    MUTE = "mute"
    SPEAKER = "speaker"
    SET_DND = "setdnd"
    UNSET_DND = "unsetdnd"

    @property
    def takes_line(self) -> bool:
        return self not in (
            DeviceOperation.MUTE,
            DeviceOperation.SPEAKER,
            DeviceOperation.SET_DND,
            DeviceOperation.UNSET_DND,
        )


class SysRequest(StrEnum):
    REBOOT = "REBOOT"
    RESET = "RESET"


@dataclass(frozen=True)
class WebSession:
    """A logged-in web-UI session: family ``C`` (SHA-256 challenge) or ``A`` (plain form)."""

    sid: str
    role: str
    family: Literal["A", "C"]

    def cookie_header(self) -> str:
        if self.family == "C":
            return f"sid={self.sid}"
        return f"session-identity={self.sid}; session-role={self.role}"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_query(pairs: Sequence[tuple[str, str]], keep: str = "") -> str:
    """Percent-encode every value (``+``, ``#``, ``&``, space included); ``keep`` stays literal."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe=keep)}" for k, v in pairs)


def keys_for_family(keys: Sequence[str], traits: FamilyTraits) -> list[str]:
    """Key names as the family wants them: ``#`` is ``HASH`` on DP/GRP, ``#`` (sent as ``%23``)
    on GXP; digits stay digits."""
    out = []
    for key in keys:
        name = key.strip()
        if name in ("#", "HASH"):
            name = traits.hash_key
        elif name in ("*", "STAR"):
            name = traits.star_key
        if name:
            out.append(name)
    return out


def digits_to_keys(digits: str) -> list[str]:
    return [ch for ch in digits if ch.isdigit() or ch in "*#"]


def render_make_call(
    template: str, *, number: str, account: int, hs: int, passcode: str, username: str
) -> list[tuple[str, str]]:
    """Query pairs of `api-make_call` from a template such as ``phonenumber={number}&account=
    {account0}&password={passcode}``; the passcode is added as ``passcode=`` when not named."""
    values = {
        "number": number,
        "account": str(account),
        "account0": str(max(0, account - 1)),
        "hs": str(hs),
        "passcode": passcode,
        "username": username,
    }
    pairs: list[tuple[str, str]] = []
    uses_credential = False
    for part in template.strip().lstrip("?").split("&"):
        if not part:
            continue
        key, _, raw_value = part.partition("=")
        names = {name for _, name, _, _ in Formatter().parse(raw_value) if name is not None}
        unknown = names - TEMPLATE_FIELDS
        if unknown:
            raise PhoneNotConfigured(
                f"[phone] make_call_template uses unknown field(s) {sorted(unknown)}; "
                f"allowed are {sorted(TEMPLATE_FIELDS)}"
            )
        uses_credential = uses_credential or "passcode" in names
        pairs.append((key, raw_value.format_map(values)))
    if not any(k == "phonenumber" for k, _ in pairs):
        raise PhoneNotConfigured("[phone] make_call_template needs phonenumber={number}")
    if not uses_credential:
        pairs.insert(0, ("passcode", passcode))
    return pairs


def redacted_query(pairs: Sequence[tuple[str, str]], secret: str, keep: str = "") -> str:
    """The query as it may be logged: any value holding the secret shows as ``***``."""
    return "&".join(
        f"{quote(k, safe='')}=***" if secret and secret in v else encode_query([(k, v)], keep)
        for k, v in pairs
    )


class GrandstreamClient:
    """One phone. Open once, share, close with `aclose()` (or use ``async with``)."""

    def __init__(
        self,
        address: str,
        passcode: str,
        *,
        scheme: Literal["http", "https"] = "http",
        family: PhoneFamily | None = None,
        username: str = "admin",
        timeout_seconds: float = 4.0,
        certificate_sha256: str = "",
        handset: int = 1,
        make_call_template: str = "",
        auth: AuthMode = "passcode",
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int = 1,
    ) -> None:
        if not address:
            raise PhoneNotConfigured("[phone] address is empty")
        self.address = address
        self.scheme = scheme
        self.username = username
        self.handset = handset
        self.make_call_template = make_call_template
        self.auth: AuthMode = auth
        self.timeout_seconds = timeout_seconds
        self._passcode = passcode
        self._family = family
        self._retries = max(0, retries)
        self._pin = normalize_fingerprint(certificate_sha256) if certificate_sha256 else ""
        verify: ssl.SSLContext | bool = True
        if scheme == "https" and self._pin:
            verify = pinned_ssl_context(self._pin)
        self._base = f"{scheme}://{address}"
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds),
            verify=verify,
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": "ctidesk"},
        )
        self._session: WebSession | None = None

    def set_passcode(self, passcode: str) -> None:
        """After the agent stored a new passcode; the next request uses it (and logs in anew)."""
        self._passcode = passcode
        self._session = None

    @property
    def base_url(self) -> str:
        return self._base

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> GrandstreamClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ transport

    async def _send(
        self,
        method: str,
        path: str,
        shown: str,
        *,
        query: str = "",
        data: dict[str, str] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        retry: bool = True,
    ) -> httpx.Response:
        """One HTTP exchange with typed transport errors; retried once if never delivered."""
        url = f"{self._base}{path}" + (f"?{query}" if query else "")
        attempts = 1 + (self._retries if retry else 0)
        for attempt in range(attempts):
            log.debug("phone %s %s", method, shown)
            try:
                return await self._http.request(
                    method, url, data=data, json=json_body, headers=headers
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                error = self._transport_error(exc)
                if isinstance(error, PhoneCertificateMismatch | PhoneCertificateUntrusted):
                    raise error from None
                if attempt + 1 >= attempts:
                    raise error from None
                log.info("phone %s: %s; retrying once", shown, error.__class__.__name__)
            except httpx.TimeoutException:
                raise PhoneTimeout(self.address, self.timeout_seconds) from None
            except httpx.TransportError as exc:
                raise self._transport_error(exc) from None
        raise AssertionError("unreachable")

    def _transport_error(self, exc: httpx.TransportError) -> GrandstreamError:
        text = str(exc)
        got = mismatch_fingerprint(text)
        if got is not None:
            return PhoneCertificateMismatch(
                self.address, format_fingerprint(self._pin), format_fingerprint(got)
            )
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return PhoneCertificateUntrusted(self.address, "certificate verify failed")
        if isinstance(exc, httpx.TimeoutException):
            return PhoneTimeout(self.address, self.timeout_seconds)
        reason = text or exc.__class__.__name__
        return PhoneUnreachable(self.address, reason[:120])

    async def _cti(
        self,
        function: str,
        params: Sequence[tuple[str, str]] = (),
        *,
        keep: str = "",
        with_passcode: bool = True,
    ) -> dict[str, Any]:
        """GET ``/cgi-bin/<function>`` and return the JSON envelope of a success reply."""
        pairs = list(params)
        if with_passcode:
            pairs.insert(0, ("passcode", self._passcode))
        shown = f"/cgi-bin/{function}?{redacted_query(pairs, self._passcode, keep)}"
        response = await self._send(
            "GET", f"/cgi-bin/{function}", shown, query=encode_query(pairs, keep)
        )
        return self._envelope(function, response)

    def _envelope(self, function: str, response: httpx.Response) -> dict[str, Any]:
        status, content = response.status_code, response.content
        if status == 404:
            raise PhoneFunctionMissing(function, self._family.value if self._family else "?")
        try:
            envelope = decode_reply(function, status, content)
        except PhoneProtocolError:
            if is_unauthorized(status, content):
                raise PhoneAuthRejected(self.address) from None
            raise
        if envelope.get("response") != "success" and is_unauthorized(
            status, str(envelope.get("body")).encode()
        ):
            raise PhoneAuthRejected(self.address)
        if not 200 <= status < 300:
            raise PhoneProtocolError(function, f"HTTP {status}")
        return envelope

    @staticmethod
    def _require_success(function: str, envelope: dict[str, Any]) -> None:
        if envelope.get("response") != "success":
            raise PhoneProtocolError(function, f"error reply {envelope.get('body')!r}")

    @staticmethod
    def _expect_done(function: str, what: str, envelope: dict[str, Any]) -> None:
        """Operations answer ``true``/``complete``; ``false``/``failed``/``unknown`` mean no."""
        body = envelope.get("body")
        if envelope.get("response") == "success" and (
            body in _OK_BODIES or (isinstance(body, str) and body.lower() in _OK_BODIES)
        ):
            return
        raise PhoneRefused(function, what, body)

    # ------------------------------------------------------------------ family

    async def family(self) -> PhoneFamily:
        if self._family is None:
            self._family = await self.detect_family()
            log.info("phone model family detected: %s", self._family.value)
        return self._family

    async def traits(self) -> FamilyTraits:
        return FAMILY_TRAITS[await self.family()]

    async def model_name(self) -> str | None:
        """The product name from ``/json/configs/model.define.js`` (served without login)."""
        path = "/json/configs/model.define.js"
        try:
            response = await self._send("GET", path, path, retry=False)
        except PhoneUnreachable:
            raise
        except GrandstreamError:
            return None
        if response.status_code != 200:
            return None
        text = response.text[:4000]
        return text if family_from_model_name(text) else None

    async def detect_family(self) -> PhoneFamily:
        """From the model file, else by probing functions only one family has."""
        name = await self.model_name()
        if name:
            found = family_from_model_name(name)
            if found is not None:
                return found
        probes: list[tuple[str, Sequence[tuple[str, str]], PhoneFamily]] = [
            ("api-get_hs_status", [("hs", "1")], PhoneFamily.DP),
            ("api-get_accounts", [], PhoneFamily.GXP),
            ("api-get_phone_status", [], PhoneFamily.GRP),
        ]
        for function, params, family in probes:
            try:
                envelope = await self._cti(function, params)
            except (PhoneFunctionMissing, PhoneProtocolError):
                continue
            if envelope.get("response") == "success":
                return family
        raise PhoneProtocolError(
            "model detection", "none of the CTI functions answered; set [phone] model"
        )

    # ------------------------------------------------------------------ status

    async def get_line_status(self) -> list[LineStatus]:
        function = "api-get_line_status"
        if self.auth == "session":
            envelope = await self._session_post(function, {"line": "-1"})
        else:
            envelope = await self._cti(function)
        self._require_success(function, envelope)
        return parse_line_status(envelope.get("body"))

    async def read_lines(self) -> list[LineStatus]:
        """Line states in one shape for every family (DP75x: the configured handset's lines)."""
        if (await self.traits()).handsets:
            return handset_lines_as_line_status(await self.get_hs_line_status())
        return await self.get_line_status()

    async def get_phone_status(self) -> PhoneStatus:
        function = "api-get_phone_status"
        if self.auth == "session":
            envelope = await self._session_post(function, {})
        else:
            envelope = await self._cti(function)
        self._require_success(function, envelope)
        return parse_phone_status(envelope)

    async def get_accounts(self) -> list[Account]:
        envelope = await self._cti("api-get_accounts")
        self._require_success("api-get_accounts", envelope)
        return parse_accounts(envelope.get("body"))

    async def get_account_status(self, account: int) -> AccountStatus:
        envelope = await self._cti("api-get_account_status", [("account", str(account))])
        self._require_success("api-get_account_status", envelope)
        return parse_account_status(envelope, account)

    async def get_hs_status(self, hs: int | None = None) -> HandsetStatus:
        number = hs or self.handset
        envelope = await self._cti("api-get_hs_status", [("hs", str(number))])
        self._require_success("api-get_hs_status", envelope)
        return parse_hs_status(envelope, number)

    async def get_hs_line_status(self, hs: int | None = None) -> list[HandsetLine]:
        number = hs or self.handset
        envelope = await self._cti("api-get_hs_line_status", [("hs", str(number))])
        self._require_success("api-get_hs_line_status", envelope)
        return parse_hs_line_status(envelope, number)

    # ------------------------------------------------------------------ commands

    async def phone_operation(self, cmd: PhoneOperation) -> None:
        function = "api-phone_operation"
        envelope = await self._cti(function, [("cmd", cmd.value)])
        self._expect_done(function, _WHAT[cmd.value], envelope)

    async def device_operation(
        self, cmd: DeviceOperation, *, line: int | None = None, hs: int | None = None
    ) -> None:
        function = "api-device_operation"
        params = [("hs", str(hs or self.handset))]
        if cmd.takes_line:
            params.append(("line", str(line or 1)))
        params.append(("cmd", cmd.value))
        envelope = await self._cti(function, params)
        self._expect_done(function, _WHAT[cmd.value], envelope)

    async def send_keys(self, keys: Sequence[str] | str, *, hs: int | None = None) -> None:
        """Press keys; a string is split on ``:``. ``#`` becomes ``HASH`` where needed."""
        names = keys.split(":") if isinstance(keys, str) else list(keys)
        traits = await self.traits()
        translated = keys_for_family(names, traits)
        if not translated:
            raise PhoneNotConfigured("no keys to send")
        params = [("keys", ":".join(translated))]
        if traits.handsets:
            params.append(("hs", str(hs or self.handset)))
        function = "api-send_key"
        envelope = await self._cti(function, params, keep=":*")
        self._expect_done(function, "accept the key presses", envelope)

    async def make_call(
        self,
        number: str,
        *,
        account: int = 1,
        hs: int | None = None,
        template: str | None = None,
    ) -> None:
        """`api-make_call` with the configured (or the family's documented) parameter template."""
        chosen = template or self.make_call_template
        if not chosen:
            chosen = (await self.traits()).make_call_template or ""
        if not chosen:
            raise PhoneFunctionMissing("api-make_call without [phone] make_call_template", "gxp")
        pairs = render_make_call(
            chosen,
            number=number,
            account=account,
            hs=hs or self.handset,
            passcode=self._passcode,
            username=self.username,
        )
        function = "api-make_call"
        shown = f"/cgi-bin/{function}?{redacted_query(pairs, self._passcode)}"
        response = await self._send("GET", f"/cgi-bin/{function}", shown, query=encode_query(pairs))
        self._expect_done(function, f"dial {number}", self._envelope(function, response))

    async def sys_operation(self, request: SysRequest, *, confirm: bool = False) -> str:
        """Reboot or factory-reset the phone; refused unless the agent confirmed."""
        if not confirm:
            raise ConfirmationRequired(request.value)
        function = "api-sys_operation"
        envelope = await self._cti(function, [("request", request.value)])
        self._expect_done(function, f"accept {request.value}", envelope)
        return str(envelope.get("body"))

    # ------------------------------------------------------------------ web session

    def _origin_headers(self, session: WebSession | None) -> dict[str, str]:
        headers = {"Origin": self._base, "Referer": self._base + "/"}
        if session is not None:
            headers["Cookie"] = session.cookie_header()
        return headers

    async def login(self) -> WebSession:
        """Log in to the web UI: SHA-256 challenge (family C), else plain form (family A).

        A rejected password raises `SessionLoginFailed` and is never retried here: five
        failures lock the phone's account.
        """
        headers = self._origin_headers(None)
        challenge = await self._send(
            "POST",
            "/cgi-bin/access",
            "/cgi-bin/access",
            data={"access": sha256_hex(self.username)},
            headers=headers,
            retry=False,
        )
        nonce = _challenge_nonce(challenge)
        if nonce is not None:
            form = {"username": self.username, "password": sha256_hex(self._passcode + nonce)}
            family: Literal["A", "C"] = "C"
        else:
            form = {"username": self.username, "password": self._passcode}
            family = "A"
        response = await self._send(
            "POST", "/cgi-bin/dologin", "/cgi-bin/dologin", data=form, headers=headers, retry=False
        )
        self._session = _session_from_login(self.address, response, family)
        log.info("phone web login succeeded (family %s)", family)
        return self._session

    async def keep_alive(self) -> None:
        session = self._session or await self.login()
        await self._send(
            "POST",
            "/cgi-bin/dorefresh",
            "/cgi-bin/dorefresh",
            data={"sid": session.sid},
            headers=self._origin_headers(session),
        )

    async def logout(self) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            await self._send(
                "POST",
                "/cgi-bin/dologout",
                "/cgi-bin/dologout",
                data={"sid": session.sid},
                headers=self._origin_headers(session),
                retry=False,
            )
        except GrandstreamError as exc:
            log.info("phone logout failed: %s", exc.__class__.__name__)

    async def _session_request(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, str] | None = None,
        query: str = "",
        json_body: Any = None,
    ) -> httpx.Response:
        """A request with the session; one new login if the phone says it expired."""
        for attempt in range(2):
            session = self._session or await self.login()
            form = None if data is None else {**data, "sid": session.sid}
            response = await self._send(
                method,
                path,
                path,
                query=query,
                data=form,
                json_body=json_body,
                headers=self._origin_headers(session),
            )
            if attempt == 0 and _session_expired(response):
                log.info("phone web session expired; logging in again")
                self._session = None
                continue
            return response
        raise AssertionError("unreachable")

    async def _session_post(self, function: str, form: dict[str, str]) -> dict[str, Any]:
        response = await self._session_request("POST", f"/cgi-bin/{function}", data=form)
        return self._envelope(function, response)

    async def config_get(self, names: Sequence[str]) -> dict[str, str]:
        """``P``-values (without ``P``), runtime values (``:dnd``) or named keys."""
        query = encode_query([("pvalues", ",".join(names))], keep=":,")
        response = await self._session_request("GET", "/cgi-bin/config_get", query=query)
        envelope = self._envelope("config_get", response)
        self._require_success("config_get", envelope)
        body = envelope.get("body")
        if not isinstance(body, dict):
            raise PhoneProtocolError("config_get", f"body is {type(body).__name__}")
        return {str(k): str(v) for k, v in body.items()}

    async def config_update(self, pvalues: dict[str, str]) -> None:
        """Write settings and read them back: the phone may claim success and ignore a write."""
        response = await self._session_request(
            "PUT", "/cgi-bin/config_update", json_body={"alias": {}, "pvalue": pvalues}
        )
        envelope = self._envelope("config_update", response)
        self._require_success("config_update", envelope)
        stored = await self.config_get(list(pvalues))
        ignored = sorted(k for k, v in pvalues.items() if stored.get(k) != v)
        if ignored:
            raise PhoneRefused("config_update", f"store {', '.join(ignored)}", "ignored")


_WHAT = {
    "acceptcall": "answer the call",
    "rejectcall": "reject the call",
    "endcall": "end the call",
    "holdcall": "put the call on hold",
    "unholdcall": "resume the call",
    "cancel": "cancel the call",
    "mute": "toggle mute",
    "speaker": "toggle the speaker",
    "setdnd": "switch Do Not Disturb on",
    "unsetdnd": "switch Do Not Disturb off",
}


def _challenge_nonce(response: httpx.Response) -> str | None:
    """The nonce of a family-C challenge, or None when the phone has no challenge step."""
    if response.status_code != 200:
        return None
    try:
        envelope = decode_reply("access", 200, response.content)
    except PhoneProtocolError:
        return None
    body = envelope.get("body")
    if envelope.get("response") == "success" and isinstance(body, str) and body:
        return body
    return None


def _session_from_login(
    address: str, response: httpx.Response, family: Literal["A", "C"]
) -> WebSession:
    if response.status_code in (403, 404, 411, 501):
        raise SessionUnsupported(address, f"HTTP {response.status_code} from dologin")
    envelope = decode_reply("dologin", response.status_code, response.content)
    body = envelope.get("body")
    if envelope.get("response") == "success" and isinstance(body, dict) and body.get("sid"):
        return WebSession(sid=str(body["sid"]), role=str(body.get("role", "")), family=family)
    text = str(body).lower()
    if text.startswith("locked"):
        lock = envelope.get("lockTime")
        return_minutes = float(lock) if isinstance(lock, int | float) else None
        raise SessionLocked(return_minutes)
    if text.startswith("wrong"):
        left = text.removeprefix("wrong")
        raise SessionLoginFailed(int(left) if left.isdigit() else None)
    raise SessionLoginFailed(None)


def _session_expired(response: httpx.Response) -> bool:
    return response.status_code == 401 or b"session-expired" in response.content[:400]
