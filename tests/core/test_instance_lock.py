"""The network lock: one holder per home, across processes, gone with the process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ctidesk.config.instance_lock import AlreadyRunning, InstanceLock

HOLD = """
import sys, time
from pathlib import Path
from ctidesk.config.instance_lock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_a_second_holder_is_told_who_holds_it_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "network.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(AlreadyRunning, match=rf"process {holder.pid}\).*stop the other one"):
            InstanceLock(path).acquire()
    finally:
        holder.kill()
        holder.communicate()
    lock = InstanceLock(path)
    lock.acquire()
    assert lock.held
    lock.release()
    assert not lock.held


def test_release_lets_the_next_one_in(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path / "l"), InstanceLock(tmp_path / "l")
    first.acquire()
    first.release()
    second.acquire()
    second.release()
