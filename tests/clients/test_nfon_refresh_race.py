"""Issue 23, defect 2: two processes refreshing at once must not sign the agent out.

With strict rotation (RFC 9700 section 4.14.2) the issuer accepts the first refresh and answers
`invalid_grant` (RFC 6749 section 5.2) to the second. The loser used to delete the keyring
entry, by then the winner's new, valid token. Now a file lock serialises refreshes across
processes, and on `invalid_grant` the store is read again: a token that changed is retried, and
only what is still the failed token is forgotten.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from ctidesk.clients.nfon.errors import SessionExpired
from ctidesk.clients.nfon.oauth import TokenManager
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import NfonSettings
from ctidesk.sim.nfon import NfonSimulator
from tests.clients.test_nfon_cli import _cli

ENV = SecretName.NFON_REFRESH_TOKEN.env_var


@pytest.fixture
async def sim() -> AsyncIterator[NfonSimulator]:
    simulator = NfonSimulator(rotate_refresh=True, access_lifetime=5)
    await simulator.start()
    yield simulator
    await simulator.stop()


def _process(
    sim: NfonSimulator, http: httpx.AsyncClient, keyring: MemorySecretStore, lock: Path | None
) -> TokenManager:
    """One process's TokenManager: its own in-process lock and cache, the shared keyring."""
    return TokenManager(NfonSettings(issuer=sim.issuer), http, keyring, refresh_lock=lock)


async def test_tray_and_cli_refreshing_together_both_succeed_and_stay_signed_in(
    sim: NfonSimulator, tmp_path: Path
) -> None:
    keyring = MemorySecretStore({SecretName.NFON_REFRESH_TOKEN: sim.issue_session()})
    lock = tmp_path / "nfon-refresh.lock"
    async with httpx.AsyncClient() as http:
        tray, cli = _process(sim, http, keyring, lock), _process(sim, http, keyring, lock)
        await asyncio.gather(tray.access_token(), cli.access_token())
        assert sim.refused_refreshes == [], "the lock lets no token be spent twice"
        survivor = keyring.get(SecretName.NFON_REFRESH_TOKEN)
        assert survivor
        assert await _process(sim, http, keyring, lock).access_token()


async def test_without_the_lock_the_loser_retries_with_the_winners_token(
    sim: NfonSimulator,
) -> None:
    """Two homes (or an older ctidesk) share the keyring but not the lock file."""
    keyring = MemorySecretStore({SecretName.NFON_REFRESH_TOKEN: sim.issue_session()})
    async with httpx.AsyncClient() as http:
        tray, cli = _process(sim, http, keyring, None), _process(sim, http, keyring, None)
        results = await asyncio.gather(
            tray.access_token(), cli.access_token(), return_exceptions=True
        )
        assert len(sim.refused_refreshes) == 1, "the race really happened"
        assert all(isinstance(result, str) for result in results), results
        assert keyring.get(SecretName.NFON_REFRESH_TOKEN)
        assert await _process(sim, http, keyring, None).access_token()


async def test_a_really_revoked_token_is_still_forgotten(sim: NfonSimulator) -> None:
    keyring = MemorySecretStore({SecretName.NFON_REFRESH_TOKEN: sim.issue_session()})
    sim.revoke_sessions()
    async with httpx.AsyncClient() as http:
        with pytest.raises(SessionExpired):
            await _process(sim, http, keyring, None).access_token()
    assert keyring.get(SecretName.NFON_REFRESH_TOKEN) is None


async def test_two_real_processes_refresh_at_once_on_one_home(
    sim: NfonSimulator, tmp_path: Path
) -> None:
    """Two `ctidesk history` processes, headless on one home, refresh at the same moment (the
    issuer answers slowly so they overlap); both succeed, and so does the next run."""
    sim.token_delay = 0.5
    config = tmp_path / "settings.toml"
    config.write_text(
        f'[nfon]\nissuer = "{sim.issuer}"\ncall_history_url = "{sim.history_url}"\n'
        'customer = "K9999"\nscopes = ["openid"]\n'
    )
    env = {ENV: sim.issue_session()}
    results = await asyncio.gather(
        _cli(tmp_path, config, "history", **env), _cli(tmp_path, config, "history", **env)
    )
    for code, out, err in results:
        assert code == 0, err
        assert out.strip() == "No calls found."
    assert sim.refused_refreshes == []
    code, _out, err = await _cli(tmp_path, config, "history", **env)
    assert code == 0, err
    assert sim.refused_refreshes == []
