"""Ringtones per kind of call: which kind a call is, and the built-in tones as WAV bytes.

The tones are synthesised with the standard library (no sound files to ship, no QtMultimedia):
internal calls a short double beep, external calls a classic dual-tone ring, known customers a
rising three-note chime. Volume is applied to the samples, so any player that plays a WAV file
plays them at the chosen volume.
"""

from __future__ import annotations

import array
import io
import math
import sys
import wave
from enum import StrEnum

from ctidesk.core.calls import Call
from ctidesk.core.numbers import NumberKind
from ctidesk.core.ports import CallerInfo, MatchLevel

SAMPLE_RATE = 22_050
_FULL_SCALE = 32_767


class RingKind(StrEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"
    CUSTOMER = "customer"


class RingtoneError(ValueError):
    """A sound file that cannot be used; the message says what to choose instead."""


def ring_kind(call: Call, info: CallerInfo | None = None) -> RingKind:
    """Internal for extensions, customer when Zammad knows the caller for sure, else external."""
    if call.remote.kind is NumberKind.EXTENSION:
        return RingKind.INTERNAL
    if info is not None and any(c.level is MatchLevel.KNOWN for c in info.customers):
        return RingKind.CUSTOMER
    return RingKind.EXTERNAL


# (frequencies played together, seconds); frequency () is silence.
_PATTERNS: dict[RingKind, list[tuple[tuple[float, ...], float]]] = {
    RingKind.INTERNAL: [((880.0,), 0.12), ((), 0.08), ((880.0,), 0.12), ((), 0.9)],
    RingKind.EXTERNAL: [((440.0, 480.0), 0.9), ((), 0.3), ((440.0, 480.0), 0.9), ((), 0.6)],
    RingKind.CUSTOMER: [
        ((523.25,), 0.18),
        ((659.25,), 0.18),
        ((783.99,), 0.32),
        ((), 0.9),
    ],
}


def _clamp_volume(volume: float) -> float:
    return max(0.0, min(1.0, volume))


def tone_samples(kind: RingKind, volume: float = 0.8) -> array.array[int]:
    """Mono signed 16-bit samples of one ring cycle; short fades avoid clicks."""
    amplitude = _FULL_SCALE * 0.9 * _clamp_volume(volume)
    samples: array.array[int] = array.array("h")
    fade = int(SAMPLE_RATE * 0.01)
    for freqs, seconds in _PATTERNS[kind]:
        count = int(SAMPLE_RATE * seconds)
        if not freqs:
            samples.extend([0] * count)
            continue
        share = amplitude / len(freqs)
        for n in range(count):
            envelope = min(1.0, n / fade, (count - n) / fade)
            t = n / SAMPLE_RATE
            value = sum(math.sin(2 * math.pi * f * t) for f in freqs) * share * envelope
            samples.append(int(value))
    return samples


def _wav(samples: array.array[int], channels: int = 1, rate: int = SAMPLE_RATE) -> bytes:
    if sys.byteorder == "big":
        samples = array.array("h", samples)
        samples.byteswap()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def tone_wav(kind: RingKind, volume: float = 0.8) -> bytes:
    """One ring cycle of the built-in tone for ``kind`` as a WAV file."""
    return _wav(tone_samples(kind, volume))


def scaled_wav(data: bytes, volume: float) -> bytes:
    """A user's own 16-bit PCM WAV at ``volume``; other formats raise `RingtoneError`."""
    try:
        with wave.open(io.BytesIO(data), "rb") as source:
            channels, width, rate = (
                source.getnchannels(),
                source.getsampwidth(),
                source.getframerate(),
            )
            frames = source.readframes(source.getnframes())
    except (wave.Error, EOFError) as exc:
        raise RingtoneError(
            f"the sound file is not a WAV file ctidesk can play ({exc}); choose a 16-bit PCM WAV"
        ) from exc
    if width != 2:
        raise RingtoneError(
            f"the sound file uses {width * 8}-bit samples; save it as 16-bit PCM WAV"
        )
    samples = array.array("h")
    samples.frombytes(frames[: len(frames) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    factor = _clamp_volume(volume)
    scaled = array.array("h", (int(s * factor) for s in samples))
    return _wav(scaled, channels, rate)
