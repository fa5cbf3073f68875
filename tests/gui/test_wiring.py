"""The real (non-demo) wiring: settings and keyring to phone control, listener and Zammad."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ctidesk.app import Context, Core
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings
from ctidesk.core.calls import CallState
from ctidesk.core.journal import Journal
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.wiring import start_clients
from ctidesk.sim.phone import PhoneSimulator
from ctidesk.sim.zammad import ZammadSimulator

from .conftest import wait_until

pytestmark = pytest.mark.gui


def test_configured_phone_and_zammad_are_wired(tmp_path: Path, run: Any) -> None:
    phone_sim = PhoneSimulator()
    zammad_sim = ZammadSimulator()
    run(phone_sim.start())
    run(zammad_sim.start())
    settings = Settings()
    settings.phone.address = phone_sim.address
    settings.phone.listen_address = "127.0.0.1"
    settings.phone.listen_port = 0
    settings.zammad.url = zammad_sim.base_url
    settings.nfon.enabled = False
    store = MemorySecretStore(
        {
            SecretName.PHONE_PASSCODE: phone_sim.passcode,
            SecretName.ZAMMAD_API_TOKEN: zammad_sim.agent_token,
            SecretName.ZAMMAD_CTI_URL: zammad_sim.cti_url,
        }
    )
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    context = Context(paths, paths.settings_file, settings, store, Redactor())
    core = Core(tracker=CallTracker(), journal=Journal(paths.journal_file))
    parts = run(start_clients(context, core))
    try:
        assert parts.phone is not None and parts.lookup is not None
        assert parts.nfon_account is None
        assert store.get(SecretName.ACTION_URL_TOKEN)
        assert parts.action_urls is not None
        urls = dict(parts.action_urls(settings, {}))
        assert "incoming_call" in urls
        assert urls["incoming_call"].startswith("http://127.0.0.1:")
        phone_sim.configure_action_urls(urls)
        phone_sim.ring("+49 89 99998 123", "Maria Huber")
        run(wait_until(lambda: core.tracker.live_calls()))
        (call,) = core.tracker.live_calls()
        assert call.state is CallState.RINGING
        run(parts.phone.answer(call))
        run(wait_until(lambda: core.tracker.live_calls()[0].state is CallState.CONNECTED))
        info = run(parts.lookup.lookup(call.remote, call.id))
        assert info.best is not None and info.best.name == "Maria Huber"
        statuses = [run(probe()) for probe in parts.probes]
        assert [s.state.value for s in statuses] == ["ok", "ok"]
    finally:
        for closer in reversed(parts.closers):
            result = closer()
            if result is not None:
                run(result)
        run(phone_sim.stop())
        run(zammad_sim.stop())
        run(core.close())
