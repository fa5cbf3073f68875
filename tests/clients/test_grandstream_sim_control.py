"""The simulator's `/sim/...` control surface that other processes (e2e, `ctidesk sim`) use."""

from __future__ import annotations

import httpx

from ctidesk.clients.grandstream.client import GrandstreamClient
from ctidesk.sim.phone import PhoneSimulator


async def test_drive_the_simulator_over_http() -> None:
    sim = PhoneSimulator(profile="gxp", auto_answer_outgoing=None)
    await sim.start()
    try:
        async with httpx.AsyncClient(base_url=sim.base_url) as http:
            ring = await http.post("/sim/ring", params={"number": "+4930123456", "name": "Jane"})
            assert ring.json() == {"ok": True, "result": 1}
            state = (await http.get("/sim/state")).json()
            assert state["lines"][0]["state"] == "ringing"
            assert state["lines"][0]["remote_name"] == "Jane"
            assert (await http.post("/sim/hangup")).json()["ok"] is True
            assert (await http.post("/sim/hangup")).status_code == 409
            assert (await http.post("/sim/dnd", params={"on": "1"})).json()["ok"] is True
            assert sim.dnd
            stored = await http.post("/sim/action_urls", json={"incoming_call": "http://x/"})
            assert stored.json()["stored"] == {"incoming_call": "http://x/"}
            await http.get("/cgi-bin/api-get_phone_status", params={"passcode": sim.passcode})
            recorded = (await http.get("/sim/requests")).json()
            assert recorded[-1]["path"] == "/cgi-bin/api-get_phone_status"
            assert sim.passcode not in str(recorded)
            assert (await http.post("/sim/unreachable", params={"mode": "drop"})).json()["ok"]
            assert sim.unreachable == "drop"
            await http.post("/sim/unreachable", params={"mode": "off"})
            model = await http.get("/json/configs/model.define.js")
            assert "GXP2170" in model.text
    finally:
        await sim.stop()


async def test_odd_headers_mode_adds_a_bare_httponly_cookie() -> None:
    sim = PhoneSimulator(profile="grp", odd_headers=True)
    await sim.start()
    try:
        async with httpx.AsyncClient() as http:
            reply = await http.get(
                sim.base_url + "/cgi-bin/api-get_line_status", params={"passcode": sim.passcode}
            )
        assert "HttpOnly" in reply.headers.get_list("set-cookie")
        assert reply.json()["body"][0]["remotenumber"] == ""
        async with GrandstreamClient(sim.address, sim.passcode, auth="session") as client:
            await client.login()
            assert len(await client.get_line_status()) == 4
    finally:
        await sim.stop()
