"""Statistics tab of the journal window: key figures and charts drawn with QPainter.

QtCharts is not part of PySide6-Essentials, so `BarChart` and `ShareChart` draw themselves.
Their geometry is computed by plain methods (`bar_rects`, `slices`) that tests check directly.
Statistics are computed off the GUI thread (a million calls take a moment) through the injected
``compute``; the widget shows "Computing…" meanwhile and never blocks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ctidesk.core.chart_scale import duration_ticks, nice_ticks
from ctidesk.core.statistics import CallStatistics, Period

ANSWERED_COLOR = QColor("#2e7d32")
MISSED_COLOR = QColor("#c62828")
NOT_REACHED_COLOR = QColor("#9e9e9e")
IN_PROGRESS_COLOR = QColor("#6a1b9a")
WAIT_COLOR = QColor("#f9a825")
TALK_COLOR = QColor("#1565c0")

Compute = Callable[[Period], CallStatistics]
Ticks = Callable[[float], list[float]]
LEGEND_MARK = 24.0
"""A legend entry's colour box and gaps, besides its text."""
LEGEND_GAP = 12.0
Submit = Callable[[str, Coroutine[Any, Any, Any]], object]


@dataclass(frozen=True)
class Series:
    name: str
    color: QColor
    values: list[float]


