"""The simulator keeps Zammad's ticket-article rules (issue 22 point 1), over loopback HTTP.

Each test names the place in Zammad's code the rule comes from (zammad/zammad):
``ticket_articles_controller.rb``, ``concerns/creates_ticket_articles.rb``,
``models/ticket/article.rb``, ``db/migrate/20120101000010_create_ticket.rb`` and
``policies/ticket/article_policy.rb``.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import httpx
import pytest

from ctidesk.sim.zammad import ZammadSimulator
from ctidesk.sim.zammad.state import BODY_LIMIT
from tests.clients.zammad_support import Clock

ARTICLES = "/api/v1/ticket_articles"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def sim(clock: Clock) -> AsyncIterator[ZammadSimulator]:
    simulator = ZammadSimulator(clock=clock)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def api(sim: ZammadSimulator) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Token token={sim.agent_token}", "Accept": "application/json"}
    async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as client:
        yield client


def a_ticket(sim: ZammadSimulator) -> int:
    return next(iter(sim.tickets))


async def test_a_phone_note_is_stored_with_what_was_sent(
    sim: ZammadSimulator, api: httpx.AsyncClient
) -> None:
    """create: ``article_create`` stores type, internal, content_type, message_id; 201."""
    ticket_id = a_ticket(sim)
    reply = await api.post(
        ARTICLES,
        json={
            "ticket_id": ticket_id,
            "type": "phone",
            "internal": True,
            "content_type": "text/html",
            "subject": "Call",
            "body": "<p>Called back</p>",
            "message_id": "<key-1@ctidesk>",
        },
    )
    assert reply.status_code == 201
    article = reply.json()
    assert article["type"] == "phone" and article["internal"] is True
    assert article["sender"] == "Agent"  # an agent's token: sender defaults to Agent
    assert article["content_type"] == "text/html"
    assert article["message_id"] == "<key-1@ctidesk>"
    listed = (await api.get(f"{ARTICLES}/by_ticket/{ticket_id}")).json()
    assert listed[-1]["id"] == article["id"]
    assert [a["id"] for a in listed] == sorted(a["id"] for a in listed)  # oldest first


async def test_defaults_are_zammads(sim: ZammadSimulator, api: httpx.AsyncClient) -> None:
    """create without type/internal/content_type: type ``note`` (creates_ticket_articles.rb),
    ``internal`` false and ``content_type`` text/plain (the column defaults)."""
    reply = await api.post(ARTICLES, json={"ticket_id": a_ticket(sim), "body": "x"})
    article = reply.json()
    assert (article["type"], article["internal"], article["content_type"]) == (
        "note",
        False,
        "text/plain",
    )


async def test_body_is_required(sim: ZammadSimulator, api: httpx.AsyncClient) -> None:
    """creates_ticket_articles.rb: ``raise UnprocessableEntity if params[:body].nil?``."""
    reply = await api.post(ARTICLES, json={"ticket_id": a_ticket(sim), "type": "phone"})
    assert reply.status_code == 422
    assert reply.json()["error"] == "Need at least an 'article body' field."


async def test_unknown_ticket_is_404(api: httpx.AsyncClient) -> None:
    """ticket_articles_controller.rb#create: ``Ticket.find(params[:ticket_id])``."""
    reply = await api.post(ARTICLES, json={"ticket_id": 999, "body": "x"})
    assert reply.status_code == 404
    assert (await api.get(f"{ARTICLES}/by_ticket/999")).status_code == 404
    assert (await api.post(ARTICLES, json={"body": "x"})).status_code == 404


async def test_unknown_type_is_422(sim: ZammadSimulator, api: httpx.AsyncClient) -> None:
    """``association_name_to_id_convert``: a type name Zammad does not have is refused."""
    reply = await api.post(ARTICLES, json={"ticket_id": a_ticket(sim), "body": "x", "type": "call"})
    assert reply.status_code == 422
    assert "No lookup value found for 'type'" in reply.json()["error"]


async def test_body_longer_than_the_limit_is_422(
    sim: ZammadSimulator, api: httpx.AsyncClient
) -> None:
    """article.rb ``check_body``: more than 1,500,000 characters is refused (not cut) via the
    API; exactly the limit is stored."""
    ticket_id = a_ticket(sim)
    ok = await api.post(ARTICLES, json={"ticket_id": ticket_id, "body": "x" * BODY_LIMIT})
    assert ok.status_code == 201
    reply = await api.post(ARTICLES, json={"ticket_id": ticket_id, "body": "x" * (BODY_LIMIT + 1)})
    assert reply.status_code == 422
    assert "only 1500000 allowed" in reply.json()["error"]


