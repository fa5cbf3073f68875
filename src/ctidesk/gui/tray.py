"""The tray icon and its menu, or a small window where the desktop has no system tray.

The icon and tooltip follow `DesktopStatus`; the DND entry follows the phone (it is checked only
when the phone confirmed). A missed call gets a notification with a "Call back" button from the
desktop (`gui/notifications.py`, where the desktop has a notification server) or a message from
the tray (clicking it shows the missed calls), and counts on the icon and in the "Missed calls
(N)" entry until the agent has seen it; once seen, the desktop's notification is withdrawn.
Every entry calls the bridge or opens one of the windows. Texts are set in `retranslate`, again
whenever the language changes (the menu gets Qt's LanguageChange).

The tray icon itself is Qt's: an XEmbed icon on X11 desktops with a system tray, a
StatusNotifierItem (with its menu over com.canonical.dbusmenu) where a StatusNotifierWatcher is
on the session bus (KDE, GNOME with the AppIndicator extension, most Wayland desktops), the
notification area on Windows and the menu bar on macOS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, QRect, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from ctidesk.core.calls import Call
from ctidesk.gui.bridge import DesktopBridge, DesktopStatus
from ctidesk.gui.icons import TrayIcons, describe, tooltip_text
from ctidesk.gui.notifications import DEFAULT_ACTION, DesktopNotifier, NotificationAction

log = logging.getLogger(__name__)

NO_TRAY_REASON = QT_TRANSLATE_NOOP(
    "FallbackWindow",
    "Your desktop has no system tray (notification area), so ctidesk shows this small window "
    "instead. On GNOME, install the AppIndicator extension to get the tray icon.",
)
MESSAGE_MILLISECONDS = 6000
CALL_BACK_ACTION = "call-back"
MISSED_CATEGORY = "call.unanswered"


@dataclass
class TrayActions:
    """What the menu entries open; the composition passes the windows' show functions."""

    open_dialer: Callable[[], None]
    open_settings: Callable[[], None]
    show_last_caller: Callable[[], None]
    copy_diagnostics: Callable[[], None]
    quit: Callable[[], None]
    simulate_call: Callable[[], None] | None = None
    open_journal: Callable[[], object] | None = None
    open_call_lists: Callable[[], object] | None = None
    open_team: Callable[[], object] | None = None
    open_missed_calls: Callable[[], object] | None = None
    open_setup: Callable[[], object] | None = None


def no_tray_reason() -> str:
    return QCoreApplication.translate("FallbackWindow", str(NO_TRAY_REASON))


class FallbackWindow(QWidget):
    """Stands in for the tray: status, the reason, and the same menu behind a button."""

    def __init__(self, menu: QMenu, on_close: Callable[[], None]) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self._on_close = on_close
        self.setWindowTitle("ctidesk")
        layout = QVBoxLayout(self)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        layout.addWidget(self.reason)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.menu_button = QPushButton()
        self.menu_button.setMenu(menu)
        layout.addWidget(self.menu_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("ctidesk status window"))
        self.reason.setText(no_tray_reason())
        self.reason.setAccessibleName(self.tr("Why this window is shown"))
        self.status.setAccessibleName(self.tr("Status"))
        self.menu_button.setText(self.tr("&Menu"))
        self.menu_button.setAccessibleName(self.tr("ctidesk menu"))

    def changeEvent(self, event: QEvent) -> None:  # Qt API name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt API name
        self._on_close()
        super().closeEvent(event)


