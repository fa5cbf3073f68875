"""Keeps running asyncio tasks referenced until they end.

The event loop holds only weak references to tasks, so a task nobody keeps can be collected in
the middle of its work. Every object that starts tasks of its own keeps them in one `TaskSet`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


class TaskSet:
    """The running tasks of one owner; a task leaves the set when it ends."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(
        self, coroutine: Coroutine[Any, Any, T], *, name: str | None = None
    ) -> asyncio.Task[T]:
        """Run `coroutine` on the running loop as a task this set keeps."""
        return self.keep(asyncio.get_running_loop().create_task(coroutine, name=name))

    def keep(self, task: asyncio.Task[T]) -> asyncio.Task[T]:
        """Keep a task started elsewhere (e.g. a server's connection handler) until it ends."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def keep_current(self) -> None:
        """Keep the task this runs in (a connection handler that `stop()` must wait for)."""
        task = asyncio.current_task()
        if task is not None:
            self.keep(task)

    def __len__(self) -> int:
        return len(self._tasks)

    def __iter__(self) -> Iterator[asyncio.Task[Any]]:
        """A snapshot: tasks ending while the caller iterates do not disturb it."""
        return iter(list(self._tasks))

    async def wait(self, within: float) -> bool:
        """Wait until every task (also those started meanwhile) has ended; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while self._others():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            await asyncio.wait(self._others(), timeout=remaining)
        return True

    async def cancel(self) -> None:
        """Cancel every task and wait until each has ended; their outcomes are dropped."""
        tasks = self._others()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self, grace: float) -> None:
        """Give the tasks `grace` seconds to end by themselves, then cancel what still runs."""
        await self.wait(grace)
        await self.cancel()

    def _others(self) -> set[asyncio.Task[Any]]:
        """The tasks except the caller's own, which cannot wait for itself."""
        current = asyncio.current_task()
        return {task for task in self._tasks if task is not current}
