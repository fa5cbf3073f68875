"""The simulator keeps Zammad's rules (contract section 7), checked over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from ctidesk.sim.zammad import ZammadSimulator
from tests.clients.zammad_support import Clock

JSON = {"Accept": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def sim() -> AsyncIterator[ZammadSimulator]:
    simulator = ZammadSimulator(clock=Clock())
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


async def push(
    http: httpx.AsyncClient, sim: ZammadSimulator, body: str, accept: bool = True
) -> httpx.Response:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    headers = {**FORM, **(JSON if accept else browser)}
    return await http.post(sim.cti_url, content=body.encode(), headers=headers)


async def test_checks_run_in_zammads_order(sim: ZammadSimulator, http: httpx.AsyncClient) -> None:
    wrong = sim.base_url + "/api/v1/cti/nope"
    sim.config.enabled = False
    reply = await http.post(wrong, content=b"direction=x", headers=FORM)
    assert reply.status_code == 422 and "disabled" in reply.json()["error"]
    sim.config.enabled, sim.config.configured = True, False
    reply = await http.post(wrong, content=b"direction=x", headers=FORM)
    assert (reply.status_code, reply.json()["error"]) == (
        422,
        "Feature not configured, please contact your admin!",
    )
    sim.config.configured = True
    reply = await http.post(wrong, content=b"direction=x", headers=FORM)
    assert (reply.status_code, reply.json()) == (
        401,
        {"error": "Invalid token, please contact your admin!"},
    )
    reply = await push(http, sim, "event=newCall&direction=x&from=1&to=2&callId=a", accept=False)
    assert (reply.status_code, reply.json()) == (422, {"error": "Invalid direction!"})
    assert sim.log == []
    assert (await http.get(sim.cti_url)).status_code == 405


async def test_call_errors_are_html_unless_json_is_asked_for(
    sim: ZammadSimulator, http: httpx.AsyncClient
) -> None:
    new_call = "event=newCall&direction=in&from=4930&to=4989&callId=a"
    assert (await push(http, sim, new_call)).json() == {}
    html = await push(http, sim, new_call, accept=False)
    assert html.status_code == 500 and html.headers["Content-Type"].startswith("text/html")
    dup = await push(http, sim, new_call)
    assert dup.json() == {
        "error": "Object already exists!",
        "error_human": "Object already exists!",
    }
    star = await http.post(
        sim.cti_url, content=new_call.encode(), headers={**FORM, "Accept": "*/*"}
    )
    assert star.status_code == 500 and star.json()["error"] == "Object already exists!"
    unknown = await push(http, sim, "event=answer&direction=in&callId=zzz")
    assert unknown.status_code == 500 and unknown.json()["error"].startswith("Error ID ")
    odd = await push(http, sim, "event=transfer&direction=in&callId=a")
    assert odd.status_code == 422


async def test_callid_wins_and_answer_after_hangup_is_ignored(
    sim: ZammadSimulator, http: httpx.AsyncClient
) -> None:
    await push(http, sim, "event=newCall&direction=in&from=4930&to=4989&callId=A&call_id=B")
    assert [row.call_id for row in sim.log] == ["A"]
    sim.clock.advance(3)  # type: ignore[attr-defined]
    await push(http, sim, "event=hangup&direction=in&call_id=A&cause=cancel")
    reply = await push(http, sim, "event=answer&direction=in&callId=A&user=Agnes")
    assert (reply.status_code, reply.json()) == (200, {})
    row = sim.log[0]
    assert (row.state, row.done, row.comment, row.duration_waiting_time) == (
        "hangup",
        False,
        "cancel",
        3,
    )
    # a repeated hangup is processed again and hides the missed call (the contract's warning)
    await push(http, sim, "event=hangup&direction=in&callId=A&cause=cancel")
    assert row.done is True


async def test_forwarded_and_voicemail_done_rules(
    sim: ZammadSimulator, http: httpx.AsyncClient
) -> None:
    await push(http, sim, "event=newCall&direction=in&from=4930&to=4989&callId=F")
    await push(http, sim, "event=hangup&direction=in&callId=F&cause=forwarded")
    await push(http, sim, "event=newCall&direction=in&from=4930&to=4989&callId=V")
    await push(http, sim, "event=answer&direction=in&callId=V&user=voicemail")
    await push(http, sim, "event=hangup&direction=in&callId=V&cause=normalClearing")
    assert [(r.call_id, r.done) for r in sim.log] == [("F", True), ("V", False)]


async def test_block_list_and_routing_compare_raw_strings(
    sim: ZammadSimulator, http: httpx.AsyncClient
) -> None:
    sim.config.block_caller_ids = [{"caller_id": "4930111", "note": ""}]
    sim.config.routing_table = [{"dest": "43*", "caller_id": "4989", "note": ""}]
    blocked = await push(http, sim, "event=newCall&direction=in&from=4930111&to=1&callId=b1")
    assert blocked.json() == {"action": "reject", "reason": "busy"}
    other = await push(http, sim, "event=newCall&direction=in&from=%2B4930111&to=1&callId=b2")
    assert other.json() == {}
    dial = await push(http, sim, "event=newCall&direction=out&from=100&to=4312&callId=o1")
    assert dial.json() == {"action": "dial", "caller_id": "4989", "number": "4312"}
    no_match = await push(http, sim, "event=newCall&direction=out&from=100&to=43&callId=o2")
    assert no_match.json() == {}
    assert (sim.log_row("o1").from_, sim.log_row("o2").from_) == ("4989", "100")  # type: ignore[union-attr]


async def test_caller_log_api_auth_filter_and_done(
    sim: ZammadSimulator, http: httpx.AsyncClient
) -> None:
    url = sim.base_url + "/api/v1/cti/log"
    assert (await http.get(url, headers=JSON)).status_code == 403
    bad = await http.get(url, headers={**JSON, "Authorization": "Token token=bad"})
    assert bad.status_code == 401 and bad.headers["X-Failure"]
    auth = {**JSON, "Authorization": f"Token token={sim.agent_token}"}
    await push(
        http, sim, "event=newCall&direction=in&from=498999998123&to=4930&callId=q1&queue=sales"
    )
    await push(http, sim, "event=newCall&direction=in&from=4930&to=4930&callId=q2&queue=support")
    data = (await http.get(url, headers=auth)).json()
    assert [row["call_id"] for row in data["list"]] == ["q2", "q1"]
    assert data["list"][1]["from_pretty"] == "+49 89 99998123"
    assert data["assets"]["User"]["2"]["lastname"] == "Huber"
    sim.config.notify_map = [{"queue": "support", "user_ids": [sim.agent_id]}]
    data = (await http.get(url, headers=auth)).json()
    assert [row["call_id"] for row in data["list"]] == ["q2"]
    row_id = sim.log_row("q1").id  # type: ignore[union-attr]
    done = await http.post(
        f"{sim.base_url}/api/v1/cti/done/{row_id}", json={"done": True}, headers=auth
    )
    assert done.json() == {} and sim.log_row("q1").done  # type: ignore[union-attr]
    await http.post(
        f"{sim.base_url}/api/v1/cti/done/bulk", json={"ids": [sim.log_row("q2").id]}, headers=auth
    )  # type: ignore[union-attr]
    assert sim.log_row("q2").done  # type: ignore[union-attr]


async def test_user_search_without_elasticsearch_ignores_phones(http: httpx.AsyncClient) -> None:
    sim = ZammadSimulator(elasticsearch=False)
    await sim.start()
    try:
        auth = {**JSON, "Authorization": f"Token token={sim.agent_token}"}
        url = sim.base_url + "/api/v1/users/search"
        assert (await http.get(url, params={"query": "8999998123"}, headers=auth)).json() == []
        found = (await http.get(url, params={"query": "huber"}, headers=auth)).json()
        assert [u["lastname"] for u in found] == ["Huber"]
        sim.elasticsearch = True
        found = (await http.get(url, params={"query": "8999998123"}, headers=auth)).json()
        assert [u["lastname"] for u in found] == ["Huber"]
    finally:
        await sim.stop()


async def test_ticket_endpoints(sim: ZammadSimulator, http: httpx.AsyncClient) -> None:
    auth = {**JSON, "Authorization": f"Token token={sim.agent_token}"}
    data = (
        await http.get(
            sim.base_url + "/api/v1/ticket_customer", params={"customer_id": 2}, headers=auth
        )
    ).json()
    assert len(data["ticket_ids_open"]) == 1 and len(data["ticket_ids_closed"]) == 1
    missing = await http.post(
        sim.base_url + "/api/v1/tickets", json={"title": "x", "customer_id": 2}, headers=auth
    )
    assert (missing.status_code, missing.json()["error"]) == (422, "article hash is missing")
    states = (await http.get(sim.base_url + "/api/v1/ticket_states", headers=auth)).json()
    assert {s["name"] for s in states} >= {"new", "open", "closed", "pending reminder"}
