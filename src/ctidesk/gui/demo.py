"""`ctidesk --demo`: the whole product on the embedded simulators, without any account.

The simulators (`SimulatorSuite`, the same as `ctidesk sim`) stand in for the phone, Zammad and
NFON; the settings and secrets of the demo's temporary home point at them, and then the real
network side starts exactly as for a real user (`start_network`): the phone rings through its
Action URLs into the real listener, calls are forwarded to Zammad's caller log and looked up there,
and NFON is signed in through the real PKCE login (the "browser" is a loopback HTTP client).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

import httpx

from ctidesk.app import Context, Core, StatusCallback, start_network
from ctidesk.config.secrets import SecretName
from ctidesk.config.settings import save_settings
from ctidesk.gui.desktop import NetworkParts
from ctidesk.gui.wiring import parts_from
from ctidesk.sim.suite import SimulatorSuite

log = logging.getLogger(__name__)

FIRST_CALL_SECONDS = 3.0
CALL_EVERY_SECONDS = 60.0
CALLER_GIVES_UP_SECONDS = 30.0
LOGIN_SECONDS = 10.0


class DemoWorld:
    """The simulators, and the demo home's settings and secrets pointed at them."""

    def __init__(self, context: Context, core: Core, *, call_now_and_then: bool = True) -> None:
        self._context = context
        self._core = core
        self._call_now_and_then = call_now_and_then
        self.suite = SimulatorSuite()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def phone_sim(self) -> Any:
        return self.suite.phone

    @property
    def zammad_sim(self) -> Any:
        return self.suite.zammad

    async def start(self, on_status: StatusCallback | None = None) -> NetworkParts:
        self._loop = asyncio.get_running_loop()
        await self.suite.start()
        self._configure()
        network = await start_network(
            self._context, self._core, on_status=on_status, open_browser=self._browse
        )
        self.suite.phone.configure_action_urls(network.action_urls)
        if network.phone is not None:
            network.phone.note_dnd(self.suite.phone.dnd)
        parts = parts_from(network)
        parts.closers.insert(0, self.stop)
        parts.simulate_call = self.simulate_call
        if network.nfon is not None:
            try:
                async with asyncio.timeout(LOGIN_SECONDS):
                    await network.nfon.login()
            except Exception:
                log.exception("demo: signing in to the NFON simulator failed")
        if self._call_now_and_then:
            self._spawn(self._calls())
        log.info("demo running: %s", ", ".join(f"{k} {v}" for k, v in self._addresses().items()))
        return parts

    def _addresses(self) -> dict[str, str]:
        return {
            k: v for k, v in self.suite.addresses().items() if "token" not in k and "pass" not in k
        }

    def _configure(self) -> None:
        """Point the demo's settings and secrets at the simulators, as a user would by hand."""
        settings, store, suite = self._context.settings, self._context.secrets, self.suite
        settings.phone.address = suite.phone.address
        settings.phone.listen_address = "127.0.0.1"
        settings.phone.listen_port = 0
        settings.phone.action_url_public_host = "127.0.0.1"
        settings.phone.mac = suite.phone.mac
        settings.phone.poll_when_no_action_url = False
        store.set(SecretName.PHONE_PASSCODE, suite.phone.passcode)
        settings.zammad.url = suite.zammad.base_url
        settings.zammad.agent_names = ["Agnes Agent"]
        settings.call_notes.enabled = True  # the demo's Zammad is simulated: show the notes
        store.set(SecretName.ZAMMAD_API_TOKEN, suite.zammad.agent_token)
        store.set(SecretName.ZAMMAD_CTI_URL, suite.zammad.cti_url)
        nfon = settings.nfon
        nfon.issuer = suite.nfon.issuer
        nfon.call_history_url = suite.nfon.history_url
        nfon.cti_url = suite.nfon.cti_url
        nfon.customer = suite.nfon.customer
        nfon.extension = suite.phone.local_number
        nfon.scopes = ["openid"]
        nfon.cti_enabled = True
        nfon.cti_username = suite.nfon.cti_username
        store.set(SecretName.NFON_CTI_PASSWORD, suite.nfon.cti_password)
        for value in (suite.phone.passcode, suite.zammad.agent_token, suite.nfon.cti_password):
            self._context.redactor.add(value)
        save_settings(settings, self._context.settings_path)

    def _browse(self, url: str) -> bool:
        """The demo's "browser": follows the sign-in redirect back to ctidesk's receiver.

        Called from a worker thread (the real browser is opened off the event loop)."""
        assert self._loop is not None, "start() first"
        self._loop.call_soon_threadsafe(lambda: self._spawn(self._visit(url)))
        return True

    async def _visit(self, url: str) -> None:
        async with httpx.AsyncClient() as browser:
            answer = await browser.get(url)
            location = answer.headers.get("location")
            if location:
                await browser.get(location)

    def simulate_call(self) -> None:
        """Ring the simulated phone with the next demo caller; they give up after a while."""
        number, _name, line = self.suite.ring_demo_caller()
        if line is None:
            log.info("demo: DND is on, the call from %s was turned away", number)
            return
        self._spawn(self._give_up(line))

    async def _give_up(self, line: int) -> None:
        await asyncio.sleep(CALLER_GIVES_UP_SECONDS)
        if self.suite.phone.line(line).state == "ringing":
            self.suite.phone.caller_hangs_up(line)

    async def _calls(self) -> None:
        await asyncio.sleep(FIRST_CALL_SECONDS)
        while True:
            if not self._core.tracker.live_calls():
                self.simulate_call()
            await asyncio.sleep(CALL_EVERY_SECONDS)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_log_failure)

    async def stop(self) -> None:
        """Runs after the network has closed (it is the first closer, closers run newest first)."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.suite.stop()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("demo task failed", exc_info=task.exception())


async def start_demo(
    context: Context, core: Core, on_status: StatusCallback | None = None
) -> NetworkParts:
    world = DemoWorld(context, core)
    try:
        return await world.start(on_status)
    except BaseException:
        await world.stop()
        raise
