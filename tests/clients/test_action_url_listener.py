"""The Action URL listener over real loopback sockets, fed by the phone simulator."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from ctidesk.clients.grandstream.action_url import ActionUrlListener
from ctidesk.core.calls import CallEvent, Direction, EndCause, EventKind
from ctidesk.sim.phone import PhoneSimulator

TOKEN = "s3cret-token-for-tests"


@dataclass
class Received:
    events: list[CallEvent] = field(default_factory=list)
    dnd: list[bool] = field(default_factory=list)


@pytest.fixture
async def sim() -> AsyncIterator[PhoneSimulator]:
    phone = PhoneSimulator(profile="wp")
    await phone.start()
    yield phone
    await phone.stop()


async def start_listener(
    received: Received, allowed: list[str] | None = None, **kwargs: object
) -> tuple[ActionUrlListener, int]:
    listener = ActionUrlListener(
        token=TOKEN,
        allowed_hosts=allowed if allowed is not None else ["127.0.0.1"],
        on_event=received.events.append,
        on_dnd=received.dnd.append,
        **kwargs,  # type: ignore[arg-type]
    )
    _, port = await listener.start("127.0.0.1", 0)
    return listener, port


async def test_ringing_call_with_raw_spaces_and_plus(sim: PhoneSimulator) -> None:
    received = Received()
    listener, port = await start_listener(received, mac=sim.mac)
    try:
        sim.configure_action_urls(listener.action_urls("127.0.0.1", port))
        sim.ring("+4930123456", "Jane Q. Doe")
        await sim.drain()
    finally:
        await listener.stop()
    fired = sim.fired[0]
    assert "&n=Jane Q. Doe HTTP/1.1" in fired.request_line and "r=+4930123456" in fired.request_line
    assert fired.status == 200
    [event] = received.events
    assert event.kind is EventKind.RINGING and event.direction is Direction.INBOUND
    assert event.remote.e164 == "+4930123456"
    assert event.remote_name == "Jane Q. Doe"
    assert event.source_call_id == sim.line(1).call_id


async def test_whole_call_and_dnd_arrive(sim: PhoneSimulator) -> None:
    received = Received()
    listener, port = await start_listener(received)
    try:
        sim.configure_action_urls(listener.action_urls("127.0.0.1", port))
        sim.ring("+4930123456")
        sim.answer()
        sim.toggle_hold()
        sim.toggle_hold()
        sim.end()
        sim.ring("+4930999888")
        sim.caller_hangs_up()
        sim.set_dnd(True)
        sim.set_dnd(False)
        await sim.drain()
    finally:
        await listener.stop()
    kinds = [(e.kind.value, e.cause) for e in received.events]
    assert kinds == [
        ("ringing", None),
        ("answered", None),
        ("held", None),
        ("resumed", None),
        ("ended", None),
        ("ringing", None),
        ("ended", EndCause.MISSED),
    ]
    assert received.dnd == [True, False]


async def test_grandstream_slash_form_without_scheme(sim: PhoneSimulator) -> None:
    received = Received()
    listener, port = await start_listener(received)
    try:
        sim.configure_action_urls(
            {"incoming_call": f"127.0.0.1:{port}/gs/{TOKEN}/in/m=$mac&r=$remote&n=$display_remote"}
        )
        sim.ring("030 1234567", "")
        await sim.drain()
    finally:
        await listener.stop()
    [event] = received.events
    assert event.remote.e164 == "+49301234567"
    assert event.remote_name is None


async def test_wrong_token_gets_403_and_no_event(
    sim: PhoneSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    received = Received()
    listener, port = await start_listener(received)
    try:
        sim.configure_action_urls(
            {"incoming_call": f"http://127.0.0.1:{port}/gs/not-the-token-123/in?r=$remote"}
        )
        sim.ring("+4930123456")
        await sim.drain()
    finally:
        await listener.stop()
    assert sim.fired[0].status == 403
    assert received.events == []
    assert "wrong path or token" in caplog.text


async def test_other_address_gets_403_and_no_event(
    sim: PhoneSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    received = Received()
    listener, port = await start_listener(received, allowed=["::1"])
    try:
        sim.configure_action_urls(listener.action_urls("127.0.0.1", port))
        sim.ring("+4930123456")
        await sim.drain()
    finally:
        await listener.stop()
    assert sim.fired[0].status == 403
    assert received.events == []
    assert listener.rejected == 1
    assert "not the configured phone" in caplog.text


async def test_garbage_and_idle_connections_do_not_block(sim: PhoneSimulator) -> None:
    received = Received()
    listener, port = await start_listener(received)
    try:
        idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", port)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"\x16\x03\x01\x00\xff garbage \r\n\r\n")
        assert (await asyncio.wait_for(reader.read(100), 1.0)).startswith(b"HTTP/1.1 400")
        writer.close()
        await writer.wait_closed()
        sim.configure_action_urls(listener.action_urls("127.0.0.1", port))
        sim.ring("+4930123456")
        await sim.drain(1.0)
        assert len(received.events) == 1
        idle_writer.close()
        await idle_writer.wait_closed()
        del idle_reader
    finally:
        await listener.stop()


async def test_failing_consumer_still_gets_200(
    sim: PhoneSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(event: CallEvent) -> None:
        raise RuntimeError("consumer bug")

    caplog.set_level(logging.ERROR)
    listener = ActionUrlListener(token=TOKEN, allowed_hosts=["127.0.0.1"], on_event=explode)
    _, port = await listener.start("127.0.0.1", 0)
    try:
        sim.configure_action_urls(listener.action_urls("127.0.0.1", port))
        sim.ring("+4930123456")
        await sim.drain()
    finally:
        await listener.stop()
    assert sim.fired[0].status == 200
    assert "consumer bug" in caplog.text


async def test_sim_drops_urls_over_256_characters(sim: PhoneSimulator) -> None:
    long_url = "http://127.0.0.1:1/" + "x" * 250
    assert sim.configure_action_urls({"incoming_call": long_url}) == {}
    assert "incoming_call" not in sim.action_urls


async def test_next_accepted_waits_for_an_authenticated_request_only(sim: PhoneSimulator) -> None:
    """Issue 14, finding 4: the setup's "does the phone really send them?" check. A refused
    request (wrong token) does not end the wait; the phone's real one does; stopping the
    listener ends a wait with `ListenerStopped` instead of leaving it hanging."""
    from ctidesk.clients.grandstream.action_url import ListenerStopped

    received = Received()
    listener, port = await start_listener(received)
    try:
        waiting = asyncio.ensure_future(listener.next_accepted())
        sim.configure_action_urls(
            {"incoming_call": f"http://127.0.0.1:{port}/gs/not-the-token-123/in?r=$remote"}
        )
        sim.ring("+4930123456")
        await sim.drain()
        assert sim.fired[-1].status == 403
        assert not waiting.done()
        sim.caller_hangs_up()
        sim.configure_action_urls(listener.action_urls("127.0.0.1", port))
        sim.ring("+4930123456")
        assert await asyncio.wait_for(waiting, 5) == "incoming_call"
        left_waiting = asyncio.ensure_future(listener.next_accepted())
        await asyncio.sleep(0)
    finally:
        await listener.stop()
    with pytest.raises(ListenerStopped):
        await asyncio.wait_for(left_waiting, 5)


async def test_stop_closes_a_connection_accepted_just_before_it() -> None:
    """Issue 14 (flaky GUI run: ResourceWarning "unclosed transport" of an accepted socket): a
    phone's request the loop accepted just before `stop()` reaches the handler only a few loop
    turns later; `stop` must have closed its socket when it returns, not leave it to a loop that
    may be closed next (then the GC finds it open, in some later test)."""
    listener = ActionUrlListener(token=TOKEN, allowed_hosts=["127.0.0.1"], on_event=lambda e: None)
    _, port = await listener.start("127.0.0.1", 0)
    server = listener._server
    assert server is not None
    connecting = asyncio.ensure_future(asyncio.open_connection("127.0.0.1", port))
    for _ in range(20):
        await asyncio.sleep(0)
        if server._active_count and not listener._handlers:  # type: ignore[attr-defined]
            break
    else:
        pytest.fail("the connection was never caught between its accept and its handler")
    await listener.stop()
    assert server._active_count == 0, "an accepted socket is still open"  # type: ignore[attr-defined]
    _reader, writer = await connecting
    writer.close()
    await writer.wait_closed()
