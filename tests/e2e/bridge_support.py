"""A real `ctidesk bridge` subprocess on the simulators: start, read its lines, stop or kill it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from ctidesk.commands.bridge import READY_LINE
from ctidesk.config.secrets import SecretName
from ctidesk.sim.suite import SimulatorSuite

ROOT = Path(__file__).parents[2]
STARTUP_SECONDS = 30.0
ACTION_URL_TOKEN = "bridge-e2e-token-0123456789"


@dataclass
class Bridge:
    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    async def read_until(self, marker: str, seconds: float = STARTUP_SECONDS) -> list[str]:
        assert self.process.stdout is not None
        async with asyncio.timeout(seconds):
            while True:
                raw = await self.process.stdout.readline()
                if not raw:
                    raise AssertionError(f"bridge exited before {marker!r}: {self.lines}")
                line = raw.decode().rstrip("\n")
                self.lines.append(line)
                if marker in line:
                    return self.lines

    def keep_reading(self) -> None:
        """Read its output in the background, so a chatty bridge never blocks on a full pipe."""

        async def read() -> None:
            assert self.process.stdout is not None
            while raw := await self.process.stdout.readline():
                self.lines.append(raw.decode().rstrip("\n"))

        self._reader = asyncio.get_running_loop().create_task(read())

    def action_urls(self, token: str = "***") -> dict[str, str]:
        """The Action URLs the bridge printed; their token is hidden, ``token`` fills it in."""
        urls = {}
        for line in self.lines:
            if line.startswith("action url "):
                event, url = line[len("action url ") :].split(": ", 1)
                urls[event] = url.replace("/gs/***/", f"/gs/{token}/", 1)
        return urls

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        async with asyncio.timeout(20):
            rest = await self.process.communicate()
        self.lines += (rest[0] or b"").decode().splitlines()
        assert self.process.returncode is not None
        return self.process.returncode


def write_settings(home: Path, suite: SimulatorSuite) -> Path:
    settings = {
        "phone": {
            "address": suite.phone.address,
            "listen_address": "127.0.0.1",
            "listen_port": 0,
            "action_url_public_host": "127.0.0.1",
            "poll_when_no_action_url": False,
        },
        "zammad": {
            "url": suite.zammad.base_url,
            "retry_initial_seconds": 0.2,
            "retry_max_seconds": 0.5,
        },
        "nfon": {"enabled": False},
    }
    path = home / "settings.toml"
    path.write_text(tomli_w.dumps(settings))
    return path


async def start_bridge(home: Path, suite: SimulatorSuite) -> Bridge:
    settings = write_settings(home, suite)
    env = {
        **os.environ,
        "CTIDESK_HOME": str(home),
        SecretName.PHONE_PASSCODE.env_var: suite.phone.passcode,
        SecretName.ZAMMAD_API_TOKEN.env_var: suite.zammad.agent_token,
        SecretName.ZAMMAD_CTI_URL.env_var: suite.zammad.cti_url,
        SecretName.ACTION_URL_TOKEN.env_var: ACTION_URL_TOKEN,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ctidesk",
        "--config",
        str(settings),
        "bridge",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    bridge = Bridge(process)
    await bridge.read_until(READY_LINE)
    suite.phone.configure_action_urls(bridge.action_urls(ACTION_URL_TOKEN))
    return bridge


async def eventually(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not true within {seconds} s")


async def one_answered_call(suite: SimulatorSuite, number: str, name: str) -> None:
    line = suite.phone.ring(number, name)
    assert line is not None
    await asyncio.sleep(0.2)
    suite.phone.answer(line)
    await asyncio.sleep(0.2)
    suite.phone.caller_hangs_up(line)


def journal_numbers(home: Path) -> list[str]:
    journal = next(home.rglob("journal.sqlite3"))
    with sqlite3.connect(journal) as db:
        return [row[0] for row in db.execute("SELECT remote_raw FROM calls")]