class BarChart(QWidget):
    """Bars per category; several series are stacked or side by side.

    The value axis runs from 0 to the last of ``ticks(maximum)`` (nice round values), and the
    bars are scaled to that top, so the grid lines match their labels."""

    MARGIN_LEFT = 44.0
    MARGIN_BOTTOM = 34.0
    MARGIN_TOP = 26.0
    MARGIN_RIGHT = 8.0

    def __init__(
        self,
        title: str = "",
        *,
        stacked: bool = True,
        value_format: Callable[[float], str] = lambda v: f"{v:.0f}",
        ticks: Ticks = nice_ticks,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.stacked = stacked
        self.value_format = value_format
        self.ticks = ticks
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.setMinimumSize(320, 180)

    def sizeHint(self) -> QSize:  # Qt API name
        return QSize(520, 220)

    def set_data(self, categories: list[str], series: list[Series]) -> None:
        self.categories = categories
        self.series = series
        self.update()

    def legend_below_title(self) -> bool:
        """Whether the legend needs its own line (it would run into the title beside it)."""
        bold = QFont(self.font())
        bold.setBold(True)
        title = QFontMetricsF(bold).horizontalAdvance(self.title)
        metrics = QFontMetricsF(self.font())
        legend = sum(metrics.horizontalAdvance(s.name) + LEGEND_MARK for s in self.series)
        return title + LEGEND_GAP + legend > self.width() - self.MARGIN_RIGHT

    def _legend_top(self) -> float:
        return self.MARGIN_TOP if self.legend_below_title() else 0.0

    def plot_area(self) -> QRectF:
        top = self.MARGIN_TOP + self._legend_top()
        return QRectF(
            self.MARGIN_LEFT,
            top,
            max(1.0, self.width() - self.MARGIN_LEFT - self.MARGIN_RIGHT),
            max(1.0, self.height() - top - self.MARGIN_BOTTOM),
        )

    def maximum(self) -> float:
        if not self.series or not self.categories:
            return 0.0
        if self.stacked:
            return max(sum(s.values[i] for s in self.series) for i in range(len(self.categories)))
        return max(max(s.values, default=0.0) for s in self.series)

    def axis_ticks(self) -> list[float]:
        """The values of the grid lines, from 0 to the top of the axis."""
        return self.ticks(self.maximum())

    def axis_labels(self) -> list[str]:
        """The texts beside the grid lines, bottom to top."""
        return [self.value_format(value) for value in self.axis_ticks()]

    def bar_rects(self) -> list[tuple[int, int, QRectF]]:
        """(series index, category index, rectangle) of every non-empty bar."""
        area = self.plot_area()
        top = self.axis_ticks()[-1] if self.maximum() > 0 else 0.0
        count = len(self.categories)
        if not count or top <= 0:
            return []
        slot = area.width() / count
        gap = min(6.0, slot * 0.2)
        found: list[tuple[int, int, QRectF]] = []
        for index in range(count):
            left = area.left() + index * slot + gap / 2
            width = slot - gap
            base = area.bottom()
            for number, series in enumerate(self.series):
                value = series.values[index]
                height = area.height() * value / top
                if self.stacked:
                    rect = QRectF(left, base - height, width, height)
                    base -= height
                else:
                    each = width / len(self.series)
                    rect = QRectF(left + number * each, area.bottom() - height, each, height)
                if value > 0:
                    found.append((number, index, rect))
        return found

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt API name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = palette.windowText().color()
        area = self.plot_area()
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(
            QRectF(0, 0, self.width(), self.MARGIN_TOP),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.title,
        )
        painter.setFont(self.font())
        self._draw_legend(painter)
        grid = QPen(palette.mid().color())
        grid.setStyle(Qt.PenStyle.DotLine)
        ticks = self.axis_ticks()
        for value, label in zip(ticks, self.axis_labels(), strict=True):
            y = area.bottom() - area.height() * value / ticks[-1]
            painter.setPen(grid)
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(text_color)
            painter.drawText(
                QRectF(0, y - 8, self.MARGIN_LEFT - 4, 16),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label,
            )
        painter.setPen(Qt.PenStyle.NoPen)
        for number, _index, rect in self.bar_rects():
            painter.setBrush(self.series[number].color)
            painter.drawRect(rect)
        painter.setPen(text_color)
        count = len(self.categories)
        if count:
            slot = area.width() / count
            every = max(1, int(60 // max(slot, 1.0)) + (1 if slot < 60 else 0))
            for index, label in enumerate(self.categories):
                if index % every:
                    continue
                painter.drawText(
                    QRectF(area.left() + index * slot - 30 + slot / 2, area.bottom() + 4, 60, 16),
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                    label,
                )
        painter.end()

    def _draw_legend(self, painter: QPainter) -> None:
        top = self._legend_top()
        x = float(self.width()) - self.MARGIN_RIGHT
        metrics = painter.fontMetrics()
        for series in reversed(self.series):
            width = metrics.horizontalAdvance(series.name)
            x -= width
            painter.setPen(self.palette().windowText().color())
            painter.drawText(
                QRectF(x, top, width, self.MARGIN_TOP),
                int(Qt.AlignmentFlag.AlignVCenter),
                series.name,
            )
            x -= 14
            painter.fillRect(QRectF(x, top + self.MARGIN_TOP / 2 - 5, 10, 10), series.color)
            x -= 10


class ShareChart(QWidget):
    """A ring of shares with a figure in the middle that counts the same calls as the ring,
    and a note under the legend (what the ring leaves out)."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.parts: list[tuple[str, QColor, float]] = []
        self.center_text = ""
        self.note = ""
        self.setMinimumSize(200, 180)

    def set_parts(
        self, parts: list[tuple[str, QColor, float]], center_text: str, note: str = ""
    ) -> None:
        self.parts = parts
        self.center_text = center_text
        self.note = note
        self.update()

    def slices(self) -> list[tuple[int, float, float]]:
        """(part index, start degrees, span degrees); zero parts are left out."""
        total = sum(value for _, _, value in self.parts)
        if total <= 0:
            return []
        found = []
        start = 90.0
        for index, (_, _, value) in enumerate(self.parts):
            if value <= 0:
                continue
            span = -360.0 * value / total
            found.append((index, start, span))
            start += span
        return found

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt API name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_color = self.palette().windowText().color()
        painter.setPen(text_color)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(
            QRectF(0, 0, self.width(), 22), int(Qt.AlignmentFlag.AlignLeft), self.title
        )
        painter.setFont(self.font())
        side = min(self.width() - 110, self.height() - 30)
        ring = QRectF(8, 26, max(side, 40), max(side, 40))
        pen_width = max(8.0, ring.width() / 6)
        for index, start, span in self.slices():
            pen = QPen(self.parts[index][1], pen_width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            inner = ring.adjusted(pen_width / 2, pen_width / 2, -pen_width / 2, -pen_width / 2)
            painter.drawArc(inner, int(start * 16), int(span * 16))
        painter.setPen(text_color)
        hole = ring.adjusted(pen_width, pen_width, -pen_width, -pen_width)
        painter.drawText(
            hole,
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            self.center_text,
        )
        y = ring.top()
        for name, color, value in self.parts:
            painter.fillRect(QRectF(ring.right() + 10, y + 4, 10, 10), color)
            painter.drawText(
                QRectF(ring.right() + 24, y, 100, 18),
                int(Qt.AlignmentFlag.AlignVCenter),
                f"{name}: {value:.0f}",
            )
            y += 20
        if self.note:
            painter.drawText(
                QRectF(ring.right() + 10, y, max(40.0, self.width() - ring.right() - 14), 54),
                int(Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                self.note,
            )
        painter.end()


def duration_text(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}:{rest:02d} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d} h"


class StatsWidget(QWidget):
    """Period chooser, key figures and four charts; see the module docstring."""

    statistics_ready = Signal(object)
    PERIOD_DAYS = (1, 7, 30, 90, 365)

    def __init__(
        self,
        compute: Compute,
        submit: Submit,
        *,
        now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._compute = compute
        self._submit = submit
        self._now = now
        self.statistics: CallStatistics | None = None
        self._generation = 0
        self.period_box = QComboBox()
        self.status_label = QLabel()
        self.figures: dict[str, QLabel] = {}
        self.figure_titles: dict[str, QLabel] = {}
        self.per_day = BarChart(value_format=lambda v: f"{v:.0f}")
        self.per_hour = BarChart(value_format=lambda v: f"{v:.0f}")
        self.times = BarChart(stacked=False, value_format=duration_text, ticks=duration_ticks)
        self.shares = ShareChart()
        self._build()
        self.retranslate()
        self.period_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.statistics_ready.connect(self.show_statistics)

    def _build(self) -> None:
        top = QHBoxLayout()
        self.period_label = QLabel()
        top.addWidget(self.period_label)
        top.addWidget(self.period_box)
        top.addStretch(1)
        top.addWidget(self.status_label)
        tiles = QGridLayout()
        for column, key in enumerate(("total", "answered", "missed", "wait", "talk", "callbacks")):
            title = QLabel()
            value = QLabel("–")
            font = QFont(value.font())
            font.setPointSizeF(font.pointSizeF() * 1.6)
            font.setBold(True)
            value.setFont(font)
            value.setObjectName(f"figure_{key}")
            tiles.addWidget(title, 0, column)
            tiles.addWidget(value, 1, column)
            self.figures[key] = value
            self.figure_titles[key] = title
        charts = QGridLayout()
        charts.addWidget(self.per_day, 0, 0)
        charts.addWidget(self.per_hour, 0, 1)
        charts.addWidget(self.times, 1, 0)
        charts.addWidget(self.shares, 1, 1)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addLayout(tiles)
        inner.addLayout(charts, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    def retranslate(self) -> None:
        index = max(0, self.period_box.currentIndex())
        blocked = self.period_box.blockSignals(True)
        self.period_box.clear()
        for days in self.PERIOD_DAYS:
            label = (
                self.tr("Today") if days == 1 else self.tr("Last %1 days").replace("%1", str(days))
            )
            self.period_box.addItem(label, days)
        self.period_box.setCurrentIndex(index)
        self.period_box.blockSignals(blocked)
        self.period_label.setText(self.tr("Period:"))
        self.period_box.setAccessibleName(self.tr("Statistics period"))
        titles = {
            "total": self.tr("Calls"),
            "answered": self.tr("Answered"),
            "missed": self.tr("Missed"),
            "wait": self.tr("Average waiting time"),
            "talk": self.tr("Average talking time"),
            "callbacks": self.tr("Open callbacks"),
        }
        for key, text in titles.items():
            self.figure_titles[key].setText(text)
        self.per_day.title = self.tr("Calls per day")
        self.per_hour.title = self.tr("Calls per hour of the day")
        self.times.title = self.tr("Waiting and talking time per day (average)")
        self.shares.title = self.tr("Inbound calls: answered and missed")
        if self.statistics is not None:
            self.show_statistics(self.statistics)

    def changeEvent(self, event: QEvent) -> None:  # Qt API name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def period(self) -> Period:
        days = int(self.period_box.currentData() or 7)
        return Period.last_days(days, self._now())

    def refresh(self) -> None:
        """Compute the chosen period's statistics in a worker thread, then show them."""
        self._generation += 1
        generation = self._generation
        period = self.period()
        self.status_label.setText(self.tr("Computing…"))
        self._submit(self.tr("Computing statistics"), self._refresh(generation, period))

    async def _refresh(self, generation: int, period: Period) -> None:
        try:
            stats = await asyncio.to_thread(self._compute, period)
        finally:
            if generation == self._generation:
                self.status_label.setText("")
        if generation == self._generation:
            self.statistics_ready.emit(stats)

    def show_statistics(self, stats: CallStatistics) -> None:
        self.statistics = stats
        self.figures["total"].setText(str(stats.total))
        self.figures["answered"].setText(str(stats.answered))
        self.figures["missed"].setText(str(stats.missed))
        self.figures["wait"].setText(duration_text(stats.average_wait))
        self.figures["talk"].setText(duration_text(stats.average_talk))
        self.figures["callbacks"].setText(str(stats.open_callbacks))
        answered, missed = self.tr("Answered"), self.tr("Missed")
        not_reached, in_progress = self.tr("Not reached"), self.tr("In progress")
        day_labels = [d.day.strftime("%d.%m") for d in stats.days]
        self.per_day.set_data(
            day_labels,
            [
                Series(answered, ANSWERED_COLOR, [float(d.answered) for d in stats.days]),
                Series(missed, MISSED_COLOR, [float(d.missed) for d in stats.days]),
                Series(not_reached, NOT_REACHED_COLOR, [float(d.not_reached) for d in stats.days]),
                Series(in_progress, IN_PROGRESS_COLOR, [float(d.in_progress) for d in stats.days]),
            ],
        )
        self.per_hour.set_data(
            [f"{h.hour:02d}" for h in stats.hours],
            [
                Series(answered, ANSWERED_COLOR, [float(h.answered) for h in stats.hours]),
                Series(missed, MISSED_COLOR, [float(h.missed) for h in stats.hours]),
                Series(not_reached, NOT_REACHED_COLOR, [float(h.not_reached) for h in stats.hours]),
                Series(in_progress, IN_PROGRESS_COLOR, [float(h.in_progress) for h in stats.hours]),
            ],
        )
        self.times.set_data(
            day_labels,
            [
                Series(self.tr("Waiting"), WAIT_COLOR, [d.average_wait for d in stats.days]),
                Series(self.tr("Talking"), TALK_COLOR, [d.average_talk for d in stats.days]),
            ],
        )
        self.shares.set_parts(
            [
                (answered, ANSWERED_COLOR, float(stats.inbound_answered)),
                (missed, MISSED_COLOR, float(stats.missed)),
            ],
            self.answer_rate_text(stats),
            self.in_progress_note(stats),
        )

    def answer_rate_text(self, stats: CallStatistics) -> str:
        """The ring's centre: the share answered and of how many calls, the ring's own calls."""
        if not stats.inbound_ended:
            return self.tr("No inbound calls")
        return (
            self.tr("%1 % answered of %2 inbound")
            .replace("%1", f"{stats.answer_rate * 100:.0f}")
            .replace("%2", str(stats.inbound_ended))
        )

    def in_progress_note(self, stats: CallStatistics) -> str:
        """Live calls have no outcome yet: say that the ring leaves them out."""
        if not stats.in_progress:
            return ""
        return self.tr("Calls in progress, not counted until they end: %1").replace(
            "%1", str(stats.in_progress)
        )
