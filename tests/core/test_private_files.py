"""Issue 20, finding 8: the agent's files are the user's only, and no secret leaks in messages.

On a shared PC the journal, the outbox and the logs (callers' numbers and names) were readable by
every user (0644). Now ctidesk's folders are 0700 and every file it creates 0600 (POSIX; Windows
relies on the profile's ACLs, see config/paths.py). A keyring backend's error message may quote
the value it was given, so the user sees a fixed sentence with the backend's name instead.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from ctidesk.config.logs import PrivateRotatingFileHandler
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import KeyringSecretStore, SecretName, SecretStoreUnavailable
from tests.network_support import eventually, running_network, simulators

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="file modes are POSIX")


def modes(root: Path) -> dict[str, int]:
    """Every file and folder below ``root`` (relative path) with its permission bits."""
    found = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder) / name
            found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


@posix_only
async def test_every_file_the_running_network_creates_is_the_users_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    old_umask = os.umask(0o022)  # a desktop's usual umask: new files 0644, folders 0755
    try:
        async with simulators() as suite, running_network(home, suite) as world:
            world.suite.phone.ring("+4930123456", "Jane Doe")
            await eventually(lambda: world.core.journal.count() == 1)
            logging.getLogger("ctidesk.test").warning("a line for the log file")
            found = modes(home)
    finally:
        os.umask(old_umask)
    expected = {
        "config",
        "config/settings.toml",
        "data",
        "data/journal.sqlite3",
        "data/journal.sqlite3-wal",
        "data/journal.sqlite3-shm",
        "data/outbox.sqlite3",
        "data/network.lock",
        "log",
        "log/ctidesk.log",
        "run",
    }
    assert expected <= set(found), sorted(found)
    loose = {
        name: oct(mode)
        for name, mode in found.items()
        if mode != (0o700 if (home / name).is_dir() else 0o600)
    }
    assert loose == {}


@posix_only
def test_an_older_versions_readable_files_are_tightened_at_start(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path / "home")
    for folder in paths.folders:
        folder.mkdir(parents=True, mode=0o755)
    for file in (paths.journal_file, paths.outbox_file, paths.log_file, paths.settings_file):
        file.write_text("x")
        file.chmod(0o644)
    (paths.log_dir / "ctidesk.log.1").write_text("x")

    paths.ensure()

    found = modes(paths.config_dir.parent)
    assert {name: oct(mode) for name, mode in found.items() if mode not in (0o600, 0o700)} == {}


@posix_only
def test_a_rotated_log_file_is_created_for_the_user_only(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    handler = PrivateRotatingFileHandler(tmp_path / "ctidesk.log", maxBytes=100, backupCount=2)
    try:
        for index in range(10):
            handler.emit(logging.makeLogRecord({"msg": f"line {index} " + "x" * 40}))
    finally:
        handler.close()
        os.umask(old_umask)
    assert {name: oct(mode) for name, mode in modes(tmp_path).items()} == {
        "ctidesk.log": "0o600",
        "ctidesk.log.1": "0o600",
        "ctidesk.log.2": "0o600",
    }


class QuotingKeyring(KeyringBackend):
    """A backend whose errors quote what it was given, as some do."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError(f"refused to store {password!r} for {username}")

    def delete_password(self, service: str, username: str) -> None:
        raise PasswordDeleteError(username)


@pytest.fixture
def quoting_keyring() -> Iterator[QuotingKeyring]:
    previous = keyring.get_keyring()
    backend = QuotingKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_a_keyring_error_shows_a_fixed_sentence_not_the_backends_message(
    quoting_keyring: QuotingKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    store = KeyringSecretStore()
    secret = "hunter2-very-secret-value"
    with pytest.raises(SecretStoreUnavailable) as raised:
        store.set(SecretName.ZAMMAD_API_TOKEN, secret)
    message = str(raised.value)
    assert "refused the request; unlock it and try again" in message
    assert QuotingKeyring.name in message
    everything = "".join(traceback.format_exception(raised.value)) + caplog.text
    assert secret not in everything
    assert "refused to store" not in everything
