"""Ringtones: the kind of a call, and distinct built-in tones as WAV at the chosen volume."""

from __future__ import annotations

import io
import wave

import pytest

from ctidesk.core.calls import Call, CallState, Direction, utcnow
from ctidesk.core.numbers import parse_number
from ctidesk.core.ports import CallerInfo, CustomerMatch, MatchLevel
from ctidesk.core.ringtones import RingKind, RingtoneError, ring_kind, scaled_wav, tone_wav


def ringing(number: str) -> Call:
    return Call(
        id="c1",
        direction=Direction.INBOUND,
        remote=parse_number(number),
        state=CallState.RINGING,
        started_at=utcnow(),
    )


def test_kind_of_call() -> None:
    assert ring_kind(ringing("201")) is RingKind.INTERNAL
    assert ring_kind(ringing("+49301234567")) is RingKind.EXTERNAL
    known = CallerInfo(
        number=parse_number("+49301234567"), customers=[CustomerMatch(user_id=1, name="E")]
    )
    maybe = CallerInfo(
        number=parse_number("+49301234567"),
        customers=[CustomerMatch(user_id=1, name="E", level=MatchLevel.MAYBE)],
    )
    assert ring_kind(ringing("+49301234567"), known) is RingKind.CUSTOMER
    assert ring_kind(ringing("+49301234567"), maybe) is RingKind.EXTERNAL


def peak(data: bytes) -> int:
    with wave.open(io.BytesIO(data)) as source:
        frames = source.readframes(source.getnframes())
    return max(
        abs(int.from_bytes(frames[i : i + 2], "little", signed=True))
        for i in range(0, len(frames), 2)
    )


def test_tones_are_distinct_valid_wavs_and_follow_the_volume() -> None:
    tones = {kind: tone_wav(kind, 0.8) for kind in RingKind}
    assert len(set(tones.values())) == 3
    for data in tones.values():
        with wave.open(io.BytesIO(data)) as source:
            assert (source.getnchannels(), source.getsampwidth()) == (1, 2)
            assert source.getnframes() > 10_000
    loud, quiet = peak(tone_wav(RingKind.EXTERNAL, 1.0)), peak(tone_wav(RingKind.EXTERNAL, 0.25))
    assert quiet == pytest.approx(loud / 4, rel=0.02)
    assert peak(tone_wav(RingKind.INTERNAL, 0.0)) == 0


def test_own_sound_file_is_scaled_or_refused() -> None:
    original = tone_wav(RingKind.CUSTOMER, 1.0)
    half = scaled_wav(original, 0.5)
    assert peak(half) == pytest.approx(peak(original) / 2, rel=0.02)
    with pytest.raises(RingtoneError, match="16-bit PCM"):
        scaled_wav(b"not a wav", 0.5)
