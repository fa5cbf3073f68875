"""The "Copy diagnostics" report: what support needs to help, with every secret removed."""

from __future__ import annotations

import contextlib
import json
import platform
from collections import deque
from pathlib import Path

from ctidesk import __version__
from ctidesk.config.logs import Redactor
from ctidesk.config.secrets import SecretName, SecretStore, SecretStoreUnavailable
from ctidesk.config.settings import Settings
from ctidesk.gui.bridge import DesktopStatus

LOG_LINES = 200


def diagnostics_report(
    status: DesktopStatus,
    settings: Settings,
    secrets: SecretStore,
    redactor: Redactor,
    log_file: Path | None = None,
    qt_version: str = "",
) -> str:
    """A plain-text report; known secret values and credential-shaped text are redacted."""
    for name in SecretName:
        with contextlib.suppress(SecretStoreUnavailable):
            redactor.add(secrets.get(name))
    lines = [
        f"ctidesk {__version__} on {platform.platform()}, Python {platform.python_version()}",
        f"Qt {qt_version}" if qt_version else "Qt: unknown",
        "",
        "Systems:",
    ]
    for system, state in sorted(status.systems.items()):
        lines.append(f"  {system}: {state.state.value} {state.detail}".rstrip())
    lines += [
        f"  NFON signed in: {status.nfon_signed_in}",
        f"  do not disturb: {status.dnd}, ringing: {status.ringing}, on a call: {status.on_call}",
        f"  last problem: {status.last_error or '-'}",
        "",
        "Secrets (only whether they are set):",
    ]
    for name in SecretName:
        try:
            present = "set" if secrets.get(name) else "not set"
        except SecretStoreUnavailable as exc:
            present = f"keyring unavailable ({exc})"
        lines.append(f"  {name.value}: {present}")
    lines += ["", "Settings:", json.dumps(settings.model_dump(mode="json"), indent=2), ""]
    if log_file is not None:
        lines.append(f"Last {LOG_LINES} log lines of {log_file}:")
        try:
            with log_file.open(encoding="utf-8", errors="replace") as handle:
                lines.extend(line.rstrip("\n") for line in deque(handle, maxlen=LOG_LINES))
        except OSError as exc:
            lines.append(f"  (log not readable: {exc.strerror})")
    return redactor("\n".join(lines))
