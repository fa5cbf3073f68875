"""The desktop's records side as the agent meets it: tray entries for the call journal, call lists
and team; event actions and the PC ringer following calls and saved settings; the language
switched in the settings dialog. The demo world (phone, Zammad and NFON simulators over loopback)
provides real calls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QPlainTextEdit

from ctidesk.app import Context, Core, build_core
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.config.settings import Settings
from ctidesk.core.calls import CallState
from ctidesk.core.ringtones import RingKind, tone_wav
from ctidesk.gui.demo import DemoWorld
from ctidesk.gui.desktop import Desktop, NetworkParts
from ctidesk.gui.i18n import Translations
from ctidesk.gui.translation_files import compile_translation

from .conftest import ring, wait_until

pytestmark = pytest.mark.gui

ROOT = Path(__file__).parents[2]
CRM = "https://crm.example.com/search?phone={e164}&who={name}"


class RecordingPlayer:
    """Stands in for the system's sound player: records what would be played."""

    def __init__(self) -> None:
        self.played: list[Path] = []
        self.stopped = 0

    def play(self, path: Path) -> None:
        self.played.append(path)

    def stop(self) -> None:
        self.stopped += 1


def _context(tmp_path: Path, settings: Settings | None = None) -> Context:
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    if settings is None:
        settings = Settings()
        settings.phone.enabled = False
    return Context(paths, paths.settings_file, settings, MemorySecretStore(), Redactor())


def _desktop(context: Context, core: Core, loop: Any, opened: list[str], **extra: Any) -> Desktop:
    desktop = Desktop(
        context,
        core,
        loop,
        tray_available=True,
        opener=opened.append,
        enable_hotkey=False,
        quit_app=lambda: None,
        **extra,
    )
    desktop.show()
    return desktop


def _menu_texts(desktop: Desktop) -> list[str]:
    return [a.text() for a in desktop.tray.menu.actions() if a.isVisible() and not a.isSeparator()]


@pytest.fixture
def player() -> RecordingPlayer:
    return RecordingPlayer()


@pytest.fixture
def offline(
    tmp_path: Path, loop: Any, run: Any, opened: list[str], player: RecordingPlayer
) -> Iterator[Desktop]:
    """A desktop whose network side has not come up (yet)."""
    context = _context(tmp_path)
    core = build_core(context)
    desktop = _desktop(context, core, loop, opened, sound_player=player)
    yield desktop
    run(desktop.close())
    run(core.close())


@pytest.fixture
def demo(
    tmp_path: Path, loop: Any, run: Any, opened: list[str], player: RecordingPlayer
) -> Iterator[tuple[Desktop, DemoWorld]]:
    settings = Settings()
    settings.event_actions.ringing = [CRM]
    context = _context(tmp_path, settings)
    core = build_core(context)
    desktop = _desktop(context, core, loop, opened, sound_player=player)
    world = DemoWorld(context, core, call_now_and_then=False)
    desktop.attach(run(world.start(), 15.0))
    yield desktop, world
    run(desktop.close(), 15.0)
    run(core.close())


def test_tray_opens_the_records_windows_before_the_network_is_up(offline: Desktop) -> None:
    desktop = offline
    texts = _menu_texts(desktop)
    assert "Call &journal" in texts and "&Call lists" in texts
    assert "&Team" not in texts, "no team view without NFON's CTI API"

    desktop.tray.journal_action.trigger()
    journal = desktop.journal_window
    assert journal is not None and journal.isVisible()
    assert "still connecting to Zammad and NFON" in journal.remote_note.text()
    assert not journal.delete_button.isEnabled()
    journal.hide()
    desktop.tray.journal_action.trigger()
    assert desktop.journal_window is journal and journal.isVisible()

    desktop.tray.call_lists_action.trigger()
    lists = desktop.call_list_window
    assert lists is not None and lists.isVisible()
    assert lists.import_text("Morning", "+49 30 1234567\n+49 89 7654321") is not None
    assert lists.message_label.text().startswith("Numbers imported: 2.")
    desktop.tray.call_lists_action.trigger()
    assert desktop.call_list_window is lists

    assert desktop.open_team() is None
    assert "CTI API" in desktop.bridge.status.last_error

    desktop.attach(NetworkParts())
    assert "Zammad is not set up" in journal.remote_note.text()
    assert "NFON is not set up" in journal.remote_note.text()
    assert "&Team" not in _menu_texts(desktop)


