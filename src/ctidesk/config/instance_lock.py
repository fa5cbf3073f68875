"""One running network side per ctidesk home: the tray app and `ctidesk bridge` exclude each other.

Two processes on the same home would both take the phone's events and both forward them to
Zammad, so every call would appear twice in its caller log. The lock is an OS file lock: it goes
away with the process, even after a crash or SIGKILL, so a stale lock never blocks a restart.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import IO

from ctidesk.config.file_lock import lock_exclusive as _lock
from ctidesk.config.file_lock import unlock as _unlock


class AlreadyRunning(Exception):
    """Another ctidesk process holds the lock; the message says which and what to do."""


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = open(  # noqa: SIM115 (held until release)
            self.path, "a+", encoding="utf-8", opener=functools.partial(os.open, mode=0o600)
        )
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyRunning(
                f"ctidesk is already running for this user (process {holder}): the tray app and "
                "`ctidesk bridge` must not run at the same time, or every call would reach "
                "Zammad twice; stop the other one first"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is None:
            return
        try:
            _unlock(handle)
        finally:
            handle.close()

    @property
    def held(self) -> bool:
        return self._file is not None
