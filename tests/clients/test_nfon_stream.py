"""The live Call History stream: drops, re-sends, expired tokens, backfill, journal feed."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctidesk.clients.nfon.errors import NfonApiError
from ctidesk.clients.nfon.history import CallHistoryClient
from ctidesk.clients.nfon.oauth import TokenManager
from ctidesk.clients.nfon.records import CallRecord
from ctidesk.clients.nfon.stream import HistoryStream, StreamStatus, journal_sink
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import NfonSettings
from ctidesk.core.journal import Journal
from ctidesk.sim.nfon import NfonSimulator


async def _until(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


@dataclass
class Harness:
    sim: NfonSimulator
    tokens: TokenManager
    client: CallHistoryClient
    stream: HistoryStream
    seen: dict[str, list[CallRecord]] = field(default_factory=lambda: defaultdict(list))
    statuses: list[StreamStatus] = field(default_factory=list)


async def _harness(
    sim: NfonSimulator,
    body: Callable[[Harness], Awaitable[None]],
    *,
    since: datetime | None = None,
    on_record: Callable[[CallRecord], None] | None = None,
) -> None:
    """Run `body` with a started stream; everything is closed afterwards."""
    await sim.start()
    store = MemorySecretStore({SecretName.NFON_REFRESH_TOKEN: sim.issue_session()})
    try:
        async with httpx.AsyncClient() as http:
            tokens = TokenManager(NfonSettings(issuer=sim.issuer), http, store)
            client = CallHistoryClient(http, sim.history_url, tokens, customer=sim.customer)
            harness: Harness

            def remember(record: CallRecord) -> None:
                harness.seen[record.uuid].append(record)
                if on_record is not None:
                    on_record(record)

            stream = HistoryStream(
                client,
                remember,
                since=since,
                backoff_initial=0.01,
                backoff_max=0.04,
                on_status=lambda status, _detail: harness.statuses.append(status),
            )
            harness = Harness(sim, tokens, client, stream)
            task = asyncio.get_running_loop().create_task(stream.run())
            try:
                await _until(lambda: sim.open_history_streams == 1)
                await body(harness)
            finally:
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
    finally:
        await sim.stop()


RECORDS = 10


async def _drop_scenario(drops: set[int], resends: set[int], abort: bool, honour: bool) -> None:
    sim = NfonSimulator(honour_last_event_id=honour)
    start = datetime.now(UTC) - timedelta(minutes=30)

    async def body(h: Harness) -> None:
        uuids = []
        for index in range(RECORDS):
            record = sim.add_record(created=start + timedelta(seconds=index), status="missed")
            uuids.append(record["uuid"])
            if index in resends:
                sim.resend_record(
                    record["uuid"],
                    status="answered",
                    transcription={"available": True, "summary": f"call {index}"},
                )
            if index in drops:
                sim.drop_streams(abort=abort)
                if index % 2:
                    await asyncio.sleep(0)
        await _until(
            lambda: (
                set(h.seen) == set(uuids)
                and all(
                    h.seen[u][-1].status.value == "answered"
                    for u in uuids
                    if uuids.index(u) in resends
                )
            )
        )
        await asyncio.sleep(0.03)  # anything late would show up now
        assert set(h.seen) == set(uuids)
        for uuid, versions in h.seen.items():
            fingerprints = [v.fingerprint() for v in versions]
            assert len(fingerprints) == len(set(fingerprints)), f"{uuid} reported twice"
            assert len(versions) <= 2
            if uuids.index(uuid) in resends:
                assert versions[-1].summary == f"call {uuids.index(uuid)}"

    await _harness(sim, body)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    drops=st.sets(st.integers(0, RECORDS - 1), max_size=4),
    resends=st.sets(st.integers(0, RECORDS - 1), max_size=3),
    abort=st.booleans(),
    honour=st.booleans(),
)
def test_no_record_lost_or_duplicated_whatever_the_drops(
    drops: set[int], resends: set[int], abort: bool, honour: bool
) -> None:
    asyncio.run(_drop_scenario(drops, resends, abort, honour))


async def test_expired_token_mid_stream_is_refreshed_and_stream_resumes() -> None:
    sim = NfonSimulator(access_lifetime=0.6)

    async def body(h: Harness) -> None:
        first = sim.add_record(status="missed")
        await _until(lambda: first["uuid"] in h.seen)
        await _until(lambda: h.stream.connections >= 2 and sim.open_history_streams == 1)
        second = sim.add_record(status="answered")
        await _until(lambda: second["uuid"] in h.seen)
        assert h.tokens.refresh_count >= 2
        assert len(h.seen[first["uuid"]]) == 1

    await _harness(sim, body)


async def test_revoked_access_token_mid_stream_gets_401_then_refresh() -> None:
    sim = NfonSimulator()

    async def body(h: Harness) -> None:
        refreshes = h.tokens.refresh_count
        sim.expire_tokens()
        await _until(lambda: h.stream.connections >= 2)
        missed_while_away = sim.add_record(status="missed")
        await _until(lambda: missed_while_away["uuid"] in h.seen)
        assert h.tokens.refresh_count == refreshes + 1
        streams = sim.requests_to("/records", "GET")
        assert [r.headers.get("Accept") for r in streams].count("text/event-stream") >= 3
        assert StreamStatus.RECONNECTING in h.statuses

    await _harness(sim, body)


async def test_last_event_id_is_sent_on_reconnect() -> None:
    sim = NfonSimulator()

    async def body(h: Harness) -> None:
        record = sim.add_record()
        await _until(lambda: record["uuid"] in h.seen)
        sim.drop_streams()
        await _until(lambda: h.stream.backfills == 1)
        assert h.stream.connections == 2
        last = sim.requests_to("/records", "GET")
        assert any(r.headers.get("Last-Event-ID") == "0" for r in last)

    await _harness(sim, body)


async def test_since_backfills_at_first_connect() -> None:
    sim = NfonSimulator()
    old = sim.add_record(created=datetime.now(UTC) - timedelta(hours=2))

    async def body(h: Harness) -> None:
        await _until(lambda: old["uuid"] in h.seen)

    await _harness(sim, body, since=datetime.now(UTC) - timedelta(hours=3))


async def test_flapping_server_is_no_busy_loop() -> None:
    sim = NfonSimulator()

    async def body(h: Harness) -> None:
        for _ in range(5):
            sim.drop_streams()
            await _until(lambda: sim.open_history_streams == 1)
        delays = [h.stream.backoff.delay(n) for n in range(1, 8)]
        assert all(d > 0 for d in delays)
        assert delays[-1] <= 0.04 and delays[3] >= 0.02

    await _harness(sim, body)


async def test_missing_customer_in_ea2_stops_with_clear_message() -> None:
    sim = NfonSimulator(schema="ea.2")
    await sim.start()
    store = MemorySecretStore({SecretName.NFON_REFRESH_TOKEN: sim.issue_session()})
    try:
        async with httpx.AsyncClient() as http:
            tokens = TokenManager(NfonSettings(issuer=sim.issuer), http, store)
            client = CallHistoryClient(http, sim.history_url, tokens, customer="")
            with pytest.raises(NfonApiError, match="customer") as caught:
                await HistoryStream(client, lambda r: None).run()
            assert caught.value.status == 400 and caught.value.request_id
    finally:
        await sim.stop()


async def test_records_feed_the_journal_without_duplicates() -> None:
    sim = NfonSimulator()
    journal = Journal(":memory:")

    async def body(h: Harness) -> None:
        record = sim.add_record(
            status="answered",
            duration=60,
            caller={"name": "Erika", "number": "4930123456", "context": "global"},
            transcription={"available": False},
        )
        await _until(lambda: record["uuid"] in h.seen)
        sim.resend_record(
            record["uuid"], transcription={"available": True, "summary": "Wants a callback."}
        )
        await _until(lambda: len(h.seen[record["uuid"]]) == 2)
        rows = journal.recent()
        assert len(rows) == 1
        assert rows[0].summary == "Wants a callback."
        assert rows[0].remote_e164 == "+4930123456"
        assert rows[0].nfon_uuid == record["uuid"]

    try:
        await _harness(sim, body, on_record=journal_sink(journal, "DE"))
    finally:
        journal.close()


GARBAGE = [
    b"data: {not json\n\n",
    b"data: [1, 2, 3]\n\n",
    b'data: {"uuid": 5, "created": "yesterday"}\n\n',
    b"data: \xff\xfe\x00\x9c\n\n",
    b": keep-alive\n\n",
    b"retry: soon\n\n",
    b"event: surprise\ndata: {}\n\n",
    b"id: \x00\x01\ndata: null\n\n",
    b"\n\n\n",
    b'data: {"uuid": "half',  # a frame cut off: the next record's lines join it
    b"data: " + b"x" * 70_000 + b"\n\n",
]


async def _garbage_scenario(garbage_at: dict[int, int]) -> None:
    sim = NfonSimulator()

    async def body(h: Harness) -> None:
        uuids = []
        for index in range(RECORDS):
            if index in garbage_at:
                sim.send_raw(GARBAGE[garbage_at[index]])
            uuids.append(sim.add_record(status="missed")["uuid"])
        await _until(lambda: set(h.seen) == set(uuids))
        await asyncio.sleep(0.03)
        assert all(len(versions) == 1 for versions in h.seen.values()), dict(h.seen)

    await _harness(sim, body)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    garbage_at=st.dictionaries(
        st.integers(0, RECORDS - 1), st.integers(0, len(GARBAGE) - 1), min_size=1, max_size=4
    )
)
def test_garbage_frames_at_random_points_lose_and_double_nothing(
    garbage_at: dict[int, int],
) -> None:
    asyncio.run(_garbage_scenario(garbage_at))


@pytest.mark.parametrize("garbage", GARBAGE)
async def test_each_kind_of_garbage_before_a_record(garbage: bytes) -> None:
    await _garbage_scenario({3: GARBAGE.index(garbage)})


async def test_stalled_stream_recovers_when_the_token_expires() -> None:
    """The stream goes silent but stays open; at the token's expiry NFON ends it, and the
    backfill after reconnecting brings what the silent stream swallowed."""
    sim = NfonSimulator(access_lifetime=0.8)

    async def body(h: Harness) -> None:
        first = sim.add_record(status="answered")
        await _until(lambda: first["uuid"] in h.seen)
        connections = h.stream.connections
        assert sim.stall_streams() == 1
        swallowed = [sim.add_record(status="missed")["uuid"] for _ in range(3)]
        await asyncio.sleep(0.1)
        assert not set(swallowed) & set(h.seen)
        await _until(lambda: set(swallowed) <= set(h.seen), seconds=5)
        assert h.stream.connections > connections
        assert all(len(versions) == 1 for versions in h.seen.values())

    await _harness(sim, body)


async def test_stalled_stream_cut_later_loses_nothing() -> None:
    sim = NfonSimulator()

    async def body(h: Harness) -> None:
        sim.stall_streams()
        swallowed = [sim.add_record(status="missed")["uuid"] for _ in range(4)]
        await asyncio.sleep(0.1)
        assert h.seen == {}
        sim.drop_streams(abort=True)
        await _until(lambda: set(swallowed) == set(h.seen))
        after = sim.add_record(status="answered")["uuid"]
        await _until(lambda: after in h.seen)
        assert all(len(versions) == 1 for versions in h.seen.values())

    await _harness(sim, body)


async def test_streams_closed_as_soon_as_they_open_are_no_busy_loop() -> None:
    """A server that ends every stream at once: reconnects slow down to the back-off ceiling
    (0.04 s here, so never faster than one per 0.02 s) instead of spinning."""
    sim = NfonSimulator()

    async def body(h: Harness) -> None:
        start = h.stream.connections
        deadline = asyncio.get_running_loop().time() + 1.0
        while asyncio.get_running_loop().time() < deadline:
            sim.drop_streams()
            await asyncio.sleep(0.001)
        reconnects = h.stream.connections - start
        assert 5 <= reconnects <= 1.0 / 0.02 + 5, reconnects

    await _harness(sim, body)


async def test_unreachable_server_is_no_busy_loop() -> None:
    sim = NfonSimulator()

    async def body(h: Harness) -> None:
        await sim.stop()
        before = h.statuses.count(StreamStatus.RECONNECTING)
        await asyncio.sleep(1.0)
        attempts = h.statuses.count(StreamStatus.RECONNECTING) - before
        assert 5 <= attempts <= 1.0 / 0.02 + 5, attempts

    await _harness(sim, body)
