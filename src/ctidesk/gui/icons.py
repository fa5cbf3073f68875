"""Tray icons drawn with QPainter, one look per state, so they work on any theme without files.

`icon_look` decides (pure, testable); `draw_tray_icon` paints. A handset on a coloured disc:
green all well, blue on a call, amber ringing, red with a bar for do-not-disturb, grey with a
cross when the phone cannot be reached. Small corner badges: orange for a Zammad problem, a hollow
ring when NFON is set up but not signed in, red for an error waiting to be read; top left, a
red disc with the number of missed calls not seen yet (9+ beyond nine).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

from ctidesk.core.ports import ReachState
from ctidesk.gui.bridge import NFON, PHONE, ZAMMAD, DesktopStatus

_PROBLEM_STATES = (ReachState.UNREACHABLE, ReachState.AUTH_FAILED, ReachState.MISCONFIGURED)
COLOURS = {
    "ok": "#2e9d4f",
    "call": "#1f6fd1",
    "ringing": "#e69a00",
    "dnd": "#c62828",
    "phone_down": "#7a7a7a",
    "unknown": "#5f7f8f",
}
MISSED_SHOWN_UP_TO = 9


@dataclass(frozen=True)
class IconLook:
    """What the icon shows; equal looks draw equal icons."""

    base: str
    zammad_problem: bool = False
    nfon_signed_out: bool = False
    error: bool = False
    missed: int = 0
    """Missed calls not seen yet, capped at ``MISSED_SHOWN_UP_TO + 1`` (drawn as 9+)."""


def icon_look(status: DesktopStatus) -> IconLook:
    phone = status.state_of(PHONE)
    if status.ringing:
        base = "ringing"
    elif status.on_call:
        base = "call"
    elif status.dnd:
        base = "dnd"
    elif phone in _PROBLEM_STATES or phone is ReachState.DISABLED:
        base = "phone_down"
    elif phone is ReachState.OK:
        base = "ok"
    else:
        base = "unknown"
    nfon_configured = status.state_of(NFON) is not ReachState.DISABLED
    return IconLook(
        base=base,
        zammad_problem=status.state_of(ZAMMAD) in _PROBLEM_STATES,
        nfon_signed_out=nfon_configured and status.nfon_signed_in is False,
        error=bool(status.last_error),
        missed=min(status.missed, MISSED_SHOWN_UP_TO + 1),
    )


def draw_tray_icon(look: IconLook, size: int = 64) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    unit = size / 64.0
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(COLOURS[look.base]))
    painter.drawEllipse(QRectF(2 * unit, 2 * unit, 60 * unit, 60 * unit))
    _draw_handset(painter, unit)
    if look.base == "dnd":
        painter.setPen(
            QPen(QColor("white"), 7 * unit, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        )
        painter.drawLine(QPointF(14 * unit, 50 * unit), QPointF(50 * unit, 14 * unit))
    elif look.base == "phone_down":
        painter.setPen(
            QPen(QColor("white"), 6 * unit, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        )
        painter.drawLine(QPointF(40 * unit, 40 * unit), QPointF(54 * unit, 54 * unit))
        painter.drawLine(QPointF(54 * unit, 40 * unit), QPointF(40 * unit, 54 * unit))
    elif look.base == "ringing":
        painter.setPen(
            QPen(QColor("white"), 4 * unit, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for radius in (8, 14):
            rect = QRectF(
                (44 - radius) * unit, (20 - radius) * unit, 2 * radius * unit, 2 * radius * unit
            )
            painter.drawArc(rect, 0 * 16, 90 * 16)
    badges = [
        ("#ff8f00", look.zammad_problem, False, QPointF(50, 50)),
        ("#ffffff", look.nfon_signed_out, True, QPointF(14, 50)),
        ("#d50000", look.error, False, QPointF(50, 14)),
    ]
    for colour, shown, hollow, centre in badges:
        if not shown:
            continue
        painter.setPen(QPen(QColor("#202020"), 2.5 * unit))
        painter.setBrush(Qt.BrushStyle.NoBrush if hollow else QColor(colour))
        if hollow:
            painter.setPen(QPen(QColor(colour), 4 * unit))
        painter.drawEllipse(QPointF(centre.x() * unit, centre.y() * unit), 9 * unit, 9 * unit)
    if look.missed:
        _draw_missed_badge(painter, unit, look.missed)
    painter.end()
    return QIcon(pixmap)


def _draw_missed_badge(painter: QPainter, unit: float, missed: int) -> None:
    """The count of unseen missed calls: white digits on a red disc, large enough to read at
    the 16-24 px a tray draws the icon."""
    badge = QRectF(0, 0, 38 * unit, 38 * unit)
    painter.setPen(QPen(QColor("white"), 3 * unit))
    painter.setBrush(QColor("#d32f2f"))
    painter.drawEllipse(badge.adjusted(1.5 * unit, 1.5 * unit, -1.5 * unit, -1.5 * unit))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(1, round((20 if missed > MISSED_SHOWN_UP_TO else 28) * unit)))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    text = f"{MISSED_SHOWN_UP_TO}+" if missed > MISSED_SHOWN_UP_TO else str(missed)
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)


def _draw_handset(painter: QPainter, unit: float) -> None:
    path = QPainterPath()
    path.moveTo(18 * unit, 20 * unit)
    path.cubicTo(18 * unit, 38 * unit, 28 * unit, 46 * unit, 44 * unit, 46 * unit)
    path.lineTo(46 * unit, 39 * unit)
    path.lineTo(38 * unit, 35 * unit)
    path.lineTo(34 * unit, 38 * unit)
    path.cubicTo(30 * unit, 36 * unit, 27 * unit, 33 * unit, 25 * unit, 29 * unit)
    path.lineTo(28 * unit, 25 * unit)
    path.lineTo(24 * unit, 17 * unit)
    path.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("white"))
    painter.drawPath(path)


class TrayIcons:
    """Draws each look once."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._cache: dict[IconLook, QIcon] = {}

    def icon_for(self, status: DesktopStatus) -> QIcon:
        look = icon_look(status)
        if look not in self._cache:
            self._cache[look] = draw_tray_icon(look, self._size)
        return self._cache[look]


