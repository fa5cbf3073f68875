"""The desktop assembled: bridge, tray, pop-ups, dialer, settings, single instance, hotkeys, the
records windows (call journal, call lists, team), event actions, the ringer and the language.

Built by `gui.main.run` (and the tests) from a `Context` and a `Core`; the network side is
attached later with `attach`, so the tray can show before anything slow happens. The records
windows open before that too; what they need from the network (Zammad, NFON) is plugged in when
it arrives. Saved settings reach the event actions, the ringer and the language at once.
Missed calls count on the tray until the agent has seen them: opening the journal (also from
the tray's "Missed calls (N)", which shows the calls needing a callback) or calling back.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from ctidesk.app import Context, Core, Network
from ctidesk.config.secrets import SecretName, SecretStore, SecretStoreUnavailable
from ctidesk.config.settings import RingtoneSettings, Settings
from ctidesk.core.calls import CallChanged, CallState, Direction
from ctidesk.core.event_actions import EventActionConfig, EventActions, TemplateError
from ctidesk.core.ports import CallerInfo, CallerLookup, PhoneControl
from ctidesk.core.ringtones import RingKind
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.dial_messages import translated
from ctidesk.gui.dialer import DialConfirmation, DialerWindow, DialHistory
from ctidesk.gui.dialing import DialPlan, NothingToDial, plan_dial
from ctidesk.gui.hotkey import (
    GlobalHotkeys,
    HotkeyAction,
    HotkeyGrabber,
    SelectionReader,
    global_hotkey,
)
from ctidesk.gui.i18n import Translations
from ctidesk.gui.notifications import FreedesktopNotifier
from ctidesk.gui.popup import PopupStack
from ctidesk.gui.ports import Dialler, NfonAccount, StatusProbe, UrlOpener
from ctidesk.gui.ringer import Ringer, RingtoneConfig, SoundPlayer, SystemSoundPlayer
from ctidesk.gui.single_instance import InstanceReply, InstanceRequest, InstanceServer
from ctidesk.gui.tray import TrayActions, TrayController, copy_to_clipboard

if TYPE_CHECKING:
    from ctidesk.clients.nfon import CtiClient
    from ctidesk.core.call_lists import CallListStore
    from ctidesk.core.journal_reader import JournalReader
    from ctidesk.gui.call_list_window import CallListWindow
    from ctidesk.gui.first_run import FirstRunWizard
    from ctidesk.gui.journal_window import JournalWindow, RemoteAction
    from ctidesk.gui.settings_dialog import ActionUrls, SettingsDialog
    from ctidesk.gui.team_window import TeamWindow

log = logging.getLogger(__name__)

Closer = Callable[[], Awaitable[None] | None]
CALL_LISTS_FILE = "call_lists.sqlite3"
CONNECTION_SECTIONS = ("phone", "zammad", "nfon", "dialing")
"""Settings sections the network side is built from; the others apply without reconnecting."""
CONNECTION_SECRETS = (
    SecretName.PHONE_PASSCODE,
    SecretName.ZAMMAD_CTI_URL,
    SecretName.ZAMMAD_API_TOKEN,
    SecretName.NFON_CTI_PASSWORD,
)
"""The secrets the agent edits in Settings (NFON's refresh token and the Action URL token are
ctidesk's own and change while it runs)."""


def needs_first_run(context: Context) -> bool:
    """Whether a start should open the first-run setup: there is no settings file, or it names
    no phone, no Zammad and no NFON account, and ctidesk is not signed in to NFON either."""
    if not context.settings_path.exists():
        return True
    settings = context.settings
    if settings.phone.address or settings.zammad.url or settings.nfon.customer:
        return False
    try:
        return not context.secrets.get(SecretName.NFON_REFRESH_TOKEN)
    except SecretStoreUnavailable:
        return True


def ringtone_config(settings: RingtoneSettings) -> RingtoneConfig:
    """The ringer's view of the ``[ringtones]`` settings (empty file names: built-in tones)."""
    files = {
        RingKind.INTERNAL: settings.internal_sound,
        RingKind.EXTERNAL: settings.external_sound,
        RingKind.CUSTOMER: settings.customer_sound,
    }
    return RingtoneConfig(
        enabled=settings.enabled,
        volume=settings.volume,
        sounds={kind: Path(name) for kind, name in files.items() if name.strip()},
    )


@dataclass
class NetworkParts:
    """What the network side contributes once it is up (every part optional)."""

    phone: PhoneControl | None = None
    lookup: CallerLookup | None = None
    nfon_dialler: Dialler | None = None
    nfon_account: NfonAccount | None = None
    probes: list[StatusProbe] = field(default_factory=list)
    action_urls: ActionUrls | None = None
    wait_for_phone_event: Callable[[], Awaitable[str]] | None = None
    """Waits for the next request the Action URL listener accepts; None when none listens."""
    simulate_call: Callable[[], None] | None = None
    subscribe_dnd: Callable[[Callable[[bool], None]], None] | None = None
    network: Network | None = None
    closers: list[Closer] = field(default_factory=list)


class Desktop(QObject):
    """Owns every window; see the module docstring."""

    def __init__(
        self,
        context: Context,
        core: Core,
        loop: asyncio.AbstractEventLoop,
        *,
        instance_name: str | None = None,
        tray_available: bool | None = None,
        opener: UrlOpener | None = None,
        simulate_call: Callable[[], None] | None = None,
        quit_app: Callable[[], None] | None = None,
        enable_hotkey: bool = True,
        translations: Translations | None = None,
        sound_player: SoundPlayer | None = None,
        connect: Callable[[], Awaitable[NetworkParts]] | None = None,
        tray_icon: QSystemTrayIcon | None = None,
        hotkey_grabber: HotkeyGrabber | None = None,
        notifier: FreedesktopNotifier | None = None,
    ) -> None:
        super().__init__()
        self.context = context
        self.core = core
        self._loop = loop
        self._quit_app = quit_app or _quit_application
        self._parts = NetworkParts()
        self._attached = False
        self._connect = connect
        self._connection = ""
        self._reconnecting: asyncio.Task[None] | None = None
        self._team_task: object = None
        self._confirmations: list[DialConfirmation] = []
        self.translations = translations
        self.bridge = DesktopBridge(
            core.tracker, context.settings, loop, opener=opener, notes=core.journal.set_notes
        )
        self.history = DialHistory(context.paths.data_dir / "dial_history.json")
        self.dialer: DialerWindow | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.first_run: FirstRunWizard | None = None
        self.journal_window: JournalWindow | None = None
        self.call_list_window: CallListWindow | None = None
        self.team_window: TeamWindow | None = None
        self._team_followed = False
        self._journal_reader: JournalReader | None = None
        self._call_lists: CallListStore | None = None
        self.event_actions = EventActions(
            self._event_action_config(context.settings), self.bridge.open_url, expects_lookup=False
        )
        self.ringer = Ringer(
            ringtone_config(context.settings.ringtones),
            sound_player or SystemSoundPlayer(),
            context.paths.data_dir / "cache" / "ringtones",
            parent=self,
        )
        self.tray = TrayController(
            self.bridge,
            TrayActions(
                open_dialer=self.open_dialer,
                open_settings=self.open_settings,
                open_setup=self.open_first_run,
                show_last_caller=self.show_last_caller,
                copy_diagnostics=self.copy_diagnostics,
                quit=self.quit,
                simulate_call=simulate_call,
                open_journal=self.open_journal,
                open_call_lists=self.open_call_lists,
                open_team=self.open_team,
                open_missed_calls=self.open_missed_calls,
            ),
            tray_available=tray_available,
            tray_icon=tray_icon,
            notifier=notifier,
        )
        self.notifier = notifier
        self._notifier_start: asyncio.Task[bool] | None = None
        self.popups = PopupStack(self.bridge, anchor=self.tray.anchor)
        self.bridge.dial_needs_confirmation.connect(self.confirm_dial)
        self.bridge.settings_changed.connect(self._settings_saved)
        self.bridge.call_changed.connect(self._call_changed)
        self.bridge.caller_info_ready.connect(self._caller_info)
        self.bridge.notes_saved.connect(self._notes_saved)
        self.server = (
            InstanceServer(instance_name, self.handle_request, self) if instance_name else None
        )
        self.hotkeys = GlobalHotkeys(hotkey_grabber or global_hotkey, self)
        self.hotkeys.pressed.connect(self.hotkey_pressed)
        self.hotkey_problem = ""
        self._enable_hotkey = enable_hotkey
        clipboard = QGuiApplication.clipboard()
        self._selection = SelectionReader(clipboard) if clipboard is not None else None
        if context.keyring_problem:
            self.bridge.report_error(context.keyring_problem)

    def listen(self) -> bool:
        """Become the single instance; False when another one already runs."""
        return self.server.listen() if self.server is not None else True

    def show(self) -> None:
        """The tray first; the tracker subscription and the hotkey right after."""
        self.tray.show()
        if self.notifier is not None and self._notifier_start is None:
            self._notifier_start = self._loop.create_task(self.notifier.start())
        self.bridge.start()
        self.register_hotkey(self.context.settings)
        self._connection = connection_fingerprint(self.context.settings, self.context.secrets)

    def attach(self, parts: NetworkParts) -> None:
        self._parts = parts
        self._attached = True
        self.bridge.attach(
            phone=parts.phone,
            lookup=parts.lookup,
            nfon_dialler=parts.nfon_dialler,
            nfon_account=parts.nfon_account,
        )
        self.popups.set_call_notes(parts.network.call_notes if parts.network else None)
        if parts.subscribe_dnd is not None:
            parts.subscribe_dnd(self.bridge.phone_reported_dnd)
        for probe in parts.probes:
            self.bridge.add_status_probe(probe)
        if parts.simulate_call is not None:
            self.tray.offer_simulated_calls(parts.simulate_call)
        self.event_actions = EventActions(
            self._event_action_config(self.bridge.settings),
            self.bridge.open_url,
            expects_lookup=self.bridge.has_lookup,
        )
        self.tray.offer_team(self._cti() is not None)
        if self.journal_window is not None:
            self._plug_journal_remote(self.journal_window)
        if self.team_window is not None:
            self._follow_team(self.team_window)
        if self.settings_dialog is not None:
            self.settings_dialog.set_action_urls(parts.action_urls)
        if self.first_run is not None:
            self.first_run.set_network(parts.action_urls, parts.wait_for_phone_event)

    # ------------------------------------------------------------------ calls and settings

    def _call_changed(self, change: CallChanged) -> None:
        """Bridge `call_changed`: event actions, the ringer and the open records windows."""
        self.event_actions.on_call_changed(change)
        self.ringer.on_call_changed(change)
        if self.journal_window is not None:
            self.journal_window.call_changed(change)
        if self.call_list_window is not None:
            self.call_list_window.call_changed(change)

    def _notes_saved(self, call_id: str) -> None:
        """Notes typed on an after-call card: the open journal shows them at once."""
        if self.journal_window is not None:
            self.journal_window.refresh_entry(call_id)

    def _caller_info(self, call_id: str, info: CallerInfo) -> None:
        self.event_actions.on_caller_info(call_id, info)
        self.ringer.on_caller_info(call_id, info)

    def _event_action_config(self, settings: Settings) -> EventActionConfig:
        try:
            return settings.event_actions.config()
        except TemplateError as exc:
            self.bridge.report_error(
                self.tr("Event actions are off: %1. Fix them in Settings.").replace("%1", str(exc))
            )
            return EventActionConfig()

    # ------------------------------------------------------------------ records windows

    def _network(self) -> Network | None:
        return self._parts.network

    def _cti(self) -> CtiClient | None:
        network = self._network()
        if network is None or network.nfon is None:
            return None
        return network.nfon.services.cti

    def _remote_actions(self) -> tuple[RemoteAction | None, RemoteAction | None]:
        from ctidesk.gui.journal_window import nfon_delete, zammad_mark_done

        network = self._network()
        mark: RemoteAction | None = None
        delete: RemoteAction | None = None
        if network is not None and network.zammad is not None and network.zammad.lookup:
            mark = zammad_mark_done(network.zammad.lookup)
        if network is not None and network.nfon is not None:
            delete = nfon_delete(network.nfon.services.history)
        return mark, delete

    def _plug_journal_remote(self, window: JournalWindow) -> None:
        mark, delete = self._remote_actions()
        window.set_remote_actions(mark, delete, connecting=not self._attached)
        network = self._network()
        notes = network.call_notes if network is not None else None
        window.set_note_status(notes.status if notes is not None else None)

    def open_journal(self) -> JournalWindow:
        """The call journal (and its statistics); opened once, raised afterwards. The agent
        sees the missed calls there: they leave the tray's count."""
        self.bridge.mark_missed_seen()
        if self.journal_window is None:
            from ctidesk.core.journal_reader import JournalReader
            from ctidesk.gui.journal_window import JournalWindow

            self.core.journal.flush()
            self._journal_reader = JournalReader(self.context.paths.journal_file)
            self.journal_window = JournalWindow(
                self.core.journal,
                self._journal_reader,
                dial=self.bridge.dial,
                submit=self.bridge.submit,
            )
            self._plug_journal_remote(self.journal_window)
        else:
            self.journal_window.reload()
        _raise(self.journal_window)
        return self.journal_window

    def open_missed_calls(self) -> JournalWindow:
        """The tray's "Missed calls (N)": the journal, showing the calls needing a callback."""
        window = self.open_journal()
        window.show_callbacks_only()
        return window

    def open_call_lists(self) -> CallListWindow:
        if self.call_list_window is None:
            from ctidesk.core.call_lists import CallListStore
            from ctidesk.gui.call_list_window import CallListWindow

            self._call_lists = CallListStore(self.context.paths.data_dir / CALL_LISTS_FILE)
            self.call_list_window = CallListWindow(
                self._call_lists,
                dial=self.bridge.dial,
                default_region=self.bridge.settings.dialing.default_region,
                on_error=self.bridge.report_error,
            )
        _raise(self.call_list_window)
        return self.call_list_window

    def open_team(self) -> TeamWindow | None:
        """The team view; it needs NFON's CTI API (the tray offers it only then)."""
        if self._cti() is None:
            self.bridge.report_error(
                self.tr("The team view needs NFON's CTI API: switch it on under Settings > NFON.")
            )
            return None
        if self.team_window is None:
            from ctidesk.gui.team_window import TeamWindow

            self.team_window = TeamWindow(
                dial=self.bridge.dial,
                submit=self.bridge.submit,
                own_extension=self.bridge.settings.nfon.extension,
            )
            self._follow_team(self.team_window)
        _raise(self.team_window)
        return self.team_window

    def _follow_team(self, window: TeamWindow) -> None:
        """Names once, then the CTI line-state stream for as long as this network side runs."""
        cti = self._cti()
        if cti is None or self._team_followed:
            return
        self._team_followed = True
        window.load_directory(cti.extensions)
        self._team_task = window.follow(cti.watch_line_states)

    def register_hotkey(self, settings: Settings) -> None:
        """Grab the configured global hotkeys (again); what cannot be had goes to the log and
        the diagnostics, the rest work."""
        self.hotkeys.unregister()
        self.hotkey_problem = ""
        if not self._enable_hotkey:
            return
        problems = self.hotkeys.register(settings.hotkey.shortcuts())
        for problem in problems:
            log.warning("global hotkey unavailable: %s", problem)
        self.hotkey_problem = "; ".join(problems)

    def hotkey_pressed(self, action: str) -> None:
        """`GlobalHotkeys.pressed`: do what the pressed hotkey's action stands for."""
        log.info("hotkey: %s", action)
        if action == HotkeyAction.DIAL_SELECTION:
            self.dial_selection()
        elif action == HotkeyAction.ANSWER:
            self.answer_ringing()
        elif action == HotkeyAction.HANG_UP:
            self.hang_up()
        elif action == HotkeyAction.FOCUS_POPUP:
            self.focus_popup()

    def focus_popup(self) -> None:
        """Put the keyboard on the newest pop-up; with none on screen, on the last caller's."""
        if self.popups.focus_newest() is not None:
            return
        call = self.bridge.last_caller()
        if call is None:
            self.tray.notify("ctidesk", self.tr("No calls yet."))
            return
        self.popups.show_call(call)
        self.popups.focus_newest()

    def answer_ringing(self) -> None:
        """Answer the newest ringing inbound call, as its pop-up's Answer button would."""
        ringing = [
            c
            for c in self.bridge.live_calls()
            if c.state is CallState.RINGING and c.direction is not Direction.OUTBOUND
        ]
        if not ringing:
            self.tray.notify("ctidesk", self.tr("No call is ringing."))
            return
        self.popups.answer(ringing[-1].id)

    def hang_up(self) -> None:
        """End the newest active call (connected, on hold or dialling); with none, reject the
        newest ringing inbound call, as the phone's own hang-up key does."""
        live = self.bridge.live_calls()
        active = [
            c for c in live if c.state in (CallState.CONNECTED, CallState.HELD, CallState.DIALING)
        ]
        if active:
            self.bridge.end(active[-1].id)
            return
        ringing = [
            c
            for c in live
            if c.state is CallState.RINGING and c.direction is not Direction.OUTBOUND
        ]
        if ringing:
            self.bridge.reject(ringing[-1].id)
            return
        self.tray.notify("ctidesk", self.tr("No call to hang up."))

    def dial_selection(self) -> None:
        if self._selection is None:
            return
        self.bridge.submit("Dialling the selection", self._dial_selection())

    async def _dial_selection(self) -> None:
        assert self._selection is not None
        text = await self._selection.read()
        log.info("hotkey: dialling the selection (%d characters)", len(text))
        self.bridge.dial(text)

    def handle_request(self, request: InstanceRequest) -> InstanceReply:
        """A later `ctidesk` start, `ctidesk dial` or a `tel:` link reached us."""
        if request.action == "show":
            self.tray.notify("ctidesk", self.tr("ctidesk is already running; use the tray icon."))
            self.show_last_caller(quiet=True)
            return InstanceReply(True, "ctidesk is already running; the tray icon is its window")
        if request.action == "dial_selection":
            self.dial_selection()
            return InstanceReply(True, "dialling the selection")
        if request.action == "quit":
            QTimer.singleShot(0, self.quit)
            return InstanceReply(True, "ctidesk is quitting")
        if request.action == "dial":
            try:
                plan = plan_dial(request.text, self.bridge.settings.dialing.default_region)
            except NothingToDial as exc:
                self.bridge.report_error(translated(str(exc)))
                return InstanceReply(False, str(exc))
            self.bridge.dial(request.text)
            if plan.needs_confirmation and self.bridge.settings.dialing.confirm_odd_numbers:
                return InstanceReply(True, f"asking to confirm {plan.number.display()}")
            return InstanceReply(True, f"dialling {plan.number.display()}")
        return InstanceReply(False, f"unknown request {request.action!r}; update ctidesk")

    def confirm_dial(self, plan: DialPlan) -> None:
        confirmation = DialConfirmation(self.bridge, plan)
        self._confirmations.append(confirmation)
        confirmation.finished.connect(lambda _r, c=confirmation: self._forget_confirmation(c))
        confirmation.show()
        confirmation.raise_()
        confirmation.activateWindow()

    def _forget_confirmation(self, confirmation: DialConfirmation) -> None:
        if confirmation in self._confirmations:
            self._confirmations.remove(confirmation)

    def confirmations(self) -> list[DialConfirmation]:
        return list(self._confirmations)

    def open_dialer(self, text: str = "") -> None:
        if self.dialer is None:
            self.dialer = DialerWindow(self.bridge, self.history)
        self.dialer.open(text)

    def open_settings(self) -> None:
        if self.settings_dialog is None:
            from ctidesk.gui.connection_tests import connection_testers
            from ctidesk.gui.settings_dialog import SettingsDialog

            self.settings_dialog = SettingsDialog(
                self.bridge,
                self.context.settings_path,
                self.context.secrets,
                redactor=self.context.redactor,
                testers=connection_testers(self.context),
                action_urls=self._parts.action_urls,
                start_at_login=_set_autostart,
            )
            self.settings_dialog.finished.connect(self._settings_closed)
        self.settings_dialog.show()
        self.settings_dialog.raise_()
        self.settings_dialog.activateWindow()

    def open_first_run(self) -> FirstRunWizard:
        """The first-run setup (also the tray's "Set up..."); opened once, raised afterwards."""
        if self.first_run is None:
            from ctidesk.gui.connection_tests import connection_testers
            from ctidesk.gui.first_run import FirstRunWizard

            self.first_run = FirstRunWizard(
                self.bridge,
                self.context.settings_path,
                self.context.secrets,
                testers=connection_testers(self.context, in_setup=True),
                action_urls=self._parts.action_urls,
                wait_for_phone_event=self._parts.wait_for_phone_event,
                keyring_problem=self.context.keyring_problem,
                redactor=self.context.redactor,
            )
            self.first_run.finished.connect(self._first_run_closed)
        _raise(self.first_run)
        return self.first_run

    def _first_run_closed(self, _result: int) -> None:
        if self.first_run is not None:
            self.first_run.deleteLater()
            self.first_run = None

    def _settings_closed(self, _result: int) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.deleteLater()
            self.settings_dialog = None

    def _settings_saved(self, settings: Settings) -> None:
        """Language, hotkey, event actions and ringtones change at once; connections later."""
        self.context.settings = settings
        if self.translations is not None:
            self.translations.on_settings_changed(settings)
        self.register_hotkey(settings)
        self.event_actions.configure(self._event_action_config(settings))
        self.ringer.configure(ringtone_config(settings.ringtones))
        connection = connection_fingerprint(settings, self.context.secrets)
        if connection == self._connection:
            self.tray.notify("ctidesk", self.tr("Settings saved."))
        elif self._connect is None or not self._attached:
            self.tray.notify(
                "ctidesk",
                self.tr("Settings saved. Connection changes take effect after a restart."),
            )
        else:
            self._connection = connection
            self.reconnect()
            self.tray.notify(
                "ctidesk", self.tr("Settings saved. Reconnecting with the new connection settings.")
            )

    def reconnect(self) -> asyncio.Task[None]:
        """Rebuild the network side (phone, Zammad, NFON) from the saved settings and secrets;
        calls keep their state in the tracker and the journal meanwhile."""
        previous = self._reconnecting
        self._reconnecting = self._loop.create_task(self._reconnect(previous))
        return self._reconnecting

    async def _reconnect(self, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        assert self._connect is not None
        await self._detach()
        try:
            parts = await self._connect()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("reconnecting with the new settings failed")
            self.bridge.report_error(
                self.tr("Could not connect with the new settings: %1").replace("%1", str(exc))
            )
            return
        self.attach(parts)
        log.info("reconnected with the new connection settings")

    async def _detach(self) -> None:
        """Take the running network side out and close it, before the next one starts (it
        listens on the same port and holds the same lock)."""
        self._attached = False
        self.bridge.detach(self.tr("reconnecting with the new settings"))
        self.popups.set_call_notes(None)
        if isinstance(self._team_task, asyncio.Task):
            self._team_task.cancel()
        self._team_task = None
        self._team_followed = False
        parts, self._parts = self._parts, NetworkParts()
        await _close_parts(parts)
        self.tray.offer_team(False)
        if self.journal_window is not None:
            self._plug_journal_remote(self.journal_window)
        if self.first_run is not None:
            self.first_run.set_network(None, None)

    def show_last_caller(self, quiet: bool = False) -> None:
        call = self.bridge.last_caller()
        if call is None:
            if not quiet:
                self.tray.notify("ctidesk", self.tr("No calls yet."))
            return
        self.popups.show_call(call)

    def diagnostics(self) -> str:
        from ctidesk.gui.diagnostics import diagnostics_report

        report = diagnostics_report(
            self.bridge.status,
            self.bridge.settings,
            self.context.secrets,
            self.context.redactor,
            self.context.paths.log_file,
            qt_version=qVersion(),
        )
        problems = "; ".join(p for p in (self.hotkey_problem, self.hotkeys.portal_problem) if p)
        if problems:
            report += f"\nHotkey: {problems}\n"
        return report

    def copy_diagnostics(self) -> None:
        copy_to_clipboard(self.diagnostics())
        self.tray.notify("ctidesk", self.tr("Diagnostics copied (passwords and tokens removed)."))

    def quit(self) -> None:
        self._quit_app()

    async def close(self) -> None:
        """Stop everything this desktop started, then the network parts, newest first."""
        self.hotkeys.unregister()
        await self.hotkeys.wait_closed()
        if self.server is not None:
            self.server.close()
        self.popups.close_all()
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            await asyncio.gather(self._reconnecting, return_exceptions=True)
        await self.bridge.close()
        await _close_parts(self._parts)
        if self._notifier_start is not None:
            self._notifier_start.cancel()
            await asyncio.gather(self._notifier_start, return_exceptions=True)
        if self.notifier is not None:
            await self.notifier.close()
        self.tray.hide()
        self.ringer.configure(RingtoneConfig(enabled=False))
        if self.settings_dialog is not None:
            self.settings_dialog.close_without_asking()
        if self.first_run is not None:
            self.first_run.close()
        for window in (self.dialer, *self._confirmations):
            if window is not None:
                window.close()
        records: tuple[QWidget | None, ...] = (
            self.journal_window,
            self.call_list_window,
            self.team_window,
        )
        for record in records:
            if record is not None:
                record.close()
                record.deleteLater()
        self.journal_window = self.call_list_window = self.team_window = None
        if self._journal_reader is not None:
            self._journal_reader.close()
            self._journal_reader = None
        if self._call_lists is not None:
            self._call_lists.close()
            self._call_lists = None


async def _close_parts(parts: NetworkParts) -> None:
    """The network side's closers, newest first; one failing does not stop the rest."""
    for closer in reversed(parts.closers):
        try:
            result = closer()
            if result is not None:
                await result
        except Exception:
            log.exception("error while closing the network side")


def connection_fingerprint(settings: Settings, secrets: SecretStore) -> str:
    """What the network side is built from (its settings sections and secrets), as a digest:
    when it changes on Save, the network side is rebuilt; secrets never leave as they are."""
    digest = hashlib.sha256()
    for section in CONNECTION_SECTIONS:
        digest.update(getattr(settings, section).model_dump_json().encode())
    for name in CONNECTION_SECRETS:
        digest.update(f"{name.value}={secrets.get(name) or ''}\n".encode())
    return digest.hexdigest()


def _raise(window: QWidget) -> None:
    window.show()
    window.raise_()
    window.activateWindow()


def _quit_application() -> None:
    app = QGuiApplication.instance()
    if app is not None:
        QTimer.singleShot(0, app.quit)


def _set_autostart(enabled: bool) -> None:
    from ctidesk.config.desktop_integration import desktop_integration

    desktop_integration().set_autostart(enabled)
