"""After a full demo session with faults, no secret is in any file of the home: not in the
settings file, the journal, the outbox, nor the log (written at DEBUG, as in the real app by
`open_context`). Every secret value the simulators handed out is searched for, byte for byte."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctidesk.app import build_core, open_context
from ctidesk.checks.live import phone_status
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings, save_settings
from ctidesk.core.calls import CallState
from ctidesk.core.ports import ReachState
from ctidesk.gui.demo import DemoWorld
from ctidesk.gui.desktop import Desktop
from ctidesk.sim.suite import SimulatorSuite
from tests.clients.zammad_support import applied_pushes

from .conftest import wait_until

pytestmark = pytest.mark.gui


@pytest.fixture
def root_logging() -> Iterator[None]:
    """`open_context` puts its handlers on the root logger; take them off afterwards."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def _secrets_handed_out(suite: SimulatorSuite, store: MemorySecretStore) -> dict[str, str]:
    found = {name.value: value for name in SecretName if (value := store.get(name))}
    found["zammad CTI token"] = suite.zammad.config.token
    nfon: Any = suite.nfon
    for label, tokens in (
        ("NFON access token", nfon._access),
        ("NFON refresh token", nfon._refresh),
        ("NFON CTI access token", nfon._cti_access),
        ("NFON CTI refresh token", nfon._cti_refresh),
    ):
        for index, token in enumerate(tokens):
            found[f"{label} {index}"] = token
    found["NFON CTI password"] = suite.nfon.cti_password
    return found


def _ring_answer_end(desktop: Desktop, world: DemoWorld, run: Any) -> None:
    world.simulate_call()
    run(wait_until(lambda: desktop.popups.cards()))
    (card,) = desktop.popups.cards()
    card.answer_button.click()
    run(wait_until(lambda: card.call.state is CallState.CONNECTED))
    card.end_button.click()
    run(wait_until(lambda: card.after_call))
    card.done_button.click()
    assert not desktop.popups.cards()


def test_no_secret_in_any_file_after_a_demo_session_with_faults(
    tmp_path: Path, loop: Any, run: Any, opened: list[str], root_logging: None
) -> None:
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    settings = Settings()
    settings.general.log_level = "DEBUG"
    settings.zammad.retry_initial_seconds = 0.05
    settings.zammad.retry_max_seconds = 0.2
    save_settings(settings, paths.settings_file)
    store = MemorySecretStore()
    context = open_context(paths.settings_file, paths=paths, secrets=store)
    core = build_core(context)
    desktop = Desktop(
        context,
        core,
        loop,
        tray_available=True,
        opener=opened.append,
        enable_hotkey=False,
        quit_app=lambda: None,
    )
    desktop.show()
    world = DemoWorld(context, core, call_now_and_then=False)
    suite = world.suite
    try:
        parts = run(world.start(), timeout=15)
        desktop.attach(parts)
        network = parts.network
        assert network is not None and network.nfon is not None and network.nfon.signed_in

        _ring_answer_end(desktop, world, run)
        run(wait_until(lambda: len(applied_pushes(suite.zammad)) == 3))

        run(suite.zammad.go_down())
        _ring_answer_end(desktop, world, run)
        zammad = network.zammad
        assert zammad is not None and zammad.forwarder is not None
        forwarder = zammad.forwarder
        run(
            wait_until(
                lambda: forwarder.status and forwarder.status.state is ReachState.UNREACHABLE
            )
        )
        run(suite.zammad.come_back())
        run(wait_until(lambda: forwarder.pending_count() == 0, 5), timeout=6)

        suite.phone.set_unreachable("drop")
        assert run(phone_status(network)).state is ReachState.UNREACHABLE
        suite.phone.set_unreachable("off")
        assert run(phone_status(network)).state is ReachState.OK

        issued = len(suite.nfon._access)
        suite.nfon.expire_tokens()
        run(wait_until(lambda: len(suite.nfon._access) > issued, 5), timeout=6)
        record = suite.nfon.add_record(status="missed")
        run(wait_until(lambda: _nfon_in_journal(core, record), 5), timeout=6)
    finally:
        run(desktop.close(), timeout=10)
        run(core.close())
    for handler in logging.getLogger().handlers:
        handler.flush()

    secrets = _secrets_handed_out(suite, store)
    assert len(secrets) >= 12, secrets.keys()
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    names = {path.name for path in files}
    assert {"settings.toml", "journal.sqlite3", "outbox.sqlite3"} <= names, names
    log_text = paths.log_file.read_text()
    assert "phone" in log_text and "Zammad" in log_text, "the log should show the session"
    leaks = [
        f"{label} in {path.relative_to(tmp_path)}"
        for path in files
        for label, value in secrets.items()
        if value.encode() in path.read_bytes()
    ]
    assert leaks == []


def _nfon_in_journal(core: Any, record: dict[str, Any]) -> bool:
    return any(entry.nfon_uuid == record["uuid"] for entry in core.journal.recent())
