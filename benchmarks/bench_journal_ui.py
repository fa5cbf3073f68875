"""Journal window and statistics at 1,000,000 calls: first page, deep scrolling, search, stats.

Reuses `bench_core.populated_journal` (same cached file). The window model is measured with a
real QAbstractTableModel on an offscreen QApplication; the reference is a primary-key lookup.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta, timezone
from pathlib import Path

from benchmarks.bench_core import T0, populated_journal
from benchmarks.common import Figure, median
from ctidesk.core.journal import Journal, JournalFilter
from ctidesk.core.journal_reader import JournalReader
from ctidesk.core.statistics import Period

UI_TARGET_MS = 50.0
STATS_MONTH_TARGET_MS = 500.0


def _timed(operation: Callable[[], object], repeats: int = 7) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - started) * 1000)
    return median(samples)


def bench_journal_ui(calls: int = 1_000_000, cache_dir: Path | None = None) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ctidesk.gui.journal_window import JournalTableModel

    app = QApplication.instance() or QApplication([])
    cache_dir = cache_dir or Path(tempfile.gettempdir()) / "ctidesk-bench"
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"journal-{calls}.sqlite3"
    if not path.exists():
        populated_journal(path, calls)
    started = time.perf_counter()
    Journal(path).close()  # applies new migrations (the statistics index) once
    migration_ms = (time.perf_counter() - started) * 1000
    reader = JournalReader(path)
    try:
        reference = _timed(lambda: reader.entry("c12345"))
        model = JournalTableModel(reader)

        def scroll_deep() -> None:
            model.reload()
            for _ in range(50):  # 10,000 rows down
                model.fetchMore()

        def search(text: str, callbacks: bool = False) -> Callable[[], object]:
            return lambda: model.set_filter(JournalFilter(text, callbacks))

        figures = []
        ui = [
            (
                "journal window: open (first page, 1M calls)",
                lambda: model.set_filter(JournalFilter()),
            ),
            ("journal window: fetchMore per page, 10k rows deep", None),
            ("journal window: search by number", search("3045678")),
            ("journal window: search by name", search("Schmidt 42")),
            ("journal window: filter needs callback", search("", True)),
        ]
        for name, operation in ui:
            value = _timed(scroll_deep, 3) / 51 if operation is None else _timed(operation)
            figures.append(
                Figure(
                    name,
                    value,
                    "ms",
                    reference,
                    "primary-key lookup",
                    f"<= {UI_TARGET_MS:.0f} ms",
                    value <= UI_TARGET_MS,
                )
            )
        zone = timezone(timedelta(hours=1))
        start = T0.astimezone(zone) + timedelta(days=150)
        for days, target in ((1, 50.0), (7, 200.0), (30, STATS_MONTH_TARGET_MS), (365, 3000.0)):
            period = Period(start, start + timedelta(days=days))
            value = _timed(lambda period=period: reader.statistics(period), 3)  # type: ignore[misc]
            figures.append(
                Figure(
                    f"statistics for {days} day(s) (1M-call journal)",
                    value,
                    "ms",
                    reference,
                    "primary-key lookup",
                    f"<= {target:.0f} ms (off the GUI thread)",
                    value <= target,
                )
            )
        figures.append(
            Figure(
                "statistics index migration (once, 1M calls)",
                migration_ms,
                "ms",
                reference,
                "primary-key lookup",
                "one-off at first start",
                None,
            )
        )
        app.processEvents()
        return figures
    finally:
        reader.close()
