"""Child side of `ctidesk --self-check`'s Qt check: start Qt on one platform plugin and report.

Qt allows one platform per process, so the self-check runs this in a child per plugin.
"""

from __future__ import annotations

import sys


def probe_platform(name: str) -> int:
    """Print `platform <name> tray=yes|no` once Qt has started on the plugin `name`."""
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    app = QApplication([sys.argv[0], "-platform", name])
    tray = "yes" if QSystemTrayIcon.isSystemTrayAvailable() else "no"
    print(f"platform {app.platformName()} tray={tray}", flush=True)
    app.quit()
    return 0