def describe(status: DesktopStatus) -> str:
    """The tooltip: one line per system, then calls and DND (in the language installed now)."""
    translate = QCoreApplication.translate
    lines = ["ctidesk"]
    names = {PHONE: translate("TrayStatus", "Phone"), ZAMMAD: "Zammad", NFON: "NFON"}
    words = {
        ReachState.OK: translate("TrayStatus", "reachable"),
        ReachState.UNKNOWN: translate("TrayStatus", "checking"),
        ReachState.UNREACHABLE: translate("TrayStatus", "not reachable"),
        ReachState.AUTH_FAILED: translate("TrayStatus", "password or token rejected"),
        ReachState.MISCONFIGURED: translate("TrayStatus", "settings incomplete"),
        ReachState.DISABLED: translate("TrayStatus", "not set up"),
    }
    for system, name in names.items():
        state = status.state_of(system)
        text = f"{name}: {words[state]}"
        if (
            system == NFON
            and status.nfon_signed_in is not None
            and state is not ReachState.DISABLED
        ):
            text = (
                translate("TrayStatus", "%1: signed in as %2")
                .replace("%1", name)
                .replace("%2", status.nfon_account)
                if status.nfon_signed_in
                else translate("TrayStatus", "%1: signed out").replace("%1", name)
            )
        detail = status.detail_of(system)
        if detail and state in _PROBLEM_STATES:
            text += f" ({detail})"
        lines.append(text)
    if status.ringing:
        lines.append(
            translate("TrayStatus", "Ringing: %1 call(s)").replace("%1", str(status.ringing))
        )
    if status.on_call:
        lines.append(translate("TrayStatus", "On a call: %1").replace("%1", str(status.on_call)))
    lines.append(
        translate("TrayStatus", "Do not disturb: on")
        if status.dnd
        else translate("TrayStatus", "Do not disturb: off")
    )
    if status.missed:
        lines.append(
            translate("TrayStatus", "Missed calls not seen yet: %1").replace(
                "%1", str(status.missed)
            )
        )
    if status.last_error:
        lines.append(translate("TrayStatus", "Last problem: %1").replace("%1", status.last_error))
    return "\n".join(lines)
