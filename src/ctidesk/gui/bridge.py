"""The one object the widgets talk to: Qt signals out, commands in, coroutines on the one loop.

It listens to the `CallTracker`, looks callers up in Zammad as soon as a call appears (the pop-up
shows the call at once and fills in the customer when the answer comes), and runs every command
against the injected ports. Widgets never see a client. Every failure ends up in ``error`` as a
sentence for the user, and in the log with its traceback when it was not expected.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from ctidesk.config.settings import Settings
from ctidesk.core.callbacks import UnseenMissedCalls
from ctidesk.core.calls import Call, CallChanged, CallState, ChangeKind, Direction, EndCause
from ctidesk.core.numbers import NumberKind
from ctidesk.core.ports import (
    NFON,
    PHONE,
    SYSTEMS,
    ZAMMAD,
    CallerInfo,
    CallerLookup,
    LookupRefused,
    PhoneCommandError,
    PhoneControl,
    ReachState,
    SystemStatus,
    TicketSummary,
)
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.dial_messages import translated
from ctidesk.gui.dialing import DialPlan, NothingToDial, plan_dial
from ctidesk.gui.ports import Dialler, NfonAccount, StatusProbe, UrlOpener

log = logging.getLogger(__name__)

CALLER_INFOS_KEPT = 200

__all__ = ["NFON", "PHONE", "SYSTEMS", "ZAMMAD", "DesktopBridge", "DesktopStatus"]

DEFAULT_PROBE_SECONDS = 30.0

NotesSink = Callable[[str, str], None]
"""Stores a call's notes (``Journal.set_notes``)."""


@dataclass(frozen=True)
class DesktopStatus:
    """Everything the tray icon and its tooltip show, as one value."""

    systems: dict[str, SystemStatus] = field(default_factory=dict)
    dnd: bool = False
    ringing: int = 0
    on_call: int = 0
    nfon_signed_in: bool | None = None
    nfon_account: str = ""
    last_error: str = ""
    missed: int = 0
    """Missed calls the agent has not seen yet (see `UnseenMissedCalls`)."""

    def state_of(self, system: str) -> ReachState:
        status = self.systems.get(system)
        return status.state if status else ReachState.UNKNOWN

    def detail_of(self, system: str) -> str:
        status = self.systems.get(system)
        return status.detail if status else ""


