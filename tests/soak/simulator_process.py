"""The simulators in a process of their own, driven over a pipe.

The soak measures ctidesk's memory. With the simulators in the same process, their state and
their heap would count as ctidesk's; here the soak's process holds ctidesk alone, and the
simulators' own memory is reported next to it.

The child runs a `SimulatorSuite` on its own event loop. The parent sends ``(name, args)``
requests; ``name`` is a dotted path into the suite (``"phone.ring"``) or one of the child's
own requests (``"forget"``, ``"rss_mb"``). Each gets one reply: ``("ok", value)`` or
``("error", message)``.
"""

from __future__ import annotations

import asyncio
import inspect
import multiprocessing
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from multiprocessing.connection import Connection
from typing import Any

from ctidesk.sim.suite import SimulatorSuite
from tests.network_support import Endpoints

KEEP_IN_SIMULATORS = 200
STOP = "stop"


def resident_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/statm") as statm:
        pages = int(statm.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def _forget_recorded_requests(suite: SimulatorSuite) -> None:
    """The simulators keep what they saw; only the last few minutes of it matter here."""
    suite.phone.requests.clear()
    suite.phone.fired.clear()
    suite.zammad.requests.clear()
    del suite.zammad.log[:-KEEP_IN_SIMULATORS]
    suite.nfon.requests.clear()
    suite.nfon._history_events.clear()
    for uuid in list(suite.nfon._records)[:-KEEP_IN_SIMULATORS]:
        del suite.nfon._records[uuid]


def _child(connection: Connection) -> None:
    asyncio.run(_serve(connection))


async def _serve(connection: Connection) -> None:
    loop = asyncio.get_running_loop()
    suite = SimulatorSuite()
    await suite.start()
    own: dict[str, Callable[..., Any]] = {
        "forget": lambda: _forget_recorded_requests(suite),
        "rss_mb": resident_mb,
    }
    try:
        connection.send(Endpoints.of(suite))
        while True:
            name, args, kwargs = await loop.run_in_executor(None, connection.recv)
            if name == STOP:
                break
            try:
                target = own.get(name) or _resolve(suite, name)
                value = target(*args, **kwargs)
                if inspect.isawaitable(value):
                    value = await value
                connection.send(("ok", value))
            except Exception as error:  # every failure goes back to the parent
                connection.send(("error", f"{name}: {error!r}"))
    finally:
        await suite.stop()


def _resolve(suite: SimulatorSuite, name: str) -> Callable[..., Any]:
    target: Any = suite
    for part in name.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


class RemoteSimulators:
    """The parent's end: `call` runs a request in the child without blocking the event loop."""

    def __init__(self, connection: Connection, endpoints: Endpoints, pid: int) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self.endpoints = endpoints
        self.pid = pid

    async def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        async with self._lock:
            loop = asyncio.get_running_loop()
            try:
                self._connection.send((name, args, kwargs))
                status, value = await loop.run_in_executor(None, self._connection.recv)
            except (EOFError, OSError) as error:
                raise AssertionError(
                    f"simulator process {self.pid} is gone ({error!r}); its traceback is in "
                    "the test's captured stderr"
                ) from error
        if status != "ok":
            raise AssertionError(f"simulator process: {value}")
        return value


@asynccontextmanager
async def simulator_process() -> AsyncIterator[RemoteSimulators]:
    """Start the simulators in a child process; stop them and wait for it afterwards."""
    spawn = multiprocessing.get_context("spawn")
    parent_end, child_end = spawn.Pipe()
    child = spawn.Process(target=_child, args=(child_end,), name="ctidesk-simulators")
    child.start()
    child_end.close()
    loop = asyncio.get_running_loop()
    try:
        try:
            endpoints = await loop.run_in_executor(None, parent_end.recv)
        except EOFError as error:
            await loop.run_in_executor(None, child.join, 5)
            raise AssertionError(
                f"the simulators did not start (exit code {child.exitcode}); see stderr"
            ) from error
        assert child.pid is not None
        yield RemoteSimulators(parent_end, endpoints, child.pid)
    finally:
        if child.is_alive():
            parent_end.send((STOP, (), {}))
            await loop.run_in_executor(None, child.join, 30)
        if child.is_alive():
            child.kill()
            child.join()
        parent_end.close()
