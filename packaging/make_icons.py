"""Render resources/icons/aeviz.svg to the PNG, ICO and ICNS icons (outputs are committed).

    python packaging/make_icons.py

Writes resources/icons/aeviz-<size>.png (16…512: the window icon and the Linux icon theme),
packaging/icons/aeviz.ico (Windows, 16…256) and packaging/icons/aeviz.icns (macOS, 16…1024).
Rendering uses Qt's own SVG renderer (PySide6.QtSvg), offscreen; pillow writes ICO and ICNS.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "aeviz.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs one
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"make_icons: {SVG} is not a valid SVG", file=sys.stderr)
        return 1
    images = {size: render(renderer, size) for size in sorted(set(PNG_SIZES + ICO_SIZES + ICNS_SIZES))}
    for size in PNG_SIZES:
        path = SVG.with_name(f"aeviz-{size}.png")
        images[size].save(path, optimize=True)
        print(path.relative_to(ROOT))
    out = ROOT / "packaging" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    largest_ico = images[max(ICO_SIZES)]
    largest_ico.save(out / "aeviz.ico", sizes=[(s, s) for s in ICO_SIZES],
                     append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    print((out / "aeviz.ico").relative_to(ROOT))
    images[1024].save(out / "aeviz.icns", append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    print((out / "aeviz.icns").relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
