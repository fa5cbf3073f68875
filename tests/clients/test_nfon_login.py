"""Login with NFON against the simulator's fake Keycloak, with a browser stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from ctidesk.clients.nfon.errors import (
    LoginCancelled,
    LoginDenied,
    LoginRejected,
    LoginStateMismatch,
    LoginTimedOut,
    NotSignedIn,
    SessionExpired,
)
from ctidesk.clients.nfon.oauth import TokenManager, challenge_for, jwt_claims
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import NfonSettings
from ctidesk.sim.nfon import NfonSimulator


def _with_param(url: str, key: str, value: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query[key] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


class Browser:
    """Stands in for the system browser: follows the authorize redirect to the loopback page."""

    def __init__(
        self,
        tamper_authorize: Callable[[str], str] = lambda url: url,
        tamper_redirect: Callable[[str], str] = lambda url: url,
        act: bool = True,
    ) -> None:
        self.tamper_authorize = tamper_authorize
        self.tamper_redirect = tamper_redirect
        self.act = act
        self.tasks: list[asyncio.Task[None]] = []
        self.pages: list[str] = []
        self.opened: list[str] = []
        self._loop = asyncio.get_running_loop()

    def __call__(self, url: str) -> bool:
        """Called from a worker thread, as ctidesk opens the real browser off the event loop."""
        self.opened.append(url)
        if self.act:
            self._loop.call_soon_threadsafe(self._start_visit, url)
        return True

    def _start_visit(self, url: str) -> None:
        self.tasks.append(self._loop.create_task(self._visit(url)))

    async def _visit(self, url: str) -> None:
        async with httpx.AsyncClient() as browser:
            answer = await browser.get(self.tamper_authorize(url))
            if answer.status_code != 302:
                self.pages.append(answer.text)
                return
            location = answer.headers["location"]
            if "/protocol/openid-connect/auth" in url:
                page = await browser.get(self.tamper_redirect(location))
                self.pages.append(page.text)

    async def finish(self) -> None:
        for task in self.tasks:
            await task


@pytest.fixture
async def sim() -> AsyncIterator[NfonSimulator]:
    simulator = NfonSimulator(access_lifetime=60)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def _manager(
    sim: NfonSimulator, http: httpx.AsyncClient, store: MemorySecretStore, browser: Browser
) -> TokenManager:
    settings = NfonSettings(issuer=sim.issuer, scopes=["openid"])
    return TokenManager(settings, http, store, open_browser=browser)


async def test_full_pkce_login_stores_refresh_token_and_gives_access_token(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    store, browser = MemorySecretStore(), Browser()
    tokens = _manager(sim, http, store, browser)

    await tokens.login(wait_seconds=5)
    await browser.finish()

    assert "You can close this tab" in browser.pages[0]
    authorize = dict(parse_qsl(urlsplit(browser.opened[0]).query))
    assert authorize["code_challenge_method"] == "S256"
    assert authorize["redirect_uri"].startswith("http://127.0.0.1:")
    assert authorize["state"] and authorize["nonce"]
    token_form = sim.requests_to("/token", "POST")
    assert len(token_form) == 1
    assert store.get(SecretName.NFON_REFRESH_TOKEN)
    assert tokens.signed_in
    access = await tokens.access_token()
    assert jwt_claims(access)["preferred_username"] == "agent@example.com"
    assert tokens.account_label() == "agent@example.com"
    assert tokens.refresh_count == 0


async def test_receiver_port_is_closed_after_login(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    browser = Browser()
    await _manager(sim, http, MemorySecretStore(), browser).login(wait_seconds=5)
    await browser.finish()
    redirect_uri = dict(parse_qsl(urlsplit(browser.opened[0]).query))["redirect_uri"]
    with pytest.raises(httpx.ConnectError):
        await http.get(redirect_uri)


async def test_wrong_state_is_refused_and_nothing_stored(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    store = MemorySecretStore()
    browser = Browser(tamper_redirect=lambda url: _with_param(url, "state", "forged"))
    with pytest.raises(LoginStateMismatch, match="state mismatch"):
        await _manager(sim, http, store, browser).login(wait_seconds=5)
    await browser.finish()
    assert store.get(SecretName.NFON_REFRESH_TOKEN) is None
    assert sim.requests_to("/token") == []


async def test_wrong_verifier_is_refused_by_issuer_and_nothing_stored(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    store = MemorySecretStore()
    other = challenge_for("a-verifier-that-the-client-does-not-have-0123456789abcdef")
    browser = Browser(tamper_authorize=lambda url: _with_param(url, "code_challenge", other))
    with pytest.raises(LoginRejected, match="invalid_grant"):
        await _manager(sim, http, store, browser).login(wait_seconds=5)
    await browser.finish()
    assert store.get(SecretName.NFON_REFRESH_TOKEN) is None


async def test_error_redirect_ends_with_denied_message(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    sim.login_outcome = "deny"
    store, browser = MemorySecretStore(), Browser()
    with pytest.raises(LoginDenied, match="access_denied") as caught:
        await _manager(sim, http, store, browser).login(wait_seconds=5)
    await browser.finish()
    assert "nothing was stored" in str(caught.value)
    assert "Sign-in failed" in browser.pages[0]
    assert store.get(SecretName.NFON_REFRESH_TOKEN) is None


async def test_timeout_ends_with_message_and_nothing_stored(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    store = MemorySecretStore()
    with pytest.raises(LoginTimedOut, match="did not finish within"):
        await _manager(sim, http, store, Browser(act=False)).login(wait_seconds=0.2)
    assert store.get(SecretName.NFON_REFRESH_TOKEN) is None


async def test_cancel_ends_with_message_and_nothing_stored(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    store, cancel = MemorySecretStore(), asyncio.Event()
    asyncio.get_running_loop().call_later(0.05, cancel.set)
    with pytest.raises(LoginCancelled, match="cancelled"):
        await _manager(sim, http, store, Browser(act=False)).login(cancel=cancel, wait_seconds=5)
    assert store.get(SecretName.NFON_REFRESH_TOKEN) is None


async def test_unknown_client_is_refused(sim: NfonSimulator, http: httpx.AsyncClient) -> None:
    settings = NfonSettings(issuer=sim.issuer, client_id="cloudya")
    browser = Browser(act=False)
    tokens = TokenManager(settings, http, MemorySecretStore(), open_browser=browser)
    with pytest.raises(LoginTimedOut):
        await tokens.login(wait_seconds=0.2)
    answer = await http.get(browser.opened[0])
    assert answer.status_code == 400


async def _signed_in(
    sim: NfonSimulator, http: httpx.AsyncClient, store: MemorySecretStore
) -> TokenManager:
    browser = Browser()
    tokens = _manager(sim, http, store, browser)
    await tokens.login(wait_seconds=5)
    await browser.finish()
    return tokens


async def test_concurrent_requests_share_one_refresh(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    store = MemorySecretStore()
    await _signed_in(sim, http, store)
    fresh = _manager(sim, http, store, Browser(act=False))

    results = await asyncio.gather(*(fresh.access_token() for _ in range(10)))

    assert len(set(results)) == 1
    assert fresh.refresh_count == 1
    assert len(sim.requests_to("/token")) == 2


async def test_rejected_token_is_replaced_once(sim: NfonSimulator, http: httpx.AsyncClient) -> None:
    tokens = await _signed_in(sim, http, MemorySecretStore())
    old = await tokens.access_token()
    replacements = await asyncio.gather(*(tokens.replace_rejected(old) for _ in range(5)))
    assert len(set(replacements)) == 1 and replacements[0] != old
    assert tokens.refresh_count == 1


async def test_refresh_before_expiry(sim: NfonSimulator, http: httpx.AsyncClient) -> None:
    now = [1000.0]
    store = MemorySecretStore()
    await _signed_in(sim, http, store)
    settings = NfonSettings(issuer=sim.issuer)
    tokens = TokenManager(settings, http, store, clock=lambda: now[0])
    first = await tokens.access_token()
    now[0] += 30
    assert await tokens.access_token() == first
    now[0] += 20  # 60 s lifetime, refreshed 12 s early
    assert await tokens.access_token() != first
    assert tokens.refresh_count == 2


async def test_rotated_refresh_token_is_stored(sim: NfonSimulator, http: httpx.AsyncClient) -> None:
    sim.rotate_refresh = True
    store = MemorySecretStore()
    tokens = await _signed_in(sim, http, store)
    before = store.get(SecretName.NFON_REFRESH_TOKEN)
    await tokens.replace_rejected(await tokens.access_token())
    after = store.get(SecretName.NFON_REFRESH_TOKEN)
    assert after and after != before
    await tokens.replace_rejected(await tokens.access_token())


async def test_revoked_session_clears_secret_and_says_sign_in(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    store = MemorySecretStore()
    tokens = await _signed_in(sim, http, store)
    sim.revoke_sessions()
    with pytest.raises(SessionExpired, match="ctidesk login"):
        await tokens.replace_rejected(await tokens.access_token())
    assert store.get(SecretName.NFON_REFRESH_TOKEN) is None
    with pytest.raises(NotSignedIn):
        await tokens.access_token()


async def test_logout_revokes_at_issuer_and_clears_secret(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    store = MemorySecretStore()
    tokens = await _signed_in(sim, http, store)
    refresh = store.get(SecretName.NFON_REFRESH_TOKEN)

    assert await tokens.logout() is True

    assert store.get(SecretName.NFON_REFRESH_TOKEN) is None
    # RFC 7009 revocation signs the app out; the end-session endpoint is a browser page
    # (OIDC RP-Initiated Logout 1.0), not called from the app.
    assert sim.requests_to("/revoke", "POST") and not sim.requests_to("/logout")
    answer = await http.post(
        sim.issuer + "/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh, "client_id": "ctidesk"},
    )
    assert answer.json()["error"] == "invalid_grant"


async def test_logout_without_issuer_endpoints_still_signs_out_locally(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    sim.offer_revocation = sim.offer_end_session = False
    store = MemorySecretStore()
    tokens = await _signed_in(sim, http, store)
    assert await tokens.logout() is False
    assert not tokens.signed_in


async def test_loopback_port_rule_and_jwks(sim: NfonSimulator, http: httpx.AsyncClient) -> None:
    auth = sim.issuer + "/protocol/openid-connect/auth"
    common = {"client_id": "ctidesk", "response_type": "code", "code_challenge_method": "S256"}
    ok = await http.get(auth, params={**common, "redirect_uri": "http://127.0.0.1:5123/callback"})
    assert ok.status_code == 302
    for bad in ("http://[::1]:5123/callback", "http://127.0.0.1:5123/other", "https://x.example/"):
        refused = await http.get(auth, params={**common, "redirect_uri": bad})
        assert refused.status_code == 400
    keys = (await http.get(sim.issuer + "/protocol/openid-connect/certs")).json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
