"""Call statistics for a period, computed in SQL on the journal's ``calls`` table.

One grouped scan of the covering index ``calls_stats`` gives per-hour buckets (count, answered,
missed, waiting and talking time); days, hours of the day and the totals are folded from those
buckets in Python, so a month at a million calls is one index range scan. The expressions are
kept arithmetic (NULLs drop out of ``total`` and ``count``: ``ended_at - answered_at`` is NULL
unless the call was answered and has ended), which is what keeps that scan cheap; the window
still runs it off the GUI thread.

Definitions (the same in every chart):
- in progress: the call has not ended (ringing, dialling, talking, on hold); it counts in the
  totals but in no outcome (answered, missed, not reached) and not in the answer rate;
- answered: an ended call with an ``answered_at``;
- missed: an inbound call that ended without being answered;
- not reached: an outbound call that ended without being answered;
- answer rate: answered inbound calls among the ended inbound calls (answered + missed), the
  same calls the answered-vs-missed ring shows;
- waiting time: inbound answered calls, from first ring to answer;
- talking time: answered calls, from answer to end;
- open callbacks: calls in the period still marked "needs callback" and not done.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import ClassVar

HOURS_PER_DAY = 24
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class Period:
    """Half-open ``[start, end)``; aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a statistics period needs timezone-aware start and end")
        if self.end <= self.start:
            raise ValueError("a statistics period must end after it starts")

    @classmethod
    def last_days(cls, days: int, now: datetime, tz: tzinfo | None = None) -> Period:
        """The last ``days`` calendar days including today, in ``tz`` (default: now's zone)."""
        zone = tz or now.tzinfo or UTC
        local = now.astimezone(zone)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(midnight - timedelta(days=days - 1), midnight + timedelta(days=1))


@dataclass(kw_only=True)
class Counts:
    """The calls of one bucket: an hour, a day or the whole period."""

    _SUMMED: ClassVar[tuple[str, ...]] = ("total", "answered", "missed", "in_progress")

    total: int = 0
    answered: int = 0
    missed: int = 0
    in_progress: int = 0

    @property
    def not_reached(self) -> int:
        """Ended outbound calls nobody picked up (live calls are ``in_progress``)."""
        return self.total - self.answered - self.missed - self.in_progress

    def add(self, other: Counts) -> None:
        """Add another bucket's numbers into this one."""
        for name in self._SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(kw_only=True)
class TimedCounts(Counts):
    """Counts with the time callers waited and agents talked."""

    _SUMMED = (*Counts._SUMMED, "waiting_seconds", "waiting_calls", "talking_seconds")

    waiting_seconds: float = 0.0
    waiting_calls: int = 0
    talking_seconds: float = 0.0

    @property
    def average_wait(self) -> float:
        return self.waiting_seconds / self.waiting_calls if self.waiting_calls else 0.0

    @property
    def average_talk(self) -> float:
        return self.talking_seconds / self.answered if self.answered else 0.0


@dataclass
class DayStats(TimedCounts):
    day: date


@dataclass
class HourStats(Counts):
    hour: int


@dataclass
class CallStatistics(TimedCounts):
    period: Period
    inbound: int = 0
    outbound: int = 0
    inbound_answered: int = 0
    longest_wait: float = 0.0
    open_callbacks: int = 0
    days: list[DayStats] = field(default_factory=list)
    hours: list[HourStats] = field(default_factory=list)

    @property
    def inbound_ended(self) -> int:
        """The inbound calls with an outcome: answered or missed (not those still live)."""
        return self.inbound_answered + self.missed

    @property
    def answer_rate(self) -> float:
        """Share of the ended inbound calls that were answered (0..1)."""
        return self.inbound_answered / self.inbound_ended if self.inbound_ended else 0.0


_BUCKETS = """
SELECT
    CAST((started_at + :offset) / 3600 AS INTEGER) AS bucket,
    count(*),
    sum(direction = 'in'),
    sum(direction = 'out'),
    count(ended_at - answered_at),
    sum((direction = 'in') * (answered_at IS NULL) * (ended_at IS NOT NULL)),
    total((answered_at - started_at) * (direction = 'in')),
    sum((direction = 'in') * (answered_at IS NOT NULL)),
    max((answered_at - started_at) * (direction = 'in')),
    total(ended_at - answered_at),
    sum(needs_callback > done),
    count(*) - count(ended_at),
    count((ended_at - answered_at) * nullif(direction = 'in', 0))
FROM calls INDEXED BY calls_stats
WHERE started_at >= :start AND started_at < :end
GROUP BY bucket
"""


def utc_offset_seconds(period: Period) -> float:
    """Offset of the period's zone at its start; charts bucket local days and hours with it."""
    offset = period.start.utcoffset()
    return offset.total_seconds() if offset else 0.0


def compute_statistics(db: sqlite3.Connection, period: Period) -> CallStatistics:
    """Statistics of the calls that started in ``period``, bucketed in the period's time zone.

    Days and hours follow the UTC offset of ``period.start``: across a daylight-saving change the
    later days are off by one hour, which charts of calls per day tolerate.
    """
    offset = utc_offset_seconds(period)
    rows = db.execute(
        _BUCKETS,
        {
            "offset": offset,
            "start": period.start.timestamp(),
            "end": period.end.timestamp(),
        },
    ).fetchall()
    stats = CallStatistics(period=period)
    first_day = period.start.date()
    last_day = (period.end - timedelta(microseconds=1)).date()
    days = {
        first_day + timedelta(days=n): DayStats(first_day + timedelta(days=n))
        for n in range((last_day - first_day).days + 1)
    }
    hours = [HourStats(hour) for hour in range(HOURS_PER_DAY)]
    for row in rows:
        bucket, total, inbound, outbound, answered, missed = (int(v or 0) for v in row[:6])
        waiting = float(row[6] or 0.0)
        waiting_calls = int(row[7] or 0)
        longest = float(row[8] or 0.0)
        talking = float(row[9] or 0.0)
        callbacks = int(row[10] or 0)
        in_progress = int(row[11] or 0)
        inbound_answered = int(row[12] or 0)
        day = date(1970, 1, 1) + timedelta(days=bucket // HOURS_PER_DAY)
        hour = bucket % HOURS_PER_DAY
        counts = TimedCounts(
            total=total,
            answered=answered,
            missed=missed,
            in_progress=in_progress,
            waiting_seconds=waiting,
            waiting_calls=waiting_calls,
            talking_seconds=talking,
        )
        days.setdefault(day, DayStats(day)).add(counts)
        hours[hour].add(counts)
        stats.add(counts)
        stats.inbound += inbound
        stats.outbound += outbound
        stats.inbound_answered += inbound_answered
        stats.longest_wait = max(stats.longest_wait, longest)
        stats.open_callbacks += callbacks
    stats.days = [days[d] for d in sorted(days)]
    stats.hours = hours
    return stats


def open_callbacks_total(db: sqlite3.Connection) -> int:
    """Every callback still owed, whatever the period (the journal's callback index)."""
    row = db.execute("SELECT count(*) FROM calls WHERE needs_callback=1 AND done=0").fetchone()
    return int(row[0])
