"""Shared by the pages' binding tests: a widget's pixels, the share of pixels two pictures differ in,
a page's picture once its work is done, and a saved view reopened in a new page."""

from __future__ import annotations

import contextlib

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from aeviz.core.viewfile import load_view, save_view

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
        current = grab(page)
        if previous is not None and np.array_equal(previous, current):
            break
        previous = current
    page.hide()
    return current


def grab(widget) -> np.ndarray:
    """What ``widget`` draws now, as an RGBA array."""
    image = widget.grab().toImage().convertToFormat(QImage.Format_RGBA8888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * height)
    return data.reshape(height, image.bytesPerLine())[:, :4 * width].reshape(height, width, 4).copy()


def differing(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape
    return float(np.any(a != b, axis=2).mean())


@contextlib.contextmanager
def reopened(page, page_class, app_state, qtbot, tmp_path):
    """Save ``page``'s view to a file and open it in a new ``page_class``; yields (picture of ``page``,
    the new page, its picture), both once their work is done. The new page is shut down afterwards."""
    before = picture(page, qtbot)
    path = save_view(tmp_path / f"{page.page_id}.aevizview", page.current_view())
    other = page_class(app_state)
    qtbot.addWidget(other)
    try:
        other.open_view(load_view(path))
        assert other.store.value == page.store.value
        yield before, other, picture(other, qtbot)
    finally:
        other.shutdown()
        qtbot.waitUntil(lambda: not other.busy(), timeout=60000)
