"""Issue 23: the issuer (defect 3), the id_token, RFC 9207, account name, logout and the small
things, against the simulator's provider over real loopback HTTP."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from ctidesk.clients.nfon.errors import (
    DiscoveryError,
    LoginInvalidIdToken,
    LoginIssuerMismatch,
    LoginRejected,
)
from ctidesk.clients.nfon.oauth import TokenManager, challenge_for, discover, parse_discovery
from ctidesk.config.errors import SettingsError
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import NfonSettings, settings_from_dict
from ctidesk.sim.nfon import NfonSimulator
from tests.clients.test_nfon_cli import _cli
from tests.clients.test_nfon_login import Browser, _with_param

BAD_ISSUERS = [
    "http://127.0.0.1:99999/realms/login",  # port out of range: OverflowError in an ExceptionGroup
    "http://[::1:80/realms/login",  # httpx.InvalidURL
    "https://",
    "sso.cloud-cfg.com/realms/login",
    "http://sso.example.com/realms/login",  # plain http off this computer
    "https://sso.example.com/realms/login?x=1",
]


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
    return TokenManager(
        NfonSettings(issuer=sim.issuer, scopes=["openid"]), http, store, open_browser=browser
    )


# -- defect 3: the issuer ---------------------------------------------------------------------


@pytest.mark.parametrize("issuer", BAD_ISSUERS)
def test_bad_issuer_is_refused_by_the_settings_with_a_sentence(issuer: str) -> None:
    """OIDC Discovery 1.0 section 2: the issuer is an https URL without query or fragment."""
    with pytest.raises(SettingsError, match=r"nfon\.issuer: .*the NFON issuer"):
        settings_from_dict({"nfon": {"issuer": issuer}})


@pytest.mark.parametrize(
    "issuer",
    [
        "https://sso.cloud-cfg.com/realms/login/",
        "http://127.0.0.1:8080/realms/login",
        "http://[::1]:8080/realms/login",
        "http://localhost:8080/realms/login",
    ],
)
def test_good_issuers_are_accepted(issuer: str) -> None:
    assert settings_from_dict({"nfon": {"issuer": issuer}}).nfon.issuer == issuer.rstrip("/")


@pytest.mark.parametrize("issuer", BAD_ISSUERS)
async def test_discovery_of_a_bad_issuer_is_a_sentence_not_a_traceback(
    issuer: str, http: httpx.AsyncClient
) -> None:
    with pytest.raises(DiscoveryError, match=r"check \[nfon\] issuer in the settings"):
        await discover(http, issuer)


async def test_login_with_an_out_of_range_port_says_what_to_fix(tmp_path: Path) -> None:
    """Defect 3 as reported: `ctidesk login` crashed with a traceback."""
    config = tmp_path / "settings.toml"
    config.write_text('[nfon]\nissuer = "http://127.0.0.1:99999/realms/login"\n')
    code, out, err = await _cli(tmp_path, config, "login")
    assert code == 2 and "Traceback" not in err and "Opening" not in out
    assert "nfon.issuer" in err and "port must be between 1 and 65535" in err


def _document(base: str, **changes: Any) -> dict[str, Any]:
    document = {
        "issuer": base,
        "authorization_endpoint": base + "/auth",
        "token_endpoint": base + "/token",
        "jwks_uri": base + "/certs",
    }
    return document | changes


def test_discovery_must_name_the_configured_issuer() -> None:
    """OIDC Discovery 1.0 section 4.3: the document's issuer is exactly the configured one."""
    issuer = "https://sso.example.com/realms/login"
    assert parse_discovery(_document(issuer), issuer + "/").issuer == issuer
    with pytest.raises(DiscoveryError, match="names another issuer"):
        parse_discovery(_document(issuer, issuer="https://evil.example.com"), issuer)
    with pytest.raises(DiscoveryError, match="names another issuer"):
        parse_discovery({k: v for k, v in _document(issuer).items() if k != "issuer"}, issuer)


@pytest.mark.parametrize("key", ["authorization_endpoint", "token_endpoint", "jwks_uri"])
def test_discovered_endpoints_must_be_https_off_this_computer(key: str) -> None:
    """Skipping nothing rests on configuration: every endpoint is TLS (OIDC Core 16.17)."""
    issuer = "https://sso.example.com/realms/login"
    with pytest.raises(DiscoveryError, match=f"no usable https {key}"):
        parse_discovery(_document(issuer, **{key: "http://sso.example.com/x"}), issuer)


# -- the id_token (OIDC Core 3.1.3.7) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "signer", "reason"),
    [
        ({"iss": None}, "key", r"issuer \(iss\)"),  # step 2
        ({"iss": "https://evil.example.com"}, "key", r"issuer \(iss\)"),  # step 2
        ({"aud": None}, "key", r"ctidesk \(aud\)"),  # step 3
        ({"aud": "other-client"}, "key", r"ctidesk \(aud\)"),  # step 3
        ({"aud": ["ctidesk", "other"], "azp": None}, "key", r"\(azp\)"),  # step 4
        ({"azp": "other-client"}, "key", r"\(azp\)"),  # step 5
        ({"exp": 1_000_000}, "key", r"expired \(exp\)"),  # step 9
        ({"exp": None}, "key", r"expired \(exp\)"),  # step 9
        ({"iat": 4_000_000_000}, "key", r"future \(iat\)"),  # step 10
        ({"nonce": "replayed"}, "key", "nonce"),  # step 11
        ({"sub": None}, "key", r"\(sub\)"),  # section 2: sub is required
        ({}, "foreign-key", "signature is not valid"),  # step 6, RFC 7515 5.2
        ({}, "none", "'none'"),  # step 7: alg none is never accepted
    ],
)
async def test_an_id_token_failing_a_check_stores_nothing(
    sim: NfonSimulator,
    http: httpx.AsyncClient,
    overrides: dict[str, Any],
    signer: Any,
    reason: str,
) -> None:
    sim.id_token_overrides = overrides
    sim.id_token_signer = signer
    store, browser = MemorySecretStore(), Browser()
    with pytest.raises(LoginInvalidIdToken, match=reason):
        await _manager(sim, http, store, browser).login(wait_seconds=5)
    await browser.finish()
    assert store.get(SecretName.NFON_REFRESH_TOKEN) is None
    assert "Sign-in failed" in browser.pages[0] and "Signed in" not in browser.pages[0]


