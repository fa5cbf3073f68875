"""Issue 23, defect 1: headless refresh (`CTIDESK_NFON_REFRESH_TOKEN`, no keyring) against an
issuer that rotates refresh tokens strictly (RFC 9700 section 4.14.2: the old one is revoked on
use, as Keycloak's "Revoke Refresh Token" does).

The environment variable only seeds the token; each replacement is kept in a 0600 file under the
ctidesk home (or the keyring where there is one), which wins over the variable from then on.
"""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from ctidesk.app import Context
from ctidesk.checks.doctor import check_nfon
from ctidesk.checks.runner import Verdict, verdict
from ctidesk.clients.nfon.history import CallHistoryClient
from ctidesk.clients.nfon.oauth import TokenManager
from ctidesk.clients.nfon.stream import HistoryStream, StreamStatus
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import (
    EnvSecretStore,
    LayeredSecretStore,
    MemorySecretStore,
    RotatedTokenFile,
    SecretName,
)
from ctidesk.config.settings import NfonSettings, Settings
from ctidesk.sim.nfon import NfonSimulator
from tests.clients.test_nfon_cli import _cli

ENV = SecretName.NFON_REFRESH_TOKEN.env_var


@pytest.fixture
async def sim() -> AsyncIterator[NfonSimulator]:
    simulator = NfonSimulator(rotate_refresh=True, access_lifetime=300)
    await simulator.start()
    yield simulator
    await simulator.stop()


async def _refused(sim: NfonSimulator, http: httpx.AsyncClient, token: str) -> bool:
    answer = await http.post(
        sim.issuer + "/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": token, "client_id": "ctidesk"},
    )
    return answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def _nfon_line(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("nfon "))


async def test_doctor_on_environment_token_keeps_working_run_after_run(tmp_path: Path) -> None:
    """Defect 1 as reported: `ctidesk doctor` said "check failed", the next run "revoked"."""
    sim = NfonSimulator(rotate_refresh=True, access_lifetime=5)
    await sim.start()
    try:
        config = tmp_path / "settings.toml"
        config.write_text(f'[nfon]\nissuer = "{sim.issuer}"\nscopes = ["openid"]\n')
        env = {ENV: sim.issue_session()}
        for _run in range(3):
            _code, out, err = await _cli(tmp_path, config, "doctor", **env)
            line = _nfon_line(out)
            assert " ok " in line and "token refresh works" in line, out + err
        assert sim.refused_refreshes == []
        token_file = tmp_path / "data" / "nfon-refresh-token.json"
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    finally:
        await sim.stop()


async def test_a_day_of_rotations_with_restarts_keeps_the_agent_signed_in(
    sim: NfonSimulator, tmp_path: Path
) -> None:
    """288 refreshes (a day of 5-minute access tokens, Keycloak's default), a new process every
    hour; every token the issuer replaced is revoked, and none is ever spent twice."""
    sim.opaque_access_tokens = True  # one RSA signature per refresh (the id_token): faster
    seed = sim.issue_session()
    token_file = RotatedTokenFile(tmp_path / "data" / "nfon-refresh-token.json")
    now = [0.0]
    settings = NfonSettings(issuer=sim.issuer)
    async with httpx.AsyncClient() as http:
        tokens: TokenManager | None = None
        for refresh in range(288):
            if refresh % 12 == 0:
                store = LayeredSecretStore(EnvSecretStore({ENV: seed}), None, token_file)
                tokens = TokenManager(
                    settings,
                    http,
                    store,
                    clock=lambda: now[0],
                    refresh_lock=tmp_path / "data" / "nfon-refresh.lock",
                )
            assert tokens is not None
            now[0] += 300
            await tokens.access_token()
        assert tokens is not None and tokens.refresh_count == 12
        assert sim.refused_refreshes == []
        kept = json.loads(token_file.path.read_text())
        assert kept["refresh_token"] not in (None, seed)
        assert await _refused(sim, http, seed)
        assert stat.S_IMODE(token_file.path.stat().st_mode) == 0o600
        assert not list(token_file.path.parent.glob(".nfon-*")), "no temporary file left"


