"""Shared by the lab binding tests: showing a page the same way twice, and comparing what it draws."""

from __future__ import annotations

import numpy as np
import torch
from PySide6.QtCore import Qt
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


def page_factory(qtbot, app_state, page_class):
    """A function that makes a new ``page_class`` page that qtbot closes after the test."""
    def make():
        page = page_class(app_state)
        qtbot.addWidget(page)
        return page
    return make


def torch_reference(op, x, k, **params) -> np.ndarray:
    """``op`` (F.conv2d or F.conv_transpose2d) of one single-channel image, in float64: the oracle."""
    t = lambda a: torch.tensor(np.asarray(a, dtype=np.float64))[None, None]
    return op(t(x), t(k), **params)[0, 0].numpy()


def click(qtbot, view, r, c) -> None:
    qtbot.mouseClick(view, Qt.LeftButton, pos=view.cell_rect(r, c).center())


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
