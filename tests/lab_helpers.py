"""Shared by the lab binding tests: showing a page the same way twice, and comparing what it draws."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from aeviz.core.viewfile import load_view, save_view

SIZE = (1280, 800)


def show(page, qtbot) -> None:
    page.resize(*SIZE)
    page.show()
    qtbot.waitExposed(page)
    settle(qtbot)


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(10)


def pixels(page) -> np.ndarray:
    image = page.grab().toImage().convertToFormat(QImage.Format_RGB32)
    w, h = image.width(), image.height()
    return np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h).reshape(h, -1)[:, :w * 4] \
        .reshape(h, w, 4).copy()


def differing_fraction(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape
    return float(np.any(a != b, axis=2).mean())


def round_trip(page, make_page, qtbot, tmp_path):
    """Save ``page``'s view to a file, open it in a new page shown the same way; the new page."""
    path = save_view(tmp_path / f"{page.page_id}.aevizview", page.current_view())
    again = make_page()
    qtbot.addWidget(again)
    again.open_view(load_view(path))
    show(again, qtbot)
    again.finish_loading()
    settle(qtbot)
    return again
