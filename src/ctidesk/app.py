"""The composition root: the one place that builds objects and wires them together.

Commands and the GUI get what they need from here; no module keeps global state.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import webbrowser
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctidesk.config.instance_lock import InstanceLock
from ctidesk.config.logs import CrashHandler, Redactor, setup_logging
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import (
    EnvSecretStore,
    KeyringSecretStore,
    LayeredSecretStore,
    RotatedTokenFile,
    SecretStore,
    SecretStoreUnavailable,
    known_secret_values,
)
from ctidesk.config.settings import Settings, load_settings
from ctidesk.core.journal import Journal
from ctidesk.core.numbers import PhoneNumber
from ctidesk.core.ports import NFON, PHONE, ZAMMAD, ReachState, SystemStatus
from ctidesk.core.tracker import CallTracker

if TYPE_CHECKING:
    import httpx

    from ctidesk.clients.grandstream import (
        ActionUrlListener,
        GrandstreamClient,
        GrandstreamPhoneControl,
    )
    from ctidesk.clients.nfon import CtiClient, NfonServices
    from ctidesk.clients.zammad import ZammadServices
    from ctidesk.core.call_notes import CallNoteService

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What every command starts from: where files are, the settings, the secrets."""

    paths: AppPaths
    settings_path: Path
    settings: Settings
    secrets: SecretStore
    redactor: Redactor
    keyring_problem: str | None = None


def open_secret_store(
    require_keyring: bool, rotated_file: Path | None = None
) -> tuple[SecretStore, str | None]:
    """Environment variables over the OS keyring.

    Without a working keyring, headless commands still run on environment variables; a command
    that must store a secret gets `SecretStoreUnavailable` with the reason. The NFON refresh
    token, which the issuer replaces on every use, is kept in `rotated_file` (0600) then.
    """
    env = EnvSecretStore()
    try:
        keyring_store: SecretStore | None = KeyringSecretStore()
        problem = None
    except SecretStoreUnavailable as exc:
        if require_keyring:
            raise
        keyring_store, problem = None, str(exc)
    rotated = RotatedTokenFile(rotated_file) if rotated_file is not None else None
    return LayeredSecretStore(env, keyring_store, rotated), problem


def open_context(
    config_path: Path | None = None,
    *,
    paths: AppPaths | None = None,
    secrets: SecretStore | None = None,
    require_keyring: bool = False,
    log_to_stderr: bool = False,
) -> Context:
    """Load settings and secrets and start logging; raises `SettingsError` for a bad file."""
    paths = paths or AppPaths.default()
    settings_path = config_path or paths.settings_file
    settings = load_settings(settings_path)
    problem = None
    if secrets is None:
        secrets, problem = open_secret_store(require_keyring, paths.nfon_token_file)
    redactor = Redactor()
    redactor.add(*known_secret_values(secrets))
    paths.ensure()
    setup_logging(redactor, paths.log_file, settings.general.log_level, to_stderr=log_to_stderr)
    for key in settings.unknown_keys():
        log.warning("settings file %s has an unknown key %r: kept, but ignored", settings_path, key)
    return Context(paths, settings_path, settings, secrets, redactor, problem)


@dataclass
class Core:
    """The headless heart shared by the bridge and the desktop: tracker and journal."""

    tracker: CallTracker
    journal: Journal
    closers: list[Closer] = field(default_factory=list)

    async def close(self) -> None:
        await run_closers(self.closers, "shutting down")
        self.journal.close()


Closer = Callable[[], Awaitable[None] | None]


async def run_closers(closers: list[Closer], what: str) -> None:
    """Newest first; one that fails is logged and the rest still run."""
    for closer in reversed(closers):
        try:
            result = closer()
            if result is not None:
                await result
        except Exception:
            log.exception("error while %s", what)


def build_core(context: Context) -> Core:
    tracker = CallTracker()
    journal = Journal(context.paths.journal_file)
    context.paths.tighten()  # the journal, its -wal and -shm: the user's only
    tracker.subscribe(journal.on_call_changed)
    return Core(tracker=tracker, journal=journal)


def install_crash_handler(sink: Callable[[str], None] | None = None) -> CrashHandler:
    handler = CrashHandler(sink)
    handler.install()
    return handler


def user_error(message: str) -> int:
    """Print one actionable line for the user and return the exit code for failures."""
    print(f"ctidesk: {message}", file=sys.stderr)
    return 2


StatusCallback = Callable[[SystemStatus], None]


class NfonDialler:
    """Dial through NFON's click-to-dial: NFON rings the agent's phone, then the callee."""

    def __init__(self, cti: CtiClient) -> None:
        self._cti = cti

    async def dial(self, number: PhoneNumber, account: int | None = None) -> None:
        await self._cti.originate(number)


