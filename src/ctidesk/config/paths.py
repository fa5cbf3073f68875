"""Where ctidesk keeps its files, per platform (platformdirs), overridable for tests and CI.

The journal, the outbox and the logs hold callers' numbers and names: on a shared PC they are the
user's only (issue 20, finding 8). ctidesk's folders are 0700 and its files 0600 on POSIX systems;
`AppPaths.ensure` also tightens what an older version left readable to others. On Windows the
folders live in the user's profile (``%APPDATA%``, ``%LOCALAPPDATA%``), whose ACLs already keep
them to the user, SYSTEM and administrators; ctidesk changes no ACLs there (not tested here).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "ctidesk"
HOME_ENV = "CTIDESK_HOME"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_POSIX = os.name == "posix"


def make_private_dir(folder: Path) -> None:
    """The folder (and missing parents), for this user only."""
    folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if _POSIX and stat.S_IMODE(folder.stat().st_mode) != PRIVATE_DIR_MODE:
        folder.chmod(PRIVATE_DIR_MODE)


def tighten(folder: Path) -> None:
    """Make every file and folder below ``folder`` the user's only (files 0600, folders 0700).

    SQLite creates a database's -wal and -shm files with the database's own mode, so a database
    tightened right after it was opened keeps its later files private too.
    """
    if not _POSIX or not folder.is_dir():
        return
    for root, folders, files in os.walk(folder):
        for name in folders:
            _chmod(Path(root) / name, PRIVATE_DIR_MODE)
        for name in files:
            _chmod(Path(root) / name, PRIVATE_FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    try:
        info = path.lstat()
        if not stat.S_ISLNK(info.st_mode) and stat.S_IMODE(info.st_mode) & ~mode:
            path.chmod(mode)
    except OSError:
        pass  # gone meanwhile (a -shm file), or not ours: nothing to tighten


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
    def call_notes_file(self) -> Path:
        """The after-call notes' queue: what is owed to which ticket, and what was written."""
        return self.data_dir / "call-notes.sqlite3"

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

    @property
    def folders(self) -> tuple[Path, ...]:
        return (self.config_dir, self.data_dir, self.log_dir, self.runtime_dir)

    def ensure(self) -> None:
        """Create the folders for this user only, and tighten what is in them already."""
        for folder in self.folders:
            make_private_dir(folder)
            tighten(folder)

    def tighten(self) -> None:
        """Files created since `ensure` (databases just opened, a lock) become the user's only."""
        for folder in self.folders:
            tighten(folder)

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
