"""A forwarder in its own process, for the kill -9 test (not collected by pytest).

``burst N``: track N calls (even: answered, odd: missed) while delivering; prints
``stored <call id> <answered|missed>`` once a call's events are in the outbox.
``resume``: deliver what the outbox holds, print ``idle``, exit.
Secrets come from the CTIDESK_* environment variables, as in a headless bridge.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

from ctidesk.clients.zammad.forwarder import ZammadForwarder
from ctidesk.clients.zammad.lookup import ZammadLookup
from ctidesk.config.secrets import EnvSecretStore
from ctidesk.config.settings import ZammadSettings
from ctidesk.core.calls import CallEvent, Direction, EndCause, EventKind, EventSource
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker


async def main(outbox: Path, base_url: str, mode: str, count: int) -> None:
    settings = ZammadSettings(
        url=base_url,
        agent_names=["Agnes Agent"],
        retry_initial_seconds=0.01,
        retry_max_seconds=0.05,
        request_timeout_seconds=2.0,
    )
    secrets = EnvSecretStore()
    tracker = CallTracker()
    async with httpx.AsyncClient() as http:
        lookup = ZammadLookup(settings=settings, secrets=secrets, http=http)
        forwarder = ZammadForwarder(
            settings=settings, secrets=secrets, outbox=outbox, http=http, caller_log=lookup
        )
        tracker.subscribe(forwarder.on_call_changed)
        task = asyncio.create_task(forwarder.run())
        for index in range(count if mode == "burst" else 0):
            remote = parse_number(f"+49 89 99998 {100 + index}")
            answered = index % 2 == 0
            kinds = [EventKind.RINGING] + ([EventKind.ANSWERED] if answered else [])
            for kind in [*kinds, EventKind.ENDED]:
                call = tracker.handle(
                    CallEvent(
                        source=EventSource.PHONE,
                        kind=kind,
                        remote=remote,
                        direction=Direction.INBOUND,
                        source_call_id=f"line-{index}",
                        cause=EndCause.NORMAL if kind is EventKind.ENDED and answered else None,
                    )
                )
            print(f"stored {call.id} {'answered' if answered else 'missed'}", flush=True)
            await asyncio.sleep(0.02)
        while not await forwarder.wait_idle(5.0):
            pass
        print("idle", flush=True)
        await forwarder.stop()
        await task


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])))
