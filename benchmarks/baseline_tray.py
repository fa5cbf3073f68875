"""A bare PySide6 tray icon: the reference for ctidesk's start-up time and memory.

Prints ``tray-shown <seconds since process start>`` once the icon is visible, then idles until
killed (or ``--exit-after SECONDS``).
"""

from __future__ import annotations

import sys
import time

STARTED = time.time()


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    app = QApplication(sys.argv[:1])
    pixmap = QPixmap(32, 32)
    pixmap.fill(QColor("#2e7d32"))
    painter = QPainter(pixmap)  # two colours, so a painted icon tells from an empty slot
    painter.fillRect(8, 8, 16, 16, QColor("#ffffff"))
    painter.end()
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.setToolTip("baseline")
    tray.show()

    def report() -> None:
        print(f"tray-shown {time.time() - STARTED:.4f}", flush=True)

    QTimer.singleShot(0, report)
    if "--exit-after" in sys.argv:
        seconds = float(sys.argv[sys.argv.index("--exit-after") + 1])
        QTimer.singleShot(int(seconds * 1000), app.quit)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
