"""Ringtones on the PC: a distinct sound for internal, external and known-customer calls.

QtMultimedia is not in PySide6-Essentials, so the tones are WAV files (synthesised by
`ctidesk.core.ringtones`, or the agent's own) played by a small injectable `SoundPlayer`. The
default `SystemSoundPlayer` uses the platform's own player (winsound on Windows, afplay on macOS,
pw-play/paplay/aplay on Linux), started with an argument list and never through a shell.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from ctidesk.core.calls import Call, CallChanged, CallState, ChangeKind, Direction
from ctidesk.core.ports import CallerInfo
from ctidesk.core.ringtones import RingKind, RingtoneError, ring_kind, scaled_wav, tone_wav

log = logging.getLogger(__name__)

REPEAT_MS = 3000
LINUX_PLAYERS = ("pw-play", "paplay", "aplay")


class SoundPlayer(Protocol):
    def play(self, path: Path) -> None: ...

    def stop(self) -> None: ...


class SystemSoundPlayer:
    """Plays a WAV file with what the platform has; silent (logged once) when it has nothing."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._warned = False
        self._command = self._find_command()

    @staticmethod
    def _find_command() -> list[str] | None:
        if sys.platform == "win32":
            return None
        candidates = ("afplay",) if sys.platform == "darwin" else LINUX_PLAYERS
        for name in candidates:
            found = shutil.which(name)
            if found:
                return [found]
        return None

    def play(self, path: Path) -> None:
        self.stop()
        if sys.platform == "win32":
            import winsound

            winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC)
            return
        if self._command is None:
            if not self._warned:
                log.warning(
                    "no sound player found (tried %s); ringtones stay silent", LINUX_PLAYERS
                )
                self._warned = True
            return
        self._process = subprocess.Popen(
            [*self._command, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if sys.platform == "win32":
            import winsound

            winsound.PlaySound(None, 0)
            return
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass(frozen=True)
class RingtoneConfig:
    """On/off, volume (0..1) and optional own WAV files per kind of call."""

    enabled: bool = False
    volume: float = 0.8
    sounds: dict[RingKind, Path] = field(default_factory=dict)


class Ringer(QObject):
    """Rings while an inbound call rings; the tone follows what is known about the caller."""

    ringing_changed = Signal(str)

    def __init__(
        self,
        config: RingtoneConfig,
        player: SoundPlayer,
        cache_dir: Path,
        *,
        repeat_ms: int = REPEAT_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._player = player
        self._cache_dir = cache_dir
        self._ringing: dict[str, RingKind] = {}
        self._calls: dict[str, Call] = {}
        self._infos: dict[str, CallerInfo] = {}
        self.kind: RingKind | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(repeat_ms)
        self._timer.timeout.connect(self._play)

    def configure(self, config: RingtoneConfig) -> None:
        self._config = config
        if not config.enabled:
            self._stop()

    def sound_file(self, kind: RingKind) -> Path:
        """The WAV for ``kind`` at the configured volume, written once into the cache folder."""
        volume = max(0.0, min(1.0, self._config.volume))
        own = self._config.sounds.get(kind)
        data: bytes | None = None
        name = f"ring-{kind.value}-{round(volume * 100)}.wav"
        if own is not None:
            try:
                data = scaled_wav(own.read_bytes(), volume)
                name = f"ring-{kind.value}-own-{abs(hash(str(own)))}-{round(volume * 100)}.wav"
            except (OSError, RingtoneError) as exc:
                log.warning("own ringtone %s not usable (%s); using the built-in tone", own, exc)
                data = None
        target = self._cache_dir / name
        if data is None and target.exists():
            return target
        self._cache_dir.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if data is not None else tone_wav(kind, volume))
        return target

    def on_call_changed(self, change: CallChanged) -> None:
        call = change.call
        if _rings(call):
            self._calls[call.id] = call
            self._ringing[call.id] = ring_kind(call, self._infos.get(call.id))
        else:
            self._ringing.pop(call.id, None)
            self._calls.pop(call.id, None)
            if change.change is ChangeKind.ENDED:
                self._infos.pop(call.id, None)
        self._follow()

    def on_caller_info(self, call_id: str, info: CallerInfo) -> None:
        self._infos[call_id] = info
        call = self._calls.get(call_id)
        if call is not None and call_id in self._ringing:
            kind = ring_kind(call, info)
            if kind is not self._ringing[call_id]:
                self._ringing[call_id] = kind
                self._follow(restart=True)

    def _follow(self, restart: bool = False) -> None:
        if not self._config.enabled or not self._ringing:
            self._stop()
            return
        kind = list(self._ringing.values())[-1]
        if kind is not self.kind or restart or not self._timer.isActive():
            self.kind = kind
            self.ringing_changed.emit(kind.value)
            self._play()
            self._timer.start()

    def _play(self) -> None:
        if self.kind is None:
            return
        try:
            self._player.play(self.sound_file(self.kind))
        except OSError as exc:
            log.warning("could not play the ringtone: %s", exc)

    def _stop(self) -> None:
        was = self.kind is not None
        self._timer.stop()
        self.kind = None
        if was:
            self._player.stop()
            self.ringing_changed.emit("")


def _rings(call: Call) -> bool:
    return call.direction is Direction.INBOUND and call.state is CallState.RINGING
