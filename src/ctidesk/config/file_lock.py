"""An OS file lock between processes (fcntl on POSIX, msvcrt on Windows).

The lock goes away with the process, even after a crash, so a stale lock never blocks anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def held(path: Path, wait_seconds: float, poll_seconds: float = 0.05) -> AsyncIterator[bool]:
    """Hold the lock on `path` for the block; yields False when it could not be had in time
    (or the file cannot be opened): the caller goes ahead without it, as before the lock."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115, ASYNC230 (tiny, local)
    except OSError as exc:
        log.warning("cannot open the lock file %s (%s); going on without it", path, exc)
        yield False
        return
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                lock_exclusive(handle)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    log.warning("%s stayed locked for %.0f s; going on", path, wait_seconds)
                    yield False
                    return
                await asyncio.sleep(poll_seconds)
        try:
            yield True
        finally:
            unlock(handle)
    finally:
        handle.close()


if sys.platform == "win32":
    import msvcrt

    def lock_exclusive(handle: IO[str]) -> None:
        """Take the lock or raise OSError at once (non-blocking)."""
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def lock_exclusive(handle: IO[str]) -> None:
        """Take the lock or raise OSError at once (non-blocking)."""
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
