"""The real network side (`start_network`) on the simulators, headless, as a user would set it up.

Shared by the phone-fault, secrets and soak tests: settings and secrets are pointed at a
`SimulatorSuite`, the settings file is written, and `open_context` loads it and sets up logging to
the home's log file exactly as the app does. Everything is torn down afterwards, including the
log handlers `open_context` put on the root logger.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ctidesk.app import Context, Core, Network, build_core, open_context, start_network
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings, save_settings
from ctidesk.core.ports import SystemStatus
from ctidesk.sim.suite import SimulatorSuite

ACTION_URL_TOKEN = "network-support-action-token-0123456789"
"""A fixed Action URL token so tests can look for it in files and logs."""


@dataclass
class World:
    suite: SimulatorSuite
    context: Context
    core: Core
    network: Network
    statuses: list[SystemStatus] = field(default_factory=list)

    def last_status(self, system: str) -> SystemStatus | None:
        found = [s for s in self.statuses if s.system == system]
        return found[-1] if found else None

    def secrets(self) -> dict[str, str]:
        """Every secret value this world uses, by name (for "never stored or logged" checks)."""
        values = {
            name.value: value
            for name in SecretName
            if (value := self.context.secrets.get(name)) is not None
        }
        values["zammad_cti_token"] = self.suite.zammad.config.token
        return values


@dataclass(frozen=True)
class Endpoints:
    """What an agent would type in to reach the simulators; plain values, so another process
    running the simulators can send them over."""

    phone_address: str
    phone_mac: str
    phone_passcode: str
    phone_local_number: str
    zammad_url: str
    zammad_agent_token: str
    zammad_cti_url: str
    nfon_issuer: str
    nfon_history_url: str
    nfon_cti_url: str
    nfon_customer: str
    nfon_cti_username: str
    nfon_cti_password: str

    @classmethod
    def of(cls, suite: SimulatorSuite) -> Endpoints:
        return cls(
            phone_address=suite.phone.address,
            phone_mac=suite.phone.mac,
            phone_passcode=suite.phone.passcode,
            phone_local_number=suite.phone.local_number,
            zammad_url=suite.zammad.base_url,
            zammad_agent_token=suite.zammad.agent_token,
            zammad_cti_url=suite.zammad.cti_url,
            nfon_issuer=suite.nfon.issuer,
            nfon_history_url=suite.nfon.history_url,
            nfon_cti_url=suite.nfon.cti_url,
            nfon_customer=suite.nfon.customer,
            nfon_cti_username=suite.nfon.cti_username,
            nfon_cti_password=suite.nfon.cti_password,
        )


def point_at(suite: SimulatorSuite, settings: Settings, secrets: MemorySecretStore) -> None:
    """Settings and secrets for the simulators, as an agent would enter them."""
    point_at_endpoints(Endpoints.of(suite), settings, secrets)


def point_at_endpoints(
    endpoints: Endpoints, settings: Settings, secrets: MemorySecretStore
) -> None:
    phone = settings.phone
    phone.address = endpoints.phone_address
    phone.listen_address = "127.0.0.1"
    phone.listen_port = 0
    phone.action_url_public_host = "127.0.0.1"
    phone.mac = endpoints.phone_mac
    phone.timeout_seconds = 0.5
    secrets.set(SecretName.PHONE_PASSCODE, endpoints.phone_passcode)
    secrets.set(SecretName.ACTION_URL_TOKEN, ACTION_URL_TOKEN)
    zammad = settings.zammad
    zammad.url = endpoints.zammad_url
    zammad.agent_names = ["Agnes Agent"]
    zammad.retry_initial_seconds = 0.05
    zammad.retry_max_seconds = 0.2
    zammad.request_timeout_seconds = 2.0
    secrets.set(SecretName.ZAMMAD_API_TOKEN, endpoints.zammad_agent_token)
    secrets.set(SecretName.ZAMMAD_CTI_URL, endpoints.zammad_cti_url)
    nfon = settings.nfon
    nfon.issuer = endpoints.nfon_issuer
    nfon.call_history_url = endpoints.nfon_history_url
    nfon.cti_url = endpoints.nfon_cti_url
    nfon.customer = endpoints.nfon_customer
    nfon.extension = endpoints.phone_local_number
    nfon.scopes = ["openid"]
    nfon.cti_enabled = True
    nfon.cti_username = endpoints.nfon_cti_username
    secrets.set(SecretName.NFON_CTI_PASSWORD, endpoints.nfon_cti_password)


class LoopbackBrowser:
    """Follows NFON's sign-in redirect back to ctidesk's loopback receiver (no real browser)."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[None]] = set()
        self._loop = asyncio.get_running_loop()

    def open(self, url: str) -> bool:
        """Called from a worker thread, as ctidesk opens the real browser off the event loop."""
        self._loop.call_soon_threadsafe(self._start_visit, url)
        return True

    def _start_visit(self, url: str) -> None:
        task = self._loop.create_task(self._visit(url))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    @staticmethod
    async def _visit(url: str) -> None:
        async with httpx.AsyncClient() as browser:
            answer = await browser.get(url)
            location = answer.headers.get("location")
            if location:
                await browser.get(location)


@dataclass
class Running:
    """ctidesk's side of a world: what `network_on` started."""

    context: Context
    core: Core
    network: Network
    statuses: list[SystemStatus]


@asynccontextmanager
async def running_network(
    home: Path,
    suite: SimulatorSuite,
    *,
    configure: Callable[[Settings], None] | None = None,
) -> AsyncIterator[World]:
    """`open_context` + `build_core` + `start_network` on the (started) simulators."""
    async with network_on(home, Endpoints.of(suite), configure=configure) as running:
        suite.phone.configure_action_urls(running.network.action_urls)
        yield World(suite, running.context, running.core, running.network, running.statuses)


@asynccontextmanager
async def network_on(
    home: Path,
    endpoints: Endpoints,
    *,
    configure: Callable[[Settings], None] | None = None,
) -> AsyncIterator[Running]:
    """ctidesk's network pointed at ``endpoints``; the phone's Action URLs are left to the
    caller, who owns the phone."""
    paths = AppPaths.under(home)
    paths.ensure()
    secrets = MemorySecretStore()
    settings = Settings()
    point_at_endpoints(endpoints, settings, secrets)
    if configure is not None:
        configure(settings)
    save_settings(settings, paths.settings_file)
    root = logging.getLogger()
    handlers_before, level_before = list(root.handlers), root.level
    browser = LoopbackBrowser()
    try:
        context = open_context(paths.settings_file, paths=paths, secrets=secrets)
        core = build_core(context)
        statuses: list[SystemStatus] = []
        network = await start_network(
            context, core, on_status=statuses.append, open_browser=browser.open
        )
        try:
            yield Running(context, core, network, statuses)
        finally:
            await network.close()
            await core.close()
            for task in list(browser.tasks):
                task.cancel()
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers_before:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level_before)


@asynccontextmanager
async def simulators() -> AsyncIterator[SimulatorSuite]:
    suite = SimulatorSuite()
    await suite.start()
    try:
        yield suite
    finally:
        await suite.stop()


async def eventually(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true within {seconds} s")
        await asyncio.sleep(0.02)
