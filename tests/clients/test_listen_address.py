"""Issue 20, finding 6: the Action URL listener binds to the address that reaches the phone.

It used to bind to every interface (0.0.0.0) by default. Here the phone (its simulator) is always
on 127.0.0.1, so the address towards it is 127.0.0.1: nothing leaves this machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ctidesk.app import Context, Network, _start_phone, build_core
from ctidesk.clients.grandstream.factory import listen_address_for, public_host_for
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings, load_settings, save_settings, settings_from_dict
from ctidesk.sim.phone import PhoneSimulator


@pytest.fixture
async def sim() -> AsyncIterator[PhoneSimulator]:
    phone = PhoneSimulator(profile="gxp")
    await phone.start()
    yield phone
    await phone.stop()


async def test_by_default_the_listener_binds_only_to_the_address_towards_the_phone(
    sim: PhoneSimulator, tmp_path: Path
) -> None:
    settings = Settings()
    assert settings.phone.listen_address == ""
    settings.phone.address = sim.address
    settings.phone.listen_port = 0
    settings.phone.poll_when_no_action_url = False
    secrets = MemorySecretStore({SecretName.PHONE_PASSCODE: sim.passcode})
    context = Context(
        AppPaths.under(tmp_path), tmp_path / "settings.toml", settings, secrets, Redactor()
    )
    core = build_core(context)
    network = Network(context, core, lambda _status: None)
    try:
        await _start_phone(context, core, network)
        assert network.listen_address is not None
        host, port = network.listen_address
        assert host == "127.0.0.1"
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()
        await writer.wait_closed()
        assert all(
            url.startswith(f"http://127.0.0.1:{port}/") for url in network.action_urls.values()
        )
    finally:
        await network.close()
        await core.close()


def test_the_listen_address_setting_wins_and_empty_means_towards_the_phone() -> None:
    settings = Settings()
    settings.phone.address = "127.0.0.1:8080"
    assert listen_address_for(settings.phone) == "127.0.0.1"
    settings.phone.listen_address = "0.0.0.0"
    assert listen_address_for(settings.phone) == "0.0.0.0"
    assert public_host_for(settings.phone) == "127.0.0.1"


def test_an_old_files_listen_host_default_means_automatic_and_others_are_kept(
    tmp_path: Path,
) -> None:
    old_default = settings_from_dict({"phone": {"listen_host": "0.0.0.0"}})
    assert old_default.phone.listen_address == ""
    assert old_default.unknown_keys() == []
    chosen = settings_from_dict({"phone": {"listen_host": "127.0.0.1"}})
    assert chosen.phone.listen_address == "127.0.0.1"
    path = tmp_path / "settings.toml"
    save_settings(chosen, path)
    text = path.read_text(encoding="utf-8")
    assert 'listen_address = "127.0.0.1"' in text and "listen_host" not in text
    assert load_settings(path).phone.listen_address == "127.0.0.1"
