"""Call History API client against the simulator: list parameters, get, delete, bulk delete."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from ctidesk import USER_AGENT
from ctidesk.clients.nfon.errors import BulkDeleteRefused, NfonApiError, NotSignedIn
from ctidesk.clients.nfon.history import CallHistoryClient, DeleteSelection, Filter, HistoryQuery
from ctidesk.clients.nfon.oauth import TokenManager
from ctidesk.clients.nfon.records import CallStatus, RecordDirection
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import NfonSettings
from ctidesk.sim.nfon import NfonSimulator

BASE = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
async def sim() -> AsyncIterator[NfonSimulator]:
    simulator = NfonSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def client(sim: NfonSimulator) -> AsyncIterator[CallHistoryClient]:
    store = MemorySecretStore({SecretName.NFON_REFRESH_TOKEN: sim.issue_session()})
    async with httpx.AsyncClient() as http:
        tokens = TokenManager(NfonSettings(issuer=sim.issuer), http, store)
        yield CallHistoryClient(http, sim.history_url, tokens, customer=sim.customer)


def _seed(sim: NfonSimulator) -> dict[str, str]:
    ids = {}
    ids["missed"] = sim.add_record(
        created=BASE,
        status="missed",
        caller={"name": "Erika Muster", "number": "4930123456", "context": "global"},
    )["uuid"]
    ids["answered"] = sim.add_record(
        created=BASE + timedelta(minutes=5),
        status="answered",
        duration=95,
        caller={"name": "Max Kunde", "number": "4989555000", "context": "global"},
        transcription={
            "available": True,
            "summary": "Asked about invoice 42.",
            "language_autodetect": True,
            "transcript": [{"time": "2025-06-03T10:05:01Z", "source": "caller", "event": "start"}],
        },
    )["uuid"]
    ids["outbound"] = sim.add_record(
        created=BASE + timedelta(minutes=10),
        direction="outbound",
        status="cancelled",
        caller={"name": "Alice Agent", "number": "1001", "context": "K9999"},
        callee={"name": "", "number": "4930123456", "context": "global"},
    )["uuid"]
    ids["other_ext"] = sim.add_record(
        created=BASE + timedelta(minutes=15),
        status="missed",
        extension="1002",
        caller={"name": "", "number": "4940777888", "context": "global"},
        callee={"name": "Bob Support", "number": "1002", "context": "K9999"},
    )["uuid"]
    return ids


async def test_list_sends_every_parameter_and_user_agent(
    sim: NfonSimulator, client: CallHistoryClient
) -> None:
    _seed(sim)
    await client.records(
        HistoryQuery(
            search="Erika",
            filters=[Filter.MISSED, Filter.INBOUND],
            customer="K9999",
            extension="1001",
            since=BASE - timedelta(hours=1),
            until=BASE + timedelta(hours=1),
            limit=10,
            offset=0,
            complete=True,
            sort="asc",
        )
    )
    request = sim.requests_to("/records", "GET")[-1]
    query = dict(request.query)
    assert query == {
        "search": "Erika",
        "filter": "status:missed,direction:inbound",
        "customer": "K9999",
        "extension": "1001",
        "from": str(int((BASE - timedelta(hours=1)).timestamp())),
        "to": str(int((BASE + timedelta(hours=1)).timestamp())),
        "limit": "10",
        "complete": "true",
        "sort": "asc",
    }
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["Authorization"].startswith("Bearer ")


async def test_filters_search_sort_and_paging(
    sim: NfonSimulator, client: CallHistoryClient
) -> None:
    ids = _seed(sim)
    missed = await client.records(HistoryQuery(filters=[Filter.MISSED]))
    assert [r.uuid for r in missed] == [ids["other_ext"], ids["missed"]]
    assert all(r.status is CallStatus.MISSED for r in missed)
    found = await client.records(HistoryQuery(search="kunde"))
    assert [r.uuid for r in found] == [ids["answered"]]
    numbers = await client.records(HistoryQuery(filters=[Filter.global_number("+4930123456")]))
    assert {r.uuid for r in numbers} == {ids["missed"], ids["outbound"]}
    internal = await client.records(HistoryQuery(filters=[Filter.internal("1002")]))
    assert [r.uuid for r in internal] == [ids["other_ext"]]
    ascending = await client.all_records(HistoryQuery(sort="asc", limit=3))
    assert [r.uuid for r in ascending] == list(ids.values())
    outbound = (await client.records(HistoryQuery(filters=[Filter.OUTBOUND])))[0]
    assert outbound.direction is RecordDirection.OUTBOUND
    assert outbound.remote.number == "4930123456"


async def test_complete_controls_transcript_on_list_and_get(
    sim: NfonSimulator, client: CallHistoryClient
) -> None:
    ids = _seed(sim)
    short = await client.get(ids["answered"])
    assert short.transcription is not None and short.transcription.available
    assert short.transcription.summary is None
    assert await client.summary(ids["answered"]) == "Asked about invoice 42."
    transcription = await client.transcription(ids["answered"])
    assert transcription is not None and transcription.transcript[0].source == "caller"
    listed = await client.records(HistoryQuery(filters=[Filter.TRANSCRIPTION], complete=True))
    assert listed[0].summary == "Asked about invoice 42."


async def test_delete_one_and_errors_carry_request_id(
    sim: NfonSimulator, client: CallHistoryClient
) -> None:
    ids = _seed(sim)
    await client.delete(ids["missed"])
    assert ids["missed"] not in {r["uuid"] for r in sim.records()}
    with pytest.raises(NfonApiError) as caught:
        await client.get(ids["missed"])
    assert caught.value.status == 404
    assert caught.value.request_id and caught.value.request_id in str(caught.value)
    assert "record not found" in str(caught.value)


async def test_unfiltered_bulk_delete_is_refused_before_any_request(
    sim: NfonSimulator, client: CallHistoryClient
) -> None:
    _seed(sim)
    with pytest.raises(BulkDeleteRefused, match="no uuid, filter or time range"):
        await client.delete_matching(DeleteSelection(), confirm=True)
    with pytest.raises(BulkDeleteRefused, match="no uuid, filter or time range"):
        await client.delete_matching(
            DeleteSelection(customer="K9999", extension="1001"), confirm=True
        )
    with pytest.raises(BulkDeleteRefused, match="not confirmed"):
        await client.delete_matching(DeleteSelection(filters=[Filter.MISSED]))
    assert sim.requests_to("/records", "DELETE") == []
    assert len(sim.records()) == 4


async def test_filtered_bulk_delete_removes_exactly_the_matching_records(
    sim: NfonSimulator, client: CallHistoryClient
) -> None:
    ids = _seed(sim)
    await client.delete_matching(
        DeleteSelection(filters=[Filter.MISSED], extension="1001"), confirm=True
    )
    assert {r["uuid"] for r in sim.records()} == {
        ids["answered"],
        ids["outbound"],
        ids["other_ext"],
    }
    await client.delete_matching(
        DeleteSelection(since=BASE + timedelta(minutes=7), until=BASE + timedelta(minutes=20)),
        confirm=True,
    )
    assert {r["uuid"] for r in sim.records()} == {ids["answered"]}
    await client.delete_matching(DeleteSelection(uuids=[ids["answered"]]), confirm=True)
    assert sim.records() == []


async def test_expired_token_is_refreshed_on_401(
    sim: NfonSimulator, client: CallHistoryClient
) -> None:
    _seed(sim)
    await client.records()
    sim.expire_tokens()
    assert len(await client.records()) == 4
    statuses = [r.path for r in sim.requests_to("/token")]
    assert len(statuses) == 2


async def test_revoked_session_surfaces_as_not_signed_in(
    sim: NfonSimulator, client: CallHistoryClient
) -> None:
    await client.records()
    sim.expire_tokens()
    sim.revoke_sessions()
    with pytest.raises(NotSignedIn, match="ctidesk login"):
        await client.records()


@pytest.mark.parametrize("schema", ["ea", "ea.2", "future"])
async def test_every_schema_mode_parses_alike(
    sim: NfonSimulator, client: CallHistoryClient, schema: str
) -> None:
    sim.schema = schema  # type: ignore[assignment]
    record = sim.add_record(
        created=BASE,
        status="answered",
        crm="ticket 77",
        callee={"name": "Support", "number": "200", "context": "K9999", "service": "queue"},
        history=[
            {
                "callee": {"name": "Alice", "number": "1001", "context": "K9999"},
                "updated": "2025-06-03T10:00:05Z",
            }
        ],
    )
    parsed = await client.get(record["uuid"])
    assert parsed.crm == "ticket 77"
    assert parsed.callee.service.value == "queue"
    assert parsed.history[0].callee is not None and parsed.history[0].callee.number == "1001"
    assert parsed.history[0].updated == BASE + timedelta(seconds=5)
    assert len(parsed.history) == 1
    assert parsed.caller.is_global
