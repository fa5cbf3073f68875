"""The NFON simulator's own contract quirks (section 7), over real loopback HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from ctidesk.clients.nfon.history import CallHistoryClient
from ctidesk.clients.nfon.oauth import TokenManager
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import NfonSettings
from ctidesk.sim.nfon import NfonSimulator


@pytest.fixture
async def sim() -> AsyncIterator[NfonSimulator]:
    simulator = NfonSimulator(heartbeat_seconds=0.02)
    await simulator.start()
    yield simulator
    await simulator.stop()


async def _bearer(sim: NfonSimulator, http: httpx.AsyncClient) -> dict[str, str]:
    answer = await http.post(
        sim.issuer + "/protocol/openid-connect/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": sim.issue_session(),
            "client_id": "ctidesk",
        },
    )
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


async def test_stream_format_heartbeats_and_future_schema(sim: NfonSimulator) -> None:
    sim.schema = "future"
    async with httpx.AsyncClient() as http:
        headers = await _bearer(sim, http) | {"Accept": "text/event-stream"}
        async with http.stream(
            "GET", sim.history_url + "/records", headers=headers, params={"customer": "K9999"}
        ) as response:
            lines = response.aiter_lines()
            assert await anext(lines) == ": keep-alive"
            sim.add_record(status="busy")
            while (line := await anext(lines)) in ("", ": keep-alive"):
                pass
            assert line == "id: 0"
            data = json.loads((await anext(lines)).removeprefix("data: "))
            sim.drop_streams()
    assert data["status"] == "busy" and "sentiment" in data
    assert data["history"][-1] == {"transfer": {"number": "1003"}, "updated": data["created"]}


async def test_client_ignores_heartbeats_and_parses_future_records(sim: NfonSimulator) -> None:
    sim.schema = "future"
    store = MemorySecretStore({SecretName.NFON_REFRESH_TOKEN: sim.issue_session()})
    async with httpx.AsyncClient() as http:
        tokens = TokenManager(NfonSettings(issuer=sim.issuer), http, store)
        client = CallHistoryClient(http, sim.history_url, tokens, customer="K9999")
        got = []

        async def opened() -> None:
            sim.add_record(status="rejected")
            asyncio.get_running_loop().call_later(0.1, sim.drop_streams)

        async for event in client.stream(on_open=opened):
            got.append(event.record)
    assert [r.status.value for r in got] == ["unknown"]
    assert got[0].callee.is_internal


async def test_unfiltered_delete_really_deletes_everything(sim: NfonSimulator) -> None:
    for _ in range(3):
        sim.add_record()
    async with httpx.AsyncClient() as http:
        answer = await http.delete(sim.history_url + "/records", headers=await _bearer(sim, http))
        assert answer.status_code == 204 and answer.headers["X-Request-Id"]
        missing = await http.get(sim.history_url + "/records", headers={"Authorization": "x"})
        assert missing.status_code == 401
    assert sim.records() == []


async def test_customer_claim_lets_ea2_stream_without_customer_param(sim: NfonSimulator) -> None:
    sim.include_customer_claim = True
    async with httpx.AsyncClient() as http:
        headers = await _bearer(sim, http) | {"Accept": "text/event-stream"}
        async with http.stream("GET", sim.history_url + "/records", headers=headers) as response:
            assert response.status_code == 200
            sim.drop_streams()


async def test_originate_as_event_stream_runs_start_to_end(sim: NfonSimulator) -> None:
    async with httpx.AsyncClient() as http:
        login = await http.post(
            sim.cti_url + "/login", json={"username": "K9999", "password": "cti-password"}
        )
        token = login.json()["access-token"]
        body = {"caller": "1001", "callee": "4930123456", "callee_context": "global"}
        states = []
        async with http.stream(
            "POST",
            sim.cti_url + "/extensions/phone/calls",
            json=body,
            headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"},
        ) as response:
            assert response.status_code == 200
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    event = json.loads(line[6:])
                    states.append(event["state"])
                    if event["state"] == "answer":
                        sim.hangup_originated(event["uuid"])
        bad = await http.post(
            sim.cti_url + "/extensions/phone/calls",
            json={"caller": "1001", "callee": "+4930123456"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert bad.status_code == 400 and "must not start" in bad.json()["error"]
        invalid = await http.delete(
            sim.cti_url + "/extensions/phone/calls/not-a-uuid",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert invalid.status_code == 400
    assert states[0] == "start" and states[-1] == "end"
    assert states[1:6] == ["caller-ring", "caller-answer", "dial", "ring", "answer"]
