"""Login with NFON: OAuth 2.0 Authorization Code + PKCE in the system browser, and the tokens.

The refresh token lives in the `SecretStore` (the keyring store splits long values), the access
token only in memory. One refresh runs at a time; everyone else waits for its result.
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
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from ctidesk import USER_AGENT
from ctidesk.clients.nfon.errors import (
    DiscoveryError,
    LoginCancelled,
    LoginDenied,
    LoginInvalidIdToken,
    LoginRejected,
    LoginStateMismatch,
    LoginTimedOut,
    NfonUnreachable,
    NotSignedIn,
    SessionExpired,
)
from ctidesk.config.secrets import SecretName, SecretStore
from ctidesk.config.settings import NfonSettings

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

    ctidesk only reads claims (expiry, nonce, names) of tokens it received straight from the
    issuer's token endpoint over TLS, which OIDC Core 3.1.3.7 accepts instead of a signature check.
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


def parse_discovery(document: object, issuer: str) -> OidcEndpoints:
    """Read the endpoints from an OIDC discovery document (a plain function, fuzzable)."""
    if not isinstance(document, dict):
        raise DiscoveryError(issuer, "the answer is not a JSON object")

    def url(key: str, required: bool) -> str | None:
        value = document.get(key)
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            return value
        if required:
            raise DiscoveryError(issuer, f"it has no usable {key}")
        return None

    return OidcEndpoints(
        issuer=str(document.get("issuer") or issuer),
        authorization_endpoint=url("authorization_endpoint", True) or "",
        token_endpoint=url("token_endpoint", True) or "",
        end_session_endpoint=url("end_session_endpoint", False),
        revocation_endpoint=url("revocation_endpoint", False),
        jwks_uri=url("jwks_uri", False),
    )


async def discover(http: httpx.AsyncClient, issuer: str) -> OidcEndpoints:
    address = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = await http.get(address, headers={"User-Agent": USER_AGENT})
    except httpx.HTTPError as exc:
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
    browser, so a web framework would be overkill in the client layer.
    """

    def __init__(self, path: str, expected_state: str) -> None:
        self._path = "/" + path.lstrip("/")
        self._state = expected_state
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[dict[str, str]] | None = None

    async def start(self) -> str:
        """Listen and return the `redirect_uri` to send to the issuer."""
        self._result = asyncio.get_running_loop().create_future()
        self._server = await asyncio.start_server(self._handle, LOOPBACK_HOST, 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://{LOOPBACK_HOST}:{port}{self._path}"

    async def wait(self) -> dict[str, str]:
        """The query parameters of the first redirect that reached the callback path."""
        assert self._result is not None, "start() first"
        return await asyncio.shield(self._result)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if self._result is not None and not self._result.done():
            self._result.cancel()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
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
            if self._result is not None and not self._result.done():
                self._result.set_result(params)
            if params.get("state") not in (None, self._state):
                title, text = (
                    "Not this sign-in",
                    "This answer does not belong to ctidesk's sign-in.",
                )
            elif "error" in params:
                title = "Sign-in failed"
                text = f"NFON said: {params.get('error_description') or params['error']}."
            else:
                title, text = "Signed in", "ctidesk received your sign-in."
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
    id_token: str | None


class TokenManager:
    """Login, the tokens, sign-out: one per NFON account, built by the composition root."""

    def __init__(
        self,
        settings: NfonSettings,
        http: httpx.AsyncClient,
        secret_store: SecretStore,
        *,
        open_browser: Callable[[str], object] = webbrowser.open,
        on_new_secret: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
    ) -> None:
        self._settings = settings
        self._http = http
        self._secrets = secret_store
        self._open_browser = open_browser
        self._on_new_secret = on_new_secret or (lambda _value: None)
        self._clock = clock
        self._margin = refresh_margin
        self._lock = asyncio.Lock()
        self._issued: _Issued | None = None
        self._endpoints: OidcEndpoints | None = None
        self.refresh_count = 0

    @property
    def signed_in(self) -> bool:
        """Whether a refresh token is stored (it may still have expired at the issuer)."""
        return bool(self._secrets.get(SecretName.NFON_REFRESH_TOKEN))

    def claims(self) -> dict[str, Any]:
        """Claims of the current access token (name, customer, exp), `{}` before the first use."""
        return jwt_claims(self._issued.access_token) if self._issued else {}

    def account_label(self) -> str:
        claims = self.claims()
        for key in ("preferred_username", "email", "name", "sub"):
            if isinstance(claims.get(key), str) and claims[key]:
                return str(claims[key])
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
            self._open_browser(url)
            params = await self._wait_for_redirect(
                receiver, cancel, wait_seconds or self._settings.login_timeout_seconds
            )
        finally:
            await receiver.close()
        returned_state = params.get("state")
        if "error" in params and returned_state in (None, state):
            raise LoginDenied(params["error"], params.get("error_description", ""))
        if returned_state != state:
            raise LoginStateMismatch()
        issued = await self._token_request(
            endpoints,
            {
                "grant_type": "authorization_code",
                "code": params.get("code", ""),
                "client_id": self._settings.client_id,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            during_login=True,
        )
        self._check_id_token(issued.get("id_token"), nonce, endpoints)
        refresh_token = issued.get("refresh_token")
        if not isinstance(refresh_token, str) or not refresh_token:
            raise LoginRejected("no refresh token", "the issuer did not return one")
        self._accept(issued)
        self._secrets.set(SecretName.NFON_REFRESH_TOKEN, refresh_token)
        log.info("signed in to NFON as %s", self.account_label())

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

    def _check_id_token(self, id_token: object, nonce: str, endpoints: OidcEndpoints) -> None:
        if not isinstance(id_token, str):
            raise LoginInvalidIdToken("no id_token in the answer")
        claims = jwt_claims(id_token)
        if not claims:
            raise LoginInvalidIdToken("the id_token is not a JWT")
        if claims.get("nonce") != nonce:
            raise LoginInvalidIdToken("the nonce does not match")
        if claims.get("iss") not in (None, endpoints.issuer):
            raise LoginInvalidIdToken("it comes from another issuer")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if audience is not None and self._settings.client_id not in audiences:
            raise LoginInvalidIdToken("it was issued for another client")

    async def _token_request(
        self, endpoints: OidcEndpoints, form: dict[str, str], *, during_login: bool
    ) -> dict[str, Any]:
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
        if response.status_code == 200 and isinstance(body.get("access_token"), str):
            return body
        error = str(body.get("error") or f"HTTP {response.status_code}")
        description = str(body.get("error_description") or "")
        log.warning("NFON token endpoint refused %s: %s %s", form["grant_type"], error, description)
        if during_login:
            raise LoginRejected(error, description)
        if response.status_code in (400, 401):
            self._secrets.delete(SecretName.NFON_REFRESH_TOKEN)
            self._issued = None
            raise SessionExpired()
        raise NfonUnreachable("the NFON sign-in service", f"HTTP {response.status_code}")

    def _accept(self, issued: dict[str, Any]) -> None:
        access = str(issued["access_token"])
        lifetime = issued.get("expires_in")
        if not isinstance(lifetime, int | float) or lifetime <= 0:
            exp = jwt_claims(access).get("exp")
            lifetime = (float(exp) - time.time()) if isinstance(exp, int | float) else 60.0
        lifetime = max(float(lifetime), 0.0)
        margin = min(self._margin, lifetime * 0.2)
        id_token = issued.get("id_token")
        self._issued = _Issued(
            access_token=access,
            refresh_at=self._clock() + lifetime - margin,
            id_token=id_token if isinstance(id_token, str) else None,
        )
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
            refresh_token = self._secrets.get(SecretName.NFON_REFRESH_TOKEN)
            if not refresh_token:
                raise NotSignedIn()
            endpoints = await self.endpoints()
            body = await self._token_request(
                endpoints,
                {
                    "grant_type": "refresh_token",
                    "refresh_token": refresh_token,
                    "client_id": self._settings.client_id,
                },
                during_login=False,
            )
            self.refresh_count += 1
            self._accept(body)
            rotated = body.get("refresh_token")
            if isinstance(rotated, str) and rotated and rotated != refresh_token:
                self._secrets.set(SecretName.NFON_REFRESH_TOKEN, rotated)
            assert self._issued is not None
            return self._issued.access_token

    async def logout(self) -> bool:
        """Forget the tokens locally and end the session at the issuer where it offers that.

        Returns whether the issuer confirmed; the local sign-out happens either way.
        """
        refresh_token = self._secrets.get(SecretName.NFON_REFRESH_TOKEN)
        id_token = self._issued.id_token if self._issued else None
        self._secrets.delete(SecretName.NFON_REFRESH_TOKEN)
        self._issued = None
        if not refresh_token:
            return False
        try:
            endpoints = await self.endpoints()
        except DiscoveryError as exc:
            log.warning("signed out locally; issuer not reachable: %s", exc)
            return False
        confirmed = False
        headers = {"User-Agent": USER_AGENT}
        client_id = self._settings.client_id
        try:
            if endpoints.revocation_endpoint:
                response = await self._http.post(
                    endpoints.revocation_endpoint,
                    data={
                        "token": refresh_token,
                        "token_type_hint": "refresh_token",
                        "client_id": client_id,
                    },
                    headers=headers,
                )
                confirmed = response.status_code == 200
            if endpoints.end_session_endpoint:
                form = {"client_id": client_id, "refresh_token": refresh_token}
                if id_token:
                    form["id_token_hint"] = id_token
                response = await self._http.post(
                    endpoints.end_session_endpoint, data=form, headers=headers
                )
                confirmed = confirmed or response.status_code in (200, 204, 302)
        except httpx.HTTPError as exc:
            log.warning("signed out locally; the issuer did not answer: %s", type(exc).__name__)
        return confirmed