async def test_content_type_longer_than_its_column_is_422(
    sim: ZammadSimulator, api: httpx.AsyncClient
) -> None:
    """``content_type`` is string(20): ``text/html; charset=utf-8`` does not fit."""
    reply = await api.post(
        ARTICLES,
        json={"ticket_id": a_ticket(sim), "body": "x", "content_type": "text/html; charset=utf-8"},
    )
    assert reply.status_code == 422


async def test_attachments_need_mime_type_filename_and_strict_base64(
    sim: ZammadSimulator, api: httpx.AsyncClient
) -> None:
    """``article_create_attachments_params``: the three keys, then ``strict_decode64``."""
    ticket_id = a_ticket(sim)
    good = {
        "filename": "transcript.txt",
        "mime-type": "text/plain",
        "data": base64.b64encode(b"hello").decode(),
    }
    reply = await api.post(
        ARTICLES, json={"ticket_id": ticket_id, "body": "x", "attachments": [good]}
    )
    assert reply.status_code == 201
    assert reply.json()["attachments"][0]["filename"] == "transcript.txt"
    missing = {k: v for k, v in good.items() if k != "mime-type"}
    reply = await api.post(
        ARTICLES, json={"ticket_id": ticket_id, "body": "x", "attachments": [missing]}
    )
    assert reply.status_code == 422
    assert (
        reply.json()["error"] == "Attachment needs 'mime-type' param for attachment with index '0'"
    )
    broken = {**good, "data": "not base64!"}
    reply = await api.post(
        ARTICLES, json={"ticket_id": ticket_id, "body": "x", "attachments": [broken]}
    )
    assert reply.status_code == 422


async def test_update_changes_only_internal_and_highlight(
    sim: ZammadSimulator, api: httpx.AsyncClient
) -> None:
    """ticket_articles_controller.rb#update: "only update internal and highlight info"; a new
    body is ignored with 200, and the simulator records the violation."""
    created = await api.post(
        ARTICLES, json={"ticket_id": a_ticket(sim), "body": "first", "internal": True}
    )
    article_id = created.json()["id"]
    reply = await api.put(f"{ARTICLES}/{article_id}", json={"body": "second", "internal": False})
    assert reply.status_code == 200
    assert reply.json()["body"] == "first"
    assert reply.json()["internal"] is False
    assert [v.rule for v in sim.violations] == ["article-update-ignored"]


async def test_agents_delete_only_their_own_recent_notes(
    sim: ZammadSimulator, api: httpx.AsyncClient, clock: Clock
) -> None:
    """article_policy.rb#destroy?: own notes within the delete timeframe; others are 403."""
    ticket_id = a_ticket(sim)
    customers_first = sim.ticket_articles(ticket_id)[0]["id"]
    assert (await api.delete(f"{ARTICLES}/{customers_first}")).status_code == 403
    mine = await api.post(ARTICLES, json={"ticket_id": ticket_id, "body": "x", "internal": True})
    old = await api.post(ARTICLES, json={"ticket_id": ticket_id, "body": "y", "internal": True})
    assert (await api.delete(f"{ARTICLES}/{mine.json()['id']}")).status_code == 200
    clock.advance(sim.article_delete_timeframe.total_seconds() + 1)
    assert (await api.delete(f"{ARTICLES}/{old.json()['id']}")).status_code == 403


async def test_articles_need_a_token(sim: ZammadSimulator) -> None:
    """Like every REST call: no credentials 403, a wrong token 401."""
    async with httpx.AsyncClient(base_url=sim.base_url) as client:
        assert (await client.get(f"{ARTICLES}/by_ticket/1")).status_code == 403
        wrong = {"Authorization": "Token token=nope"}
        assert (await client.get(f"{ARTICLES}/by_ticket/1", headers=wrong)).status_code == 401


async def test_a_lost_reply_still_stores_the_article(
    sim: ZammadSimulator, api: httpx.AsyncClient
) -> None:
    """The fault the notes' idempotency check exists for: applied, but no reply arrives."""
    ticket_id = a_ticket(sim)
    before = len(sim.ticket_articles(ticket_id))
    sim.drop_next_article_replies(1)
    with pytest.raises(httpx.HTTPError):
        await api.post(ARTICLES, json={"ticket_id": ticket_id, "body": "x"})
    assert len(sim.ticket_articles(ticket_id)) == before + 1
