"""Shared pieces for the Zammad tests: a settable clock, a recording phone, a wired-up stack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from ctidesk.clients.zammad.forwarder import CallerIdInstruction, ZammadForwarder
from ctidesk.clients.zammad.lookup import ZammadLookup
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import ZammadSettings
from ctidesk.core.calls import (
    Call,
    CallEvent,
    Direction,
    EndCause,
    EventKind,
    EventSource,
    utcnow,
)
from ctidesk.core.numbers import PhoneNumber, parse_number
from ctidesk.core.ports import SystemStatus
from ctidesk.core.tracker import CallTracker
from ctidesk.sim.zammad import ZammadSimulator

OWN_NUMBER = "+49 30 23125 100"


class Clock:
    """Wall time that only moves when a test says so (for Zammad's whole-second durations)."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 4, 9, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class RecordingPhone:
    """A `PhoneControl` that records commands; reject ends the call as the real phone would.

    A GXP reports a rejected call only as "terminated" (no cause): ``reject_cause`` None. A WP826
    sends its "rejected call" Action URL: ``EndCause.REJECTED``.
    """

    tracker: CallTracker
    clock: Clock
    rejected: list[str] = field(default_factory=list)
    reject_cause: EndCause | None = None

    async def reject(self, call: Call) -> None:
        self.rejected.append(call.id)
        self.tracker.handle(
            CallEvent(
                source=EventSource.PHONE,
                kind=EventKind.ENDED,
                remote=call.remote,
                direction=call.direction,
                source_call_id=call.source_ids.get("phone"),
                cause=self.reject_cause,
                at=self.clock(),
            )
        )

    async def answer(self, call: Call) -> None:
        raise NotImplementedError

    async def hold(self, call: Call) -> None:
        raise NotImplementedError

    async def resume(self, call: Call) -> None:
        raise NotImplementedError

    async def end(self, call: Call) -> None:
        raise NotImplementedError

    async def dial(self, number: PhoneNumber, account: int | None = None) -> None:
        raise NotImplementedError

    async def set_dnd(self, enabled: bool) -> None:
        raise NotImplementedError


@dataclass
class Stack:
    sim: ZammadSimulator
    clock: Clock
    tracker: CallTracker
    forwarder: ZammadForwarder
    lookup: ZammadLookup
    phone: RecordingPhone
    secrets: MemorySecretStore
    settings: ZammadSettings
    statuses: list[SystemStatus]
    caller_ids: list[CallerIdInstruction]
    http: httpx.AsyncClient
    own_number: str | None = OWN_NUMBER
    """What the phone reports as its own number (None: a phone that reports none)."""

    def phone_event(
        self,
        kind: EventKind,
        number: str,
        direction: Direction = Direction.INBOUND,
        source_id: str = "c1",
        cause: EndCause | None = None,
    ) -> Call:
        return self.tracker.handle(
            CallEvent(
                source=EventSource.PHONE,
                kind=kind,
                remote=parse_number(number),
                direction=direction,
                source_call_id=source_id,
                local=parse_number(self.own_number) if self.own_number else None,
                cause=cause,
                at=self.clock(),
            )
        )

    async def wait_until(self, condition: Callable[[], bool], seconds: float = 1.5) -> None:
        for _ in range(int(seconds / 0.01)):
            if condition():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("condition not met in time")

    async def settle(self) -> None:
        """Let the forwarder deliver everything stored so far."""
        assert await self.forwarder.wait_idle(1.5), self.forwarder.outbox.pending()


def fast_settings(**overrides: object) -> ZammadSettings:
    values: dict[str, object] = {
        "url": "",
        "agent_names": ["Agnes Agent"],
        "retry_initial_seconds": 0.01,
        "retry_max_seconds": 0.05,
        "request_timeout_seconds": 1.0,
        "lookup_timeout_seconds": 1.0,
    }
    values.update(overrides)
    return ZammadSettings.model_validate(values)


@asynccontextmanager
async def zammad_stack(
    tmp_path: Path,
    *,
    verify: bool = True,
    elasticsearch: bool = True,
    clock_drives_retries: bool = False,
    allow_violations: bool = False,
    **settings_overrides: object,
) -> AsyncIterator[Stack]:
    """Simulator + tracker + forwarder (delivering) + lookup, all closed afterwards.

    With ``clock_drives_retries`` the forwarder's outbox runs on the settable clock too, so a
    test can let minutes pass for retry times and give-up deadlines. Unless
    ``allow_violations``, the test fails if ctidesk sent anything Zammad documents otherwise
    (the simulator's ``violations``: causes, answering agent, ``to``, events applied twice).
    """
    clock = Clock()
    sim = ZammadSimulator(clock=clock, elasticsearch=elasticsearch)
    base = await sim.start()
    settings = fast_settings(url=base, **settings_overrides)
    secrets = MemorySecretStore(
        {SecretName.ZAMMAD_CTI_URL: sim.cti_url, SecretName.ZAMMAD_API_TOKEN: sim.agent_token}
    )
    tracker = CallTracker(clock=clock)
    phone = RecordingPhone(tracker, clock)
    statuses: list[SystemStatus] = []
    caller_ids: list[CallerIdInstruction] = []
    http = httpx.AsyncClient()
    lookup = ZammadLookup(settings=settings, secrets=secrets, http=http)
    forwarder = ZammadForwarder(
        settings=settings,
        secrets=secrets,
        outbox=tmp_path / "outbox.sqlite3",
        http=http,
        calls=tracker,
        phone=phone,
        on_caller_id=caller_ids.append,
        on_status=statuses.append,
        caller_log=lookup if verify else None,
        clock=clock if clock_drives_retries else utcnow,
    )
    tracker.subscribe(forwarder.on_call_changed)
    task = asyncio.create_task(forwarder.run())
    stack = Stack(
        sim, clock, tracker, forwarder, lookup, phone, secrets, settings, statuses, caller_ids, http
    )
    try:
        yield stack
        if not allow_violations:
            assert sim.violations == [], sim.violations
    finally:
        await forwarder.stop()
        await task
        await lookup.aclose()
        await http.aclose()
        await sim.stop()


def applied_pushes(sim: ZammadSimulator) -> list[tuple[str, str]]:
    """(callId, event) of every push Zammad applied (200), in arrival order."""
    found = []
    for request in sim.cti_pushes():
        if request.status == 200 and request.params:
            call_id = request.params.get("callId") or request.params.get("call_id")
            found.append((str(call_id), str(request.params.get("event"))))
    return found
