"""Where ctidesk keeps its files, per platform (platformdirs), overridable for tests and CI."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "ctidesk"
HOME_ENV = "CTIDESK_HOME"


@dataclass(frozen=True)
class AppPaths:
    config_dir: Path
    data_dir: Path
    log_dir: Path
    runtime_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def journal_file(self) -> Path:
        return self.data_dir / "journal.sqlite3"

    @property
    def outbox_file(self) -> Path:
        return self.data_dir / "outbox.sqlite3"

    @property
    def nfon_token_file(self) -> Path:
        """The rotated NFON refresh token of a headless machine without a keyring (0600)."""
        return self.data_dir / "nfon-refresh-token.json"

    @property
    def nfon_refresh_lock(self) -> Path:
        """Held while one process refreshes the NFON token, so two never spend the same one."""
        return self.data_dir / "nfon-refresh.lock"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "ctidesk.log"

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir, self.log_dir, self.runtime_dir):
            folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        """All folders below one root: used by tests, the demo and `CTIDESK_HOME`."""
        return cls(root / "config", root / "data", root / "log", root / "run")

    @classmethod
    def default(cls) -> AppPaths:
        home = os.environ.get(HOME_ENV)
        if home:
            return cls.under(Path(home))
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_runtime_dir(APP_NAME, appauthor=False)),
        )
