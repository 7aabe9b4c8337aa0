"""The ordinary window (not presentation) on a student's laptop: 1280×720, in French.

Every page fits the width it gets: no scroll area of the page scrolls sideways, no heading,
text, button or list is cut at its right edge by what holds it, and the page is not taller
than the window (a second, outer scroll bar). The lab pages' matrix product opens whole
where it can at a legible size, and says what is out of view when it cannot. One window
renders each page once.
"""

import importlib

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QComboBox, QLabel

from aeviz.state.convolution import SLIDE_K, SLIDE_X
from aeviz.ui.pages import page_ids
from aeviz.ui.pages.lab_base import LEGIBLE_POINTS

SIZE = (1280, 720)


def _rect(widget, window) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _shown(widget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _cut_at_the_side(widget) -> bool:
    """Part of the widget's width is hidden by a parent (a scroll area's edge, a splitter)."""
    return widget.visibleRegion().boundingRect().width() < widget.width()


def _open(window, qtbot, page_id, preset=None):
    """Show ``page_id`` as its home link does (its first preset, or ``preset``), its work done."""
    window.show_page(page_id)
    page = window.current_page()
    if page.can_save_view():
        presets = importlib.import_module(f"aeviz.state.{page_id}").PRESETS
        page.open_state(presets[preset or next(iter(presets))]())
    page.prepare_for_screenshot()
    qtbot.wait(300)
    return page


@pytest.fixture
def laptop_window(qtbot, app_state):
    from aeviz.ui.main_window import MainWindow

    app_state.set_language("fr")
    window = MainWindow(app_state)
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowNoState)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    from aeviz.ui import workers
    workers.stop_all(timeout_ms=10000)


def _width_defects(window, page_id) -> list:
    """What a student would see cut or scrolled sideways on the page shown in ``window``."""
    page = window.page(page_id)
    holder = window.page_scroll_area(page_id)
    defects = []
    if page.height() > holder.viewport().height():
        defects.append((page_id, "taller than the window", page.height(), holder.viewport().height()))
    scrollers = [holder, *[s for s in page.findChildren(QAbstractScrollArea) if _shown(s)]]
    defects += [(page_id, "scrolls sideways", type(s.parentWidget()).__name__) for s in scrollers
                if s.horizontalScrollBar().isVisible()]
    labels = [w for w in page.findChildren(QLabel) if _shown(w) and w.text().strip()]
    for label in labels:
        if label.font().pointSizeF() > window.state.point_size() and label.font().bold():  # a heading
            metrics = QFontMetrics(label.font())
            longest = max(metrics.horizontalAdvance(word) for word in label.text().split())
            room = label.contentsRect().width()
            if longest > room or (not label.wordWrap() and metrics.horizontalAdvance(label.text()) > room):
                defects.append((page_id, "heading wider than its label", label.text()[:40]))
    others = [w for w in page.findChildren(QAbstractButton) if _shown(w) and w.text().strip()]
    others += [w for w in page.findChildren(QComboBox) if _shown(w)]
    defects += [(page_id, "cut at the side", type(w).__name__, (w.text() if hasattr(w, "text") else "")[:40])
                for w in labels + others if _cut_at_the_side(w)]
    return defects


def test_every_page_fits_the_width_of_a_1280x720_window(laptop_window, qtbot):
    defects = []
    for page_id in page_ids():
        _open(laptop_window, qtbot, page_id)
        defects += _width_defects(laptop_window, page_id)
    assert not defects, defects


def test_every_other_lesson_state_fits_too(laptop_window, qtbot):
    """The home links' and the lesson's other states: a 16-number code's coordinates under the map
    squeezed the morphing tab until it scrolled sideways."""
    defects = []
    for page_id in page_ids():
        if not laptop_window.page(page_id).can_save_view():
            continue
        for preset in list(importlib.import_module(f"aeviz.state.{page_id}").PRESETS)[1:]:
            _open(laptop_window, qtbot, page_id, preset)
            defects += [(preset, *d) for d in _width_defects(laptop_window, page_id)]
    assert not defects, defects


def _inside(widget, area, window) -> bool:
    return _rect(area.viewport(), window).contains(_rect(widget, window))


def test_the_convolution_product_opens_whole_and_legible(laptop_window, qtbot):
    """The direct view folded away (the lesson's matrix step), C·vec(x) = vec(y) → y fits the view at
    8 pt or more; under the direct view vec(x) cannot fit: C and vec(y) do, and a line says how to
    see the rest. The numbers are the slide's: C·vec(x) is torch's convolution of x by k."""
    window = laptop_window
    page = _open(window, qtbot, "convolution", "matrix")
    views = (page.c_view, page.vecx_view, page.vecy_view, page.out2_view)
    area = page.matrix_scroll
    assert all(_inside(v, area, window) for v in views)
    assert not area.horizontalScrollBar().isVisible() and not area.verticalScrollBar().isVisible()
    assert min(v._font.pointSizeF() for v in views) >= LEGIBLE_POINTS - 0.05
    assert not page.matrix_more.isVisible()
    expected = F.conv2d(torch.tensor(SLIDE_X, dtype=torch.float64)[None, None],
                        torch.tensor(SLIDE_K, dtype=torch.float64)[None, None]).numpy().ravel()
    np.testing.assert_array_equal(page.vecx_view.data().ravel(), np.ravel(SLIDE_X))
    np.testing.assert_allclose(page.c_view.data() @ page.vecx_view.data().ravel(), expected)
    np.testing.assert_allclose(page.vecy_view.data().ravel(), expected)
    page = _open(window, qtbot, "convolution", "convolution")
    assert _inside(page.c_view, area, window) and _inside(page.vecy_view, area, window)
    assert not area.horizontalScrollBar().isVisible()
    assert area.verticalScrollBar().isVisible() and page.matrix_more.isVisible()
    assert "hors de vue" in page.matrix_more.text() and "séparation" in page.matrix_more.text()
    assert page.sum_label.text() == "y(0, 0) = 4×1 + 5×4 + 8×1 + 1×1 + 8×4 + 8×3 + 3×3 + 6×3 + 6×1 = 122"
    fitted = page.c_view.zoom
    page.zoom_slider.setValue(150)   # a person's zoom multiplies the fit
    assert page.store.value.matrix_zoom == 150 and page.c_view.zoom == pytest.approx(1.5 * fitted)


def test_the_transposed_partials_fit_beside_their_sum_and_output(laptop_window, qtbot):
    window = laptop_window
    page = _open(window, qtbot, "transposed", "transposed")
    area = page.split.widget(0)
    grids = [page.input_view, *[v for v in page.partial_views if v.isVisible()], page.sum_view, page.output_view]
    assert all(_inside(v, area, window) for v in grids)
    assert min(v._font.pointSizeF() for v in grids) >= LEGIBLE_POINTS - 0.05
    np.testing.assert_array_equal(page.output_view.data()[3], [57, 107, 164, 100])   # the lesson's last row


def test_the_linear_page_shows_its_data_choice_whole(laptop_window, qtbot):
    """« Images MNIST (une par ligne) » was elided to « Images MNIST (une par lig »: the narrow
    column puts the list under its label instead."""
    page = _open(laptop_window, qtbot, "linear")
    combo = page.source
    assert combo.currentText() == "Images MNIST (une par ligne)"
    assert combo.width() >= combo.sizeHint().width(), (combo.width(), combo.sizeHint().width())
