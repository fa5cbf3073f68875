"""Secrets live only in the OS keyring, behind one small interface.

Headless machines (the bridge, CI) read them from documented environment variables instead;
tests use the in-memory store. Nothing here ever writes a secret to a file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol

log = logging.getLogger(__name__)

KEYRING_SERVICE = "ctidesk"
CHUNK_SIZE = 1000


class SecretName(StrEnum):
    PHONE_PASSCODE = "phone_passcode"
    ACTION_URL_TOKEN = "action_url_token"
    ZAMMAD_CTI_URL = "zammad_cti_url"
    ZAMMAD_API_TOKEN = "zammad_api_token"
    NFON_REFRESH_TOKEN = "nfon_refresh_token"
    NFON_CTI_PASSWORD = "nfon_cti_password"

    @property
    def env_var(self) -> str:
        return "CTIDESK_" + self.value.upper()


class SecretStoreUnavailable(Exception):
    """No working keyring: the message tells the user how to get one or what to use instead."""


class SecretStore(Protocol):
    def get(self, name: SecretName) -> str | None: ...

    def set(self, name: SecretName, value: str) -> None: ...

    def delete(self, name: SecretName) -> None: ...


class MemorySecretStore:
    """For tests and the demo: secrets vanish with the process."""

    def __init__(self, initial: dict[SecretName, str] | None = None) -> None:
        self._values: dict[SecretName, str] = dict(initial or {})

    def get(self, name: SecretName) -> str | None:
        return self._values.get(name)

    def set(self, name: SecretName, value: str) -> None:
        self._values[name] = value

    def delete(self, name: SecretName) -> None:
        self._values.pop(name, None)


class EnvSecretStore:
    """Read-only secrets from `CTIDESK_<NAME>` environment variables (headless fallback)."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self._environ = environ if environ is not None else os.environ

    def get(self, name: SecretName) -> str | None:
        return self._environ.get(name.env_var) or None

    def set(self, name: SecretName, value: str) -> None:
        raise SecretStoreUnavailable(
            f"secrets come from environment variables here; set {name.env_var} instead"
        )

    def delete(self, name: SecretName) -> None:
        raise SecretStoreUnavailable(f"unset the environment variable {name.env_var} instead")


class KeyringSecretStore:
    """The OS keyring. Long values (refresh tokens) are split, since some keyrings cap size."""

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or _only_failing(backend):
            raise SecretStoreUnavailable(
                "no OS keyring is available to keep passwords and tokens safe; install and unlock "
                "one (GNOME Keyring, KWallet, Windows Credential Manager, macOS Keychain), or set "
                "the CTIDESK_* environment variables for headless use (see README)"
            )
        self._keyring = keyring
        self._service = service
        self._backend_name = str(getattr(backend, "name", "") or type(backend).__name__)

    def get(self, name: SecretName) -> str | None:
        head = self._read(name.value)
        if head is None or not head.startswith(_CHUNKED):
            return head
        parts = [self._read(f"{name.value}#{i}") for i in range(int(head.removeprefix(_CHUNKED)))]
        if any(part is None for part in parts):
            return None
        return "".join(part or "" for part in parts)

    def set(self, name: SecretName, value: str) -> None:
        self.delete(name)
        if len(value) <= CHUNK_SIZE:
            self._write(name.value, value)
            return
        chunks = [value[i : i + CHUNK_SIZE] for i in range(0, len(value), CHUNK_SIZE)]
        for index, chunk in enumerate(chunks):
            self._write(f"{name.value}#{index}", chunk)
        self._write(name.value, f"{_CHUNKED}{len(chunks)}")

    def delete(self, name: SecretName) -> None:
        head = self._read(name.value)
        keys = [name.value]
        if head and head.startswith(_CHUNKED):
            keys += [f"{name.value}#{i}" for i in range(int(head.removeprefix(_CHUNKED)))]
        for key in keys:
            self._remove(key)

    def _read(self, key: str) -> str | None:
        try:
            value = self._keyring.get_password(self._service, key)
        except Exception as exc:
            raise _refused(self._backend_name, exc) from None
        return str(value) if value is not None else None

    def _write(self, key: str, value: str) -> None:
        try:
            self._keyring.set_password(self._service, key, value)
        except Exception as exc:
            raise _refused(self._backend_name, exc) from None

    def _remove(self, key: str) -> None:
        from keyring.errors import PasswordDeleteError

        try:
            self._keyring.delete_password(self._service, key)
        except PasswordDeleteError:
            return
        except Exception as exc:
            raise _refused(self._backend_name, exc) from None


_CHUNKED = "chunks:"


def _refused(backend_name: str, exc: Exception) -> SecretStoreUnavailable:
    """A fixed sentence with the backend's name: a backend's own message may quote the value it
    was given (issue 20, finding 8), so it is neither shown, nor logged, nor chained."""
    log.warning("the keyring backend %s failed (%s)", backend_name, type(exc).__name__)
    return SecretStoreUnavailable(
        f"the OS keyring ({backend_name}) refused the request; unlock it and try again"
    )


def _only_failing(backend: object) -> bool:
    backends = getattr(backend, "backends", None)
    if backends is None:
        return False
    from keyring.backends import fail

    return all(isinstance(b, fail.Keyring) for b in backends)


class LayeredSecretStore:
    """Environment variables win (headless overrides), then the writable store."""

    def __init__(self, env: EnvSecretStore, writable: SecretStore | None) -> None:
        self._env = env
        self._writable = writable

    def get(self, name: SecretName) -> str | None:
        value = self._env.get(name)
        if value is not None:
            return value
        return self._writable.get(name) if self._writable else None

    def set(self, name: SecretName, value: str) -> None:
        if self._writable is None:
            self._env.set(name, value)
            return
        self._writable.set(name, value)

    def delete(self, name: SecretName) -> None:
        if self._writable is not None:
            self._writable.delete(name)


def known_secret_values(store: SecretStore, names: Iterable[SecretName] = SecretName) -> list[str]:
    """Every secret currently set, for the log redactor."""
    values = []
    for name in names:
        try:
            value = store.get(name)
        except SecretStoreUnavailable:
            continue
        if value:
            values.append(value)
    return values