async def test_a_good_id_token_is_verified_against_the_jwks(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    store, browser = MemorySecretStore(), Browser()
    await _manager(sim, http, store, browser).login(wait_seconds=5)
    await browser.finish()
    assert sim.requests_to("/certs", "GET"), "the signature was checked with the issuer's keys"
    assert store.get(SecretName.NFON_REFRESH_TOKEN)
    assert "Signed in" in browser.pages[0]


# -- RFC 9207: the iss parameter of the authorization response --------------------------------


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda url: _with_param(url, "iss", "https://evil.example.com"), "another issuer"),
        (lambda url: _without(url, "iss"), "did not say which issuer"),
    ],
)
async def test_authorization_response_must_come_from_the_issuer(
    sim: NfonSimulator, http: httpx.AsyncClient, tamper: Any, reason: str
) -> None:
    """RFC 9207 section 2.4: a mix-up is refused before the code is spent."""
    store, browser = MemorySecretStore(), Browser(tamper_redirect=tamper)
    with pytest.raises(LoginIssuerMismatch, match=reason):
        await _manager(sim, http, store, browser).login(wait_seconds=5)
    await browser.finish()
    assert sim.requests_to("/token") == []
    assert store.get(SecretName.NFON_REFRESH_TOKEN) is None


def _without(url: str, key: str) -> str:
    parts = urlsplit(url)
    query = "&".join(f"{k}={v}" for k, v in parse_qsl(parts.query) if k != key)
    return parts._replace(query=query).geturl()


# -- account name, logout, the small things ---------------------------------------------------


async def test_account_name_comes_from_the_id_token_when_access_tokens_are_opaque(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    sim.opaque_access_tokens = True
    store, browser = MemorySecretStore(), Browser()
    tokens = _manager(sim, http, store, browser)
    await tokens.login(wait_seconds=5)
    await browser.finish()
    assert tokens.claims() == {}
    assert tokens.account_label() == "agent@example.com"
    headless = _manager(sim, http, store, Browser(act=False))
    await headless.access_token()
    assert headless.account_label() == "agent@example.com", "from the refresh's id_token"


async def test_logout_revokes_and_opens_end_session_only_to_switch_accounts(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    """RFC 7009 revocation signs the app out; OIDC RP-Initiated Logout 1.0 is a browser page."""
    store, browser = MemorySecretStore(), Browser()
    tokens = _manager(sim, http, store, browser)
    await tokens.login(wait_seconds=5)
    await browser.finish()
    assert await tokens.logout() is True
    assert sim.requests_to("/revoke", "POST") and not sim.requests_to("/logout")
    assert len(browser.opened) == 1

    await tokens.login(wait_seconds=5)
    await browser.finish()
    assert await tokens.logout(switch_account=True) is True
    end_session = browser.opened[-1]
    assert end_session.startswith(sim.issuer + "/protocol/openid-connect/logout?")
    query = dict(parse_qsl(urlsplit(end_session).query))
    assert query["client_id"] == "ctidesk" and query["id_token_hint"]
    assert not sim.requests_to("/logout", "POST")


async def test_callback_page_waits_for_the_code_exchange(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    """It said "Signed in" on a login the token endpoint then rejected."""
    other = challenge_for("a-verifier-that-the-client-does-not-have-0123456789abcdef")
    browser = Browser(tamper_authorize=lambda url: _with_param(url, "code_challenge", other))
    with pytest.raises(LoginRejected):
        await _manager(sim, http, MemorySecretStore(), browser).login(wait_seconds=5)
    await browser.finish()
    assert "Sign-in failed" in browser.pages[0] and "invalid_grant" in browser.pages[0]
    assert "Signed in" not in browser.pages[0]


async def test_the_browser_is_opened_off_the_event_loop(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    threads: list[threading.Thread] = []
    browser = Browser()

    def slow_browser(url: str) -> bool:
        threads.append(threading.current_thread())
        return browser(url)

    settings = NfonSettings(issuer=sim.issuer, scopes=["openid"])
    tokens = TokenManager(settings, http, MemorySecretStore(), open_browser=slow_browser)
    await tokens.login(wait_seconds=5)
    await browser.finish()
    assert threads and threads[0] is not threading.main_thread()


async def test_no_opening_message_when_discovery_fails(tmp_path: Path) -> None:
    """`ctidesk login` said "Opening the NFON sign-in page" before discovery failed."""
    config = tmp_path / "settings.toml"
    config.write_text('[nfon]\nissuer = "http://127.0.0.1:1/realms/login"\n')
    code, out, err = await _cli(
        tmp_path, config, "login", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring"
    )
    assert code == 2 and "Traceback" not in err
    assert "cannot read the NFON sign-in configuration" in err
    assert "Opening" not in out
