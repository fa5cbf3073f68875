"""NFON simulator: a fake Keycloak, the Call History API (REST + SSE) and the CTI API.

Faithful to `contracts/nfon.md` section 7, including the quirks (schema versions ea / ea.2 /
"future", hyphenated CTI token keys, multi-leg call events, `dial`/`ring` after `caller-answer`).
Binds 127.0.0.1 only; Python control methods drive it from tests and the demo.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import re
import secrets
import time
import uuid as uuid_module
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit, urlunsplit

from aiohttp import web

SchemaMode = Literal["ea", "ea.2", "future"]
OriginateHook = Callable[[str, str], Awaitable[object]]

REALM_PATH = "/realms/login"
OIDC_PATH = REALM_PATH + "/protocol/openid-connect"
HISTORY_PATH = "/call-history"
CTI_PATH = "/v1"
_CTI_UUID = re.compile(r"^\w{8}-\w{4}-\w{4}-\w{4}-\w{12}$")
_SETUP_STATES = ("start", "caller-wait", "caller-dial", "caller-ring")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _is_probable_prime(n: int, rounds: int = 24) -> bool:
    if n < 2:
        return False
    for small in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % small == 0:
            return n == small
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        a = secrets.randbelow(n - 3) + 2
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int) -> int:
    while True:
        candidate = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        if _is_probable_prime(candidate):
            return candidate


_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class _RsaKey:
    """An RS256 signing key of 2048 bits (RFC 7518 3.3), so tokens are real JWTs and the JWKS
    endpoint is real.

    The simulator ships with the app and must not need a crypto library: the key is made with
    `cryptography` when it is installed (fast), else in plain Python (a second or two). Signing
    uses the Chinese remainder theorem. The key is generated per simulator and only signs test
    tokens.
    """

    def __init__(self, bits: int = 2048) -> None:
        e = 65537
        p, q = _key_primes(bits, e)
        self.n, self.e = p * q, e
        self.d = pow(e, -1, (p - 1) * (q - 1))
        self._p, self._q = p, q
        self._dp, self._dq, self._q_inv = self.d % (p - 1), self.d % (q - 1), pow(q, -1, p)
        self.kid = _b64(hashlib.sha256(str(self.n).encode()).digest()[:12])
        self._size = (self.n.bit_length() + 7) // 8

    def sign(self, message: bytes) -> bytes:
        digest_info = _SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
        padded = b"\x00\x01" + b"\xff" * (self._size - len(digest_info) - 3) + b"\x00"
        value = int.from_bytes(padded + digest_info, "big")
        m1, m2 = pow(value, self._dp, self._p), pow(value, self._dq, self._q)
        signature = m2 + self._q * ((self._q_inv * (m1 - m2)) % self._p)
        return signature.to_bytes(self._size, "big")

    def jwk(self) -> dict[str, str]:
        def encode(number: int) -> str:
            return _b64(number.to_bytes((number.bit_length() + 7) // 8, "big"))

        return {
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": self.kid,
            "n": encode(self.n),
            "e": encode(self.e),
        }

    def jwt(self, claims: dict[str, Any], alg: str = "RS256") -> str:
        header = {"alg": alg, "typ": "JWT", "kid": self.kid}
        signing_input = (
            _b64(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + _b64(json.dumps(claims, separators=(",", ":")).encode())
        )
        return signing_input + "." + _b64(self.sign(signing_input.encode("ascii")))


def _key_primes(bits: int, e: int) -> tuple[int, int]:
    try:
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:
        while True:
            p, q = _prime(bits // 2), _prime(bits // 2)
            if p != q and ((p - 1) * (q - 1)) % e:
                return p, q
    numbers = rsa.generate_private_key(public_exponent=e, key_size=bits).private_numbers()
    return numbers.p, numbers.q


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _nano_iso(moment: datetime) -> str:
    """The CTI API's timestamp style: nanoseconds and an offset."""
    local = moment.astimezone(UTC)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond:06d}123+00:00"


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str
    scope: str
    expires: float


@dataclass
class _Session:
    sid: str
    refresh_tokens: set[str] = field(default_factory=set)
    ended: bool = False
    scope: str = "openid"

    @property
    def scope_has_openid(self) -> bool:
        return "openid" in self.scope.split()


@dataclass
class _Access:
    expires: float
    customer: str | None


_StreamItem = tuple[int, dict[str, Any]] | bytes | None
"""An event to send, raw bytes to write as they are (a fault), or None to end the stream."""


@dataclass
class _Stream:
    queue: asyncio.Queue[_StreamItem]
    response: web.StreamResponse
    request: web.Request
    stalled: bool = False


@dataclass
class _Originated:
    body: dict[str, Any]
    state: str = "start"
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    cancelled: bool = False
    task: asyncio.Task[None] | None = None
    listeners: list[asyncio.Queue[dict[str, Any] | None]] = field(default_factory=list)


class OriginateRefused(Exception):
    """Raised by an `on_originate` hook when the agent's phone refuses the A-side call; the
    originated call then ends with ``error`` (``busy``, ``reject``) as NFON reports it."""

    def __init__(self, error: str = "busy") -> None:
        super().__init__(error)
        self.error = error


