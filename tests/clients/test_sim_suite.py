"""The simulators wired like the real world, and `ctidesk sim` as the user runs it.

NFON click-to-dial (CTI originate) built exactly as the composition root builds it must ring the
agent's phone simulator; the phone's Action URLs then tell the tracker about the outbound call.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from ctidesk.clients.grandstream.action_url import ActionUrlListener
from ctidesk.clients.nfon import build_nfon_services
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings
from ctidesk.core.calls import CallState, Direction
from ctidesk.core.tracker import CallTracker
from ctidesk.sim.phone import Dialed
from ctidesk.sim.suite import SimulatorSuite

ACTION_URL_TOKEN = "sim-suite-action-url-token-0123"


@pytest.fixture
async def suite() -> AsyncIterator[SimulatorSuite]:
    simulators = SimulatorSuite()
    await simulators.start()
    yield simulators
    await simulators.stop()


def cti_settings(suite: SimulatorSuite) -> tuple[Settings, MemorySecretStore]:
    """What the agent enters for NFON CTI, pointing at the suite's NFON simulator."""
    settings = Settings()
    settings.nfon.cti_enabled = True
    settings.nfon.cti_url = suite.nfon.cti_url
    settings.nfon.customer = suite.nfon.customer
    settings.nfon.extension = suite.phone.local_number
    settings.nfon.cti_username = suite.nfon.cti_username
    secrets = MemorySecretStore()
    secrets.set(SecretName.NFON_CTI_PASSWORD, suite.nfon.cti_password)
    return settings, secrets


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


async def test_nfon_click_to_dial_rings_the_agents_phone(suite: SimulatorSuite) -> None:
    settings, secrets = cti_settings(suite)
    tracker = CallTracker()
    listener = ActionUrlListener(
        token=ACTION_URL_TOKEN,
        allowed_hosts=["127.0.0.1"],
        on_event=tracker.handle,
        mac=suite.phone.mac,
    )
    host, port = await listener.start("127.0.0.1", 0)
    assert suite.phone.configure_action_urls(listener.action_urls(host, port))
    try:
        async with httpx.AsyncClient() as http:
            services = build_nfon_services(settings, http, secrets)
            assert services.cti is not None
            started = await services.cti.originate("+49 30 1234567")
            await until(lambda: bool(suite.phone.dialed))
            await until(lambda: bool(tracker.live_calls()))
            await suite.phone.drain()
    finally:
        await listener.stop()

    # NFON got the number the way its contract wants it: E.164 digits, global context.
    [originated] = suite.nfon.originated()
    assert originated["uuid"] == started.uuid
    assert (originated["caller"], originated["callee"]) == ("1001", "49301234567")
    assert originated["callee_context"] == "global"
    # ... and the agent's phone has the call going out on its first line.
    assert suite.phone.dialed == [Dialed("49301234567", "nfon_cti", 1, 1)]
    line = suite.phone.line(1)
    assert line.direction == "out" and line.remote_number == "49301234567"
    assert line.state in ("calling", "connected")
    # The phone told the tracker through its Action URLs: one outbound call.
    calls = tracker.live_calls()
    assert len(calls) == 1
    assert calls[0].direction is Direction.OUTBOUND
    assert calls[0].state in (CallState.DIALING, CallState.CONNECTED)
    assert calls[0].remote.e164 == "+49301234567"


# ---------------------------------------------------------------- `ctidesk sim` as a process


def _start_sim(tmp_path: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTIDESK_")}
    env["CTIDESK_HOME"] = str(tmp_path)
    return subprocess.Popen(
        [sys.executable, "-m", "ctidesk", "sim"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_addresses(process: subprocess.Popen[str]) -> dict[str, str]:
    assert process.stdout is not None
    addresses: dict[str, str] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("simulators ready"):
            return addresses
        name, _, value = line.rstrip("\n").partition(": ")
        addresses[name] = value
    process.kill()
    _, err = process.communicate(timeout=10)
    raise AssertionError(f"`ctidesk sim` printed no ready line; stderr: {err}")


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_ctidesk_sim_serves_until_a_signal_ends_it_cleanly(
    tmp_path: Path, stop_with: signal.Signals
) -> None:
    process = _start_sim(tmp_path)
    try:
        addresses = _read_addresses(process)
        assert set(addresses) >= {"phone", "phone passcode", "zammad", "nfon CTI"}
        for name in ("phone", "zammad", "nfon CTI"):
            assert addresses[name].startswith("http://127.0.0.1:"), addresses[name]
        phone = addresses["phone"]
        rang = httpx.post(f"{phone}/sim/ring", params={"number": "+4930123456", "name": "Jane"})
        assert rang.status_code == 200 and rang.json() == {"ok": True, "result": 1}
        state = httpx.get(f"{phone}/sim/state").json()
        assert state["lines"][0]["state"] == "ringing"
        assert state["lines"][0]["remote_number"] == "+4930123456"
        status = httpx.get(
            f"{phone}/cgi-bin/api-get_phone_status",
            params={"passcode": addresses["phone passcode"]},
        )
        assert status.json() == {"response": "success", "body": "busy", "misc": "0"}
        process.send_signal(stop_with)
        _, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "Traceback" not in err


@pytest.mark.parametrize("phone_state", ["dnd", "all_lines_busy"])
async def test_click_to_dial_to_a_phone_that_cannot_take_it_ends_busy(
    suite: SimulatorSuite, phone_state: str
) -> None:
    settings, secrets = cti_settings(suite)
    if phone_state == "dnd":
        suite.phone.set_dnd(True)
    else:
        for index in range(len(suite.phone.lines)):
            suite.phone.ring(f"+49 30 5550 10{index:02d}")
    async with httpx.AsyncClient() as http:
        services = build_nfon_services(settings, http, secrets)
        assert services.cti is not None
        started = await services.cti.originate("+49 30 1234567")
        await until(lambda: started.uuid in _ended(suite))
    assert [call["state"] for call in suite.nfon.originated()] == ["end"]
    assert not suite.phone.dialed


def _ended(suite: SimulatorSuite) -> dict[str, str]:
    return {
        call["uuid"]: call["state"] for call in suite.nfon.originated() if call["state"] == "end"
    }
