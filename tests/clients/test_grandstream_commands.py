"""`ctidesk phone ...`, `ctidesk action-urls` and the phone doctor check, against the simulator."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from ctidesk.commands.phone import _run_phone
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import PhoneModel, Settings
from ctidesk.doctor import Status
from ctidesk.doctor_checks import check_phone
from ctidesk.sim.phone import PhoneSimulator


@pytest.fixture
async def sim() -> AsyncIterator[PhoneSimulator]:
    phone = PhoneSimulator(profile="gxp")
    await phone.start()
    yield phone
    await phone.stop()


def context_for(sim: PhoneSimulator, passcode: str | None = None, **phone: Any) -> Any:
    settings = Settings()
    settings.phone.address = sim.address
    settings.phone.timeout_seconds = 1.0
    for key, value in phone.items():
        setattr(settings.phone, key, value)
    store = MemorySecretStore({SecretName.PHONE_PASSCODE: passcode or sim.passcode})
    return SimpleNamespace(settings=settings, secrets=store)


async def test_phone_commands_drive_the_simulator(sim: PhoneSimulator) -> None:
    context = context_for(sim)
    sim.ring("+4930123456", "Jane Doe")
    status = await _run_phone(context, "status", None)
    assert "GXP" in status and "line 1: ringing  +4930123456  Jane Doe" in status
    assert await _run_phone(context, "answer", None) == "answer: done on line 1"
    assert sim.line(1).state == "connected"
    await _run_phone(context, "hold", None)
    assert sim.line(1).state == "onhold"
    await _run_phone(context, "resume", None)
    await _run_phone(context, "end", None)
    assert sim.line(1).state == "idle"
    assert await _run_phone(context, "reject", None) == "no call to reject on the phone"
    assert (await _run_phone(context, "dial", "030 123456")).startswith("dialling")
    assert sim.dialed[-1].number == "030123456"


async def test_doctor_check_reports_reachable_and_auth(sim: PhoneSimulator) -> None:
    ok = await check_phone(context_for(sim, model=PhoneModel.GXP))
    assert ok.status is Status.OK and "passcode accepted" in ok.detail
    wrong = await check_phone(context_for(sim, passcode="nope"))
    assert wrong.status is Status.PROBLEM and "password" in wrong.detail
    context = context_for(sim)
    context.settings.phone.address = ""
    missing = await check_phone(context)
    assert missing.status is Status.PROBLEM and "[phone] address" in missing.detail


def test_action_urls_command_prints_pasteable_urls(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CTIDESK_")}
    environ |= {
        "CTIDESK_HOME": str(tmp_path),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "CTIDESK_ACTION_URL_TOKEN": "tok-from-env-0123",
    }
    result = subprocess.run(
        [sys.executable, "-m", "ctidesk", "action-urls", "--host", "127.0.0.1", "--json"],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    urls = json.loads(result.stdout)
    assert urls["incoming_call"].startswith("http://127.0.0.1:8765/gs/tok-from-env-0123/in?m=$mac")
    assert all(len(url) <= 256 for url in urls.values())


async def test_build_phone_wires_listener_and_poller_into_the_tracker(
    sim: PhoneSimulator, tmp_path: Path
) -> None:
    from ctidesk.app import Context, Core, build_core, build_phone
    from ctidesk.clients.grandstream.action_url import action_urls_for
    from ctidesk.config.logs import Redactor
    from ctidesk.config.paths import AppPaths

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    base = context_for(sim, listen_address="127.0.0.1", listen_port=0, poll_idle_seconds=0.05)
    base.settings.phone.poll_active_seconds = 0.02
    context = Context(paths, paths.settings_file, base.settings, base.secrets, Redactor())
    core: Core = build_core(context)
    try:
        control = await build_phone(context, core)
        assert control is not None
        token = context.secrets.get(SecretName.ACTION_URL_TOKEN)
        assert token and len(token) >= 16
        assert "incoming_call" in action_urls_for("127.0.0.1", 1, token)
        sim.ring("+4930123456", "Jane Doe")
        for _ in range(100):
            if core.tracker.live_calls():
                break
            await asyncio.sleep(0.02)
        [call] = core.tracker.live_calls()
        await control.answer(call)
        assert sim.line(1).state == "connected"
    finally:
        await core.close()