class TrayController(QObject):
    """Owns the tray icon (or the fallback window) and the menu."""

    def __init__(
        self,
        bridge: DesktopBridge,
        actions: TrayActions,
        *,
        tray_available: bool | None = None,
        icons: TrayIcons | None = None,
        tray_icon: QSystemTrayIcon | None = None,
        notifier: DesktopNotifier | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``tray_icon``: one already shown at start (adopted, so the tray never flickers);
        ``notifier``: the desktop's notifications, used instead of the tray's message while
        it is available."""
        super().__init__(parent)
        self._bridge = bridge
        self._actions = actions
        self._notifier = notifier
        self._icons = icons or TrayIcons()
        if tray_icon is not None:
            tray_available = True
        elif tray_available is None:
            tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self.menu = QMenu()
        self.missed_message_call: Call | None = None
        """The missed call the last tray message was about (clicking it calls back)."""
        self.last_message = ("", "")
        self._build_menu()
        self.menu.installEventFilter(self)
        self.tray: QSystemTrayIcon | None = None
        self.window: FallbackWindow | None = None
        if tray_available:
            self.tray = tray_icon or QSystemTrayIcon()
            self.tray.setIcon(self._icons.icon_for(bridge.status))
            self.tray.setContextMenu(self.menu)
            self.tray.activated.connect(self._activated)
            self.tray.messageClicked.connect(self._message_clicked)
        else:
            log.warning("no system tray available; showing the status window instead")
            self.window = FallbackWindow(self.menu, actions.quit)
        bridge.status_changed.connect(self.show_status)
        bridge.error.connect(self._show_error)
        bridge.missed_call.connect(self.notify_missed)
        bridge.missed_cleared.connect(self._withdraw_missed)
        self.retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt API name
        """Retranslate when the menu learns of a language change. Qt may still deliver the
        menu's events while this object is being torn down, after its attributes are gone."""
        menu = self.__dict__.get("menu")
        if menu is not None and watched is menu and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().eventFilter(watched, event)

    def _build_menu(self) -> None:
        menu = self.menu
        self.dnd_action = QAction(menu, checkable=True)
        self.dnd_action.triggered.connect(self._toggle_dnd)
        self.dial_action = QAction(menu)
        _on_trigger(self.dial_action, self._actions.open_dialer)
        self.last_caller_action = QAction(menu)
        _on_trigger(self.last_caller_action, self._actions.show_last_caller)
        self.journal_action = self._optional_action(self._actions.open_journal)
        self.call_lists_action = self._optional_action(self._actions.open_call_lists)
        self.team_action = self._optional_action(self._actions.open_team)
        self.team_action.setVisible(False)
        self.missed_action = self._optional_action(self._actions.open_missed_calls)
        self.missed_action.setObjectName("missedCallsAction")
        self.missed_action.setVisible(False)
        self.simulate_action: QAction | None = None
        self.setup_action = self._optional_action(self._actions.open_setup)
        self.settings_action = QAction(menu)
        _on_trigger(self.settings_action, self._actions.open_settings)
        self.sign_action = QAction(menu)
        self.sign_action.triggered.connect(self._sign)
        self.diagnostics_action = QAction(menu)
        _on_trigger(self.diagnostics_action, self._actions.copy_diagnostics)
        self.quit_action = QAction(menu)
        _on_trigger(self.quit_action, self._actions.quit)
        menu.addAction(self.dnd_action)
        menu.addAction(self.dial_action)
        menu.addAction(self.last_caller_action)
        records = [
            (action, opener)
            for action, opener in (
                (self.journal_action, self._actions.open_journal),
                (self.call_lists_action, self._actions.open_call_lists),
                (self.team_action, self._actions.open_team),
                (self.missed_action, self._actions.open_missed_calls),
            )
            if opener is not None
        ]
        if records:
            menu.addSeparator()
            for action, _opener in records:
                menu.addAction(action)
        self._calls_end = menu.addSeparator()
        if self._actions.open_setup is not None:
            menu.addAction(self.setup_action)
        menu.addAction(self.settings_action)
        menu.addAction(self.sign_action)
        menu.addAction(self.diagnostics_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        if self._actions.simulate_call is not None:
            self.offer_simulated_calls(self._actions.simulate_call)

    def _optional_action(self, opener: Callable[[], object] | None) -> QAction:
        """An entry that is only in the menu when the composition gives it something to open."""
        action = QAction(self.menu)
        if opener is not None:
            _on_trigger(action, opener)
        return action

    def retranslate(self) -> None:
        """Every menu text, in the language installed now."""
        self.menu.setAccessibleName(self.tr("ctidesk menu"))
        self.dnd_action.setText(self.tr("Do &not disturb"))
        self.dial_action.setText(self.tr("&Dial..."))
        self.last_caller_action.setText(self.tr("Show &last caller"))
        self.journal_action.setText(self.tr("Call &journal"))
        self.call_lists_action.setText(self.tr("&Call lists"))
        self.team_action.setText(self.tr("&Team"))
        if self.simulate_action is not None:
            self.simulate_action.setText(self.tr("Simulate &incoming call"))
        self.setup_action.setText(self.tr("Set &up..."))
        self.settings_action.setText(self.tr("&Settings..."))
        self.diagnostics_action.setText(self.tr("Copy dia&gnostics"))
        self.quit_action.setText(self.tr("&Quit"))
        self.show_status(self._bridge.status)

    def offer_team(self, available: bool) -> None:
        """The "Team" entry shows only when NFON's CTI API (the team's line states) is set up."""
        self.team_action.setVisible(available and self._actions.open_team is not None)

    def offer_simulated_calls(self, simulate: Callable[[], None]) -> None:
        """The demo's "Simulate incoming call" entry, added once the simulators run."""
        if self.simulate_action is None:
            self.simulate_action = QAction(self.tr("Simulate &incoming call"), self.menu)
            self.menu.insertAction(self._calls_end, self.simulate_action)
        _on_trigger(self.simulate_action, simulate)

    def show(self) -> None:
        if self.tray is not None:
            self.tray.show()
        elif self.window is not None:
            self.window.show()

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()
        if self.window is not None:
            self.window.hide()

    def anchor(self) -> QRect:
        """Where the pop-ups should appear next to (the tray icon, when the tray says)."""
        if self.tray is not None:
            return self.tray.geometry()
        if self.window is not None and self.window.isVisible():
            return self.window.frameGeometry()
        return QRect()

    def tooltip(self) -> str:
        return tooltip_text(self._bridge.status)

    def show_status(self, status: DesktopStatus) -> None:
        if self.tray is not None:
            self.tray.setIcon(self._icons.icon_for(status))
            self.tray.setToolTip(tooltip_text(status))
        if self.window is not None:
            self.window.status.setText(describe(status))
            self.window.setWindowIcon(self._icons.icon_for(status))
        self.dnd_action.setChecked(status.dnd)
        self.dnd_action.setEnabled(self._bridge.has_phone)
        self.sign_action.setVisible(self._bridge.has_account)
        self.sign_action.setText(
            self.tr("Sign &out of NFON") if status.nfon_signed_in else self.tr("Sign &in to NFON")
        )
        self.last_caller_action.setEnabled(self._bridge.last_caller() is not None)
        self.missed_action.setText(self.tr("&Missed calls (%1)").replace("%1", str(status.missed)))
        self.missed_action.setVisible(
            status.missed > 0 and self._actions.open_missed_calls is not None
        )

    def _toggle_dnd(self, checked: bool) -> None:
        self.dnd_action.setChecked(self._bridge.status.dnd)
        self._bridge.set_dnd(checked)

    def _sign(self) -> None:
        if self._bridge.status.nfon_signed_in:
            self._bridge.sign_out()
        else:
            self._bridge.sign_in()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self._actions.show_last_caller()

    def _show_error(self, message: str) -> None:
        self.notify("ctidesk", message, warning=True)

    def notify_missed(self, call: Call) -> None:
        """Bridge `missed_call`: say who called; clicking the message calls them back."""
        who = call.remote.display()
        if call.remote_name and call.remote_name not in (call.remote.raw, who):
            who = f"{call.remote_name} ({who})"
        when = call.started_at.astimezone().strftime("%H:%M")
        if call.remote.is_anonymous:
            text = self.tr("A caller with a withheld number called at %1.").replace("%1", when)
        elif self._native_notifications():
            text = self.tr("%1 called at %2.").replace("%1", who).replace("%2", when)
        else:
            text = (
                self.tr("%1 called at %2. Click here to call back.")
                .replace("%1", who)
                .replace("%2", when)
            )
        if self._notifier is not None and self._native_notifications():
            self.last_message = (self.tr("Missed call"), text)
            actions = (
                []
                if call.remote.is_anonymous
                else [NotificationAction(CALL_BACK_ACTION, self.tr("Call back"))]
            )
            self._notifier.show(
                self.tr("Missed call"),
                text,
                tag=_missed_tag(call.id),
                actions=actions,
                on_action=partial(self._missed_action, call),
                category=MISSED_CATEGORY,
                persistent=True,
            )
            self.missed_message_call = None
            return
        self.notify(self.tr("Missed call"), text)
        self.missed_message_call = None if call.remote.is_anonymous else call

    def _native_notifications(self) -> bool:
        return self._notifier is not None and self._notifier.available()

    def _missed_action(self, call: Call, key: str) -> None:
        """A button (or the body) of a missed call's desktop notification was clicked: "Call
        back" dials; the body shows the missed calls (it never dials, see `_message_clicked`)."""
        if key == CALL_BACK_ACTION:
            self._bridge.call_back(call)
        elif key == DEFAULT_ACTION and self._actions.open_missed_calls is not None:
            self._actions.open_missed_calls()

    def _withdraw_missed(self, call_ids: list[str]) -> None:
        """Bridge `missed_cleared`: the agent has seen these calls; their notifications go."""
        if self._notifier is not None:
            for call_id in call_ids:
                self._notifier.withdraw(_missed_tag(call_id))

    def _message_clicked(self) -> None:
        """A click on the tray's missed-call message shows the missed calls; it never dials.
        Qt's own balloon covers part of the tray icon, so a click meant for the icon can land
        on it: dialling from there called customers back that nobody meant to call."""
        call, self.missed_message_call = self.missed_message_call, None
        if call is not None and self._actions.open_missed_calls is not None:
            self._actions.open_missed_calls()

    def notify(self, title: str, message: str, *, warning: bool = False) -> None:
        """The desktop's notification, else a balloon from the tray, else the status line of
        the fallback window."""
        self.missed_message_call = None
        self.last_message = (title, message)
        if self._notifier is not None and self._notifier.available():
            self._notifier.show(title, message, tag="warning" if warning else "message")
            if self.window is not None:
                self.window.status.setText(f"{message}\n\n{describe(self._bridge.status)}")
            return
        if self.tray is not None and self.tray.isVisible() and self.tray.supportsMessages():
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if warning
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.tray.showMessage(title, message, icon, MESSAGE_MILLISECONDS)
        elif self.window is not None:
            self.window.status.setText(f"{message}\n\n{describe(self._bridge.status)}")


def _missed_tag(call_id: str) -> str:
    return f"missed:{call_id}"


def _on_trigger(action: QAction, command: Callable[[], object]) -> None:
    """Run ``command`` with no arguments when the entry is chosen. ``triggered`` carries
    ``checked``, and PySide6 passes it to any slot that takes an argument: connected directly,
    "Dial..." called ``open_dialer(text=False)`` and showed a TypeError (issue 14)."""
    action.triggered.connect(lambda _checked=False: command())


def copy_to_clipboard(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)
