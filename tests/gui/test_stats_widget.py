"""Statistics tab: computed off the GUI thread, shown as figures and QPainter charts."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.journal import Journal
from ctidesk.core.journal_reader import JournalReader
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.stats_widget import ANSWERED_COLOR, MISSED_COLOR, BarChart, Series, StatsWidget
from tests.gui.conftest import wait_until

pytestmark = pytest.mark.gui
Run = Callable[[Coroutine[Any, Any, Any]], Any]
NOW = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)


def test_bar_geometry_is_proportional_and_stacked(qtbot: QtBot) -> None:
    chart = BarChart("calls")
    qtbot.addWidget(chart)
    chart.resize(400, 200)
    chart.set_data(
        ["a", "b"],
        [Series("x", ANSWERED_COLOR, [2.0, 4.0]), Series("y", MISSED_COLOR, [2.0, 0.0])],
    )
    rects = {(s, c): r for s, c, r in chart.bar_rects()}
    assert set(rects) == {(0, 0), (1, 0), (0, 1)}
    area = chart.plot_area()
    assert rects[(0, 1)].height() == pytest.approx(area.height())
    assert rects[(0, 0)].height() == pytest.approx(area.height() / 2)
    assert rects[(1, 0)].bottom() == pytest.approx(rects[(0, 0)].top())
    image = chart.grab().toImage()
    center = rects[(0, 1)].center().toPoint()
    assert QColor(image.pixel(center)) == ANSWERED_COLOR


def test_refresh_computes_in_a_thread_and_draws_the_period(
    qtbot: QtBot, tmp_path: Path, bridge: DesktopBridge, run: Run
) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    reader = JournalReader(tmp_path / "j.sqlite3")
    tracker = CallTracker(clock=lambda: NOW)
    tracker.subscribe(journal.on_call_changed)
    for day, kinds in enumerate(
        [
            [EventKind.RINGING, EventKind.ANSWERED, EventKind.ENDED],
            [EventKind.RINGING, EventKind.ENDED],
            [EventKind.RINGING, EventKind.ANSWERED, EventKind.ENDED],
        ]
    ):
        for step, kind in enumerate(kinds):
            tracker.handle(
                CallEvent(
                    source=EventSource.PHONE,
                    kind=kind,
                    remote=parse_number(f"+4930123456{day}"),
                    direction=Direction.INBOUND,
                    at=NOW - timedelta(days=day, hours=2) + timedelta(seconds=step * 30),
                )
            )
    journal.flush()
    widget = StatsWidget(reader.statistics, bridge.submit, now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.period_box.setCurrentIndex(widget.period_box.findData(7))
    run(wait_until(lambda: widget.statistics is not None))
    stats = widget.statistics
    assert stats is not None and (stats.total, stats.answered, stats.missed) == (3, 2, 1)
    assert widget.figures["total"].text() == "3"
    assert widget.figures["wait"].text() == "30 s"
    assert widget.figures["callbacks"].text() == "1"
    assert len(widget.per_day.categories) == 7
    assert len(widget.per_hour.categories) == 24
    assert widget.per_day.bar_rects()
    assert [round(abs(span)) for _, _, span in widget.shares.slices()] == [240, 120]
    assert widget.shares.center_text == "67 % answered of 3 inbound"
    widget.resize(900, 700)
    assert not widget.grab().isNull()
    reader.close()
    journal.close()


def test_axis_labels_and_ring_count_the_same_calls_with_one_still_ringing(
    qtbot: QtBot, tmp_path: Path, bridge: DesktopBridge, run: Run
) -> None:
    """Issue 14, finding 5: the axis read "0, 1, 2, 2, 3", the ring's centre said 50 % while the
    ring showed two thirds answered, and a call still ringing was drawn as "Other"."""
    journal = Journal(tmp_path / "j.sqlite3")
    reader = JournalReader(tmp_path / "j.sqlite3")
    tracker = CallTracker(clock=lambda: NOW)
    tracker.subscribe(journal.on_call_changed)
    ring, answer, end = EventKind.RINGING, EventKind.ANSWERED, EventKind.ENDED
    calls = [
        ("+493011111111", Direction.INBOUND, NOW - timedelta(hours=6), [ring, answer, end]),
        ("+493022222222", Direction.INBOUND, NOW - timedelta(hours=5), [ring, answer, end]),
        ("+493033333333", Direction.INBOUND, NOW - timedelta(minutes=1), [ring]),
        ("+493044444444", Direction.INBOUND, NOW - timedelta(days=1), [ring, end]),
        (
            "+493055555555",
            Direction.OUTBOUND,
            NOW - timedelta(days=1, hours=1),
            [EventKind.DIALING, answer, end],
        ),
    ]
    for number, direction, at, kinds in calls:
        for step, kind in enumerate(kinds):
            tracker.handle(
                CallEvent(
                    source=EventSource.PHONE,
                    kind=kind,
                    remote=parse_number(number),
                    direction=direction,
                    at=at + timedelta(seconds=step * 30),
                )
            )
    journal.flush()
    widget = StatsWidget(reader.statistics, bridge.submit, now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.period_box.setCurrentIndex(widget.period_box.findData(7))
    run(wait_until(lambda: widget.statistics is not None))

    assert widget.figures["total"].text() == "5"
    assert widget.per_day.axis_labels() == ["0", "1", "2", "3"]
    for chart in (widget.per_day, widget.per_hour, widget.times):
        labels = chart.axis_labels()
        assert len(set(labels)) == len(labels), labels
    assert widget.per_hour.axis_labels() == ["0", "1", "2"]
    series = {s.name: s.values for s in widget.per_day.series}
    assert "Other" not in series
    assert series["In progress"][-1] == 1.0
    assert series["Answered"][-1] == 2.0
    assert [(name, value) for name, _, value in widget.shares.parts] == [
        ("Answered", 2.0),
        ("Missed", 1.0),
    ]
    assert [round(abs(span)) for _, _, span in widget.shares.slices()] == [240, 120]
    assert widget.shares.center_text == "67 % answered of 3 inbound"
    assert widget.shares.note == "Calls in progress, not counted until they end: 1"
    assert not widget.grab().isNull()
    reader.close()
    journal.close()


def test_a_legend_that_would_cover_the_title_gets_its_own_line(qtbot: QtBot) -> None:
    """Four series' legend ran over the chart's title in a half-width chart (issue 14, seen
    while checking finding 5 on screen)."""
    chart = BarChart("Waiting and talking time per day (average)")
    qtbot.addWidget(chart)
    chart.resize(480, 240)
    names = ["Answered", "Missed", "Not reached", "In progress"]
    chart.set_data(["a"], [Series(name, ANSWERED_COLOR, [1.0]) for name in names])
    assert chart.legend_below_title()
    assert chart.plot_area().top() == pytest.approx(2 * BarChart.MARGIN_TOP)
    chart.resize(1400, 240)
    assert not chart.legend_below_title()
    assert chart.plot_area().top() == pytest.approx(BarChart.MARGIN_TOP)