class DesktopBridge(QObject):
    """Between the widgets and the core; see the module docstring."""

    call_changed = Signal(object)
    caller_info_ready = Signal(str, object)
    status_changed = Signal(object)
    error = Signal(str)
    notice = Signal(str)
    dial_needs_confirmation = Signal(object)
    dialled = Signal(object)
    ticket_created = Signal(str, object)
    settings_changed = Signal(object)
    missed_call = Signal(object)
    """A call was missed (the `Call`): notify the agent."""
    missed_cleared = Signal(object)
    """These missed calls (a list of call ids) were seen or settled by a callback."""
    notes_saved = Signal(str)

    def __init__(
        self,
        tracker: CallTracker,
        settings: Settings,
        loop: asyncio.AbstractEventLoop,
        *,
        phone: PhoneControl | None = None,
        lookup: CallerLookup | None = None,
        nfon_dialler: Dialler | None = None,
        nfon_account: NfonAccount | None = None,
        opener: UrlOpener | None = None,
        notes: NotesSink | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._tracker = tracker
        self._settings = settings
        self._loop = loop
        self._phone = phone
        self._lookup = lookup
        self._nfon_dialler = nfon_dialler
        self._account = nfon_account
        self._opener = opener or _open_with_desktop_services
        self._notes = notes
        self._missed = UnseenMissedCalls()
        self._infos: OrderedDict[str, CallerInfo] = OrderedDict()
        self._last_inbound: str | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._probes: set[asyncio.Task[Any]] = set()
        self._unsubscribe: Callable[[], None] | None = None
        self._status = DesktopStatus(
            systems={
                PHONE: _initial(PHONE, phone is not None),
                ZAMMAD: _initial(ZAMMAD, lookup is not None),
                NFON: _initial(NFON, nfon_account is not None or nfon_dialler is not None),
            },
            nfon_signed_in=nfon_account.signed_in if nfon_account else None,
            nfon_account=_label(nfon_account),
        )

    def attach(
        self,
        *,
        phone: PhoneControl | None = None,
        lookup: CallerLookup | None = None,
        nfon_dialler: Dialler | None = None,
        nfon_account: NfonAccount | None = None,
    ) -> None:
        """Plug in the ports once the network is up (the tray shows before that)."""
        self._phone = phone
        self._lookup = lookup
        self._nfon_dialler = nfon_dialler
        self._account = nfon_account
        systems = {
            PHONE: _initial(PHONE, phone is not None),
            ZAMMAD: _initial(ZAMMAD, lookup is not None),
            NFON: _initial(NFON, nfon_account is not None or nfon_dialler is not None),
        }
        self._set_status(
            systems=systems,
            nfon_signed_in=self._account.signed_in if self._account else None,
            nfon_account=_label(self._account),
        )

    def detach(self, detail: str) -> None:
        """The network side is being rebuilt: drop its ports and probes; until the new side
        attaches, every system says ``detail``."""
        for task in self._probes:
            task.cancel()
        self._probes.clear()
        self._phone = self._lookup = self._nfon_dialler = self._account = None
        systems = {
            name: SystemStatus(system=name, state=ReachState.UNKNOWN, detail=detail)
            for name in self._status.systems
        }
        self._set_status(systems=systems, nfon_signed_in=None, nfon_account="")

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def status(self) -> DesktopStatus:
        return self._status

    @property
    def has_phone(self) -> bool:
        return self._phone is not None

    @property
    def has_lookup(self) -> bool:
        return self._lookup is not None

    @property
    def has_account(self) -> bool:
        return self._account is not None

    def start(self) -> None:
        """Listen to the tracker; call once the widgets are connected."""
        if self._unsubscribe is None:
            self._unsubscribe = self._tracker.subscribe(self._on_call_changed)

    async def close(self) -> None:
        """Stop listening and cancel every running command and probe."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def call(self, call_id: str) -> Call | None:
        return self._tracker.get(call_id)

    def live_calls(self) -> list[Call]:
        return self._tracker.live_calls()

    def caller_info(self, call_id: str) -> CallerInfo | None:
        return self._infos.get(call_id)

    def last_caller(self) -> Call | None:
        """The most recent inbound call, for "Show last caller"."""
        return self._tracker.get(self._last_inbound) if self._last_inbound else None

    def submit(self, label: str, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run a coroutine on the loop; a failure becomes ``error`` (and a log line)."""
        task = self._loop.create_task(self._guarded(label, coroutine))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _guarded(self, label: str, coroutine: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await coroutine
        except asyncio.CancelledError:
            raise
        except (PhoneCommandError, LookupRefused) as exc:  # expected, and said in a sentence
            log.warning("%s failed: %s", label, exc)
            self.report_error(self._failed(label, str(exc)))
        except Exception as exc:
            log.exception("%s failed", label)
            self.report_error(self._failed(label, str(exc)))
        return None

    def _failed(self, label: str, reason: str) -> str:
        return self.tr("%1 failed: %2").replace("%1", label).replace("%2", reason)

    def report_error(self, message: str) -> None:
        """Show a failure in the tray status (also the sink of the crash handler)."""
        self._set_status(last_error=message)
        self.error.emit(message)

    def clear_error(self) -> None:
        self._set_status(last_error="")

    def _on_call_changed(self, change: CallChanged) -> None:
        call = change.call
        known: CallerInfo | None = None
        if change.change is ChangeKind.CREATED:
            if call.direction is Direction.INBOUND:
                self._last_inbound = call.id
            known = self._start_lookup(call)
        self.call_changed.emit(change)
        if known is not None:
            self.caller_info_ready.emit(call.id, known)
        if change.change in (ChangeKind.CREATED, ChangeKind.STATE, ChangeKind.ENDED):
            self._count_calls()
        self._follow_missed(change)

    def _follow_missed(self, change: CallChanged) -> None:
        outcome = self._missed.on_call_changed(change)
        if not outcome:
            return
        self._set_status(missed=len(self._missed))
        if outcome.removed:
            self.missed_cleared.emit(outcome.removed)
        if outcome.added is not None:
            self.missed_call.emit(outcome.added)

    def unseen_missed(self) -> list[Call]:
        """The missed calls the agent has not seen yet, oldest first."""
        return self._missed.calls()

    def mark_missed_seen(self, call_ids: list[str] | None = None) -> None:
        """The agent has seen these missed calls (all when None): they leave the count."""
        seen = self._missed.mark_seen(call_ids)
        if seen:
            self._set_status(missed=len(self._missed))
            self.missed_cleared.emit(seen)

    def call_back(self, call: Call) -> None:
        """Dial a missed call's number the way the journal's "Call back" does; it is seen."""
        self.mark_missed_seen([call.id])
        if call.remote.is_anonymous:
            self.report_error(self.tr("The caller's number was withheld; it cannot be called back"))
            return
        self.dial(call.remote.e164 or call.remote.raw)

    def save_notes(self, call_id: str, notes: str) -> None:
        """Store the notes typed for a call in its journal row."""
        if self._notes is None:
            self.report_error(self.tr("Notes cannot be saved: the call journal is not open"))
            return
        try:
            self._notes(call_id, notes)
        except Exception as exc:
            log.exception("saving the notes of %s failed", call_id)
            self.report_error(
                self.tr("Saving the notes failed: %1. Copy them into a ticket instead.").replace(
                    "%1", str(exc)
                )
            )
            return
        self.notes_saved.emit(call_id)

    def _count_calls(self) -> None:
        live = self._tracker.live_calls()
        ringing = sum(1 for c in live if c.state in (CallState.RINGING, CallState.DIALING))
        self._set_status(ringing=ringing, on_call=len(live) - ringing)

    def _start_lookup(self, call: Call) -> CallerInfo | None:
        """Look the caller up; an answer already at hand is kept and returned at once (the
        card being built reads it), otherwise it arrives with ``caller_info_ready``."""
        if self._lookup is None or call.remote.kind is NumberKind.ANONYMOUS:
            return None
        known = self._lookup.cached(call.remote)
        if known is not None:
            self._remember_info(call.id, known)
            return known
        self.submit(self.tr("Looking up the caller in Zammad"), self._lookup_caller(call.id, call))
        return None

    async def _lookup_caller(self, call_id: str, call: Call) -> None:
        assert self._lookup is not None
        try:
            info = await self._lookup.lookup(call.remote, call_id)
        except Exception as exc:
            log.warning("lookup of %s failed: %s", call.remote.key, exc)
            info = CallerInfo(number=call.remote, error=str(exc))
        self._remember_info(call_id, info)
        self.caller_info_ready.emit(call_id, info)

    def _remember_info(self, call_id: str, info: CallerInfo) -> None:
        """Keep what Zammad said for the live and the recent calls (cards, "Show last caller",
        tickets for a call): a tray app runs for weeks, so the oldest are let go."""
        self._infos[call_id] = info
        self._infos.move_to_end(call_id)
        while len(self._infos) > CALLER_INFOS_KEPT:
            self._infos.popitem(last=False)

    def refresh_caller(self, call_id: str) -> None:
        call = self.call(call_id)
        if call is not None:
            known = self._start_lookup(call)
            if known is not None:
                self.caller_info_ready.emit(call_id, known)

    def answer(self, call_id: str) -> None:
        self._call_command(self.tr("Answering"), call_id, "answer")

    def reject(self, call_id: str) -> None:
        self._call_command(self.tr("Rejecting the call"), call_id, "reject")

    def hold(self, call_id: str) -> None:
        self._call_command(self.tr("Holding the call"), call_id, "hold")

    def resume(self, call_id: str) -> None:
        self._call_command(self.tr("Resuming the call"), call_id, "resume")

    def end(self, call_id: str) -> None:
        self._call_command(self.tr("Ending the call"), call_id, "end")

    def toggle_hold(self, call_id: str) -> None:
        call = self.call(call_id)
        if call is not None and call.state is CallState.HELD:
            self.resume(call_id)
        else:
            self.hold(call_id)

    def _call_command(self, label: str, call_id: str, verb: str) -> None:
        call = self.call(call_id)
        if call is None:
            self.report_error(self._failed(label, self.tr("the call is no longer known")))
            return
        if self._phone is None:
            self.report_error(
                self._failed(label, self.tr("no phone is set up; add it in Settings"))
            )
            return
        method = getattr(self._phone, verb)
        if verb == "reject":
            # The tracker keeps "rejected" for the call: the phone may report only its end.
            self.submit(label, self._tracker.reject(call, method, EndCause.REJECTED))
            return
        self.submit(label, method(call))

    def dial(self, text: str, *, confirmed: bool = False) -> DialPlan | None:
        """Dial selected or typed text; odd numbers go to ``dial_needs_confirmation`` first."""
        try:
            plan = plan_dial(text, self._settings.dialing.default_region)
        except NothingToDial as exc:
            self.report_error(translated(str(exc)))
            return None
        needs = plan.needs_confirmation and self._settings.dialing.confirm_odd_numbers
        if needs and not confirmed:
            self.dial_needs_confirmation.emit(plan)
            return plan
        self.dial_plan(plan)
        return plan

    def dial_plan(self, plan: DialPlan) -> None:
        """Dial a plan the user has seen (or that needed no confirmation)."""
        dialler: Dialler | None = self._phone
        if self._settings.dialing.via == "nfon_cti" and self._nfon_dialler is not None:
            dialler = self._nfon_dialler
        if dialler is None:
            self.report_error(
                self._failed(self.tr("Dialling"), self.tr("no phone is set up; add it in Settings"))
            )
            return
        label = self.tr("Dialling %1").replace("%1", plan.number.display())
        self.notice.emit(label)
        self.submit(label, self._dial(dialler, plan))

    async def _dial(self, dialler: Dialler, plan: DialPlan) -> None:
        await dialler.dial(plan.number, self._settings.dialing.account)
        self.dialled.emit(plan)

    def set_dnd(self, enabled: bool) -> None:
        if self._phone is None:
            self.report_error(
                self._failed(
                    self.tr("Do not disturb"), self.tr("no phone is set up; add it in Settings")
                )
            )
            self._set_status(dnd=self._status.dnd)
            return
        self.submit(self.tr("Do not disturb"), self._set_dnd(enabled))

    async def _set_dnd(self, enabled: bool) -> None:
        assert self._phone is not None
        try:
            await self._phone.set_dnd(enabled)
        except BaseException:
            self._set_status(dnd=self._status.dnd)
            raise
        self._set_status(dnd=enabled)

    def phone_reported_dnd(self, enabled: bool) -> None:
        """The phone says DND changed (its Action URL or a status read): follow it."""
        self._set_status(dnd=enabled)

    def open_customer(self, call_id: str) -> None:
        info = self._infos.get(call_id)
        best = info.best if info else None
        if best is None or not best.url:
            self.report_error(
                self.tr("This caller is not a Zammad customer yet; create a ticket instead")
            )
            return
        self._open(best.url)

    def open_url(self, url: str) -> None:
        if url:
            self._open(url)

    def _open(self, url: str) -> None:
        try:
            self._opener(url)
        except Exception as exc:
            log.exception("opening %s failed", url)
            self.report_error(self.tr("Could not open the browser: %1").replace("%1", str(exc)))

    def create_ticket(self, call_id: str, notes: str = "", call: Call | None = None) -> None:
        """A ticket for the call; ``notes`` (after-call work) go into its text. ``call``: the
        card's copy, for a call the tracker has already let go."""
        if self._lookup is None:
            self.report_error(self.tr("Creating a ticket needs Zammad; set it up in Settings"))
            return
        call = self.call(call_id) or call
        if call is None:
            self.report_error(
                self._failed(self.tr("Creating a ticket"), self.tr("the call is no longer known"))
            )
            return
        info = self._infos.get(call_id) or CallerInfo(number=call.remote)
        self.submit(self.tr("Creating a ticket"), self._create_ticket(call, info, notes))

    async def _create_ticket(self, call: Call, info: CallerInfo, notes: str = "") -> None:
        assert self._lookup is not None
        who = info.best.name if info.best else (call.remote_name or call.remote.display())
        title = f"Call from {who}"
        started = call.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        body = f"{call.direction.value}bound call with {call.remote.display()} at {started}."
        if notes.strip():
            body += "\n\n" + notes.strip()
        ticket: TicketSummary = await self._lookup.create_ticket(info, title, body)
        self.ticket_created.emit(call.id, ticket)
        self.notice.emit(self.tr("Ticket %1 created").replace("%1", ticket.number))
        if ticket.url:
            self._open(ticket.url)
        self.refresh_caller(call.id)

    def sign_in(self) -> None:
        if self._account is None:
            self.report_error(self.tr("NFON is not set up; add the account in Settings"))
            return
        self.submit(self.tr("Signing in to NFON"), self._sign(True))

    def sign_out(self) -> None:
        if self._account is not None:
            self.submit(self.tr("Signing out of NFON"), self._sign(False))

    async def _sign(self, sign_in: bool) -> None:
        assert self._account is not None
        try:
            if sign_in:
                await self._account.login()
            else:
                await self._account.logout()
        finally:
            self._set_status(
                nfon_signed_in=self._account.signed_in, nfon_account=_label(self._account)
            )

    def update_status(self, status: SystemStatus) -> None:
        """A system reports how it is (from a probe, or from a client noticing it)."""
        systems = dict(self._status.systems)
        systems[status.system] = status
        self._set_status(systems=systems)

    def add_status_probe(
        self, probe: StatusProbe, interval_seconds: float = DEFAULT_PROBE_SECONDS
    ) -> asyncio.Task[Any]:
        """Ask a system how it is now and then every ``interval_seconds``."""
        task = self._loop.create_task(self._probe_forever(probe, interval_seconds))
        self._tasks.add(task)
        self._probes.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(self._probes.discard)
        return task

    async def _probe_forever(self, probe: StatusProbe, interval: float) -> None:
        while True:
            try:
                self.update_status(await probe())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("status probe %r failed", probe)
            await asyncio.sleep(interval)

    def apply_settings(self, settings: Settings) -> None:
        """Saved settings take effect for everything the bridge decides (dialling, pop-up)."""
        self._settings = settings
        self.settings_changed.emit(settings)

    def _set_status(self, **changes: Any) -> None:
        self._status = replace(self._status, **changes)
        self.status_changed.emit(self._status)


def _initial(system: str, configured: bool) -> SystemStatus:
    if configured:
        return SystemStatus(system=system, state=ReachState.UNKNOWN, detail="not checked yet")
    return SystemStatus(system=system, state=ReachState.DISABLED, detail="not set up")


def _label(account: NfonAccount | None) -> str:
    if account is None or not account.signed_in:
        return ""
    return account.account_label()


def _open_with_desktop_services(url: str) -> bool:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return bool(QDesktopServices.openUrl(QUrl(url)))
