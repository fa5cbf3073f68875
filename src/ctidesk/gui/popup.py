"""The caller pop-up: a card per call, shown the moment the phone rings, never taking focus.

The card shows what is known at once (number, country, the name the phone or NFON sent) and
fills in the Zammad customer and tickets when the lookup answers. Several calls stack near the
tray. The card only reaches the phone through the bridge. The keyboard reaches a card only when
the agent asks for it (the "focus the pop-up" hotkey, or a click): then Tab moves between its
buttons, Alt and the underlined letter presses one, and Esc gives the keyboard back.

After an answered call its card stays for after-call work (notes for the journal, a ticket,
"Done"; ``[popup] after_call_seconds``). A missed call's card closes as before and a small
`MissedCallCard` with "Call back" takes its place in the stack, until the agent calls back,
dismisses it, or has seen the missed calls in the journal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QObject,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QGuiApplication,
    QKeySequence,
    QMouseEvent,
    QPalette,
    QShortcut,
    QWindow,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ctidesk.config.settings import PopupSettings
from ctidesk.core.call_notes import CallNoteService
from ctidesk.core.calls import Call, CallChanged, CallState, ChangeKind, Direction, EndCause
from ctidesk.core.numbers import parse_number
from ctidesk.core.ports import CallerInfo, MatchLevel, TicketSummary
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.formatting import (
    country_name,
    number_text,
    short_date,
    short_date_time,
    short_time,
    ticket_state_text,
)
from ctidesk.gui.formatting import warm_up as warm_up_formatting

CARD_WIDTH = 380
COMPACT_WIDTH = 300
CARD_GAP = 8
SCREEN_MARGIN = 12
MAX_TICKETS_SHOWN = 8
WARM_UP_AFTER_MS = 1000
CARD_BUILD_INTERVAL_MS = 16
MAX_MISSED_CARDS = 4
MAX_COLUMNS = 2
"""Columns of cards beside the tray at most: more would cover the agent's work."""
"""Missed-call cards on screen at most (the oldest make room; the journal lists them all)."""
NOTES_LINES = 4
TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
NEW_TICKET = "new"

_STATE_WORDS = {
    CallState.RINGING: QT_TRANSLATE_NOOP("CallerCard", "ringing"),
    CallState.DIALING: QT_TRANSLATE_NOOP("CallerCard", "dialling"),
    CallState.CONNECTED: QT_TRANSLATE_NOOP("CallerCard", "connected"),
    CallState.HELD: QT_TRANSLATE_NOOP("CallerCard", "on hold"),
    CallState.ENDED: QT_TRANSLATE_NOOP("CallerCard", "ended"),
}
_ENDING_WORDS = {
    EndCause.MISSED: QT_TRANSLATE_NOOP("CallerCard", "ended, missed"),
    EndCause.REJECTED: QT_TRANSLATE_NOOP("CallerCard", "ended, rejected"),
    EndCause.BLOCKED: QT_TRANSLATE_NOOP("CallerCard", "ended, blocked by Zammad"),
    EndCause.CANCELLED: QT_TRANSLATE_NOOP("CallerCard", "ended, cancelled"),
    EndCause.BUSY: QT_TRANSLATE_NOOP("CallerCard", "ended, busy"),
    EndCause.FORWARDED: QT_TRANSLATE_NOOP("CallerCard", "ended, forwarded"),
    EndCause.VOICEMAIL: QT_TRANSLATE_NOOP("CallerCard", "ended, went to voicemail"),
    EndCause.FAILED: QT_TRANSLATE_NOOP("CallerCard", "ended, failed"),
}


def caller_title(call: Call) -> str:
    """The window title screen readers and window lists show."""
    who = number_text(call.remote)
    if call.remote_name and call.remote_name not in (call.remote.raw, who):
        who = f"{call.remote_name} ({who})"
    if call.direction is Direction.OUTBOUND:
        return QCoreApplication.translate("CallerCard", "Call to %1").replace("%1", who)
    return QCoreApplication.translate("CallerCard", "Incoming call from %1").replace("%1", who)


def format_ticket(ticket: TicketSummary, now: datetime | None = None) -> list[str]:
    """A ticket's row; "updated" is the time for today and the date otherwise, so the title
    keeps the room (the full time is in the tooltip). State and dates in the UI language."""
    updated = ""
    if ticket.updated_at is not None:
        local = ticket.updated_at.astimezone()
        today = (now or datetime.now(local.tzinfo)).astimezone(local.tzinfo).date()
        updated = short_time(local) if local.date() == today else short_date(local.date())
    return [f"#{ticket.number}", ticket.title, ticket_state_text(ticket.state), updated]


def _make_card_window(card: QFrame) -> None:
    """A card is a framed tool window on top that never takes the focus when shown."""
    card.setWindowFlags(
        Qt.WindowType.Tool
        | Qt.WindowType.FramelessWindowHint
        | Qt.WindowType.WindowStaysOnTopHint
        | Qt.WindowType.WindowDoesNotAcceptFocus
    )
    card.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    card.setFrameShape(QFrame.Shape.StyledPanel)
    card.setAutoFillBackground(True)
    card.setBackgroundRole(QPalette.ColorRole.Window)


def _add_card_header(
    layout: QVBoxLayout, title: QLabel, dismiss: Callable[[], object]
) -> QPushButton:
    """A card's top row: its title and the flat "✕" that dismisses the card."""
    header = QHBoxLayout()
    header.addWidget(title, 1)
    close_button = QPushButton("✕")
    close_button.setFlat(True)
    close_button.setFixedWidth(28)
    close_button.clicked.connect(dismiss)
    header.addWidget(close_button)
    layout.addLayout(header)
    return close_button


