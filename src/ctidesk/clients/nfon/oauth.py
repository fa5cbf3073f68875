"""Login with NFON: OAuth 2.0 Authorization Code + PKCE in the system browser, and the tokens.

The refresh token lives in the `SecretStore` (the keyring store splits long values; headless,
a 0600 file), the access token only in memory. One refresh runs at a time, also across
processes; everyone else waits for its result. docs/nfon.md describes the checks made.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import html
import json
import logging
import secrets
import time
import webbrowser
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from ctidesk import USER_AGENT
from ctidesk.clients.nfon.errors import (
    DiscoveryError,
    LoginCancelled,
    LoginDenied,
    LoginInvalidIdToken,
    LoginIssuerMismatch,
    LoginRejected,
    LoginStateMismatch,
    LoginTimedOut,
    NfonError,
    NfonUnreachable,
    NotSignedIn,
    RenewalRefused,
    SessionExpired,
    TokenStoreFailed,
)
from ctidesk.clients.nfon.id_token import IdTokenError, SigningKeys, check_claims, split_jws
from ctidesk.config import file_lock
from ctidesk.config.secrets import SecretName, SecretStore, SecretStoreUnavailable
from ctidesk.config.settings import NfonSettings, is_loopback_host, issuer_problem
from ctidesk.core.tasks import TaskSet

log = logging.getLogger(__name__)

LOOPBACK_HOST = "127.0.0.1"
DEFAULT_REFRESH_MARGIN = 30.0


def make_verifier() -> str:
    """A PKCE code verifier: 64 URL-safe characters (RFC 7636 allows 43 to 128)."""
    return secrets.token_urlsafe(48)


def challenge_for(verifier: str) -> str:
    """BASE64URL(SHA-256(verifier)) without padding: the S256 code challenge."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT without checking its signature; `{}` when it is not JWT-shaped.

    Used for the access token's claims (expiry, names), which ctidesk only reads, never trusts
    for security; the id_token is verified properly (`ctidesk.clients.nfon.id_token`).
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    body = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
    except (ValueError, UnicodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


@dataclass(frozen=True)
class OidcEndpoints:
    """What the issuer's discovery document says; logout and revocation are optional."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    end_session_endpoint: str | None = None
    revocation_endpoint: str | None = None
    jwks_uri: str | None = None
    iss_parameter_supported: bool = False


def _usable_endpoint(value: object) -> bool:
    """https, or plain http on this computer only (tests, the demo)."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(parts.hostname))


def parse_discovery(document: object, issuer: str) -> OidcEndpoints:
    """Read the endpoints from an OIDC discovery document (a plain function, fuzzable).

    OIDC Discovery 1.0 section 4.3: the document's `issuer` must be the configured one; every
    endpoint must be https (plain http only on loopback), since the id_token and the tokens
    are only as trustworthy as the connection they came over.
    """
    if not isinstance(document, dict):
        raise DiscoveryError(issuer, "the answer is not a JSON object")
    named = document.get("issuer")
    if not isinstance(named, str) or named.rstrip("/") != issuer.rstrip("/"):
        raise DiscoveryError(issuer, f"it names another issuer: {str(named)[:80]!r}")

    def url(key: str, required: bool) -> str | None:
        value = document.get(key)
        if _usable_endpoint(value):
            return str(value)
        if required:
            raise DiscoveryError(issuer, f"it has no usable https {key}")
        if value is not None:
            log.warning("ignoring the issuer's %s: not an https address", key)
        return None

    return OidcEndpoints(
        issuer=named,
        authorization_endpoint=url("authorization_endpoint", True) or "",
        token_endpoint=url("token_endpoint", True) or "",
        end_session_endpoint=url("end_session_endpoint", False),
        revocation_endpoint=url("revocation_endpoint", False),
        jwks_uri=url("jwks_uri", True),
        iss_parameter_supported=document.get("authorization_response_iss_parameter_supported")
        is True,
    )


async def discover(http: httpx.AsyncClient, issuer: str) -> OidcEndpoints:
    problem = issuer_problem(issuer)
    if problem:
        raise DiscoveryError(issuer, problem)
    address = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = await http.get(address, headers={"User-Agent": USER_AGENT})
    except Exception as exc:  # httpx.HTTPError, InvalidURL, or an ExceptionGroup from the socket
        raise DiscoveryError(issuer, type(exc).__name__) from exc
    if response.status_code != 200:
        raise DiscoveryError(issuer, f"HTTP {response.status_code}")
    try:
        document = response.json()
    except ValueError as exc:
        raise DiscoveryError(issuer, "the answer is not JSON") from exc
    return parse_discovery(document, issuer)


_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>ctidesk</title></head>
<body style="font-family: sans-serif; margin: 3em"><h1>{title}</h1><p>{text}</p></body></html>
"""


class LoopbackReceiver:
    """Receives the browser's redirect on 127.0.0.1 (ephemeral port), answers it, then closes.

    A tiny HTTP/1.1 responder on asyncio streams: it only ever sees one GET from the local
    browser, so a web framework would be overkill in the client layer. The browser's page is
    held until the login has the verdict (`conclude`): it says "Signed in" only when the code
    exchange and every check succeeded.
    """

    VERDICT_WAIT_SECONDS = 60.0

    def __init__(self, path: str, expected_state: str) -> None:
        self._path = "/" + path.lstrip("/")
        self._state = expected_state
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[dict[str, str]] | None = None
        self._verdict: asyncio.Future[tuple[str, str]] | None = None
        self._handlers = TaskSet()

    async def start(self) -> str:
        """Listen and return the `redirect_uri` to send to the issuer."""
        loop = asyncio.get_running_loop()
        self._result = loop.create_future()
        self._verdict = loop.create_future()
        self._server = await asyncio.start_server(self._handle, LOOPBACK_HOST, 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://{LOOPBACK_HOST}:{port}{self._path}"

    async def wait(self) -> dict[str, str]:
        """The query parameters of the first redirect that reached the callback path."""
        assert self._result is not None, "start() first"
        return await asyncio.shield(self._result)

    def conclude(self, title: str, text: str) -> None:
        """What the waiting browser page says: the login's outcome."""
        if self._verdict is not None and not self._verdict.done():
            self._verdict.set_result((title, text))

    async def close(self) -> None:
        self.conclude("Sign-in not completed", "ctidesk stopped waiting for this sign-in.")
        await self._handlers.wait(5)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if self._result is not None and not self._result.done():
            self._result.cancel()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._handlers.keep_current()
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            method, target, _ = ([*request_line.split(" "), "", ""])[:3]
            parts = urlsplit(target)
            if method != "GET" or parts.path != self._path:
                await self._answer(writer, 404, "Not found", "Nothing here.")
                return
            params = dict(parse_qsl(parts.query))
            if "code" not in params and "error" not in params:
                await self._answer(writer, 400, "Not a sign-in answer", "Nothing to do here.")
                return
            if self._result is None or self._result.done() or self._verdict is None:
                await self._answer(
                    writer, 200, "Already answered", "ctidesk already has a sign-in answer."
                )
                return
            self._result.set_result(params)
            title, text = await asyncio.wait_for(
                asyncio.shield(self._verdict), self.VERDICT_WAIT_SECONDS
            )
            await self._answer(writer, 200, title, text + " You can close this tab.")
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    @staticmethod
    async def _answer(writer: asyncio.StreamWriter, status: int, title: str, text: str) -> None:
        body = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode("utf-8")
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
        writer.write(
            (
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\n"
                "Connection: close\r\n\r\n"
            ).encode("ascii")
            + body
        )
        await writer.drain()


class TokenSource(Protocol):
    """Anything that hands out bearer tokens and can replace one the server rejected."""

    async def access_token(self) -> str: ...

    async def replace_rejected(self, rejected: str) -> str: ...


class BearerAuth(httpx.Auth):
    """Adds the bearer token; on a 401 gets a fresh token once and retries."""

    def __init__(self, source: TokenSource) -> None:
        self._source = source

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._source.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            token = await self._source.replace_rejected(token)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request


@dataclass
class _Issued:
    access_token: str
    refresh_at: float


class TokenManager:
    """Login, the tokens, sign-out: one per NFON account, built by the composition root.

    Refreshes are serialised within the process (an asyncio lock) and across processes (the
    file lock `refresh_lock`): the tray app and a CLI command never spend the same rotating
    refresh token twice.
    """

    def __init__(
        self,
        settings: NfonSettings,
        http: httpx.AsyncClient,
        secret_store: SecretStore,
        *,
        open_browser: Callable[[str], object] = webbrowser.open,
        on_new_secret: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        refresh_lock: Path | None = None,
        lock_wait_seconds: float = 30.0,
    ) -> None:
        self._settings = settings
        self._http = http
        self._secrets = secret_store
        self._open_browser = open_browser
        self._on_new_secret = on_new_secret or (lambda _value: None)
        self._clock = clock
        self._wall_clock = wall_clock
        self._margin = refresh_margin
        self._refresh_lock = refresh_lock
        self._lock_wait = lock_wait_seconds
        self._lock = asyncio.Lock()
        self._issued: _Issued | None = None
        self._endpoints: OidcEndpoints | None = None
        self._keys: SigningKeys | None = None
        self._id_token: str | None = None
        self._id_claims: dict[str, Any] = {}
        self._unsaved: tuple[str, str] | None = None
        self.save_problem: str | None = None
        self.refresh_count = 0

    @property
    def signed_in(self) -> bool:
        """Whether a refresh token is stored (it may still have expired at the issuer)."""
        return bool(self._secrets.get(SecretName.NFON_REFRESH_TOKEN))

    def claims(self) -> dict[str, Any]:
        """Claims of the current access token (name, customer, exp), `{}` before the first use
        or when the provider's access tokens are opaque."""
        return jwt_claims(self._issued.access_token) if self._issued else {}

    def account_label(self) -> str:
        """The user's name from the verified id_token, else from the access token's claims."""
        for claims in (self._id_claims, self.claims()):
            for key in ("preferred_username", "email", "name"):
                if isinstance(claims.get(key), str) and claims[key]:
                    return str(claims[key])
        for claims in (self._id_claims, self.claims()):
            if isinstance(claims.get("sub"), str) and claims["sub"]:
                return str(claims["sub"])
        return "NFON account"

    async def endpoints(self) -> OidcEndpoints:
        if self._endpoints is None:
            self._endpoints = await discover(self._http, self._settings.issuer)
        return self._endpoints

    async def login(
        self,
        *,
        cancel: asyncio.Event | None = None,
        on_url: Callable[[str], None] | None = None,
        wait_seconds: float | None = None,
    ) -> None:
        """Run the browser sign-in; stores the refresh token only when everything checked out."""
        endpoints = await self.endpoints()
        verifier, state, nonce = (
            make_verifier(),
            secrets.token_urlsafe(24),
            secrets.token_urlsafe(24),
        )
        receiver = LoopbackReceiver(self._settings.redirect_path, state)
        redirect_uri = await receiver.start()
        try:
            query = urlencode(
                {
                    "response_type": "code",
                    "client_id": self._settings.client_id,
                    "redirect_uri": redirect_uri,
                    "scope": " ".join(self._settings.scopes) or "openid",
                    "state": state,
                    "nonce": nonce,
                    "code_challenge": challenge_for(verifier),
                    "code_challenge_method": "S256",
                }
            )
            joiner = "&" if "?" in endpoints.authorization_endpoint else "?"
            url = endpoints.authorization_endpoint + joiner + query
            if on_url is not None:
                on_url(url)
            await asyncio.to_thread(self._open_browser, url)
            params = await self._wait_for_redirect(
                receiver, cancel, wait_seconds or self._settings.login_timeout_seconds
            )
            try:
                await self._complete_login(endpoints, params, state, nonce, verifier, redirect_uri)
            except NfonError as exc:
                receiver.conclude("Sign-in failed", str(exc)[:1].upper() + str(exc)[1:])
                raise
            receiver.conclude("Signed in", f"ctidesk is signed in as {self.account_label()}.")
        finally:
            await receiver.close()
        log.info("signed in to NFON as %s", self.account_label())

    async def _complete_login(
        self,
        endpoints: OidcEndpoints,
        params: dict[str, str],
        state: str,
        nonce: str,
        verifier: str,
        redirect_uri: str,
    ) -> None:
        returned_iss = params.get("iss")
        if returned_iss is not None and returned_iss != endpoints.issuer:
            raise LoginIssuerMismatch(f"came from another issuer ({returned_iss[:80]})")
        if returned_iss is None and endpoints.iss_parameter_supported:
            raise LoginIssuerMismatch("did not say which issuer sent it (RFC 9207)")
        returned_state = params.get("state")
        if "error" in params and returned_state in (None, state):
            raise LoginDenied(params["error"], params.get("error_description", ""))
        if returned_state != state:
            raise LoginStateMismatch()
        status, issued = await self._post_token(
            endpoints,
            {
                "grant_type": "authorization_code",
                "code": params.get("code", ""),
                "client_id": self._settings.client_id,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
        )
        if status != 200 or not isinstance(issued.get("access_token"), str):
            raise LoginRejected(*_oauth_error(status, issued))
        claims = await self._checked_id_token(endpoints, issued.get("id_token"), nonce, None)
        refresh_token = issued.get("refresh_token")
        if not isinstance(refresh_token, str) or not refresh_token:
            raise LoginRejected("no refresh token", "the issuer did not return one")
        self._accept(issued)
        self._take_id_token(str(issued["id_token"]), claims)
        try:
            self._secrets.set(SecretName.NFON_REFRESH_TOKEN, refresh_token)
        except SecretStoreUnavailable as exc:
            raise TokenStoreFailed(
                f"signed in to NFON, but the sign-in cannot be kept: {exc}"
            ) from exc
        self._unsaved, self.save_problem = None, None

    async def _checked_id_token(
        self, endpoints: OidcEndpoints, id_token: object, nonce: str | None, subject: str | None
    ) -> dict[str, Any]:
        """OIDC Core 3.1.3.7: signature against the issuer's JWKS, then the claims."""
        try:
            jws = split_jws(id_token) if id_token is not None else None
            if jws is None:
                raise IdTokenError("no id_token in the answer")
            if self._keys is None:
                assert endpoints.jwks_uri is not None
                self._keys = SigningKeys(self._http, endpoints.jwks_uri)
            await self._keys.verify(jws)
            check_claims(
                jws.claims,
                issuer=endpoints.issuer,
                client_id=self._settings.client_id,
                now=self._wall_clock(),
                nonce=nonce,
                subject=subject,
            )
        except IdTokenError as exc:
            raise LoginInvalidIdToken(str(exc)) from exc
        return jws.claims

    def _take_id_token(self, id_token: str, claims: dict[str, Any]) -> None:
        self._id_token, self._id_claims = id_token, claims
        self._on_new_secret(id_token)

    @staticmethod
    async def _wait_for_redirect(
        receiver: LoopbackReceiver, cancel: asyncio.Event | None, wait_seconds: float
    ) -> dict[str, str]:
        redirect = asyncio.ensure_future(receiver.wait())
        waiters: set[asyncio.Future[Any]] = {redirect}
        cancelled = asyncio.ensure_future(cancel.wait()) if cancel is not None else None
        if cancelled is not None:
            waiters.add(cancelled)
        try:
            done, _ = await asyncio.wait(
                waiters, timeout=wait_seconds, return_when="FIRST_COMPLETED"
            )
        finally:
            for waiter in waiters:
                waiter.cancel()
        if redirect in done and not redirect.cancelled():
            return redirect.result()
        if cancelled is not None and cancelled in done:
            raise LoginCancelled()
        raise LoginTimedOut(wait_seconds)

    async def _post_token(
        self, endpoints: OidcEndpoints, form: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        try:
            response = await self._http.post(
                endpoints.token_endpoint, data=form, headers={"User-Agent": USER_AGENT}
            )
        except httpx.HTTPError as exc:
            raise NfonUnreachable("the NFON sign-in service", type(exc).__name__) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if response.status_code != 200 or not isinstance(body.get("access_token"), str):
            error, description = _oauth_error(response.status_code, body)
            log.warning(
                "NFON token endpoint refused %s: %s %s", form["grant_type"], error, description
            )
        return response.status_code, body

    def _accept(self, issued: dict[str, Any]) -> None:
        access = str(issued["access_token"])
        lifetime = issued.get("expires_in")
        if not isinstance(lifetime, int | float) or lifetime <= 0:
            exp = jwt_claims(access).get("exp")
            lifetime = (float(exp) - self._wall_clock()) if isinstance(exp, int | float) else 60.0
        lifetime = max(float(lifetime), 0.0)
        margin = min(self._margin, lifetime * 0.2)
        self._issued = _Issued(access_token=access, refresh_at=self._clock() + lifetime - margin)
        self._on_new_secret(access)
        new_refresh = issued.get("refresh_token")
        if isinstance(new_refresh, str) and new_refresh:
            self._on_new_secret(new_refresh)

    async def access_token(self) -> str:
        """A valid access token, refreshed first when it is about to expire."""
        issued = self._issued
        if issued is not None and self._clock() < issued.refresh_at:
            return issued.access_token
        return await self._refresh(issued.access_token if issued else None)

    async def replace_rejected(self, rejected: str) -> str:
        """After a 401: a new token, unless another request already replaced this one."""
        return await self._refresh(rejected)

    async def _refresh(self, stale: str | None) -> str:
        async with self._lock:
            issued = self._issued
            if (
                issued is not None
                and issued.access_token != stale
                and self._clock() < issued.refresh_at
            ):
                return issued.access_token
            if self._refresh_lock is None:
                return await self._refresh_now()
            async with file_lock.held(self._refresh_lock, self._lock_wait):
                return await self._refresh_now()

    def _stored_refresh_token(self) -> str | None:
        """The refresh token to use: the store's, or the one this process could not save."""
        try:
            stored = self._secrets.get(SecretName.NFON_REFRESH_TOKEN)
        except SecretStoreUnavailable as exc:
            raise TokenStoreFailed(f"cannot read your NFON sign-in: {exc}") from exc
        if self._unsaved is not None and stored == self._unsaved[0]:
            return self._unsaved[1]
        return stored

    async def _refresh_now(self) -> str:
        refresh_token = self._stored_refresh_token()
        if not refresh_token:
            raise NotSignedIn()
        endpoints = await self.endpoints()
        while True:
            status, body = await self._post_token(endpoints, self._refresh_form(refresh_token))
            if status == 200 and isinstance(body.get("access_token"), str):
                break
            error, description = _oauth_error(status, body)
            if status not in (400, 401):
                raise NfonUnreachable("the NFON sign-in service", f"HTTP {status}")
            if error != "invalid_grant":
                raise RenewalRefused(error, description)
            # Another process (the tray app, a CLI command) may have spent this token and saved
            # its successor meanwhile: use that one, and forget only what is still the token
            # that failed, never the winner's new, valid one.
            latest = self._stored_refresh_token()
            if latest and latest != refresh_token:
                log.info("the NFON refresh token was renewed by another process; using that")
                refresh_token = latest
                continue
            self._forget_if_still(refresh_token)
            raise SessionExpired()
        self.refresh_count += 1
        self._accept(body)
        rotated = body.get("refresh_token")
        if isinstance(rotated, str) and rotated and rotated != refresh_token:
            self._keep_rotated(refresh_token, rotated)  # at once: the old one is dead now
        issued = self._issued
        assert issued is not None
        await self._take_refreshed_id_token(endpoints, body.get("id_token"))
        return issued.access_token

    def _refresh_form(self, refresh_token: str) -> dict[str, str]:
        return {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": self._settings.client_id,
        }

    def _forget_if_still(self, failed: str) -> None:
        self._issued = None
        if self._unsaved is not None and self._unsaved[1] == failed:
            self._unsaved = None
        try:
            if self._secrets.get(SecretName.NFON_REFRESH_TOKEN) == failed:
                self._secrets.delete(SecretName.NFON_REFRESH_TOKEN)
        except SecretStoreUnavailable as exc:
            log.warning("could not forget the expired NFON sign-in: %s", exc)

    def _keep_rotated(self, used: str, rotated: str) -> None:
        """Save the issuer's replacement token; the old one is revoked now (RFC 9700 4.14.2)."""
        try:
            self._secrets.set(SecretName.NFON_REFRESH_TOKEN, rotated)
        except SecretStoreUnavailable as exc:
            unsaved = self._unsaved
            stored = unsaved[0] if unsaved is not None and unsaved[1] == used else used
            self._unsaved = (stored, rotated)
            self.save_problem = (
                f"NFON renewed the sign-in, but ctidesk could not save the new token ({exc}); "
                "it works until ctidesk stops, then run `ctidesk login` again"
            )
            log.warning("%s", self.save_problem)
            return
        self._unsaved, self.save_problem = None, None

    async def _take_refreshed_id_token(self, endpoints: OidcEndpoints, id_token: object) -> None:
        """OIDC Core 12.2: a refreshed id_token must pass the same checks (no nonce) and name
        the same user; one that does not is ignored, the access token still counts."""
        if not isinstance(id_token, str):
            return
        subject = self._id_claims.get("sub") if self._id_claims else None
        try:
            claims = await self._checked_id_token(
                endpoints, id_token, None, subject if isinstance(subject, str) else None
            )
        except LoginInvalidIdToken as exc:
            log.warning("ignoring the id_token of an NFON token refresh: %s", exc)
            return
        self._take_id_token(id_token, claims)

    async def logout(self, *, switch_account: bool = False) -> bool:
        """Forget the tokens locally and revoke the refresh token at the issuer (RFC 7009).

        Revocation is what really ends the session for an app; the end-session endpoint (OIDC
        RP-Initiated Logout) is a browser page, opened only to switch to another account, since
        the browser stays signed in at the provider otherwise. Returns whether the issuer
        confirmed the revocation; the local sign-out happens either way.
        """
        try:
            refresh_token = self._stored_refresh_token()
        except TokenStoreFailed as exc:
            log.warning("%s", exc)
            refresh_token = None
        id_token = self._id_token
        self._issued, self._unsaved, self._id_token, self._id_claims = None, None, None, {}
        self.save_problem = None
        self._secrets.delete(SecretName.NFON_REFRESH_TOKEN)
        try:
            endpoints = await self.endpoints()
        except DiscoveryError as exc:
            log.warning("signed out locally; issuer not reachable: %s", exc)
            return False
        confirmed = False
        if refresh_token and endpoints.revocation_endpoint:
            try:
                response = await self._http.post(
                    endpoints.revocation_endpoint,
                    data={
                        "token": refresh_token,
                        "token_type_hint": "refresh_token",
                        "client_id": self._settings.client_id,
                    },
                    headers={"User-Agent": USER_AGENT},
                )
                confirmed = response.status_code == 200
            except httpx.HTTPError as exc:
                log.warning("signed out locally; the issuer did not answer: %s", type(exc).__name__)
        if switch_account and endpoints.end_session_endpoint:
            params = {"client_id": self._settings.client_id}
            if id_token:
                params["id_token_hint"] = id_token
            joiner = "&" if "?" in endpoints.end_session_endpoint else "?"
            url = endpoints.end_session_endpoint + joiner + urlencode(params)
            await asyncio.to_thread(self._open_browser, url)
        return confirmed


def _oauth_error(status: int, body: dict[str, Any]) -> tuple[str, str]:
    """RFC 6749 5.2: the `error` code and its description, or the HTTP status."""
    return str(body.get("error") or f"HTTP {status}"), str(body.get("error_description") or "")
