"""Caller look-ups for the pop-up and the doctor probes, against the simulator."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from ctidesk.clients.zammad.lookup import ZammadApiError, ZammadLookup
from ctidesk.clients.zammad.probe import probe_api_token, probe_cti_endpoint
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import ZammadSettings
from ctidesk.core.numbers import parse_number
from ctidesk.core.ports import MatchLevel
from ctidesk.sim.zammad import ZammadSimulator
from tests.clients.zammad_support import Clock, fast_settings

MARIA = parse_number("+49 89 99998 123")


@dataclass
class Env:
    sim: ZammadSimulator
    lookup: ZammadLookup
    secrets: MemorySecretStore
    settings: ZammadSettings
    http: httpx.AsyncClient


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    sim = ZammadSimulator(clock=Clock())
    base = await sim.start()
    secrets = MemorySecretStore(
        {SecretName.ZAMMAD_API_TOKEN: sim.agent_token, SecretName.ZAMMAD_CTI_URL: sim.cti_url}
    )
    settings = fast_settings(url=base + "/")
    async with httpx.AsyncClient() as http:
        yield Env(
            sim,
            ZammadLookup(settings=settings, secrets=secrets, http=http),
            secrets,
            settings,
            http,
        )
    await sim.stop()


async def post_new_call(env: Env, call_id: str, number: str) -> None:
    body = f"event=newCall&direction=in&from={number}&to=4930&callId={call_id}".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    assert (await env.http.post(env.sim.cti_url, content=body, headers=headers)).status_code == 200


async def test_known_customer_from_the_caller_log(env: Env) -> None:
    await post_new_call(env, "c1", "498999998123")
    info = await env.lookup.lookup(MARIA, call_id="c1")
    assert info.error is None
    best = info.best
    assert best is not None
    assert (best.name, best.organization, best.level) == (
        "Maria Huber",
        "Bäckerei Huber GmbH",
        MatchLevel.KNOWN,
    )
    base = env.sim.base_url
    assert best.url == f"{base}/#user/profile/{best.user_id}"
    assert best.new_ticket_url == f"{base}/#ticket/create/customer/{best.user_id}"
    assert [(t.title, t.state, t.is_open) for t in info.open_tickets] == [
        ("Brötchenautomat zeigt Fehler E42", "open", True)
    ]
    assert [(t.title, t.state) for t in info.closed_tickets] == [("Rechnung März fehlt", "closed")]
    ticket = info.open_tickets[0]
    assert ticket.url == f"{base}/#ticket/zoom/{ticket.id}" and ticket.number.startswith("31")
    assert info.caller_log_url == f"{base}/#cti"
    paths = [r.path for r in env.sim.requests]
    assert "/api/v1/cti/log" in paths and "/api/v1/users/search" not in paths


async def test_maybe_match_is_marked_maybe(env: Env) -> None:
    await post_new_call(env, "c2", "494066969456")
    info = await env.lookup.lookup(parse_number("+49 40 66969 456"), call_id="c2")
    assert [(c.name, c.level) for c in info.customers] == [("Anna Schmidt", MatchLevel.MAYBE)]
    assert [t.title for t in info.open_tickets] == ["Lieferung unvollständig"]


async def test_user_search_fallback_without_caller_log_permission(env: Env) -> None:
    env.sim.api_tokens[env.sim.agent_token] = (env.sim.agent_id, frozenset({"ticket.agent"}))
    info = await env.lookup.lookup(parse_number("+43 1 5123456"))
    assert info.error is None
    assert [(c.name, c.organization) for c in info.customers] == [
        ("Stefan Mayr", "Wiener Kaffeehaus Mayr KG")
    ]
    assert [t.state for t in info.open_tickets] == ["new"]
    again = await env.lookup.lookup(parse_number("+49 711 1234567"))
    assert [c.name for c in again.customers] == ["Jürgen Müller"]
    assert [r.path for r in env.sim.requests].count("/api/v1/cti/log") == 1


async def test_unknown_number_is_unknown_and_cached(env: Env) -> None:
    started = time.monotonic()
    info = await env.lookup.lookup(parse_number("+49 69 90009 999"))
    assert time.monotonic() - started < 1.0
    assert (info.customers, info.best, info.error) == ([], None, None)
    count = len(env.sim.requests)
    assert (await env.lookup.lookup(parse_number("069 90009 999"))) == info
    assert len(env.sim.requests) == count


async def test_anonymous_and_extensions_make_no_request(env: Env) -> None:
    for raw in ("anonymous", "", "201"):
        info = await env.lookup.lookup(parse_number(raw))
        assert info.customers == [] and info.error is None
    assert env.sim.requests == []


async def test_failing_zammad_gives_a_sentence_not_an_exception(env: Env) -> None:
    await env.sim.go_down()
    info = await env.lookup.lookup(MARIA)
    assert info.customers == [] and info.error and "cannot be reached" in info.error
    env.secrets.set(SecretName.ZAMMAD_API_TOKEN, "wrong")
    await env.sim.come_back()
    info = await env.lookup.lookup(MARIA)
    assert info.error and "zammad_api_token" in info.error


async def test_slow_zammad_gives_up_quickly(env: Env) -> None:
    env.settings.lookup_timeout_seconds = 0.1
    env.sim.set_delay(0.5)
    started = time.monotonic()
    info = await env.lookup.lookup(MARIA)
    assert time.monotonic() - started < 0.45
    assert info.error is not None and info.customers == []


async def test_create_ticket_with_a_phone_article_and_mark_done(env: Env) -> None:
    await post_new_call(env, "c3", "498999998123")
    info = await env.lookup.lookup(MARIA, call_id="c3")
    ticket = await env.lookup.create_ticket(info, "Rückruf erbeten", "Kunde ruft wegen E42 an")
    assert (ticket.title, ticket.state, ticket.is_open) == ("Rückruf erbeten", "new", True)
    stored = env.sim.tickets[ticket.id]
    first = env.sim.ticket_articles(ticket.id)[0]
    assert first["type"] == "phone" and stored["customer_id"] == info.best.user_id  # type: ignore[union-attr]
    refreshed = await env.lookup.lookup(MARIA, call_id="c3")
    assert len(refreshed.open_tickets) == 2
    entry = await env.lookup.caller_log_entry("c3")
    assert entry is not None and entry.done is False
    await env.lookup.mark_done(entry.id)
    assert env.sim.log_row("c3").done is True  # type: ignore[union-attr]
    with pytest.raises(ZammadApiError, match="not a Zammad customer"):
        await env.lookup.create_ticket(
            await env.lookup.lookup(parse_number("+49 69 90009 998")), "t", "b"
        )


async def test_doctor_probe_checks_the_cti_token_without_logging_a_call(env: Env) -> None:
    result = await probe_cti_endpoint(env.settings, env.secrets, env.http)
    assert result.ok and "without logging" in result.detail
    assert env.sim.log == []
    env.secrets.set(SecretName.ZAMMAD_CTI_URL, env.sim.base_url + "/api/v1/cti/wrong")
    result = await probe_cti_endpoint(env.settings, env.secrets, env.http)
    assert not result.ok and "401" in result.detail
    env.sim.config.enabled = False
    result = await probe_cti_endpoint(env.settings, env.secrets, env.http)
    assert not result.ok and "switched off" in result.detail
    env.secrets.delete(SecretName.ZAMMAD_CTI_URL)
    result = await probe_cti_endpoint(env.settings, env.secrets, env.http)
    assert not result.ok and "zammad_cti_url" in result.detail


async def test_doctor_probe_of_the_api_token(env: Env) -> None:
    result = await probe_api_token(env.settings, env.secrets, env.lookup)
    assert result.ok and "Agnes Agent" in result.detail
    env.sim.api_tokens[env.sim.agent_token] = (env.sim.agent_id, frozenset({"ticket.agent"}))
    result = await probe_api_token(env.settings, env.secrets, env.lookup)
    assert result.ok and "cti.agent" in result.detail
    env.secrets.set(SecretName.ZAMMAD_API_TOKEN, "nope")
    result = await probe_api_token(env.settings, env.secrets, env.lookup)
    assert not result.ok and "refused" in result.detail


async def test_cache_stays_bounded_with_ever_new_numbers(env: Env) -> None:
    """Found by the soak test: every new caller's answer stayed cached for good."""
    now = [0.0]
    lookup = ZammadLookup(
        settings=env.settings,
        secrets=env.secrets,
        http=env.http,
        monotonic=lambda: now[0],
        cache_max_entries=5,
    )
    for index in range(12):
        await lookup.lookup(parse_number(f"+49 69 90009 {index:03d}"))
        assert lookup.cache_size <= 5
    count = len(env.sim.requests)
    await lookup.lookup(parse_number("+49 69 90009 011"))
    assert len(env.sim.requests) == count, "the newest answers stay cached"
    now[0] += env.settings.lookup_cache_seconds + 1
    await lookup.lookup(parse_number("+49 69 90009 100"))
    assert lookup.cache_size == 1, "expired answers are dropped"
    now[0] += env.settings.lookup_cache_seconds / 2
    await lookup.lookup(parse_number("+49 69 90009 101"))
    now[0] += env.settings.lookup_cache_seconds / 2 + 0.1
    await lookup.lookup(parse_number("+49 69 90009 102"))
    assert lookup.cache_size == 2, "not only when the cache is full: the first one expired"
