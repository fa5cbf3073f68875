from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from ctidesk.config.secrets import (
    EnvSecretStore,
    KeyringSecretStore,
    LayeredSecretStore,
    MemorySecretStore,
    SecretName,
    SecretStoreUnavailable,
)
from ctidesk.config.settings import Settings, SettingsError, load_settings, save_settings
from ctidesk.core.event_actions import CallEventName, OpenCustomerOn

EXAMPLE = Path(__file__).parents[2] / "settings.example.toml"


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == Settings()


def test_round_trip_is_atomic_and_keeps_values(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.toml"
    settings = Settings()
    settings.phone.address = "http://127.0.0.1:8080/"
    settings.dialing.outside_line_prefix = "0"
    save_settings(settings, path)
    loaded = load_settings(path)
    assert loaded.phone.address == "127.0.0.1:8080"
    assert loaded.dialing.outside_line_prefix == "0"
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]


def test_the_example_file_in_the_repo_is_valid_and_complete() -> None:
    loaded = load_settings(EXAMPLE)
    assert loaded.unknown_keys() == []
    text = EXAMPLE.read_text()
    for section, model in Settings().model_dump().items():
        if isinstance(model, dict):
            assert f"[{section}]" in text
            for key in model:
                assert f"{key} =" in text, f"{section}.{key} is not in the example file"


def test_a_bad_value_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[phone]\ntimeout_seconds = "soon"\n')
    with pytest.raises(SettingsError, match=r"phone\.timeout_seconds"):
        load_settings(path)


def test_broken_toml_says_so(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[phone\naddress=")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(path)


def test_unknown_keys_are_kept_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('colour = "blue"\n[phone]\nadress = "127.0.0.1"\n')
    loaded = load_settings(path)
    assert loaded.unknown_keys() == ["colour", "phone.adress"]
    save_settings(loaded, path)
    assert "adress" in path.read_text()


def test_a_secret_in_the_settings_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[phone]\npasscode = "hunter2"\n')
    with pytest.raises(SettingsError, match="looks like a secret") as caught:
        load_settings(path)
    assert "hunter2" not in str(caught.value)


def test_a_newer_settings_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("version = 99\n")
    with pytest.raises(SettingsError, match="update ctidesk"):
        load_settings(path)


def test_saved_settings_hold_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    save_settings(Settings(), path)
    text = path.read_text().lower()
    for word in ("passcode =", "password =", "token ="):
        assert word not in text


class DictKeyring(KeyringBackend):
    """A working in-process keyring backend, to test the real keyring code path."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.values:
            raise PasswordDeleteError(username)
        del self.values[(service, username)]


@pytest.fixture
def dict_keyring() -> DictKeyring:
    previous = keyring.get_keyring()
    backend = DictKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keyring_store_splits_long_secrets(dict_keyring: DictKeyring) -> None:
    store = KeyringSecretStore()
    long_token = "x" * 2500 + "end"
    store.set(SecretName.NFON_REFRESH_TOKEN, long_token)
    assert store.get(SecretName.NFON_REFRESH_TOKEN) == long_token
    assert max(len(v) for v in dict_keyring.values.values()) <= 1000
    store.set(SecretName.NFON_REFRESH_TOKEN, "short")
    assert store.get(SecretName.NFON_REFRESH_TOKEN) == "short"
    assert len(dict_keyring.values) == 1
    store.delete(SecretName.NFON_REFRESH_TOKEN)
    assert store.get(SecretName.NFON_REFRESH_TOKEN) is None
    assert dict_keyring.values == {}


def test_no_keyring_backend_is_a_clear_error() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(SecretStoreUnavailable, match="CTIDESK_"):
            KeyringSecretStore()
    finally:
        keyring.set_keyring(previous)


def test_environment_overrides_and_is_read_only() -> None:
    env = EnvSecretStore({"CTIDESK_PHONE_PASSCODE": "from-env"})
    memory = MemorySecretStore({SecretName.PHONE_PASSCODE: "from-keyring"})
    layered = LayeredSecretStore(env, memory)
    assert layered.get(SecretName.PHONE_PASSCODE) == "from-env"
    layered.set(SecretName.ZAMMAD_API_TOKEN, "t")
    assert memory.get(SecretName.ZAMMAD_API_TOKEN) == "t"
    with pytest.raises(SecretStoreUnavailable, match="CTIDESK_ZAMMAD_API_TOKEN"):
        LayeredSecretStore(env, None).set(SecretName.ZAMMAD_API_TOKEN, "t")


def test_a_bad_event_action_template_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[event_actions]\nringing = ["file:///etc/passwd?{number}"]\n')
    with pytest.raises(SettingsError, match=r"event_actions\.ringing.*http:// or https://"):
        load_settings(path)


def test_event_action_settings_become_a_checked_config(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        '[event_actions]\nanswered = [" https://crm.example.com/?q={e164} "]\n'
        'open_customer_on = "ringing"\n'
    )
    config = load_settings(path).event_actions.config()
    assert [t.text for t in config.templates[CallEventName.ANSWERED]] == [
        "https://crm.example.com/?q={e164}"
    ]
    assert config.open_customer_on is OpenCustomerOn.RINGING
