"""Issue 18 point 3: every client package has the same shape and the same names."""

from __future__ import annotations

import ast
import importlib
from enum import Enum
from pathlib import Path

import pytest
from pydantic import BaseModel

from ctidesk.clients.grandstream import (
    ActionUrlListener,
    LineStatusPoller,
    PhoneNotConfigured,
    build_grandstream_services,
)
from ctidesk.clients.grandstream import models as grandstream_models
from ctidesk.clients.nfon import cti as nfon_cti
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings
from ctidesk.core.calls import CallEvent


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (grandstream_models.LineState, grandstream_models.LineStatus),
        (nfon_cti.LineState, nfon_cti.LineStatus),
    ],
    ids=["grandstream", "nfon"],
)
def test_line_state_is_the_enum_and_line_status_the_reading_in_every_client(
    state: type, status: type
) -> None:
    assert issubclass(state, Enum)
    assert issubclass(status, BaseModel)


SRC = Path(__file__).parents[2] / "src" / "ctidesk"
SYSTEMS = sorted(p.name for p in (SRC / "clients").iterdir() if (p / "__init__.py").is_file())


def test_there_are_three_client_packages() -> None:
    assert SYSTEMS == ["grandstream", "nfon", "zammad"]


@pytest.mark.parametrize("system", SYSTEMS)
def test_each_client_has_one_builder_and_names_its_public_surface(system: str) -> None:
    package = importlib.import_module(f"ctidesk.clients.{system}")
    public = getattr(package, "__all__", None)
    assert public, f"clients/{system} has no __all__"
    assert [name for name in public if name.startswith("build_")] == [f"build_{system}_services"]
    missing = [name for name in public if not hasattr(package, name)]
    assert missing == []


def test_code_outside_a_client_imports_the_package_not_its_modules() -> None:
    """Callers see `clients/<system>/__init__.py`'s `__all__`, so a client can move its insides."""
    offences = []
    for path in sorted(SRC.rglob("*.py")):
        if path.is_relative_to(SRC / "clients"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if parts[:2] == ["ctidesk", "clients"] and len(parts) > 3:
                    offences.append(f"{path.relative_to(SRC)}:{node.lineno} imports {name}")
    assert offences == []


def _phone_settings(action_url_enabled: bool) -> Settings:
    settings = Settings()
    settings.phone.address = "127.0.0.1:8443"
    settings.phone.action_url_enabled = action_url_enabled
    return settings


async def test_the_grandstream_builder_makes_client_and_control_and_sources_on_request() -> None:
    secrets = MemorySecretStore({SecretName.PHONE_PASSCODE: "admin"})
    bare = build_grandstream_services(_phone_settings(True), secrets)
    assert (bare.listener, bare.poller) == (None, None)
    assert not secrets.get(SecretName.ACTION_URL_TOKEN), "no token made for the CLI's commands"
    events: list[CallEvent] = []
    full = build_grandstream_services(_phone_settings(True), secrets, on_event=events.append)
    assert isinstance(full.listener, ActionUrlListener)
    assert isinstance(full.poller, LineStatusPoller)
    polling = build_grandstream_services(_phone_settings(False), secrets, on_event=events.append)
    assert polling.listener is None and polling.poller is not None
    for services in (bare, full, polling):
        await services.client.aclose()


def test_the_grandstream_builder_says_what_is_missing() -> None:
    with pytest.raises(PhoneNotConfigured, match="password"):
        build_grandstream_services(_phone_settings(True), MemorySecretStore())
