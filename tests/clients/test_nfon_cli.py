"""`ctidesk history` and the NFON doctor check, against the simulator."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from ctidesk.app import Context
from ctidesk.checks.doctor import check_nfon
from ctidesk.checks.runner import Verdict, verdict
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings
from ctidesk.sim.nfon import NfonSimulator


async def _cli(home: Path, config: Path, *args: str, **env: str) -> tuple[int, str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CTIDESK_")}
    environ |= {
        "CTIDESK_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ctidesk",
        "--config",
        str(config),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=environ,
    )
    out, err = await asyncio.wait_for(process.communicate(), 30)
    return process.returncode or 0, out.decode(), err.decode()


async def test_history_prints_missed_calls_and_json(tmp_path: Path) -> None:
    sim = NfonSimulator()
    await sim.start()
    try:
        missed = sim.add_record(
            status="missed",
            caller={"name": "Erika Muster", "number": "4930123456", "context": "global"},
        )
        sim.add_record(status="answered", duration=75)
        config = tmp_path / "settings.toml"
        config.write_text(
            f'[nfon]\nissuer = "{sim.issuer}"\ncall_history_url = "{sim.history_url}"\n'
            'customer = "K9999"\n'
        )
        token = {"CTIDESK_NFON_REFRESH_TOKEN": sim.issue_session()}
        code, out, err = await _cli(tmp_path, config, "history", "--missed", "--json", **token)
        assert code == 0, err
        assert [r["uuid"] for r in json.loads(out)] == [missed["uuid"]]
        code, out, err = await _cli(tmp_path, config, "history", "--search", "erika", **token)
        assert code == 0, err
        assert "Erika Muster (+49 30 123456)" in out and "missed" in out
        query = dict(sim.requests_to("/records")[-1].query)
        assert query["search"] == "erika" and query["limit"] == "20"
        code, out, err = await _cli(tmp_path / "elsewhere", config, "history")
        assert code == 2
        assert err.strip().splitlines()[-1] == (
            "ctidesk: you are not signed in to NFON; sign in with `ctidesk login` or the tray menu."
        )
    finally:
        await sim.stop()


def _context(tmp_path: Path, sim: NfonSimulator, secrets: MemorySecretStore) -> Context:
    settings = Settings()
    settings.nfon.issuer = sim.issuer
    settings.nfon.call_history_url = sim.history_url
    settings.nfon.cti_url = sim.cti_url
    settings.nfon.customer = "K9999"
    paths = AppPaths(tmp_path / "c", tmp_path / "d", tmp_path / "l", tmp_path / "r")
    return Context(paths, tmp_path / "settings.toml", settings, secrets, Redactor())


async def test_doctor_check_reports_sign_in_refresh_and_cti(tmp_path: Path) -> None:
    sim = NfonSimulator()
    await sim.start()
    try:
        secrets = MemorySecretStore()
        context = _context(tmp_path, sim, secrets)
        result = await check_nfon(context)
        assert (verdict(result), result.detail) == (
            Verdict.PROBLEM,
            "not signed in: run `ctidesk login`",
        )
        secrets.set(SecretName.NFON_REFRESH_TOKEN, sim.issue_session())
        secrets.set(SecretName.NFON_CTI_PASSWORD, "cti-password")
        context.settings.nfon.cti_enabled = True
        context.settings.nfon.cti_username = "K9999"
        result = await check_nfon(context)
        assert verdict(result) is Verdict.OK
        assert "agent@example.com" in result.detail and "2 extensions" in result.detail
        sim.revoke_sessions()
        result = await check_nfon(context)
        assert verdict(result) is Verdict.PROBLEM and "ctidesk login" in result.detail
        assert secrets.get(SecretName.NFON_REFRESH_TOKEN) is None
    finally:
        await sim.stop()
