"""Issue 18 point 3: one helper keeps references to running tasks (it replaced six copies)."""

from __future__ import annotations

import asyncio
import gc
import re
from pathlib import Path

from ctidesk.core.tasks import TaskSet


async def test_a_spawned_task_is_kept_while_it_runs_and_dropped_when_it_ends() -> None:
    tasks = TaskSet()
    release = asyncio.Event()

    async def work() -> str:
        await release.wait()
        return "done"

    task = tasks.spawn(work(), name="work")
    del task
    gc.collect()
    assert len(tasks) == 1 and next(iter(tasks)).get_name() == "work"
    release.set()
    assert await tasks.wait(1.0)
    assert len(tasks) == 0


async def test_wait_reports_a_timeout_and_close_cancels_what_still_runs() -> None:
    tasks = TaskSet()
    started = tasks.spawn(asyncio.sleep(60))
    assert not await tasks.wait(0.01)
    await tasks.close(grace=0.01)
    assert started.cancelled() and len(tasks) == 0


async def test_wait_also_waits_for_tasks_started_meanwhile() -> None:
    tasks = TaskSet()
    finished: list[str] = []

    async def second() -> None:
        await asyncio.sleep(0.01)
        finished.append("second")

    async def first() -> None:
        await asyncio.sleep(0.01)
        tasks.spawn(second())
        finished.append("first")

    tasks.spawn(first())
    assert await tasks.wait(1.0)
    assert finished == ["first", "second"]


async def test_a_handler_keeps_its_own_task_and_cancel_spares_the_caller() -> None:
    tasks = TaskSet()
    outcome: list[bool] = []

    async def handler() -> None:
        tasks.keep_current()
        await tasks.cancel()  # cancels the others, not itself
        outcome.append(True)

    other = tasks.spawn(asyncio.sleep(60))
    await asyncio.get_running_loop().create_task(handler())
    assert outcome == [True] and other.cancelled()


SRC = Path(__file__).parents[2] / "src" / "ctidesk"
# Copies in files that others are rewriting now (issue 18 points 1 and 5: the composition root,
# the settings pages, the simulators' split); each becomes `TaskSet.spawn`/`keep` there.
PENDING = {"gui/bridge.py", "gui/demo.py", "gui/settings_dialog.py", "sim/nfon.py", "sim/phone.py"}


def test_only_task_set_keeps_tasks_by_hand() -> None:
    """A task kept in a set of one's own and dropped by `add_done_callback(....discard)` is
    what `TaskSet` does; a new copy of that pattern goes through the helper instead."""
    copies = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"add_done_callback\(\s*self\.\w+\.discard\s*\)", path.read_text("utf-8"))
    )
    assert [path for path in copies if path not in PENDING] == ["core/tasks.py"]
