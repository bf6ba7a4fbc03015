"""Render the app's icon, resources/icons/lt-desktop.svg, into the files that ship with it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/app_icon.py

The window icon is loaded from the PNGs (they need no image plugin, and small sizes
stay crisp); Windows takes the .ico for the program file itself. Run it after
changing the drawing, then look at the pictures.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> int:
    app = QGuiApplication(sys.argv)  # noqa: F841 - painting needs one
    renderer = QSvgRenderer(str(ICONS / "lt-desktop.svg"))
    if not renderer.isValid():
        print("the drawing could not be read", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"lt-desktop-{size}.png"))
        print(f"saved lt-desktop-{size}.png")
    largest = Image.open(ICONS / f"lt-desktop-{SIZES[-1]}.png")
    largest.save(ICONS / "lt-desktop.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    print("saved lt-desktop.ico")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