async def test_a_new_environment_token_wins_over_the_kept_one(
    sim: NfonSimulator, tmp_path: Path
) -> None:
    """The administrator signed in again and set a new variable: that one counts, not the file."""
    token_file = RotatedTokenFile(tmp_path / "nfon-refresh-token.json")
    first = sim.issue_session()
    store = LayeredSecretStore(EnvSecretStore({ENV: first}), None, token_file)
    async with httpx.AsyncClient() as http:
        await TokenManager(NfonSettings(issuer=sim.issuer), http, store).access_token()
        kept = store.get(SecretName.NFON_REFRESH_TOKEN)
        assert kept and kept != first
        second = sim.issue_session()
        store = LayeredSecretStore(EnvSecretStore({ENV: second}), None, token_file)
        assert store.get(SecretName.NFON_REFRESH_TOKEN) == second
        await TokenManager(NfonSettings(issuer=sim.issuer), http, store).access_token()
        assert store.get(SecretName.NFON_REFRESH_TOKEN) not in (None, first, second, kept)


async def test_with_a_keyring_the_rotated_token_goes_there_and_not_to_disk(
    sim: NfonSimulator, tmp_path: Path
) -> None:
    """Environment seed plus keyring: the keyring keeps the replacement (before, the stale
    variable won on the next read); the file holds only a digest of the seed."""
    keyring = MemorySecretStore()
    token_file = RotatedTokenFile(tmp_path / "nfon-refresh-token.json")
    seed = sim.issue_session()
    store = LayeredSecretStore(EnvSecretStore({ENV: seed}), keyring, token_file)
    async with httpx.AsyncClient() as http:
        tokens = TokenManager(NfonSettings(issuer=sim.issuer), http, store)
        for _ in range(3):
            await tokens.replace_rejected(await tokens.access_token())
    rotated = keyring.get(SecretName.NFON_REFRESH_TOKEN)
    assert rotated and store.get(SecretName.NFON_REFRESH_TOKEN) == rotated
    assert json.loads(token_file.path.read_text())["refresh_token"] is None
    assert rotated not in token_file.path.read_text()
    assert sim.refused_refreshes == []


async def test_history_stream_runs_on_through_rotations(sim: NfonSimulator, tmp_path: Path) -> None:
    """`ctidesk bridge`'s history stream stopped at the first rotation before."""
    sim.access_lifetime = 1
    token_file = RotatedTokenFile(tmp_path / "nfon-refresh-token.json")
    store = LayeredSecretStore(EnvSecretStore({ENV: sim.issue_session()}), None, token_file)
    statuses: list[StreamStatus] = []
    received: list[str] = []
    async with httpx.AsyncClient() as http:
        tokens = TokenManager(NfonSettings(issuer=sim.issuer), http, store, refresh_margin=0)
        client = CallHistoryClient(http, sim.history_url, tokens, customer="K9999")
        stream = HistoryStream(
            client,
            lambda record: received.append(record.uuid),
            backoff_initial=0.05,
            backoff_max=0.1,
            on_status=lambda status, _detail: statuses.append(status),
        )
        task = asyncio.create_task(stream.run())
        added = []
        for _ in range(4):
            await asyncio.sleep(0.9)
            added.append(sim.add_record()["uuid"])
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert StreamStatus.STOPPED not in statuses
    assert set(added) <= set(received)
    assert tokens.refresh_count >= 3 and sim.refused_refreshes == []


async def test_a_token_that_cannot_be_saved_is_used_from_memory_with_a_sentence(
    sim: NfonSimulator,
) -> None:
    """No file and no keyring (an old-style store): the process keeps working on the rotated
    token in memory, and the problem is one sentence instead of an unhandled exception."""
    seed = sim.issue_session()
    store = LayeredSecretStore(EnvSecretStore({ENV: seed}), None)
    async with httpx.AsyncClient() as http:
        tokens = TokenManager(NfonSettings(issuer=sim.issuer), http, store)
        for _ in range(3):
            await tokens.replace_rejected(await tokens.access_token())
        assert tokens.save_problem and "run `ctidesk login` again" in tokens.save_problem
        assert sim.refused_refreshes == []


async def test_doctor_reports_a_token_that_could_not_be_saved(
    sim: NfonSimulator, tmp_path: Path
) -> None:
    """The doctor shows the sentence (it said "check failed: ..." with the store's exception)."""
    settings = Settings()
    settings.nfon.issuer = sim.issuer
    store = LayeredSecretStore(EnvSecretStore({ENV: sim.issue_session()}), None)
    paths = AppPaths.under(tmp_path)
    context = Context(paths, paths.settings_file, settings, store, Redactor())
    result = await check_nfon(context)
    assert verdict(result) is Verdict.PROBLEM
    assert result.detail.startswith("NFON renewed the sign-in, but ctidesk could not save")
