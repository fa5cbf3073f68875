"""Ringer: a distinct tone per kind of call, played while it rings, through a fake player."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import wave
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.numbers import parse_number
from ctidesk.core.ports import CallerInfo, CustomerMatch
from ctidesk.core.ringtones import RingKind
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.ringer import Ringer, RingtoneConfig

pytestmark = pytest.mark.gui


class FakePlayer:
    def __init__(self) -> None:
        self.played: list[Path] = []
        self.stops = 0

    def play(self, path: Path) -> None:
        self.played.append(path)

    def stop(self) -> None:
        self.stops += 1


def event(kind: EventKind, number: str) -> CallEvent:
    return CallEvent(
        source=EventSource.PHONE,
        kind=kind,
        remote=parse_number(number),
        direction=Direction.INBOUND,
    )


def test_rings_per_kind_switches_to_customer_and_stops(qtbot: QtBot, tmp_path: Path) -> None:
    player = FakePlayer()
    ringer = Ringer(RingtoneConfig(enabled=True, volume=0.5), player, tmp_path, repeat_ms=20)
    tracker = CallTracker()
    tracker.subscribe(ringer.on_call_changed)

    internal = tracker.handle(event(EventKind.RINGING, "201"))
    assert ringer.kind is RingKind.INTERNAL
    tracker.handle(event(EventKind.ENDED, "201"))
    assert ringer.kind is None and player.stops == 1
    assert internal.id

    call = tracker.handle(event(EventKind.RINGING, "+49301234567"))
    assert ringer.kind is RingKind.EXTERNAL
    qtbot.waitUntil(lambda: len(player.played) >= 3)  # repeats while ringing
    ringer.on_caller_info(
        call.id,
        CallerInfo(number=call.remote, customers=[CustomerMatch(user_id=1, name="Erika")]),
    )
    assert ringer.kind is RingKind.CUSTOMER
    assert player.played[-1].name == "ring-customer-50.wav"
    with wave.open(str(player.played[-1])) as sound:
        assert sound.getnframes() > 0
    tracker.handle(event(EventKind.ANSWERED, "+49301234567"))
    assert ringer.kind is None
    assert len({p.name for p in player.played}) == 3


def test_disabled_stays_silent_and_bad_own_file_falls_back(qtbot: QtBot, tmp_path: Path) -> None:
    player = FakePlayer()
    ringer = Ringer(RingtoneConfig(enabled=False), player, tmp_path)
    tracker = CallTracker()
    tracker.subscribe(ringer.on_call_changed)
    tracker.handle(event(EventKind.RINGING, "+49301234567"))
    assert player.played == []
    broken = tmp_path / "mine.wav"
    broken.write_bytes(b"not a wav")
    ringer.configure(RingtoneConfig(enabled=True, sounds={RingKind.EXTERNAL: broken}))
    assert ringer.sound_file(RingKind.EXTERNAL).name == "ring-external-80.wav"
