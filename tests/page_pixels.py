"""Shared by the binding tests of the linear, compression and pretraining pages: a page's picture
once its work is done, and the share of pixels two pictures differ in."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

SIZE = (1440, 900)


def picture(page, qtbot) -> np.ndarray:
    """The page as shown at SIZE, after its background work ended (RGBA array)."""
    page.resize(*SIZE)
    page.show()
    qtbot.waitExposed(page)
    assert page.wait_until_idle(300)
    # pyqtgraph sizes its axes to their tick labels once they are painted: grab until two grabs agree
    previous = None
    for _ in range(6):
        for _ in range(5):
            QApplication.processEvents()
        current = _grab(page)
        if previous is not None and np.array_equal(previous, current):
            break
        previous = current
    page.hide()
    return current


def _grab(page) -> np.ndarray:
    image = page.grab().toImage().convertToFormat(QImage.Format_RGBA8888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * height)
    return data.reshape(height, image.bytesPerLine())[:, :4 * width].reshape(height, width, 4).copy()


def differing(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape
    return float(np.any(a != b, axis=2).mean())