class CallerCard(QFrame):
    """One call's card; ``dismissed`` asks the stack to close it.

    After an answered call it turns into the after-call card (`enter_after_call`): notes for
    the journal, "Create ticket" and "Done"; the notes are saved however the card closes.
    """

    dismissed = Signal(str)

    def __init__(
        self,
        bridge: DesktopBridge,
        call: Call,
        *,
        compact: bool = False,
        notes: CallNoteService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._notes = notes
        self._note_finished = False
        self._confirmed = False
        self._ticket_labels: dict[int, str] = {}
        self._call = call
        self._info: CallerInfo | None = None
        self.compact = compact
        self.answered_here = False
        self._focus_before: QWindow | None = None
        self.after_call = False
        self._after_call_seconds = 0
        self._remaining = 0
        self._saved_notes = ""
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        _make_card_window(self)
        self.setFixedWidth(COMPACT_WIDTH if compact else CARD_WIDTH)
        self.setObjectName("callerCard")
        self._build()
        info = bridge.caller_info(call.id)
        if info is not None:
            self.update_info(info)

    @property
    def call_id(self) -> str:
        return self._call.id

    @property
    def info(self) -> CallerInfo | None:
        """What the card shows from Zammad (None while it is being looked up)."""
        return self._info

    @property
    def call(self) -> Call:
        return self._call

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)

        self.state_label = QLabel()
        self.close_button = _add_card_header(layout, self.state_label, self.dismiss)

        self.number_label = QLabel()
        font = self.number_label.font()
        font.setPointSizeF(font.pointSizeF() * (1.2 if self.compact else 1.5))
        font.setBold(True)
        self.number_label.setFont(font)
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.number_label)

        self.name_label = QLabel()
        layout.addWidget(self.name_label)

        self.customer_label = QLabel()
        self.customer_label.setWordWrap(True)
        self.customer_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.customer_label)

        self.tickets = QTreeWidget()
        self.tickets.setColumnCount(4)
        self.tickets.setRootIsDecorated(False)
        columns = self.tickets.header()
        columns.setStretchLastSection(False)
        for column in (0, 2, 3):
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        columns.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tickets.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.tickets.itemActivated.connect(self._open_ticket_item)
        self.tickets.itemSelectionChanged.connect(self._refresh_buttons)
        self.tickets.setVisible(False)
        layout.addWidget(self.tickets)

        call_row = QHBoxLayout()
        self.answer_button = self._button(call_row)
        self.reject_button = self._button(call_row)
        self.hold_button = self._button(call_row)
        self.end_button = self._button(call_row)
        layout.addLayout(call_row)
        zammad_row = QHBoxLayout()
        self.customer_button = self._button(zammad_row)
        self.ticket_button = self._button(zammad_row)
        self.create_button = self._button(zammad_row)
        self.create_button.setObjectName("createTicketButton")
        layout.addLayout(zammad_row)
        if self.compact:
            for button in (self.customer_button, self.ticket_button, self.create_button):
                button.setVisible(False)
        self._layout = layout

        for button, name in (
            (self.close_button, "dismissButton"),
            (self.answer_button, "answerButton"),
            (self.reject_button, "rejectButton"),
            (self.hold_button, "holdButton"),
            (self.end_button, "endButton"),
            (self.customer_button, "customerButton"),
            (self.ticket_button, "ticketButton"),
            (self.create_button, "createTicketButton"),
        ):
            button.setObjectName(name)  # what UI automation and journey tests look for
        self.answer_button.clicked.connect(self.answer)
        self.reject_button.clicked.connect(lambda: self._bridge.reject(self.call_id))
        self.hold_button.clicked.connect(lambda: self._bridge.toggle_hold(self.call_id))
        self.end_button.clicked.connect(lambda: self._bridge.end(self.call_id))
        self.customer_button.clicked.connect(lambda: self._bridge.open_customer(self.call_id))
        self.ticket_button.clicked.connect(self._open_selected_ticket)
        self.create_button.clicked.connect(self._create_ticket)
        give_back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        give_back.activated.connect(self.give_back_focus)
        self.retranslate()

    def _build_after_call(self) -> None:
        """Notes, the time left and "Done", built when the answered call ends (not with every
        card: building a card is on the way from the ring to the pop-up)."""
        self.after_call_box = QWidget()
        self.after_call_box.setObjectName("afterCallBox")
        box = QVBoxLayout(self.after_call_box)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(4)
        self.notes_label = QLabel()
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("afterCallNotes")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(
            self.notes_edit.fontMetrics().lineSpacing() * NOTES_LINES
            + 2 * self.notes_edit.frameWidth()
            + 8
        )
        self._notes_viewport = self.notes_edit.viewport()
        self._notes_viewport.installEventFilter(self)
        self.notes_label.setBuddy(self.notes_edit)
        done_row = QHBoxLayout()
        self.countdown_label = QLabel()
        self.countdown_label.setObjectName("afterCallCountdown")
        self.countdown_label.setWordWrap(True)
        self.done_button = QPushButton()
        self.done_button.setObjectName("afterCallDoneButton")
        self.done_button.clicked.connect(self.done)
        done_row.addWidget(self.countdown_label, 1)
        done_row.addWidget(self.done_button)
        box.addWidget(self.notes_label)
        box.addWidget(self.notes_edit)
        if self._notes is not None and self._notes.enabled:
            self._build_ticket_choice(box)
        box.addLayout(done_row)
        self._layout.addWidget(self.after_call_box)
        self.after_call_box.show()  # a child added to a card on screen is not shown by itself

    def _build_ticket_choice(self, box: QVBoxLayout) -> None:
        """Where the call's note goes in Zammad: the customer's open tickets (newest first),
        the ticket opened or created during the call (chosen already), a new ticket, none."""
        self.ticket_choice_label = QLabel()
        self.ticket_choice = QComboBox()
        self.ticket_choice.setObjectName("afterCallTicketChoice")
        self.ticket_choice_label.setBuddy(self.ticket_choice)
        self.private_box = QCheckBox()
        self.private_box.setObjectName("afterCallPrivate")
        self.private_box.toggled.connect(self._private_toggled)
        self.ticket_choice.activated.connect(self._ticket_choice_activated)
        box.addWidget(self.ticket_choice_label)
        box.addWidget(self.ticket_choice)
        box.addWidget(self.private_box)
        self._fill_ticket_choice()

    def _fill_ticket_choice(self, select: int | None = None) -> None:
        if self.__dict__.get("ticket_choice") is None or self._notes is None:
            return
        choice = self.ticket_choice
        wanted = select if select is not None else self._notes.proposal(self.call_id)
        if select is None and choice.count():
            wanted = self.chosen_ticket()
        choice.blockSignals(True)
        choice.clear()
        tickets = list(self._info.open_tickets) if self._info is not None else []
        known = {ticket.id for ticket in tickets}
        for ticket in tickets:
            choice.addItem(f"#{ticket.number}  {ticket.title}", ticket.id)
        if wanted is not None and wanted not in known:
            label = self._ticket_labels.get(wanted) or str(wanted)
            choice.insertItem(0, self.tr("Ticket %1").replace("%1", label), wanted)
        choice.addItem(self.tr("New ticket…"), NEW_TICKET)
        choice.addItem(self.tr("None: no note in Zammad"), None)
        index = choice.findData(wanted) if wanted is not None else -1
        choice.setCurrentIndex(index if index >= 0 else choice.count() - 1)
        choice.blockSignals(False)

    def set_notes(self, notes: CallNoteService | None) -> None:
        """The network side was rebuilt: its new notes service (same queue) takes the card's
        decision."""
        self._notes = notes

    def chosen_ticket(self) -> int | None:
        """The ticket the card's choice names (None: "none", or no choice shown)."""
        if self.__dict__.get("ticket_choice") is None:
            return None
        data = self.ticket_choice.currentData()
        return data if isinstance(data, int) else None

    def _ticket_choice_activated(self, index: int) -> None:
        if self.ticket_choice.itemData(index) == NEW_TICKET:
            self._fill_ticket_choice()  # back to what was chosen until the ticket exists
            self._create_ticket()
        self._restart_countdown()

    def _private_toggled(self, private: bool) -> None:
        self.ticket_choice.setEnabled(not private)
        self._restart_countdown()

    def ticket_created(self, ticket: TicketSummary) -> None:
        """A ticket created from this card: it is the note's ticket now."""
        self._ticket_labels[ticket.id] = f"#{ticket.number}"
        self._fill_ticket_choice(select=ticket.id)

    def _finish_note(self) -> None:
        """Tell the notes service how the card ended: Done with a choice is the agent's say."""
        if self._notes is None or self._note_finished or not self.after_call:
            return
        self._note_finished = True
        private = self.__dict__.get("private_box") is not None and self.private_box.isChecked()
        chosen = self.chosen_ticket()
        self._notes.finish(
            self.call_id,
            ticket_id=chosen,
            ticket_label=self._ticket_labels.get(chosen, "") if chosen is not None else "",
            notes=self.notes_edit.toPlainText(),
            private=private,
            confirmed=self._confirmed,
        )

    def _button(self, row: QHBoxLayout) -> QPushButton:
        button = QPushButton()
        button.setAutoDefault(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        row.addWidget(button)
        return button

    @staticmethod
    def _label_button(button: QPushButton, text: str, accessible: str) -> None:
        button.setText(text)
        button.setAccessibleName(accessible)
        shortcut = QKeySequence.mnemonic(text).toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{accessible} ({shortcut})" if shortcut else accessible)

    def retranslate(self) -> None:
        """Every fixed text in the language installed now (again on a language change)."""
        self.state_label.setAccessibleName(self.tr("Call state"))
        self.close_button.setAccessibleName(self.tr("Dismiss"))
        self.close_button.setToolTip(self.tr("Dismiss this card"))
        self.close_button.setAccessibleDescription(self.tr("Closes this pop-up; the call goes on"))
        self.number_label.setAccessibleName(self.tr("Number"))
        self.name_label.setAccessibleName(self.tr("Name from the phone"))
        self.customer_label.setAccessibleName(self.tr("Zammad customer"))
        self.tickets.setAccessibleName(self.tr("Tickets of this customer"))
        self.tickets.setHeaderLabels(
            [self.tr("Ticket"), self.tr("Title"), self.tr("State"), self.tr("Updated")]
        )
        self._label_button(self.answer_button, self.tr("&Answer"), self.tr("Answer the call"))
        self._label_button(self.reject_button, self.tr("&Reject"), self.tr("Reject the call"))
        self._label_button(self.hold_button, self.tr("&Hold"), self.tr("Hold or resume the call"))
        self._label_button(self.end_button, self.tr("&End"), self.tr("End the call"))
        self._label_button(
            self.customer_button, self.tr("Open &customer"), self.tr("Open the customer in Zammad")
        )
        self._label_button(
            self.ticket_button, self.tr("Open &ticket"), self.tr("Open the selected ticket")
        )
        self._label_button(
            self.create_button, self.tr("Create tic&ket"), self.tr("Create a ticket for this call")
        )
        if self.after_call:
            self._retranslate_after_call()
        self.update_call(self._call)
        if self._info is not None:
            self.update_info(self._info)

    def answer(self) -> None:
        """Answer through the bridge (the Answer button, Alt+A and the answer hotkey)."""
        self.answered_here = True
        self._bridge.answer(self.call_id)

    def buttons(self) -> list[QPushButton]:
        """The card's buttons in Tab order, the dismiss button last."""
        return [
            self.answer_button,
            self.reject_button,
            self.hold_button,
            self.end_button,
            self.customer_button,
            self.ticket_button,
            self.create_button,
            self.close_button,
        ]

    def take_focus(self) -> None:
        """Let the card have the keyboard, with the focus on its first button that can be
        pressed; the window that had it gets it back on Esc."""
        focused = QGuiApplication.focusWindow()
        if focused is not None and focused is not self.windowHandle():
            self._focus_before = focused
        self._accept_focus(True)
        self.raise_()
        self.activateWindow()
        first = next((b for b in self.buttons() if b.isEnabled() and b.isVisible()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def give_back_focus(self) -> None:
        """Esc: the card stays on screen (the call goes on) and stops taking the keyboard;
        a ctidesk window that had it before gets it back, else the desktop's last one."""
        self._accept_focus(False)
        before, self._focus_before = self._focus_before, None
        try:
            if before is not None and before.isVisible():
                before.requestActivate()
        except RuntimeError:  # that window was closed and deleted meanwhile
            pass

    def _accept_focus(self, accept: bool) -> None:
        if bool(self.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus) == (not accept):
            return
        visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowDoesNotAcceptFocus, not accept)
        if visible:
            self.show()  # changing a window's flags hides it

    def _retranslate_after_call(self) -> None:
        self.notes_label.setText(self.tr("&Notes for the call journal:"))
        self.notes_label.setAccessibleName(self.tr("Notes for the call journal"))
        self.notes_edit.setAccessibleName(self.tr("Notes for the call journal"))
        self.notes_edit.setPlaceholderText(self.tr("What was agreed, what to do next"))
        self._label_button(
            self.done_button, self.tr("&Done"), self.tr("Done: save the notes and close the card")
        )
        self.countdown_label.setAccessibleName(self.tr("When the card closes"))
        if self.__dict__.get("ticket_choice") is not None:
            self.ticket_choice_label.setText(self.tr("Call note to Zammad &ticket:"))
            self.ticket_choice.setAccessibleName(self.tr("Zammad ticket for the call's note"))
            self.private_box.setText(self.tr("&Private call: send nothing to Zammad"))
            self._fill_ticket_choice()
        self._show_countdown()

    def _create_ticket(self) -> None:
        notes = self.notes_edit.toPlainText() if self.after_call else ""
        self._bridge.create_ticket(self.call_id, notes, self._call)

    def enter_after_call(self, seconds: int) -> None:
        """The answered call ended: keep the card for notes and a ticket until "Done", or
        until ``seconds`` pass without typing (0: until "Done")."""
        if self.after_call:
            return
        self.after_call = True
        self._after_call_seconds = seconds
        self._build_after_call()
        self._retranslate_after_call()
        self.notes_edit.textChanged.connect(self._restart_countdown)
        self._restart_countdown()
        self._refresh_buttons()
        if self.isVisible():
            self.adjustSize()

    def _restart_countdown(self) -> None:
        """The full time again (typing keeps the card open), or no countdown at all."""
        self._remaining = self._after_call_seconds
        if self._remaining > 0:
            self._countdown.start()
        self._show_countdown()

    def _tick(self) -> None:
        self._remaining -= 1
        if self._remaining <= 0:
            self._countdown.stop()
            self.dismiss()
            return
        self._show_countdown()

    def _show_countdown(self) -> None:
        if self._after_call_seconds <= 0:
            self.countdown_label.setText(self.tr("Stays until you press Done."))
        else:
            self.countdown_label.setText(
                self.tr("Closes in %1 s; typing keeps it open.").replace("%1", str(self._remaining))
            )

    def save_notes(self) -> None:
        """Put the notes typed after the call into its journal row (once per change)."""
        if not self.after_call:
            return
        text = self.notes_edit.toPlainText()
        if text.strip() and text != self._saved_notes:
            self._saved_notes = text
            self._bridge.save_notes(self.call_id, text)

    def update_call(self, call: Call) -> None:
        self._call = call
        direction = (
            self.tr("Outgoing call")
            if call.direction is Direction.OUTBOUND
            else self.tr("Incoming call")
        )
        state = QCoreApplication.translate("CallerCard", str(_STATE_WORDS[call.state]))
        if call.state is CallState.ENDED and call.ending in _ENDING_WORDS:
            state = QCoreApplication.translate("CallerCard", str(_ENDING_WORDS[call.ending]))
        self.state_label.setText(f"{direction}: {state}")
        country = country_name(call.remote)
        number = number_text(call.remote)
        self.number_label.setText(f"{number}  ·  {country}" if country else number)
        self.number_label.setAccessibleDescription(number)
        name = call.remote_name or ""
        if name in (call.remote.raw, number):
            name = ""
        self.name_label.setText(name)
        self._show_name_once()
        self.setWindowTitle(caller_title(call))
        self.setAccessibleName(self.windowTitle())
        if self._info is None and not self._bridge.has_lookup:
            self.customer_label.setText("")
        elif self._info is None:
            self.customer_label.setText(self.tr("Looking up in Zammad…"))
        self._refresh_buttons()

    def update_info(self, info: CallerInfo) -> None:
        self._info = info
        for ticket in (*info.open_tickets, *info.closed_tickets):
            self._ticket_labels[ticket.id] = f"#{ticket.number}"
        lines: list[str] = []
        if info.error:
            lines.append(self.tr("Zammad lookup failed: %1").replace("%1", info.error))
        elif not info.customers:
            lines.append(self.tr("Not known in Zammad"))
        for customer in info.customers[:3]:
            line = customer.name
            if customer.organization:
                line += f", {customer.organization}"
            if customer.level is MatchLevel.MAYBE:
                line += "  " + self.tr("(maybe: number matched loosely)")
            lines.append(line)
        if len(info.customers) > 3:
            lines.append(
                self.tr("and %1 more customers with this number").replace(
                    "%1", str(len(info.customers) - 3)
                )
            )
        self.customer_label.setText("\n".join(lines))
        self._show_name_once()
        self.tickets.clear()
        rows = [(t, True) for t in info.open_tickets] + [(t, False) for t in info.closed_tickets]
        placeholder = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for ticket, is_open in rows[:MAX_TICKETS_SHOWN]:
            item = QTreeWidgetItem(format_ticket(ticket))
            item.setData(0, Qt.ItemDataRole.UserRole, ticket.url)
            item.setData(0, TICKET_ID_ROLE, ticket.id)
            item.setToolTip(1, ticket.title)
            if ticket.updated_at is not None:
                item.setToolTip(3, short_date_time(ticket.updated_at.astimezone()))
            if not is_open:
                for column in range(4):
                    item.setForeground(column, placeholder)
            self.tickets.addTopLevelItem(item)
        shown = min(len(rows), MAX_TICKETS_SHOWN)
        if shown:
            row_height = self.tickets.sizeHintForRow(0)
            header = self.tickets.header().sizeHint().height()
            self.tickets.setFixedHeight(header + row_height * shown + 2 * self.tickets.frameWidth())
        self.tickets.setVisible(bool(rows) and not self.compact)
        if self._notes is not None and info.best is not None:
            self._notes.customer_found(self.call_id, info.best.name)
        self._fill_ticket_choice()
        self._refresh_buttons()
        if self.isVisible():  # a card being built is sized once, when the stack shows it
            self.adjustSize()

    def _show_name_once(self) -> None:
        """The phone's (or NFON's) name, unless a Zammad customer line already says it."""
        name = self.name_label.text()
        customers = self._info.customers if self._info is not None else []
        self.name_label.setVisible(bool(name) and all(c.name != name for c in customers))

    def _selected_ticket_url(self) -> str:
        items = self.tickets.selectedItems()
        if items:
            return str(items[0].data(0, Qt.ItemDataRole.UserRole) or "")
        if self._info and self._info.open_tickets:
            return self._info.open_tickets[0].url
        return ""

    def _selected_ticket_id(self) -> int | None:
        items = self.tickets.selectedItems()
        if items:
            value = items[0].data(0, TICKET_ID_ROLE)
            return value if isinstance(value, int) else None
        if self._info and self._info.open_tickets:
            return self._info.open_tickets[0].id
        return None

    def _open_selected_ticket(self) -> None:
        self._ticket_opened(self._selected_ticket_id())
        self._bridge.open_url(self._selected_ticket_url())

    def _open_ticket_item(self, item: QTreeWidgetItem, _column: int) -> None:
        value = item.data(0, TICKET_ID_ROLE)
        self._ticket_opened(value if isinstance(value, int) else None)
        self._bridge.open_url(str(item.data(0, Qt.ItemDataRole.UserRole) or ""))

    def _ticket_opened(self, ticket_id: int | None) -> None:
        """A ticket opened from the card is the call's note's ticket, unless the agent picks
        another in the after-call card."""
        if self._notes is not None and ticket_id is not None:
            label = self._ticket_labels.get(ticket_id, "")
            self._notes.ticket_opened(self.call_id, ticket_id, label=label)
            self._fill_ticket_choice(select=ticket_id)

    def _refresh_buttons(self) -> None:
        state = self._call.state
        inbound_ringing = (
            state is CallState.RINGING and self._call.direction is not Direction.OUTBOUND
        )
        self.answer_button.setEnabled(inbound_ringing and self._bridge.has_phone)
        self.reject_button.setEnabled(inbound_ringing and self._bridge.has_phone)
        self.hold_button.setEnabled(
            state in (CallState.CONNECTED, CallState.HELD) and self._bridge.has_phone
        )
        self.hold_button.setText(
            self.tr("Res&ume") if state is CallState.HELD else self.tr("&Hold")
        )
        self.end_button.setEnabled(
            state in (CallState.CONNECTED, CallState.HELD, CallState.DIALING)
            and self._bridge.has_phone
        )
        best = self._info.best if self._info else None
        self.customer_button.setEnabled(bool(best and best.url))
        self.ticket_button.setEnabled(bool(self._selected_ticket_url()))
        self.create_button.setEnabled(self._bridge.has_lookup and self._info is not None)
        calling = not self.after_call
        self.answer_button.setVisible(not self.compact and calling)
        self.reject_button.setVisible(not self.compact and calling)
        self.hold_button.setVisible(calling)
        self.end_button.setVisible(calling)
        if self.compact:
            self.create_button.setVisible(self.after_call)

    def done(self) -> None:
        """ "Done": the notes and the ticket choice are the agent's say; the card closes."""
        self._confirmed = True
        self.dismiss()

    def dismiss(self) -> None:
        """Close the card (✕, Esc, "Done" or the after-call time); typed notes are kept."""
        self._countdown.stop()
        self.save_notes()
        self._finish_note()
        self.dismissed.emit(self.call_id)

    def _take_focus(self) -> None:
        """A click says the agent wants the card: from now on it may take keyboard focus."""
        if self.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus:
            self._accept_focus(True)
            self.activateWindow()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._take_focus()
        super().mousePressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt API name
        """A click into the notes is a click on the card: the agent wants to type."""
        if event.type() == QEvent.Type.MouseButtonPress and watched is self.__dict__.get(
            "_notes_viewport"
        ):
            self._take_focus()
            self.notes_edit.setFocus()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange and self._info is not None:
            self.update_info(self._info)
        super().changeEvent(event)


class MissedCallCard(QFrame):
    """A missed call's notification in the stack: who called, when, and "Call back".

    One card per number (a caller who tried three times is one card saying so). Calling back
    or dismissing marks its calls seen; the stack closes it when they are seen or settled.
    """

    dismissed = Signal(str)

    def __init__(self, bridge: DesktopBridge, call: Call, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._calls: list[Call] = [call]
        self._key = call.remote.key
        _make_card_window(self)
        self.setFixedWidth(COMPACT_WIDTH)
        self.setObjectName("missedCallCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        self.title_label = QLabel()
        self.title_label.setObjectName("missedCallTitle")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.close_button = _add_card_header(layout, self.title_label, self.dismiss)
        self.close_button.setObjectName("missedCallDismissButton")
        self.number_label = QLabel()
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.number_label)
        self.name_label = QLabel()
        layout.addWidget(self.name_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.call_back_button = QPushButton()
        self.call_back_button.setObjectName("missedCallBackButton")
        self.call_back_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.call_back_button.clicked.connect(self.call_back)
        buttons.addWidget(self.call_back_button)
        layout.addLayout(buttons)
        dismiss = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        dismiss.activated.connect(self.dismiss)
        self.retranslate()

    @property
    def key(self) -> str:
        """The caller's number key: one card per caller."""
        return self._key

    @property
    def call(self) -> Call:
        """The latest missed call from this number."""
        return self._calls[-1]

    def call_ids(self) -> list[str]:
        return [call.id for call in self._calls]

    def add(self, call: Call) -> None:
        """The same caller was missed again."""
        self._calls.append(call)
        self.retranslate()

    def forget(self, call_ids: list[str]) -> bool:
        """These calls were seen or settled; returns whether none is left to show."""
        self._calls = [call for call in self._calls if call.id not in call_ids]
        if self._calls:
            self.retranslate()
        return not self._calls

    def retranslate(self) -> None:
        call = self.call
        who = call.remote.display()
        if call.remote_name and call.remote_name not in (call.remote.raw, who):
            who = f"{call.remote_name} ({who})"
        self.setWindowTitle(self.tr("Missed call from %1").replace("%1", who))
        self.setAccessibleName(self.windowTitle())
        when = call.started_at.astimezone().strftime("%H:%M")
        if len(self._calls) == 1:
            self.title_label.setText(self.tr("Missed call at %1").replace("%1", when))
        else:
            self.title_label.setText(
                self.tr("%1 missed calls, the last at %2")
                .replace("%1", str(len(self._calls)))
                .replace("%2", when)
            )
        self.title_label.setAccessibleName(self.tr("Missed call"))
        self.number_label.setText(call.remote.display())
        self.number_label.setAccessibleName(self.tr("Number"))
        name = call.remote_name or ""
        self.name_label.setText("" if name in (call.remote.raw, call.remote.display()) else name)
        self.name_label.setVisible(bool(self.name_label.text()))
        self.name_label.setAccessibleName(self.tr("Name from the phone"))
        self.close_button.setAccessibleName(self.tr("Dismiss"))
        self.close_button.setToolTip(self.tr("Dismiss: the call stays in the journal (Esc)"))
        text = self.tr("&Call back")
        self.call_back_button.setText(text)
        self.call_back_button.setAccessibleName(self.tr("Call back"))
        self.call_back_button.setToolTip(
            self.tr("Call %1 back from the phone").replace("%1", call.remote.display())
        )
        self.call_back_button.setEnabled(not call.remote.is_anonymous)

    def call_back(self) -> None:
        """Dial the caller the way the journal's "Call back" does; the card has done its job."""
        ids, latest = self.call_ids(), self.call
        self._bridge.mark_missed_seen(ids)
        self._bridge.call_back(latest)
        self.dismissed.emit(self.key)

    def dismiss(self) -> None:
        self._bridge.mark_missed_seen(self.call_ids())
        self.dismissed.emit(self.key)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self._calls:
            self.retranslate()
        super().changeEvent(event)


AnchorProvider = Callable[[], QRect]


class PopupStack(QObject):
    """Creates, stacks and closes caller cards as calls come and go.

    Every card on screen lies inside the available area of the tray's screen. The stack fills
    a column from the tray corner, then a second one beside it. Ringing calls come first
    (nearest the tray), then the other live calls, then after-call cards, then missed-call
    notifications, newest first in each; a card that finds no room waits hidden (its notes
    and the missed call's journal row and tray count stay) and comes back when a card closes
    or shrinks. So a ringing call's card never waits behind after-call or missed cards.
    """

    card_shown = Signal(str)
    """A call's card is on screen (also when it was built a frame after its ring)."""

    def __init__(
        self,
        bridge: DesktopBridge,
        anchor: AnchorProvider | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._anchor = anchor or (lambda: QRect())
        self._cards: dict[str, CallerCard] = {}
        self._missed: dict[str, MissedCallCard] = {}
        self._waiting: dict[str, Call] = {}
        self._notes: CallNoteService | None = None
        self._last_build = -1.0
        self._arranging = False
        self._next_build = QTimer(self)
        self._next_build.setSingleShot(True)
        self._next_build.timeout.connect(self._build_next)
        bridge.call_changed.connect(self._on_call_changed)
        bridge.caller_info_ready.connect(self._on_caller_info)
        bridge.missed_call.connect(self._on_missed_call)
        bridge.missed_cleared.connect(self._on_missed_cleared)
        bridge.ticket_created.connect(self._on_ticket_created)
        QTimer.singleShot(WARM_UP_AFTER_MS, self, self._warm_up)

    def _warm_up(self) -> None:
        """Build and drop a card while nothing rings: the first card also sets up Qt's styles
        and font caches, which took the first caller's pop-up from about 4 ms to 9 ms."""
        if self._cards:
            return
        warm_up_formatting()
        placeholder = Call(
            id="",
            direction=Direction.INBOUND,
            remote=parse_number(""),
            state=CallState.RINGING,
            started_at=datetime.now(UTC),
        )
        CallerCard(self._bridge, placeholder).deleteLater()

    @property
    def settings(self) -> PopupSettings:
        return self._bridge.settings.popup

    def set_call_notes(self, notes: CallNoteService | None) -> None:
        """The after-call notes service of the running network (None: notes are off); cards
        built from now on offer the ticket choice, cards on screen report to it."""
        self._notes = notes
        for card in self._cards.values():
            card.set_notes(notes)

    def _on_ticket_created(self, call_id: str, ticket: TicketSummary) -> None:
        if self._notes is not None:
            self._notes.ticket_opened(call_id, ticket.id, "created", f"#{ticket.number}")
        card = self._cards.get(call_id)
        if card is not None:
            card.ticket_created(ticket)

    def cards(self) -> list[CallerCard]:
        return list(self._cards.values())

    def card_for(self, call_id: str) -> CallerCard | None:
        return self._cards.get(call_id)

    def focus_newest(self) -> CallerCard | None:
        """Give the newest card the keyboard (the "focus the pop-up" hotkey); None when no
        card is on screen."""
        shown = [card for card in self._cards.values() if card.isVisible()]
        if not shown:
            return None
        card = shown[-1]
        card.take_focus()
        return card

    def answer(self, call_id: str) -> None:
        """Answer a call as its card's Answer button does (so a card that closes when a call
        is answered elsewhere stays), or through the bridge when it has no card."""
        if call_id in self._waiting:  # its card was due a frame later: build it now
            self.show_call(self._waiting.pop(call_id))
        card = self._cards.get(call_id)
        if card is not None:
            card.answer()
        else:
            self._bridge.answer(call_id)

    def missed_cards(self) -> list[MissedCallCard]:
        """The missed-call notifications on screen, oldest first."""
        return list(self._missed.values())

    def _on_call_changed(self, change: CallChanged) -> None:
        call = change.call
        card = self._cards.get(call.id)
        if call.id in self._waiting:
            if self._closes(change, answered_here=False):
                del self._waiting[call.id]  # it would close at once: no card at all
            else:
                self._waiting[call.id] = call  # its card, when built, shows the call as it is
            return
        if card is None:
            if change.change is ChangeKind.CREATED and call.is_live and self._wants_card(call):
                self._card_when_due(call)
            return
        card.update_call(call)
        after_call = change.change is ChangeKind.ENDED and call.was_answered
        if after_call and not card.after_call:
            seconds = self.settings.after_call_seconds
            card.enter_after_call(0 if self.settings.close_when == "dismissed" else seconds)
            self._arrange()
        elif self._closes(change, answered_here=card.answered_here) and not card.after_call:
            self.close_card(call.id)
        else:
            self._arrange()  # a ringing card that was answered makes way for the next ringing one

    def _closes(self, change: CallChanged, *, answered_here: bool) -> bool:
        """Whether this change ends the card's time on screen, by the close policy."""
        close_when = self.settings.close_when
        return (change.change is ChangeKind.ENDED and close_when != "dismissed") or (
            close_when == "answered_elsewhere"
            and change.call.state is CallState.CONNECTED
            and change.previous_state is CallState.RINGING
            and not answered_here
        )

    def _card_when_due(self, call: Call) -> None:
        """Show the card now, unless one was built less than a frame ago: then at the next
        frame. A card costs the GUI thread 2-3 ms; a storm of calls (a phone replaying its
        backlog, a hotline's ring group) must not freeze the desktop building cards nobody
        can read. Cards come in ring order, one per frame, for the calls still ringing."""
        waited = (time.monotonic() - self._last_build) * 1000
        if not self._waiting and waited >= CARD_BUILD_INTERVAL_MS:
            self.show_call(call)
            return
        self._waiting[call.id] = call
        if not self._next_build.isActive():
            self._next_build.start(max(0, int(CARD_BUILD_INTERVAL_MS - waited)))

    def _build_next(self) -> None:
        """The oldest waiting call's card (calls whose card would have closed already left
        the queue in ``_on_call_changed``)."""
        if self._waiting:
            call_id = next(iter(self._waiting))
            call = self._waiting.pop(call_id)
            if call_id not in self._cards:
                self.show_call(call)
        if self._waiting:
            self._next_build.start(CARD_BUILD_INTERVAL_MS)

    def _wants_card(self, call: Call) -> bool:
        if not self.settings.enabled:
            return False
        return call.direction is not Direction.OUTBOUND or self.settings.show_outbound

    def _on_caller_info(self, call_id: str, info: CallerInfo) -> None:
        card = self._cards.get(call_id)
        if card is not None and card.info is not info:
            card.update_info(info)
            self._arrange()

    def show_call(self, call: Call) -> CallerCard:
        """Show (or raise) the card of a call, also for an ended one ("Show last caller")."""
        card = self._cards.get(call.id)
        if card is None:
            self._last_build = time.monotonic()
            card = CallerCard(
                self._bridge,
                call,
                compact=call.direction is Direction.OUTBOUND,
                notes=self._notes,
            )
            card.dismissed.connect(self.close_card)
            card.installEventFilter(self)
            self._cards[call.id] = card
        card.adjustSize()
        self._arrange()
        card.raise_()
        self.card_shown.emit(call.id)
        return card

    def close_card(self, call_id: str) -> None:
        card = self._cards.pop(call_id, None)
        if card is not None:
            card.hide()
            card.deleteLater()
            self._arrange()

    def _on_missed_call(self, call: Call) -> None:
        if self.settings.enabled:
            self.show_missed(call)

    def show_missed(self, call: Call) -> MissedCallCard:
        """The missed call's notification (the caller's card, when they were missed before)."""
        key = call.remote.key
        card = self._missed.pop(key, None)
        if card is None:
            card = MissedCallCard(self._bridge, call)
            card.dismissed.connect(self.close_missed)
            card.installEventFilter(self)
        else:
            card.add(call)
        self._missed[key] = card
        while len(self._missed) > MAX_MISSED_CARDS:
            self.close_missed(next(iter(self._missed)))
        card.adjustSize()
        self._arrange()
        card.raise_()
        return card

    def _on_missed_cleared(self, call_ids: list[str]) -> None:
        for key, card in list(self._missed.items()):
            if card.forget(call_ids):
                self.close_missed(key)
            else:
                card.adjustSize()
        self._arrange()

    def close_missed(self, key: str) -> None:
        card = self._missed.pop(key, None)
        if card is not None:
            card.hide()
            card.deleteLater()
            self._arrange()

    def close_all(self) -> None:
        """Every card closes (ctidesk quits); notes typed after a call are kept."""
        self._waiting.clear()
        self._next_build.stop()
        for call_id, card in list(self._cards.items()):
            card.save_notes()
            self.close_card(call_id)
        for key in list(self._missed):
            self.close_missed(key)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt API name
        """A card changed height (after-call work, a wrapped line): the stack makes room."""
        if event.type() == QEvent.Type.Resize and not self._arranging:
            self._arrange()
        return super().eventFilter(watched, event)

    def _by_priority(self) -> list[QWidget]:
        """Ringing calls, other live calls, after-call cards, missed calls; newest first."""
        calls = list(reversed(self._cards.values()))
        ringing = [card for card in calls if card.call.state is CallState.RINGING]
        return [
            *ringing,
            *(card for card in calls if card not in ringing and not card.after_call),
            *(card for card in calls if card.after_call),
            *reversed(self._missed.values()),
        ]

    def _arrange(self) -> None:
        """Stack the cards from the tray corner inwards, in columns inside the screen's
        available area; the cards that find no room wait hidden (see the class docstring)."""
        if (not self._cards and not self._missed) or self._arranging:
            return
        self._arranging = True
        try:
            self._place_cards()
        finally:
            self._arranging = False

    def _place_cards(self) -> None:
        anchor = self._anchor() if self.settings.position == "tray" else QRect()
        screen = QGuiApplication.screenAt(anchor.center()) if anchor.isValid() else None
        screen = screen or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen else QRect(0, 0, 1280, 800)
        at_top = self.settings.position == "top_right" or (
            anchor.isValid() and anchor.center().y() < area.center().y()
        )
        right = area.right() - SCREEN_MARGIN
        if anchor.isValid() and area.contains(anchor.center()):
            right = min(right, max(anchor.right(), area.left() + CARD_WIDTH + SCREEN_MARGIN))
        top = area.top() + SCREEN_MARGIN
        bottom = area.bottom() - SCREEN_MARGIN
        if anchor.isValid() and area.contains(anchor.center()):
            top = max(top, anchor.bottom() + SCREEN_MARGIN) if at_top else top
            bottom = min(bottom, anchor.top() - SCREEN_MARGIN) if not at_top else bottom
        rights = [
            right - column * (CARD_WIDTH + CARD_GAP)
            for column in range(MAX_COLUMNS)
            if right - column * (CARD_WIDTH + CARD_GAP) - CARD_WIDTH >= area.left() + SCREEN_MARGIN
        ] or [right]
        free = [bottom - top + 1] * len(rights)  # the height left in each column
        for index, card in enumerate(self._by_priority()):
            # A card on screen has its real height (word-wrapped labels make it taller than
            # its size hint: the after-call card's countdown, for one); a waiting card keeps
            # the height it had, unless it grew meanwhile.
            height = card.height()
            if not card.isVisible():
                height = max(height, card.sizeHint().height())
            column = next((i for i, left in enumerate(free) if height <= left), None)
            if column is None and index == 0:
                column = 0  # the most urgent card shows even on a screen too small for it
            if column is None:
                card.hide()
                continue
            used = bottom - top + 1 - free[column]
            y = top + used if at_top else bottom + 1 - used - height
            card.move(QPoint(rights[column] - card.width(), max(y, area.top())))
            free[column] -= height + CARD_GAP
            card.show()