class NfonSession:
    """Login with NFON plus what depends on it: the call history stream runs while signed in."""

    def __init__(self, services: NfonServices, network: Network) -> None:
        self.services = services
        self._network = network
        self._stream_task: asyncio.Task[None] | None = None

    @property
    def signed_in(self) -> bool:
        return self.services.tokens.signed_in

    def account_label(self) -> str:
        return self.services.tokens.account_label()

    async def login(self) -> None:
        await self.services.tokens.login()
        self.start_stream()

    async def logout(self) -> bool:
        self.stop_stream()
        return await self.services.tokens.logout()

    def start_stream(self) -> None:
        stream = self.services.stream
        if stream is None or not self.signed_in:
            return
        if self._stream_task is None or self._stream_task.done():
            self._stream_task = self._network.spawn("NFON call history stream", stream.run())

    def stop_stream(self) -> None:
        if self._stream_task is not None:
            self._stream_task.cancel()
            self._stream_task = None


@dataclass
class Network:
    """The clients of one running ctidesk (bridge or desktop), built from settings and secrets.

    Every system is optional: one that is switched off or not set up is left out and its status
    says why. `close()` stops everything in the order that loses nothing: sources first (so no
    new events arrive), then the Zammad forwarder (its outbox keeps what was not sent).
    """

    context: Context
    core: Core
    on_status: StatusCallback
    http: httpx.AsyncClient | None = None
    phone: GrandstreamPhoneControl | None = None
    phone_client: GrandstreamClient | None = None
    action_urls: dict[str, str] = field(default_factory=dict)
    action_url_listener: ActionUrlListener | None = None
    listen_address: tuple[str, int] | None = None
    zammad: ZammadServices | None = None
    nfon: NfonSession | None = None
    nfon_dialler: NfonDialler | None = None
    call_notes: CallNoteService | None = None
    dnd_listeners: list[Callable[[bool], None]] = field(default_factory=list)
    statuses: dict[str, SystemStatus] = field(default_factory=dict)
    lock: InstanceLock | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    _source_closers: list[Closer] = field(default_factory=list)

    def report(self, status: SystemStatus) -> None:
        self.statuses[status.system] = status
        try:
            self.on_status(status)
        except Exception:
            log.exception("status listener failed for %s", status.system)

    def spawn(self, label: str, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """A long-running task whose crash is logged with its label, never silent."""
        task = asyncio.get_running_loop().create_task(coroutine, name=label)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s stopped", task.get_name(), exc_info=task.exception())

    def phone_reported_dnd(self, enabled: bool) -> None:
        if self.phone is not None:
            self.phone.note_dnd(enabled)
        for listener in list(self.dnd_listeners):
            listener(enabled)

    async def close(self) -> None:
        await run_closers(self._source_closers, "stopping a call source")
        if self.nfon is not None:
            self.nfon.stop_stream()
        for task in list(self._tasks):
            if task.get_name() != _FORWARDER:
                task.cancel()
        if self.zammad is not None:
            await self.zammad.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.core.journal.flush()
        if self.http is not None:
            await self.http.aclose()
        if self.lock is not None:
            self.lock.release()


_FORWARDER = "Zammad forwarder"


async def start_network(
    context: Context,
    core: Core,
    *,
    on_status: StatusCallback | None = None,
    open_browser: Callable[[str], object] = webbrowser.open,
) -> Network:
    """Build and start every configured client; the shared part of `ctidesk bridge` and the
    desktop. A system that cannot start is reported through ``on_status`` and left out.

    Raises `AlreadyRunning` when another ctidesk runs the network side for the same home.
    """
    import httpx

    settings = context.settings
    lock = InstanceLock(context.paths.data_dir / "network.lock")
    lock.acquire()
    network = Network(context, core, on_status or (lambda _status: None), lock=lock)
    network.http = httpx.AsyncClient(
        timeout=settings.zammad.request_timeout_seconds, follow_redirects=False
    )
    try:
        await _start_phone(context, core, network)
        _start_zammad(context, core, network)
        _start_call_notes(context, core, network)
        _start_nfon(context, core, network, open_browser)
    except BaseException:
        await network.close()
        raise
    context.paths.tighten()  # the outbox and the lock, created just now: the user's only
    return network


async def _start_phone(context: Context, core: Core, network: Network) -> None:
    """Control, Action URL listener and (as fallback) the line poller."""
    from ctidesk.clients.grandstream import (
        PhoneNotConfigured,
        action_url_token,
        build_grandstream_services,
        listen_address_for,
        public_host_for,
    )

    settings = context.settings
    phone = settings.phone
    if not phone.enabled:
        network.report(SystemStatus(system=PHONE, state=ReachState.DISABLED, detail="switched off"))
        return
    try:
        services = build_grandstream_services(
            settings,
            context.secrets,
            on_event=core.tracker.handle,
            on_dnd=network.phone_reported_dnd,
            on_status=network.report,
        )
    except PhoneNotConfigured as exc:
        network.report(SystemStatus(system=PHONE, state=ReachState.MISCONFIGURED, detail=str(exc)))
        return
    network.phone_client = services.client
    network._source_closers.append(services.client.aclose)
    network.phone = services.control
    listening = False
    listener = services.listener
    if listener is not None:
        try:
            context.redactor.add(action_url_token(context.secrets))
            bind = listen_address_for(phone)
            host, port = await listener.start(bind, phone.listen_port)
        except (OSError, SecretStoreUnavailable, PhoneNotConfigured) as exc:
            log.warning("Action URL listener could not start (%s); polling the phone instead", exc)
        else:
            network._source_closers.append(listener.stop)
            network.listen_address = (host, port)
            network.action_url_listener = listener
            listening = True
            try:
                network.action_urls = listener.action_urls(public_host_for(phone), port)
            except PhoneNotConfigured as exc:
                log.warning("%s", exc)
    poller = services.poller
    if poller is not None and (not listening or phone.poll_when_no_action_url):
        if listening:
            poller.idle_interval = phone.poll_max_backoff_seconds
        poller.start()
        network._source_closers.append(poller.stop)


def _start_zammad(context: Context, core: Core, network: Network) -> None:
    """Caller look-ups for the pop-up and, where this PC forwards, the CTI push forwarder."""
    from ctidesk.clients.zammad import build_zammad_services

    zammad = context.settings.zammad
    if not zammad.enabled or not zammad.url:
        detail = "switched off" if not zammad.enabled else "no Zammad address in the settings"
        state = ReachState.DISABLED if not zammad.enabled else ReachState.MISCONFIGURED
        network.report(SystemStatus(system=ZAMMAD, state=state, detail=detail))
        return
    assert network.http is not None
    services = build_zammad_services(
        zammad,
        context.secrets,
        context.paths.outbox_file,
        http=network.http,
        calls=core.tracker,
        phone=network.phone,
        on_status=network.report,
    )
    network.zammad = services
    if services.forwarder is not None:
        # The tracker outlives this network side (Settings rebuilds it): stop forwarding on close,
        # or the closed outbox hears every later call and logs an error for each.
        network._source_closers.append(core.tracker.subscribe(services.forwarder.on_call_changed))
        network.spawn(_FORWARDER, services.forwarder.run())


def _start_call_notes(context: Context, core: Core, network: Network) -> None:
    """After-call notes to Zammad tickets (``[call_notes]``, off by default)."""
    from ctidesk.clients.zammad import call_note_service

    lookup = network.zammad.lookup if network.zammad is not None else None
    notes = call_note_service(
        context.settings,
        context.paths.call_notes_file,
        lookup,
        summary_expected=lambda: network.nfon is not None and network.nfon.signed_in,
    )
    if notes is not None:
        network.call_notes = notes
        network._source_closers.append(core.tracker.subscribe(notes.on_call_changed))
        network.spawn("after-call notes", notes.run())


def _start_nfon(
    context: Context, core: Core, network: Network, open_browser: Callable[[str], object]
) -> None:
    """Login with NFON, the call history stream (while signed in) and the optional CTI API."""
    from ctidesk.clients.nfon import (
        CallRecord,
        StreamStatus,
        build_nfon_services,
        journal_sink,
        to_nfon_summary,
    )

    settings = context.settings
    if not settings.nfon.enabled:
        network.report(SystemStatus(system=NFON, state=ReachState.DISABLED, detail="switched off"))
        return
    assert network.http is not None

    def stream_status(status: StreamStatus, detail: str) -> None:
        state = {
            StreamStatus.CONNECTED: ReachState.OK,
            StreamStatus.RECONNECTING: ReachState.UNREACHABLE,
            StreamStatus.STOPPED: ReachState.AUTH_FAILED,
        }[status]
        label = session.account_label() if status is StreamStatus.CONNECTED else detail
        network.report(SystemStatus(system=NFON, state=state, detail=label))

    def summary_for_notes(call_id: str, record: CallRecord) -> None:
        if network.call_notes is not None:
            network.call_notes.nfon_record(call_id, to_nfon_summary(record))

    services = build_nfon_services(
        settings,
        network.http,
        context.secrets,
        on_record=journal_sink(
            core.journal, settings.dialing.default_region, on_merged=summary_for_notes
        ),
        on_stream_status=stream_status,
        open_browser=open_browser,
        on_new_secret=context.redactor.add,
        refresh_lock=context.paths.nfon_refresh_lock,
    )
    session = NfonSession(services, network)
    network.nfon = session
    session.start_stream()
    if services.cti is not None:
        network.spawn("NFON CTI calls", services.cti.watch_calls(core.tracker.handle))
        if settings.dialing.via == "nfon_cti":
            network.nfon_dialler = NfonDialler(services.cti)


async def build_phone(
    context: Context,
    core: Core,
    on_status: StatusCallback | None = None,
) -> GrandstreamPhoneControl | None:
    """Only the phone part of `start_network` (for `ctidesk phone` style commands and tests);
    everything it starts is stopped by ``core.close()``."""
    network = Network(context, core, on_status or (lambda _status: None))
    await _start_phone(context, core, network)
    core.closers.append(network.close)
    return network.phone
