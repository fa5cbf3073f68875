"""Secrets live in the OS keyring, behind one small interface.

Headless machines (the bridge, CI) read them from documented environment variables instead;
tests use the in-memory store. One exception to "never in a file": the NFON refresh token is
replaced by the issuer on every use, so a headless machine without a keyring keeps the replacement
in a file only its user can read (`RotatedTokenFile`); see the README's headless section.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
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


ROTATED_SECRETS = frozenset({SecretName.NFON_REFRESH_TOKEN})
"""Secrets the issuer replaces on every use: an environment variable can only seed them."""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class RotatedTokenFile:
    """The rotated NFON refresh token of a headless machine without a keyring.

    One small JSON file, mode 0600 (readable by this user only; OS-protected, NOT encrypted),
    replaced atomically so a crash never leaves half a token. It also remembers a digest of the
    environment value it grew from: a different `CTIDESK_NFON_REFRESH_TOKEN` (a new sign-in by
    the administrator) wins over the file again. With a keyring, only that digest is kept here.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> tuple[str | None, str | None]:
        """(digest of the seeding environment value, token); (None, None) when there is none."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, None
        except ValueError:
            log.warning("%s is damaged; ignoring it (the environment variable counts)", self.path)
            return None, None
        except OSError as exc:
            raise SecretStoreUnavailable(
                f"cannot read {self.path} ({exc}); delete it and set "
                f"{SecretName.NFON_REFRESH_TOKEN.env_var} again"
            ) from exc
        if sys.platform != "win32" and stat.S_IMODE(self.path.stat().st_mode) & 0o077:
            log.warning("%s was readable by others; made it private (0600) again", self.path)
            self.path.chmod(0o600)
        if not isinstance(data, dict):
            return None, None
        seed, token = data.get("seeded_from"), data.get("refresh_token")
        return (
            seed if isinstance(seed, str) else None,
            token if isinstance(token, str) and token else None,
        )

    def write(self, seeded_from: str | None, token: str | None) -> None:
        payload = json.dumps({"seeded_from": seeded_from, "refresh_token": token})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".nfon-", dir=self.path.parent)
        except OSError as exc:
            raise self._cannot_write(exc) from exc
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                os.chmod(tmp_name, 0o600)
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
        except OSError as exc:
            Path(tmp_name).unlink(missing_ok=True)
            raise self._cannot_write(exc) from exc

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _cannot_write(self, exc: OSError) -> SecretStoreUnavailable:
        return SecretStoreUnavailable(
            f"cannot save the renewed NFON sign-in in {self.path} ({exc.strerror or exc}); "
            "make that folder writable for this user"
        )


class LayeredSecretStore:
    """Environment variables win (headless overrides), then the writable store.

    Rotated secrets (the NFON refresh token) differ: the environment variable only seeds them.
    Once the issuer replaced the token, the replacement (in the keyring, or without one in the
    `RotatedTokenFile`) wins for as long as the environment still holds the value it grew from.
    """

    def __init__(
        self,
        env: EnvSecretStore,
        writable: SecretStore | None,
        rotated: RotatedTokenFile | None = None,
    ) -> None:
        self._env = env
        self._writable = writable
        self._rotated = rotated

    def get(self, name: SecretName) -> str | None:
        value = self._env.get(name)
        if name in ROTATED_SECRETS and self._rotated is not None:
            kept = self._kept_rotation(name, value)
            if kept:
                return kept
        if value is not None:
            return value
        return self._writable.get(name) if self._writable else None

    def _kept_rotation(self, name: SecretName, seed: str | None) -> str | None:
        assert self._rotated is not None
        seeded_from, token = self._rotated.read()
        if seed is not None and seeded_from != _digest(seed):
            return None
        if self._writable is None:
            return token
        return self._writable.get(name) if seed is not None else None

    def set(self, name: SecretName, value: str) -> None:
        seed = self._env.get(name)
        if name in ROTATED_SECRETS and self._rotated is not None:
            seeded_from = _digest(seed) if seed is not None else None
            if self._writable is None:
                self._rotated.write(seeded_from, value)
                return
            self._writable.set(name, value)
            if seed is not None:
                self._rotated.write(seeded_from, None)
            return
        if self._writable is None:
            self._env.set(name, value)
            return
        self._writable.set(name, value)

    def delete(self, name: SecretName) -> None:
        if self._writable is not None:
            self._writable.delete(name)
        if name in ROTATED_SECRETS and self._rotated is not None:
            self._rotated.remove()


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
