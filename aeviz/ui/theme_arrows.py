"""Arrow images for the high-contrast stylesheet (spin boxes, combo boxes, scroll bars).

Once a stylesheet gives a spin box or a combo box a border, Qt stops drawing its arrows;
a stylesheet can only bring them back as images (``image: url(...)``), and Qt's box
model cannot draw a triangle. So the arrows are painted here, in the theme's colours
large enough for every zoom, saved once as small PNGs in the cache folder (PNG needs no image
plugin, which a frozen bundle might lack) and named after their colour and size, so a
file once written is always right.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QBuffer, QIODevice, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPolygonF

from aeviz.core.paths import cache_dir
from aeviz.core.persist import atomic_write_bytes

_log = logging.getLogger(__name__)

DIRECTIONS = ("up", "down", "left", "right")


def arrow_png(direction: str, color: str, width: int, height: int) -> bytes:
    """A filled, antialiased triangle pointing ``direction`` on a transparent ``width`` × ``height`` image."""
    image = QImage(width, height, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    w, h = float(width), float(height)
    corners = {
        "up": ((0, h), (w, h), (w / 2, 0)),
        "down": ((0, 0), (w, 0), (w / 2, h)),
        "left": ((w, 0), (w, h), (0, h / 2)),
        "right": ((0, 0), (0, h), (w, h / 2)),
    }[direction]
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setPen(Qt.NoPen)
    painter.setBrush(QColor(color))
    painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in corners]))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def arrow_file(direction: str, color: str, width: int, height: int, folder: Path | None = None) -> str | None:
    """Path (with forward slashes, as stylesheets want) of the arrow image, written if missing;
    None if the cache folder cannot be written (the control then keeps its outline, without arrows)."""
    folder = folder or cache_dir() / "theme"
    path = folder / f"arrow-{direction}-{color.lstrip('#').lower()}-{width}x{height}.png"
    try:
        if not path.is_file():
            atomic_write_bytes(path, arrow_png(direction, color, width, height))
    except OSError as exc:
        _log.warning("arrow image not written: %s", exc)
        return None
    return path.as_posix()


#: arrow images are drawn this many times their size at zoom 1: Qt scales a stylesheet image down
#: to its box (smoothly) but never up, so one image serves every zoom
IMAGE_SCALE = 4


def arrow_rule(selector: str, direction: str, color: str, width: int, height: int,
               length: Callable[[float], str]) -> str:
    """``selector { image: url(...); width; height }`` for an arrow ``width`` × ``height`` pixels at
    zoom 1, its box given in stylesheet lengths by ``length``; nothing if the image could not be written."""
    path = arrow_file(direction, color, width * IMAGE_SCALE, height * IMAGE_SCALE)
    if path is None:
        return ""
    return f'{selector} {{ image: url("{path}"); width: {length(width)}; height: {length(height)}; }}'