class NfonSimulator:
    """One NFON tenant on 127.0.0.1: OAuth issuer, Call History API and CTI API."""

    def __init__(
        self,
        *,
        client_id: str = "ctidesk",
        registered_redirect: str = "http://127.0.0.1/callback",
        login_outcome: Literal["approve", "deny"] = "approve",
        access_lifetime: float = 300.0,
        refresh_lifetime: float = 1800.0,
        rotate_refresh: bool = True,
        include_customer_claim: bool = False,
        opaque_access_tokens: bool = False,
        send_iss_in_redirect: bool = True,
        token_delay: float = 0.0,
        offer_revocation: bool = True,
        offer_end_session: bool = True,
        customer: str = "K9999",
        user: str = "agent@example.com",
        schema: SchemaMode = "ea.2",
        time_unit: Literal["s", "ms"] = "s",
        heartbeat_seconds: float | None = None,
        honour_last_event_id: bool = False,
        drop_stream_on_token_expiry: bool = True,
        cti_username: str = "K9999",
        cti_password: str = "cti-password",
        cti_token_lifetime: float = 300.0,
        extensions: dict[str, str] | None = None,
        on_originate: OriginateHook | None = None,
        auto_answer_originate: float | None = 0.05,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.client_id = client_id
        self.registered_redirect = registered_redirect
        self.login_outcome = login_outcome
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self.rotate_refresh = rotate_refresh
        self.include_customer_claim = include_customer_claim
        self.opaque_access_tokens = opaque_access_tokens
        self.send_iss_in_redirect = send_iss_in_redirect
        self.token_delay = token_delay
        self.id_token_overrides: dict[str, Any] = {}
        """Claims to change in every id_token (None removes one): to test the client's checks."""
        self.id_token_signer: Literal["key", "foreign-key", "none"] = "key"
        self.refused_refreshes: list[str] = []
        """The refresh tokens the token endpoint refused (reused or revoked ones)."""
        self.offer_revocation = offer_revocation
        self.offer_end_session = offer_end_session
        self.customer = customer
        self.user = user
        self.schema: SchemaMode = schema
        self.time_unit = time_unit
        self.heartbeat_seconds = heartbeat_seconds
        self.honour_last_event_id = honour_last_event_id
        self.drop_stream_on_token_expiry = drop_stream_on_token_expiry
        self.cti_username = cti_username
        self.cti_password = cti_password
        self.cti_token_lifetime = cti_token_lifetime
        self.extensions = dict(extensions or {"1001": "Alice Agent", "1002": "Bob Support"})
        self.on_originate = on_originate
        self.auto_answer_originate = auto_answer_originate
        self._host = host
        self._port = port
        self.requests: list[RecordedRequest] = []
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._key: _RsaKey | None = None
        self._other_key: _RsaKey | None = None
        self._codes: dict[str, _Code] = {}
        self._sessions: dict[str, _Session] = {}
        self._refresh: dict[str, tuple[str, float]] = {}
        self._access: dict[str, _Access] = {}
        self._records: dict[str, dict[str, Any]] = {}
        self._history_events: list[tuple[int, str, dict[str, Any]]] = []
        self._next_event_id = 0
        self._history_streams: list[_Stream] = []
        self._cti_access: dict[str, float] = {}
        self._cti_refresh: dict[str, float] = {}
        self._cti_calls: dict[str, _Originated] = {}
        self._call_streams: list[_Stream] = []
        self._state_streams: list[_Stream] = []
        self._line_states: dict[str, dict[str, Any]] = {
            ext: self._state_body(ext, "idle", "available") for ext in self.extensions
        }
        self._tasks: set[asyncio.Task[None]] = set()
        self.token_requests = 0

    # ------------------------------------------------------------------ lifecycle

    @property
    def issuer(self) -> str:
        return self.base_url + REALM_PATH

    @property
    def history_url(self) -> str:
        return self.base_url + HISTORY_PATH

    @property
    def cti_url(self) -> str:
        return self.base_url + CTI_PATH

    async def start(self) -> str:
        app = web.Application(middlewares=[self._record_middleware])
        oidc = OIDC_PATH
        app.router.add_get(REALM_PATH + "/.well-known/openid-configuration", self._discovery)
        app.router.add_get(oidc + "/auth", self._authorize)
        app.router.add_post(oidc + "/token", self._token)
        app.router.add_route("*", oidc + "/logout", self._logout)
        app.router.add_post(oidc + "/revoke", self._revoke)
        app.router.add_get(oidc + "/certs", self._jwks)
        app.router.add_get(HISTORY_PATH + "/records", self._list_records)
        app.router.add_delete(HISTORY_PATH + "/records", self._delete_records)
        app.router.add_get(HISTORY_PATH + "/records/{uuid}", self._get_record)
        app.router.add_delete(HISTORY_PATH + "/records/{uuid}", self._delete_record)
        app.router.add_post(CTI_PATH + "/login", self._cti_login)
        app.router.add_put(CTI_PATH + "/login", self._cti_renew)
        app.router.add_get(CTI_PATH + "/.well-known/jwks.json", self._jwks)
        app.router.add_get(CTI_PATH + "/extensions/phone/data", self._cti_extensions)
        app.router.add_get(CTI_PATH + "/extensions/phone/states", self._cti_states)
        app.router.add_post(CTI_PATH + "/extensions/phone/calls", self._cti_originate)
        app.router.add_get(CTI_PATH + "/extensions/phone/calls", self._cti_call_stream)
        app.router.add_delete(CTI_PATH + "/extensions/phone/calls/{uuid}", self._cti_cancel)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.base_url = f"http://{self._host}:{port}"
        return self.base_url

    async def stop(self) -> None:
        self.drop_streams()
        for stream in self._call_streams + self._state_streams:
            stream.queue.put_nowait(None)
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _spawn(self, coroutine: Awaitable[None]) -> asyncio.Task[None]:
        async def run() -> None:
            await coroutine

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @web.middleware
    async def _record_middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        self.requests.append(
            RecordedRequest(
                request.method, request.path, list(request.query.items()), dict(request.headers)
            )
        )
        return await handler(request)

    def requests_to(self, path_suffix: str, method: str | None = None) -> list[RecordedRequest]:
        return [
            r
            for r in self.requests
            if r.path.endswith(path_suffix) and (method is None or r.method == method)
        ]

    # ------------------------------------------------------------------ OAuth

    def _signing_key(self) -> _RsaKey:
        if self._key is None:
            self._key = _RsaKey()
        return self._key

    async def _discovery(self, request: web.Request) -> web.Response:
        base = self.base_url + OIDC_PATH
        document: dict[str, Any] = {
            "issuer": self.issuer,
            "authorization_endpoint": base + "/auth",
            "token_endpoint": base + "/token",
            "jwks_uri": base + "/certs",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "authorization_response_iss_parameter_supported": self.send_iss_in_redirect,
        }
        if self.offer_end_session:
            document["end_session_endpoint"] = base + "/logout"
        if self.offer_revocation:
            document["revocation_endpoint"] = base + "/revoke"
        return web.json_response(document)

    def _redirect_allowed(self, requested: str) -> bool:
        """Keycloak's rule: exact match, or for http loopback hosts a match without the port."""
        if requested == self.registered_redirect:
            return True
        if not requested.startswith(("http://localhost", "http://127.0.0.1")):
            return False
        parts = urlsplit(requested)
        portless = urlunsplit(
            (parts.scheme, parts.hostname or "", parts.path, parts.query, parts.fragment)
        )
        return portless == self.registered_redirect

    async def _authorize(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("client_id") != self.client_id:
            return web.Response(status=400, text="Client not found.")
        redirect_uri = q.get("redirect_uri", "")
        if not self._redirect_allowed(redirect_uri):
            return web.Response(status=400, text="Invalid parameter: redirect_uri")
        state = q.get("state", "")
        if self.login_outcome == "deny":
            params = {"error": "access_denied", "error_description": "User denied the request"}
        elif q.get("response_type") != "code" or q.get("code_challenge_method") != "S256":
            params = {"error": "invalid_request", "error_description": "PKCE S256 required"}
        else:
            code = secrets.token_urlsafe(24)
            self._codes[code] = _Code(
                client_id=self.client_id,
                redirect_uri=redirect_uri,
                challenge=q.get("code_challenge", ""),
                nonce=q.get("nonce", ""),
                scope=q.get("scope", "openid"),
                expires=time.time() + 60,
            )
            params = {"code": code, "session_state": secrets.token_hex(8)}
        if state:
            params["state"] = state
        if self.send_iss_in_redirect:
            params["iss"] = self.issuer
        raise web.HTTPFound(redirect_uri + "?" + urlencode(params))

    @staticmethod
    def _oauth_error(error: str, description: str, status: int = 400) -> web.Response:
        return web.json_response({"error": error, "error_description": description}, status=status)

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        form = await request.post()
        if self.token_delay:
            await asyncio.sleep(self.token_delay)
        if form.get("client_id") != self.client_id:
            return self._oauth_error("unauthorized_client", "Invalid client", 401)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            code = self._codes.pop(str(form.get("code", "")), None)
            if code is None or code.expires < time.time():
                return self._oauth_error("invalid_grant", "Code not valid")
            if form.get("redirect_uri") != code.redirect_uri:
                return self._oauth_error("invalid_grant", "Incorrect redirect_uri")
            verifier = str(form.get("code_verifier", ""))
            expected = _b64(hashlib.sha256(verifier.encode("ascii")).digest())
            if not verifier or expected != code.challenge:
                return self._oauth_error("invalid_grant", "PKCE verification failed")
            session = _Session(sid=secrets.token_hex(8), scope=code.scope)
            self._sessions[session.sid] = session
            body = self._issue(session, code.nonce, code.scope, id_token=session.scope_has_openid)
            return web.json_response(body)
        if grant == "refresh_token":
            token = str(form.get("refresh_token", ""))
            known = self._refresh.get(token)
            if known is None or known[1] < time.time():
                self.refused_refreshes.append(token)
                return self._oauth_error("invalid_grant", "Invalid refresh token")
            session = self._sessions[known[0]]
            if session.ended:
                self.refused_refreshes.append(token)
                return self._oauth_error("invalid_grant", "Session not active")
            if self.rotate_refresh:
                # Keycloak's "Revoke Refresh Token" with reuse 0: the old token dies on use.
                self._refresh.pop(token, None)
                session.refresh_tokens.discard(token)
            body = self._issue(
                session,
                None,
                session.scope,
                keep_refresh=None if self.rotate_refresh else token,
                id_token=session.scope_has_openid,
            )
            return web.json_response(body)
        return self._oauth_error("unsupported_grant_type", "Unsupported grant_type")

    def _issue(
        self,
        session: _Session,
        nonce: str | None,
        scope: str,
        keep_refresh: str | None = None,
        id_token: bool = False,
    ) -> dict[str, Any]:
        key = self._signing_key()
        now = int(time.time())
        access_claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": "user-" + self.user,
            "aud": "account",
            "azp": self.client_id,
            "exp": now + int(self.access_lifetime),
            "iat": now,
            "jti": secrets.token_hex(8),
            "sid": session.sid,
            "scope": scope,
            "preferred_username": self.user,
        }
        if self.include_customer_claim:
            access_claims["customer"] = self.customer
        access = secrets.token_urlsafe(32) if self.opaque_access_tokens else key.jwt(access_claims)
        self._access[access] = _Access(
            expires=time.time() + self.access_lifetime,
            customer=self.customer if self.include_customer_claim else None,
        )
        refresh = keep_refresh or key.jwt(
            {"typ": "Refresh", "sid": session.sid, "jti": secrets.token_hex(8), "iat": now},
            alg="HS512",
        )
        self._refresh[refresh] = (session.sid, time.time() + self.refresh_lifetime)
        session.refresh_tokens.add(refresh)
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": self.access_lifetime,
            "refresh_expires_in": int(self.refresh_lifetime),
            "refresh_token": refresh,
            "token_type": "Bearer",
            "session_state": session.sid,
            "scope": scope,
            "not-before-policy": 0,
        }
        if id_token:
            body["id_token"] = self._id_token(session, nonce, now)
        return body

    def _id_token(self, session: _Session, nonce: str | None, now: int) -> str:
        """As Keycloak: after login with the nonce, after a refresh without (OIDC Core 12.2)."""
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "azp": self.client_id,
            "sub": "user-" + self.user,
            "exp": now + 300,
            "iat": now,
            "sid": session.sid,
            "preferred_username": self.user,
            "email": self.user,
        }
        if nonce is not None:
            claims["nonce"] = nonce
        for name, value in self.id_token_overrides.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        if self.id_token_signer == "none":
            header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
            return header + "." + _b64(json.dumps(claims).encode()) + "."
        key = self._signing_key() if self.id_token_signer == "key" else self._foreign_key()
        return key.jwt(claims)

    def _foreign_key(self) -> _RsaKey:
        """A key the JWKS does not publish, but with the published key's id (a forgery)."""
        if self._other_key is None:
            self._other_key = _RsaKey()
            self._other_key.kid = self._signing_key().kid
        return self._other_key

    def issue_session(self) -> str:
        """A refresh token as if the agent had signed in earlier (tests and the demo)."""
        session = _Session(sid=secrets.token_hex(8))
        self._sessions[session.sid] = session
        return str(self._issue(session, None, "openid")["refresh_token"])

    def _end_session(self, sid: str) -> None:
        session = self._sessions.get(sid)
        if session is None:
            return
        session.ended = True
        for token in session.refresh_tokens:
            self._refresh.pop(token, None)

    async def _logout(self, request: web.Request) -> web.Response:
        form = await request.post() if request.method == "POST" else request.query
        token = str(form.get("refresh_token", ""))
        if token in self._refresh:
            self._end_session(self._refresh[token][0])
            return web.Response(status=204)
        hint = str(form.get("id_token_hint", ""))
        if hint.count(".") == 2:
            body = hint.split(".")[1]
            with contextlib.suppress(ValueError, KeyError, TypeError):
                sid = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["sid"]
                self._end_session(str(sid))
        redirect = form.get("post_logout_redirect_uri")
        if redirect and self._redirect_allowed(str(redirect)):
            raise web.HTTPFound(str(redirect))
        return web.Response(text="You are logged out.")

    async def _revoke(self, request: web.Request) -> web.Response:
        """RFC 7009: a public client names itself; an unknown token is answered 200 too."""
        form = await request.post()
        if form.get("client_id") != self.client_id:
            return self._oauth_error("invalid_client", "Invalid client", 401)
        token = str(form.get("token", ""))
        if token in self._refresh:
            self._end_session(self._refresh[token][0])
        return web.Response(status=200)

    async def _jwks(self, request: web.Request) -> web.Response:
        return web.json_response({"keys": [self._signing_key().jwk()]})

    def expire_tokens(self) -> None:
        """Every access token issued so far is now expired (OAuth and CTI)."""
        for grant in self._access.values():
            grant.expires = 0
        for token in self._cti_access:
            self._cti_access[token] = 0
        self._spawn(self._close_expired_streams())

    def revoke_sessions(self) -> None:
        """As if an administrator ended every session: refresh tokens stop working."""
        for sid in list(self._sessions):
            self._end_session(sid)

    def _bearer(self, request: web.Request) -> str:
        header = request.headers.get("Authorization", "")
        return header[7:] if header.lower().startswith("bearer ") else ""

    def _grant(self, request: web.Request) -> _Access | None:
        grant = self._access.get(self._bearer(request))
        return grant if grant is not None and grant.expires > time.time() else None

    # ------------------------------------------------------------------ Call History data

    def add_record(
        self,
        *,
        uuid: str | None = None,
        created: datetime | None = None,
        duration: int = 0,
        direction: str = "inbound",
        status: str = "missed",
        caller: dict[str, Any] | None = None,
        callee: dict[str, Any] | None = None,
        history: list[dict[str, Any]] | None = None,
        transcription: dict[str, Any] | None = None,
        crm: str | None = None,
        extension: str = "1001",
        trunk_code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Store a finished call and announce it on every open stream; returns the stored copy."""
        record: dict[str, Any] = {
            "uuid": uuid or str(uuid_module.uuid4()),
            "created": created or datetime.now(UTC),
            "updated": None,
            "duration": duration,
            "caller": caller or {"name": "", "number": "4930123456", "context": "global"},
            "callee": callee
            or {
                "name": self.extensions.get(extension, ""),
                "number": extension,
                "context": self.customer,
            },
            "direction": direction,
            "history": history or [],
            "status": status,
            "trunk_code": trunk_code,
            "transcription": transcription,
            "crm": crm,
            "call_id": secrets.token_hex(6),
            "customer": self.customer,
            "extension": extension,
            "extra": extra or {},
        }
        self._records[record["uuid"]] = record
        self._announce(record)
        return record

    def resend_record(self, uuid: str, **changes: Any) -> dict[str, Any]:
        """Change a record (e.g. the transcription is ready) and re-send it under its uuid."""
        record = self._records[uuid]
        record.update(changes)
        record["updated"] = changes.get("updated") or datetime.now(UTC)
        self._announce(record)
        return record

    def records(self) -> list[dict[str, Any]]:
        return list(self._records.values())

    def _announce(self, record: dict[str, Any]) -> None:
        event_id = self._next_event_id
        self._next_event_id += 1
        self._history_events.append((event_id, record["uuid"], dict(record)))
        for stream in list(self._history_streams):
            stream.queue.put_nowait((event_id, dict(record)))

    def render(self, record: dict[str, Any], complete: bool = True) -> dict[str, Any]:
        """The record as the configured schema version puts it on the wire."""
        mode = self.schema

        def party(value: dict[str, Any] | None) -> dict[str, Any] | None:
            if value is None:
                return None
            out = {k: v for k, v in value.items() if k not in ("service", "updated")}
            service = value.get("service")
            if service:
                out["destination_type" if mode == "ea" else "service"] = service
            if mode == "future" and out.get("context") not in ("global",):
                out["context"] = out.get("context") or "pbx-cluster-2"
            return out

        out: dict[str, Any] = {
            "uuid": record["uuid"],
            "created": _iso(record["created"]),
            "duration": record["duration"],
            "caller": party(record["caller"]),
            "callee": party(record["callee"]),
            "direction": record["direction"],
            "status": record["status"],
        }
        if record.get("updated"):
            out["updated"] = _iso(record["updated"])
        history = []
        for item in record.get("history") or []:
            entry: dict[str, Any] = {}
            for side in ("caller", "callee"):
                if side in item:
                    entry[side] = party(item[side])
            when = item.get("updated")
            if when is not None:
                if mode == "ea.2" and "callee" in entry:
                    entry["callee"]["updated"] = when
                else:
                    entry["updated"] = when
            history.append(entry)
        if mode == "future":
            history.append({"transfer": {"number": "1003"}, "updated": out["created"]})
        if history:
            out["history"] = history
        if record.get("trunk_code"):
            out["trunk_code"] = record["trunk_code"]
        if record.get("transcription") is not None:
            transcription = dict(record["transcription"])
            if not complete:
                transcription.pop("transcript", None)
                transcription.pop("summary", None)
            out["transcription"] = transcription
        if mode == "ea":
            if record.get("crm") is not None:
                out["crm"] = record["crm"]
        else:
            if record.get("crm") is not None:
                out["custom_data"] = {"crm": record["crm"]}
            out["call_id"] = record["call_id"]
            out["customer"] = record["customer"]
            out["extension"] = record["extension"]
        if mode == "future":
            out["sentiment"] = {"score": 0.4}
            out["tags"] = ["new-field"]
        out.update(record.get("extra") or {})
        return out

    def _time_value(self, moment: datetime) -> float:
        seconds = moment.timestamp()
        return seconds * 1000 if self.time_unit == "ms" else seconds

    def _matches(self, record: dict[str, Any], query: Any) -> bool:
        parties = [record.get("caller") or {}, record.get("callee") or {}]
        search = query.get("search")
        if search:
            needle = search.lower()
            haystack = " ".join(
                f"{p.get('name') or ''} {p.get('number') or ''}" for p in parties
            ).lower()
            if needle not in haystack:
                return False
        for term in filter(None, (query.get("filter") or "").split(",")):
            name, _, value = term.strip().partition(":")
            if name == "status" and record["status"] != value:
                return False
            if name == "direction" and record["direction"] != value:
                return False
            if name == "transcription" and not record.get("transcription"):
                return False
            if name == "internal" and not any(
                p.get("context") != "global" and p.get("number") == value for p in parties
            ):
                return False
            if name == "global" and not any(
                p.get("context") == "global" and p.get("number") == value for p in parties
            ):
                return False
            if name == "user_uuid" and record.get("user_uuid") != value:
                return False
        extension = query.get("extension")
        if extension and record.get("extension") != extension:
            return False
        created = self._time_value(record["created"])
        if query.get("from") and not created > float(query["from"]):
            return False
        return not (query.get("to") and not created < float(query["to"]))

    @staticmethod
    def _history_error(status: int, message: str) -> web.Response:
        return web.json_response(
            {"error": message}, status=status, headers={"X-Request-Id": secrets.token_hex(8)}
        )

    def _unauthorized(self) -> web.Response:
        return web.Response(status=401, headers={"X-Request-Id": secrets.token_hex(8)})

    async def _list_records(self, request: web.Request) -> web.StreamResponse:
        grant = self._grant(request)
        if grant is None:
            return self._unauthorized()
        if "text/event-stream" in request.headers.get("Accept", ""):
            return await self._history_stream(request, grant)
        query = request.query
        try:
            limit = int(query.get("limit", "0"))
            offset = int(query.get("offset", "0"))
            for bound in ("from", "to"):
                if query.get(bound):
                    float(query[bound])
        except ValueError:
            return self._history_error(400, "invalid number in query")
        sort = query.get("sort", "desc")
        if sort not in ("asc", "desc"):
            return self._history_error(400, "sort must be asc or desc")
        complete = query.get("complete", "false").lower() == "true"
        found = [r for r in self._records.values() if self._matches(r, query)]
        found.sort(key=lambda r: r["created"], reverse=sort == "desc")
        found = found[offset:]
        if limit > 0:
            found = found[:limit]
        return web.json_response(
            [self.render(r, complete) for r in found],
            headers={"X-Request-Id": secrets.token_hex(8)},
        )

    async def _get_record(self, request: web.Request) -> web.Response:
        if self._grant(request) is None:
            return self._unauthorized()
        record = self._records.get(request.match_info["uuid"])
        if record is None:
            return self._history_error(404, "record not found")
        complete = request.query.get("complete", "false").lower() == "true"
        return web.json_response(
            self.render(record, complete), headers={"X-Request-Id": secrets.token_hex(8)}
        )

    async def _delete_record(self, request: web.Request) -> web.Response:
        if self._grant(request) is None:
            return self._unauthorized()
        if self._records.pop(request.match_info["uuid"], None) is None:
            return self._history_error(404, "record not found")
        return web.Response(status=204, headers={"X-Request-Id": secrets.token_hex(8)})

    async def _delete_records(self, request: web.Request) -> web.Response:
        """No parameters really means the whole history, as NFON documents."""
        if self._grant(request) is None:
            return self._unauthorized()
        uuids = set(request.query.getall("uuid", []))
        doomed = [
            key
            for key, record in self._records.items()
            if (not uuids or key in uuids) and self._matches(record, request.query)
        ]
        if uuids and not doomed:
            return self._history_error(404, "no matching records")
        for key in doomed:
            del self._records[key]
        return web.Response(status=204, headers={"X-Request-Id": secrets.token_hex(8)})

    async def _history_stream(self, request: web.Request, grant: _Access) -> web.StreamResponse:
        if self.schema != "ea.2" or grant.customer is not None:
            pass
        elif not request.query.get("customer"):
            return self._history_error(400, "customer is required for user-level tokens")
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Request-Id": secrets.token_hex(8),
            }
        )
        await response.prepare(request)
        stream = _Stream(asyncio.Queue(), response, request)
        last = request.headers.get("Last-Event-ID")
        if self.honour_last_event_id and last and last.isdigit():
            for event_id, _uuid, record in self._history_events:
                if event_id > int(last):
                    stream.queue.put_nowait((event_id, record))
        self._history_streams.append(stream)
        token = self._bearer(request)
        try:
            while True:
                wait = self.heartbeat_seconds or 0.25
                try:
                    item = await asyncio.wait_for(stream.queue.get(), wait)
                except TimeoutError:
                    access = self._access.get(token)
                    if self.drop_stream_on_token_expiry and (
                        access is None or access.expires <= time.time()
                    ):
                        break
                    if self.heartbeat_seconds:
                        await response.write(b": keep-alive\n\n")
                    continue
                if item is None:
                    break
                if stream.stalled:
                    continue
                if isinstance(item, bytes):
                    await response.write(item)
                    continue
                event_id, record = item
                line = json.dumps(self.render(record, complete=False), separators=(",", ":"))
                await response.write(f"id: {event_id}\ndata: {line}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            if stream in self._history_streams:
                self._history_streams.remove(stream)
        return response

    def drop_streams(self, abort: bool = False) -> int:
        """End every open Call History stream; `abort` cuts the TCP connection instead."""
        streams = list(self._history_streams)
        for stream in streams:
            self._history_streams.remove(stream)
            if abort and stream.request.transport is not None:
                stream.request.transport.close()
            stream.queue.put_nowait(None)
        return len(streams)

    def stall_streams(self) -> int:
        """Open Call History streams go silent but stay open (a half-dead connection): what
        happens from now on never reaches their clients, until the stream ends."""
        for stream in self._history_streams:
            stream.stalled = True
        return len(self._history_streams)

    def send_raw(self, data: bytes) -> int:
        """Write ``data`` as it is into every open Call History stream, in line with the records
        (garbage, half frames, comments: whatever a broken proxy or server might send)."""
        for stream in self._history_streams:
            stream.queue.put_nowait(data)
        return len(self._history_streams)

    @property
    def open_history_streams(self) -> int:
        return len(self._history_streams)

    async def _close_expired_streams(self) -> None:
        if self.drop_stream_on_token_expiry:
            self.drop_streams()

    # ------------------------------------------------------------------ CTI

    def _cti_tokens(self) -> dict[str, str]:
        key = self._signing_key()
        now = int(time.time())
        access = key.jwt(
            {
                "sub": self.cti_username,
                "exp": now + int(self.cti_token_lifetime),
                "jti": secrets.token_hex(8),
                "customer": self.customer,
            },
            alg="RS512",
        )
        refresh = key.jwt(
            {"sub": self.cti_username, "typ": "refresh", "jti": secrets.token_hex(8)}, alg="RS512"
        )
        self._cti_access[access] = time.time() + self.cti_token_lifetime
        self._cti_refresh[refresh] = time.time() + 3600
        return {"access-token": access, "refresh-token": refresh}

    def _cti_authorized(self, request: web.Request) -> bool:
        return self._cti_access.get(self._bearer(request), 0) > time.time()

    @staticmethod
    def _cti_error(status: int, message: str | None = None) -> web.Response:
        headers = {"X-Request-Id": secrets.token_hex(8)}
        if message is None:
            return web.Response(status=status, headers=headers)
        return web.json_response({"error": message}, status=status, headers=headers)

    async def _cti_login(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return self._cti_error(400, "invalid body")
        if not isinstance(body, dict) or "username" not in body or "password" not in body:
            return self._cti_error(400, "username and password required")
        if body["username"] != self.cti_username or body["password"] != self.cti_password:
            return self._cti_error(401)
        return web.json_response(self._cti_tokens())

    async def _cti_renew(self, request: web.Request) -> web.Response:
        token = self._bearer(request)
        if self._cti_refresh.pop(token, 0) <= time.time():
            return self._cti_error(401)
        return web.json_response(self._cti_tokens())

    def expire_cti_refresh(self) -> None:
        """CTI refresh tokens stop working, so the client has to log in again."""
        self._cti_refresh.clear()

    async def _cti_extensions(self, request: web.Request) -> web.Response:
        if not self._cti_authorized(request):
            return self._cti_error(401)
        return web.json_response(
            [
                {"uuid": f"{ext}@{self.customer}", "extension_number": ext, "name": name}
                for ext, name in self.extensions.items()
            ]
        )

    def _state_body(self, extension: str, line: str, presence: str | None) -> dict[str, Any]:
        return {
            "customer": self.customer,
            "extension": extension,
            "line": line,
            "presence": presence,
            "updated": _nano_iso(datetime.now(UTC)),
        }

    def set_line_state(self, extension: str, line: str, presence: str | None = "available") -> None:
        state = self._state_body(extension, line, presence)
        self._line_states[extension] = state
        for stream in list(self._state_streams):
            stream.queue.put_nowait((0, state))

    async def _sse_response(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "X-Request-Id": secrets.token_hex(8)}
        )
        await response.prepare(request)
        return response

    async def _pump(self, stream: _Stream, streams: list[_Stream]) -> None:
        streams.append(stream)
        try:
            while True:
                item = await stream.queue.get()
                if item is None:
                    break
                if isinstance(item, bytes):
                    await stream.response.write(item)
                    continue
                line = json.dumps(item[1], separators=(",", ":"))
                await stream.response.write(f"data: {line}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            if stream in streams:
                streams.remove(stream)

    async def _cti_states(self, request: web.Request) -> web.StreamResponse:
        if not self._cti_authorized(request):
            return self._cti_error(401)
        if request.headers.get("Accept", "") == "application/json":
            wanted = set(request.query.getall("extension", []))
            return web.json_response(
                [s for e, s in self._line_states.items() if not wanted or e in wanted]
            )
        response = await self._sse_response(request)
        stream = _Stream(asyncio.Queue(), response, request)
        for state in self._line_states.values():
            stream.queue.put_nowait((0, state))
        await self._pump(stream, self._state_streams)
        return response

    async def _cti_call_stream(self, request: web.Request) -> web.StreamResponse:
        if not self._cti_authorized(request):
            return self._cti_error(401)
        if "text/event-stream" not in request.headers.get("Accept", ""):
            return self._cti_error(406, "unsupported MIME type")
        response = await self._sse_response(request)
        await self._pump(_Stream(asyncio.Queue(), response, request), self._call_streams)
        return response

    def emit_call_event(self, **event: Any) -> dict[str, Any]:
        """Send one `call` object on every open call event stream (any keys, any state)."""
        event.setdefault("customer", self.customer)
        for stream in list(self._call_streams):
            stream.queue.put_nowait((0, event))
        return event

    def drop_call_streams(self) -> None:
        for stream in list(self._call_streams) + list(self._state_streams):
            stream.queue.put_nowait(None)

    @property
    def open_call_streams(self) -> int:
        return len(self._call_streams)

    async def _cti_originate(self, request: web.Request) -> web.StreamResponse:
        if not self._cti_authorized(request):
            return self._cti_error(401)
        try:
            body = await request.json()
        except ValueError:
            return self._cti_error(400, "invalid body")
        if not isinstance(body, dict) or not body.get("caller") or not body.get("callee"):
            return self._cti_error(400, "caller and callee are required")
        for key in ("caller", "callee"):
            if str(body[key]).startswith(("+", "00")):
                return self._cti_error(400, f"{key} must not start with + or 00")
        timeout = body.get("timeout", 20)
        if not isinstance(timeout, int) or not 0 < timeout <= 120:
            return self._cti_error(400, "timeout must be 1..120")
        call_uuid = str(uuid_module.uuid4())
        extension = str(body.get("extension") or body["caller"])
        start = {
            "uuid": call_uuid,
            "caller": str(body["caller"]),
            "caller_context": body.get("caller_context") or self.customer,
            "callee": str(body["callee"]),
            "callee_context": body.get("callee_context") or self.customer,
            "state": "start",
            "updated": _nano_iso(datetime.now(UTC)),
            "extension": extension,
            "customer": self.customer,
            "direction": "outbound",
            "timeout": timeout,
        }
        call = _Originated(body=start)
        self._cti_calls[call_uuid] = call
        if "text/event-stream" in request.headers.get("Accept", ""):
            queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
            call.listeners.append(queue)
            call.task = self._spawn(self._run_originate(call))
            response = await self._sse_response(request)
            try:
                await response.write(self._small_event(start))
                while (item := await queue.get()) is not None:
                    await response.write(self._small_event(item))
            except (ConnectionResetError, asyncio.CancelledError):
                pass
            return response
        call.task = self._spawn(self._run_originate(call))
        return web.json_response(start, status=202, headers={"X-Request-Id": secrets.token_hex(8)})

    @staticmethod
    def _small_event(event: dict[str, Any]) -> bytes:
        small = {k: event[k] for k in ("uuid", "state", "updated", "error") if k in event}
        return f"data: {json.dumps(small, separators=(',', ':'))}\n\n".encode()

    def _advance(self, call: _Originated, state: str, error: str | None = None) -> None:
        call.state = state
        event = dict(call.body, state=state, updated=_nano_iso(datetime.now(UTC)))
        if error:
            event["error"] = error
        for listener in call.listeners:
            listener.put_nowait(event)
            if state == "end":
                listener.put_nowait(None)
        if state not in ("start", "end"):
            self.emit_call_event(**{k: v for k, v in event.items() if k != "timeout"})

    def answer_originated(self, call_uuid: str) -> None:
        """The A side (the agent's phone) picked up the originated call."""
        self._cti_calls[call_uuid].answered.set()

    async def _run_originate(self, call: _Originated) -> None:
        body = call.body
        try:
            self._advance(call, "caller-ring")
            self.set_line_state(body["extension"], "ringing")
            if self.on_originate is not None:
                try:
                    await self.on_originate(body["caller"], body["callee"])
                except OriginateRefused as exc:
                    self.set_line_state(body["extension"], "idle")
                    self._advance(call, "end", exc.error)
                    return
            if self.auto_answer_originate is not None:
                self._spawn(self._auto_answer(call))
            try:
                await asyncio.wait_for(call.answered.wait(), body["timeout"])
            except TimeoutError:
                self.set_line_state(body["extension"], "idle")
                self._advance(call, "end", "timeout")
                return
            if call.cancelled:
                return
            self.set_line_state(body["extension"], "in-use")
            for state in ("caller-answer", "dial", "ring", "answer"):
                self._advance(call, state)
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            self._advance(call, "end", "cancel")
            raise

    async def _auto_answer(self, call: _Originated) -> None:
        await asyncio.sleep(self.auto_answer_originate or 0)
        call.answered.set()

    def hangup_originated(self, call_uuid: str) -> None:
        call = self._cti_calls[call_uuid]
        self._advance(call, "hangup")
        self._advance(call, "end")
        self.set_line_state(call.body["extension"], "idle")

    def originated(self) -> list[dict[str, Any]]:
        return [dict(c.body, state=c.state) for c in self._cti_calls.values()]

    async def _cti_cancel(self, request: web.Request) -> web.Response:
        if not self._cti_authorized(request):
            return self._cti_error(401)
        call_uuid = request.match_info["uuid"]
        if not _CTI_UUID.match(call_uuid):
            return self._cti_error(400, "invalid uuid")
        call = self._cti_calls.get(call_uuid)
        if call is None or call.state not in _SETUP_STATES:
            return self._cti_error(404, "requested object (call) does not exist")
        call.cancelled = True
        call.answered.set()
        self.set_line_state(call.body["extension"], "idle")
        self._advance(call, "hangup", "cancel")
        self._advance(call, "end", "cancel")
        return web.Response(status=204, headers={"X-Request-Id": secrets.token_hex(8)})

    def inbound_call(
        self,
        caller: str,
        extension: str,
        *,
        answered: bool = True,
        call_uuid: str | None = None,
        extra_legs: tuple[str, ...] = (),
    ) -> str:
        """Emit a realistic inbound sequence: ring on each leg, answer on one, hangup on all.

        Numbers come in national format (`0891234567` style), as NFON's own example shows.
        """
        call_uuid = call_uuid or str(uuid_module.uuid4())
        legs = (extension, *extra_legs)

        def event(leg: str, state: str) -> None:
            self.emit_call_event(
                uuid=call_uuid,
                state=state,
                caller=caller,
                caller_context=self.customer,
                callee=leg,
                callee_context=self.customer,
                direction="inbound",
                extension=leg,
            )

        for leg in legs:
            event(leg, "ring")
            self.set_line_state(leg, "ringing")
        if answered:
            event(extension, "answer")
            self.set_line_state(extension, "in-use")
        for leg in legs:
            event(leg, "hangup")
            self.set_line_state(leg, "idle")
        return call_uuid
