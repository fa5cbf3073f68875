"""Render the application icon SVG to the PNG sizes desktops and installers ask for.

Uses QtSvg (already a dependency), so the build needs no image tools of its own.
Usage: render_icons.py SVG OUT_DIR [SIZE ...]  ->  OUT_DIR/<size>x<size>/apps/ctidesk.png
       render_icons.py --installer-icons SVG OUT_DIR  ->  OUT_DIR/ctidesk.ico and ctidesk.icns
       (the Windows and macOS icons; needs Pillow, from the `package` extra)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DEFAULT_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, out_dir: Path, sizes: tuple[int, ...] = DEFAULT_SIZES) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not a valid SVG")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_dir / f"{size}x{size}" / "apps" / "ctidesk.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"render_icons: could not write {target}")
        written.append(target)
    del app
    return written


def installer_icons(svg: Path, out_dir: Path) -> list[Path]:
    """ctidesk.ico (Windows) and ctidesk.icns (macOS) from the PNG renderings."""
    from PIL import Image

    pngs = render(svg, out_dir / "png", (16, 24, 32, 48, 64, 128, 256, 512, 1024))
    largest = Image.open(pngs[-1])
    ico = out_dir / "ctidesk.ico"
    largest.save(ico, sizes=[(n, n) for n in (16, 24, 32, 48, 64, 128, 256)])
    icns = out_dir / "ctidesk.icns"
    largest.save(icns)
    return [ico, icns]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--installer-icons"] and len(sys.argv) == 4:
        for path in installer_icons(Path(sys.argv[2]), Path(sys.argv[3])):
            print(path)
        raise SystemExit(0)
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    chosen = tuple(int(s) for s in sys.argv[3:]) or DEFAULT_SIZES
    for path in render(Path(sys.argv[1]), Path(sys.argv[2]), chosen):
        print(path)