def test_event_action_and_ringer_follow_saved_settings(
    offline: Desktop, run: Any, opened: list[str], player: RecordingPlayer, tmp_path: Path
) -> None:
    desktop = offline
    ring(desktop.core.tracker, "+49 30 1234567")
    assert opened == [] and player.played == []

    desktop.open_settings()
    dialog = desktop.settings_dialog
    assert dialog is not None
    ringing = dialog.field_widget("event_actions", "ringing")
    assert isinstance(ringing, QPlainTextEdit)
    ringing.setPlainText("crm.example.com/?q={number}")
    assert not dialog.save()
    assert "http://" in dialog.field_error("event_actions", "ringing")
    ringing.setPlainText("https://crm.example.com/?q={nummer}")
    assert "{nummer}" in dialog.field_error("event_actions", "ringing")
    ringing.setPlainText("https://crm.example.com/?q={e164}\n")
    assert dialog.field_error("event_actions", "ringing") == ""

    enabled = dialog.field_widget("ringtones", "enabled")
    enabled.setChecked(True)  # type: ignore[attr-defined]
    dialog.sound_edits["external_sound"].setText(str(tmp_path / "missing.wav"))
    assert "no such file" in dialog.field_error("ringtones", "external_sound")
    own = tmp_path / "own.wav"
    own.write_bytes(b"RIFF but not really")
    dialog.sound_edits["external_sound"].setText(str(own))
    assert "16-bit PCM WAV" in dialog.field_error("ringtones", "external_sound")
    own.write_bytes(tone_wav(RingKind.INTERNAL, 0.5))
    dialog.sound_edits["external_sound"].setText(str(own))
    assert dialog.save(), dialog.summary.text()

    assert desktop.context.settings.ringtones.external_sound == str(own)
    ring(desktop.core.tracker, "+49 89 7654321")
    assert opened == ["https://crm.example.com/?q=%2B49897654321"]
    assert player.played and player.played[-1].parent == (
        desktop.context.paths.data_dir / "cache" / "ringtones"
    )
    assert "own" in player.played[-1].name
    assert desktop.ringer.kind is RingKind.EXTERNAL


def test_demo_call_reaches_journal_event_action_and_zammad(
    demo: tuple[Desktop, DemoWorld], run: Any, opened: list[str], player: RecordingPlayer
) -> None:
    desktop, world = demo
    texts = _menu_texts(desktop)
    assert "&Team" in texts, "the demo has NFON's CTI API"
    journal = desktop.open_journal()
    assert journal.remote_note.text() == ""

    world.simulate_call()
    run(wait_until(lambda: desktop.popups.cards()))
    (card,) = desktop.popups.cards()
    run(wait_until(lambda: opened))
    assert opened[0].startswith("https://crm.example.com/search?phone=%2B49")
    assert opened[0].endswith("&who=Maria%20Huber")
    assert player.played == [], "ringtones are off by default"

    call_id = card.call_id
    world.phone_sim.caller_hangs_up()  # a missed call owes a callback; a rejected one not
    run(wait_until(lambda: card.call.state is CallState.ENDED or not desktop.popups.cards()))
    run(wait_until(lambda: journal.model.row_of(call_id) is not None))
    journal.callbacks_only.setChecked(True)
    row = journal.model.row_of(call_id)
    assert row is not None
    journal.select_row(row)
    assert journal.mark_done_button.isEnabled()
    run(wait_until(lambda: world.zammad_sim.log_row(call_id) is not None), 10.0)
    journal.mark_done_button.click()
    run(wait_until(lambda: world.zammad_sim.log_row(call_id).done), 10.0)  # type: ignore[union-attr]
    assert journal.model.row_of(call_id) is None
    assert desktop.bridge.status.last_error == ""


def test_team_view_follows_the_cti_simulator(demo: tuple[Desktop, DemoWorld], run: Any) -> None:
    desktop, _world = demo
    desktop.tray.team_action.trigger()
    team = desktop.team_window
    assert team is not None and team.isVisible()
    run(wait_until(lambda: team.states and team.names), 10.0)
    desktop.tray.team_action.trigger()
    assert desktop.team_window is team


def test_switching_language_in_settings_turns_the_tray_german(
    tmp_path: Path, qapp: QApplication, loop: Any, run: Any, opened: list[str]
) -> None:
    compile_translation(ROOT / "resources" / "i18n" / "ctidesk_de.ts", tmp_path / "ctidesk_de.qm")
    translations = Translations(qapp, tmp_path)
    context = _context(tmp_path / "home")
    core = build_core(context)
    desktop = _desktop(
        context, core, loop, opened, translations=translations, sound_player=RecordingPlayer()
    )
    try:
        journal = desktop.open_journal()
        ring(core.tracker, "+49 30 1234567")
        (card,) = desktop.popups.cards()
        assert card.answer_button.text() == "&Answer"
        desktop.open_settings()
        dialog = desktop.settings_dialog
        assert dialog is not None
        language = dialog.field_widget("general", "language")
        assert isinstance(language, QComboBox)
        language.setCurrentIndex(language.findData("de"))
        assert dialog.save()
        assert translations.language == "de"
        run(wait_until(lambda: desktop.tray.journal_action.text() == "Anruf&journal"))
        texts = _menu_texts(desktop)
        assert "&Nicht stören" in texts and "&Einstellungen..." in texts and "&Beenden" in texts
        assert desktop.tray.tooltip().startswith("ctidesk: es klingelt (1)")
        run(wait_until(lambda: journal.windowTitle() == "Anrufjournal"))
        run(wait_until(lambda: dialog.save_button.text() == "&Speichern"))
        assert dialog.summary.text() == "Gespeichert."
        assert dialog.tabs.tabText(0) == "&Telefon"
        run(wait_until(lambda: card.answer_button.text() == "&Annehmen"))
        assert card.state_label.text() == "Eingehender Anruf: klingelt"
        desktop.bridge.dial("no digits here")
        assert (
            desktop.bridge.status.last_error == "'no digits here' enthält keine Ziffern zum Wählen"
        )

        language = dialog.field_widget("general", "language")
        assert isinstance(language, QComboBox)
        language.setCurrentIndex(language.findData("en"))
        assert dialog.save()
        run(wait_until(lambda: desktop.tray.journal_action.text() == "Call &journal"))
    finally:
        translations.apply("en")
        run(desktop.close())
        run(core.close())
